#!/usr/bin/env bash
# README's test command and CI's verdict. Sets up a fresh Debian machine, then runs the lanes:
#   1. format  clang-format 14 on every tracked C/C++ file           (tools/format_check.sh)
#   2. tidy    clang-tidy 14, .clang-tidy checks as errors, on the sources changed since the
#              tidy baseline .ci/tidy-base                             (tools/tidy.sh)
#   3. each preset of HEARTH_TEST_PRESETS (default "release asan"): configure (line-table debug
#      info, -DHEARTH_LINE_TABLES_ONLY=ON), build everything, run the whole ctest suite (unit,
#      plugin ABI zoo, isolation, sandbox, drivers, integration against real mosquitto brokers;
#      packaging and interop, which do not depend on the build flavour, in the first preset only).
# The asan preset is the debug configuration with AddressSanitizer + UBSan, so the default pair
# covers -O0 and -O2 builds; HEARTH_TEST_PRESETS="debug release asan" runs all three.
# HEARTH_SKIP_FORMAT_CHECK=1 / HEARTH_SKIP_TIDY=1 skip a lane; extra arguments go to ctest.
# HEARTH_PRUNE_BUILD_DIRS=1 (set by .ci/run, a one-shot machine with a limited disk): once a
# preset's tests have run, its build directory is deleted, and after the build of a later preset
# its object files (only the link needs them), so the disk holds one preset at a time. The free
# space is printed before each lane either way.
# Prints each lane's wall time. Exit status: 0 only if every lane passed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup-deps.sh --tests
# mosquitto's package starts a system broker on port 1883; tests start their own on free ports.

status=0
lane_times=()
lane() {  # lane NAME COMMAND...: runs a lane, records its time and verdict, never stops the script
  local name=$1 start rc=0
  shift
  start=$(date +%s)
  echo "test.sh: lane $name ($(free_disk) free)" >&2
  "$@" || rc=$?
  lane_times+=("$(printf '%-22s %4ds  %s' "$name" $(($(date +%s) - start)) "$([[ $rc -eq 0 ]] && echo ok || echo FAILED)")")
  [[ $rc -eq 0 ]] || status=1
}

free_disk() { df -h --output=avail . | tail -1 | tr -d ' '; }
prune() {  # prune WHAT DIR: deletes build output that is no longer needed, in pruning mode only
  [[ "${HEARTH_PRUNE_BUILD_DIRS:-0}" == "1" ]] || return 0
  case $1 in
    objects) find "$2" -path '*/CMakeFiles/*' -name '*.o' -type f -delete ;;
    all) rm -rf "$2" ;;
  esac
  echo "test.sh: pruned the $1 of $2 ($(free_disk) free)" >&2
}

presets=(${HEARTH_TEST_PRESETS:-release asan})

if [[ "${HEARTH_SKIP_FORMAT_CHECK:-0}" != "1" ]]; then
  lane format bash tools/format_check.sh
fi
if [[ "${HEARTH_SKIP_TIDY:-0}" != "1" ]]; then
  cmake --preset "${presets[0]}" >/dev/null
  lane tidy env HEARTH_TIDY_BUILD_DIR="build/${presets[0]}" bash tools/tidy.sh
fi

for preset in "${presets[@]}"; do
  # Line-table debug info (-g1) keeps sanitizer and crash backtraces symbolized and builds faster.
  cmake --preset "$preset" -DHEARTH_LINE_TABLES_ONLY=ON >/dev/null
  lane "build $preset" cmake --build --preset "$preset" -- -j"$(nproc)"
  # The packaging and interop labels check no property that depends on the build flavour (the
  # package's layout, a third-party client against our simulator), and the community, matter and
  # web lanes drive whole systems (a RabbitMQ cluster with 50 hubs, a Node.js bridge, Chromium)
  # whose checks are about those systems, not about -O0 or the sanitizers: they run in the first
  # preset only.
  only_first=()
  [[ $preset == "${presets[0]}" ]] || only_first=(-LE 'packaging|interop|community|matter|web')
  # The first preset keeps its objects: its packaging test runs cpack, which builds `preinstall`.
  [[ $preset == "${presets[0]}" ]] || prune objects "build/$preset"
  lane "ctest $preset" ctest --preset "$preset" -j2 --timeout 600 "${only_first[@]}" "$@"
  prune all "build/$preset"
done

echo "test.sh: lanes" >&2
printf '  %s\n' "${lane_times[@]}" >&2
exit $status
