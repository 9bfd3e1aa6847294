#!/usr/bin/env bash
# Runs the Hearth demo on a fresh Debian machine: installs what it needs, builds (release preset),
# starts a private mosquitto broker and the device simulators on free loopback ports, then runs
# hearthd in the foreground with the real-protocol drivers talking to those simulators:
#   yeelight (TCP 55443 protocol)          -> living_light
#   vacuum_miio, miot (miIO UDP, AES)       -> robot_vacuum, bedroom_ac, kitchen_fridge, bathroom_washer
#   nuki (Nuki Bridge HTTP API)             -> nuki_<id> front door lock (PIN 4711 for remote unlock, as hall_lock)
#   isapi_camera (ISAPI HTTP, digest auth)  -> porch_camera
#   demo (virtual)                          -> kitchen_plug, porch_switch, sensors, hall_lock, front_camera
# and hearth-matter, the Matter bridge, printing its pairing code (docs/matter.md).
# Builds only the targets it runs. Ctrl-C stops everything: hearthd stops its driver workers
# (which ignore the terminal's SIGINT) and exits 0; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash tools/setup-deps.sh
cmake --preset release >/dev/null
# Only what the demo runs (not the tests, fuzzers and benchmarks): the daemon, its worker host and
# client, the drivers below and their simulators.
demo_targets=(hearthd hearth-driver-host hearthctl
  demo yeelight vacuum_miio miot nuki isapi_camera
  yeelight_sim nuki_bridge_sim isapi_camera_sim miio_sim)
cmake --build --preset release --target "${demo_targets[@]}" -- -j"$(nproc)"
bin="$root/build/release"

run_dir="$root/build/demo"
mkdir -p "$run_dir"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secret() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }
# The broker and the simulators run in sessions of their own: a terminal's Ctrl-C reaches only this
# script and hearthd (and its workers, which ignore it), so hearthd stops while the devices and the
# broker are still there (no "connection closed" warnings); cleanup stops them afterwards.
start() { local log=$1; shift; setsid "$@" >"$run_dir/$log" 2>&1 & pids+=($!); }

mqtt_port=${HEARTH_DEMO_PORT:-$(free_port)}
cat > "$run_dir/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
user root
set_tcp_nodelay true
CONF
start mosquitto.log mosquitto -c "$run_dir/mosquitto.conf"

# Device simulators, each speaking its real protocol, with secrets made fresh for this run.
yeelight_port=$(free_port); start yeelight.log "$bin/tools/devsim/yeelight/yeelight_sim" --port "$yeelight_port"
nuki_port=$(free_port); nuki_token=$(secret | cut -c1-20)
start nuki.log "$bin/tools/devsim/nuki_bridge/nuki_bridge_sim" --port "$nuki_port" --token "$nuki_token" --locks 1
camera_port=$(free_port); camera_password=$(secret)
start camera.log "$bin/tools/devsim/isapi_camera/isapi_camera_sim" --port "$camera_port" --user admin \
  --password "$camera_password" --motion-every-ms 20000
declare -A miio_port miio_token
for kind in vacuum ac fridge washer; do
  miio_port[$kind]=$(free_udp_port); miio_token[$kind]=$(secret)
  start "miio-$kind.log" "$bin/tools/devsim/miio/miio_sim" --port "${miio_port[$kind]}" \
    --token "${miio_token[$kind]}" --kind "$kind"
done
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$mqtt_port") 2>/dev/null && break
  sleep 0.1
done

pin_hash=$(echo 4711 | "$bin/src/hearthd" --hash-pin)
config="$root/config/.demo-run.json"
python3 - "$config" <<PY
import json, sys
cfg = json.load(open("$root/config/demo.json"))
cfg["mqtt"]["url"] = "mqtt://127.0.0.1:$mqtt_port"
cfg["plugins"]["dir"] = "../build/release/plugins"
ports = {"vacuum": ${miio_port[vacuum]}, "ac": ${miio_port[ac]}, "fridge": ${miio_port[fridge]}, "washer": ${miio_port[washer]}}
tokens = {"vacuum": "${miio_token[vacuum]}", "ac": "${miio_token[ac]}", "fridge": "${miio_token[fridge]}", "washer": "${miio_token[washer]}"}
def miio_cfg(kind, **extra):
    c = {"host": "127.0.0.1", "port": ports[kind], "token": tokens[kind]}
    c.update(extra)
    return c
