#!/usr/bin/env bash
# Issue 11's goals on SQLite and on PostgreSQL, in one command:
#   bash Benchmarks/notifications.sh [DATA_DIR]
# 1. Sends with and without a webhook endpoint: wrk with 64 connections for DURATION (15) s through
#    Benchmarks/send.lua, ROUNDS (3) rounds per engine, the order flipping every round. "with" has an
#    endpoint for message.created whose receiver (parley-bench receive-webhooks) answers 204; the
#    endpoint is removed, and its backlog with it, before the next run. Medians and the ratio.
# 2. Lateness at RATE (1000) messages/s for LATENCY_SECONDS (20) s (parley-bench realtime latency, 1,000
#    recipients' sockets): every message.created delivery, and every unread.reminder_due with
#    PARLEY_REMINDER_DELAY=5s, measured from when it became due to when the receiver got it.
# 3. Sends at RATE messages/s with and without an endpoint (the goal's own traffic): each send's time
#    from when it was due to leave to its 201, p50 and p99, ROUNDS rounds with the order flipping.
#    Besides the medians, the median of the rounds' own ratios (each round runs both, back to back).
#    Each run reports the CPU seconds Parley, PostgreSQL and the receiver used from the first send
#    until every delivery was made. RECEIVER_NICE (0) runs the receiver at that niceness: it stands
#    in for the marketplace's system, which runs on another machine, and at 19 it only takes the
#    time the cores would leave idle.
# PACED_MODES ("without", say) runs those modes in every round instead of both in flipping order.
# FRESH_PROCESS=1 restarts `parley serve` before each paced run (same database), to tell what a run
# leaves in the process from what it leaves in the database.
# BIN=DIR runs the parley and parley-bench binaries in DIR (to compare two builds) instead of building.
# ENGINES ("sqlite postgresql") and SCENARIOS ("sends lateness paced") pick what runs. PostgreSQL runs on
# loopback with the settings docs/postgres.md recommends. Stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-notifications}
duration=${DURATION:-15}
rounds=${ROUNDS:-3}
rate=${RATE:-1000}
receiver_nice=${RECEIVER_NICE:-0}
fresh_process=${FRESH_PROCESS:-0}
latency_seconds=${LATENCY_SECONDS:-20}
pg_port=${PG_PORT:-25475}
engines=${ENGINES:-sqlite postgresql}
scenarios=" ${SCENARIOS:-sends lateness paced} "
mkdir -p "$data"
source Benchmarks/lib.sh
if [ -n "${BIN:-}" ]; then bin=$BIN; else build_release; fi
need_wrk
export PARLEY_DEMO=0 LOG_LEVEL=warning PARLEY_SEND_RATE=0 PARLEY_MAX_CONNECTIONS_PER_CLIENT=100000
describe_machine

start_postgres "$pg_port"
# The webhook receivers, apart from the servers.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  stop_servers
  stop_postgres
}
trap cleanup EXIT
# fresh_database ENGINE: a migrated, seeded database of the engine's; prints its URL.
fresh_database() {
  local url
  if [ "$1" = sqlite ]; then
    rm -f "$data"/run.sqlite*
    url="sqlite://$data/run.sqlite"
  else
    psql_ "DROP DATABASE IF EXISTS parley_notifications" > /dev/null
    psql_ "CREATE DATABASE parley_notifications" > /dev/null
    url="$pg_server/parley_notifications"
  fi
  DATABASE_URL="$url" "$bin/parley" seed --realtime-pairs 1000 --tokens "$data/tokens-$1.tsv" > /dev/null
  echo "$url"
}
add_endpoint() {
  DATABASE_URL="$1" "$bin/parley" webhooks add --url "http://127.0.0.1:$receiver_port/hook" --events "$2" \
    | sed -nE 's/^id: ([0-9]+)$/\1/p'
}
results="$data/results.tsv"
: > "$results"
receiver_port=$(free_port)
port=$(free_port)

