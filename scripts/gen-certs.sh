#!/usr/bin/env bash
# Makes a private CA and the certificates for MQTT over TLS with one identity per device, plus a
# Mosquitto configuration that enforces them.
#
#   scripts/gen-certs.sh OUT_DIR [--broker-name NAME]... [--topic-root ROOT] [--port PORT] [--listen ADDRESS] [DEVICE_ID...]
#
# Writes into OUT_DIR:
#   ca.pem ca.key                  the CA (keep ca.key offline; it is needed only to issue more certificates)
#   broker.pem broker.key          the broker's certificate (SANs: localhost, 127.0.0.1 and each --broker-name)
#   server.pem server.key          the fieldcap server's client identity (CN=fieldcap-server)
#   push.pem push.key              the operator's identity for 'fieldcap push' (CN=fieldcap-push): the only one
#                                  that may publish update bundles (docs/fleet.md)
#   devices/ID.pem devices/ID.key  one client identity per device (CN=the device id)
#   acl                            Mosquitto pattern ACLs: a device may publish only its own frames and
#                                  status and read only its own acks and commands; only the server may
#                                  read frames and publish acks (and commands); devices read update
#                                  bundles, and only the push identity publishes them
#   mosquitto.conf                 a TLS listener requiring a client certificate, the certificate's CN
#                                  as the user name, and the acl file
#   share-group                    a random shared-subscription group name for server.share-group: Mosquitto's
#                                  acl_file cannot refuse subscriptions, so a device that knew the group
#                                  could join it and take a share of every device's frames (docs/security.md)
# Running it again with more device ids keeps the CA and every certificate already issued and adds the new
# ones. Keys are PKCS#8 PEM ("BEGIN PRIVATE KEY"), which both Mosquitto and fieldcap read.
set -euo pipefail
usage="usage: gen-certs.sh OUT_DIR [--broker-name NAME]... [--topic-root ROOT] [--port PORT] [--listen ADDRESS] [DEVICE_ID...]"
out="${1:?$usage}"
shift
root="fieldcap/v1"
port=8883
listen=""
san="DNS:localhost,IP:127.0.0.1"
devices=()
while (($#)); do
  case "$1" in
    --broker-name) san="$san,DNS:${2:?--broker-name needs a value}"; shift 2 ;;
    --topic-root) root="${2:?--topic-root needs a value}"; shift 2 ;;
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --listen) listen="${2:?--listen needs a value}"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "gen-certs: unknown option $1; $usage" >&2; exit 2 ;;
    *)
      # the same rule as fieldcap's device.id: it becomes a topic level and a file name
      if [[ ! "$1" =~ ^[A-Za-z0-9._-]{1,64}$ || "$1" == "." || "$1" == ".." || "$1" == "fieldcap-server" || "$1" == "fieldcap-push" \
          || "$1" == "_fleet" ]]; then
        echo "gen-certs: device id '$1' is not allowed; expected 1 to 64 characters from [A-Za-z0-9._-]," \
          "not '.', '..', 'fieldcap-server', 'fieldcap-push' or '_fleet'" >&2
        exit 2
      fi
      devices+=("$1"); shift ;;
  esac
done
mkdir -p "$out/devices"
cd "$out"
umask 077

if [[ ! -f ca.pem ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=fieldcap CA" -keyout ca.key -out ca.pem 2>/dev/null
fi

issue() { # file cn ext: issues file.pem/file.key unless file.pem exists
  [[ -f "$1.pem" ]] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue broker localhost "subjectAltName=$san
extendedKeyUsage=serverAuth"
issue server fieldcap-server "extendedKeyUsage=clientAuth"
issue push fieldcap-push "extendedKeyUsage=clientAuth"
for d in "${devices[@]}"; do
  issue "devices/$d" "$d" "extendedKeyUsage=clientAuth"
done

if [[ ! -f share-group ]]; then
  echo "fieldcap-ingest-$(openssl rand -hex 12)" > share-group
fi

# Pattern ACLs apply to every client; %u is the user name, here the certificate's CN. Mosquitto checks
# "read" again when it delivers each message, so a subscription to a wider filter receives nothing more.
cat > acl <<ACL
# fieldcap broker ACL, written by scripts/gen-certs.sh (topic root: $root)
# Every device: its own frames and status out, its own acks and commands in.
pattern write $root/%u/frames/#
pattern readwrite $root/%u/status
pattern read $root/%u/acks
pattern read $root/%u/commands
# Update bundles (docs/fleet.md): its own (which it clears once answered), its groups' and the fleet's.
pattern readwrite $root/%u/update/#
pattern read $root/_fleet/#

# The fieldcap server: every device's frames in (through the shared subscription), acks and commands out,
# every status in (the fleet view).
user fieldcap-server
topic read $root/+/frames/#
topic write $root/+/acks
topic write $root/+/commands
topic read $root/+/status

# The operator's 'fieldcap push': bundles out to any target, statuses in (to watch a rollout).
user fieldcap-push
topic readwrite $root/+/update/#
topic readwrite $root/_fleet/#
topic read $root/+/status
ACL

cat > mosquitto.conf <<CONF
# Mosquitto configuration written by scripts/gen-certs.sh: TLS only, one certificate per client.
per_listener_settings false
allow_anonymous false
acl_file $(pwd)/acl
listener $port $listen
cafile $(pwd)/ca.pem
certfile $(pwd)/broker.pem
keyfile $(pwd)/broker.key
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
set_tcp_nodelay true
CONF
chmod 644 ./*.pem devices/*.pem acl mosquitto.conf 2>/dev/null || true
chmod 600 share-group
echo "gen-certs: wrote ca, broker, server (fieldcap-server) and ${#devices[@]} device identities, acl, mosquitto.conf and share-group to $(pwd)"
echo "gen-certs: give the server server.share-group: $(cat share-group)"
