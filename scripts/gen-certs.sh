#!/usr/bin/env bash
# Makes a private CA and certificates for MQTT over TLS (testing, or a small private deployment).
#   scripts/gen-certs.sh OUT_DIR [SERVER_NAME ...]
# Writes: ca.pem ca.key, server.pem server.key (for the broker; SANs: localhost, 127.0.0.1 and the
# names given), client.pem client.key (for a device or server that authenticates with a certificate).
# Keys are PKCS#8 PEM ("BEGIN PRIVATE KEY"), which both Mosquitto and fieldcap read.
set -euo pipefail
out="${1:?usage: gen-certs.sh OUT_DIR [SERVER_NAME ...]}"
shift
mkdir -p "$out"
cd "$out"

san="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do san="$san,DNS:$name"; done

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=fieldcap test CA" \
  -keyout ca.key -out ca.pem 2>/dev/null

issue() { # name cn ext
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server localhost "subjectAltName=$san
extendedKeyUsage=serverAuth"
issue client fieldcap-device "extendedKeyUsage=clientAuth"
chmod 600 ./*.key
echo "gen-certs: wrote ca.pem, server.pem/key, client.pem/key to $(pwd)"
