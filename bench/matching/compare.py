"""Run homeward, Splink and recordlinkage on the same files; print pairwise P/R/F1, wall time and
peak RSS side by side. Each tool runs in its own process so its peak memory is its own."""
import csv, itertools, json, os, resource, subprocess, sys, time
from collections import defaultdict

work, hw, big = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
FEBRL_COLS = "record_id=rec_id,family_name=surname,birth_date=date_of_birth,id_no=soc_sec_id,address=address_1,last_seen_place=suburb"


def timed(cmd):
    t = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout[-2000:], p.stderr[-2000:])
        raise SystemExit(p.returncode)
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return time.time() - t, rss_kb / 1024


def prf(pred, truth):
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairs_from_clusters(path):
    groups = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            groups[row["cluster_id"]].append(row["record_id"])
    return {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(g, 2)}


def truth_from_entity(path, id_col, ent_col):
    groups = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            groups[row[ent_col]].append(row[id_col])
    return {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(g, 2)}


def read_pairs(path, a="left_id", b="right_id"):
    with open(path) as f:
        return {(r[a], r[b]) for r in csv.DictReader(f)}


rows = []


def report(dataset, tool, pred, truth, secs, mb):
    p, r, f1 = prf(pred, truth)
    rows.append((dataset, tool, p, r, f1, secs, mb))
    print(f"{dataset:<16} {tool:<14} P={p:.4f} R={r:.4f} F1={f1:.4f} {secs:7.1f}s {mb:7.0f} MiB", flush=True)


def other(tool, task, *args):
    out = os.path.join(work, f"{tool}_{task}_pairs.csv")
    secs, mb = timed([sys.executable, os.path.join(os.path.dirname(__file__), "others.py"), tool, task, out, *args])
    return read_pairs(out), secs, mb


# Febrl4: link 5k x 5k
truth4 = read_pairs(os.path.join(work, "febrl4_truth.csv"))
out = os.path.join(work, "hw_febrl4_pairs.csv")
secs, mb = timed([hw, "match", "link", f"{work}/febrl4_a.csv", f"{work}/febrl4_b.csv", "--pairs", out, "--columns", FEBRL_COLS])
report("febrl4 link", "homeward", read_pairs(out), truth4, secs, mb)
for tool in ("splink", "recordlinkage"):
    pred, secs, mb = other(tool, "link", f"{work}/febrl4_a.csv", f"{work}/febrl4_b.csv")
    report("febrl4 link", tool, pred, truth4, secs, mb)

# Febrl3: dedupe 5k
truth3 = truth_from_entity(f"{work}/febrl3.csv", "rec_id", "entity_id")
out = os.path.join(work, "hw_febrl3_clusters.csv")
secs, mb = timed([hw, "match", "dedupe", f"{work}/febrl3.csv", "--clusters", out, "--columns", FEBRL_COLS])
report("febrl3 dedupe", "homeward", pairs_from_clusters(out), truth3, secs, mb)
for tool in ("splink", "recordlinkage"):
    pred, secs, mb = other(tool, "dedupe", f"{work}/febrl3.csv")
    report("febrl3 dedupe", tool, {tuple(sorted(p)) for p in pred}, truth3, secs, mb)

sets = [("synth100k", "synth100k.csv")] + ([("synth1m", "synth1m.csv")] if big else [])
for name, fn in sets:
    path = f"{work}/{fn}"
    truth = truth_from_entity(path, "record_id", "entity_id")
    out = os.path.join(work, f"hw_{name}_clusters.csv")
    secs, mb = timed([hw, "match", "dedupe", path, "--clusters", out])
    report(name, "homeward", pairs_from_clusters(out), truth, secs, mb)
    pred, secs, mb = other("splink", "dedupe_synth", path)
    report(name, "splink", {tuple(sorted(p)) for p in pred}, truth, secs, mb)

with open(os.path.join(work, "results.json"), "w") as f:
    json.dump(rows, f, indent=1)
