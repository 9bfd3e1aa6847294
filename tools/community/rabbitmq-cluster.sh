#!/usr/bin/env bash
# Test/bench rig: a 3-node RabbitMQ 3.10 cluster with the MQTT plugin on loopback, entirely
# under one directory (docs/community.md, "Cluster"). Every node has its own name
# (hearth-cN@localhost), free AMQP/MQTT/distribution ports chosen at start, its own
# RABBITMQ_BASE/MNESIA/log dirs, and all share one Erlang cookie and a private epmd on a free
# port, so nothing collides with a system rabbitmq-server. Nodes 2 and 3 join node 1; durable
# MQTT subscriptions are quorum queues. Everything started is recorded in DIR/cluster.env and
# stopped by PID.
#
#   rabbitmq-cluster.sh start DIR [--site SITE] [--homes FILE] [--service USER:PASS] [--nodes N]
#       FILE: one "home_id password" per line: one broker user per home, with the ACLs.
#   rabbitmq-cluster.sh stop DIR              stop every node and the epmd it started
#   rabbitmq-cluster.sh kill-node DIR N       SIGKILL node N (a crash)
#   rabbitmq-cluster.sh start-node DIR N      start node N again (it rejoins the cluster)
#   rabbitmq-cluster.sh ctl DIR N ARGS...     rabbitmqctl against node N
#   rabbitmq-cluster.sh env DIR               print DIR/cluster.env
set -euo pipefail

RMQ_BIN=${RMQ_BIN:-/usr/lib/rabbitmq/bin}
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "rabbitmq-cluster: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

free_ports() {  # prints N free loopback TCP ports (bound then released; distinct)
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

node_env() {  # exports the environment of node $2 of cluster dir $1
  local dir=$1 n=$2
  # shellcheck disable=SC1091
  source "$dir/cluster.env"
  local amqp_var="NODE${n}_AMQP" mqtt_var="NODE${n}_MQTT" dist_var="NODE${n}_DIST"
  export HOME="$dir"  # the Erlang cookie: $HOME/.erlang.cookie, shared by the nodes and rabbitmqctl
  export ERL_EPMD_PORT="$EPMD_PORT"
  export RABBITMQ_NODENAME="hearth-c${n}@localhost"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="${!amqp_var}"
  export RABBITMQ_DIST_PORT="${!dist_var}"
  export RABBITMQ_BASE="$dir/node$n"
  export RABBITMQ_MNESIA_BASE="$dir/node$n/mnesia"
  export RABBITMQ_LOG_BASE="$dir/node$n/log"
  export RABBITMQ_PID_FILE="$dir/node$n/rabbit.pid"
  export RABBITMQ_CONFIG_FILE="$dir/node$n/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/node$n/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/node$n/advanced.config"
  NODE_MQTT="${!mqtt_var}"
}

ctl() {  # ctl DIR N ARGS...: rabbitmqctl against node N
  local dir=$1 n=$2
  shift 2
  ( node_env "$dir" "$n"; "$RMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODENAME" "$@" )
}

write_node_config() {
  local dir=$1 n=$2
  node_env "$dir" "$n"
  mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  echo "[rabbitmq_mqtt]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  echo "[]." > "$RABBITMQ_ADVANCED_CONFIG_FILE"
  {
    echo "listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT"
    echo "mqtt.listeners.tcp.default = 127.0.0.1:$NODE_MQTT"
    echo "mqtt.allow_anonymous = false"
    echo "mqtt.vhost = community"
    echo "mqtt.exchange = amq.topic"
    # RabbitMQ 3.10 supports quorum queues for the durable (clean session false, QoS 1)
    # subscriptions: the community service's backlog survives the loss of one node.
    echo "mqtt.durable_queue_type = quorum"
    echo "loopback_users = none"
    echo "log.console = false"
    echo "log.file.level = warning"
    echo "vm_memory_high_watermark.relative = 0.25"
    echo "disk_free_limit.absolute = 50MB"
    if [[ $n == 1 && -f "$dir/definitions.json" ]]; then
      echo "load_definitions = $dir/definitions.json"
    fi
  } > "$RABBITMQ_CONFIG_FILE"
}

start_node() {  # start_node DIR N: starts node N in the background, records its PIDs
  local dir=$1 n=$2
  (
    node_env "$dir" "$n"
    rm -f "$RABBITMQ_PID_FILE"
    setsid "$RMQ_BIN/rabbitmq-server" > "$RABBITMQ_LOG_BASE/stdout.log" 2>&1 < /dev/null &
    echo $! > "$dir/node$n/wrapper.pid"
  )
}

await_node() {  # await_node DIR N: until node N runs the rabbit app (or 180 s)
  local dir=$1 n=$2
  ( node_env "$dir" "$n"
    "$RMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODENAME" wait "$RABBITMQ_PID_FILE" --timeout 180 > /dev/null
  ) || die "node $n did not start (see $dir/node$n/log)"
}

write_definitions() {  # DIR SITE HOMES_FILE SERVICE_USER SERVICE_PASS
  python3 "$here/rabbitmq-definitions.py" --site "$2" --homes "$3" --service "$4:$5" > "$1/definitions.json"
}

cmd_start() {
  local dir=$1
  shift
  local site=site1 homes="" service="community-service:community-service-pass" nodes=3
  while [[ $# -gt 0 ]]; do
    case $1 in
      --site) site=$2; shift 2 ;;
      --homes) homes=$2; shift 2 ;;
      --service) service=$2; shift 2 ;;
      --nodes) nodes=$2; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ -x "$RMQ_BIN/rabbitmq-server" ]] || die "rabbitmq-server not installed (tools/setup-deps.sh)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local t0
  t0=$(now_ms)
  local ports
  read -r -a ports <<< "$(free_ports $((1 + 3 * nodes)))"
  {
    echo "NODES=$nodes"
    echo "SITE=$site"
    echo "SERVICE_USER=${service%%:*}"
    echo "SERVICE_PASS=${service#*:}"
    echo "EPMD_PORT=${ports[0]}"
    for ((n = 1; n <= nodes; n++)); do
      echo "NODE${n}_AMQP=${ports[$((3 * n - 2))]}"
      echo "NODE${n}_MQTT=${ports[$((3 * n - 1))]}"
      echo "NODE${n}_DIST=${ports[$((3 * n))]}"
    done
  } > "$dir/cluster.env"
  : > "$dir/rabbitmq-env.conf"
  python3 -c 'import secrets; print(secrets.token_hex(20).upper(), end="")' > "$dir/.erlang.cookie"
  chmod 400 "$dir/.erlang.cookie"
  touch "${homes:-/dev/null}"
  write_definitions "$dir" "$site" "${homes:-/dev/null}" "${service%%:*}" "${service#*:}"
  # A private epmd (by PID, on its own port): the nodes never register with a system epmd.
  setsid epmd -port "${ports[0]}" > "$dir/epmd.log" 2>&1 < /dev/null &
  echo "EPMD_PID=$!" >> "$dir/cluster.env"
  for ((n = 1; n <= nodes; n++)); do write_node_config "$dir" "$n"; done
  for ((n = 1; n <= nodes; n++)); do start_node "$dir" "$n"; done
  for ((n = 1; n <= nodes; n++)); do await_node "$dir" "$n"; done
  for ((n = 2; n <= nodes; n++)); do
    ctl "$dir" "$n" stop_app
    ctl "$dir" "$n" join_cluster "hearth-c1@localhost"
    ctl "$dir" "$n" start_app
  done
  local running
  running=$(ctl "$dir" 1 eval 'length(rabbit_nodes:all_running()).')
  [[ $running == "$nodes" ]] || die "cluster has $running running nodes, expected $nodes"
  local t1
  t1=$(now_ms)
  echo "START_MS=$((t1 - t0))" >> "$dir/cluster.env"
  echo "rabbitmq-cluster: $nodes nodes up in $((t1 - t0)) ms ($dir/cluster.env)" >&2
}

