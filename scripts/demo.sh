#!/usr/bin/env bash
# Sets up a fresh machine and runs the demo: an embedded MQTT 5 broker, the ingest server and an
# agent playing a sample street clip as a camera, in one process; then a COCO export of what arrived.
#   scripts/demo.sh [SECONDS]     (default 30; 0 runs until Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
scripts/setup.sh
exec java -jar target/fieldcap-server.jar demo --seconds "$seconds" --data-dir "${FIELDCAP_DEMO_DIR:-$PWD/fieldcap-demo}"
