#!/usr/bin/env bash
# Reproduces the admin list figures in BENCHMARKS.md in one command:
#   bash Benchmarks/admin-pages.sh [DATA_DIR]
# SCRATCH=.build-release keeps the release build apart from the debug one (default .build).
# Builds release binaries, seeds 1M sessions / 10M messages into DATA_DIR/bench.sqlite unless it
# exists, starts `parley serve` on it, times every list view with parley-bench, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/parley-bench}
port=${PORT:-8088}
mkdir -p "$data"
scratch=${SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product parley
swift build -c release --scratch-path "$scratch" --product parley-bench
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
export DATABASE_URL="sqlite://$data/bench.sqlite" PARLEY_DEMO=0 LOG_LEVEL=warning
if [ ! -f "$data/bench.sqlite" ]; then
  "$bin/parley" seed --bench
  "$bin/parley" create-user --role admin --email bench@example.com --name Bench --password bench-admin-pass
fi
"$bin/parley" serve --port "$port" &
server=$!
trap 'kill $server; wait $server || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.2; done
"$bin/parley-bench" admin-pages --url "http://127.0.0.1:$port" --email bench@example.com \
  --password bench-admin-pass --requests "${REQUESTS:-100}"
