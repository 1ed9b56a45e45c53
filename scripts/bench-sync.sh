#!/usr/bin/env bash
# Measures sync throughput (against raw Paho) and capture-to-ack latency through a local Mosquitto.
#   scripts/bench-sync.sh [fieldcap bench sync options...]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/fieldcap.jar ]] || scripts/setup.sh
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nuser %s\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nmax_queued_messages 0\n' "$port" "$(id -un)" > "$dir/mosquitto.conf"
mosquitto -c "$dir/mosquitto.conf" & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.5
echo "mosquitto $(mosquitto -h | head -1 | awk '{print $3}') on 127.0.0.1:$port"
java ${BENCH_JAVA_OPTS:-} -jar target/fieldcap.jar bench sync --broker "tcp://127.0.0.1:$port" "$@"