cfg["drivers"] = [
    {"plugin": "demo", "id": "demo", "config": {"tick_ms": 1000, "devices": ["plug", "switch", "sensor", "binary_sensor", "lock", "camera"]}},
    {"plugin": "yeelight", "id": "yeelight", "config": {"lights": [{"id": "living_light", "name": "Living room light", "host": "127.0.0.1", "port": $yeelight_port}]}},
    {"plugin": "vacuum_miio", "id": "vacuum", "config": miio_cfg("vacuum", id="robot_vacuum", name="Robot vacuum")},
    {"plugin": "miot", "id": "miot_ac", "config": miio_cfg("ac", model="example.aircondition.v1", id="bedroom_ac", name="Bedroom AC")},
    {"plugin": "miot", "id": "miot_fridge", "config": miio_cfg("fridge", model="example.fridge.v1", id="kitchen_fridge", name="Fridge")},
    {"plugin": "miot", "id": "miot_washer", "config": miio_cfg("washer", model="example.washer.v1", id="bathroom_washer", name="Washer")},
    {"plugin": "nuki", "id": "nuki", "config": {"host": "127.0.0.1", "port": $nuki_port, "token": "$nuki_token"}},
    {"plugin": "isapi_camera", "id": "camera", "config": {"host": "127.0.0.1", "port": $camera_port, "username": "admin",
        "password": "$camera_password", "id": "porch_camera", "name": "Porch camera"}},
]
cfg["locks"] = {"nuki_20000001": {"pin_hash": "$pin_hash", "auto_relock_s": 120}, "hall_lock": {"pin_hash": "$pin_hash"}}
json.dump(cfg, open(sys.argv[1], "w"), indent=2)
PY
chmod 600 "$config"

# The Matter bridge (docs/matter.md): every device in Apple Home / Google Home / Home Assistant.
# It reads the same config plus a `matter` section (enabled here; off in the installed config).
matter_config="$root/config/.demo-matter.json"
if command -v node >/dev/null && command -v npm >/dev/null; then
  [ -d bridges/matter/node_modules ] || (cd bridges/matter && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
  python3 - "$config" "$matter_config" "$run_dir/matter" "${HEARTH_DEMO_MATTER_PORT:-5540}" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[1]))
cfg["matter"] = {"enabled": True, "port": int(sys.argv[4]), "state_dir": sys.argv[3]}
json.dump(cfg, open(sys.argv[2], "w"), indent=2)
PY
  chmod 600 "$matter_config"
  start matter.log bridges/matter/bin/hearth-matter --config "$matter_config"
  for _ in $(seq 100); do
    grep -q "pairing code" "$run_dir/matter.log" 2>/dev/null && break
    grep -q "not commissioned" "$run_dir/matter.log" 2>/dev/null && break
    sleep 0.2
  done
  if grep -q "hearth-matter: not commissioned yet" "$run_dir/matter.log"; then
    sed -n '/^hearth-matter: not commissioned yet/,/^QR: /p' "$run_dir/matter.log"
  else
    echo "hearth demo: the Matter bridge is already paired (state in $run_dir/matter); pairing code again:"
    echo "  build/release/src/ctl/hearthctl --port $mqtt_port matter pairing"
  fi
else
  echo "hearth demo: node/npm missing, the Matter bridge is not started (tools/setup-deps.sh installs them)"
fi

echo "hearth demo: broker on 127.0.0.1:$mqtt_port; in another terminal try:"
echo "  mosquitto_sub -p $mqtt_port -t 'hearth/#' -v"
echo "  mosquitto_pub -p $mqtt_port -t hearth/living_light/set -m '{\"brightness\": 30, \"transaction\": \"t1\"}'"
echo "  mosquitto_pub -p $mqtt_port -t hearth/nuki_20000001/set -m '{\"command\": \"unlock\", \"code\": \"4711\"}'"
echo "  build/release/src/ctl/hearthctl --port $mqtt_port devices"
"$bin/src/hearthd" --config "$config" "$@"
