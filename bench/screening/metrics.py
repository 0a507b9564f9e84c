"""Fraud-class precision, recall, F1 (and FPR) of a `homeward screen` output against labels."""
import csv, json, sys

def labels_of(path):
    out = {}
    if path.endswith(".jsonl"):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                out[str(r["id"])] = int(r["fraudulent"])
    else:
        for r in csv.DictReader(open(path, newline="", encoding="utf-8")):
            out[r["id"]] = int(r["fraudulent"])
    return out

def metrics(labels, flagged):
    tp = sum(1 for k, y in labels.items() if y and flagged[k])
    fp = sum(1 for k, y in labels.items() if not y and flagged[k])
    fn = sum(1 for k, y in labels.items() if y and not flagged[k])
    neg = sum(1 for y in labels.values() if not y)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "fpr": round(fp / neg, 4) if neg else 0.0, "n": len(labels)}

if __name__ == "__main__":  # usage: metrics.py LABELS OUT.csv
    labels = labels_of(sys.argv[1])
    flagged = {r["id"]: r["flagged"] == "1" for r in csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8"))}
    print(json.dumps(metrics(labels, flagged)))
