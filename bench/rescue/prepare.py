"""Splits `homeward gen persons` output into open cases to seed and a rescue
list with known truth.

prepare.py PEOPLE.csv N_CASES N_ROWS OUT_DIR

- cases.csv: the first record of N_CASES entities (one open case each);
- list.json: N_ROWS rows, 70% naming seeded entities through *another* of
  their records (another script, spelling, date format, missing fields), 30%
  naming entities that have no case;
- truth.csv: row,entity_id,seeded.
"""
import csv
import json
import random
import sys
from collections import OrderedDict

src, n_cases, n_rows, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rnd = random.Random(2026)
by_entity = OrderedDict()
with open(src, newline="", encoding="utf-8") as f:
    rdr = csv.DictReader(f)
    header = rdr.fieldnames
    for r in rdr:
        by_entity.setdefault(r["entity_id"], []).append(r)
entities = list(by_entity)
rnd.shuffle(entities)
n_absent = n_rows - int(n_rows * 0.7)
absent = entities[:n_absent]
seeded = entities[n_absent:n_absent + n_cases]
if len(seeded) < n_cases:
    sys.exit(f"only {len(seeded)} entities for {n_cases} cases; generate more records")
with open(f"{out}/cases.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=header)
    w.writeheader()
    for e in seeded:
        w.writerow(by_entity[e][0])
present = [e for e in seeded if len(by_entity[e]) > 1]
rnd.shuffle(present)
picked = [(e, by_entity[e][1 + rnd.randrange(len(by_entity[e]) - 1)], 1) for e in present[: n_rows - n_absent]]
picked += [(e, by_entity[e][0], 0) for e in absent]
rnd.shuffle(picked)


def row(r):
    names = [r["full_name"]] if r["full_name"] else []
    names += [a for a in (r.get("alt_names") or "").split(";") if a.strip()]
    out = {"names": names}
    for k in ("sex", "birth_date", "nationality", "passport_no", "id_no"):
        if r.get(k):
            out[k] = r[k]
    if r.get("phone"):
        out["phones"] = [p for p in r["phone"].split(";") if p.strip()]
    return out


with open(f"{out}/list.json", "w", encoding="utf-8") as f:
    json.dump({"name": f"Bench handover ({len(picked)} rows, synthetic)", "release_mode": "handover",
               "rows": [row(r) for _, r, _ in picked]}, f, ensure_ascii=False)
with open(f"{out}/truth.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["row", "entity_id", "seeded"])
    for i, (e, _, s) in enumerate(picked, 1):
        w.writerow([i, e, s])
print(f"cases {len(seeded)}, list rows {len(picked)} ({sum(s for *_, s in picked)} with an open case)")
