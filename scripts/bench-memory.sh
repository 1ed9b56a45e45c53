#!/usr/bin/env bash
# Where the agent's memory goes: runs `fieldcap agent` with a 640 model on a looping clip, once per
# set of JVM options given (default: the unit's options against the JVM's defaults), and prints for
# each its peak resident set (VmHWM) and the JVM's own share of it (Native Memory Tracking: heap,
# classes, code, GC, threads); what is left is native memory outside the JVM (ONNX Runtime, OpenCV,
# ffmpeg's pipe buffers, glibc's heaps).
#
#   scripts/bench-memory.sh [SECONDS] ["[VAR=VALUE ...] JVM OPTIONS" ...]
#   scripts/bench-memory.sh 40 "-Xmx256m" "MALLOC_ARENA_MAX=2 -XX:+UseSerialGC -Xmx256m"
# Without options: -Xmx256m alone against the options (and environment) of systemd/fieldcap-agent.service.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-40}
shift || true
JAR=${JAR:-target/fieldcap.jar}
MODEL=${MODEL-models/bench-yolo-640.onnx}
CLIP=${CLIP:-/usr/share/doc/opencv-doc/examples/data/vtest.avi}
[[ -z "$MODEL" || -f "$MODEL" ]] || { echo "bench-memory: $MODEL missing (scripts/fetch-models.sh makes it)" >&2; exit 1; }
if (($# == 0)); then
  unit=systemd/fieldcap-agent.service
  set -- "-Xmx256m" "$(sed -n 's/^Environment=//p' $unit | tr '\n' ' ')$(sed -n 's:^ExecStart=/usr/bin/java \(.*\) -jar .*:\1:p' $unit)"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for opts in "$@"; do
  rm -rf "$work/spool"
  env_opts=()
  jvm_opts=()
  for o in $opts; do
    if [[ "$o" == *=* && "$o" != -* ]]; then env_opts+=("$o"); else jvm_opts+=("$o"); fi
  done
  env "${env_opts[@]}" java "${jvm_opts[@]}" -XX:NativeMemoryTracking=summary -jar "$JAR" agent \
    --set device.id=bench-memory --set "source.uri=file://$CLIP" --set source.loop=true --set source.fps=10 \
    --set "spool.dir=$work/spool" ${MODEL:+--set model.path="$MODEL"} --set agent.summary-interval=1h \
    >"$work/agent.log" 2>&1 &
  pid=$!
  sleep "$SECONDS_EACH"
  hwm=$(awk '/VmHWM/{print int($2/1024)}' /proc/$pid/status)
  rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status)
  nmt=$(jcmd $pid VM.native_memory summary scale=MB 2>/dev/null | sed -n 's/^-[ ]*\([A-Za-z ]*\) (reserved=[0-9]*MB, committed=\([0-9]*\)MB).*/\1=\2/p' |
    awk -F= '$2>0{gsub(/ +$/,"",$1); printf "%s %s MB, ", $1, $2}')
  total=$(jcmd $pid VM.native_memory summary scale=MB 2>/dev/null | sed -n 's/^Total: reserved=[0-9]*MB, committed=\([0-9]*\)MB.*/\1/p')
  stored=$(ls "$work"/spool/frames/*/ 2>/dev/null | wc -l)
  kill $pid; wait $pid 2>/dev/null || true
  echo "options: ${opts}"
  echo "  peak RSS ${hwm} MB, RSS now ${rss} MB, JVM committed ${total} MB, outside the JVM ~$((rss - total)) MB; ${stored} frames stored"
  echo "  JVM: ${nmt%, }"
done
