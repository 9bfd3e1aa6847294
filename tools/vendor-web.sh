#!/usr/bin/env bash
# Copies uPlot into web/vendor/uplot from the version pinned in tests/web/package-lock.json (npm ci,
# no CDN), so the vendored files can be reproduced and checked: `tools/vendor-web.sh --check`
# fails when web/vendor/uplot differs from the locked package.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd tests/web && npm ci --no-audit --no-fund >/dev/null)
src=tests/web/node_modules/uplot
dst=web/vendor/uplot
if [[ "${1:-}" == "--check" ]]; then
  for f in dist/uPlot.esm.js dist/uPlot.min.css LICENSE; do
    cmp "$src/$f" "$dst/$(basename "$f")"
  done
  echo "web/vendor/uplot matches uplot@$(node -p "require('./$src/package.json').version")"
  exit 0
fi
mkdir -p "$dst"
cp "$src/dist/uPlot.esm.js" "$src/dist/uPlot.min.css" "$src/LICENSE" "$dst/"
echo "vendored uplot@$(node -p "require('./$src/package.json').version") into $dst"
