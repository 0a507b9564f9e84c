#!/usr/bin/env bash
# Rescue-list reconciliation through the node: a list of ROWS rows (default
# 10,000) against N open cases (default 1,000,000) spread over 8
# organisations, posted to a running `homeward serve` (SQLite); reports the
# people-index warm-up, the reconciliation's wall time as the client sees
# it, and the precision/recall of the notifications against the known truth.
# The seeded node is kept in bench/rescue/work/ and reused by later runs.
# Usage: bench/rescue/run.sh [N] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
ROWS="${2:-10000}"
W=bench/rescue/work
NODE="$W/node-$N"
PORT=18191
mkdir -p "$W"
cargo build --release -q -p homeward --bin homeward --example seed_open_cases
BIN=target/release/homeward
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$NODE/seeded" ]; then
  rm -rf "$NODE"
  $BIN gen persons --n $(( N * 23 / 10 + 20000 )) --seed 2026 --out "$W/people-$N.csv"
  python3 bench/rescue/prepare.py "$W/people-$N.csv" "$N" "$ROWS" "$W"
  start=$(date +%s)
  target/release/examples/seed_open_cases "$NODE" "$W/cases.csv" 8 "$W/case_entities-$N.csv" > "$W/orgs-$N.txt"
  echo "seeded $N open cases in $(( $(date +%s) - start )) s"
  touch "$NODE/seeded"
fi
TOKEN=$($BIN admin token create --user bench0@police.example --data-dir "$NODE")
HOMEWARD_LOG=info $BIN serve --data-dir "$NODE" --bind 127.0.0.1:$PORT 2> "$W/node.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
start=$(date +%s.%N)
for _ in $(seq 1200); do grep -q "people index ready" "$W/node.log" && break; sleep 0.5; done
echo "people index warm after $(python3 -c "import time; print(round(time.time() - $start, 1))") s: $(sed 's/\x1b\[[0-9;]*m//g' "$W/node.log" | grep -o 'people=[0-9]*' | head -1)"
rss() { awk '/VmHWM/{print $2/1048576 " GiB"}' /proc/$PID/status; }
echo "node peak RSS after warm-up: $(rss)"
python3 - "$W/list.json" "$TOKEN" $PORT <<'PY'
import json, sys, time, urllib.request
body = open(sys.argv[1], "rb").read()
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[3]}/api/v1/rescue-lists", data=body, method="POST",
    headers={"Content-Type": "application/json", "Authorization": f"Bearer {sys.argv[2]}"})
t = time.time()
with urllib.request.urlopen(req, timeout=600) as r:
    out = json.load(r)
dt = time.time() - t
print(f"POST /api/v1/rescue-lists ({len(json.loads(body)['rows'])} rows): {dt:.2f} s wall")
print(json.dumps({k: out[k] for k in ("rows", "unusable", "matched", "review", "notified_organisations")}))
PY
echo "node peak RSS: $(rss)"
python3 bench/rescue/score.py "$NODE/homeward.db" "$W/case_entities-$N.csv" "$W/truth.csv"
