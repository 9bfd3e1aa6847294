#!/usr/bin/env bash
# Checks that the committed Zigbee2MQTT fixture (bridge_devices.json) is exactly what the pinned
# zigbee-herdsman-converters (package-lock.json) generates (ctest z2m_fixtures_npm).
# Usage: run_fixtures.sh WORK_DIR
# Installs the locked npm dependencies into WORK_DIR (npm ci, only when package-lock.json changed),
# regenerates the fixture there and diffs it against the committed one. Without node or npm it
# exits 77, which ctest reports as skipped (SKIP_RETURN_CODE), with the reason on stderr.
# To update the fixture: cd tests/interop/z2m && npm ci && node make_fixtures.js bridge_devices.json
set -euo pipefail
work=$1
here=$(cd "$(dirname "$0")" && pwd)
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "z2m_fixtures_npm: SKIPPED: '$tool' is missing; run tools/setup-deps.sh (installs nodejs and npm)" >&2
    exit 77
  fi
done
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/make_fixtures.js" "$work/"
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.hearth-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$work/node_modules/.hearth-lock"
fi
cd "$work"
node make_fixtures.js generated.json
if ! diff -u "$here/bridge_devices.json" generated.json > fixture.diff; then
  echo "z2m_fixtures_npm: bridge_devices.json differs from what make_fixtures.js generates:" >&2
  head -50 fixture.diff >&2
  exit 1
fi
echo "z2m_fixtures_npm: bridge_devices.json matches zigbee-herdsman-converters $(node -p 'require("zigbee-herdsman-converters/package.json").version')"
