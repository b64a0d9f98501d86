#!/usr/bin/env bash
# Checks the packages that `mvn install` builds in dist/target (README "Packages"), as root on this machine:
#   - the .deb: its files, modes and conffile; dpkg -i; the installed unit passes `systemd-analyze verify` (and
#     `security`, printed); /usr/bin/wan-agent --version; the shipped config passes `wan-agent check` run as an
#     unprivileged user; `wan-agent run` from the package answers on its status listener and takes the OpenWrt
#     hotplug script's trigger; dpkg -r keeps the conffile, dpkg -P removes everything and the agent's state.
#   - the Windows zip: its file list, the WinSW XML (xmllint), the jar and launcher inside it.
#   - the OpenWrt scripts: shellcheck, and the procd init script's instance against stubbed procd functions.
# Every JVM started here runs in a network namespace of its own with only loopback: no SSDP leaves this host.
# lab/test-all.sh runs it after the unit tests. Needs: lab/lab.sh install (shellcheck, xmllint, unzip, systemd).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "packages: FAILED: $*" >&2; exit 1; }
ok() { echo "  ok  $*"; }
[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i, network namespaces)"
for tool in dpkg-deb systemd-analyze shellcheck unzip xmllint unshare setpriv curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run lab/lab.sh install)"
done

version=$(xmllint --xpath '/*[local-name()="project"]/*[local-name()="version"]/text()' pom.xml)
deb=dist/target/wan-agent_${version//-/\~}_all.deb
zip=dist/target/wan-agent-${version}-windows.zip
jar=agent/target/wan-agent.jar
for f in "$deb" "$zip" "$jar"; do [ -f "$f" ] || fail "no $f (build it: mvn install)"; done
work=$(mktemp -d)
made_private=""
overlay=""
cleanup() {
  if [ -n "$overlay" ]; then umount "$overlay" 2>/dev/null || true; fi
  dpkg -P wan-agent >/dev/null 2>&1 || true
  if [ -n "$made_private" ]; then rmdir /var/lib/private 2>/dev/null || true; fi
  rm -rf --one-file-system "$work" # never into a still-mounted overlay of /
}
if dpkg-query -W -f='${Status}' wan-agent 2>/dev/null | grep -q installed; then
  fail "wan-agent is installed here; this check installs and purges it: dpkg -P wan-agent first (or run it elsewhere)"
fi
trap cleanup EXIT
NOBODY=65534 # the agent runs unprivileged, as under the unit's DynamicUser
# a command in a network namespace of its own (loopback only), as an unprivileged user
isolated() { unshare -n sh -c 'ip link set lo up && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' sh "$@"; }

echo "== the .deb: $deb ($(stat -c %s "$deb") bytes)"
files=$(dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ {print $1, $2, $6}' | sort)
expected=$(sort <<'EOF'
-rw-r--r-- root/root ./usr/share/wan-agent/wan-agent.jar
-rwxr-xr-x root/root ./usr/bin/wan-agent
-rw-r--r-- root/root ./usr/lib/systemd/system/wan-agent.service
-rw-r--r-- root/root ./etc/wan-agent/wan-agent.yaml
EOF
)
[ "$files" = "$expected" ] || fail "the .deb's files:"$'\n'"$files"$'\n'"expected:"$'\n'"$expected"
ok "files and modes: $(echo "$files" | awk '{print $3}' | tr '\n' ' ')"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/wan-agent/wan-agent.yaml ] || fail "conffiles: $(cat "$work/control/conffiles")"
[ "$(dpkg-deb -f "$deb" Package Architecture Depends)" = $'Package: wan-agent\nArchitecture: all\nDepends: java17-runtime-headless' ] \
  || fail "control fields: $(dpkg-deb -f "$deb" Package Architecture Depends)"
shellcheck "$work/control/postinst" "$work/control/prerm" "$work/control/postrm"
ok "conffile /etc/wan-agent/wan-agent.yaml; Depends java17-runtime-headless; maintainer scripts pass shellcheck"

dpkg -i "$deb" >/dev/null
dpkg-query -W -f='${Status}' wan-agent | grep -q "install ok installed" || fail "dpkg -i did not install it"
cmp -s /usr/share/wan-agent/wan-agent.jar "$jar" || fail "the installed jar is not $jar"
cmp -s /usr/bin/wan-agent bin/wan-agent || fail "/usr/bin/wan-agent is not bin/wan-agent"
ok "dpkg -i: installed; the jar is $jar and /usr/bin/wan-agent is bin/wan-agent"

unit=/usr/lib/systemd/system/wan-agent.service
out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
ok "systemd-analyze verify $unit: no warning"
if score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | grep "Overall exposure level"); then
  echo "  ..  systemd-analyze security: ${score#*: }"
  exposure=$(echo "$score" | grep -oE '[0-9]+\.[0-9]+' | head -n1)
  awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' || fail "the unit's exposure $exposure is above 2.5 (1.7 on 2026-11-25)"
