#!/usr/bin/env bash
# Several instances on one PostgreSQL database (issue 10), in one command:
#   bash Benchmarks/cluster.sh [DATA_DIR]
# PostgreSQL with the settings of Benchmarks/postgres.sh (port PG_PORT, default 25470), 5,000
# conversations with tokens seeded once into a template database; every run gets a fresh copy.
# 1. Delivery latency at each of RATES ("1000 250"; empty skips it) messages/s to 1,000 recipients'
#    sockets, sent through one instance: the sockets on that same instance, then on a second
#    instance (the bus).
# 2. Send throughput, wrk with CONNECTIONS (64) connections for DURATION (15) s over PAIRS (64)
#    conversations, with their recipients' sockets open and counting what reaches them: one
#    instance; one instance behind nginx (what the proxy hop costs); three instances behind nginx
#    (round-robin, sockets spread over the three).
#    ROUNDS (2) rounds, the order reversed every other round.
# Release builds in .build-release; BIN=DIR runs the parley and parley-bench binaries in DIR instead
# (to compare two builds). Prints a table with the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-cluster}
pg_port=${PG_PORT:-25470}
duration=${DURATION:-15}
rounds=${ROUNDS:-2}
rates=${RATES-1000 250}
connections=${CONNECTIONS:-64}
pairs=${PAIRS:-64}
mkdir -p "$data"
ulimit -n "$(ulimit -Hn)"
source Benchmarks/lib.sh
if [ -n "${BIN:-}" ]; then bin=$BIN; else build_release; fi
need_wrk
need_nginx
# One load tool holds every socket from one address: lift the per-address cap (issue 8) for it.
export PARLEY_DEMO=0 LOG_LEVEL=warning PARLEY_SEND_RATE=0 PARLEY_MAX_CONNECTIONS_PER_CLIENT=100000

start_postgres "$pg_port"
nginx_pid=
stop_nginx() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2> /dev/null || true; wait "$nginx_pid" 2> /dev/null || true; fi
  nginx_pid=
}
trap 'stop_servers; stop_nginx; stop_postgres' EXIT
# The instances all serve the run's fresh copy.
start_instance() { start_server "$pg_server/parley_run" "$1"; }
stop_all() {
  stop_servers
  stop_nginx
}
# start_nginx PORT UPSTREAM_PORT…: round-robin over the instances, WebSocket upgrades passed on.
start_nginx() {
  local port=$1
  shift
  local dir="$data/nginx"
  mkdir -p "$dir/logs"
  {
    echo "worker_processes 1; daemon off; pid $dir/nginx.pid; error_log $dir/logs/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $dir/body; proxy_temp_path $dir/proxy;"
    echo "  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }"
    echo "  upstream parley { keepalive 64;"
    for upstream in "$@"; do echo "    server 127.0.0.1:$upstream;"; done
    echo "  }"
    echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://parley; proxy_http_version 1.1;"
    echo "    proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade;"
    echo "    proxy_read_timeout 3600s; } }"
    echo "}"
  } > "$dir/nginx.conf"
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" 2>> "$data/nginx.log" &
  nginx_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && return; sleep 0.1; done
  echo "nginx did not start" >&2
  exit 1
}
fresh_copy() {
  psql_ "DROP DATABASE IF EXISTS parley_run" && psql_ "CREATE DATABASE parley_run TEMPLATE parley_cluster"
  psql_ "CHECKPOINT"
}

describe_machine
echo "PostgreSQL: $(psql_ 'SHOW server_version'), shared_buffers $(psql_ 'SHOW shared_buffers'), synchronous_commit \
$(psql_ 'SHOW synchronous_commit'); $(git rev-parse --short HEAD)"
if [ "$(psql_ "SELECT 1 FROM pg_database WHERE datname = 'parley_cluster'")" != 1 ]; then
  psql_ "CREATE DATABASE parley_cluster"
  DATABASE_URL="$pg_server/parley_cluster" "$bin/parley" migrate > /dev/null
  DATABASE_URL="$pg_server/parley_cluster" "$bin/parley" seed --realtime-pairs 5000 --tokens "$data/tokens.tsv" \
    > /dev/null
fi
results="$data/results.tsv"
: > "$results"
port_a=$(free_port) port_b=$(free_port) port_c=$(free_port) port_lb=$(free_port)

echo
echo "== 1. delivery latency: messages sent through instance A at a fixed rate, 1,000 recipients' sockets"
for round in $(seq "$rounds"); do
  for rate in $rates; do
    for where in same other; do
      fresh_copy
      start_instance "$port_a"
      socket_port=$port_a
      if [ "$where" = other ]; then start_instance "$port_b"; socket_port=$port_b; fi
      out=$("$bin/parley-bench" realtime latency --url "http://127.0.0.1:$port_a" \
        --socket-url "http://127.0.0.1:$socket_port" --tokens "$data/tokens.tsv" --recipients-only \
        --connections 1000 --rate "$rate" --duration "$duration")
      stop_all
      echo "round $round, $rate/s, sockets on the $where instance:"
      echo "$out" | sed 's/^/  /'
      p99=$(echo "$out" | sed -nE 's/^send to receive ms: .*p99 ([0-9.]+),.*/\1/p')
      p50=$(echo "$out" | sed -nE 's/^send to receive ms: p50 ([0-9.]+),.*/\1/p')
      twice=$(echo "$out" | sed -nE 's/.* ([0-9]+) delivered twice$/\1/p')
      printf 'latency\t%s\t%s\t%s\t%s\t%s\n' "$where" "$p50" "$p99" "$twice" "$rate" >> "$results"
    done
  done
