#!/usr/bin/env bash
# Benchmark, side by side in one run: wan-agent, ddclient 3.10 and inadyn 2.10 (Debian packages), all three in the
# lab's LAN namespace against the same lab router (miniupnpd) and the same dyndns2 endpoint (lab/FakeDyndns2.java),
# each with its own hostname. ddclient and inadyn read the WAN address the way their docs suggest for a host behind
# a router: a command around `upnpc -u URL -s` (lab/bench-wanip.sh), at their shortest period (60 s).
#
#   1. start → mappings (wan-agent only; the others make none) and start → first DNS update, one client at a time
#      (wan-agent's CDS archive is made by a short first run before, as after an install: see bin/wan-agent)
#   2. a quiet period (QUIET s, default 120, a multiple of their 60 s period) with all three running: CPU from
#      /proc/PID/stat (utime+stime, plus cutime+cstime: the upnpc runs ddclient and inadyn wait for), per minute
#      and projected per hour; then the settled RSS (VmRSS), also of "the stack alone" (lab/StackFloor.java: the
#      JVM with the launcher's flags and the libraries the agent must use, each used once, none of the agent's work)
#   3. N WAN changes (default 30), PPPoE-style (old address removed, new one added), each timed from just before
#      the new address is added until the provider has it; wan-agent runs with router events and a 5-minute poll,
#      so only events explain a fast update
#   4. K slow changes (default 3), each left in place until all three have pushed it (their polls make each one
#      take up to a minute, so only a few: the bench would take an hour for 30)
# then prints one table; goals of issue G are checked and printed. Exit 1 when wan-agent's p95 > 250 ms.
#
# Run as root: lab/bench.sh [N [K]]; QUIET=seconds to change the quiet period. About 7 minutes. It takes the lab
# lock (/tmp/wan-agent-lab.lock) itself; a caller that already holds it sets WAN_AGENT_LAB_LOCK_HELD=1.
# Not part of CI (too long).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-30}
K=${2:-3}
QUIET=${QUIET:-120}
SETTLE=${SETTLE:-30}
GOAL_MS=250
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
if [ "${WAN_AGENT_LAB_LOCK_HELD:-}" != 1 ]; then
  exec 9>/tmp/wan-agent-lab.lock
  flock -n 9 || { echo "bench: waiting for the lab lock (/tmp/wan-agent-lab.lock)" >&2; flock 9; }
fi
lab/lab.sh install
[ -f agent/target/wan-agent.jar ] || mvn -B -q package -DskipTests
lab/lab.sh up >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "${KEEP:-}" = 1 ]; then echo "bench: lab and $work kept"; else lab/lab.sh down >/dev/null 2>&1 || true; rm -rf "$work"; fi
}
trap cleanup EXIT
chmod 755 "$work"

ms() { local us=${EPOCHREALTIME/./}; echo $(( us / 1000 )); }
updates=$work/updates
: > "$updates"
ip netns exec isp java lab/FakeDyndns2.java 11.22.33.1:8245 bench bench-pw "$updates" > "$work/dyn.out" 2>&1 &
pids+=($!); disown $!
for _ in $(seq 200); do grep -q listening "$work/dyn.out" 2>/dev/null && break; sleep 0.1; done

