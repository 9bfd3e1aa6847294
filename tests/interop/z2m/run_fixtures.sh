#!/usr/bin/env bash
# Checks that the committed Zigbee2MQTT fixture (bridge_devices.json) is exactly what the pinned
# zigbee-herdsman-converters (package-lock.json) generates (ctest z2m_fixtures_npm).
# Usage: run_fixtures.sh WORK_DIR
# ../support/run_npm_check.sh installs the locked npm dependencies under WORK_DIR and regenerates
# the fixture there (without node or npm it exits 77, which ctest reports as skipped); this script
# diffs it against the committed one.
# To update the fixture: cd tests/interop/z2m && npm ci && node make_fixtures.js bridge_devices.json
set -euo pipefail
work=$1
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/../support/run_npm_check.sh" z2m_fixtures_npm "$here" "$work" -- node make_fixtures.js generated.json
cd "$work/z2m"
if ! diff -u "$here/bridge_devices.json" generated.json > fixture.diff; then
  echo "z2m_fixtures_npm: bridge_devices.json differs from what make_fixtures.js generates:" >&2
  head -50 fixture.diff >&2
  exit 1
fi
echo "z2m_fixtures_npm: bridge_devices.json matches zigbee-herdsman-converters $(node -p 'require("zigbee-herdsman-converters/package.json").version')"
