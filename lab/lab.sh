#!/usr/bin/env bash
# The wan-agent lab: a real home router in Linux network namespaces.
#
#   isp (11.22.33.1)  <-- rwan/isp0 -->  rtr (WAN 11.22.33.44, LAN 192.168.77.1, bridge rlan)
#                                          rlan <-- rlan0/hlan --> lan  (192.168.77.100, 2a00:77:77::100)
#                                          rlan <-- rlan1/hlan --> lan2 (192.168.77.101, 2a00:77:77::101: the HA standby)
# rtr runs miniupnpd (IGD + NAT-PMP/PCP), net-snmp snmpd and BIND9 (RFC 2136); lan is where the agent runs.
# Nothing here touches the host's own interfaces: SSDP multicast stays on the router's LAN bridge and its veths.
#
# Usage (as root):
#   lab/lab.sh install               apt packages the lab (and the build) needs (idempotent)
#   lab/lab.sh up [--igd1]           build the namespaces and start the daemons (IGD v2 by default)
#   lab/lab.sh down                  stop everything and delete the namespaces
#   lab/lab.sh wan-change [ADDR]     move the router's WAN address (PPPoE-style: old removed, new added); an
#                                    ADDR outside 11.22.33.0/24 (100.64.0.44: CGNAT, 10.0.0.44: double NAT) gets
#                                    its .1 on the isp side as the router's gateway
#   lab/lab.sh wan-ip                print the router's current WAN address
#   lab/lab.sh wan-remove            remove the WAN address (link down); wan-change ADDR brings one back
#   lab/lab.sh reboot-router         kill miniupnpd, flush its rules, start it again (all mappings lost)
#   lab/lab.sh router-down           the router's UPnP side goes dark as in a reboot: miniupnpd stopped, its rules
#                                    and lease file gone (all mappings lost); router-up starts it again and returns
#                                    once it answers on its HTTP port
#   lab/lab.sh snmpd-stop|snmpd-start  stop / start the router's snmpd
#   lab/lab.sh router-requests on|show|off  count the LAN host's requests to the router (new TCP connections to
#                                    the UPnP port, SNMP and SSDP packets) with nft counters in rtr
#   lab/lab.sh igd 1|2               restart miniupnpd as an IGD v1 or v2 device
#   lab/lab.sh upnp-off|upnp-on      the router's UPnP switched off / on (its SSDP and HTTP dropped; PCP/NAT-PMP stay)
#   lab/lab.sh status                what is running
set -euo pipefail

LAB_DIR=${WAN_AGENT_LAB_DIR:-/run/wan-agent-lab}
WAN_NET=11.22.33
WAN_GW=$WAN_NET.1
WAN_ADDR_DEFAULT=$WAN_NET.44
WAN6=2a00:1111:2222:3333::44
LAN_RTR=192.168.77.1
LAN_HOST=192.168.77.100
LAN_EVIL=192.168.77.66
# IPv6 on the LAN: a global /64 (no NAT: the LAN host's own address is what the internet reaches), the router also
# on fe80::1 (the LAN host's IPv6 default route goes there, as routers' advertisements make it do)
LAN6_PREFIX=2a00:77:77
LAN6_RTR=$LAN6_PREFIX::1
LAN6_HOST=$LAN6_PREFIX::100
# a second LAN host (namespace lan2): the HA standby
LAN2_HOST=192.168.77.101
LAN6_HOST2=$LAN6_PREFIX::101
UPNP_PORT=5000
SNMP_COMMUNITY=wanlab
SNMP_USER=wanread
SNMP_AUTH=authpass123
SNMP_PRIV=privpass123
ZONE=home.wan-agent.test
TSIG_NAME=wan-agent-key

die() { echo "lab: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"; }

PACKAGES="miniupnpd-nftables miniupnpc snmpd snmp bind9 bind9-dnsutils nftables natpmpc iproute2 procps curl"
# lab/packages.sh: systemd-analyze, systemd-nspawn, shellcheck, unzip, xmllint
PACKAGES="$PACKAGES systemd systemd-container shellcheck unzip libxml2-utils"
# AgentLabIT parses GET /metrics with the Prometheus Python client too
PACKAGES="$PACKAGES python3-prometheus-client"
# lab/bench.sh: ddclient and inadyn, the classic DDNS clients, for its side-by-side table
PACKAGES="$PACKAGES ddclient inadyn"

