#!/usr/bin/env bash
# Sets up a fresh machine and runs the agent on a sample street clip for a while, then shows the spool.
#   scripts/demo.sh [SECONDS]     (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
scripts/setup.sh
samples="${FIELDCAP_SAMPLES:-/usr/share/doc/opencv-doc/examples/data}"
spool="${FIELDCAP_DEMO_DIR:-$PWD/.fieldcap/demo}/spool"
args=(--config device-config/demo.yaml --set "source.uri=file://$samples/vtest.avi" --set "spool.dir=$spool")
echo "demo: capturing from vtest.avi for ${seconds} s into $spool"
timeout -s TERM "$seconds" java -jar target/fieldcap.jar agent "${args[@]}" || [[ $? -eq 124 ]]
java -jar target/fieldcap.jar spool stats "${args[@]}"
echo "demo: frames are under $spool/frames"
