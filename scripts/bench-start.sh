#!/usr/bin/env bash
# Start to first frame: launches `fieldcap agent` (a fresh JVM, with the agent unit's JVM options)
# with a 640 model on a folder holding one image, RUNS times, and prints for each the seconds from
# launching java until the frame's file is in the spool (model loaded, warmed up, frame captured,
# prepared, inferred, encoded and durably stored).
#
#   scripts/bench-start.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
JAR=${JAR:-target/fieldcap.jar}
MODEL=${MODEL:-models/bench-yolo-640.onnx}
[[ -f "$MODEL" ]] || { echo "bench-start: $MODEL missing (scripts/fetch-models.sh makes it)" >&2; exit 1; }
unit=systemd/fieldcap-agent.service
opts=$(sed -n 's:^ExecStart=/usr/bin/java \(.*\) -jar .*:\1:p' $unit)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
cp /usr/share/doc/opencv-doc/examples/data/HappyFish.jpg "$work/in/"
for ((i = 1; i <= RUNS; i++)); do
  rm -rf "$work/spool"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  java $opts -jar "$JAR" agent --set device.id=bench-start --set "source.uri=dir://$work/in" \
    --set "spool.dir=$work/spool" --set "model.path=$MODEL" >"$work/agent.log" 2>&1 &
  pid=$!
  until compgen -G "$work/spool/frames/*/*.jpg" >/dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$work/agent.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  echo "run $i: start to first frame stored $(( (t1 - t0) / 1000000 )) ms"
done
