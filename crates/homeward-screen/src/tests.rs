//! Crate-level tests: every rule family fires in every language, the API's behaviour, bad input.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::collections::HashMap;

use proptest::prelude::*;

use crate::rules::{self, RuleHits};
use crate::text::normalize;
use crate::*;

const LANGS: [&str; 8] = ["en", "zh", "th", "vi", "ms", "my", "km", "tl"];

#[derive(serde::Deserialize)]
struct File {
    rule: Vec<Def>,
}
#[derive(serde::Deserialize)]
struct Def {
    code: String,
    #[serde(default)]
    patterns: HashMap<String, Vec<String>>,
    #[serde(default)]
    places: HashMap<String, Vec<String>>,
}

fn fired_codes(text: &str) -> Vec<String> {
    let rs = rules::shipped().unwrap();
    let mut hits = RuleHits::default();
    rs.scan(&format!("\n{}", normalize(text)), &mut hits);
    rs.rules
        .iter()
        .enumerate()
        .filter(|(i, _)| hits.hits[*i].count > 0)
        .map(|(_, r)| r.code.clone())
        .collect()
}

/// Every pattern of every rule fires its rule when it stands in a sentence, and every
/// red-flag family has patterns in all eight languages.
#[test]
fn every_rule_family_fires_in_every_language() {
    let file: File = toml::from_str(include_str!("../data/rules.toml")).unwrap();
    for def in &file.rule {
        if !def.patterns.is_empty() {
            for lang in LANGS {
                assert!(
                    def.patterns.get(lang).is_some_and(|p| !p.is_empty()),
                    "{} has no {lang}",
                    def.code
                );
            }
        }
        let all = def.patterns.values().chain(def.places.values()).flatten();
        for p in all {
            let p = p.trim_end_matches('*');
            let text = format!("xin chào. {p} ok");
            if def.code == "currency" {
                continue;
            }
            assert!(
                fired_codes(&text).contains(&def.code),
                "{} did not fire on {text:?}",
                def.code
            );
        }
    }
}

fn verdict(text: &str) -> Verdict {
    Screener::shipped().screen_text(text)
}

fn codes(v: &Verdict) -> Vec<&str> {
    v.reasons.iter().map(|r| r.code).collect()
}

#[test]
fn shipped_data_loads() {
    assert!(Screener::try_shipped().is_ok());
    assert!(Screener::shipped().rule_codes().len() >= 12);
}

#[test]
fn typical_lures_are_flagged_with_reasons_naming_the_words() {
    let cases = [
        "Customer service in Bangkok, 1,200 USD, free flight, visa and hotel, no experience, English typing, contact Telegram only",
        "急招客服，月薪1500美金，包吃包住，包机票，无需经验，地点西港，加飞机详聊",
        "รับแอดมิน เงินเดือน 50,000 บาท ไม่ต้องมีประสบการณ์ ฟรีที่พัก ทำงานที่เมียวดี ทักไลน์",
        "Tuyển gấp CSKH tại Campuchia, lương 1.500 USD, bao ăn ở, bao vé máy bay, không cần kinh nghiệm, liên hệ Zalo",
    ];
    for c in cases {
        let v = verdict(c);
        assert!(v.flagged, "{c}: {v:?}");
        assert!(v.reasons.windows(2).all(|w| w[0].weight >= w[1].weight));
        assert!(v.reasons.iter().all(|r| !r.message.is_empty()));
    }
    let v = verdict(cases[0]);
    let free = v.reasons.iter().find(|r| r.code == "free_travel").unwrap();
    assert!(free.triggers.iter().any(|t| t == "free flight"), "{free:?}");
    assert!(codes(&v).contains(&"pay_above_market"), "{v:?}");
}

#[test]
fn plain_jobs_are_not_flagged() {
    for c in [
        "Software engineer, 5 years of Rust, hybrid in Singapore. Interview at our office.",
        "本公司招聘会计，三年经验，五险一金，面试地点为公司办公室。",
        "Hotel front desk in Phuket, 14,000 THB plus service charge, contract, interview at the hotel.",
    ] {
        let v = verdict(c);
        assert!(!v.flagged, "{c}: {v:?}");
    }
}

#[test]
fn market_pay_rule_needs_a_low_skill_role_and_a_big_ratio() {
    let v = verdict("Customer service agent, Phnom Penh, salary 2,000 USD per month");
    assert!(codes(&v).contains(&"pay_above_market"), "{v:?}");
    let v = verdict("Customer service agent, Phnom Penh, salary 400 USD per month");
    assert!(!codes(&v).contains(&"pay_above_market"), "{v:?}");
    let v = verdict("Chief financial officer, Phnom Penh, salary 6,000 USD per month");
    assert!(!codes(&v).contains(&"pay_above_market"), "{v:?}");
    for c in [
        "tuyển nhân viên đánh máy, lương 40 triệu",
        "招打字员 月薪2万元",
        "รับแอดมิน เงินเดือน 45,000 บาท",
        "kerja kemasukan data gaji RM 9,000",
        "encoder, sahod ₱80,000",
        "စာရိုက် ဝန်ထမ်း လစာ ဒေါ်လာ 1,500",
        "វាយអក្សរ ប្រាក់ខែ 1,500 ដុល្លារ",
    ] {
        assert!(
            codes(&verdict(c)).contains(&"pay_above_market"),
            "{c}: {:?}",
            verdict(c)
        );
    }
}

