#!/usr/bin/env bash
# Starts or stops a PostgreSQL server on loopback for the benchmarks, with the settings
# docs/postgres.md recommends for this machine (durable: fsync and synchronous_commit stay on).
#   bash Benchmarks/postgres.sh start DIR PORT   -> prints the database URL (creates DIR when new)
#   (PG_SETTINGS adds server settings, e.g. "-c shared_preload_libraries=pg_stat_statements")
#   bash Benchmarks/postgres.sh stop DIR
# Unlike .ci/postgres.sh it keeps DIR, so the seeded benchmark data survives between runs.
set -euo pipefail
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "$action" in
start)
  port=$3
  if [ ! -d "$dir/data" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_postgres "'$bin/initdb' -D '$dir/data' -A trust -U postgres" > "$dir/initdb.log"
  fi
  settings="-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c max_connections=200"
  settings+=" -c shared_buffers=2GB -c effective_cache_size=16GB -c max_wal_size=8GB -c work_mem=16MB"
  settings+=" -c maintenance_work_mem=512MB -c random_page_cost=1.1 -c checkpoint_completion_target=0.9"
  settings+=" ${PG_SETTINGS:-}"
  as_postgres "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"$settings\" start" > /dev/null
  as_postgres "'$bin/psql' -h 127.0.0.1 -p $port -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname = 'parley_bench'\"" \
    | grep -q 1 || as_postgres "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres parley_bench"
  echo "postgres://postgres:postgres@127.0.0.1:$port/parley_bench"
  ;;
stop)
  as_postgres "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" > /dev/null || true
  ;;
esac
