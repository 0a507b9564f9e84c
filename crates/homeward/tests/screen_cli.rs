//! `homeward screen` end to end: CSV and JSON Lines in, `id,score,flagged,reasons` out,
//! training, known signals, and bad input.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::PathBuf;
use std::process::{Command, Output};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("homeward-screen-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn homeward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(args)
        .output()
        .expect("run homeward")
}

fn rows(path: &PathBuf) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["id", "score", "flagged", "reasons"]
    );
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

const LURE: &str = "Customer service in Bangkok, 1,200 USD, free flight, visa and hotel, no experience, English typing, contact Telegram only";
const LEGIT: &str =
    "Software engineer, five years of Rust, hybrid in Singapore. Interview at our office.";

#[test]
fn screens_csv_and_jsonl() {
    let d = dir("formats");
    let csv_in = d.join("ads.csv");
    std::fs::write(
        &csv_in,
        format!("id,title,description\n1,Hiring,\"{LURE}\"\n2,Engineer,\"{LEGIT}\"\n"),
    )
    .unwrap();
    let out = d.join("out.csv");
    let o = homeward(&[
        "screen",
        csv_in.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = rows(&out);
    assert_eq!(r.len(), 2);
    assert_eq!((r[0][0].as_str(), r[0][2].as_str()), ("1", "1"));
    assert!(r[0][3].split(';').any(|c| c == "free_travel"), "{r:?}");
    assert_eq!((r[1][0].as_str(), r[1][2].as_str()), ("2", "0"));
    let score: f32 = r[0][1].parse().unwrap();
    assert!((0.0..=1.0).contains(&score));

    let jsonl = d.join("ads.jsonl");
    let line = serde_json::json!({"id": 7, "description": LURE, "lang": "en"}).to_string();
    std::fs::write(&jsonl, format!("{line}\n\n")).unwrap();
    let o = homeward(&[
        "screen",
        jsonl.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threshold",
        "0.99",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = rows(&out);
    assert_eq!(r[0][0], "7");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn known_signals_are_reported() {
    let d = dir("signals");
    let input = d.join("ads.csv");
    std::fs::write(&input, "id,contact\nA,tg @example_hr\n").unwrap();
    let signals = d.join("signals.csv");
    std::fs::write(&signals, "kind,value,cases\ntelegram,@example_hr,3\n").unwrap();
    let out = d.join("out.csv");
    let o = homeward(&[
        "screen",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--signals",
        signals.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(rows(&out)[0][3].contains("known_signal"));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn bad_input_is_a_clear_error() {
    let d = dir("bad");
    let out = d.join("out.csv");
    let no_id = d.join("no_id.csv");
    std::fs::write(&no_id, "title,description\nx,y\n").unwrap();
    let o = homeward(&[
        "screen",
        no_id.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("`id`"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let latin1 = d.join("latin1.csv");
    std::fs::write(&latin1, b"id,description\n1,caf\xe9 job\n").unwrap();
    let o = homeward(&[
        "screen",
        latin1.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("UTF-8"));

    let garbage = d.join("garbage.jsonl");
    std::fs::write(&garbage, b"{\"id\": \"1\"}\n\x00\x01\x02 not json\n").unwrap();
    let o = homeward(&[
        "screen",
        garbage.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2"));

    // A megabyte description is read up to the limit, not refused.
    let big = d.join("big.csv");
    std::fs::write(
        &big,
        format!("id,description\n1,{}\n", "free flight ".repeat(100_000)),
    )
    .unwrap();
    let o = homeward(&[
        "screen",
        big.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let o = homeward(&[
        "screen",
        d.join("missing.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn trains_a_model_and_uses_it() {
    let d = dir("train");
    let labelled = d.join("labelled.csv");
    let mut src = String::from("id,text,fraudulent\n");
    for i in 0..20 {
        src.push_str(&format!(
            "l{i},\"earn money fast from home, data entry, pay the registration fee {i}\",1\n"
        ));
        src.push_str(&format!(
            "g{i},\"senior accountant, audit experience, office in the city {i}\",0\n"
        ));
    }
    std::fs::write(&labelled, src).unwrap();
    let model = d.join("model.bin");
    let o = homeward(&[
        "screen",
        "train",
        labelled.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--iterations",
        "50",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = d.join("out.csv");
    let o = homeward(&[
        "screen",
        labelled.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = rows(&out);
    let flagged = |id: &str| r.iter().find(|x| x[0] == id).unwrap()[2] == "1";
    assert!(flagged("l0") && !flagged("g0"), "{r:?}");
    std::fs::remove_dir_all(&d).ok();
}