#[test]
fn known_signals_become_reasons() {
    let list = SignalList::from_csv(
        "kind,value,cases\ntelegram,@example_hr,3\nphone,+000 81 234 5678,1\n",
    )
    .unwrap();
    let s = Screener::try_shipped().unwrap().with_signals(list);
    let v = s.screen(&Ad {
        id: "1".into(),
        contact: Some("TG: @Example_HR, tel 0812345678".into()),
        ..Ad::default()
    });
    let sig: Vec<&Reason> = v
        .reasons
        .iter()
        .filter(|r| r.code == "known_signal")
        .collect();
    assert_eq!(sig.len(), 2, "{v:?}");
    assert!(sig.iter().any(|r| r.message.contains("3 cases")));
}

#[test]
fn bad_input_gives_bounded_results() {
    let s = Screener::shipped();
    let empty = s.screen(&Ad::default());
    assert!(empty.score.is_finite() && empty.reasons.is_empty() && !empty.truncated);
    let big = "free flight ".repeat(200_000);
    let v = s.screen(&Ad {
        id: "x".into(),
        description: Some(big.clone()),
        title: Some(big),
        ..Ad::default()
    });
    assert!(v.truncated && v.score.is_finite() && v.reasons.len() <= MAX_REASONS);
    let garbage: String = (0u32..5000)
        .filter_map(|i| char::from_u32((i * 7919) % 0x10FFFF))
        .collect();
    assert!(s.screen_text(&garbage).score.is_finite());
}

/// The shipped model on the held-out part of the multilingual set (never used in training).
#[test]
fn held_out_multilingual_f1() {
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    for line in include_str!("../testdata/multilingual.jsonl").lines() {
        let ex: LabelledAd = serde_json::from_str(line).unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["split"] != "test" {
            continue;
        }
        match (Screener::shipped().screen(&ex.ad).flagged, ex.fraudulent) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            _ => {}
        }
    }
    let f1 = 2.0 * f64::from(tp) / f64::from(2 * tp + fp + fneg);
    assert!(f1 >= 0.9, "F1 {f1:.3} (tp {tp}, fp {fp}, fn {fneg})");
}

#[test]
fn screener_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Screener>();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn screen_never_panics(title in ".{0,200}", desc in "\\PC{0,2000}", salary in "[0-9$.,k 万元usdbaht]{0,30}") {
        let ad = Ad { id: "p".into(), title: Some(title), description: Some(desc), salary: Some(salary), ..Ad::default() };
        let v = Screener::shipped().screen(&ad);
        prop_assert!((0.0..=1.0).contains(&v.score));
        prop_assert!(v.reasons.len() <= MAX_REASONS);
        let _ = extract_contacts(ad.description.as_deref().unwrap_or_default(), 32);
    }
}

/// Where the time goes (run: `cargo test --release -p homeward-screen -- --ignored --nocapture timing`;
/// `TIMING_FILE` = one ad per line).
#[test]
#[ignore = "timing aid, release builds only"]
fn timing() {
    let src = match std::env::var("TIMING_FILE") {
        Ok(p) => std::fs::read_to_string(p).unwrap(),
        Err(_) => include_str!("../testdata/multilingual.jsonl").to_owned(),
    };
    let ads: Vec<String> = src.lines().map(|l| format!("\n{}", normalize(l))).collect();
    let raw: Vec<&str> = src.lines().collect();
    let bytes: usize = raw.iter().map(|l| l.len()).sum();
    let reps = (20_000 / ads.len()).max(1);
    let n = (reps * ads.len()) as f64;
    let s = Screener::shipped();
    let time = |f: &mut dyn FnMut()| {
        let t0 = std::time::Instant::now();
        for _ in 0..reps {
            f();
        }
        t0.elapsed().as_secs_f64() / n * 1e6
    };
    let mut out = String::new();
    let norm = time(&mut || {
        for t in &raw {
            out.clear();
            crate::text::normalize_into(&mut out, std::hint::black_box(t), MAX_TEXT_BYTES);
        }
    });
    let rules = time(&mut || {
        for t in &ads {
            let mut hits = RuleHits::default();
            s.rules.scan(std::hint::black_box(t), &mut hits);
            std::hint::black_box(&hits);
        }
    });
    let mut nmatch = 0usize;
    for t in &ads {
        let mut hits = RuleHits::default();
        s.rules.scan(t, &mut hits);
        nmatch += hits.hits.iter().map(|h| h.count as usize).sum::<usize>() + hits.ncurrencies;
    }
    eprintln!(
        "{:.1} rule matches per ad",
        nmatch as f64 / ads.len() as f64
    );
    let model = time(&mut || {
        for t in &ads {
            std::hint::black_box(s.model.margin(std::hint::black_box(t)));
        }
    });
    let evidence = time(&mut || {
        for t in &ads {
            std::hint::black_box(s.evidence(std::hint::black_box(t)));
        }
    });
    let all = time(&mut || {
        for t in &raw {
            std::hint::black_box(s.screen_text(std::hint::black_box(t)));
        }
    });
    eprintln!(
        "{} ads, {} bytes avg; µs per ad: normalise {norm:.2}, rules {rules:.2}, model {model:.2}, evidence {evidence:.2}, whole {all:.2} ({:.0} ads/s)",
        ads.len(),
        bytes / ads.len().max(1),
        1e6 / all
    );
}
