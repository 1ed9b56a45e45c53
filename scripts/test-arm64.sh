#!/usr/bin/env bash
# Proves the arm64 agent package where it ships: in an emulated arm64 Debian 12 (scripts/arm64-vm.sh),
# installs target/deb/fieldcap-agent_*_arm64.deb with Debian's JRE and libopencv-java, checks the
# config, and runs the agent under systemd as the package's unit does, syncing through the VM's user
# network to a Mosquitto and a fieldcap server on this machine's loopback:
#   1. BlazeFace on the 11 frames of Megamind.avi at 1 fps, SIGKILLed inside the VM after a few frames and
#      restarted by systemd: every frame must arrive once;
#   2. a YOLO-sized model (scripts/make-bench-model.py, 640x640) on 6 frames of vtest.avi: the
#      agent's peak RSS and start time inside the VM;
#   3. PaddleOCR's trained text detector through `fieldcap label`.
# Each label is compared with the x86_64 build's on the same pixels (boxes within 1 px, scores within
# 1e-3, text masks by IoU). The frames are PNG files read by the agent's folder source, so both
# builds see the same pixels. Prints the figures; exits non-zero on any difference.
#
#   scripts/test-arm64.sh            (mvn package and scripts/package.sh first; about 10 minutes,
#                                     plus about 20 the first time, to build the VM image)
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls target/deb/fieldcap-agent_*_arm64.deb 2>/dev/null | head -1 || true)
[[ -n "$deb" ]] || { echo "test-arm64: no arm64 package in target/deb: run mvn package and scripts/package.sh" >&2; exit 2; }
for c in mosquitto ffmpeg /usr/bin/python3; do
  command -v "$c" >/dev/null || { echo "test-arm64: $c is needed (scripts/setup.sh)" >&2; exit 2; }
done
scripts/fetch-models.sh >/dev/null
[[ -f models/bench-yolo-640.onnx ]] || /usr/bin/python3 scripts/make-bench-model.py models/bench-yolo-640.onnx >/dev/null
samples="${FIELDCAP_SAMPLES:-/usr/share/doc/opencv-doc/examples/data}"

