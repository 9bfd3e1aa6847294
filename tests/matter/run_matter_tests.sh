#!/usr/bin/env bash
# Runs hearth-matter's node tests (ctest label `matter`) against a real hearthd, mosquitto and a matter.js
# controller. Usage: run_matter_tests.sh BRIDGE_SOURCE_DIR WORK_DIR HEARTHD PLUGIN_DIR
# Copies the bridge (package.json, package-lock.json, src/, test/) into WORK_DIR, installs the pinned
# dependencies with `npm ci` (only when package-lock.json changed since the last install) and runs
# `node --test test/` there. Without node or npm it exits 77 (reported as skipped).
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: run_matter_tests.sh BRIDGE_SOURCE_DIR WORK_DIR HEARTHD PLUGIN_DIR" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
work=$2
for tool in node npm /usr/sbin/mosquitto; do
  if ! command -v "$tool" >/dev/null; then
    echo "matter_bridge: SKIPPED: '$tool' is missing; run tools/setup-deps.sh" >&2
    exit 77
  fi
done
mkdir -p "$work"
rm -rf "$work/src" "$work/test"
cp -r "$src/src" "$src/test" "$src/package.json" "$src/package-lock.json" "$work/"
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.hearth-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$work/node_modules/.hearth-lock"
fi
cd "$work"
exec env HEARTHD="$3" HEARTH_PLUGIN_DIR="$4" MATTER_LOG_LEVEL=fatal node --test --test-force-exit --test-reporter=spec test/*.test.js
