#!/usr/bin/env bash
# Package check: builds the .deb with cpack from a built tree (into a temporary directory) and lists
# it with dpkg-deb. Fails on anything the tests or benchmarks build (their plugins and programs
# never install), and checks what a first install gets: the daemon, the reference drivers, and an
# example config that starts no driver. Usage: check_package.sh <build dir> <source dir>
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d /tmp/hearth-pkg.XXXXXX)
trap 'rm -rf "$work"' EXIT

cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log" >&2; echo "cpack failed" >&2; exit 1; }
deb=$(ls "$work"/*.deb)
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
echo "$(wc -l <"$work/contents") entries in $(basename "$deb")"

fail=0
# Everything the test and benchmark directories build, by file name.
# (bench/ is absent when HEARTH_BUILD_BENCH is off, as in the asan preset.)
artefact_dirs=()
for d in "$build_dir/tests" "$build_dir/bench"; do
  [[ -d "$d" ]] && artefact_dirs+=("$d")
done
find "${artefact_dirs[@]}" -type f \( -name '*.so' -o -perm -u+x \) -printf '%f\n' | sort -u >"$work/test-artefacts"
while read -r path; do
  name=${path##*/}
  [[ -z "$name" ]] && continue
  if grep -qxF "$name" "$work/test-artefacts"; then
    echo "test artefact in the package: $path" >&2; fail=1
  fi
  case "$path" in
    */tests/*|*/test/*|*/bench/*) echo "test path in the package: $path" >&2; fail=1 ;;
  esac
done <"$work/contents"

for want in /usr/bin/hearthd /usr/bin/hearthctl /usr/lib/hearth/plugins/demo.so \
            /usr/lib/hearth/plugins/yeelight.so /usr/share/hearth/examples/hearth.json \
            /usr/lib/systemd/system/hearthd.service /usr/lib/cmake/hearth/hearthConfig.cmake; do
  grep -qxF "$want" "$work/contents" || { echo "missing from the package: $want" >&2; fail=1; }
done

# A fresh install must not start simulated (or any) devices: the installed config has no driver.
dpkg-deb -x "$deb" "$work/root"
python3 - "$work/root/usr/share/hearth/examples/hearth.json" <<'PY' || fail=1
import json, sys
cfg = json.load(open(sys.argv[1]))
if cfg.get("drivers"):
    print(f"the installed config starts drivers: {[d.get('plugin') for d in cfg['drivers']]}", file=sys.stderr)
    sys.exit(1)
PY
exit $fail
