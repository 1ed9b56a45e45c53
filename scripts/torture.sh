#!/usr/bin/env bash
# The reliability torture harness with more cycles than CI runs, then the table of docs/reliability.md.
#   scripts/torture.sh [agent|server|server-scaled|postgres|broker|crashpoints|outage|damage|power-agent|power-server|power-both|power|all] [CYCLES]
#   TORTURE_SEED=123 scripts/torture.sh agent 1000     # replay a failing run's random moments
#   TORTURE_FRAMES=600 scripts/torture.sh power-agent 1000   # more input frames (default 150; 120 for power-*)
# Needs what scripts/setup.sh installs (mosquitto, ffmpeg, opencv-doc, postgresql; fuse3 and python3-fusepy, and root,
# for the power-* runs, which cut power on a lossy FUSE filesystem). Results: target/reliability/results.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
cycles=${2:-100}
case "$what" in
  agent) it='TortureIT#agentKilled*' ;;
  server) it='TortureIT#serverKilledMidTransfer' ;;
  server-scaled) it='TortureIT#serverKilledMidTransferWithPostgres*' ;;
  postgres) it='TortureIT#postgresKilled*' ;;
  broker) it='TortureIT#brokerRestarted*' ;;
  crashpoints) it='TortureIT#crashBetween*' ;;
  outage) it='OutageIT' ;;
  damage) it='DamageIT' ;;
  power-agent) it='PowerLossIT#agent*' ;;
  power-server) it='PowerLossIT#server*' ;;
  power-both) it='PowerLossIT#powerCutOfBoth*' ;;
  power) it='LossyFsIT,PowerLossIT' ;;
  all) it='TortureIT,OutageIT,DamageIT,LossyFsIT,PowerLossIT' ;;
  *) echo "usage: scripts/torture.sh [agent|server|server-scaled|postgres|broker|crashpoints|outage|damage|power-agent|power-server|power-both|power|all] [CYCLES]" >&2; exit 2 ;;
esac
rm -f target/reliability/results.jsonl
mvn -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$it" -Dtorture.cycles="$cycles" \
  ${TORTURE_SEED:+-Dtorture.seed=$TORTURE_SEED} ${TORTURE_FRAMES:+-Dtorture.frames=$TORTURE_FRAMES}
echo
echo "| fault | trials | accepted | stored | lost | duplicated |"
echo "|---|---|---|---|---|---|"
sed -E 's/.*"fault":"([^"]*)","trials":([0-9]+),"accepted":([0-9]+),"stored":([0-9]+),"lost":([0-9]+),"duplicated":([0-9]+).*/| \1 | \2 | \3 | \4 | \5 | \6 |/' \
  target/reliability/results.jsonl
