#!/usr/bin/env bash
# Self-test of the Node-RED side of the Hearth benchmark, against a private
# mosquitto on loopback. Needs mosquitto, mosquitto_pub, mosquitto_sub and a
# prior ./setup.sh.
#
#   bench/nodered/selftest.sh [N] [broker_port] [ui_port]
#
# Checks: retained state present before Node-RED starts does not trigger;
# hearth/bridge/state, hearth/bridge and hearth/bench_sw_<i> do not trigger;
# the first message of a device never seen before does not trigger; every
# later change of bench_s_<i>.value pulses bench_sw_<i> exactly once; a new
# snapshot with the same value does not. Prints startup time and VmRSS.
set -uo pipefail

N="${1:-1}"
BROKER_PORT="${2:-18831}"
UI_PORT="${3:-18881}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCRATCH="$(mktemp -d /tmp/hearth-nodered-selftest.XXXXXX)"
PUB=(mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1)

MOSQ_PID=""; SUB_PID=""; NR_PID=""
cleanup() {
    for p in $NR_PID $SUB_PID $MOSQ_PID; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    if [ "${KEEP_SCRATCH:-0}" = 1 ]; then echo "scratch kept: $SCRATCH"; else rm -rf "$SCRATCH"; fi
}
trap cleanup EXIT

pass=0; fail=0
check() { # check <description> <command...>
    local d="$1"; shift
    if "$@"; then echo "ok   - $d"; pass=$((pass+1)); else echo "FAIL - $d"; fail=$((fail+1)); fi
}
now() { date +%s.%N; }
wait_for() { # wait_for <file> <fixed string> <timeout s>
    local end=$(( $(date +%s) + $3 ))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.01
    done
}
pulses() { grep -c . "$SCRATCH/sub.out" 2>/dev/null || true; }
wait_pulses() { # wait_pulses <count> <timeout s>
    local end=$(( $(date +%s) + $2 ))
    until [ "$(pulses)" -ge "$1" ]; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.01
    done
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- broker -----------------------------------------------------------------
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n%s' "$BROKER_PORT" "${MOSQ_EXTRA:-}" \
    > "$SCRATCH/mosquitto.conf"
mosquitto -c "$SCRATCH/mosquitto.conf" > "$SCRATCH/mosquitto.log" 2>&1 &
MOSQ_PID=$!
for _ in $(seq 100); do
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t hearth-bench/probe -m x 2>/dev/null && break
    sleep 0.05
done

# Retained snapshots for bench_s_0..N-1 before Node-RED starts (what hearthd
# would have published): they must seed the change filter, never trigger.
for ((i = 0; i < N; i++)); do echo "hearth/bench_s_$i {\"value\":0,\"unit\":\"x\"}"; done \
    > "$SCRATCH/seed.txt"
while read -r t m; do "${PUB[@]}" -r -t "$t" -m "$m"; done < "$SCRATCH/seed.txt"
"${PUB[@]}" -r -t hearth/bridge/state -m '{"state":"online"}'

mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t 'hearth/+/set' > "$SCRATCH/sub.out" &
SUB_PID=$!
sleep 0.3

# --- Node-RED -----------------------------------------------------------------
T0=$(now)
"$HERE/start.sh" "$SCRATCH/userdir" "$BROKER_PORT" "$UI_PORT" "$N" > "$SCRATCH/nodered.log" 2>&1 &
NR_PID=$!
CONNECTED_LINE="] Connected to broker: mqtt://127.0.0.1:$BROKER_PORT"
if wait_for "$SCRATCH/nodered.log" "$CONNECTED_LINE" 60; then T1=$(now); else T1=""; fi
if wait_for "$SCRATCH/nodered.log" "] HEARTH_BENCH_NODERED_READY" 60; then T2=$(now); else T2=""; fi
check "Node-RED logged '$CONNECTED_LINE'" test -n "$T1"
check "Node-RED logged HEARTH_BENCH_NODERED_READY" test -n "$T2"
# Node-RED sets process.title = "node-red", so /proc/<pid>/cmdline reads "node-red".
check "PID from fork/exec is the node process" test "$(basename "$(readlink "/proc/$NR_PID/exe")")" = node
[ -n "$T1" ] && echo "startup: connected after $(echo "$T1 - $T0" | bc) s"
[ -n "$T2" ] && echo "startup: ready after $(echo "$T2 - $T0" | bc) s"
echo "VmRSS at ready (N=$N): $(rss_kb "$NR_PID") kB"

sleep 3
echo "VmRSS idle (N=$N, 3 s after ready): $(rss_kb "$NR_PID") kB"
check "retained state present at start did not trigger" test "$(pulses)" -eq 0

# --- non-triggers -------------------------------------------------------------
"${PUB[@]}" -t hearth/bridge/state -m '{"state":"offline"}'
"${PUB[@]}" -t hearth/bridge -m '{"value":5}'
"${PUB[@]}" -t hearth/bench_sw_0 -m '{"value":1}'
"${PUB[@]}" -t hearth/bench_sw_0 -m '{"value":2}'
"${PUB[@]}" -r -t "hearth/bench_s_$N" -m '{"value":1}'   # device never seen before
sleep 0.5
check "bridge / bench_sw_ / first-seen messages did not trigger" test "$(pulses)" -eq 0

# --- triggers -----------------------------------------------------------------
"${PUB[@]}" -r -t hearth/bench_s_0 -m '{"value":1}'
check "value 0->1 pulses bench_sw_0" wait_pulses 1 5
"${PUB[@]}" -r -t hearth/bench_s_0 -m '{"value":2}'
check "value 1->2 pulses bench_sw_0" wait_pulses 2 5
"${PUB[@]}" -r -t hearth/bench_s_0 -m '{"value":2,"unit":"y"}'
"${PUB[@]}" -r -t "hearth/bench_s_$N" -m '{"value":2}'   # second message of new device
check "new device 1->2 pulses bench_sw_$N" wait_pulses 3 5
last=$((N - 1))
"${PUB[@]}" -r -t "hearth/bench_s_$last" -m '{"value":42}'
check "bench_s_$last 0->42 pulses bench_sw_$last" wait_pulses 4 5
sleep 0.5
check "same value did not pulse (exactly 4 pulses)" test "$(pulses)" -eq 4
expected="hearth/bench_sw_0/set {\"command\":\"pulse\"}
hearth/bench_sw_0/set {\"command\":\"pulse\"}
hearth/bench_sw_$N/set {\"command\":\"pulse\"}
hearth/bench_sw_$last/set {\"command\":\"pulse\"}"
check "pulse topics and payloads" test "$(cat "$SCRATCH/sub.out")" = "$expected"
echo "--- received on hearth/+/set:"; cat "$SCRATCH/sub.out"

# --- rough trigger->action round trip (persistent client; indicative only) ---
if [ "${LATENCY:-1}" = 1 ]; then
    node "$HERE/latency_probe.js" 127.0.0.1 "$BROKER_PORT" "$N" 200 || fail=$((fail+1))
fi
echo "VmRSS after test (N=$N): $(rss_kb "$NR_PID") kB, VmHWM $(awk '/^VmHWM:/ {print $2}' "/proc/$NR_PID/status") kB"
if grep -q '\[error\]\|\[warn\]' "$SCRATCH/nodered.log"; then
    echo "--- Node-RED warnings/errors:"; grep '\[error\]\|\[warn\]' "$SCRATCH/nodered.log"
fi
echo "--- Node-RED log:"; cat "$SCRATCH/nodered.log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
