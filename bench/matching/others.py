"""Splink 5 (DuckDB) and recordlinkage runs, configured as in their tutorials. Writes the
predicted pairs (left_id,right_id) at match probability >= 0.5 (Splink) or the classifier's
matches (recordlinkage)."""
import sys
import pandas as pd

tool, task, out = sys.argv[1], sys.argv[2], sys.argv[3]
files = sys.argv[4:]


def febrl(path):
    df = pd.read_csv(path, dtype=str).fillna("")
    return df.rename(columns={"rec_id": "unique_id"})


def splink_run(dfs, link_type, comparisons, blocking, det_rules, id_col="unique_id"):
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name=id_col,
        blocking_rules_to_generate_predictions=[block_on(*b) for b in blocking],
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    sdfs = [db.register(d, table_name=f"t{i}") for i, d in enumerate(dfs)]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings)
    linker.training.estimate_probability_two_random_records_match([block_on(*r) for r in det_rules], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for b in blocking[:2]:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*b))
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return pred[[f"{id_col}_l", f"{id_col}_r"]]


def splink_febrl(dfs, link_type):
    import splink.comparison_library as cl

    comps = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("suburb"),
    ]
    blocking = [("given_name",), ("surname",), ("date_of_birth",), ("soc_sec_id",)]
    return splink_run(dfs, link_type, comps, blocking, [("soc_sec_id",), ("given_name", "surname", "date_of_birth")])


def splink_synth(path):
    import splink.comparison_library as cl

    # Missing values stay null so that Splink neither blocks nor compares on them.
    df = pd.read_csv(path, dtype=str).rename(columns={"record_id": "unique_id"})
    df = df.drop(columns=["entity_id"])
    # Give Splink dates in one format (its tutorials assume clean ISO dates); homeward reads
    # the raw strings, including Buddhist-Era years, which are left as they are here.
    def iso(v):
        if not isinstance(v, str):
            return None
        for fmt in ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y"):
            try:
                return pd.to_datetime(v, format=fmt).strftime("%Y-%m-%d")
            except (ValueError, OverflowError):
                pass
        return v
    df["birth_date"] = df["birth_date"].map(iso)
    comps = [
        cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88]),
        cl.ExactMatch("birth_date"),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("passport_no"),
    ]
    blocking = [("full_name",), ("birth_date",), ("phone",), ("passport_no",)]
    return splink_run([df], "dedupe_only", comps, blocking, [("full_name", "birth_date")])


def rl_run(a, b):
    import recordlinkage as rl

    idx = rl.Index()
    idx.block("given_name")
    idx.block("surname")
    idx.block("date_of_birth")
    cand = idx.index(a) if b is None else idx.index(a, b)
    c = rl.Compare()
    c.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    c.string("surname", "surname", method="jarowinkler", threshold=0.85)
    c.exact("date_of_birth", "date_of_birth")
    c.exact("suburb", "suburb")
    c.exact("state", "state")
    c.string("address_1", "address_1", threshold=0.85)
    c.exact("soc_sec_id", "soc_sec_id")
    feats = c.compute(cand, a) if b is None else c.compute(cand, a, b)
    ecm = rl.ECMClassifier(binarize=0.5)
    m = ecm.fit_predict(feats)
    return pd.DataFrame(list(m), columns=["l", "r"])


if tool == "splink" and task == "link":
    res = splink_febrl([febrl(files[0]), febrl(files[1])], "link_only")
elif tool == "splink" and task == "dedupe":
    res = splink_febrl([febrl(files[0]).drop(columns=["entity_id"])], "dedupe_only")
elif tool == "splink":
    res = splink_synth(files[0])
elif task == "link":
    a = pd.read_csv(files[0], dtype=str).fillna("").set_index("rec_id")
    b = pd.read_csv(files[1], dtype=str).fillna("").set_index("rec_id")
    res = rl_run(a, b)
else:
    a = pd.read_csv(files[0], dtype=str).fillna("").set_index("rec_id")
    res = rl_run(a, None)
res.columns = ["left_id", "right_id"]
res.to_csv(out, index=False)
