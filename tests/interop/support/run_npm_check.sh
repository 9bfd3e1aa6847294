#!/usr/bin/env bash
# Runs one npm-based interop check (ctest label `interop`): the part every tests/interop/* package
# shares. Usage:
#   run_npm_check.sh TEST_NAME PACKAGE_DIR WORK_DIR [VAR=VALUE...] -- COMMAND [ARG...]
# Mirrors the package into WORK_DIR/<package folder name>/ (package.json, package-lock.json and
# its *.js files) and this folder's *.js helpers into WORK_DIR/support/, so a test requires
# '../support/sim_harness' there as in the source tree. Installs the pinned dependencies with
# `npm ci` from package-lock.json (only when the lock file changed since the last install), then
# runs COMMAND in the package copy with the VAR=VALUE pairs in its environment (e.g. the path of
# the simulator under test) and exits with its status. The simulators themselves are started,
# waited for and stopped (by PID) by the node test through sim_harness.js.
# Without node or npm it exits 77, which ctest reports as skipped where the test sets
# SKIP_RETURN_CODE 77, with the reason on stderr.
set -euo pipefail
if [ $# -lt 5 ]; then
  echo "usage: run_npm_check.sh TEST_NAME PACKAGE_DIR WORK_DIR [VAR=VALUE...] -- COMMAND [ARG...]" >&2
  exit 2
fi
name=$1
package=$(cd "$2" && pwd)
work=$3
shift 3
vars=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  vars+=("$1")
  shift
done
if [ $# -lt 2 ]; then
  echo "$name: run_npm_check.sh needs '-- COMMAND'" >&2
  exit 2
fi
shift
here=$(cd "$(dirname "$0")" && pwd)
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "$name: SKIPPED: '$tool' is missing; run tools/setup-deps.sh (installs nodejs and npm)" >&2
    exit 77
  fi
done
copy="$work/$(basename "$package")"
mkdir -p "$copy" "$work/support"
cp "$here"/*.js "$work/support/"
cp "$package/package.json" "$package/package-lock.json" "$package"/*.js "$copy/"
if ! cmp -s "$copy/package-lock.json" "$copy/node_modules/.hearth-lock" 2>/dev/null; then
  (cd "$copy" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$copy/package-lock.json" "$copy/node_modules/.hearth-lock"
fi
cd "$copy"
exec env "${vars[@]}" "$@"