else
  echo "  ..  systemd-analyze security --offline: not available here"
fi

out=$(/usr/bin/wan-agent --version)
[ "$out" = "wan-agent $version" ] || fail "/usr/bin/wan-agent --version printed '$out', not 'wan-agent $version'"
ok "/usr/bin/wan-agent --version: $out"

# `check` validates the config, then probes the router: in a namespace without a network only the probe fails
check_config() { # file [command] -> the config line of `wan-agent check`, or all it said when it is not usable
  local said
  said=$(isolated "${@:2}" check -c "$1" 2>&1) || true
  if grep -q "is not usable" <<<"$said"; then echo "$said"; else grep '^config: ' <<<"$said" || echo "$said"; fi
}
out=$(check_config /etc/wan-agent/wan-agent.yaml /usr/bin/wan-agent)
[ "$out" = "config: ok: 0 mapping(s), 0 provider(s), poll every 300s, state in /var/lib/wan-agent" ] \
  || fail "wan-agent check on the shipped config: $out"
ok "wan-agent check -c /etc/wan-agent/wan-agent.yaml (as uid $NOBODY): $out"

echo "== /usr/bin/wan-agent run, and the OpenWrt hotplug script's trigger (loopback only)"
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s' "$token" > "$work/token"; chmod 600 "$work/token" # the hotplug script's copy of status.token
mkdir -p "$work/state" "$work/bin"
cat > "$work/run.yaml" <<EOF
router:
  upnp:
    enabled: true
pollInterval: 1h
stateDir: $work/state
status:
  listen: 127.0.0.1:8787
  token: \${STATUS_TOKEN}
EOF
# the hotplug script logs failures with logger: record them
printf '#!/bin/sh\necho "$*" >> %s/logger.out\n' "$work" > "$work/bin/logger"; chmod 755 "$work/bin/logger"
chown -R "$NOBODY" "$work"; chmod 755 "$work" # everything below runs as that user
cat > "$work/hotplug-test.sh" <<'EOF'
set -u
work=$1 token=$2 hotplug=$3
STATUS_TOKEN=$token /usr/bin/wan-agent run -c "$work/run.yaml" 2> "$work/agent.log" &
agent=$!
for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" http://127.0.0.1:8787/healthz)" != 000 ] && break
  sleep 0.1
done
hot() { PATH="$work/bin:$PATH" WAN_AGENT_TOKEN_FILE=${TOKEN_FILE:-$work/token} sh "$hotplug"; echo "exit $?"; }
echo "healthz $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" http://127.0.0.1:8787/healthz)"
echo "wan ifup: $(ACTION=ifup INTERFACE=wan WAN_AGENT_TRIGGER=http://127.0.0.1:8787/trigger hot)"
echo "wan6 ifupdate: $(ACTION=ifupdate INTERFACE=wan6 WAN_AGENT_TRIGGER=http://127.0.0.1:8787/trigger hot)"
echo "wrong token: $(printf 'x%.0s' $(seq 32) > "$work/wrong"; TOKEN_FILE=$work/wrong ACTION=ifup INTERFACE=wan WAN_AGENT_TRIGGER=http://127.0.0.1:8787/trigger hot)"
echo "lan ifup: $(ACTION=ifup INTERFACE=lan WAN_AGENT_TRIGGER=http://127.0.0.1:9/trigger hot)"
echo "wan ifdown: $(ACTION=ifdown INTERFACE=wan WAN_AGENT_TRIGGER=http://127.0.0.1:9/trigger hot)"
sleep 0.5
kill -TERM $agent; wait $agent; echo "agent exit $?"
EOF
out=$(isolated bash "$work/hotplug-test.sh" "$work" "$token" "$PWD/dist/src/openwrt/95-wan-agent" 2>&1)
expected="healthz 503
wan ifup: exit 0
wan6 ifupdate: exit 0
wrong token: exit 1
lan ifup: exit 0
wan ifdown: exit 0
agent exit 143"
if [ "$out" != "$expected" ]; then
  echo "$out"; echo "-- agent log:"; cat "$work/agent.log"; fail "run + hotplug trigger"
