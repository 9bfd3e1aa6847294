#!/usr/bin/env bash
# The formatting lane: clang-format 14 with the repo's .clang-format on every tracked C/C++ file
# (every C/C++ file under include/ sdk/ src/ plugins/ examples/ tools/ tests/ bench/ outside a git checkout).
# Exit status 1 names each unformatted file. `--self-test` proves the lane fails on an
# unformatted file and passes a formatted one (ctest runs it).
set -euo pipefail
cd "$(dirname "$0")/.."

format=$(command -v clang-format-14 || command -v clang-format)

if [[ "${1:-}" == "--self-test" ]]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cp .clang-format "$dir/.clang-format"
  printf 'int add(int a,int b){return a+b;}\nint twice(int a)\n{\nreturn 2*a;}\n' >"$dir/bad.cpp"
  (cd "$dir" && "$format" bad.cpp >good.cpp)
  if cmp -s "$dir/good.cpp" "$dir/bad.cpp"; then
    echo "format self-test: the unformatted sample is already formatted" >&2
    exit 1
  fi
  "$format" --dry-run --Werror "$dir/good.cpp" || {
    echo "format self-test: a formatted file was rejected" >&2
    exit 1
  }
  if "$format" --dry-run --Werror "$dir/bad.cpp" 2>/dev/null; then
    echo "format self-test: an unformatted file passed the lane" >&2
    exit 1
  fi
  echo "format self-test: formatted file passes, unformatted file fails"
  exit 0
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z '*.c' '*.h' '*.cpp' '*.hpp' | xargs -0 "$format" --dry-run --Werror
else
  find include sdk src plugins examples tools tests bench \( -name '*.[ch]' -o -name '*.[ch]pp' \) -print0 |
    xargs -0 "$format" --dry-run --Werror
fi
