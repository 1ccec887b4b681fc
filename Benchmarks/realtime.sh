#!/usr/bin/env bash
# Reproduces the realtime figures in BENCHMARKS.md in one command:
#   bash Benchmarks/realtime.sh [DATA_DIR]
# Builds release binaries, seeds 5,000 customer-vendor conversations with API tokens into a fresh
# DATA_DIR/realtime.sqlite, starts `parley serve` on it without the per-user send limit, and runs
# parley-bench realtime (and wrk for the send load): memory per idle socket, send throughput with 64
# concurrent senders, and delivery latency at 1,000 messages/s with 1,000 and with 10,000 sockets
# open. Stops the server at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-realtime}
port=${PORT:-8089}
duration=${DURATION:-10}
source Benchmarks/lib.sh
ulimit -n "$(ulimit -Hn)"  # 10,000 sockets need more than the usual 1,024
rm -rf "$data" && mkdir -p "$data"
build_release
need_wrk
trap stop_servers EXIT
database="sqlite://$data/realtime.sqlite"
DATABASE_URL=$database PARLEY_DEMO=0 "$bin/parley" migrate > /dev/null
DATABASE_URL=$database PARLEY_DEMO=0 "$bin/parley" seed --realtime-pairs 5000 --tokens "$data/tokens.tsv"
url="http://127.0.0.1:$port"
# One load tool holds every socket from one address: lift the per-address cap (issue 8) for it.
serve() {
  start_server "$database" "$port" PARLEY_DEMO=0 LOG_LEVEL=warning PARLEY_SEND_RATE=0 \
    PARLEY_MAX_CONNECTIONS_PER_CLIENT=100000
}

echo "== memory per idle WebSocket (10,000 sockets)"
serve
"$bin/parley-bench" realtime idle --url "$url" --tokens "$data/tokens.tsv" --connections 10000 \
  --server-pid "$server_pid"
stop_servers

# wrk sends (a C client costs the two cores far less than parley-bench's own HTTP client would);
# parley-bench holds the recipients' sockets and counts what reaches them.
for sides in "--recipients-only --connections 64" "--connections 128"; do
  echo "== send throughput: wrk, 64 connections, 64 conversations; sockets: $sides"
  serve
  # shellcheck disable=SC2086
  "$bin/parley-bench" realtime listen --url "$url" --tokens "$data/tokens.tsv" $sides \
    --duration $((duration + 3)) &
  listener=$!
  sleep 1
  wrk -t2 -c64 -d"${duration}s" -s Benchmarks/send.lua "$url" -- "$data/tokens.tsv" 64 2 | tail -n 1
  wait "$listener"
  stop_servers
done

echo "== send throughput: parley-bench's own 64 closed-loop senders (times send to receive too)"
serve
"$bin/parley-bench" realtime throughput --url "$url" --tokens "$data/tokens.tsv" --connections 128 \
  --senders 64 --duration "$duration"
stop_servers

for sockets in 1000 10000; do
  echo "== delivery latency at 1,000 messages/s with $sockets sockets"
  serve
  "$bin/parley-bench" realtime latency --url "$url" --tokens "$data/tokens.tsv" --connections "$sockets" \
    --rate 1000 --duration "$duration"
  stop_servers
done