HOST_WA=bench.wan-agent.test HOST_DD=ddclient.wan-agent.test HOST_IN=inadyn.wan-agent.test
# the provider's receive time (epoch ms) of HOST's update to IP after line FROM of the log, or fail after TIMEOUT s
wait_for() { # host ip timeout_s [from_line]
  local end=$(( $(ms) + $3 * 1000 )) line
  while :; do
    line=$(tail -n +$(( ${4:-0} + 1 )) "$updates" | grep " $1 $2 " | head -n 1 || true)
    [ -n "$line" ] && { echo "${line%% *}"; return 0; }
    [ "$(ms)" -lt $end ] || return 1
    sleep 0.005
  done
}
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
mappings_there() { ip netns exec lan upnpc -u http://192.168.77.1:5000/rootDesc.xml -l 2>/dev/null | grep -q '8080->192.168.77.100:80 '; }

# ---- wan-agent
mkdir -p "$work/state" "$work/cds"
cat > "$work/bench.yaml" <<YAML
router:
  upnp: {enabled: true, events: true}
pollInterval: 5m
mappings:
  - {name: web, externalPort: 8080, internalPort: 80}
providers:
  - type: dyndns2
    server: http://11.22.33.1:8245
    allowPlainHttp: true
    username: bench
    password: bench-pw
    hostnames: [$HOST_WA]
stateDir: $work/state
YAML
wan=$(lab/lab.sh wan-ip)
start_agent() {
  ip netns exec lan env WAN_AGENT_CDS_DIR="$work/cds" bin/wan-agent run -c "$work/bench.yaml" 2>> "$work/agent.log" &
  agent_pid=$!
}
# the first run after an install: makes the class-data archive (when it exits), and pushes the address
start_agent
wait_for $HOST_WA "$wan" 30 >/dev/null || { echo "bench: wan-agent: no initial update; log:" >&2; cat "$work/agent.log" >&2; exit 1; }
for _ in $(seq 200); do grep -q "A: now $wan " "$work/agent.log" && break; sleep 0.05; done
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true
ip netns exec lan upnpc -u http://192.168.77.1:5000/rootDesc.xml -d 8080 TCP >/dev/null 2>&1 || true
rm -rf "$work/state"; mkdir -p "$work/state"   # the measured run starts with no state: it must push again
: > "$work/agent.log"
from=$(wc -l < "$updates")
t0=$(ms); start_agent; pids+=("$agent_pid")
# shellcheck disable=SC2034 # read as ${!p} below
wa_pid=$agent_pid
wa_map=""; wa_dns=""
for _ in $(seq 1500); do
  [ -z "$wa_map" ] && mappings_there && wa_map=$(( $(ms) - t0 ))
  if [ -z "$wa_dns" ]; then got=$(wait_for $HOST_WA "$wan" 0 "$from") && wa_dns=$(( got - t0 )); fi
  [ -n "$wa_map" ] && [ -n "$wa_dns" ] && break
  sleep 0.01
done
if [ -z "$wa_map" ] || [ -z "$wa_dns" ]; then echo "bench: wan-agent did not map and push within 15 s" >&2; cat "$work/agent.log" >&2; exit 1; fi

# ---- the stack alone (lab/StackFloor.java): the JVM with bin/wan-agent's flags and a class-data archive of its own,
# each library the agent must use once (CLI, SLF4J, YAML, SAX, OkHttp every minute, a UDP and a TCP socket), and
# none of the agent's work: the floor under the agent's RSS
flags=""
eval "$(grep -E '^(flags=|MALLOC_ARENA_MAX=)' bin/wan-agent)" # the launcher's JVM flags, the same words
export MALLOC_ARENA_MAX
mkdir -p "$work/floor/classes"
javac -XDstringConcat=inline -cp agent/target/wan-agent.jar -d "$work/floor/classes" lab/StackFloor.java
jar cf "$work/floor/floor.jar" -C "$work/floor/classes" .
floor_cp=$work/floor/floor.jar:$PWD/agent/target/wan-agent.jar
floor_url=http://192.168.77.1:5000/rootDesc.xml
# shellcheck disable=SC2086 # the flags are words
ip netns exec lan java $flags -XX:DumpLoadedClassList="$work/floor/classes.lst" -cp "$floor_cp" StackFloor "$floor_url" \
  2>> "$work/floor.log" &
floor_pid=$!
sleep 5; kill "$floor_pid"; wait "$floor_pid" 2>/dev/null || true
# shellcheck disable=SC2086
java $flags -Xshare:dump -XX:SharedClassListFile="$work/floor/classes.lst" -XX:SharedArchiveFile="$work/floor/floor.jsa" \
  -cp "$floor_cp" > /dev/null 2>&1 || { echo "bench: no class-data archive for lab/StackFloor.java" >&2; exit 1; }
# shellcheck disable=SC2086
ip netns exec lan java $flags -XX:SharedArchiveFile="$work/floor/floor.jsa" -Xlog:cds*=off -cp "$floor_cp" StackFloor \
  "$floor_url" 2>> "$work/floor.log" &
fl_pid=$!; pids+=("$fl_pid"); disown "$fl_pid" # no 'Killed' line when the bench ends it

# ---- ddclient and inadyn, reading the WAN address through upnpc
wanip=$work/wanip.sh
cat > "$wanip" <<'SH'
#!/bin/sh
# the router's WAN address over UPnP, as the ddclient/inadyn docs suggest for a host behind a router
upnpc -u http://192.168.77.1:5000/rootDesc.xml -s 2>/dev/null | sed -n 's/^ExternalIPAddress = //p'
SH
chmod 755 "$wanip"
cat > "$work/ddclient.conf" <<CONF
daemon=60
foreground=yes
syslog=no
pid=$work/ddclient.pid
cache=$work/ddclient.cache
use=cmd, cmd=$wanip
protocol=dyndns2
server=11.22.33.1:8245
ssl=no
login=bench
password=bench-pw
$HOST_DD
CONF
chmod 600 "$work/ddclient.conf"
cat > "$work/inadyn.conf" <<CONF
period = 60
custom bench {
    username = bench
    password = bench-pw
    ssl = false
    ddns-server = 11.22.33.1:8245
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    checkip-command = "$wanip"
    hostname = $HOST_IN
}
CONF
mkdir -p "$work/inadyn-cache"
start_peer() { # name host → "pid ms"
  local from t0 got pid
  from=$(wc -l < "$updates")
  t0=$(ms)
  case $1 in
    ddclient) ip netns exec lan ddclient -foreground -file "$work/ddclient.conf" > "$work/ddclient.log" 2>&1 & ;;
    inadyn) ip netns exec lan inadyn -n -f "$work/inadyn.conf" --cache-dir="$work/inadyn-cache" -P "$work/inadyn.pid" \
              -l notice > "$work/inadyn.log" 2>&1 & ;;
  esac
  pid=$!
  got=$(wait_for "$2" "$wan" 30 "$from") || { echo "bench: $1 made no initial update; its log:" >&2; cat "$work/$1.log" >&2; exit 1; }
  echo "$pid $(( got - t0 ))"
}
read -r dd_pid dd_dns < <(start_peer ddclient $HOST_DD); pids+=("$dd_pid")
read -r in_pid in_dns < <(start_peer inadyn $HOST_IN); pids+=("$in_pid")

