//! `homeward match` and `homeward gen` end to end, on temporary files.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_homeward"))
}

fn tmp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("homeward-match-cli-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(name);
    let _ = std::fs::write(&p, content);
    p
}

fn read(p: &PathBuf) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn dedupe_finds_the_same_person_across_scripts() {
    let input = tmp(
        "people.csv",
        "record_id,full_name,birth_date,nationality,phone\n\
         a,陳偉傑,2001-03-14,HK,+852 9123 4567\n\
         b,\"CHAN, Wai Kit\",14/03/2001,HKG,9123 4567\n\
         c,Somchai Jaidee,1985-06-02,TH,081 234 5678\n\
         d,สมชาย ใจดี,2528-06-02,Thailand,\n\
         e,Nguyen Van An,1990-01-01,VN,\n",
    );
    let clusters = tmp("clusters.csv", "");
    let pairs = tmp("pairs.csv", "");
    let out = bin()
        .args(["match", "dedupe"])
        .arg(&input)
        .arg("--clusters")
        .arg(&clusters)
        .arg("--pairs")
        .arg(&pairs)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("run: {e}"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = read(&clusters);
    let cl: std::collections::HashMap<String, String> = c
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(',').map(|(a, b)| (a.to_owned(), b.to_owned())))
        .collect();
    assert_eq!(cl.len(), 5, "{c}");
    assert_eq!(cl.get("a"), cl.get("b"), "{c}");
    assert_eq!(cl.get("c"), cl.get("d"), "{c}");
    assert_ne!(cl.get("a"), cl.get("c"));
    assert_ne!(cl.get("e"), cl.get("a"));
    let p = read(&pairs);
    assert!(
        p.starts_with("left_id,right_id,probability,explanation"),
        "{p}"
    );
    assert!(p.contains("Cantonese romanisation"), "{p}");
}

#[test]
fn link_with_column_mapping() {
    let left = tmp(
        "left.csv",
        "rec_id,surname,given_name,date_of_birth\nl1,smith,john,19800101\nl2,jones,mary,19700505\n",
    );
    let right = tmp(
        "right.csv",
        "rec_id,surname,given_name,date_of_birth\nr1,smyth,john,19800101\nr2,brown,peter,19600101\n",
    );
    let pairs = tmp("lpairs.csv", "");
    let out = bin()
        .args(["match", "link"])
        .arg(&left)
        .arg(&right)
        .arg("--pairs")
        .arg(&pairs)
        .args([
            "--columns",
            "record_id=rec_id,family_name=surname,birth_date=date_of_birth",
        ])
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("run: {e}"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = read(&pairs);
    assert!(p.lines().any(|l| l.starts_with("l1,r1,")), "{p}");
    assert_eq!(p.lines().count(), 2, "{p}");
}

#[test]
fn bad_input_names_line_and_column_or_is_skipped() {
    let input = tmp(
        "bad.csv",
        "record_id,full_name,birth_date\na,Ann Lee,2001-01-01\nb,Bob Tan,next tuesday\n,No Id,\n",
    );
    let clusters = tmp("bad_clusters.csv", "");
    let run = |extra: &[&str]| {
        bin()
            .args(["match", "dedupe"])
            .arg(&input)
            .arg("--clusters")
            .arg(&clusters)
            .args(extra)
            .output()
    };
    let out = match run(&[]) {
        Ok(o) => o,
        Err(e) => panic!("run: {e}"),
    };
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("birth_date"),
        "{err}"
    );
    let out = match run(&["--skip-bad-rows"]) {
        Ok(o) => o,
        Err(e) => panic!("run: {e}"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped 2 bad rows"));
    assert_eq!(read(&clusters).lines().count(), 2);

    let empty = tmp("empty.csv", "");
    let out = bin()
        .args(["match", "dedupe"])
        .arg(&empty)
        .arg("--clusters")
        .arg(&clusters)
        .output();
    assert!(out.is_ok_and(|o| o.status.success()));
    assert_eq!(read(&clusters).trim(), "record_id,cluster_id");

    // A duplicate id is an error naming its line unless rows are skipped.
    let dup = tmp("dup.csv", "record_id,full_name\na,Ann Lee\na,Bob Tan\n");
    let out = bin()
        .args(["match", "dedupe"])
        .arg(&dup)
        .arg("--clusters")
        .arg(&clusters)
        .output();
    assert!(out.is_ok_and(|o| !o.status.success()
        && String::from_utf8_lossy(&o.stderr).contains("line 3, column record_id: duplicate")));
}

#[test]
fn gen_is_deterministic() {
    let a = bin()
        .args(["gen", "persons", "--n", "50", "--seed", "9"])
        .output();
    let b = bin()
        .args(["gen", "persons", "--n", "50", "--seed", "9"])
        .output();
    match (a, b) {
        (Ok(a), Ok(b)) => {
            assert!(a.status.success());
            assert_eq!(a.stdout, b.stdout);
            assert_eq!(String::from_utf8_lossy(&a.stdout).lines().count(), 51);
        }
        _ => panic!("run failed"),
    }
}
