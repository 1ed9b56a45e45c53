#!/usr/bin/env bash
# The training loop on generated field scenes (docs/training.md), every step a fieldcap command:
#  1. crates and drums over real footage with known truth come back as reviewed labels; two frozen
#     dataset versions (the first 40 scenes, then all 160, with the same grouped splits); the
#     reference trainer makes a model from each; both are scored on the same frozen test split.
#  2. a broker, the server on the same data folder and two cameras (cam-a, cam-b) pre-labeling new
#     scenes with the first model; `push model --registered round2-model --require-better --canary 1`
#     deploys the second only because it beats the first there, one camera first, then the other.
#  3. a scripted reviewer corrects every camera frame to the truth (export, fix, import), and
#     `report corrections` shows, per model version, the share of boxes that needed a correction.
# Figures (eval, push, fleet, corrections) are left in DIR/figures.
#   scripts/loop-demo.sh [DIR]      (default: ./fieldcap-loop; about 2 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir="${1:-$PWD/fieldcap-loop}"
jar=$root/target/fieldcap-server.jar
py=/usr/bin/python3
[[ -f "$jar" ]] || scripts/setup.sh
rm -rf "$dir"
mkdir -p "$dir/figures"
data=$dir/data
fig=$dir/figures
fc() { java -jar "$jar" "$@"; }
# in the background, java itself (not a subshell running fc) is what $! names and the cleanup stops
fc_bg() { exec java -jar "$jar" "$@"; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "loop: 1. two dataset versions of reviewed scenes, a model trained on each"
$py scripts/make-scenes.py "$dir/scenes" --count 160
fc import --data-dir "$data" --format coco --source field --in "$dir/scenes/annotations.json"
split="train=0.6,val=0.1,test=0.3"
fc dataset create round1 --data-dir "$data" --labels reviewed --split "$split" --until 2026-12-01T08:40:00Z
fc dataset create round2 --data-dir "$data" --labels reviewed --split "$split"
trainer="$py $root/trainers/tiny_detector.py --data {data_yaml} --out {out} --epochs 40"
fc train --data-dir "$data" --dataset round1 --name round1-model --trainer "$trainer" 2>/dev/null
fc train --data-dir "$data" --dataset round2 --name round2-model --trainer "$trainer" 2>/dev/null
sha() { fc models show "$1" --data-dir "$data" --json | $py -c 'import json,sys; print(json.load(sys.stdin)["sha256"])'; }
echo "loop: both models on dataset round2's frozen test split:"
for m in round1-model round2-model; do
  fc eval --data-dir "$data" --dataset round2 --split test --model "$data/models/$(sha $m).onnx" --json 2>/dev/null \
    > "$fig/eval-$m.json"
  $py -c "import json,sys; d=json.load(open(sys.argv[1])); print('  $m: AP %.3f  AP50 %.3f  (%d frames)' \
    % (d['bbox']['AP'], d['bbox']['AP50'], d['frames']))" "$fig/eval-$m.json"
done

echo "loop: 2. the fleet: a broker, the server, two cameras pre-labeling with round1-model"
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
broker=tcp://127.0.0.1:$port
mkdir -p "$dir/broker" "$dir/fleet"
printf 'listener %s 127.0.0.1\nuser %s\npersistence false\nallow_anonymous true\n' "$port" "$(id -un)" \
  > "$dir/broker/mosquitto.conf"
mosquitto -c "$dir/broker/mosquitto.conf" > "$dir/broker/log" 2>&1 &
pids+=($!)
fc keys generate --out "$dir/keys" --name update > /dev/null
fc_bg server --broker "$broker" --data-dir "$data" > "$dir/fleet/server.log" 2>&1 &
pids+=($!)
cp "$data/models/$(sha round1-model).onnx" "$dir/fleet/round1-model.onnx"
# new scenes for the cameras (another seed, the next day): 120 each, with their truth for the reviewer
$py scripts/make-scenes.py "$dir/live" --count 240 --seed 29 --start 2026-12-02T08:00:00Z
for cam in cam-a cam-b; do
  mkdir -p "$dir/fleet/$cam/in"
  fc_bg agent --set device.id=$cam --set device.groups=field --set "source.uri=dir://$dir/fleet/$cam/in" \
    --set source.fps=4 --set "spool.dir=$dir/fleet/$cam/spool" --set "mqtt.broker=$broker" --set mqtt.status-interval=1s \
    --set "model.path=$dir/fleet/round1-model.onnx" --set model.threads=1 --set quality.duplicates=false \
    --set quality.blur-min=0 --set "update.key=$dir/keys/update.pub" --set update.probation=2s --set update.min-frames=6 \
    > "$dir/fleet/$cam/agent.log" 2>&1 &
  pids+=($!)
done
# scene k goes to cam-a when k < 120, else to cam-b; feed NAME FROM TO copies scenes FROM..TO-1 of each camera
feed() {
  for ((k = $1; k < $2; k++)); do
    cp -p "$dir/live/images/scene-$(printf %04d $k).jpg" "$dir/fleet/cam-a/in/"
    cp -p "$dir/live/images/scene-$(printf %04d $((k + 120))).jpg" "$dir/fleet/cam-b/in/"
    [[ -z "${3:-}" ]] || sleep "$3"
  done
}
stored() {
  rm -rf "$dir/count"
  fc export --data-dir "$data" --format coco --device cam-a --device cam-b --link --out "$dir/count" 2>/dev/null |
    sed -n 's/^exported \([0-9]*\) images.*/\1/p'
}
wait_stored() {
  local deadline=$((SECONDS + $2)) n
  while n=$(stored); ((${n:-0} < $1)); do
    ((SECONDS < deadline)) || { echo "loop: only ${n:-0} of $1 camera frames reached the server in $2 s" >&2; exit 1; }
    sleep 2
  done
}
feed 0 30
wait_stored 60 180
echo "loop: 60 frames pre-labeled by round1-model are on the server"

echo "loop: push round2-model, only if it beats what the cameras run, one camera first"
# live frames keep coming while the rollout watches each camera's probation
(feed 30 80 0.5) &
feeder=$!
fc push model --registered round2-model --require-better --dataset round2 --split test --data-dir "$data" \
  --group field --canary 1 --key "$dir/keys/update.key" --broker "$broker" --wait 3m | tee "$fig/push.txt"
wait "$feeder"
feed 80 120
wait_stored 240 240
fc fleet --broker "$broker" --json > "$fig/fleet.json"

echo "loop: 3. a reviewer corrects every camera frame to the truth"
rm -rf "$dir/review"
fc export --data-dir "$data" --format coco --device cam-a --device cam-b --out "$dir/review" > /dev/null
$py - "$dir/review/annotations.json" "$dir/live/annotations.json" <<'EOF'
import datetime, json, sys
review, truth = (json.load(open(p)) for p in sys.argv[1:3])
t0 = datetime.datetime(2026, 12, 2, 8, tzinfo=datetime.timezone.utc).timestamp()
names = {c["id"]: c["name"] for c in truth["categories"]}
ids = {c["name"]: c["id"] for c in review["categories"]}
for name in names.values():
    if name not in ids:
        ids[name] = max(ids.values(), default=0) + 1
        review["categories"].append({"id": ids[name], "name": name})
boxes = {}
for a in truth["annotations"]:
    boxes.setdefault(a["image_id"], []).append(a)
anns = []
for img in review["images"]:  # a frame's capture time is its scene file's time: one a minute from t0
    t = datetime.datetime.fromisoformat(img["date_captured"].replace("Z", "+00:00")).timestamp()
    scene = round((t - t0) / 60) + 1
    for a in boxes.get(scene, []):
        anns.append({"id": len(anns) + 1, "image_id": img["id"], "category_id": ids[names[a["category_id"]]],
                     "bbox": a["bbox"], "area": a["area"], "iscrowd": 0})
review["annotations"] = anns
json.dump(review, open(sys.argv[1], "w"))
EOF
fc import --data-dir "$data" --format coco --in "$dir/review/annotations.json" --all-reviewed
fc report corrections --data-dir "$data" --json > "$fig/corrections.json"
fc report corrections --data-dir "$data"
$py - "$fig/corrections.json" <<'EOF'
import json, sys
for m in json.load(open(sys.argv[1]))["models"]:
    if m["model"].startswith("round"):
        redo = (m["relabelled"] + m["deleted"] + m["added"]) / m["frames"]
        print("loop: %s: %d frames, %.1f%% of boxes corrected, %.2f boxes a frame to delete, add or relabel,"
              " pre-label precision %.3f recall %.3f" % (m["model"], m["frames"], 100 * m["corrected"], redo,
                                                         m["precision"], m["recall"]))
EOF
fc models list --data-dir "$data"
