# What the benchmark scripts share. Each sources it from the package root after setting `data`
# (the directory its servers log to):
#   build_release              release builds of parley and parley-bench in SCRATCH (.build-release); sets bin
#   need_wrk, need_nginx       installs the tool from Debian's packages when it is missing; need_nginx sets nginx_bin
#   start_postgres PORT        PostgreSQL with Benchmarks/postgres.sh's settings, its data in $data/pg; sets pg_server
#   stop_postgres
#   psql_ SQL                  runs SQL on that server's postgres database
#   free_port                  prints a free loopback port
#   start_server URL PORT [VAR=VALUE…]
#                              `parley serve` on URL in the background, once /healthz answers; sets server_pid
#   stop_servers               stops every server start_server started, and waits for them
#   cpu_seconds PID            user and system CPU seconds the process has used so far
#   postgres_cpu_seconds       the same for every PostgreSQL process, ended backends included
#   describe_machine           one line: cores, CPU model, load, and one core's speed now

build_release() {
  local scratch=${SCRATCH:-.build-release}
  swift build -c release --scratch-path "$scratch" --product parley > /dev/null
  swift build -c release --scratch-path "$scratch" --product parley-bench > /dev/null
  bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
}

need_wrk() {
  command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk > /dev/null; }
}

need_nginx() {
  command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] \
    || { apt-get update -qq && apt-get install -y -qq nginx > /dev/null; }
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
}

# The scripts' default PostgreSQL ports (25460, 25470, 25475) sit below Linux's ephemeral range
# (32768 to 60999): a port in it can be held by a client connection's TIME_WAIT, and PostgreSQL
# then fails to start ("could not bind … Address already in use").
start_postgres() {
  local base
  base=$(bash Benchmarks/postgres.sh start "$data/pg" "$1")
  pg_server=${base%/*}
}

stop_postgres() {
  bash Benchmarks/postgres.sh stop "$data/pg"
}

psql_() { psql "$pg_server/postgres" -qtAc "$1"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

servers=()
server_pid=
start_server() {
  local url=$1 port=$2
  shift 2
  env DATABASE_URL="$url" "$@" "$bin/parley" serve --port "$port" >> "$data/server.log" 2>&1 &
  server_pid=$!
  servers+=("$server_pid")
  for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && return
    sleep 0.1
  done
  tail -n 20 "$data/server.log" >&2
  echo "the server on $url did not start" >&2
  exit 1
}

stop_servers() {
  for pid in "${servers[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2> /dev/null || true; done
  servers=()
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# The postmaster's children's times ($16, $17) hold the backends that have ended.
postgres_cpu_seconds() {
  local pid total=0 hz
  hz=$(getconf CLK_TCK)
  for pid in $(pgrep -u postgres || true); do
    total=$(awk -v t="$total" '{ print t + $14 + $15 + $16 + $17 }' "/proc/$pid/stat" 2> /dev/null || echo "$total")
  done
  awk -v t="$total" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }'
}

# One core's speed now, best of three tries each: the CPU milliseconds of a fixed Python loop, and
# the CPU microseconds of one loopback TCP round trip (a byte each way, both ends in one process),
# which is what a server's work is mostly made of. This host's speed has varied by twice between
# sittings, and within minutes, so figures from two sittings compare only with these beside them.
core_speed() {
  python3 -c 'import socket, time
def loop():
    t = time.process_time(); sum(i * i for i in range(3_000_000)); return time.process_time() - t
def round_trip(n=20_000):
    server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
    a = socket.create_connection(server.getsockname()); b, _ = server.accept()
    for end in (a, b): end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t = time.process_time()
    for _ in range(n): a.send(b"x"); b.recv(1); b.send(b"y"); a.recv(1)
    spent = time.process_time() - t
    for end in (a, b, server): end.close()
    return spent / n
print(f"loop {min(loop() for _ in range(3)) * 1e3:.0f} ms, TCP round trip {min(round_trip() for _ in range(3)) * 1e6:.1f} µs")'
}

describe_machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(uptime);" \
    "core speed (lower is faster): $(core_speed)"
}
