#!/usr/bin/env bash
# Runs every test of wan-agent: the unit tests, the packages' checks (lab/packages.sh: the .deb, the Windows zip,
# the OpenWrt scripts), then the lab integration tests inside the lab's LAN namespace against real miniupnpd,
# snmpd and a dyndns2 endpoint, then the fault suite (lab/faults.sh, about 4-5 minutes, on a lab of its own). As root it installs the lab's packages and builds and removes the lab
# itself. Without root the lab tests are skipped with a message (in CI they must run).
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="mvn -B -ntp"

if [ "$(id -u)" = 0 ]; then
  lab/lab.sh install
fi

echo "== unit tests and the agent jar (mvn install)"
# -DskipITs=false: the lab tests are compiled and their dependencies resolved here too; outside the lab's
# LAN namespace they skip themselves.
$MVN install -DskipITs=false

if [ "$(id -u)" != 0 ]; then
  echo "== lab tests SKIPPED: they need root to build network namespaces (run: sudo lab/test-all.sh)"
  [ "${CI:-}" = true ] && { echo "CI must run the lab tests: run .ci/run as root" >&2; exit 1; }
  exit 0
fi

echo "== packages (lab/packages.sh: the .deb installed, its unit verified, run and removed; the Windows zip; the OpenWrt scripts)"
lab/packages.sh

echo "== lab tests (inside the lab's LAN namespace)"
trap 'lab/lab.sh down >/dev/null 2>&1 || true' EXIT
lab/lab.sh up
WAN_AGENT_LAB_REQUIRED=1 ip netns exec lan $MVN -o verify -pl agent -DskipITs=false -DskipUnitTests=true

echo "== fault suite (lab/faults.sh: router outages, WAN flaps, provider failures, snmpd, kill -9, quiet minute)"
lab/faults.sh
