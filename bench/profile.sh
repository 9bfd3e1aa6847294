#!/usr/bin/env bash
# Profiles the state path at 10,000 updates/s: runs one throughput scenario of hearth-bench and,
# while its process-isolation hearthd runs, samples hearthd and its driver worker with perf
# (Debian's linux-perf, DWARF call graphs), then folds the stacks into a flame graph.
#   bench/profile.sh [OUT_DIR]        (default bench-profile/; needs root or perf_event_paranoid <= 1)
# Output: OUT_DIR/flame.svg, stacks.folded, threads.txt (share of samples per thread),
# top.txt (self time per symbol), throughput.json (the run's own numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-profile}
seconds=${PROFILE_SECONDS:-6}
mkdir -p "$out"

command -v perf >/dev/null || sudo apt-get install -y linux-perf
cmake --preset release >/dev/null
cmake --build --preset release --target hearth-bench -- -j"$(nproc)"

hearthd=$PWD/build/release/src/hearthd
build/release/bench/hearth-bench --only throughput --throughput-repeat 1 --out "$out/throughput.json" \
  >"$out/bench.log" 2>&1 &
bench=$!
trap 'kill "$bench" 2>/dev/null || true' EXIT

# The process-isolation run is the first hearthd of this build with a child (its worker).
pid='' worker=''
for _ in $(seq 1 600); do
  for p in $(pgrep -x -f "$hearthd --config .*" || true); do
    worker=$(pgrep -P "$p" | head -1 || true)
    [[ -n $worker ]] && pid=$p && break
  done
  [[ -n $pid ]] && break
  kill -0 "$bench" 2>/dev/null || { cat "$out/bench.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $pid ]] || { echo "profile.sh: no hearthd with a worker appeared" >&2; exit 1; }
sleep 1  # the devices come online; the run starts right after
perf record -F 499 --call-graph dwarf,16384 -p "$pid,$worker" -o "$out/perf.data" -- sleep "$seconds" \
  2>"$out/perf-record.log"
wait "$bench"
trap - EXIT

perf script -i "$out/perf.data" 2>/dev/null | python3 bench/flamegraph.py "$out"
perf report -i "$out/perf.data" --no-children -g none --sort comm,dso,sym -q >"$out/top.txt" 2>/dev/null
cat "$out/threads.txt"
