#!/usr/bin/env bash
# natcore's copy of the reference lab (../shared/oracle/lab.sh): the same Azure-like topology in network
# namespaces, with the real Linux netfilter as the NAT box, or with NAT_ENGINE the natcore dataplane.
# Differences from the reference: the namespace prefix is LAB_PREFIX (default ncl) so it can run beside the
# reference lab; the engine is stopped with SIGTERM and waited for (10 s) before the namespaces go, so its
# final counters reach engine.log.
#
#   lab.sh SCENARIO_FILE OUT_DIR      build the lab, run the scenario, capture, tear down
#
# Topology (one namespace each): onp (on-premises VM, 192.168.1.5 and .6), left (172.16.1.5),
# nat (NAT VM, single NIC eth0 172.16.2.5, IP forwarding on), right (172.16.3.5), and fab,
# the virtual-network fabric. fab routes by the VNet a packet comes from (ip rule iif ...),
# one table per VNet: system routes, peering, gateway-learned routes and user-defined routes
# (UDRs). The internal load balancer 172.16.2.7 in front of the NAT VM is modelled as a
# static neighbour entry in fab that resolves to the NAT VM's MAC (HA ports pass packets
# through with their addresses unchanged).
#
# Output in OUT_DIR:
#   trace.pcap        everything IPv4 the NAT box received and sent (tcpdump -i any, LINUX_SLL2:
#                     packet type 4 = sent by the box, anything else = received)
#   rules.txt         iptables-save of the NAT box (all tables)
#   box.txt           the NAT box: "ifindex NAME", "addr NAME CIDR", "route ..." lines
#   conntrack-events.txt  conntrack -E -o timestamp,id during the traffic
#   conntrack-final.txt   conntrack -L -o extended,id after the traffic
#   clients.txt       what each client command printed (e.g. the RemoteAddr a server saw)
#   scenario.sh       the scenario that produced it
#
# With NAT_ENGINE='COMMAND' the kernel does no NAT and forwards nothing: the scenario's rules are
# written to OUT_DIR/rules.txt (never loaded into the kernel), the NAT namespace gets ip_forward=0,
# and COMMAND runs inside it (bash -c) with NAT_RULES, NAT_BOX and NAT_IFACE=eth0 in its
# environment. The lab waits until COMMAND prints a line "ready" (60 s at most), runs the traffic,
# then stops COMMAND with SIGTERM. Extra output: engine.log (what COMMAND printed) and
# kernel-conntrack.txt (the NAT namespace's own conntrack table at the end: empty when the kernel
# did no connection tracking). COMMAND should exec the engine (e.g. 'exec java ...') so that
# ENGINE_PID is the engine itself; a scenario may call engine_restart (kill -9, or with TERM a clean
# stop, start again, wait for the next "ready") and engine_reload (SIGHUP, wait for "reloaded"); with
# the kernel as the NAT box they do nothing. CLIENT_TIMEOUT (default 8 s)
# bounds each client command.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SCEN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; OUT="$2"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
P=${LAB_PREFIX:-ncl}
NS="onp left nat right fab"
PIDS=()

