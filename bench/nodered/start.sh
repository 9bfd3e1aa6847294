#!/usr/bin/env bash
# Starts the Node-RED side of the Hearth benchmark.
#
#   bench/nodered/start.sh <userdir> <broker_port> <ui_port> <N>
#
# Writes <userdir>/flows.json for broker 127.0.0.1:<broker_port> (override the
# host with HEARTH_NR_BROKER_HOST) and N devices, then *execs* node on
# Node-RED's red.js, so the PID of this script becomes the PID of the node
# process (read its RSS from /proc/<pid>/status).
#
# Log lines go to stdout. Wait for either of:
#   "] Connected to broker: mqtt://127.0.0.1:<broker_port>"   (MQTT CONNACK received)
#   "] HEARTH_BENCH_NODERED_READY"                           (subscriptions active, retained replay delivered)
# Run setup.sh first.
#
# Optional: HEARTH_NR_TCP_NODELAY=1 preloads tcp_nodelay.js (Nagle off on
# Node-RED's sockets; not stock Node-RED behaviour, see README.md).
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 <userdir> <broker_port> <ui_port> <N>" >&2
    exit 2
fi
USERDIR="$1"; BROKER_PORT="$2"; UI_PORT="$3"; N="$4"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RED_JS="$HERE/.install/node_modules/node-red/red.js"
BROKER_HOST="${HEARTH_NR_BROKER_HOST:-127.0.0.1}"

if [ ! -f "$RED_JS" ]; then
    echo "start.sh: Node-RED is not installed; run $HERE/setup.sh first" >&2
    exit 1
fi

mkdir -p "$USERDIR"
USERDIR="$(cd "$USERDIR" && pwd)"
node "$HERE/make_flow.js" --host "$BROKER_HOST" --port "$BROKER_PORT" --n "$N" \
    --out "$USERDIR/flows.json"

export HEARTH_NR_USERDIR="$USERDIR"
export HEARTH_NR_UI_PORT="$UI_PORT"
export HEARTH_NR_FLOW_FILE="flows.json"
PRELOAD=()
if [ "${HEARTH_NR_TCP_NODELAY:-0}" = 1 ]; then
    PRELOAD=(--require "$HERE/tcp_nodelay.js")
fi
cd "$USERDIR"
exec node "${PRELOAD[@]}" "$RED_JS" --settings "$HERE/settings.js" --userDir "$USERDIR"
