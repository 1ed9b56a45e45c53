#!/usr/bin/env bash
# Builds Debian packages into target/deb/ from the jars `mvn package` made:
#   fieldcap-agent_VERSION_amd64.deb, fieldcap-agent_VERSION_arm64.deb  (the per-architecture device jar)
#   fieldcap-server_VERSION_all.deb                                      (fieldcap-server.jar)
# with dpkg-deb; then runs lintian on them when it is installed. Usage: scripts/package.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
for j in target/fieldcap-linux-x86_64.jar target/fieldcap-linux-aarch64.jar target/fieldcap-server.jar; do
  [[ -f "$j" ]] || { echo "package: $j is missing: run mvn package first" >&2; exit 2; }
done
pom_version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
# Debian versions may not contain '-' without a revision; a snapshot sorts before its release with '~'
version=${1:-$(echo "$pom_version" | sed 's/-SNAPSHOT/~snapshot/')}
out=target/deb
rm -rf "$out"; mkdir -p "$out"
date_rfc2822=$(LC_ALL=C date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")

# common files of a package: docs, changelog, copyright
docs() { # package dir name
  local d=$1/usr/share/doc/$2
  install -d "$d"
  install -m 644 packaging/deb/copyright "$d/copyright"
  printf '%s (%s) unstable; urgency=medium\n\n  * Built from fieldcap %s.\n\n -- fieldcap developers <fieldcap@users.noreply.github.com>  %s\n' \
    "$2" "$version" "$pom_version" "$date_rfc2822" | gzip -9n > "$d/changelog.gz"
}

build() { # name arch jar unit config command
  # the agent's command is `fieldcap`, the server's `fieldcap-server`: both packages install side by side
  local name=$1 arch=$2 jar=$3 unit=$4 config=$5 cmd=$6
  local root; root=$(mktemp -d)
  install -d -m 755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/$cmd" "$root/lib/systemd/system" "$root/etc/fieldcap" \
    "$root/usr/share/man/man1"
  install -m 644 "$jar" "$root/usr/share/$cmd/$cmd.jar"
  sed -e "s:@JAR@:/usr/share/$cmd/$cmd.jar:" packaging/deb/fieldcap > "$root/usr/bin/$cmd"
  chmod 755 "$root/usr/bin/$cmd"
  sed -e "s/@COMMAND@/$cmd/g" packaging/deb/fieldcap.1 | gzip -9n > "$root/usr/share/man/man1/$cmd.1.gz"
  sed -e "s:/opt/fieldcap/fieldcap.jar:/usr/share/$cmd/$cmd.jar:g" "systemd/$unit" > "$root/lib/systemd/system/$unit"
  chmod 644 "$root/lib/systemd/system/$unit"
  install -m 644 "$config" "$root/etc/fieldcap/$(basename "$config")"   # 640 root:USER once the user exists (postinst)
  docs "$root" "$name"
  for s in postinst prerm postrm; do  # (init-system-helpers' deb-systemd-invoke, as debhelper's snippets use)
    sed -e "s/@NAME@/$name/g" -e "s/@UNIT@/$unit/g" "packaging/deb/$name.$s" > "$root/DEBIAN/$s"
    chmod 755 "$root/DEBIAN/$s"
  done
  echo "/etc/fieldcap/$(basename "$config")" > "$root/DEBIAN/conffiles"
  local size; size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "packaging/deb/$name.control" > "$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zgzip -z1 --build "$root" "$out/${name}_${version}_${arch}.deb" > /dev/null
  rm -rf "$root"
  echo "$out/${name}_${version}_${arch}.deb"
}

build fieldcap-agent amd64 target/fieldcap-linux-x86_64.jar fieldcap-agent.service packaging/deb/agent.yaml fieldcap
build fieldcap-agent arm64 target/fieldcap-linux-aarch64.jar fieldcap-agent.service packaging/deb/agent.yaml fieldcap
build fieldcap-server all target/fieldcap-server.jar fieldcap-server.service packaging/deb/server.yaml fieldcap-server
if command -v lintian > /dev/null; then
  lintian --fail-on error --suppress-tags-from-file packaging/deb/lintian-overrides "$out"/*.deb
fi
