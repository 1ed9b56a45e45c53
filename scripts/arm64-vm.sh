#!/usr/bin/env bash
# An emulated arm64 Debian 12 machine, for proving the arm64 package where it ships.
#
#   scripts/arm64-vm.sh build      build the image once (cached; rebuilt only when missing)
#   scripts/arm64-vm.sh run DIR    boot it with DIR shared at /mnt/host, run DIR/guest.sh as root
#                                  under systemd, power off; DIR/guest.log, DIR/guest.rc and
#                                  DIR/console.log tell what happened. Exits with guest.sh's status.
#
# The root filesystem comes from Debian's archive (mmdebstrap, with qemu-user-static for the
# packages' scripts), the kernel and initrd are Debian's arm64 ones, and the machine is
# qemu-system-aarch64's `virt` board with a Cortex-A72 (a Raspberry Pi 4's core) under TCG: full-system
# emulation, so ONNX Runtime sees a real CPU and /proc/cpuinfo, which it does not under qemu-user.
# Each run boots a throwaway overlay: the cached image stays as built. The guest reaches the host's
# loopback at 10.0.2.2 (qemu's user network).
#
# Environment: FIELDCAP_ARM64_CACHE (where the image lives; default ~/.cache/fieldcap/arm64),
# FIELDCAP_ARM64_MIRROR (a Debian mirror; default: the first one in this machine's apt sources),
# FIELDCAP_ARM64_TIMEOUT (seconds a run may take; default 3600), FIELDCAP_ARM64_MEMORY (MiB; 2048).
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${FIELDCAP_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fieldcap/arm64}"
image="$cache/debian12-arm64.raw"
# What the guest needs beyond a minimal Debian: systemd and a kernel to boot, the agent package's
# dependencies (preinstalled so that each run installs only the .deb, offline), and tools the checks use.
GUEST_PACKAGES=systemd-sysv,udev,kmod,linux-image-arm64,initramfs-tools,iproute2,procps,\
openjdk-17-jre-headless,ffmpeg,libturbojpeg0,libopencv-java,adduser,ca-certificates,python3

mirror() {
  if [[ -n "${FIELDCAP_ARM64_MIRROR:-}" ]]; then
    echo "$FIELDCAP_ARM64_MIRROR"
    return
  fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -v '^\s*#' | grep -oE '(URIs:\s*|deb\s+(\[[^]]*\]\s+)?)https?://[^ ]+' | grep -v security \
    | grep -oE 'https?://[^ ]+' | head -1 || true)
  [[ -n "$m" ]] || { echo "arm64-vm: no Debian mirror in this machine's apt sources; set FIELDCAP_ARM64_MIRROR" >&2; exit 1; }
  echo "${m%/}"
}

