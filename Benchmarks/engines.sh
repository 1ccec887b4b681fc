#!/usr/bin/env bash
# Every scenario of issue 9 on SQLite and on PostgreSQL, side by side, in one command:
#   bash Benchmarks/engines.sh [DATA_DIR]
# 1. Bulk seeding: `parley seed --bench` (100k users, 50k products, 1M sessions, 10M messages) into
#    each engine, timed. Skipped for an engine whose data is already there, unless RESEED=1.
# 2. Admin list: both servers up on their seeded data; parley-bench admin-pages times every view on
#    both, alternating requests, REQUESTS (100) per view and engine, and prints the p95 ratio.
# 3. Sends: 5,000 conversations with tokens per engine; wrk with 64 connections for DURATION (20) s
#    through Benchmarks/send.lua, ROUNDS (3) rounds, the engines' order flipping every round, each run
#    on a fresh copy of the seeded data and a fresh server without the send limit. Medians and ratio.
# SCENARIOS (default "seed list sends") picks which of the three run.
# PostgreSQL runs on loopback with the settings docs/postgres.md recommends (Benchmarks/postgres.sh),
# its data kept in DATA_DIR/pg between runs. Stops every server it starts. SCRATCH (.build-release) is
# the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-engines}
duration=${DURATION:-20}
rounds=${ROUNDS:-3}
requests=${REQUESTS:-100}
pg_port=${PG_PORT:-25460}
scenarios=" ${SCENARIOS:-seed list sends} "
mkdir -p "$data"
source Benchmarks/lib.sh
build_release
need_wrk
export PARLEY_DEMO=0 LOG_LEVEL=warning

start_postgres "$pg_port"
trap 'stop_servers; stop_postgres' EXIT

describe_machine
echo "PostgreSQL: $(psql_ 'SHOW server_version'), shared_buffers $(psql_ 'SHOW shared_buffers'), max_wal_size \
$(psql_ 'SHOW max_wal_size'), synchronous_commit $(psql_ 'SHOW synchronous_commit')"

sqlite_url="sqlite://$data/bench.sqlite"
pg_url="$pg_server/parley_bench"
if [[ $scenarios == *" seed "* ]]; then
echo
echo "== 1. bulk seeding: parley seed --bench"
for engine in sqlite postgres; do
  if [ "$engine" = sqlite ]; then url=$sqlite_url; else url=$pg_url; fi
  seeded=yes
  if [ "$engine" = sqlite ]; then [ -f "$data/bench.sqlite" ] || seeded=; else
    [ "$(psql_ "SELECT 1 FROM pg_database WHERE datname = 'parley_bench'")" = 1 ] \
      && [ "$(psql "$pg_url" -qtAc "SELECT to_regclass('chat_messages') IS NOT NULL")" = t ] \
      && [ "$(psql "$pg_url" -qtAc "SELECT EXISTS (SELECT 1 FROM chat_messages)")" = t ] \
      || seeded=
  fi
  if [ -n "$seeded" ] && [ "${RESEED:-0}" != 1 ]; then
    echo "$engine: already seeded (RESEED=1 to measure again)"
    continue
  fi
  if [ "$engine" = sqlite ]; then rm -f "$data"/bench.sqlite*; else
    psql_ "DROP DATABASE IF EXISTS parley_bench" && psql_ "CREATE DATABASE parley_bench"
  fi
  DATABASE_URL=$url "$bin/parley" migrate > /dev/null
  sync
  echo -n "$engine: "
  DATABASE_URL=$url "$bin/parley" seed --bench 2> /dev/null | tail -n 1
  DATABASE_URL=$url "$bin/parley" doctor
  DATABASE_URL=$url "$bin/parley" create-user --role admin --email bench@example.com --name Bench \
    --password bench-admin-pass > /dev/null
done
fi

if [[ $scenarios == *" list "* ]]; then
echo
echo "== 2. admin list: time to the full page, $requests requests per view and engine, alternating"
sqlite_port=$(free_port)
pg_port_http=$(free_port)
start_server "$sqlite_url" "$sqlite_port"
start_server "$pg_url" "$pg_port_http"
"$bin/parley-bench" admin-pages --url "http://127.0.0.1:$sqlite_port" --label SQLite \
  --compare-url "http://127.0.0.1:$pg_port_http" --compare-label PostgreSQL --email bench@example.com \
  --password bench-admin-pass --requests "$requests"
stop_servers
fi

if [[ $scenarios == *" sends "* ]]; then
echo
echo "== 3. sends: wrk, 64 connections, 64 conversations, $duration s per run, $rounds rounds"
if [ ! -f "$data/sends.sqlite" ]; then
  DATABASE_URL="sqlite://$data/sends.sqlite" "$bin/parley" migrate > /dev/null
  DATABASE_URL="sqlite://$data/sends.sqlite" "$bin/parley" seed --realtime-pairs 5000 --tokens "$data/tokens.tsv" \
    > /dev/null
fi
if [ "$(psql_ "SELECT 1 FROM pg_database WHERE datname = 'parley_sends'")" != 1 ]; then
  psql_ "CREATE DATABASE parley_sends"
  DATABASE_URL="$pg_server/parley_sends" "$bin/parley" migrate > /dev/null
  DATABASE_URL="$pg_server/parley_sends" "$bin/parley" seed --realtime-pairs 5000 --tokens "$data/tokens-pg.tsv" \
    > /dev/null
fi
results="$data/sends.tsv"
: > "$results"
port=$(free_port)
for round in $(seq "$rounds"); do
  order="sqlite postgres"
  if [ $((round % 2)) = 0 ]; then order="postgres sqlite"; fi
  for engine in $order; do
    # A fresh copy of the seeded data for every run, so that no run starts with another's messages.
    if [ "$engine" = sqlite ]; then
      rm -f "$data"/run.sqlite* && cp "$data/sends.sqlite" "$data/run.sqlite" && sync
      url="sqlite://$data/run.sqlite" tokens="$data/tokens.tsv"
    else
      psql_ "DROP DATABASE IF EXISTS parley_run" && psql_ "CREATE DATABASE parley_run TEMPLATE parley_sends"
      psql_ "CHECKPOINT"
      url="$pg_server/parley_run" tokens="$data/tokens-pg.tsv"
    fi
    start_server "$url" "$port" PARLEY_SEND_RATE=0
    line=$(wrk -t2 -c64 -d"${duration}s" -s Benchmarks/send.lua "http://127.0.0.1:$port" -- "$tokens" 64 2 | tail -n 1)
    stop_servers
    echo "round $round $engine: $line"
    pattern='^sent [0-9]+ .*: ([0-9]+)/s; latency ms p50 ([0-9.]+), p90 [0-9.]+, p99 ([0-9.]+), .*errors ([0-9]+)$'
    echo "$line" | sed -E "s|$pattern|$engine\t\1\t\2\t\3\t\4|" >> "$results"
  done
done
python3 - "$results" << 'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
def median(engine, column):
    return statistics.median(float(r[column]) for r in rows if r[0] == engine)
print()
print("| sends, wrk 64 connections | SQLite | PostgreSQL | PostgreSQL/SQLite |")
print("| --- | ---: | ---: | ---: |")
for name, column in (("messages/s (median)", 1), ("p50 ms (median)", 2), ("p99 ms (median)", 3)):
    s, p = median("sqlite", column), median("postgres", column)
    print(f"| {name} | {s:,.1f} | {p:,.1f} | {p / s:.2f} |")
errors = sum(int(r[4]) for r in rows)
print(f"errors: {errors}")
EOF
fi
echo "load afterwards: $(uptime)"
