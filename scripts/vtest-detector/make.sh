#!/usr/bin/env bash
# Makes the person detector the tracking benchmarks run over vtest.avi (docs/benchmarks.md): frames of vtest.avi at
# 5 fps, pseudo-labeled by OpenCV's pretrained HOG people detector (HogLabels.java, Debian's libopencv-java), then
# the reference trainer (trainers/tiny_detector.py, Debian's python3-torch) trained from scratch on them at 320 px.
# It learns this footage's people, nothing more: a fixture for measuring what the rules over tracks keep, not a
# model to deploy. About 6 minutes on 2 cores.
#   scripts/vtest-detector/make.sh OUT        writes OUT/model/model.onnx
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: make.sh OUT}
vtest=/usr/share/doc/opencv-doc/examples/data/vtest.avi
mkdir -p "$out/images/train" "$out/labels/train" "$out/classes"
ffmpeg -loglevel error -y -i "$vtest" -vf fps=5 -q:v 2 "$out/images/train/%05d.jpg"
jar=$(ls /usr/share/java/opencv.jar)
javac -cp "$jar" -d "$out/classes" scripts/vtest-detector/HogLabels.java
java -Djava.library.path=/usr/lib/jni -cp "$jar:$out/classes" HogLabels "$out"
printf 'path: %s\ntrain: images/train\nval: images/train\nnames:\n  0: person\n' "$out" > "$out/data.yaml"
/usr/bin/python3 trainers/tiny_detector.py --data "$out/data.yaml" --out "$out/model" --epochs 30 --imgsz 320
