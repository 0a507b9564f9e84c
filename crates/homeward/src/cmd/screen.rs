//! `homeward screen`: screen job ads for scam-compound lure risk (PRODUCT §5.3), and
//! `homeward screen train`: train a screening model on labelled ads.
//!
//! Input is CSV with a header or JSON Lines; `id` is required, the other ad fields optional.
//! Output is CSV `id,score,flagged,reasons` (reasons are rule codes, `;`-separated, strongest first).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use homeward_screen::{Ad, LabelledAd, Model, Screener, SignalList, TrainOptions, Verdict};
use rayon::prelude::*;

/// Arguments of `homeward screen`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ScreenArgs {
    #[command(subcommand)]
    command: Option<ScreenCommand>,
    /// Ads to screen: CSV with a header, or JSON Lines (`.jsonl`, `.ndjson`, or content starting with `{`).
    input: Option<PathBuf>,
    /// Where to write `id,score,flagged,reasons` as CSV.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Known scam signals, CSV `kind,value,cases`.
    #[arg(long)]
    signals: Option<PathBuf>,
    /// Flag at or above this score instead of the shipped default.
    #[arg(long)]
    threshold: Option<f32>,
    /// Use a model written by `homeward screen train` instead of the shipped one.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Add an `explanation` column with each reason's message and trigger words.
    #[arg(long)]
    explain: bool,
    /// Print screening throughput (JSON) to standard error.
    #[arg(long)]
    stats: bool,
}

#[derive(Debug, clap::Subcommand)]
enum ScreenCommand {
    /// Train a model on labelled ads (a `fraudulent` or `label` column of 1/0).
    Train(TrainArgs),
}

#[derive(Debug, clap::Args)]
struct TrainArgs {
    /// Labelled ads: CSV or JSON Lines with the ad columns (or `text`) and `fraudulent`/`label`.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
    /// Labelled ads used only for calibration and rule weights, not for the n-gram model
    /// (small sets in other languages). Repeatable.
    #[arg(long)]
    calibration: Vec<PathBuf>,
    /// Inverse regularisation strength.
    #[arg(long, default_value_t = TrainOptions::default().c)]
    c: f64,
    /// log2 of the number of hash buckets.
    #[arg(long, default_value_t = TrainOptions::default().bits)]
    bits: u8,
    /// Optimiser iterations.
    #[arg(long, default_value_t = TrainOptions::default().iterations)]
    iterations: usize,
    /// Drop features seen in fewer training ads than this.
    #[arg(long, default_value_t = TrainOptions::default().min_df)]
    min_df: u32,
}

/// Runs the command.
pub fn run(args: ScreenArgs) -> anyhow::Result<()> {
    if let Some(ScreenCommand::Train(t)) = args.command {
        return train(t);
    }
    let Some(input) = args.input else {
        bail!("give an input file (or `train`); see --help")
    };
    let Some(out) = args.out else {
        bail!("give --out OUT.csv")
    };
    let mut screener = match &args.model {
        Some(p) => {
            let bytes =
                std::fs::read(p).with_context(|| format!("reading model {}", p.display()))?;
            Screener::with_model(Model::from_bytes(&bytes)?)?
        }
        None => Screener::try_shipped()?,
    };
    if let Some(p) = &args.signals {
        let src = std::fs::read_to_string(p)
            .with_context(|| format!("reading signals {}", p.display()))?;
        screener = screener.with_signals(SignalList::from_csv(&src)?);
    }
    if let Some(t) = args.threshold {
        if !(0.0..=1.0).contains(&t) {
            bail!("--threshold must be between 0 and 1");
        }
        screener = screener.with_threshold(t);
    }
    let ads = read_ads(&input)?;
    let bar = progress(ads.len() as u64);
    let started = std::time::Instant::now();
    let cpu_started = process_cpu_seconds();
    let verdicts: Vec<Verdict> = ads
        .par_chunks(512)
        .flat_map_iter(|chunk| {
            let v: Vec<Verdict> = chunk.iter().map(|ad| screener.screen(&ad.0)).collect();
            if let Some(b) = &bar {
                b.inc(chunk.len() as u64);
            }
            v
        })
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = process_cpu_seconds().zip(cpu_started).map(|(b, a)| b - a);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if args.stats {
        let stats = serde_json::json!({
            "ads": ads.len(),
            "threads": rayon::current_num_threads(),
            "seconds": seconds,
            "ads_per_sec": ads.len() as f64 / seconds.max(1e-9),
            "cpu_seconds": cpu_seconds,
            "ads_per_cpu_sec": cpu_seconds.map(|c| ads.len() as f64 / c.max(1e-9)),
            "flagged": verdicts.iter().filter(|v| v.flagged).count(),
        });
        eprintln!("{stats}");
    }
    let file =
        std::fs::File::create(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    if args.explain {
        w.write_record(["id", "score", "flagged", "reasons", "explanation"])?;
    } else {
        w.write_record(["id", "score", "flagged", "reasons"])?;
    }
    for ((ad, _), v) in ads.iter().zip(&verdicts) {
        let codes: Vec<&str> = v.reasons.iter().map(|r| r.code).collect();
        let score = format!("{:.4}", v.score);
        let flagged = if v.flagged { "1" } else { "0" };
        let reasons = codes.join(";");
        if args.explain {
            let expl: Vec<String> = v
                .reasons
                .iter()
                .map(|r| format!("{} [{}]", r.message, r.triggers.join(", ")))
                .collect();
            w.write_record([ad.id.as_str(), &score, flagged, &reasons, &expl.join(" | ")])?;
        } else {
            w.write_record([ad.id.as_str(), &score, flagged, &reasons])?;
        }
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?
        .flush()?;
    Ok(())
}

/// CPU time of this process (all threads, user + system) from `/proc/self/stat`, in seconds;
/// `None` where that file does not exist. Used to report throughput per core on a busy machine.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Linux reports clock ticks of 1/100 s (USER_HZ) on every supported architecture.
    Some((utime + stime) / 100.0)
}

fn progress(len: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || len < 1000 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} ads {per_sec} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

fn train(args: TrainArgs) -> anyhow::Result<()> {
    let examples = read_labelled(&args.inputs)?;
    let calibration = read_labelled(&args.calibration)?;
    let opts = TrainOptions {
        bits: args.bits,
        c: args.c,
        iterations: args.iterations,
        min_df: args.min_df,
        ..TrainOptions::default()
    };
    let (model, report) = homeward_screen::train(&examples, &calibration, &opts)?;
    std::fs::write(&args.out, model.to_bytes()?)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

fn read_labelled(paths: &[PathBuf]) -> anyhow::Result<Vec<LabelledAd>> {
    let mut examples = Vec::new();
    for p in paths {
        for (ad, label) in read_ads(p)? {
            let Some(fraudulent) = label else {
                bail!(
                    "{}: ad {:?} has no `fraudulent` or `label` value",
                    p.display(),
                    ad.id
                );
            };
            examples.push(LabelledAd { ad, fraudulent });
        }
    }
    Ok(examples)
}

/// Reads ads (and labels, where present) from CSV or JSON Lines.
fn read_ads(path: &Path) -> anyhow::Result<Vec<(Ad, Option<bool>)>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let jsonl = matches!(ext.as_str(), "jsonl" | "ndjson" | "json")
        || (ext != "csv" && first == Some(b'{'));
    let ads = if jsonl {
        read_jsonl(&bytes)
    } else {
        read_csv(&bytes)
    }
    .with_context(|| format!("reading {}", path.display()))?;
    Ok(ads)
}

fn parse_label(v: &str) -> anyhow::Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "t" | "fraud" | "fraudulent" | "lure" => Ok(true),
        "0" | "false" | "no" | "f" | "legit" | "legitimate" => Ok(false),
        other => bail!("label {other:?} is not 1/0"),
    }
}