cmd_install() {
  need_root
  local missing=""
  # the toolchain, on a machine that lacks it
  command -v javac >/dev/null 2>&1 || missing="$missing openjdk-17-jdk-headless"
  command -v mvn >/dev/null 2>&1 || missing="$missing maven"
  # the .deb's Depends (lab/packages.sh installs it with dpkg -i)
  case "$(dpkg-query -W -f='${Status} ${Provides}\n' | grep '^install ok installed')" in
    *java17-runtime-headless*) ;;
    *) missing="$missing default-jre-headless" ;;
  esac
  for p in $PACKAGES; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    echo "lab: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    # miniupnpd's postinst asks for the external interface; answer it so the install never blocks.
    echo "miniupnpd miniupnpd/start_daemon boolean false" | debconf-set-selections 2>/dev/null || true
    # ddclient's would otherwise start a daemon with a template config polling a web site: it runs only in the bench
    echo "ddclient ddclient/run_mode select On PPP connect" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

current_wan() { ip -n rtr -4 -o addr show dev rwan 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1; }

write_miniupnpd_conf() {
  local igd1=$1
  cat > "$LAB_DIR/miniupnpd.conf" <<CONF
ext_ifname=rwan
listening_ip=rlan
http_port=$UPNP_PORT
enable_upnp=yes
enable_natpmp=yes
secure_mode=yes
system_uptime=yes
notify_interval=30
clean_ruleset_interval=600
uuid=3a1f0c2e-9b7d-4e5f-8a6b-0c1d2e3f4a5b
friendly_name=wan-agent lab router
lease_file=$LAB_DIR/miniupnpd.leases
# PCP lifetimes from 10 s (miniupnpd's default minimum is 120 s): HA over PCP takes over after the lease of the
# dead host lapses, and the lab's HA lease is 10 s
min_lifetime=10
allow 1-65535 192.168.77.0/24 1-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
  if [ "$igd1" = 1 ]; then echo "force_igd_desc_v1=yes" >> "$LAB_DIR/miniupnpd.conf"; fi
}

# miniupnpd 2.3.1 (nftables) wants one `inet filter` table holding its three chains plus hooked chains jumping to them.
nft_rules() {
  nsx rtr nft -f - <<NFT
table inet filter
delete table inet filter
table inet filter {
  chain miniupnpd { }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state established,related accept
    iifname "rwan" jump miniupnpd
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    iifname "rwan" jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    oifname "rwan" jump postrouting_miniupnpd
    oifname "rwan" masquerade
  }
}
NFT
}

# Each daemon writes its own pid file (the pid of `ip netns exec ... &` is not always the daemon's).
pidfile_of() {
  case $1 in
    miniupnpd) echo "$LAB_DIR/miniupnpd.pid" ;;
    snmpd) echo "$LAB_DIR/snmpd.pid" ;;
    named) echo "$LAB_DIR/named/named.pid" ;;
  esac
}

