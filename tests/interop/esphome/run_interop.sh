#!/usr/bin/env bash
# Runs the npm-client interop test of esphome_sim (ctest esphome_interop_npm).
# Usage: run_interop.sh ESPHOME_SIM WORK_DIR
# Installs the locked npm dependencies into WORK_DIR (npm ci, only when package-lock.json changed)
# and runs the node:test file there. Without node or npm it exits 77, which ctest reports as
# skipped (SKIP_RETURN_CODE), with the reason on stderr.
set -euo pipefail
sim=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "esphome_interop_npm: SKIPPED: '$tool' is missing; run tools/setup-deps.sh (installs nodejs and npm)" >&2
    exit 77
  fi
done
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/esphome_interop.test.js" "$work/"
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.hearth-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$work/node_modules/.hearth-lock"
fi
cd "$work"
ESPHOME_SIM="$sim" exec node --test esphome_interop.test.js
