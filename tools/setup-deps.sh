#!/usr/bin/env bash
# Installs the Debian packages Hearth needs to build and run its demo (Debian bookworm); with
# --tests also those only the test suite needs (tools/test.sh passes it): Chromium and a CJK font
# for the web console's browser tests, RabbitMQ for the community cluster tests.
# Idempotent; uses sudo when not run as root. Set HEARTH_SKIP_APT=1 to skip (offline machines).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev libssl-dev openssl zlib1g-dev
  libsqlite3-dev sqlite3 libjpeg-dev libturbojpeg0-dev libsystemd-dev
  libgtest-dev libgmock-dev
  libseccomp-dev libre2-dev libargon2-dev
  libprotobuf-dev protobuf-compiler
  mosquitto mosquitto-clients
  systemd python3 clang-format clang-tidy file
)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(chromium fonts-wqy-microhei rabbitmq-server)
fi

if [[ "${HEARTH_SKIP_APT:-0}" == "1" ]]; then
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm run the miio_sim interop test against the npm `miio` client (tests/interop/miio).
# Checked by command: a machine may have them from another package source (nodesource's nodejs
# ships npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
echo "setup-deps: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
