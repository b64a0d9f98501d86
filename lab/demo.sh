#!/usr/bin/env bash
# The wan-agent demo on the lab (run as root on a fresh Debian machine):
#   builds the agent, brings the lab router up, runs `wan-agent run` in the LAN namespace, shows the port
#   mappings it creates on miniupnpd, the DNS provider receiving the router's WAN address, and DNS following
#   a WAN address change. Then stops the agent and takes the lab down (--keep leaves the lab up).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0; [ "${1:-}" = "--keep" ] && keep=1
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it builds network namespaces)" >&2; exit 1; }

ms() { local us=${EPOCHREALTIME/./}; echo $(( us / 1000 )); }
secs() { local d=$(( $(ms) - $1 )); printf '%d.%02d' $((d / 1000)) $((d % 1000 / 10)); }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
LAB_DIR=${WAN_AGENT_LAB_DIR:-/run/wan-agent-lab}

step "installing the lab's packages (miniupnpd, snmpd, BIND9) if needed"
lab/lab.sh install
if [ ! -f agent/target/wan-agent.jar ]; then
  step "building agent/target/wan-agent.jar"
  mvn -B -q package -DskipTests
fi

step "starting the lab router (miniupnpd IGD v2, snmpd, BIND9) in network namespaces"
lab/lab.sh up

agent_pid=""; dyn_pid=""
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$dyn_pid" ] && kill "$dyn_pid" 2>/dev/null || true
  if [ $keep = 0 ]; then lab/lab.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

dynlog=$LAB_DIR/dyndns2.updates
: > "$dynlog"
ip netns exec isp java lab/FakeDyndns2.java 11.22.33.1:8245 demo demo-secret "$dynlog" > "$LAB_DIR/dyndns2.out" 2>&1 &
dyn_pid=$!; disown "$dyn_pid" # killed at the end with the lab: no "Killed" line from the shell
for _ in $(seq 100); do grep -q listening "$LAB_DIR/dyndns2.out" 2>/dev/null && break; sleep 0.1; done
echo "fake dyndns2 provider on http://11.22.33.1:8245 (in the 'isp' namespace, reached through the router's NAT)"

step "starting: wan-agent run -c lab/demo-config.yaml   (in the LAN namespace, 192.168.77.100)"
export LAB_SNMP_COMMUNITY=wanlab LAB_DYNDNS_PASSWORD=demo-secret LAB_STATE_DIR=$LAB_DIR/agent-state
agentlog=$LAB_DIR/agent.log
ip netns exec lan bin/wan-agent run -c lab/demo-config.yaml 2> >(tee "$agentlog" | sed -u 's/^/    agent| /' >&2) &
agent_pid=$!
started=$(ms)

upnpc_list() { ip netns exec lan upnpc -u http://192.168.77.1:5000/rootDesc.xml -l 2>/dev/null; }
for _ in $(seq 150); do
  l=$(upnpc_list)
  echo "$l" | grep -q "8080->192.168.77.100:80 " && echo "$l" | grep -q "3389->192.168.77.100:3389" && break
  sleep 0.1
done
step "the router's port-mapping table (upnpc -l), $(secs "$started") s after start"
upnpc_list | grep -E "^ *[0-9]+ (TCP|UDP)" || { echo "demo: mappings did not appear" >&2; exit 1; }

wait_dns() { # host ip
  for _ in $(seq 300); do grep -q " $1 $2 " "$dynlog" && return 0; sleep 0.1; done
  return 1
}
wan=$(lab/lab.sh wan-ip)
wait_dns home.wan-agent.test "$wan" || { echo "demo: the provider never got $wan" >&2; exit 1; }
# change the WAN only once the agent has the provider's answers (a change would cut their way back through the NAT)
for _ in $(seq 300); do [ "$(grep -c "A: now $wan " "$agentlog")" -ge 2 ] && break; sleep 0.1; done
step "the DNS provider received the router's WAN address $wan"
cat "$LAB_DIR/dyndns2.out" | grep dyndns2:

step "changing the router's WAN address (PPPoE-style: old address removed, new one added)"
changed=$(ms)
new=$(lab/lab.sh wan-change)
echo "router WAN: $wan -> $new"
wait_dns home.wan-agent.test "$new" || { echo "demo: the provider never got $new" >&2; exit 1; }
step "DNS followed the change in $(secs "$changed") s (router event; the 5 s poll is only the safety net)"
grep dyndns2: "$LAB_DIR/dyndns2.out" | tail -n 2

step "stopping the agent (SIGTERM)"
t0=$(ms)
kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=""
echo "agent stopped in $(secs "$t0") s; the mappings stay until their lease ends:"
upnpc_list | grep -E "^ *[0-9]+ (TCP|UDP)" || true
[ $keep = 1 ] && echo "lab left up (lab/lab.sh down to remove it)"
step "demo done"