is_running() { local f; f=$(pidfile_of "$1"); [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

wait_running() { # daemon proto port
  for _ in $(seq 100); do
    if is_running "$1" && nsx rtr ss "$([ "$2" = udp ] && echo -lun || echo -ltn)" 2>/dev/null \
        | awk '{print $4}' | grep -qE "[:.]$3\$"; then return 0; fi
    sleep 0.1
  done
  die "$1 did not start; see $LAB_DIR/$1.log"
}

start_miniupnpd() {
  stop_daemon miniupnpd
  nsx rtr setsid miniupnpd -d -f "$LAB_DIR/miniupnpd.conf" -P "$LAB_DIR/miniupnpd.pid" \
    >> "$LAB_DIR/miniupnpd.log" 2>&1 < /dev/null &
  wait_running miniupnpd tcp $UPNP_PORT
}

stop_daemon() {
  local f pid
  f=$(pidfile_of "$1")
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

start_snmpd() {
  cat > "$LAB_DIR/snmpd.conf" <<CONF
agentAddress udp:$LAN_RTR:161
rocommunity $SNMP_COMMUNITY 192.168.77.0/24
createUser $SNMP_USER SHA "$SNMP_AUTH" AES "$SNMP_PRIV"
rouser $SNMP_USER authPriv
# SHA-256 / AES-256, and an authNoPriv user
createUser wanread256 SHA-256 "authpass256" AES-256 "privpass256"
rouser wanread256 authPriv
createUser wanauth SHA "authonly123"
rouser wanauth authNoPriv
# a router without ipAddressTable and inetCidrRouteTable (like OpenWrt's net-snmp build): community wanlabold
view legacy included .1
view legacy excluded .1.3.6.1.2.1.4.34
view legacy excluded .1.3.6.1.2.1.4.24
rocommunity wanlabold 192.168.77.0/24 -V legacy
CONF
  mkdir -p "$LAB_DIR/snmp-persist"
  nsx rtr setsid snmpd -f -Lo -C -c "$LAB_DIR/snmpd.conf" -p "$LAB_DIR/snmpd.pid" \
    --persistentDir="$LAB_DIR/snmp-persist" >> "$LAB_DIR/snmpd.log" 2>&1 < /dev/null &
  wait_running snmpd udp 161
}

start_named() {
  local d=$LAB_DIR/named
  mkdir -p "$d"
  tsig-keygen -a hmac-sha256 "$TSIG_NAME" > "$d/tsig.key"
  sed -n 's/.*secret "\(.*\)";/\1/p' "$d/tsig.key" > "$LAB_DIR/tsig.secret"
  cat > "$d/zone.db" <<ZONE
\$TTL 60
@   IN SOA ns.$ZONE. hostmaster.$ZONE. ( 1 60 60 600 60 )
    IN NS  ns.$ZONE.
ns  IN A   $LAN_RTR
ZONE
  cat > "$d/named.conf" <<CONF
include "$d/tsig.key";
options {
  directory "$d";
  pid-file "$d/named.pid";
  listen-on port 53 { $LAN_RTR; };
  listen-on-v6 { none; };
  recursion no;
  allow-query { any; };
  dnssec-validation no;
};
zone "$ZONE" {
  type primary;
  file "$d/zone.db";
  update-policy { grant $TSIG_NAME zonesub ANY; };
};
CONF
  chown -R bind:bind "$d" 2>/dev/null || true
  nsx rtr setsid named -c "$d/named.conf" -u bind -g >> "$LAB_DIR/named.log" 2>&1 < /dev/null &
  wait_running named udp 53
}

cmd_up() {
  need_root
  local igd1=0
  [ "${1:-}" = "--igd1" ] && igd1=1
  command -v miniupnpd >/dev/null || die "miniupnpd is not installed: run 'lab/lab.sh install'"
  cmd_down >/dev/null 2>&1 || true
  mkdir -p "$LAB_DIR"
  for ns in rtr lan lan2 isp; do ip netns add $ns; ip -n $ns link set lo up; done
  ip link add rwan netns rtr type veth peer name isp0 netns isp
  # the router's LAN side is a bridge (as in a home router): the agent's host (lan) and a second host (lan2, the HA
  # standby) hang off it; multicast snooping off, so SSDP reaches every host
  ip -n rtr link add rlan type bridge mcast_snooping 0
  ip link add rlan0 netns rtr type veth peer name hlan netns lan
  ip link add rlan1 netns rtr type veth peer name hlan netns lan2
  for p in rlan0 rlan1; do ip -n rtr link set $p master rlan; ip -n rtr link set $p up; done
  ip -n isp addr add $WAN_GW/24 dev isp0; ip -n isp link set isp0 up
  ip -n rtr addr add $WAN_ADDR_DEFAULT/24 dev rwan; ip -n rtr link set rwan up
  # a global IPv6 address on the WAN too (for AAAA updates; SNMP's ipAddressTable reports it)
  ip -n rtr -6 addr add $WAN6/64 dev rwan nodad
  ip -n rtr addr add $LAN_RTR/24 dev rlan; ip -n rtr link set rlan up
  ip -n lan addr add $LAN_HOST/24 dev hlan; ip -n lan link set hlan up
  # a second address on the LAN side for the hostile-device tests (lab/HostileResponder.java)
  ip -n lan addr add $LAN_EVIL/24 dev hlan
  ip -n rtr -6 addr add $LAN6_RTR/64 dev rlan nodad
  ip -n rtr -6 addr add fe80::1/64 dev rlan nodad
  # the LAN host: a stable address and, with privacy extensions on, temporary ones the agent must not publish
  nsx lan sysctl -qw net.ipv6.conf.hlan.use_tempaddr=2
  ip -n lan -6 addr add $LAN6_HOST/64 dev hlan nodad mngtmpaddr valid_lft 86400 preferred_lft 14400
  ip -n rtr route add default via $WAN_GW
  ip -n lan route add default via $LAN_RTR
  ip -n lan -6 route add default via fe80::1 dev hlan
  ip -n lan2 addr add $LAN2_HOST/24 dev hlan; ip -n lan2 link set hlan up
  ip -n lan2 -6 addr add $LAN6_HOST2/64 dev hlan nodad
  ip -n lan2 route add default via $LAN_RTR
  ip -n lan2 -6 route add default via fe80::1 dev hlan
  ip -n lan2 route add 239.0.0.0/8 dev hlan
  nsx rtr sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n rtr route add 239.0.0.0/8 dev rlan
  ip -n lan route add 239.0.0.0/8 dev hlan
  # the GENA callback ports the lab tests set (callbackPort) are not handed out as outgoing ports; a user who
  # forwards a fixed callback port in a firewall does the same (the agent retries a busy port: UpnpLabIT)
  for ns in lan lan2; do nsx $ns sysctl -qw net.ipv4.ip_local_reserved_ports=49152-49159; done
  nsx rtr sysctl -qw net.ipv4.ip_forward=1
  nft_rules
  write_miniupnpd_conf $igd1
  echo "$igd1" > "$LAB_DIR/igd1"
  start_miniupnpd
  start_snmpd
  start_named
  echo "lab: up (IGD v$([ $igd1 = 1 ] && echo 1 || echo 2)); router WAN $(current_wan), rootDesc http://$LAN_RTR:$UPNP_PORT/rootDesc.xml; logs in $LAB_DIR"
}

cmd_down() {
  need_root
  for d in miniupnpd snmpd named; do stop_daemon $d; done
  for ns in lan lan2 rtr isp; do ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null || true; done
  for ns in lan lan2 rtr isp; do ip netns del $ns 2>/dev/null || true; done
  rm -rf "$LAB_DIR"
  echo "lab: down"
}

cmd_wan_change() {
  need_root
  local old new
  old=$(current_wan)
  new=${1:-}
  if [ -z "$new" ]; then
    [ -n "$old" ] || die "router has no WAN address: give one (lab/lab.sh wan-change ADDR)"
    local last=${old##*.}
    new=$WAN_NET.$(( (last - 40 + 1) % 200 + 40 ))
  fi
  [ "$new" != "$old" ] || { echo "$new"; return 0; }
  local gw=${new%.*}.1
  # the isp side answers on the new address's /24 too (11.22.33.1 stays: the lab's internet servers listen there)
  [ "$gw" = "$WAN_GW" ] || ip -n isp addr replace "$gw/24" dev isp0
  [ -n "$old" ] && ip -n rtr addr del "$old/24" dev rwan
  # for benchmarks: the moment just before the new address is added, in epoch milliseconds (an upper bound
  # on what follows: it includes starting `ip`)
  [ -n "${LAB_STAMP_FILE:-}" ] && { local us=${EPOCHREALTIME/./}; echo $(( us / 1000 )) > "$LAB_STAMP_FILE"; }
  ip -n rtr addr add "$new/24" dev rwan
  ip -n rtr route replace default via "$gw"
  echo "$new"
}

cmd_wan_remove() { # the WAN link loses its IPv4 address (PPPoE down): the router reports 0.0.0.0
  need_root
  ip -n rtr -4 addr flush dev rwan
}

cmd_router_down() { # a router reboot's first half: miniupnpd gone, and with it every mapping
  need_root
  stop_daemon miniupnpd
  nft_rules
  rm -f "$LAB_DIR/miniupnpd.leases"
}

cmd_router_up() { # returns once miniupnpd listens on its HTTP port
  need_root
  start_miniupnpd
}

cmd_reboot_router() {
  cmd_router_down
  cmd_router_up
  echo "lab: miniupnpd restarted (mappings lost)"
}

# Counters in their own table (nft_rules replaces only `inet filter`, so they survive router-down/up).
cmd_router_requests() {
  need_root
  case "${1:-show}" in
    on)
      nsx rtr nft -f - <<NFT
table inet labcount
delete table inet labcount
table inet labcount {
  counter upnp_http { }
  counter snmp { }
  counter ssdp { }
  chain input {
    type filter hook input priority -200; policy accept;
    ip saddr $LAN_HOST tcp dport $UPNP_PORT ct state new counter name upnp_http
    ip saddr $LAN_HOST udp dport 161 counter name snmp
    ip saddr $LAN_HOST udp dport 1900 counter name ssdp
  }
}
NFT
      ;;
    show) # "upnp_http N snmp N ssdp N": packets (for upnp_http: new TCP connections)
      for c in upnp_http snmp ssdp; do
        printf '%s %s ' $c "$(nsx rtr nft list counter inet labcount $c | sed -n 's/.*packets \([0-9]*\).*/\1/p')"
      done
      echo
      ;;
    off) nsx rtr nft delete table inet labcount 2>/dev/null || true ;;
    *) die "usage: lab/lab.sh router-requests on|show|off" ;;
  esac
}

