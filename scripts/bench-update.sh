#!/usr/bin/env bash
# Measures a model update on a running agent through a local Mosquitto: how long from `fieldcap push`
# to the device running the new model (download, SHA-256, staging checks, switch), and whether capture
# lost a frame around the switch. Uses the YOLO-sized bench model (scripts/make-bench-model.py) and
# real footage (vtest.avi from Debian's opencv-doc).
#   scripts/bench-update.sh [SECONDS_BEFORE_PUSH]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/fieldcap.jar ]] || scripts/setup.sh
[[ -f models/bench-yolo-640.onnx ]] || /usr/bin/python3 scripts/make-bench-model.py models/bench-yolo-640.onnx
before=${1:-15}
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nuser %s\nallow_anonymous true\npersistence false\n' "$port" "$(id -un)" > "$dir/mosquitto.conf"
mosquitto -c "$dir/mosquitto.conf" & broker=$!
agent=
trap 'kill $broker ${agent:-} 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.5
java -jar target/fieldcap.jar keys generate --out "$dir/keys" --name update >/dev/null
cp models/bench-yolo-640.onnx "$dir/bench-yolo-640-v2.onnx" # the same weights under a new name: a full staging and switch
sets=(--set device.id=bench-cam --set source.uri=file://${FIELDCAP_SAMPLES:-/usr/share/doc/opencv-doc/examples/data}/vtest.avi
  --set source.loop=true --set source.fps=5 --set spool.dir="$dir/spool" --set mqtt.broker="tcp://127.0.0.1:$port"
  --set mqtt.status-interval=1s --set model.path=models/bench-yolo-640.onnx --set model.threads=1
  --set quality.duplicates=false --set quality.blur-min=0 --set update.key="$dir/keys/update.pub" --set update.probation=10s)
java -jar target/fieldcap.jar agent "${sets[@]}" > "$dir/agent.log" 2>&1 & agent=$!
sleep "$before"
t0=$(date +%s.%N)
java -jar target/fieldcap.jar push model --broker "tcp://127.0.0.1:$port" --key "$dir/keys/update.key" --device bench-cam \
  --model "$dir/bench-yolo-640-v2.onnx" --wait 60s
t1=$(date +%s.%N)
sleep 3
kill -TERM $agent; wait $agent || true
agent=
ms() { date -d "$(grep -m1 "$1" "$dir/agent.log" | cut -c1-23)" +%s.%N; }
received=$(ms "updates: received")
running=$(ms "is running")
echo "push to received: $(echo "$received - $t0" | bc) s; received to running (download, SHA-256, staging checks, switch): $(echo "$running - $received" | bc) s; push to active (incl. probation 10 s): $(echo "$t1 - $t0" | bc) s"
java -jar target/fieldcap.jar spool stats --set device.id=bench-cam --set source.uri=0 --set spool.dir="$dir/spool" --json \
  | python3 -c 'import json,sys; s=json.load(sys.stdin); print("captured", s["captured"], "dropped", s["dropped"], "rejected", s["rejected"], "pending", s["pending"])'
