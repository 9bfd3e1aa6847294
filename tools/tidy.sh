#!/usr/bin/env bash
# The clang-tidy lane: runs clang-tidy 14 with the repo's .clang-tidy (every enabled check is an
# error) on our sources in src/ and plugins/, and fails on any finding.
#
#   tools/tidy.sh                 sources changed since the tidy baseline (.ci/tidy-base), plus
#                                 the sources that include a changed header
#   tools/tidy.sh --all           every source in src/ and plugins/ (~10 s of CPU per file)
#   tools/tidy.sh FILE...         just these files
#   tools/tidy.sh --self-test     proves the lane fails on a known violation (ctest runs this)
#
# .ci/tidy-base names the commit from which changed sources must be clean (a ratchet: sources
# untouched since then may still have findings; `--all` lists them). After `--all` passes, move
# the baseline with `git rev-parse HEAD > .ci/tidy-base`. Parsing our headers costs ~8 s of CPU
# per file, so CI checks what changed since the baseline rather than the whole tree.
# HEARTH_TIDY_BUILD_DIR picks the compile_commands.json (default: the first of build/release,
# build/debug, build/asan that has one).
set -euo pipefail
cd "$(dirname "$0")/.."

tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
jobs=$(nproc)

if [[ "${1:-}" == "--self-test" ]]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cp .clang-tidy "$dir/.clang-tidy"
  printf 'int* make_null() { int* p = 0; return p; }\n' >"$dir/bad.cpp"
  printf 'int* make_null() { int* p = nullptr; return p; }\n' >"$dir/good.cpp"
  if ! "$tidy" --quiet "$dir/good.cpp" -- -std=c++20 >"$dir/good.log" 2>&1; then
    echo "tidy self-test: a clean file was rejected:" >&2
    cat "$dir/good.log" >&2
    exit 1
  fi
  if "$tidy" --quiet "$dir/bad.cpp" -- -std=c++20 >"$dir/bad.log" 2>&1; then
    echo "tidy self-test: a modernize-use-nullptr violation passed the lane" >&2
    exit 1
  fi
  grep -q "modernize-use-nullptr" "$dir/bad.log" || {
    echo "tidy self-test: the failure did not name the check:" >&2
    cat "$dir/bad.log" >&2
    exit 1
  }
  echo "tidy self-test: clean file passes, violation fails"
  exit 0
fi

build_dir=${HEARTH_TIDY_BUILD_DIR:-}
if [[ -z "$build_dir" ]]; then
  for d in build/release build/debug build/asan; do
    if [[ -f "$d/compile_commands.json" ]]; then
      build_dir=$d
      break
    fi
  done
fi
if [[ -z "$build_dir" || ! -f "$build_dir/compile_commands.json" ]]; then
  echo "tidy: no compile_commands.json; configure a preset first (cmake --preset release)" >&2
  exit 2
fi

# Our translation units as the build sees them (generated files and tests excluded).
mapfile -t known < <(python3 - "$build_dir/compile_commands.json" "$PWD" <<'EOF'
import json, os, sys
root = sys.argv[2]
for c in json.load(open(sys.argv[1])):
    f = os.path.relpath(os.path.join(c["directory"], c["file"]), root)
    if f.startswith(("src/", "plugins/")) and f.endswith(".cpp"):
        print(f)
EOF
)

files=()
if [[ "${1:-}" == "--all" ]]; then
  files=("${known[@]}")
elif [[ $# -gt 0 ]]; then
  files=("$@")
else
  base=$(cat .ci/tidy-base)
  mapfile -t changed < <({
    git diff --name-only "$base" -- src plugins
    git ls-files --others --exclude-standard -- src plugins
  } | sort -u)
  declare -A pick=()
  for f in "${changed[@]}"; do
    [[ -f "$f" ]] || continue
    case "$f" in
    *.cpp) pick["$f"]=1 ;;
    *.hpp | *.h)
      name=$(basename "$f")
      for k in "${known[@]}"; do
        grep -q "[/\"]$name\"" "$k" && pick["$k"]=1
      done
      ;;
    esac
  done
  for k in "${known[@]}"; do
    [[ -n "${pick[$k]:-}" ]] && files+=("$k")
  done
  echo "tidy: ${#files[@]} source(s) changed since the baseline $(git rev-parse --short "$base")" >&2
fi

if [[ ${#files[@]} -eq 0 ]]; then
  exit 0
fi
# Sources that include code-generated headers (protoc output) cannot be parsed before those exist,
# and the lane runs before the build: generate them first (only these targets are built).
generated=()
for f in "${files[@]}"; do
  case "$f" in plugins/esphome/*) generated+=(esphome_api_pb) ;; esac
done
if [[ ${#generated[@]} -gt 0 ]]; then
  mapfile -t generated < <(printf '%s\n' "${generated[@]}" | sort -u)
  cmake --build "$build_dir" --target "${generated[@]}" >/dev/null
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# A source compiled by a test target too (a fuzz target) may carry GCC-only flags in
# compile_commands.json (-Wno-subobject-linkage): clang is told to ignore flags it does not know.
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "$jobs" "$tidy" -p "$build_dir" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-unknown-warning-option >"$log" 2>&1 || status=1
grep -v "warnings generated\|Suppressed [0-9]* warnings\|Use -header-filter\|non-user code\|^$" "$log" || true
if [[ $status -ne 0 ]]; then
  echo "tidy: clang-tidy findings above (checks in .clang-tidy are errors)" >&2
fi
exit $status