need() {
  local missing=()
  for c in "$@"; do command -v "$c" >/dev/null || missing+=("$c"); done
  if ((${#missing[@]})); then
    echo "arm64-vm: missing ${missing[*]} (apt-get install mmdebstrap qemu-user-static qemu-system-arm e2fsprogs qemu-utils)" >&2
    exit 1
  fi
}

build() {
  if [[ -f "$image" && -f "$cache/vmlinuz" && -f "$cache/initrd.img" ]]; then
    return
  fi
  need mmdebstrap qemu-aarch64-static mkfs.ext4
  if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
    update-binfmts --enable qemu-aarch64 2>/dev/null || true
    [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] \
      || { echo "arm64-vm: arm64 binaries cannot run here (binfmt_misc has no qemu-aarch64 entry)" >&2; exit 1; }
  fi
  mkdir -p "$cache"
  local root="$cache/rootfs" url
  url=$(mirror)
  rm -rf "$root" "$image.part"
  echo "arm64-vm: building an arm64 Debian 12 root filesystem from $url (once; about 20 minutes)"
  mmdebstrap --arch=arm64 --variant=minbase --include="$GUEST_PACKAGES" \
    --customize-hook='echo fieldcap-arm64 > "$1/etc/hostname"' \
    --customize-hook='printf "/dev/vda / ext4 defaults 0 1\nhost /mnt/host 9p trans=virtio,version=9p2000.L,msize=524288,nofail 0 0\n" > "$1/etc/fstab"' \
    --customize-hook='mkdir -p "$1/mnt/host" "$1/etc/systemd/network"' \
    --customize-hook='printf "[Match]\nName=en*\n[Network]\nDHCP=yes\n" > "$1/etc/systemd/network/10-user.network"' \
    --customize-hook='chroot "$1" systemctl enable systemd-networkd' \
    --customize-hook='chroot "$1" passwd -d root' \
    --customize-hook='printf "9p\n9pnet\n9pnet_virtio\n" >> "$1/etc/modules"' \
    --customize-hook='cat > "$1/etc/systemd/system/fieldcap-guest.service" <<EOF
[Unit]
Description=Runs /mnt/host/guest.sh, then powers off
After=network-online.target mnt-host.mount systemd-networkd-wait-online.service
Wants=network-online.target systemd-networkd-wait-online.service
RequiresMountsFor=/mnt/host
[Service]
Type=oneshot
ExecStart=/bin/sh -c "/bin/sh /mnt/host/guest.sh >/mnt/host/guest.log 2>&1; echo \$? >/mnt/host/guest.rc; sync; systemctl poweroff --force"
FailureAction=poweroff-force
StandardOutput=journal+console
[Install]
WantedBy=multi-user.target
EOF' \
    --customize-hook='chroot "$1" systemctl enable fieldcap-guest.service' \
    --customize-hook='cp -L "$1/vmlinuz" "$1/../vmlinuz" && cp -L "$1/initrd.img" "$1/../initrd.img"' \
    bookworm "$root" "deb $url bookworm main" "deb $url bookworm-updates main" \
    "deb ${url%/debian}/debian-security bookworm-security main"
  mkfs.ext4 -q -L root -d "$root" "$image.part" 6G
  mv "$image.part" "$image"
  rm -rf "$root"
  echo "arm64-vm: image in $image"
}

run() {
  local dir
  dir=$(cd "$1" && pwd)
  [[ -f "$dir/guest.sh" ]] || { echo "arm64-vm: $dir/guest.sh not found" >&2; exit 1; }
  need qemu-system-aarch64 qemu-img
  build
  rm -f "$dir/guest.rc" "$dir/guest.log"
  local overlay="$dir/.overlay.qcow2"
  qemu-img create -q -f qcow2 -b "$image" -F raw "$overlay"
  trap 'rm -f "$overlay"' RETURN
  local started=$SECONDS
  timeout "${FIELDCAP_ARM64_TIMEOUT:-3600}" qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 \
    -accel tcg,thread=multi -m "${FIELDCAP_ARM64_MEMORY:-2048}" -nographic -no-reboot \
    -kernel "$cache/vmlinuz" -initrd "$cache/initrd.img" \
    -append "root=/dev/vda rw console=ttyAMA0 systemd.show_status=false" \
    -drive "file=$overlay,if=virtio,format=qcow2" \
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= \
    -virtfs "local,path=$dir,mount_tag=host,security_model=none,id=host" \
    </dev/null >"$dir/console.log" 2>&1 || true
  echo "arm64-vm: the guest ran $((SECONDS - started)) s"
  if [[ ! -f "$dir/guest.rc" ]]; then
    echo "arm64-vm: guest.sh did not finish; the console's last lines:" >&2
    tail -30 "$dir/console.log" >&2
    return 1
  fi
  return "$(cat "$dir/guest.rc")"
}

case "${1:-}" in
  build) build ;;
  run) [[ $# -eq 2 ]] || { echo "usage: $0 run DIR" >&2; exit 2; }; run "$2" ;;
  *) echo "usage: $0 build | run DIR" >&2; exit 2 ;;
esac