node_pid() {  # the beam.smp PID of node N (from its pid file), empty when none
  local f="$1/node$2/rabbit.pid"
  [[ -s $f ]] && cat "$f" || true
}

cmd_kill_node() {
  local dir=$1 n=$2 pid
  pid=$(node_pid "$dir" "$n")
  [[ -n $pid ]] || die "node $n has no pid"
  kill -KILL "$pid" 2> /dev/null || true
  local wpid
  wpid=$(cat "$dir/node$n/wrapper.pid" 2> /dev/null || true)
  [[ -n $wpid ]] && { kill -TERM "$wpid" 2> /dev/null || true; }
  rm -f "$dir/node$n/rabbit.pid"
}

cmd_start_node() {
  start_node "$1" "$2"
  await_node "$1" "$2"
}

wait_gone() {  # wait_gone PID SECONDS: true when PID is gone in time
  local pid=$1 left=$(($2 * 10))
  while kill -0 "$pid" 2> /dev/null && ((left-- > 0)); do sleep 0.1; done
  ! kill -0 "$pid" 2> /dev/null
}

cmd_stop() {
  local dir=$1
  [[ -f "$dir/cluster.env" ]] || return 0
  # shellcheck disable=SC1091
  source "$dir/cluster.env"
  local n pid
  for ((n = NODES; n >= 1; n--)); do
    pid=$(node_pid "$dir" "$n")
    [[ -n $pid ]] && { kill -TERM "$pid" 2> /dev/null || true; }
  done
  for ((n = NODES; n >= 1; n--)); do
    pid=$(node_pid "$dir" "$n")
    if [[ -n $pid ]] && ! wait_gone "$pid" 30; then kill -KILL "$pid" 2> /dev/null || true; fi
    pid=$(cat "$dir/node$n/wrapper.pid" 2> /dev/null || true)
    if [[ -n $pid ]] && ! wait_gone "$pid" 5; then kill -KILL "$pid" 2> /dev/null || true; fi
    rm -f "$dir/node$n/rabbit.pid" "$dir/node$n/wrapper.pid"
  done
  if [[ -n ${EPMD_PID:-} ]]; then kill -TERM "$EPMD_PID" 2> /dev/null || true; fi
}

[[ $# -ge 2 ]] || die "usage: $0 start|stop|kill-node|start-node|ctl|env DIR ..."
action=$1
shift
case $action in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$1" ;;
  kill-node) cmd_kill_node "$1" "$2" ;;
  start-node) cmd_start_node "$1" "$2" ;;
  ctl) ctl "$@" ;;
  env) cat "$1/cluster.env" ;;
  *) die "unknown action $action" ;;
esac