in_ns() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
fab() { ip -n "$P-fab" "$@"; }
# run a client command in a VM namespace and record what it printed
client() { local n=$1; shift; echo "\$ [$n] ${*//$HERE\//oracle/}" >>"$OUT/clients.txt"; in_ns "$n" timeout "${CLIENT_TIMEOUT:-8}" "$@" >>"$OUT/clients.txt" 2>&1 || echo "(exit $?)" >>"$OUT/clients.txt"; }
# start an echo server in a VM namespace and wait until it listens: serve NS KIND IP PORT
serve() {
  local n=$1; shift
  ip netns exec "$P-$n" python3 "$HERE/echo_server.py" "$@" >>"$OUT/servers.log" 2>&1 & PIDS+=($!)
  local flag=-ltn; case $1 in udp*) flag=-lun ;; esac
  for i in $(seq 100); do ip netns exec "$P-$n" ss -H $flag "sport = :$3" | grep -q . && return 0; sleep 0.05; done
  echo "server $* did not start" >&2; return 1
}
# hand-made packets into the NAT VM's NIC from the fabric: inject CASES_FILE
inject() {
  local mac; mac=$(ip -n $P-nat -br link show eth0 | awk '{print $3}')
  ip netns exec "$P-fab" /usr/bin/python3 "$HERE/inject.py" f-nat "$mac" "$1"
}
# the engine as the NAT box (NAT_ENGINE mode): start it, or kill -9 and start it again
start_engine() {
  # not through in_ns: $! must be the engine itself (ip netns exec, env and bash -c 'exec ...' keep the pid)
  ip netns exec "$P-nat" env NAT_RULES="$OUT/rules.txt" NAT_BOX="$OUT/box.txt" NAT_IFACE=eth0 bash -c "$NAT_ENGINE" >>"$OUT/engine.log" 2>&1 &
  ENGINE_PID=$!; PIDS+=($ENGINE_PID)
}
wait_ready() {  # wait_ready COUNT: until engine.log holds more than COUNT "ready" lines (60 s at most)
  for i in $(seq 1200); do [ "$(grep -c '^ready' "$OUT/engine.log")" -gt "$1" ] && return 0; sleep 0.05; done
  echo "NAT_ENGINE did not print ready in 60 s:" >&2; tail -5 "$OUT/engine.log" >&2; return 1
}
engine_restart() {  # engine_restart [TERM]: kill -9 (default) or a clean SIGTERM stop, start again, wait for ready
  [ -n "${NAT_ENGINE:-}" ] || return 0
  kill -"${1:-KILL}" "$ENGINE_PID" 2>/dev/null || true; wait "$ENGINE_PID" 2>/dev/null || true
  local before; before=$(grep -c '^ready' "$OUT/engine.log")
  start_engine; wait_ready "$before"
}
engine_reload() {  # SIGHUP (the engine rereads $OUT/rules.txt) and wait for its next "reloaded" line (10 s at most)
  [ -n "${NAT_ENGINE:-}" ] || return 0
  local before; before=$(grep -c '^reloaded' "$OUT/engine.log" || true)
  kill -HUP "$ENGINE_PID"
  for i in $(seq 200); do [ "$(grep -c '^reloaded' "$OUT/engine.log")" -gt "$before" ] && return 0; sleep 0.05; done
  echo "NAT_ENGINE did not print reloaded in 10 s" >&2; return 1
}
udr_add() { local table=$1 prefix=$2; fab route replace "$prefix" via 172.16.2.7 dev f-nat table "$table"; }
udr_del() { local table=$1 prefix=$2; fab route del "$prefix" table "$table" || true; }

down() {
  if [ -n "${ENGINE_PID:-}" ]; then
    kill -TERM "$ENGINE_PID" 2>/dev/null || true
    for i in $(seq 200); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.05; done
  fi
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  for n in $NS; do ip netns del "$P-$n" 2>/dev/null || true; done
}
trap down EXIT

