"""Precision and recall of a reconciled rescue list's notifications.

score.py NODE.db CASE_ENTITIES.csv TRUTH.csv

A row counts as correctly matched when the case it was linked to is the
same entity; recall is over the rows whose person has an open case. Each
linked row notifies the case's owner, so these are also the notifications'
precision and recall.
"""
import csv
import sqlite3
import sys

db, case_map, truth_file = sys.argv[1:4]
case_entity = {}
with open(case_map, newline="") as f:
    for r in csv.DictReader(f):
        case_entity[r["case_id"]] = r["entity_id"]
truth = {}
with open(truth_file, newline="") as f:
    for r in csv.DictReader(f):
        truth[int(r["row"])] = (r["entity_id"], r["seeded"] == "1")
con = sqlite3.connect(db)
list_id = con.execute("SELECT id FROM rescue_lists ORDER BY created_ms DESC LIMIT 1").fetchone()[0]
rows = con.execute("SELECT row_no, case_id, strength, owner_org FROM list_matches WHERE list_id = ?", (list_id,)).fetchall()
positives = sum(1 for e, s in truth.values() if s)
for label, keep in (("matched (>= 0.9)", {"matched"}), ("matched + review (>= 0.5)", {"matched", "review"})):
    linked = [(r, c) for r, c, s, _ in rows if s in keep]
    good = sum(1 for r, c in linked if case_entity.get(c) == truth.get(r, ("", False))[0])
    p = good / len(linked) if linked else 0.0
    rec = good / positives if positives else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    print(f"{label}: linked {len(linked)}, correct {good}, of {positives} rows with an open case: "
          f"precision {p:.4f}, recall {rec:.4f}, F1 {f1:.4f}")
orgs = {o for *_, o in rows}
print(f"organisations notified: {len(orgs)}")
