#!/usr/bin/env bash
# Side-by-side benchmark of recruitment screening: scikit-learn TF-IDF + logistic regression
# (word+char n-grams, and word-only) vs homeward, on the fixed EMSCAD split
# (../shared/data/emscad/split_balanced_80_20_seed42.csv: train on train, score test), plus
# homeward's shipped model on its own held-out multilingual set. Not part of the test suite.
#   bench/screening/run.sh                 # builds homeward in release
#   HOMEWARD=/path/to/homeward bench/screening/run.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="${EMSCAD:-$ROOT/../shared/data/emscad}"
WORK="${WORK:-$HERE/work}"
mkdir -p "$WORK"
if [[ ! -x "$HERE/.venv/bin/python" ]]; then
  python3 -m venv "$HERE/.venv"
  "$HERE/.venv/bin/pip" install -q scikit-learn
fi
PY="$HERE/.venv/bin/python"
if [[ -z "${HOMEWARD:-}" ]]; then
  (cd "$ROOT" && cargo build --release -p homeward -q)
  HW="${CARGO_TARGET_DIR:-$ROOT/target}/release/homeward"
else
  HW="$HOMEWARD"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$HERE/prepare.py" "$DATA" "$WORK"
grep '"split": "train"' "$ROOT/crates/homeward-screen/testdata/multilingual.jsonl" > "$WORK/ml_train.jsonl"
grep '"split": "test"' "$ROOT/crates/homeward-screen/testdata/multilingual.jsonl" > "$WORK/ml_test.jsonl"
"$PY" "$HERE/compare.py" "$WORK" "$HW"
