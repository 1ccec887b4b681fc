#!/usr/bin/env bash
# What PARLEY_SQLITE_SYNCHRONOUS=full costs against normal on the send path, in one command:
#   bash Benchmarks/sqlite-synchronous.sh [DATA_DIR]
# Builds the release server, seeds 5,000 customer-vendor conversations with API tokens once (as
# Benchmarks/realtime.sh does), then runs NORMAL and FULL in turn, ROUNDS times each (4; the order
# flips every round), so that a shared machine's noise falls on both alike. Each run gets a fresh
# copy of the seeded file and a fresh `parley serve` without the send limit, and wrk sends from 64
# connections for DURATION seconds (25) with Benchmarks/send.lua. Prints each run, then the medians
# and FULL/NORMAL. With FSYNCS=1 it then counts the server's fsync calls during one more 10 s run
# of each mode (strace), which under FULL is about one per group commit. Stops every server it
# starts. SCRATCH is the build directory (.build-release).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-sqlite-synchronous}
duration=${DURATION:-25}
rounds=${ROUNDS:-4}
rm -rf "$data" && mkdir -p "$data"
source Benchmarks/lib.sh
build_release
need_wrk
port=$(free_port)
url="http://127.0.0.1:$port"

export PARLEY_DEMO=0 LOG_LEVEL=warning PARLEY_SEND_RATE=0
DATABASE_URL="sqlite://$data/seed.sqlite" "$bin/parley" migrate > /dev/null
DATABASE_URL="sqlite://$data/seed.sqlite" "$bin/parley" seed --realtime-pairs 5000 --tokens "$data/tokens.tsv" \
  > /dev/null

trap stop_servers EXIT
# start_run MODE: a fresh copy of the seeded file, served with PARLEY_SQLITE_SYNCHRONOUS=MODE.
start_run() {
  rm -f "$data"/run.sqlite*
  cp "$data/seed.sqlite" "$data/run.sqlite"
  sync
  start_server "sqlite://$data/run.sqlite" "$port" PARLEY_SQLITE_SYNCHRONOUS="$1"
}

describe_machine
results="$data/results.tsv"
: > "$results"
for round in $(seq "$rounds"); do
  # N F, then F N: a load that rises or falls during the run favours neither mode.
  order="normal full"
  if [ $((round % 2)) = 0 ]; then order="full normal"; fi
  for mode in $order; do
    start_run "$mode"
    line=$(wrk -t2 -c64 -d"${duration}s" -s Benchmarks/send.lua "$url" -- "$data/tokens.tsv" 64 2 | tail -n 1)
    stop_servers
    echo "round $round $mode: $line"
    # "sent N messages in T s: R/s; latency ms p50 A, p90 B, p99 C, max D; errors E"
    pattern='^sent [0-9]+ .*: ([0-9]+)/s; latency ms p50 ([0-9.]+), p90 [0-9.]+, p99 ([0-9.]+), .*errors ([0-9]+)$'
    echo "$line" | sed -E "s|$pattern|$mode\t\1\t\2\t\3\t\4|" >> "$results"
  done
done
echo "load afterwards: $(uptime)"

python3 - "$results" << 'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
by_mode = {mode: [r for r in rows if r[0] == mode] for mode in ("normal", "full")}
def median(mode, column):
    return statistics.median(float(r[column]) for r in by_mode[mode])
print()
print("| mode | runs | messages/s (median) | p50 ms | p99 ms | errors |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for mode, runs in by_mode.items():
    print(f"| {mode.upper()} | {len(runs)} | {median(mode, 1):,.0f} | {median(mode, 2):.2f} | {median(mode, 3):.2f} "
          f"| {sum(int(r[4]) for r in runs)} |")
# Runs are appended round by round, so the n-th of each mode belong to the same round.
ratios = [float(f[1]) / float(n[1]) for n, f in zip(by_mode["normal"], by_mode["full"])]
print()
print(f"FULL/NORMAL throughput: {median('full', 1) / median('normal', 1):.3f} (medians); "
      f"round by round: {', '.join(f'{r:.3f}' for r in ratios)}")
print(f"FULL/NORMAL p99: {median('full', 3) / median('normal', 3):.3f}")
EOF

if [ "${FSYNCS:-0}" = 1 ]; then
  echo
  for mode in normal full; do
    start_run "$mode"
    strace -f -qq -c -e trace=fsync,fdatasync -o "$data/strace-$mode.txt" -p "$server_pid" &
    tracer=$!
    sleep 1
    line=$(wrk -t2 -c64 -d10s -s Benchmarks/send.lua "$url" -- "$data/tokens.tsv" 64 2 | tail -n 1)
    kill -INT "$tracer"
    wait "$tracer" || true
    stop_servers
    sent=$(echo "$line" | sed -E 's/^sent ([0-9]+) .*/\1/')
    syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$data/strace-$mode.txt")
    echo "$mode (under strace): $line"
    per_sync=$(python3 -c "print(f'{$sent / max($syncs, 1):.1f}')")
    echo "$mode: $syncs fsync calls for $sent messages: $per_sync messages per fsync"
  done
fi
