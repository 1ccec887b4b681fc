#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server on loopback for the tests.
#   .ci/postgres.sh start DIR PORT   -> prints the test database URL
#   .ci/postgres.sh stop DIR
set -euo pipefail
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "$action" in
start)
  port=$3
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_postgres "'$bin/initdb' -D '$dir/data' -A trust -U postgres --no-sync" > "$dir/initdb.log"
  # fsync off: this server holds nothing but test data and is deleted afterwards.
  as_postgres "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" > /dev/null
  as_postgres "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres parley_test"
  echo "postgres://postgres:postgres@127.0.0.1:$port/parley_test"
  ;;
stop)
  as_postgres "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" > /dev/null || true
  rm -rf "$dir"
  ;;
esac
