#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds Hearth (debug preset) and runs the whole test suite
# (unit, plugin ABI zoo, integration against real mosquitto brokers). Exit status = ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup-deps.sh
# mosquitto's package starts a system broker on port 1883; tests start their own on free ports.
cmake --preset debug >/dev/null
cmake --build --preset debug -- -j"$(nproc)"
ctest --preset debug -j2 --timeout 600 "$@"
