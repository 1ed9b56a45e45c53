#!/usr/bin/env bash
# Starts B local Mosquitto brokers and S fieldcap servers (sharing one data folder, each subscribed to
# every broker), then runs `fieldcap bench fleet` against them and prints its JSON.
#   scripts/bench-fleet.sh BROKERS SERVERS [fieldcap bench fleet options...]
#   scripts/bench-fleet.sh 2 3 --devices 500 --fps 1 --frame-bytes 150k --seconds 120
# With STORE=s3 the servers keep images in a local S3Proxy (target/s3proxy.jar, filesystem back end,
# fetched by `mvn verify`); with DATABASE=postgres their metadata goes to a temporary PostgreSQL cluster
# (Debian's postgresql) and each server gets a data folder of its own, as on separate machines;
# SERVER_SETS adds server settings (e.g. "--set server.measure=deferred").
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/fieldcap.jar ]] || scripts/setup.sh
nb=${1:?brokers}; ns=${2:?servers}; shift 2
dir=$(mktemp -d)
pids=()
trap 'kill ${pids[@]} 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
uris=()
for ((i = 0; i < nb; i++)); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'listener %s 127.0.0.1\nuser %s\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nmax_queued_messages 100000\n' \
    "$port" "$(id -un)" > "$dir/mosquitto-$i.conf"
  mosquitto -c "$dir/mosquitto-$i.conf" > "$dir/mosquitto-$i.log" 2>&1 & pids+=($!)
  uris+=("tcp://127.0.0.1:$port")
done
brokers=$(IFS=,; echo "${uris[*]}")
store=()
if [[ "${STORE:-file}" == s3 ]]; then
  [[ -f target/s3proxy.jar ]] || mvn -q -B dependency:copy -Dartifact=org.gaul:s3proxy:2.6.0:jar:jar-with-dependencies -DoutputDirectory=target -Dmdep.stripVersion=true -Dmdep.stripClassifier=true
  s3port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir/s3/bench"   # with the filesystem back end a bucket is a folder
  printf 's3proxy.endpoint=http://127.0.0.1:%s\ns3proxy.authorization=aws-v2-or-v4\ns3proxy.identity=bench\ns3proxy.credential=bench-secret\njclouds.provider=filesystem\njclouds.filesystem.basedir=%s\n' \
    "$s3port" "$dir/s3" > "$dir/s3proxy.properties"
  java -jar target/s3proxy.jar --properties "$dir/s3proxy.properties" > "$dir/s3proxy.log" 2>&1 & pids+=($!)
  for _ in $(seq 100); do grep -q "Started Server" "$dir/s3proxy.log" 2>/dev/null && break; sleep 0.2; done
  export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret
  store=(--set server.store=s3://bench/fieldcap --set "server.s3.endpoint=http://127.0.0.1:$s3port")
fi
database=()
if [[ "${DATABASE:-sqlite}" == postgres ]]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  as=(); [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  mkdir -p "$dir/pg"; chmod 755 "$dir"; [[ $(id -u) -eq 0 ]] && chown postgres "$dir/pg"
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${as[@]}" "$pgbin/initdb" -D "$dir/pg/data" -U fieldcap --auth=trust -E UTF8 --locale=C > "$dir/initdb.log"
  "${as[@]}" "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w -o "-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1" start > /dev/null
  trap 'kill ${pids[@]} 2>/dev/null; wait 2>/dev/null; "${as[@]}" "$pgbin/pg_ctl" -D "$dir/pg/data" -m immediate stop >/dev/null; rm -rf "$dir"' EXIT
  "${as[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U fieldcap fieldcap
  database=(--set "server.database=postgresql://fieldcap@127.0.0.1:$pgport/fieldcap")
fi
sleep 0.5
for ((i = 0; i < ns; i++)); do
  data="$dir/data"; [[ ${#database[@]} -gt 0 ]] && data="$dir/data-$i"
  java ${SERVER_JAVA_OPTS:-} -jar target/fieldcap-server.jar server --broker "${uris[0]}" --data-dir "$data" \
    --set "server.brokers=$brokers" "${store[@]}" "${database[@]}" ${SERVER_SETS:-} > "$dir/server-$i.log" 2>&1 & pids+=($!)
done
for ((i = 0; i < ns; i++)); do
  for _ in $(seq 100); do grep -q "server: connected" "$dir/server-$i.log" 2>/dev/null && break; sleep 0.2; done
done
java ${BENCH_JAVA_OPTS:-} -jar target/fieldcap.jar bench fleet --brokers "$brokers" --json "$@"