up() {
  down
  for n in $NS; do ip netns add "$P-$n"; ip -n "$P-$n" link set lo up; done
  for n in onp left nat right; do
    fab link add "f-$n" type veth peer name eth0 netns "$P-$n"
    fab link set "f-$n" up; ip -n "$P-$n" link set eth0 up
    # full checksums in every packet: no partial (offloaded) checksums cross the veths
    ip netns exec "$P-fab" ethtool -K "f-$n" tx off >/dev/null
    ip netns exec "$P-$n" ethtool -K eth0 tx off >/dev/null
  done
  for n in fab nat; do
    in_ns $n sysctl -qw net.ipv4.ip_forward=1
    for k in all default; do
      in_ns $n sysctl -qw net.ipv4.conf.$k.send_redirects=0 net.ipv4.conf.$k.rp_filter=0
    done
    in_ns $n sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >$f; done; for f in /proc/sys/net/ipv4/conf/*/send_redirects; do echo 0 >$f; done'
  done
  # fabric gateways (.1 of each subnet, as in Azure)
  fab addr add 192.168.1.1/24 dev f-onp
  fab addr add 172.16.1.1/24 dev f-left
  fab addr add 172.16.2.1/24 dev f-nat
  fab addr add 172.16.3.1/24 dev f-right
  # VMs
  ip -n $P-onp addr add 192.168.1.5/24 dev eth0; ip -n $P-onp addr add 192.168.1.6/24 dev eth0
  ip -n $P-left addr add 172.16.1.5/24 dev eth0; ip -n $P-left route add default via 172.16.1.1
  ip -n $P-nat addr add 172.16.2.5/24 dev eth0; ip -n $P-nat route add default via 172.16.2.1
  # Azure's fabric answers ARP for every address of a subnet; so a packet the NAT VM forwards
  # untranslated to a DNAT address still leaves its NIC (and shows in the trace)
  ip -n $P-nat route add 172.16.2.64/26 via 172.16.2.1
  ip -n $P-right addr add 172.16.3.5/24 dev eth0; ip -n $P-right route add default via 172.16.3.1
  # on-premises knows only what the VPN gateway advertises over BGP
  for r in 172.16.1.0/24 172.16.2.0/24 172.16.20.0/24; do ip -n $P-onp route add $r via 192.168.1.1; done
  # the internal load balancer's frontend resolves to the NAT VM
  local mac; mac=$(ip -n $P-nat -br link show eth0 | awk '{print $3}')
  fab neigh replace 172.16.2.7 lladdr "$mac" dev f-nat nud permanent
  # effective route tables per VNet: 101 left (hub), 102 NAT VNet, 103 right, 104 GatewaySubnet
  for t in 101 102 103 104; do
    fab route add blackhole 10.0.0.0/8 table $t
    fab route add blackhole 172.16.0.0/12 table $t
    fab route add blackhole 192.168.0.0/16 table $t
  done
  fab route add 172.16.1.0/24 dev f-left table 101          # VnetLocal
  fab route add 172.16.2.0/24 dev f-nat table 101           # peering
  fab route add 172.16.20.0/24 dev f-nat table 101          # peering (address space, no subnet)
  fab route add 192.168.1.0/24 dev f-onp table 101          # VirtualNetworkGateway
  fab route add 172.16.2.0/24 dev f-nat table 102           # VnetLocal
  fab route add 172.16.20.0/24 dev f-nat table 102
  fab route add 172.16.1.0/24 dev f-left table 102          # peering
  fab route add 172.16.3.0/24 dev f-right table 102         # peering
  fab route add 192.168.1.0/24 dev f-onp table 102          # gateway transit
  fab route add 172.16.3.0/24 dev f-right table 103         # VnetLocal
  fab route add 172.16.2.0/24 dev f-nat table 103           # peering
  fab route add 172.16.20.0/24 dev f-nat table 103
  fab route add 172.16.1.0/24 dev f-left table 104          # GatewaySubnet: hub
  fab route add 172.16.2.0/24 dev f-nat table 104           # peering with gateway transit
  fab route add 172.16.20.0/24 dev f-nat table 104
  fab rule add iif f-left lookup 101
  fab rule add iif f-nat lookup 102
  fab rule add iif f-right lookup 103
  fab rule add iif f-onp lookup 104
}

capture_start() {
  ip netns exec "$P-nat" tcpdump -Z root -i any -y LINUX_SLL2 -n -U -s 0 -w "$OUT/trace.pcap" ip >/dev/null 2>&1 & PIDS+=($!)
  ip netns exec "$P-nat" conntrack -E -o timestamp,id >"$OUT/conntrack-events.txt" 2>/dev/null & PIDS+=($!)
  for i in $(seq 50); do [ -s "$OUT/trace.pcap" ] && break; sleep 0.1; done
  sleep 0.5
}

capture_stop() {
  sleep 1
  in_ns nat conntrack -L -o extended,id >"$OUT/conntrack-final.txt" 2>/dev/null || true
  down_capture
}

down_capture() {
  for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${CAP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}

describe_box() {
  { ip -n $P-nat -o link show | awk -F': ' '{print "ifindex", $1, $2}' | sed 's/@.*//'
    ip -n $P-nat -4 -o addr show | awk '{print "addr", $2, $4}'
    ip -n $P-nat -4 route show | sed 's/^/route /'
  } >"$OUT/box.txt"
  in_ns nat iptables-save | { grep -v '^#' || true; } >"$OUT/rules.txt"
}

up
: >"$OUT/clients.txt"
cp "$SCEN" "$OUT/scenario.sh"
[ -f "${SCEN%.sh}.cases" ] && cp "${SCEN%.sh}.cases" "$OUT/scenario.cases"
# shellcheck disable=SC1090
source "$SCEN"
if declare -F setup >/dev/null; then setup; fi
if [ -n "${NAT_ENGINE:-}" ]; then
  describe_box
  printf '%s\n' "$RULES" >"$OUT/rules.txt"
  in_ns nat sysctl -qw net.ipv4.ip_forward=0
  : >"$OUT/engine.log"; start_engine; wait_ready 0 || exit 1
else
  printf '%s\n' "$RULES" | in_ns nat iptables-restore
  describe_box
fi
if [ -n "${NOCAPTURE:-}" ]; then   # e.g. to time the kernel itself
  traffic
  exit 0
fi
n0=${#PIDS[@]}
capture_start
CAP_PIDS=("${PIDS[@]:$n0}")
traffic
capture_stop
if [ -n "${NAT_ENGINE:-}" ]; then
  in_ns nat conntrack -L >"$OUT/kernel-conntrack.txt" 2>/dev/null || true
fi
echo "captured $(tcpdump -r "$OUT/trace.pcap" 2>/dev/null | wc -l) packets into $OUT"