fi
grep -q "pass: POST /trigger from 127.0.0.1" "$work/agent.log" || { cat "$work/agent.log"; fail "the agent saw no trigger"; }
[ "$(grep -c "trigger failed (wan ifup): curl exit 22" "$work/logger.out")" = 1 ] || fail "logger got: $(cat "$work/logger.out")"
! grep -rq "$token" "$work/agent.log" "$work/logger.out" || fail "the token appears in a log"
ok "run as uid $NOBODY: /healthz answered 503 (no router here); wan/wan6 ifup triggered a pass (202); a wrong token exit 1 and logged;"
ok "lan and ifdown sent nothing; SIGTERM -> exit 143"

echo "== the unit under systemd: a container booted from an overlay of this machine's root (loopback only)"
# The installed package is in the overlay's lower layer; the container boots only sysinit, basic and the test
# (systemd.unit=pkgtest.target), starts wan-agent.service as shipped and reports what the sandbox gave the JVM.
if ! command -v systemd-nspawn >/dev/null; then
  echo "  --  SKIPPED: systemd-nspawn missing (lab/lab.sh install adds systemd-container)"
else
  ns=$work/ns; mkdir -p "$ns/upper" "$ns/work" "$ns/root"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$ns/upper,workdir=$ns/work" "$ns/root"
  overlay=$ns/root
  units=$ns/root/etc/systemd/system
  printf '[Unit]\nDescription=wan-agent package test\nRequires=basic.target pkgtest.service\nAfter=basic.target\n' \
    > "$units/pkgtest.target"
  cat > "$units/pkgtest.service" <<'UNIT'
[Unit]
After=basic.target
[Service]
Type=oneshot
ExecStart=/usr/local/lib/pkgtest.sh
ExecStopPost=/bin/systemctl poweroff --no-block
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
UNIT
  mkdir -p "$ns/root/usr/local/lib"
  cat > "$ns/root/usr/local/lib/pkgtest.sh" <<'SCRIPT'
#!/bin/sh
say() { echo "PKGTEST $*"; }
systemctl start wan-agent.service
for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8787/healthz)" != 000 ] && break
  sleep 0.1
done
say "active $(systemctl show -p ActiveState --value wan-agent.service)"
pid=$(systemctl show -p MainPID --value wan-agent.service)
# the first run after an install: the launcher stays java's parent, to archive the classes java loaded once it exits
say "main $(readlink /proc/"$pid"/exe | sed 's|.*/||')"
[ "$(readlink /proc/"$pid"/exe | sed 's|.*/||')" = java ] || pid=$(pgrep -P "$pid" -x java || echo "$pid")
say "exe $(readlink /proc/"$pid"/exe | sed 's|.*/||')"
say "uid $(awk '/^Uid:/ {print $2}' /proc/"$pid"/status)"
for k in CapEff CapBnd CapAmb NoNewPrivs Seccomp; do say "$k $(awk -v k="$k:" '$1 == k {print $2}' /proc/"$pid"/status)"; done
say "rss_kb $(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status)"
say "healthz $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8787/healthz)"
say "trigger $(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8787/trigger)"
say "state $(stat -c '%a %U' /var/lib/private/wan-agent)"
sleep 0.5
systemctl stop wan-agent.service
# a stopped unit may be unloaded at once (its exit status forgotten): a failed one is kept, with Result != success
say "stopped $(systemctl show -p Result --value wan-agent.service)"
journalctl -u wan-agent.service -o cat --no-pager | grep -q "pass: POST /trigger from 127.0.0.1" && say "journal trigger"
say "archives $(find /var/lib/private/wan-agent -name 'wan-agent-*.jsa' | wc -l)"
# the next start maps the archive: java is the main process (the launcher execs it)
systemctl start wan-agent.service
for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8787/healthz)" != 000 ] && break
  sleep 0.1
