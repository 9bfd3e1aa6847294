#!/usr/bin/env bash
# Runs the Hearth demo: sets up a fresh Debian machine, builds (release preset), starts a private
# mosquitto broker on a free loopback port and runs hearthd in the foreground with the demo
# driver's virtual devices. Ctrl-C stops both. Watch it with the mosquitto_sub line it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash tools/setup-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -- -j"$(nproc)"

run_dir="$root/build/demo"
mkdir -p "$run_dir"

port=${HEARTH_DEMO_PORT:-}
if [[ -z "$port" ]]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18830)
fi

cat > "$run_dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
user root
CONF
mosquitto -c "$run_dir/mosquitto.conf" >"$run_dir/mosquitto.log" 2>&1 &
broker_pid=$!
trap 'kill "$broker_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

sed -e "s#mqtt://127.0.0.1:1883#mqtt://127.0.0.1:$port#" "$root/config/demo.json" >"$root/config/.demo-run.json"
echo "hearth demo: broker on 127.0.0.1:$port; in another terminal try:"
echo "  mosquitto_sub -p $port -t 'hearth/#' -v"
echo "  mosquitto_pub -p $port -t hearth/living_light/set -m '{\"brightness\": 30, \"transaction\": \"t1\"}'"
echo "  build/release/src/hearthctl --port $port devices   (if built)"
"$root/build/release/src/hearthd" --config "$root/config/.demo-run.json" "$@"
