# Memory at a steady load (MemoryUnderLoadTest): the dataplane jar's loadgen sends RATE (default 2000) 64-byte UDP
# datagrams a second over FLOWS (default 1000) flows from onp through DNAT + MASQUERADE to right (which drops them
# at its NIC) for the whole run, and the box's memory is sampled at each of MEM_SAMPLES (seconds after the load
# started, default "20 60"): /proc/PID/status (VmRSS), jcmd VM.native_memory summary (the box runs with
# -XX:NativeMemoryTracking=summary; "Other" holds direct buffers) jcmd GC.heap_info (heap used) and jstat -gc (GC counts), into
# mem-SECONDS.txt.
RULES='*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.16.2.65/32 -i eth0 -p udp -m udp --dport 9 -j DNAT --to-destination 172.16.3.5
-A POSTROUTING -s 192.168.1.0/24 -o eth0 -j MASQUERADE
COMMIT'
source "$(dirname "$SCEN")/common.sh"
setup() {
  udr_add 104 172.16.2.64/26
  ip netns exec "$P-right" nft -f - <<'NFT'
table netdev sink {
  chain in {
    type filter hook ingress device "eth0" priority 0;
    udp dport 9 counter drop
  }
}
NFT
}
sample() {
  # glibc keeps what the JVM frees (the JIT's compiler arenas, freed after a late compile under load) resident;
  # handing it back first makes VmRSS what is in use, so a late compile does not read as growth
  jcmd "$ENGINE_PID" System.trim_native_heap >/dev/null 2>&1 || true
  { echo "at $1"
    grep -E '^(VmRSS|VmHWM|Threads)' "/proc/$ENGINE_PID/status"
    jcmd "$ENGINE_PID" VM.native_memory summary 2>&1 | grep -E '^(Total|-  *(Java Heap|Class|Thread|Code|GC|Internal|Other|Symbol|Native Memory Tracking|Arena Chunk))'
    jcmd "$ENGINE_PID" GC.heap_info 2>&1 | grep -E "heap +total"
    jstat -gc "$ENGINE_PID" 2>&1
  } >"$OUT/mem-$1.txt"
}
traffic() {
  local samples=(${MEM_SAMPLES:-20 60})
  local last=${samples[-1]}
  in_ns onp java -jar "$DATAPLANE_JAR" loadgen --interface eth0 --dst-mac "$(onp_gateway_mac)" --src 192.168.1.5 \
      --dst 172.16.2.65 --dport 9 --flows "${FLOWS:-1000}" --seconds $(( last + 5 )) --rate "${RATE:-2000}" \
      >"$OUT/loadgen.txt" 2>&1 &
  local gen=$! start; start=$(date +%s)
  for s in "${samples[@]}"; do
    local left=$(( start + s - $(date +%s) ))
    [ "$left" -gt 0 ] && sleep "$left"
    sample "$s"
  done
  wait "$gen" || echo "loadgen exit $?" >>"$OUT/loadgen.txt"
  stat_snapshot end
  ip netns exec "$P-right" nft list table netdev sink >"$OUT/sink.txt" 2>&1 || true
}