done
pid=$(systemctl show -p MainPID --value wan-agent.service)
say "main2 $(readlink /proc/"$pid"/exe | sed 's|.*/||')"
say "rss2_kb $(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status)"
systemctl stop wan-agent.service
say "stopped2 $(systemctl show -p Result --value wan-agent.service)"
SCRIPT
  chmod 755 "$ns/root/usr/local/lib/pkgtest.sh"
  booted=$(timeout 120 systemd-nspawn -q -D "$ns/root" --register=no --keep-unit --private-network \
    --link-journal=no -b -- systemd.unit=pkgtest.target 2>&1 | tr -d '\r' | grep '^PKGTEST ' | cut -d' ' -f2-) || true
  umount "$ns/root"; overlay=""
  [ -n "$booted" ] || fail "the container printed nothing (systemd-nspawn -b on an overlay of /)"
  got() { awk -v k="$1" '$1 == k {sub(/^[^ ]+ /, ""); print}' <<<"$booted"; }
  [ "$(got active)" = active ] || fail "wan-agent.service: $booted"
  [ "$(got exe)" = java ] || fail "the unit's JVM is not java: $booted"
  case "$(got main)" in java|dash|sh|bash) ;; *) fail "the unit's main process: $(got main)" ;; esac
  uid=$(got uid)
  { [ "$uid" -ge 61184 ] && [ "$uid" -le 65519 ]; } || fail "not a DynamicUser uid: $uid"
  for k in CapEff CapBnd CapAmb; do [ "$(got $k)" = 0000000000000000 ] || fail "$k $(got $k)"; done
  { [ "$(got NoNewPrivs)" = 1 ] && [ "$(got Seccomp)" = 2 ]; } || fail "NoNewPrivs $(got NoNewPrivs), Seccomp $(got Seccomp)"
  { [ "$(got healthz)" = 503 ] && [ "$(got trigger)" = 202 ]; } || fail "healthz $(got healthz), trigger $(got trigger)"
  [ "$(got journal)" = trigger ] || fail "the trigger is not in the journal"
  [ "$(got state)" = "700 wan-agent" ] || fail "state directory: $(got state)"
  [ "$(got stopped)" = success ] || fail "systemctl stop: $(got stopped)"
  [ "$(got archives)" = 1 ] || fail "no class-data archive in the state directory after the first run: $booted"
  [ "$(got main2)" = java ] || fail "the second start's main process is not java: $booted"
  [ "$(got stopped2)" = success ] || fail "second systemctl stop: $(got stopped2)"
  ok "systemctl start: java as DynamicUser uid $uid, no capability (effective, bounding, ambient), NoNewPrivs,"
  ok "a seccomp filter; /healthz 503 (no router here), /trigger 202 and in the journal; state dir 700 wan-agent;"
  ok "systemctl stop: success (SIGTERM's 143 is SuccessExitStatus); RSS $(( $(got rss_kb) / 1024 )) MB"
  ok "first run: main process $(got main), java its child; it left one class-data archive; the second start execs"
  ok "java, which maps it: RSS $(( $(got rss2_kb) / 1024 )) MB; stopped: $(got stopped2)"
fi

echo "== dpkg -r, dpkg -P"
[ -d /var/lib/private ] || { install -d -m 700 /var/lib/private; made_private=1; }
mkdir -p /var/lib/private/wan-agent && echo '{}' > /var/lib/private/wan-agent/state.json # as DynamicUser leaves it
dpkg -r wan-agent >/dev/null
for f in /usr/bin/wan-agent /usr/share/wan-agent "$unit"; do [ ! -e "$f" ] || fail "dpkg -r left $f"; done
[ -f /etc/wan-agent/wan-agent.yaml ] || fail "dpkg -r removed the conffile"
dpkg-query -W -f='${Status}' wan-agent | grep -q "config-files" || fail "after dpkg -r: $(dpkg-query -W -f='${Status}' wan-agent)"
ok "dpkg -r: program files gone, /etc/wan-agent/wan-agent.yaml kept"
dpkg -P wan-agent >/dev/null
for f in /etc/wan-agent /var/lib/private/wan-agent /var/lib/wan-agent; do [ ! -e "$f" ] || fail "dpkg -P left $f"; done
! dpkg-query -W -f='${Status}' wan-agent 2>/dev/null | grep -q installed || fail "still known to dpkg after purge"
ok "dpkg -P: config and state gone"

