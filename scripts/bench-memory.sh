#!/usr/bin/env bash
# Where the agent's memory goes: runs `fieldcap agent` with a 640 model on a looping clip, once per
# set of JVM options given (default: the unit's options against the JVM's defaults), and prints for
# each its peak resident set (VmHWM) and the JVM's own share of it (Native Memory Tracking: heap,
# classes, code, GC, threads); what is left is native memory outside the JVM (ONNX Runtime, OpenCV,
# ffmpeg's pipe buffers, glibc's heaps).
#
#   scripts/bench-memory.sh [SECONDS] ["[VAR=VALUE ...] JVM OPTIONS" ...]
#   scripts/bench-memory.sh 40 "-Xmx256m" "MALLOC_ARENA_MAX=2 -XX:+UseSerialGC -Xmx256m"
#   LIMIT=256M scripts/bench-memory.sh 30 "$(scripts/bench-memory.sh --unit)"
# Without options: -Xmx256m alone against the options (and environment) of systemd/fieldcap-agent.service;
# --unit prints the unit's. The resident set counts the libraries' clean pages, which the kernel takes
# back under pressure; LIMIT runs the agent in a memory cgroup of that size (root; cgroup v1 or v2), as
# systemd's MemoryMax= would, and prints the cgroup's peak charge, how often it reached the limit (and
# had to reclaim), whether the kernel killed it, and the frames stored, to compare with a run without.
# (Library pages already in the page cache stay charged to whoever read them first.)
set -euo pipefail
cd "$(dirname "$0")/.."
unit=systemd/fieldcap-agent.service
unit_opts="$(sed -n 's/^Environment=//p' $unit | tr '\n' ' ')$(sed -n 's:^ExecStart=/usr/bin/java \(.*\) -jar .*:\1:p' $unit)"
if [[ "${1:-}" == --unit ]]; then
  echo "$unit_opts"
  exit 0
fi
SECONDS_EACH=${1:-40}
shift || true
JAR=${JAR:-target/fieldcap.jar}
MODEL=${MODEL-models/bench-yolo-640.onnx}
CLIP=${CLIP:-/usr/share/doc/opencv-doc/examples/data/vtest.avi}
[[ -z "$MODEL" || -f "$MODEL" ]] || { echo "bench-memory: $MODEL missing (scripts/fetch-models.sh makes it)" >&2; exit 1; }
if (($# == 0)); then
  set -- "-Xmx256m" "$unit_opts"
fi
# A memory cgroup of LIMIT bytes (cgroup v2, else v1's memory controller): prints its directory.
make_cgroup() {
  local dir
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    dir=/sys/fs/cgroup/fieldcap-bench-memory
    mkdir -p "$dir" && echo "$LIMIT" >"$dir/memory.max" && echo 0 >"$dir/memory.swap.max" 2>/dev/null || true
  else
    dir=/sys/fs/cgroup/memory/fieldcap-bench-memory
    mkdir -p "$dir" && echo "$LIMIT" >"$dir/memory.limit_in_bytes"
  fi
  echo "$dir"
}
# The cgroup's peak charge in MB, the times it reached its limit, and the OOM kills in it.
cgroup_figures() {
  local dir=$1
  if [[ -f "$dir/memory.max" ]]; then
    echo "$(($(cat "$dir/memory.peak" 2>/dev/null || echo 0) / 1048576)) $(awk '$1=="max"{print $2}' "$dir/memory.events") $(awk '$1=="oom_kill"{print $2}' "$dir/memory.events")"
  else
    echo "$(($(cat "$dir/memory.max_usage_in_bytes") / 1048576)) $(cat "$dir/memory.failcnt") $(awk '$1=="oom_kill"{print $2}' "$dir/memory.oom_control")"
  fi
}
work=$(mktemp -d)
pid=
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
for opts in "$@"; do
  rm -rf "$work/spool"
  env_opts=()
  jvm_opts=()
  for o in $opts; do
    if [[ "$o" == *=* && "$o" != -* ]]; then env_opts+=("$o"); else jvm_opts+=("$o"); fi
  done
  launch=()
  if [[ -n "${LIMIT:-}" ]]; then
    cg=$(make_cgroup) || { echo "bench-memory: cannot make a memory cgroup (run as root)" >&2; exit 1; }
    launch=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg")
  fi
  "${launch[@]}" env "${env_opts[@]}" java "${jvm_opts[@]}" -XX:NativeMemoryTracking=summary -jar "$JAR" agent \
    --set device.id=bench-memory --set "source.uri=file://$CLIP" --set source.loop=true --set source.fps=10 \
    --set "spool.dir=$work/spool" ${MODEL:+--set model.path="$MODEL"} --set agent.summary-interval=1h \
    >"$work/agent.log" 2>&1 &
  pid=$!
  sleep "$SECONDS_EACH"
  if ! kill -0 $pid 2>/dev/null; then
    wait $pid 2>/dev/null || true; pid=
    echo "options: ${opts}"
    if [[ -n "${LIMIT:-}" ]]; then
      read -r peak hits kills < <(cgroup_figures "$cg")
      echo "  the agent ended before the time was up: cgroup limit $LIMIT, peak charge ${peak} MB, limit reached ${hits} times, OOM kills ${kills:-0}"
    else
      echo "  the agent ended before the time was up (its log: $(tail -1 "$work/agent.log"))"
    fi
    [[ -n "${LIMIT:-}" ]] && rmdir "$cg" 2>/dev/null
    continue
  fi
  hwm=$(awk '/VmHWM/{print int($2/1024)}' /proc/$pid/status)
  rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status)
  anon=$(awk '/RssAnon/{print int($2/1024)}' /proc/$pid/status)
  file=$(awk '/RssFile/{print int($2/1024)}' /proc/$pid/status)
  nmt=$(jcmd $pid VM.native_memory summary scale=MB 2>/dev/null | sed -n 's/^-[ ]*\([A-Za-z ]*\) (reserved=[0-9]*MB, committed=\([0-9]*\)MB).*/\1=\2/p' |
    awk -F= '$2>0{gsub(/ +$/,"",$1); printf "%s %s MB, ", $1, $2}')
  total=$(jcmd $pid VM.native_memory summary scale=MB 2>/dev/null | sed -n 's/^Total: reserved=[0-9]*MB, committed=\([0-9]*\)MB.*/\1/p')
  stored=$(ls "$work"/spool/frames/*/ 2>/dev/null | wc -l)
  kill $pid; wait $pid 2>/dev/null || true; pid=
  echo "options: ${opts}"
  echo "  peak RSS ${hwm} MB, RSS now ${rss} MB (anonymous ${anon}, files ${file}), JVM committed ${total} MB, outside the JVM ~$((rss - total)) MB; ${stored} frames stored"
  echo "  JVM: ${nmt%, }"
  if [[ -n "${LIMIT:-}" ]]; then
    read -r peak hits kills < <(cgroup_figures "$cg")
    echo "  cgroup limit $LIMIT: peak charge ${peak} MB, limit reached ${hits} times, OOM kills ${kills:-0}"
    rmdir "$cg" 2>/dev/null || true
  fi
done
