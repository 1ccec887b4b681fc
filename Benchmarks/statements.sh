#!/usr/bin/env bash
# What PostgreSQL spends on each of Parley's statements under send traffic, in one command:
#   bash Benchmarks/statements.sh [DATA_DIR]
# PostgreSQL with the settings of Benchmarks/postgres.sh plus pg_stat_statements (planning tracked),
# port PG_PORT (default 25480), 5,000 conversations with tokens seeded once into a template
# database; every run gets a fresh copy. MODE "paced" (default): RATE (1000) messages/s to 1,000
# recipients' sockets (parley-bench realtime latency); MODE "sends": wrk with 64 connections.
# DURATION (15) s. Prints the send figures, the CPU seconds of Parley and of PostgreSQL, and the
# statements by execution time: calls, plans made, planning and execution milliseconds.
# ROUNDS (1) runs of the traffic, the statements' figures read for each. ENDPOINT=1 adds a webhook
# endpoint for message.created first, answered by parley-bench receive-webhooks, and waits 10 s after
# each run for its deliveries before reading the figures.
# BIN=DIR runs the parley and parley-bench binaries in DIR (to compare two builds) instead of
# building the release binaries of this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-statements}
pg_port=${PG_PORT:-25480}
duration=${DURATION:-15}
rate=${RATE:-1000}
mode=${MODE:-paced}
rounds=${ROUNDS:-1}
mkdir -p "$data"
ulimit -n "$(ulimit -Hn)"
source Benchmarks/lib.sh
if [ -n "${BIN:-}" ]; then bin=$BIN; else build_release; fi
[ "$mode" = sends ] && need_wrk
export PARLEY_DEMO=0 LOG_LEVEL=warning PARLEY_SEND_RATE=0 PARLEY_MAX_CONNECTIONS_PER_CLIENT=100000
export PG_SETTINGS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all \
-c pg_stat_statements.track_planning=on"
start_postgres "$pg_port"
trap 'stop_servers; stop_postgres' EXIT
if [ "$(psql_ "SELECT 1 FROM pg_database WHERE datname = 'parley_statements'")" != 1 ]; then
  psql_ "CREATE DATABASE parley_statements"
  DATABASE_URL="$pg_server/parley_statements" "$bin/parley" migrate > /dev/null
  DATABASE_URL="$pg_server/parley_statements" "$bin/parley" seed --realtime-pairs 5000 --tokens "$data/tokens.tsv" \
    > /dev/null
fi
psql_ "DROP DATABASE IF EXISTS parley_run" && psql_ "CREATE DATABASE parley_run TEMPLATE parley_statements"
psql "$pg_server/parley_run" -qtAc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
psql_ "CHECKPOINT"
describe_machine
echo "PostgreSQL $(psql_ 'SHOW server_version'); $mode, $duration s; binaries in $bin; $(git rev-parse --short HEAD)"
port=$(free_port)
start_server "$pg_server/parley_run" "$port"
receiver=
if [ "${ENDPOINT:-0}" = 1 ]; then
  receiver_port=$(free_port)
  "$bin/parley-bench" receive-webhooks --port "$receiver_port" --duration $(((duration + 20) * rounds + 30)) \
    > "$data/receiver.out" &
  receiver=$!
  trap 'kill "$receiver" 2> /dev/null || true; stop_servers; stop_postgres' EXIT
  DATABASE_URL="$pg_server/parley_run" "$bin/parley" webhooks add --url "http://127.0.0.1:$receiver_port/hook" \
    --events message.created > /dev/null
fi
# The server and its processes; a connection's CPU counts while it is open (the server's are).
postgres_cpu() {
  local postmaster
  postmaster=$(head -n 1 "$data/pg/data/postmaster.pid")
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do cpu_seconds "$pid" 2> /dev/null && echo; done \
    | awk '{s += $1} END {printf "%.1f", s}'
}
for round in $(seq "$rounds"); do
  [ "$rounds" = 1 ] || echo "-- round $round"
  psql "$pg_server/parley_run" -qtAc "SELECT pg_stat_statements_reset()" > /dev/null
  parley0=$(cpu_seconds "$server_pid") postgres0=$(postgres_cpu)
  if [ "$mode" = sends ]; then
    wrk -t2 -c64 -d"${duration}s" -s Benchmarks/send.lua "http://127.0.0.1:$port" -- "$data/tokens.tsv" 64 2 \
      | tail -n 1
  else
    "$bin/parley-bench" realtime latency --url "http://127.0.0.1:$port" --tokens "$data/tokens.tsv" \
      --recipients-only --connections 1000 --rate "$rate" --duration "$duration" | grep -E '^(send request|send to receive)'
  fi
  # With an endpoint, the deliveries still due go out before the figures are read.
  [ -z "$receiver" ] || sleep 10
  echo "CPU seconds: Parley $(echo "$(cpu_seconds "$server_pid") - $parley0" | bc), PostgreSQL \
$(echo "$(postgres_cpu) - $postgres0" | bc)"
  echo "calls | plans | plan ms | exec ms | shared blocks hit | statement"
  psql "$pg_server/parley_run" -F ' | ' -qtAc "
    SELECT calls, plans, round(total_plan_time::numeric, 1), round(total_exec_time::numeric, 1), shared_blks_hit,
      left(regexp_replace(query, '\s+', ' ', 'g'), 90)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'parley_run')
    ORDER BY total_exec_time + total_plan_time DESC LIMIT ${STATEMENTS:-12}"
  [ "$round" = "$rounds" ] || sleep 3
done
