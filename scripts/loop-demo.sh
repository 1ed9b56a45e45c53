#!/usr/bin/env bash
# The training loop on generated field scenes (docs/training.md): crates and drums over real footage
# with known truth; the truth comes back as reviewed labels; two frozen dataset versions (the first 40
# scenes, then all 160, with the same grouped splits); the reference trainer makes a model from each;
# both are scored on the same frozen test split: the model with more data is better. Then
# `push --require-better` is what lets only the better one reach the cameras (docs/evaluation.md).
#   scripts/loop-demo.sh [DIR]      (default: ./fieldcap-loop; about 2 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-$PWD/fieldcap-loop}"
jar=target/fieldcap-server.jar
[[ -f "$jar" ]] || scripts/setup.sh
rm -rf "$dir"
/usr/bin/python3 scripts/make-scenes.py "$dir/scenes" --count 160
fc() { java -jar "$jar" "$@"; }
fc import --data-dir "$dir/data" --format coco --source field --in "$dir/scenes/annotations.json"
split="train=0.6,val=0.1,test=0.3"
fc dataset create round1 --data-dir "$dir/data" --labels reviewed --split "$split" --until 2026-12-01T08:40:00Z
fc dataset create round2 --data-dir "$dir/data" --labels reviewed --split "$split"
trainer="/usr/bin/python3 $PWD/trainers/tiny_detector.py --data {data_yaml} --out {out} --epochs 40"
fc train --data-dir "$dir/data" --dataset round1 --name round1-model --trainer "$trainer" 2>/dev/null
fc train --data-dir "$dir/data" --dataset round2 --name round2-model --trainer "$trainer" 2>/dev/null
echo "loop: both models on dataset round2's frozen test split:"
for m in round1-model round2-model; do
  sha=$(fc models show "$m" --data-dir "$dir/data" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
  fc eval --data-dir "$dir/data" --dataset round2 --split test --model "$dir/data/models/$sha.onnx" --json 2>/dev/null |
    /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print('  $m: AP %.3f  AP50 %.3f  (%d frames)' % (d['bbox']['AP'], d['bbox']['AP50'], d['frames']))"
done
fc models list --data-dir "$dir/data"