done

echo
echo "== 2. send throughput: wrk, $connections connections, $duration s; the $pairs recipients' sockets counting deliveries"
for round in $(seq "$rounds"); do
  order="single proxied cluster"
  if [ $((round % 2)) = 0 ]; then order="cluster proxied single"; fi
  for setup in $order; do
    fresh_copy
    if [ "$setup" = single ]; then
      start_instance "$port_a"
      target=$port_a
      sockets=(--socket-url "http://127.0.0.1:$port_a")
    elif [ "$setup" = proxied ]; then
      start_instance "$port_a"
      start_nginx "$port_lb" "$port_a"
      target=$port_lb
      sockets=(--socket-url "http://127.0.0.1:$port_a")
    else
      start_instance "$port_a" && start_instance "$port_b" && start_instance "$port_c"
      start_nginx "$port_lb" "$port_a" "$port_b" "$port_c"
      target=$port_lb
      sockets=(--socket-url "http://127.0.0.1:$port_a" --socket-url "http://127.0.0.1:$port_b"
        --socket-url "http://127.0.0.1:$port_c")
    fi
    "$bin/parley-bench" realtime listen --url "http://127.0.0.1:$target" "${sockets[@]}" \
      --tokens "$data/tokens.tsv" --recipients-only --connections "$pairs" --duration $((duration + 4)) \
      > "$data/listen.out" &
    listener=$!
    sleep 2
    line=$(wrk -t2 -c"$connections" -d"${duration}s" -s Benchmarks/send.lua "http://127.0.0.1:$target" -- "$data/tokens.tsv" \
      "$pairs" 2 \
      | tail -n 1)
    wait "$listener"
    stop_all
    delivered=$(sed -nE 's/^([0-9]+) messages reached.*, ([0-9]+) of them more than once$/\1\t\2/p' "$data/listen.out")
    sent=$(psql "$pg_server/parley_run" -qtAc "SELECT COUNT(*) FROM chat_messages" | tr -d ' ')
    echo "round $round $setup: $line; $(tr '\t' ' ' <<< "$delivered") (delivered, twice); $sent messages stored"
    pattern='^sent [0-9]+ .*: ([0-9]+)/s; latency ms p50 ([0-9.]+), p90 [0-9.]+, p99 ([0-9.]+), .*errors ([0-9]+)$'
    printf 'sends\t%s\t%s\t%s\t%s\n' "$setup" "$(echo "$line" | sed -E "s|$pattern|\1\t\2\t\3\t\4|")" \
      "$delivered" "$sent" >> "$results"
  done
done

python3 - "$results" "$connections" << 'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
lat = [r for r in rows if r[0] == "latency"]
print()
print("| delivery at a fixed rate, 1,000 sockets (median of rounds) | sockets on the sending instance | "
      "on another instance |")
print("| --- | ---: | ---: |")
for rate in sorted({r[5] for r in lat}, key=int, reverse=True):
    for name, col in (("p50 ms", 2), ("p99 ms", 3)):
        cells = [statistics.median(float(r[col]) for r in lat if r[5] == rate and r[1] == w) for w in ("same", "other")]
        print(f"| {int(rate):,}/s, {name} | {cells[0]:.2f} | {cells[1]:.2f} |")
print(f"| delivered twice | {sum(int(r[4] or 0) for r in lat if r[1] == 'same')} | "
      f"{sum(int(r[4] or 0) for r in lat if r[1] == 'other')} |")
sends = {s: [r for r in rows if r[0] == "sends" and r[1] == s] for s in ("single", "proxied", "cluster")}
print()
print(f"| sends, wrk {sys.argv[2]} connections | one instance | one behind nginx | three behind nginx | three/one | "
      "three/one behind nginx |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, col in (("messages/s (median)", 2), ("p50 ms (median)", 3), ("p99 ms (median)", 4)):
    one, proxied, three = (statistics.median(float(r[col]) for r in sends[s]) for s in ("single", "proxied", "cluster"))
    print(f"| {name} | {one:,.1f} | {proxied:,.1f} | {three:,.1f} | {three / one:.2f} | {three / proxied:.2f} |")
for setup in ("single", "proxied", "cluster"):
    for r in sends[setup]:
        print(f"{setup}: errors {r[5]}, delivered {r[6]}, twice {r[7]}, stored {r[8]}")
EOF
