#!/usr/bin/env bash
# Node throughput: report creations/s and case-page reads/s through the JSON
# API, on SQLite and on PostgreSQL, with wrk against a release build.
# Usage: bench/node/run.sh [DURATION_SECONDS] [CONNECTIONS]
# Needs: wrk (installed with apt-get if missing), PostgreSQL at 127.0.0.1:5432 for the second half.
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR="${1:-15}"
CONN="${2:-32}"
PG_URL="${HOMEWARD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p homeward
BIN=target/release/homeward
WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "wrk: ${DUR}s, ${CONN} connections, 2 threads; node and wrk share the machine"

cat > "$WORK/report.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"subject":{"names":[{"text":"CHAN Wai Kit %d"},{"text":"陳偉傑"}],"birth_date":"2001-03-04","nationalities":["HK"],"contacts":[{"kind":"phone","value":"+852 5555 %04d"}]},"narrative":"benchmark report"}', n, n % 10000)
  return wrk.format(nil, "/api/v1/reports", nil, body)
end
LUA
cat > "$WORK/read.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA

bench() { # name, --database/--data-dir args...
  local name=$1; shift
  local org token case_id
  org=$($BIN admin org create --name "Bench unit" --kind police --country HK "$@" 2>/dev/null)
  $BIN admin user create --org "$org" --email bench@police.example --role officer --password bench-password-1 "$@" >/dev/null 2>&1
  token=$($BIN admin token create --user bench@police.example "$@" 2>/dev/null)
  HOMEWARD_LOG=warn $BIN serve --bind 127.0.0.1:18190 "$@" 2>"$WORK/node-$name.log" &
  PID=$!
  for _ in $(seq 60); do curl -fsS http://127.0.0.1:18190/healthz >/dev/null 2>&1 && break; sleep 0.5; done
  export TOKEN=$token
  echo; echo "== $name: POST /api/v1/reports (each creates person, report, case, transition, audit entry)"
  wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$WORK/report.lua" http://127.0.0.1:18190 | grep -E "Requests/sec|Latency|99%|Non-2xx"
  case_id=$(curl -fsS -H "Authorization: Bearer $token" 'http://127.0.0.1:18190/api/v1/cases?limit=1' | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  echo "== $name: GET /api/v1/cases/{id} (case page: person, reports, timeline, notes; audited read)"
  wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$WORK/read.lua" "http://127.0.0.1:18190/api/v1/cases/$case_id" | grep -E "Requests/sec|Latency|99%|Non-2xx"
  kill $PID; wait $PID 2>/dev/null || true; PID=""
  $BIN audit verify "$@" | sed "s/^/$name: /"
}

bench sqlite --data-dir "$WORK/sqlite"
if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  db="homeward_bench_$$"
  psql "$PG_URL" -qc "CREATE DATABASE $db"
  bench postgres --database "${PG_URL%/*}/$db"
  psql "$PG_URL" -qc "DROP DATABASE $db"
else
  echo "PostgreSQL not reachable: PostgreSQL half skipped"
fi