cmd_igd() { # switch the running router between IGD v1 and v2 (restarts miniupnpd: mappings lost)
  need_root
  case "${1:-}" in 1) write_miniupnpd_conf 1 ;; 2) write_miniupnpd_conf 0 ;; *) die "usage: lab/lab.sh igd 1|2" ;; esac
  stop_daemon miniupnpd
  nft_rules
  rm -f "$LAB_DIR/miniupnpd.leases"
  start_miniupnpd
  echo "lab: miniupnpd is now IGD v$1"
}

# UPnP off in the router's settings while PCP/NAT-PMP stay on: its own table, so nft_rules never touches it
cmd_upnp_off() {
  nsx rtr nft -f - <<NFT
table inet labupnpoff
delete table inet labupnpoff
table inet labupnpoff {
  chain input {
    type filter hook input priority -10; policy accept;
    iifname "rlan" udp dport 1900 drop
    iifname "rlan" tcp dport $UPNP_PORT drop
  }
}
NFT
  echo "lab: the router's UPnP is off (SSDP and port $UPNP_PORT dropped; PCP/NAT-PMP on)"
}

cmd_upnp_on() {
  nsx rtr nft delete table inet labupnpoff 2>/dev/null || true
  echo "lab: the router's UPnP is on"
}

cmd_status() {
  for d in miniupnpd snmpd named; do
    if is_running $d; then echo "$d: running"; else echo "$d: stopped"; fi
  done
  echo "wan: $(current_wan)"
}

case "${1:-}" in
  install) cmd_install ;;
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  wan-change) shift; cmd_wan_change "$@" ;;
  wan-ip) current_wan ;;
  wan-remove) cmd_wan_remove ;;
  reboot-router) cmd_reboot_router ;;
  router-down) cmd_router_down ;;
  router-up) cmd_router_up ;;
  snmpd-stop) need_root; stop_daemon snmpd ;;
  snmpd-start) need_root; is_running snmpd || start_snmpd ;;
  router-requests) shift; cmd_router_requests "$@" ;;
  igd) shift; cmd_igd "$@" ;;
  upnp-off) cmd_upnp_off ;;
  upnp-on) cmd_upnp_on ;;
  status) cmd_status ;;
  *) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
