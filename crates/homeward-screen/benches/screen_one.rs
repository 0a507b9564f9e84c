//! One ad through the whole pipeline (rules + model + known signals): `cargo bench -p homeward-screen`.

use criterion::{Criterion, criterion_group, criterion_main};
use homeward_screen::{Ad, Screener, SignalList};

const LURE: &str = "Customer service representative in Bangkok. Salary 1,200 USD per month plus bonus. \
Free flight, visa and hotel provided. No experience needed, basic English and typing 30 wpm. \
Contact our HR on Telegram @example_hr to apply. Limited slots, fly next week!";

const LEGIT: &str = "We build payments infrastructure for banks across the region. You will design and \
operate APIs, work with PostgreSQL and message queues, review code and mentor two junior engineers. \
Requirements: five or more years of experience with Rust or C++, distributed systems, observability. \
We offer a competitive salary, equity, health insurance and hybrid work from our Singapore office. \
Interview process: a phone screen, a technical interview and an onsite meeting with the team.";

fn bench(c: &mut Criterion) {
    let signals = SignalList::from_csv(
        "kind,value,cases\ntelegram,@example_hr,3\nphone,+000 81 234 5678,1\n",
    )
    .unwrap_or_default();
    let screener = Screener::try_shipped()
        .map(|s| s.with_signals(signals))
        .unwrap_or_else(|_| {
            Screener::with_model(homeward_screen::Model::empty()).unwrap_or_else(|e| panic!("{e}"))
        });
    let lure = Ad {
        id: "1".into(),
        title: Some("Customer service".into()),
        description: Some(LURE.into()),
        ..Ad::default()
    };
    let legit = Ad {
        id: "2".into(),
        title: Some("Backend engineer".into()),
        description: Some(LEGIT.into()),
        ..Ad::default()
    };
    c.bench_function("screen lure ad", |b| {
        b.iter(|| screener.screen(std::hint::black_box(&lure)))
    });
    c.bench_function("screen legitimate ad", |b| {
        b.iter(|| screener.screen(std::hint::black_box(&legit)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
