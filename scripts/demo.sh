#!/usr/bin/env bash
# Sets up a fresh machine and runs the demo, in one process: an embedded MQTT 5 broker, the ingest
# server with its web app, and two agents (a street clip, and the Megamind clip with the BlazeFace
# model pre-labeling faces); it prints the web app's URL and a viewer token; when it stops (Ctrl-C,
# or after --seconds), a COCO export of what arrived.
#   scripts/demo.sh                 runs until Ctrl-C
#   scripts/demo.sh --seconds N     stops by itself after N seconds (for scripts and tests)
# FIELDCAP_DEMO_HTTP sets where the web app listens (default 127.0.0.1:8080; "off" for none).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=0
case "${1:-}" in
  --seconds) seconds="${2:?--seconds needs a number}" ;;
  "") ;;
  *[!0-9]*) echo "usage: scripts/demo.sh [--seconds N]" >&2; exit 2 ;;
  *) seconds="$1" ;;
esac
scripts/setup.sh
exec java -jar target/fieldcap-server.jar demo --seconds "$seconds" --data-dir "${FIELDCAP_DEMO_DIR:-$PWD/fieldcap-demo}" \
  --http "${FIELDCAP_DEMO_HTTP:-127.0.0.1:8080}"
