#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs the whole test suite: unit tests, then
# integration tests (*IT) against the packaged jar, real ffmpeg, a real RTSP server and real footage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build
mvn -B verify
