#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang + ASan/UBSan (build/fuzz, HEARTH_FUZZ=ON)
# and runs each for a bounded time, then prints a table: target, executions, seconds, new crashes.
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     # default: 60 s, every target
#
# Each target starts from its committed seeds (tests/fuzz/corpus/<target>) copied into a scratch
# working corpus (build/fuzz/work/<target>, kept between runs, so the committed corpus stays
# small) plus tests/fuzz/regressions/<target>. Crashers go to build/fuzz/crashes/<target>/, logs
# to build/fuzz/logs/<target>.log. Exit status 1 if any target found a crash.
# Environment: FUZZ_JOBS (build parallelism, default 1), FUZZ_FLAGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
build=build/fuzz
fuzz_dir=tests/fuzz

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for src in "$fuzz_dir"/fuzz_*.cpp; do
        name=$(basename "$src" .cpp)
        targets+=("${name#fuzz_}")
    done
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DHEARTH_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
nice cmake --build "$build" --target hearth_fuzz_targets -j"${FUZZ_JOBS:-1}" >/dev/null

found_crash=0
rows=()
for target in "${targets[@]}"; do
    binary=$build/tests/fuzz/fuzz_$target
    [ -x "$binary" ] || { echo "no fuzz target '$target' ($binary)" >&2; exit 2; }
    work=$build/work/$target
    crashes=$build/crashes/$target
    log=$build/logs/$target.log
    mkdir -p "$work" "$crashes" "$(dirname "$log")"
    cp -n "$fuzz_dir/corpus/$target"/* "$work"/ 2>/dev/null || true
    before=$(find "$crashes" -type f | wc -l)

    echo "fuzzing $target for ${seconds}s ..." >&2
    start=$(date +%s.%N)
    status=0
    # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
    nice "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} "$work" "$fuzz_dir/regressions/$target" >"$log" 2>&1 ||
        status=$?
    end=$(date +%s.%N)

    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
    new_crashes=$(($(find "$crashes" -type f | wc -l) - before))
    corpus=$(find "$work" -type f | wc -l)
    if [ "$status" -ne 0 ] || [ "$new_crashes" -gt 0 ]; then
        found_crash=1
        echo "  $target: exit status $status, see $log and $crashes/" >&2
    fi
    rows+=("$(printf '%-12s %12s %8s %8s %12s' "$target" "${executions:-?}" "$elapsed" "$corpus" "$new_crashes")")
done

printf '%-12s %12s %8s %8s %12s\n' target executions seconds corpus new_crashes
printf '%s\n' "${rows[@]}"
exit "$found_crash"