# ---- quiet period: nothing changes
echo "bench: all three running; settling ${SETTLE} s, then a quiet period of ${QUIET} s" >&2
sleep "$SETTLE"
tick=$(getconf CLK_TCK)
declare -A c1 c2 rss
for who in wa dd in; do p=${who}_pid; c1[$who]=$(cpu_ticks "${!p}"); done
sleep "$QUIET"
for who in wa dd in; do p=${who}_pid; c2[$who]=$(cpu_ticks "${!p}"); rss[$who]=$(rss_kb "${!p}"); done
kill -0 "$fl_pid" 2>/dev/null || { echo "bench: lab/StackFloor.java stopped; its log:" >&2; cat "$work/floor.log" >&2; exit 1; }
rss[fl]=$(rss_kb "$fl_pid")

# ---- fast changes: wan-agent
lat_wa=()
for i in $(seq "$N"); do
  from=$(wc -l < "$updates")
  new=$(LAB_STAMP_FILE=$work/stamp lab/lab.sh wan-change)
  t0=$(cat "$work/stamp")   # just before the router's WAN interface gets the new address
  got=$(wait_for $HOST_WA "$new" 5 "$from") || { echo "bench: change $i to $new never reached the provider" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
  lat_wa+=($(( got - t0 )))
  # the next change only once the agent has the answer (a WAN change would cut the answer's way back)
  for _ in $(seq 400); do grep -q "A: now $new " "$work/agent.log" && break; sleep 0.005; done
  sleep 0.3
done

# ---- slow changes: all three (each timed until the client's first update with the new address)
echo "bench: $K slow changes (each until ddclient and inadyn have it, up to 3 minutes each)" >&2
lat_dd=(); lat_in=()
for i in $(seq "$K"); do
  from=$(wc -l < "$updates")
  new=$(LAB_STAMP_FILE=$work/stamp lab/lab.sh wan-change)
  t0=$(cat "$work/stamp")
  got=$(wait_for $HOST_WA "$new" 5 "$from") || { echo "bench: wan-agent never pushed $new" >&2; exit 1; }
  lat_wa+=($(( got - t0 )))
  got=$(wait_for $HOST_DD "$new" 180 "$from") || { echo "bench: ddclient never pushed $new; its log:" >&2; tail "$work/ddclient.log" >&2; exit 1; }
  lat_dd+=($(( got - t0 )))
  got=$(wait_for $HOST_IN "$new" 180 "$from") || { echo "bench: inadyn never pushed $new; its log:" >&2; tail "$work/inadyn.log" >&2; exit 1; }
  lat_in+=($(( got - t0 )))
  sleep 1
done

# ---- the table
pct() { # p values... → the p-th percentile (nearest rank)
  local p=$1; shift
  local s n=$#
  mapfile -t s < <(printf '%s\n' "$@" | sort -n)
  local idx=$(( (p * n + 99) / 100 - 1 )); [ $idx -lt 0 ] && idx=0
  echo "${s[$idx]}"
}
secs() { awk -v m="$1" 'BEGIN { if (m >= 10000) printf "%.0f s", m / 1000; else printf "%d ms", m }'; }
lat_cell() { # values...
  echo "$(secs "$(pct 50 "$@")") / $(secs "$(pct 95 "$@")") / $(secs "$(pct 100 "$@")")"
}
cpu_ms() { echo $(( (c2[$1] - c1[$1]) * 1000 * 60 / (tick * QUIET) )); }
per_hour() { awk -v m="$1" 'BEGIN { printf "%.1f s", m * 60 / 1000 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
row() { printf '| %-44s | %-22s | %-15s | %-18s | %-18s |\n' "$@"; }
java_version=$(java -version 2>&1 | head -n 1 | sed 's/.*version "\(.*\)".*/\1/')
echo
echo "wan-agent $(bin/wan-agent --version | awk '{print $2}') (Java $java_version, flags of bin/wan-agent) vs $(dpkg-query -W -f='ddclient ${Version}' ddclient) vs $(dpkg-query -W -f='inadyn ${Version}' inadyn); $(date -u +%F), $(nproc) cores"
row "" "wan-agent" "the stack alone" "ddclient" "inadyn"
row "---" "---" "---" "---" "---"
row "settled RSS (MB)" "$(mb "${rss[wa]}")" "$(mb "${rss[fl]}")" "$(mb "${rss[dd]}")" "$(mb "${rss[in]}")"
row "CPU per quiet minute (ms)" "$(cpu_ms wa)" "-" "$(cpu_ms dd)" "$(cpu_ms in)"
row "  projected per hour" "$(per_hour "$(cpu_ms wa)")" "-" "$(per_hour "$(cpu_ms dd)")" "$(per_hour "$(cpu_ms in)")"
row "start -> mappings" "$(secs "$wa_map")" "-" "(none)" "(none)"
row "start -> first DNS update" "$(secs "$wa_dns")" "-" "$(secs "$dd_dns")" "$(secs "$in_dns")"
row "WAN change -> DNS, p50 / p95 / max" "$(lat_cell "${lat_wa[@]}")" "-" "$(lat_cell "${lat_dd[@]}")" "$(lat_cell "${lat_in[@]}")"
row "  over changes" "$(( N + K ))" "-" "$K" "$K"
echo
echo "CPU: utime+stime+cutime+cstime over ${QUIET} s with nothing changing (ddclient and inadyn run upnpc every 60 s;"
echo "that counts). ddclient/inadyn at their shortest period (60 s; defaults 300 s)."
echo "wan-agent changes (ms): ${lat_wa[*]}"
echo "ddclient changes (ms): ${lat_dd[*]}; inadyn changes (ms): ${lat_in[*]}"
p95=$(pct 95 "${lat_wa[@]}")
goal() { if [ "$2" = 1 ]; then echo "  goal $1: met"; else echo "  goal $1: NOT met"; fi; }
echo "issue G goals for wan-agent:"
goal "RSS ≤ 40 MB settled ($(mb "${rss[wa]}") MB; the stack alone $(mb "${rss[fl]}") MB)" "$([ "${rss[wa]}" -le $((40 * 1024)) ] && echo 1)"
goal "idle CPU ≤ 1 s per hour ($(per_hour "$(cpu_ms wa)"))" "$([ "$(cpu_ms wa)" -le 16 ] && echo 1)"
goal "start → mappings ≤ 1 s ($(secs "$wa_map"))" "$([ "$wa_map" -le 1000 ] && echo 1)"
goal "change → DNS p95 ≤ ${GOAL_MS} ms ($p95 ms)" "$([ "$p95" -le $GOAL_MS ] && echo 1)"
[ "$p95" -le $GOAL_MS ]
