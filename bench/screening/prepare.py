"""Writes the fixed EMSCAD split as train/test CSVs (id,text,fraudulent) for homeward and the baseline."""
import csv, gzip, sys, os

data = sys.argv[1]          # ../shared/data/emscad
out = sys.argv[2]           # output folder
split = {}
with open(os.path.join(data, "split_balanced_80_20_seed42.csv")) as f:
    for r in csv.DictReader(f):
        split[r["row_id"]] = r["split"]
rows = {"train": [], "test": []}
with gzip.open(os.path.join(data, "emscad_balanced_text.csv.gz"), "rt", newline="") as f:
    for r in csv.DictReader(f):
        rows[split[r["row_id"]]].append(r)
os.makedirs(out, exist_ok=True)
for name, rs in rows.items():
    with open(os.path.join(out, f"emscad_{name}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "fraudulent"])
        for r in rs:
            w.writerow([r["row_id"], r["text"], r["fraudulent"]])
    print(name, len(rs), sum(int(r["fraudulent"]) for r in rs), file=sys.stderr)
