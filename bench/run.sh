#!/usr/bin/env bash
# Runs Hearth's benchmark harness on this machine: installs what it needs (Debian packages via
# tools/setup-deps.sh, Node-RED from the npm registry via bench/nodered/setup.sh), builds the
# release preset with the bench targets, then runs build/release/bench/hearth-bench with the given
# arguments (default: every scenario, 3 repeats, a 10-minute soak). Results: bench-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup-deps.sh
bash bench/nodered/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hearth-bench -- -j"$(nproc)"
exec build/release/bench/hearth-bench "$@"