work=$(mktemp -d)
share="$work/share"
mkdir -p "$share/faces" "$share/street" "$work/data"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# the footage, as PNG files whose modification times give the folder source its order
ffmpeg -v error -i "$samples/Megamind.avi" -vf fps=1 -frames:v 12 "$share/faces/f%02d.png"
ffmpeg -v error -i "$samples/vtest.avi" -vf fps=1 -frames:v 6 "$share/street/f%02d.png"
for d in faces street; do
  i=0
  for f in "$share/$d"/*.png; do touch -d "@$((1700000000 + i))" "$f"; i=$((i + 1)); done
done
cp "$deb" models/face_detection_front_128x128_barracuda.onnx models/bench-yolo-640.onnx \
  models/ch_PP-OCRv4_det_infer.onnx "$share/"
# a street frame with two signs for the text detector (ffmpeg's drawtext, the system's default font)
ffmpeg -v error -i "$samples/vtest.avi" -frames:v 1 -vf "scale=640:480,drawtext=text='FIELD CAPTURE':fontsize=44:x=40:\
y=60:box=1:boxcolor=white:boxborderw=12:fontcolor=black,drawtext=text='Gate 7':fontsize=44:x=380:y=260:box=1:\
boxcolor=white:boxborderw=12:fontcolor=black" "$share/signs.png"

# the same labels from the x86_64 build
label() { java -jar target/fieldcap.jar label "$@"; }
label --model models/face_detection_front_128x128_barracuda.onnx --confidence 0.5 --iou 0.3 "$share"/faces/*.png > "$work/x86-faces.jsonl"
label --model models/bench-yolo-640.onnx --confidence 0.05 "$share"/street/*.png > "$work/x86-street.jsonl"
label --model models/ch_PP-OCRv4_det_infer.onnx --format binary --threshold 0.3 --unclip 1.5 --input-size 640x480 \
  "$share/signs.png" > "$work/x86-text.jsonl"

# the broker and the server on this machine's loopback (the guest reaches it as 10.0.2.2)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mosquitto -p "$port" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
java -jar target/fieldcap-server.jar server --broker "tcp://127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pids+=($!)

cat >"$share/guest.sh" <<EOF
set -eu
host=/mnt/host
echo "== \$(uname -m), \$(nproc) CPUs, \$(grep -m1 'CPU part' /proc/cpuinfo), \$(free -m | awk '/Mem:/{print \$2}') MiB"
dpkg -i \$host/fieldcap-agent_*_arm64.deb
install -d -o fieldcap -g fieldcap /var/lib/fieldcap/models /var/lib/fieldcap/faces /var/lib/fieldcap/street
cp \$host/*.onnx /var/lib/fieldcap/models/
cp -p \$host/faces/*.png /var/lib/fieldcap/faces/
cp -p \$host/street/*.png /var/lib/fieldcap/street/
chown -R fieldcap:fieldcap /var/lib/fieldcap

config() { # device folder model extra-yaml
  cat >/etc/fieldcap/agent.yaml <<YAML
device:
  id: \$1
source:
  uri: dir:///var/lib/fieldcap/\$2
spool:
  dir: /var/lib/fieldcap/spool-\$1
mqtt:
  broker: tcp://10.0.2.2:$port
  ack-timeout: 20s
model:
  path: /var/lib/fieldcap/models/\$3
\$4
quality:                 # off: every frame is kept, so that each file has its labels on the server
  duplicates: false
  blur-min: 0
  dark-below: 0
  bright-above: 255
agent:
  summary-interval: 10s
  metrics-listen: 127.0.0.1:9464
YAML
}
stats() { runuser -u fieldcap -- fieldcap spool stats --config /etc/fieldcap/agent.yaml; }
# a counter from the agent's Prometheus endpoint (the spool's own counts), 0 while it is not up: cheaper
# to poll under emulation than a JVM per look
metric() {
  python3 - "\$1" <<'PY'
import sys, urllib.request
try:
    text = urllib.request.urlopen("http://127.0.0.1:9464/metrics", timeout=2).read().decode()
    print(next((int(float(l.split()[-1])) for l in text.splitlines() if l.startswith(sys.argv[1] + " ")), 0))
except Exception:
    print(0)
PY
}
wait_for() { # metric n seconds
  end=\$((\$(date +%s) + \$3))
  while [ "\$(date +%s)" -lt "\$end" ]; do
    [ "\$(metric \$1)" -ge "\$2" ] && return 0; sleep 1
  done
  echo "only \$(metric \$1) of \$2 frames (\$1)"; stats; journalctl -u fieldcap-agent --no-pager | tail -30; return 1
}

echo "== 1. BlazeFace under systemd, SIGKILL and restart"
config arm64-faces faces face_detection_front_128x128_barracuda.onnx "  confidence: 0.5
  iou: 0.3"
t0=\$(date +%s.%N)
fieldcap config check /etc/fieldcap/agent.yaml
echo "config check: \$(python3 -c "print(round(\$(date +%s.%N) - \$t0, 1))") s"
t0=\$(date +%s.%N)
systemctl start fieldcap-agent
wait_for fieldcap_agent_frames_captured_total 1 600
echo "first frame stored \$(python3 -c "print(round(\$(date +%s.%N) - \$t0, 1))") s after systemctl start"
wait_for fieldcap_agent_frames_captured_total 4 600
before=\$(systemctl show -p MainPID --value fieldcap-agent)
stored=\$(metric fieldcap_agent_frames_captured_total)
systemctl kill -s KILL fieldcap-agent
echo "SIGKILL to \$before with \$stored frames stored"
sleep 7
until [ "\$(systemctl show -p MainPID --value fieldcap-agent)" != 0 ]; do sleep 1; done
echo "restarted by systemd as \$(systemctl show -p MainPID --value fieldcap-agent) (NRestarts=\$(systemctl show -p NRestarts --value fieldcap-agent))"
wait_for fieldcap_agent_frames_acked_total \$(ls \$host/faces | wc -l) 600
systemctl stop fieldcap-agent
echo "stopped: \$(systemctl show -p Result --value fieldcap-agent), status \$(systemctl show -p ExecMainStatus --value fieldcap-agent)"
stats

echo "== 2. a 640x640 YOLO-sized model"
config arm64-street street bench-yolo-640.onnx "  confidence: 0.05"
t0=\$(date +%s.%N)
systemctl start fieldcap-agent
wait_for fieldcap_agent_frames_captured_total 1 600
echo "first frame stored \$(python3 -c "print(round(\$(date +%s.%N) - \$t0, 1))") s after systemctl start"
wait_for fieldcap_agent_frames_acked_total \$(ls \$host/street | wc -l) 900
pid=\$(systemctl show -p MainPID --value fieldcap-agent)
echo "peak RSS \$(awk '/VmHWM/{print int(\$2/1024)}' /proc/\$pid/status) MB with the 640 model"
echo "ONNX Runtime loaded from: \$(grep -o '/[^ ]*onnxruntime[^ ]*\.so' /proc/\$pid/maps | sort -u | tr '\n' ' ')"
echo "OpenCV loaded from: \$(grep -o '/[^ ]*opencv_java[^ ]*\.so[^ ]*' /proc/\$pid/maps | sort -u | tr '\n' ' ')"
echo "JPEG: \$(grep -o '/[^ ]*turbojpeg[^ ]*' /proc/\$pid/maps | sort -u | head -1)"
systemctl stop fieldcap-agent
echo "stopped: \$(systemctl show -p Result --value fieldcap-agent), status \$(systemctl show -p ExecMainStatus --value fieldcap-agent)"

echo "== 3. PaddleOCR's text detector"
fieldcap label --model /var/lib/fieldcap/models/ch_PP-OCRv4_det_infer.onnx --format binary --threshold 0.3 --unclip 1.5 \
  --input-size 640x480 \$host/signs.png > \$host/arm64-text.jsonl
echo "== done"
EOF

echo "test-arm64: booting the arm64 VM (the guest's log follows when it ends)"
status=0
scripts/arm64-vm.sh run "$share" || status=$?
cat "$share/guest.log" 2>/dev/null || true
((status == 0)) || { echo "test-arm64: the guest failed ($status)" >&2; exit 1; }
sleep 2
kill "${pids[@]}" 2>/dev/null || true
wait 2>/dev/null || true
pids=()
for dev in arm64-faces arm64-street; do
  java -jar target/fieldcap.jar export --data-dir "$work/data" --format coco --device "$dev" --out "$work/coco-$dev" >/dev/null
done
/usr/bin/python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
def rle(counts, h, w):
    import numpy as np
    c, p, m, s = [], 0, 0, counts
    while p < len(s):
        x = k = 0; more = 1
        while more:
            ch = ord(s[p]) - 48; x |= (ch & 0x1f) << 5 * k; more = ch & 0x20; p += 1; k += 1
            if not more and ch & 0x10: x |= -1 << 5 * k
        if m > 2: x += c[m - 2]
        c.append(x); m += 1
    a = np.zeros(h * w, np.uint8); i = v = 0
    for n in c: a[i:i + n] = v; i += n; v ^= 1
    return a
failures = 0
for dev, ref in (("arm64-faces", "x86-faces.jsonl"), ("arm64-street", "x86-street.jsonl")):
    coco = json.load(open(f"{work}/coco-{dev}/annotations.json"))
    names = {c["id"]: c["name"] for c in coco["categories"]}
    images = sorted(coco["images"], key=lambda i: i["file_name"])
    refs = [json.loads(l) for l in open(f"{work}/{ref}")]
    print(f"{dev}: {len(images)} frames stored from {len(refs)} files")
    if len(images) != len(refs) or len({i['file_name'] for i in images}) != len(images):
        print(f"  FAIL: {len(images)} stored, {len(refs)} expected, each once"); failures += 1; continue
    worst_box = worst_score = 0.0; boxes = 0
    for img, r in zip(images, refs):
        mine = sorted([a for a in coco["annotations"] if a["image_id"] == img["id"]], key=lambda a: (a["bbox"][0], a["bbox"][1]))
        theirs = sorted(r["detections"], key=lambda d: (d["box"][0], d["box"][1]))
        if len(mine) != len(theirs):
            print(f"  FAIL {img['file_name']}: {len(mine)} boxes on arm64, {len(theirs)} on x86_64"); failures += 1; continue
        for a, d in zip(mine, theirs):
            boxes += 1
            worst_box = max(worst_box, max(abs(x - y) for x, y in zip(a["bbox"], d["box"])))
            worst_score = max(worst_score, abs(a["score"] - d["score"]))
            if names[a["category_id"]] != d["class"]:
                print(f"  FAIL {img['file_name']}: {names[a['category_id']]} against {d['class']}"); failures += 1
    print(f"  {boxes} boxes, largest box difference {worst_box:.2f} px, largest score difference {worst_score:.5f}")
    if worst_box > 1 or worst_score > 1e-3:
        print("  FAIL: over 1 px or 1e-3"); failures += 1
a = json.loads(open(f"{work}/share/arm64-text.jsonl").read())["detections"]
b = json.loads(open(f"{work}/x86-text.jsonl").read())["detections"]
if not (a and b):
    print(f"text detector: FAIL: {len(a)} masks on arm64, {len(b)} on x86_64"); failures += 1
else:
    ma, mb = (rle(x[0]["mask"]["counts"], *x[0]["mask"]["size"]) if x else None for x in (a, b))
    iou = (ma & mb).sum() / max(1, (ma | mb).sum())
    print(f"text detector: mask IoU arm64 against x86_64 {iou:.4f}, scores {a[0]['score']} and {b[0]['score']}")
    if iou < 0.99 or abs(a[0]["score"] - b[0]["score"]) > 1e-3: print("  FAIL: masks differ"); failures += 1
sys.exit(1 if failures else 0)
PY
echo "test-arm64: the arm64 package labels as the x86_64 build does"
