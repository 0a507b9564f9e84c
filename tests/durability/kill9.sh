#!/usr/bin/env bash
# Durability: `kill -9` the node while clients file reports; after a restart
# every report the node acknowledged (201) must be there, and the audit chain
# must verify. Usage: tests/durability/kill9.sh PATH/TO/homeward
set -euo pipefail
BIN=$(realpath "$1")
WORK=$(mktemp -d)
PORT=18185
URL=http://127.0.0.1:$PORT
PID=""
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$WORK"' EXIT
DATA="$WORK/data"
ORG=$($BIN admin org create --name "Durability unit" --kind police --country TH --data-dir "$DATA" 2>/dev/null)
$BIN admin user create --org "$ORG" --email d@police.example --role officer --password durable-password --data-dir "$DATA" >/dev/null 2>&1
TOKEN=$($BIN admin token create --user d@police.example --data-dir "$DATA" 2>/dev/null)

start() {
  $BIN serve --bind 127.0.0.1:$PORT --data-dir "$DATA" 2>>"$WORK/node.log" &
  PID=$!
  for _ in $(seq 60); do curl -fsS "$URL/healthz" >/dev/null 2>&1 && return 0; sleep 0.25; done
  echo "node did not start"; cat "$WORK/node.log"; exit 1
}

writer() { # appends the case id of every acknowledged report to $WORK/acked.$1
  local n=0
  while [ $n -lt 100000 ]; do
    n=$((n + 1))
    out=$(curl -s -m 5 -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
      -d "{\"subject\":{\"names\":[{\"text\":\"DURABLE Person $1-$n\"}],\"nationalities\":[\"TH\"]}}" \
      "$URL/api/v1/reports" 2>/dev/null) || break
    code=$(printf '%s' "$out" | tail -n1)
    [ "$code" = "201" ] || break
    printf '%s' "$out" | head -n1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["case_id"])' >> "$WORK/acked.$1"
  done
}

start
for w in 1 2 3 4; do writer $w & done
sleep 3
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""
wait
cat "$WORK"/acked.* > "$WORK/acked" 2>/dev/null || true
ACKED=$(wc -l < "$WORK/acked")
[ "$ACKED" -gt 0 ] || { echo "no report was acknowledged before the kill"; exit 1; }
start
MISSING=0
while read -r id; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/cases/$id")
  [ "$code" = "200" ] || { echo "acknowledged case $id is missing ($code)"; MISSING=$((MISSING + 1)); }
done < "$WORK/acked"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
$BIN audit verify --data-dir "$DATA"
[ "$MISSING" -eq 0 ] || { echo "$MISSING of $ACKED acknowledged writes lost"; exit 1; }
echo "kill -9 durability: all $ACKED acknowledged reports present after restart"
