#!/usr/bin/env bash
# Installs a pinned Node-RED from the npm registry into bench/nodered/.install.
# Idempotent: does nothing if that exact version is already installed there.
#
# Pinned to the newest 4.x: Node-RED 5.x requires Node.js >= 22.9, while the
# project's machines have Node.js 20. Override with NODE_RED_VERSION=... if needed.
set -euo pipefail

NODE_RED_VERSION="${NODE_RED_VERSION:-4.1.8}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="$HERE/.install"
PKG_JSON="$PREFIX/node_modules/node-red/package.json"

installed_version() {
    [ -f "$PKG_JSON" ] || return 0
    node -p "require(process.argv[1]).version" "$PKG_JSON" 2>/dev/null || true
}

command -v node >/dev/null || { echo "setup.sh: node not found in PATH" >&2; exit 1; }
command -v npm  >/dev/null || { echo "setup.sh: npm not found in PATH" >&2; exit 1; }

if [ "$(installed_version)" = "$NODE_RED_VERSION" ]; then
    echo "node-red $NODE_RED_VERSION already installed in $PREFIX"
else
    mkdir -p "$PREFIX"
    # A private package.json keeps npm from walking up into the Hearth tree.
    if [ ! -f "$PREFIX/package.json" ]; then
        printf '{\n  "name": "hearth-bench-nodered",\n  "private": true\n}\n' > "$PREFIX/package.json"
    fi
    (cd "$PREFIX" && npm install --no-audit --no-fund --save-exact "node-red@$NODE_RED_VERSION")
fi

v="$(installed_version)"
if [ "$v" != "$NODE_RED_VERSION" ]; then
    echo "setup.sh: expected node-red $NODE_RED_VERSION, found '${v:-none}'" >&2
    exit 1
fi
echo "node-red version: $v"