for engine in $engines; do
  url=$(fresh_database "$engine")
  tokens="$data/tokens-$engine.tsv"
  if [[ "$scenarios" == *" sends "* ]]; then
    echo "== $engine: 1. sends with and without a webhook endpoint (wrk, 64 connections, $duration s)"
    "$bin/parley-bench" receive-webhooks --port "$receiver_port" --duration $(((duration + 8) * rounds * 2 + 30)) \
      > "$data/receiver-$engine.out" &
    receiver=$!
    pids+=("$receiver")
    start_server "$url" "$port"
    for round in $(seq "$rounds"); do
      order="without with"
      if [ $((round % 2)) = 0 ]; then order="with without"; fi
      for mode in $order; do
        endpoint=
        if [ "$mode" = with ]; then endpoint=$(add_endpoint "$url" message.created); fi
        server_cpu=$(cpu_seconds "$server_pid") receiver_cpu=$(cpu_seconds "$receiver")
        line=$(wrk -t2 -c64 -d"${duration}s" -s Benchmarks/send.lua "http://127.0.0.1:$port" -- "$tokens" 64 2 | tail -n 1)
        server_cpu=$(awk -v a="$(cpu_seconds "$server_pid")" -v b="$server_cpu" 'BEGIN { print a - b }')
        receiver_cpu=$(awk -v a="$(cpu_seconds "$receiver")" -v b="$receiver_cpu" 'BEGIN { print a - b }')
        if [ -n "$endpoint" ]; then DATABASE_URL="$url" "$bin/parley" webhooks remove --id "$endpoint" > /dev/null; fi
        echo "  round $round $mode: $line; CPU s: parley $server_cpu, receiver $receiver_cpu"
        pattern='^sent [0-9]+ .*: ([0-9]+)/s; latency ms p50 ([0-9.]+), p90 [0-9.]+, p99 ([0-9.]+), .*errors ([0-9]+)$'
        printf 'sends\t%s\t%s\t%s\n' "$engine" "$mode" "$(echo "$line" | sed -E "s|$pattern|\1\t\2\t\3\t\4|")" \
          >> "$results"
        sleep 3
      done
    done
    stop_servers
    kill "$receiver" 2> /dev/null || true
    wait "$receiver" 2> /dev/null || true

  fi
  if [[ "$scenarios" == *" paced "* ]]; then
    echo "== $engine: 3. sends at $rate messages/s with and without an endpoint ($duration s)"
    url=$(fresh_database "$engine")
    start_server "$url" "$port"
    for round in $(seq "$rounds"); do
      order="without with"
      if [ $((round % 2)) = 0 ]; then order="with without"; fi
      order=${PACED_MODES:-$order}
      for mode in $order; do
        endpoint= lateness="-"
        if [ "$fresh_process" = 1 ]; then
          stop_servers
          start_server "$url" "$port"
        fi
        if [ "${FRESH_CONNECTIONS:-0}" = 1 ] && [ "$engine" = postgresql ]; then
          psql "$url" -qtAc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = 'parley_notifications' AND pid <> pg_backend_pid()" > /dev/null
          sleep 1
        fi
        if [ "$mode" = with ]; then
          endpoint=$(add_endpoint "$url" message.created)
          # A receiver per run, so its lateness figures are this run's; it outlasts the sends by
          # 15 s, so deliveries that fall behind are still counted (and their lateness with them).
          nice -n "$receiver_nice" "$bin/parley-bench" receive-webhooks --port "$receiver_port" \
            --duration $((duration + 16)) > "$data/receiver-paced.out" &
          receiver=$!
          pids+=("$receiver")
          sleep 1
        fi
        if [ "${VACUUM_BETWEEN:-0}" = 1 ] && [ "$engine" = postgresql ]; then psql "$url" -qtAc "VACUUM"; fi
        server_cpu=$(cpu_seconds "$server_pid") postgres_cpu=$(postgres_cpu_seconds)
        out=$("$bin/parley-bench" realtime latency --url "http://127.0.0.1:$port" --tokens "$tokens" \
          --recipients-only --connections 1000 --rate "$rate" --duration "$duration")
        if [ -n "$endpoint" ]; then
          wait "$receiver" || true
          lateness=$(grep '^message.created' "$data/receiver-paced.out" || echo "no deliveries")
        else
          sleep 15 # the same window as with an endpoint
        fi
        # Parley's CPU from the first send until every delivery was made (the receiver's 15 s after).
        server_cpu=$(awk -v a="$(cpu_seconds "$server_pid")" -v b="$server_cpu" 'BEGIN { print a - b }')
        postgres_cpu=$(awk -v a="$(postgres_cpu_seconds)" -v b="$postgres_cpu" 'BEGIN { print a - b }')
        if [ "$engine" = sqlite ]; then postgres_cpu=-; fi
        receiver_cpu=$(sed -nE 's/^receiver CPU s ([0-9.]+)$/\1/p' "$data/receiver-paced.out" 2> /dev/null || true)
        if [ -z "$endpoint" ]; then receiver_cpu=-; fi
        if [ -n "$endpoint" ]; then DATABASE_URL="$url" "$bin/parley" webhooks remove --id "$endpoint" > /dev/null; fi
        if [ "${PG_MEMORY:-0}" = 1 ] && [ "$engine" = postgresql ]; then
          psql "$url" -qtAc "SELECT count(pg_log_backend_memory_contexts(pid)) FROM pg_stat_activity
            WHERE datname = 'parley_notifications' AND pid <> pg_backend_pid()" > /dev/null
          sleep 1
          echo "  backends' memory after round $round $mode: $(grep -o 'Grand total: [0-9]* bytes' "$data/pg/server.log" \
            | tail -n 8 | awk '{print $3}' | tr '\n' ' ')"
          grep -oE 'level: [0-9]+; (CachedPlan|CachedPlanSource|CachedPlanQuery|CacheMemoryContext|MessageContext)[^;]*: [0-9]+ total' \
            "$data/pg/server.log" | tail -n 200 | awk '{n[$3]+=$(NF-1); c[$3]++} END {for (k in n) printf "    %s %d in %d\n", k, n[k], c[k]}'
        fi
        if [ "${PG_SIZES:-0}" = 1 ] && [ "$engine" = postgresql ]; then
          echo "  sizes after round $round $mode: $(psql "$url" -qtAc "SELECT string_agg(relname || ' ' ||
            pg_total_relation_size(oid) / 1024 || ' kB (dead ' || COALESCE(pg_stat_get_dead_tuples(oid), 0) || ')', ', ')
            FROM pg_class WHERE relname IN ('chat_sessions', 'chat_messages', 'event_log', 'webhook_deliveries')")"
        fi
        line=$(echo "$out" | grep '^send request')
        echo "  round $round $mode: $line; parley CPU s $server_cpu; postgres $postgres_cpu; receiver $receiver_cpu;" \
          "webhooks: $lateness"
        pattern='^send request \(HTTP 201\) ms: p50 ([0-9.]+), p90 [0-9.]+, p99 ([0-9.]+), .*$'
        printf 'paced\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$mode" "$(echo "$line" | sed -E "s|$pattern|\1\t\2|")" \
          "$lateness" "$round" >> "$results"
        sleep 3
      done
    done
    stop_servers
  fi
  [[ "$scenarios" == *" lateness "* ]] || continue
  echo "== $engine: 2. lateness at $rate messages/s for $latency_seconds s, reminders after 5 s"
  url=$(fresh_database "$engine")
  add_endpoint "$url" message.created,unread.reminder_due > /dev/null
  start_server "$url" "$port" PARLEY_REMINDER_DELAY=5s
  "$bin/parley-bench" receive-webhooks --port "$receiver_port" --duration $((latency_seconds + 15)) \
    --reminder-delay 5 > "$data/lateness-$engine.out" &
  receiver=$!
  pids+=("$receiver")
  sleep 1
  "$bin/parley-bench" realtime latency --url "http://127.0.0.1:$port" --tokens "$tokens" --recipients-only \
    --connections 1000 --rate "$rate" --duration "$latency_seconds" | sed 's/^/  /'
  wait "$receiver"
  stop_servers
  sed 's/^/  /' "$data/lateness-$engine.out"
  sed "s/^/lateness\t$engine\t/" "$data/lateness-$engine.out" >> "$results"