fn set_field(
    ad: &mut Ad,
    label: &mut Option<bool>,
    key: &str,
    value: String,
) -> anyhow::Result<()> {
    let slot = match key {
        "id" | "row_id" => {
            ad.id = value;
            return Ok(());
        }
        "fraudulent" | "label" => {
            *label = Some(parse_label(&value)?);
            return Ok(());
        }
        "title" => &mut ad.title,
        "description" | "text" | "message" => &mut ad.description,
        "company" | "company_profile" => &mut ad.company,
        "location" => &mut ad.location,
        "salary" | "salary_range" => &mut ad.salary,
        "contact" => &mut ad.contact,
        "requirements" => &mut ad.requirements,
        "benefits" => &mut ad.benefits,
        "url" => &mut ad.url,
        "lang" => &mut ad.lang,
        _ => return Ok(()),
    };
    match slot {
        Some(s) => {
            s.push('\n');
            s.push_str(&value);
        }
        None => *slot = Some(value),
    }
    Ok(())
}

fn read_csv(bytes: &[u8]) -> anyhow::Result<Vec<(Ad, Option<bool>)>> {
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers: Vec<String> = r
        .byte_headers()
        .context("reading the CSV header")?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase()
        })
        .collect();
    if !headers.iter().any(|h| h == "id" || h == "row_id") {
        bail!("the CSV has no `id` column (header: {})", headers.join(","));
    }
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec).context("reading CSV")? {
        let line = rec.position().map_or(0, |p| p.line());
        let mut ad = Ad::default();
        let mut label = None;
        for (h, v) in headers.iter().zip(rec.iter()) {
            let v = std::str::from_utf8(v)
                .with_context(|| format!("line {line}: column {h} is not UTF-8"))?;
            if v.is_empty() {
                continue;
            }
            set_field(&mut ad, &mut label, h, v.to_owned())
                .with_context(|| format!("line {line}"))?;
        }
        if ad.id.is_empty() {
            bail!("line {line}: empty id");
        }
        out.push((ad, label));
    }
    Ok(out)
}

fn read_jsonl(bytes: &[u8]) -> anyhow::Result<Vec<(Ad, Option<bool>)>> {
    let mut out = Vec::new();
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = n + 1;
        let line =
            std::str::from_utf8(line).with_context(|| format!("line {line_no}: not UTF-8"))?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("line {line_no}: not JSON"))?;
        let serde_json::Value::Object(map) = value else {
            bail!("line {line_no}: not a JSON object")
        };
        let mut ad = Ad::default();
        let mut label = None;
        for (k, v) in map {
            let v = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(x) => x.to_string(),
                serde_json::Value::Bool(b) => (if b { "1" } else { "0" }).to_owned(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            set_field(&mut ad, &mut label, &k.to_ascii_lowercase(), v)
                .with_context(|| format!("line {line_no}"))?;
        }
        if ad.id.is_empty() {
            bail!("line {line_no}: missing `id`");
        }
        out.push((ad, label));
    }
    Ok(out)
}
