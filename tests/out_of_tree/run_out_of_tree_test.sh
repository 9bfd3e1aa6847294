#!/usr/bin/env bash
# Out-of-tree SDK proof: install Hearth into a temporary prefix, build example_driver against that
# prefix only (find_package(hearth)), install the driver with `cmake --install` into the same
# prefix, then run the installed hearthd with a config that names no plugin directory (it must
# find the driver where the SDK installed it) and wait until it registers its device. Also checks
# that no test plugin was installed. Usage: run_out_of_tree_test.sh <hearth build dir> <example dir>
set -euo pipefail
build_dir=$1
example_dir=$2
work=$(mktemp -d /tmp/hearth-oot.XXXXXX)
# hearthd runs as root here: its driver workers drop to their own uid (docs/security.md) and
# must be able to reach the installed driver host and the plugin.
chmod 755 "$work"
hearthd_pid=""
cleanup() {
  if [[ -n "$hearthd_pid" ]]; then kill "$hearthd_pid" 2>/dev/null || true; wait "$hearthd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/hearth/plugin.h"
test -f "$work/prefix/lib/cmake/hearth/hearthConfig.cmake"
test -f "$work/prefix/lib/hearth/plugins/demo.so"
test -f "$work/prefix/lib/systemd/system/hearthd.service"
# The SDK's static libraries and headers: the driver toolkit and the test kit.
for lib in hearth_kit hearth_testing; do
  if ! find "$work/prefix/lib" -name "lib$lib.a" | grep -q .; then
    echo "lib$lib.a is not installed" >&2; exit 1
  fi
done
test -f "$work/prefix/include/hearth/kit/driver.hpp"
test -f "$work/prefix/include/hearth/testing/fake_host.hpp"
test -f "$work/prefix/include/hearth/testing/simulator.hpp"
test -x "$work/prefix/bin/hearth-new-driver"
if ls "$work/prefix/lib/hearth/plugins" | grep -E '^(iso_|zoo_|bench)'; then
  echo "test plugins were installed" >&2; exit 1
fi

# Only the installed prefix is visible to the example's build.
cmake -S "$example_dir" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
test -f "$work/build/oot_switch.so"
if nm -D --undefined-only "$work/build/oot_switch.so" | grep -q hearth; then
  echo "oot_switch.so needs host symbols" >&2; exit 1
fi
cmake --install "$work/build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/lib/hearth/plugins/oot_switch.so"

# With CMake's default prefix the driver would go to <default prefix>/lib/hearth/plugins: the
# installed hearthd must search there too (--check-config names the directories it searched).
default_prefix=$(sed -n 's/^  set(CMAKE_INSTALL_PREFIX "\(.*\)")$/\1/p' "$work/build/cmake_install.cmake" | head -1)
test -n "$default_prefix"
cat > "$work/missing.json" <<CONF
{ "database": {"path": "$work/m.db"}, "drivers": [{"plugin": "not_installed", "id": "x"}] }
CONF
if "$work/prefix/bin/hearthd" --check-config --config "$work/missing.json" >"$work/missing.log" 2>&1; then
  echo "--check-config accepted a missing plugin" >&2; exit 1
fi
if ! grep -qF "$default_prefix/lib/hearth/plugins" "$work/missing.log"; then
  echo "hearthd does not search $default_prefix/lib/hearth/plugins, where cmake --install puts drivers:" >&2
  cat "$work/missing.log" >&2; exit 1
fi

cat > "$work/hearth.json" <<CONF
{ "mqtt": {"url": "mqtt://127.0.0.1:9", "client_id": "oot-test"},
  "database": {"path": "$work/h.db"},
  "drivers": [{"plugin": "oot_switch", "id": "oot", "config": {"device_id": "oot_switch"}}] }
CONF
"$work/prefix/bin/hearthd" --check-config --config "$work/hearth.json"
"$work/prefix/bin/hearthd" --config "$work/hearth.json" >"$work/hearthd.log" 2>&1 &
hearthd_pid=$!
for _ in $(seq 100); do
  if grep -q "device 'oot_switch' registered" "$work/hearthd.log"; then
    kill -TERM "$hearthd_pid"; wait "$hearthd_pid"; hearthd_pid=""
    echo "out-of-tree driver loaded and registered its device"
    exit 0
  fi
  sleep 0.1
done
echo "hearthd did not register the out-of-tree device; log:" >&2
cat "$work/hearthd.log" >&2
exit 1