echo "== the Windows zip: $zip ($(stat -c %s "$zip") bytes)"
files=$(unzip -Z1 "$zip" | sort)
expected=$(sort <<'EOF'
wan-agent/
wan-agent/README-WINDOWS.txt
wan-agent/bin/
wan-agent/bin/wan-agent.cmd
wan-agent/wan-agent.jar
wan-agent/wan-agent.xml
wan-agent/wan-agent.yaml
EOF
)
[ "$files" = "$expected" ] || fail "the zip's files:"$'\n'"$files"
unzip -q "$zip" -d "$work/win"
w=$work/win/wan-agent
cmp -s "$w/wan-agent.jar" "$jar" || fail "the zip's jar is not $jar"
cmp -s "$w/bin/wan-agent.cmd" bin/wan-agent.cmd || fail "the zip's bin/wan-agent.cmd is not bin/wan-agent.cmd"
for f in bin/wan-agent.cmd wan-agent.xml wan-agent.yaml README-WINDOWS.txt; do
  [ "$(grep -c $'\r$' "$w/$f")" = "$(wc -l < "$w/$f")" ] || fail "$f: not CRLF throughout"
done
ok "files: $(echo "$files" | grep -v '/$' | tr '\n' ' '); text files CRLF"
xmllint --noout "$w/wan-agent.xml" || fail "wan-agent.xml is not well-formed"
x() { xmllint --xpath "$1" "$w/wan-agent.xml"; }
[ "$(x 'string(/service/id)')" = wan-agent ] || fail "WinSW <id>"
[ "$(x 'string(/service/executable)')" = java ] || fail "WinSW <executable>"
case "$(x 'string(/service/arguments)')" in
  *' -jar "%BASE%\wan-agent.jar" run -c "%BASE%\wan-agent.yaml"') ;; *) fail "WinSW <arguments>: $(x 'string(/service/arguments)')" ;;
esac
[ "$(x 'string(/service/log/@mode)')" = roll-by-size ] || fail "WinSW <log mode>"
[ "$(x 'count(/service/onfailure[@action="restart"])')" -ge 2 ] || fail "WinSW <onfailure> restarts"
[ "$(x 'string(/service/stopparentprocessfirst)')" = true ] || fail "WinSW <stopparentprocessfirst>"
ok "wan-agent.xml well-formed: id, executable java, arguments run -c %BASE%\\wan-agent.yaml, roll-by-size log, $(x 'count(/service/onfailure)') onfailure restarts, stopparentprocessfirst"
out=$(check_config "$w/wan-agent.yaml" java -jar "$w/wan-agent.jar")
case "$out" in "config: ok: 0 mapping(s), 0 provider(s), poll every 300s, "*) ;; *) fail "wan-agent check on the zip's CRLF config: $out" ;; esac
ok "the zip's wan-agent.yaml (CRLF) passes the zip's wan-agent.jar check"

echo "== the OpenWrt scripts"
shellcheck dist/src/openwrt/wan-agent.init dist/src/openwrt/95-wan-agent
shellcheck -S warning bin/wan-agent # /usr/bin/wan-agent; JAVA_OPTS is split into words on purpose
ok "shellcheck: dist/src/openwrt/wan-agent.init (sh, #!/bin/sh /etc/rc.common), dist/src/openwrt/95-wan-agent, bin/wan-agent"
# the procd instance the init script declares, with rc.common's procd functions stubbed
out=$(sh -c '
  procd_open_instance() { echo "open $*"; }
  procd_set_param() { echo "param $*"; }
  procd_close_instance() { echo close; }
  . "$1"
  echo "USE_PROCD=$USE_PROCD START=$START"
  start_service' sh dist/src/openwrt/wan-agent.init)
expected="USE_PROCD=1 START=95
open wan-agent
param command /usr/bin/wan-agent run -c /etc/wan-agent/wan-agent.yaml
param respawn 3600 10 5
param file /etc/wan-agent/wan-agent.yaml
param stdout 1
param stderr 1
param term_timeout 15
close"
[ "$out" = "$expected" ] || fail "the procd instance:"$'\n'"$out"
ok "procd: USE_PROCD=1, command /usr/bin/wan-agent run -c /etc/wan-agent/wan-agent.yaml, respawn, config file watched"
echo "packages: all checks passed"
