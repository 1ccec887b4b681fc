#!/usr/bin/env bash
# Fuzzes the API with schemathesis against its own OpenAPI document: every check (--checks all) in
# every phase, the stateful one included, which chains operations through the document's links
# (open a conversation, read it, send in it, list its messages). Signed in as a demo customer, with
# a second demo customer as its peer, so object_level_authorization checks that neither reads the
# other's conversations. The per-user send limit is lifted (PARLEY_SEND_RATE=0). The few false
# positives are in .ci/schemathesis.toml, each with its reason.
#
#   .ci/schemathesis.sh [DATABASE_URL]
#
# Without an argument it reads DATABASE_URL, and without that it uses a fresh SQLite file. Given a
# PostgreSQL URL it creates a fresh database on that server for the run and drops it afterwards.
# It starts and stops its own server.
set -euo pipefail
cd "$(dirname "$0")/.."
database=${1:-${DATABASE_URL:-}}
work=$(mktemp -d /tmp/parley-schemathesis.XXXXXX)
server=
tester=
scratch_db=
cleanup() {
  for process in $tester $server; do
    kill "$process" 2> /dev/null || true
    wait "$process" 2> /dev/null || true
  done
  [ -n "$scratch_db" ] && dropdb --if-exists --maintenance-db="$database" "$scratch_db" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$database" in
'') server_url="sqlite://$work/parley.sqlite" ;;
sqlite:*) server_url=$database ;;
postgres:* | postgresql:*)
  scratch_db="parley_schemathesis_$$"
  createdb --maintenance-db="$database" "$scratch_db"
  # The same server and credentials, another database.
  server_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$database" "$scratch_db")
  ;;
*) echo "schemathesis.sh: unsupported database URL: $database" >&2; exit 2 ;;
esac
echo "schemathesis.sh: parley serve on ${server_url%%\?*}"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Started directly (not in a subshell), so that $! is the server itself and the trap stops it.
env PARLEY_DEMO=1 PARLEY_SEND_RATE=0 ADMIN_EMAIL=admin@parley.test ADMIN_PASSWORD=admin-password \
  DATABASE_URL="$server_url" "$PWD/.build/debug/parley" serve --port "$port" > "$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 150); do curl -sf "$base/healthz" > /dev/null && break; sleep 0.2; done
if ! curl -sf "$base/healthz" > /dev/null; then
  cat "$work/server.log" >&2
  echo "schemathesis.sh: the server did not start." >&2
  exit 1
fi

sign_in() {
  curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"parley-demo\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
# Web Fuzzing Commons auth: the customer schemathesis acts as, and the peer it must not see through.
customer_token=$(sign_in amara.okafor@example.com)
peer_token=$(sign_in jonas.lindqvist@example.com)
export PARLEY_SCHEMATHESIS_AUTH="$work/auth.json"
python3 - "$customer_token" "$peer_token" > "$PARLEY_SCHEMATHESIS_AUTH" << 'EOF'
import json, sys
users = [("customer", sys.argv[1]), ("other-customer", sys.argv[2])]
print(json.dumps({"schemaVersion": "0.2.0", "auth": [
    {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]} for name, token in users]}))
EOF

# DELETE /auth/token (revokeToken) is left out: it would revoke the token the run signs in with; the
# other DELETEs (unmute, unblock, remove a device) are fuzzed like the rest. One worker: with
# more, Hypothesis describes its filters from several threads at once and Python 3.11's parser trips
# ("AST constructor recursion depth mismatch"). About a minute and a half per engine.
# In the background and waited for, so that a signal to this script stops it (and the server) at once.
schemathesis --config-file .ci/schemathesis.toml run "$base/api/v1/openapi.json" --url "$base" \
  --checks all --phases coverage,fuzzing,stateful --max-examples 75 --workers 1 \
  --exclude-operation-id revokeToken --no-color &
tester=$!
status=0
wait "$tester" || status=$?
tester=
if [ "$status" != 0 ]; then
  echo "--- server log: errors ---" >&2
  grep -iE ' (error|critical) |Fatal error' "$work/server.log" | tail -n 40 >&2 || true
fi
exit "$status"