done

describe_machine
python3 - "$results" << 'PYEOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print()
print("| engine | sends/s without an endpoint | with one | with/without | p99 ms without | with |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for engine in ("sqlite", "postgresql"):
    def median(mode, column):
        values = [float(r[column]) for r in rows if r[0] == "sends" and r[1] == engine and r[2] == mode
                  and r[column].replace(".", "", 1).isdigit()]
        return statistics.median(values) if values else float("nan")
    without, with_ = median("without", 3), median("with", 3)
    print(f"| {engine} | {without:,.0f} | {with_:,.0f} | {with_ / without:.2f} | "
          f"{median('without', 5):.1f} | {median('with', 5):.1f} |")
print()
print(f"| engine | send ms at the paced rate, p50 without | with | ratio | p99 without | with | ratio |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for engine in ("sqlite", "postgresql"):
    def paced(mode, column):
        values = [float(r[column]) for r in rows if r[0] == "paced" and r[1] == engine and r[2] == mode
                  and r[column].replace(".", "", 1).isdigit()]
        return statistics.median(values) if values else float("nan")
    p50 = (paced("without", 3), paced("with", 3))
    p99 = (paced("without", 4), paced("with", 4))
    print(f"| {engine} | {p50[0]:.2f} | {p50[1]:.2f} | {p50[1] / p50[0]:.2f} | "
          f"{p99[0]:.2f} | {p99[1]:.2f} | {p99[1] / p99[0]:.2f} |")
for engine in ("sqlite", "postgresql"):
    pairs = {}
    for r in rows:
        if r[0] == "paced" and r[1] == engine and len(r) > 6 and r[3].replace(".", "", 1).isdigit():
            pairs.setdefault(r[6], {})[r[2]] = float(r[3])
    # In round order (round 1 first): a trend over the rounds shows here, which sorting would hide.
    ratios = [pairs[k]["with"] / pairs[k]["without"] for k in sorted(pairs, key=int) if len(pairs[k]) == 2]
    if ratios:
        print(f"paced {engine}: p50 ratio per round, in round order {', '.join(f'{x:.2f}' for x in ratios)}; "
              f"median {statistics.median(ratios):.2f}")
for r in rows:
    if r[0] == "paced" and r[2] == "with":
        print(f"paced {r[1]}: {r[5]}")
for r in rows:
    if r[0] == "lateness":
        print(f"{r[1]}: {r[2]}")
PYEOF
