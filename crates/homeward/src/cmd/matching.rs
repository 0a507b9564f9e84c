//! `homeward match` — deduplicate one person-record CSV or link two (PRODUCT.md §5.2).

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use homeward_match::{BatchOptions, BatchResult, Model, PersonRecord, Prepared, batch, prepare};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

/// Longest field read from a CSV cell, in bytes; longer cells are cut (at a char boundary).
const MAX_CELL: usize = 1024;

/// Arguments of `homeward match`.
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    #[command(subcommand)]
    command: MatchCommand,
}

#[derive(Debug, clap::Subcommand)]
enum MatchCommand {
    /// Find records of the same person within one file.
    Dedupe {
        /// Person-record CSV.
        input: PathBuf,
        /// Write `record_id,cluster_id` for every record here.
        #[arg(long)]
        clusters: PathBuf,
        /// Write `left_id,right_id,probability,explanation` for pairs at or above the threshold.
        #[arg(long)]
        pairs: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Find which records of one file describe people in another.
    Link {
        /// Left person-record CSV.
        left: PathBuf,
        /// Right person-record CSV.
        right: PathBuf,
        /// Write `left_id,right_id,probability,explanation` for pairs at or above the threshold.
        #[arg(long)]
        pairs: PathBuf,
        /// Write `record_id,cluster_id` for every record of both files here.
        #[arg(long)]
        clusters: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, clap::Args)]
struct Common {
    /// Map other headers to ours: `new=old,...` (e.g. `record_id=rec_id,family_name=surname`).
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// Report pairs (and join clusters) at or above this probability; default: the model's.
    #[arg(long)]
    threshold: Option<f64>,
    /// Skip rows that cannot be read (reporting how many) instead of stopping.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Use the shipped model as is, without estimating parameters on this data.
    #[arg(long)]
    no_train: bool,
    /// Print a summary (records, pairs compared, matches, time per stage) on standard error.
    #[arg(long, short)]
    verbose: bool,
    /// Write the model used (after training on this data) as JSON here.
    #[arg(long)]
    model_out: Option<PathBuf>,
}

fn save_model(common: &Common, result: &BatchResult) -> anyhow::Result<()> {
    if let Some(p) = &common.model_out {
        std::fs::write(p, serde_json::to_string_pretty(&result.model)?)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

struct Loaded {
    ids: Vec<String>,
    prepared: Vec<Prepared>,
    skipped: usize,
}

fn cut(s: &str) -> &str {
    if s.len() <= MAX_CELL {
        return s;
    }
    let mut i = MAX_CELL;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

fn list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .take(8)
        .collect()
}

fn load(
    path: &Path,
    columns: &[String],
    skip_bad: bool,
    bar: &ProgressBar,
) -> anyhow::Result<Loaded> {
    let mut rename: HashMap<String, String> = HashMap::new();
    for c in columns.iter().filter(|c| !c.trim().is_empty()) {
        let (new, old) = c
            .split_once('=')
            .with_context(|| format!("--columns entry {c:?} is not new=old"))?;
        rename.insert(old.trim().to_owned(), new.trim().to_owned());
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(std::io::BufReader::new(file));
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect(),
        Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => return Err(e.into()),
        Err(e) => bail!("{}: cannot read the header: {e}", path.display()),
    };
    if headers.iter().all(|h| h.is_empty()) {
        return Ok(Loaded {
            ids: Vec::new(),
            prepared: Vec::new(),
            skipped: 0,
        });
    }
    let ours: Vec<String> = headers
        .iter()
        .map(|h| rename.get(h).cloned().unwrap_or_else(|| h.clone()))
        .collect();
    let col = |name: &str| ours.iter().position(|h| h == name);
    let Some(id_col) = col("record_id") else {
        bail!(
            "{}: no record_id column (use --columns record_id=YOUR_ID_COLUMN)",
            path.display()
        );
    };
    let original = |name: &str| col(name).map_or(name.to_owned(), |i| headers[i].clone());
    // Each contract column's position in the file, found once (not looked up per row).
    let [
        full_name,
        given_name,
        family_name,
        alt_names,
        sex,
        birth_date,
        nationality,
        phone,
        passport_no,
        id_no,
        handles,
        address,
        postcode,
        last_seen_place,
    ] = [
        "full_name",
        "given_name",
        "family_name",
        "alt_names",
        "sex",
        "birth_date",
        "nationality",
        "phone",
        "passport_no",
        "id_no",
        "handles",
        "address",
        "postcode",
        "last_seen_place",
    ]
    .map(col);
    type Row = (u64, String, csv::StringRecord);
    type Converted = Result<Prepared, (u64, homeward_match::FieldError)>;
    // Rows become records and are prepared in parallel, chunk by chunk, while the (serial)
    // CSV reading goes on.
    let convert = |(line, id, row): &Row| -> Converted {
        let get = |column: Option<usize>| -> Option<String> {
            column
                .and_then(|i| row.get(i))
                .map(|s| cut(s.trim()).to_owned())
                .filter(|s| !s.is_empty())
        };
        let mut names: Vec<String> = get(full_name).into_iter().collect();
        names.extend(get(alt_names).map(|s| list(&s)).unwrap_or_default());
        let rec = PersonRecord {
            record_id: id.clone(),
            names,
            given_name: get(given_name),
            family_name: get(family_name),
            sex: get(sex),
            birth_date: get(birth_date),
            nationality: get(nationality),
            phones: get(phone).map(|s| list(&s)).unwrap_or_default(),
            passport_no: get(passport_no),
            id_no: get(id_no),
            handles: get(handles).map(|s| list(&s)).unwrap_or_default(),
            address: get(address),
            postcode: get(postcode),
            last_seen_place: get(last_seen_place),
        };
        prepare(&rec, true).map_err(|e| (*line, e))
    };
    const CHUNK: usize = 8192;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(2);
    let mut skipped = 0usize;
    let mut first_error: Option<(u64, String)> = None;
    let (read, converted) = std::thread::scope(|s| {
        // Chunks are kept as they come and moved into place once at the end: one growing
        // vector of a million prepared records would be copied over and over as it grows.
        let worker = s.spawn(|| {
            let mut out: Vec<(Vec<String>, Vec<Converted>)> = Vec::new();
            for chunk in rx {
                let done: Vec<Converted> = chunk.par_iter().map(&convert).collect();
                out.push((chunk.into_iter().map(|(_, id, _)| id).collect(), done));
            }
            out
        });
        let read = (|| -> anyhow::Result<()> {
            let tx = tx;
            let mut seen: HashSet<String> = HashSet::new();
            let mut chunk: Vec<Row> = Vec::with_capacity(CHUNK);
            for (n, row) in rdr.records().enumerate() {
                let row = match row {
                    Ok(r) => r,
                    Err(e) if skip_bad => {
                        let _ = e;
                        skipped += 1;
                        continue;
                    }
                    Err(e) => {
                        let line = e.position().map_or(n as u64 + 2, |p| p.line());
                        bail!("{}: line {line}: malformed CSV row: {e}", path.display());
                    }
                };
                let line = row.position().map_or(n as u64 + 2, |p| p.line());
                let id = row
                    .get(id_col)
                    .map(|s| cut(s.trim()).to_owned())
                    .unwrap_or_default();
                let problem = if id.is_empty() {
                    Some(format!(
                        "column {}: missing record_id",
                        original("record_id")
                    ))
                } else if !seen.insert(id.clone()) {
                    Some(format!(
                        "column {}: duplicate record_id {id:?}",
                        original("record_id")
                    ))
                } else {
                    None
                };
                if let Some(p) = problem {
                    skipped += 1;
                    if !skip_bad && first_error.as_ref().is_none_or(|(l, _)| line < *l) {
                        first_error = Some((line, p));
                    }
                    continue;
                }
                chunk.push((line, id, row));
                if chunk.len() == CHUNK {
                    bar.inc(CHUNK as u64);
                    tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))?;
                }
            }
            if !chunk.is_empty() {
                bar.inc(chunk.len() as u64);
                tx.send(chunk)?;
            }
            Ok(())
        })();
        let converted = worker
            .join()
            .map_err(|_| anyhow::anyhow!("preparing records failed"));
        (read, converted)
    });
    read?;
    let converted = converted?;
    let total: usize = converted.iter().map(|(c, _)| c.len()).sum();
    let mut ids = Vec::with_capacity(total);
    let mut out = Vec::with_capacity(total);
    let rows = converted
        .into_iter()
        .flat_map(|(chunk, done)| chunk.into_iter().zip(done));
    for (id, p) in rows {
        match p {
            Ok(p) => {
                ids.push(id);
                out.push(p);
            }
            Err(_) if skip_bad => skipped += 1,
            Err((line, e)) => {
                if let Some((l, problem)) = first_error.filter(|(l, _)| *l < line) {
                    bail!("{}: line {l}, {problem}", path.display());
                }
                bail!(
                    "{}: line {line}, column {}: {}",
                    path.display(),
                    original(e.field),
                    e.message
                )
            }
        }
    }
    // A missing or duplicate id stops the run (naming the first such line) unless skipping.
    if let Some((line, problem)) = first_error {
        bail!("{}: line {line}, {problem}", path.display());
    }
    Ok(Loaded {
        ids,
        prepared: out,
        skipped,
    })
}

fn progress() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos} records [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

fn write_clusters(path: &Path, ids: &[&str], result: &BatchResult) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record(["record_id", "cluster_id"])?;
    // Clusters are numbered 1, 2, … in order of first appearance (a cluster is named by the
    // index of its first member, so a plain array maps it).
    let mut number = vec![0usize; result.clusters.len()];
    let mut next = 0;
    for (id, c) in ids.iter().zip(&result.clusters) {
        let slot = &mut number[*c as usize];
        if *slot == 0 {
            next += 1;
            *slot = next;
        }
        w.write_record([*id, slot.to_string().as_str()])?;
    }
    w.flush()?;
    Ok(())
}

fn write_pairs(path: &Path, ids: &[&str], result: &BatchResult) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record(["left_id", "right_id", "probability", "explanation"])?;
    for p in &result.pairs {
        w.write_record([
            ids[p.left as usize],
            ids[p.right as usize],
            format!("{:.4}", p.score.probability).as_str(),
            p.score.explanation().as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn options(c: &Common) -> anyhow::Result<BatchOptions> {
    if let Some(t) = c.threshold
        && !(0.0..=1.0).contains(&t)
    {
        bail!("--threshold must be between 0 and 1, got {t}");
    }
    Ok(BatchOptions {
        threshold: c.threshold,
        train: !c.no_train,
        ..Default::default()
    })
}

/// Runs the command.
pub fn run(args: MatchArgs) -> anyhow::Result<()> {
    let bar = progress();
    match args.command {
        MatchCommand::Dedupe {
            input,
            clusters,
            pairs,
            common,
        } => {
            let opts = options(&common)?;
            bar.set_message("reading");
            let started = std::time::Instant::now();
            let data = load(&input, &common.columns, common.skip_bad_rows, &bar)?;
            if common.verbose {
                eprintln!("reading took {:.2} s", started.elapsed().as_secs_f64());
            }
            bar.set_message("matching");
            let started = std::time::Instant::now();
            let result = batch::dedupe(
                &data.prepared,
                &Model::default_model(),
                &BatchOptions {
                    explain: pairs.is_some(),
                    ..opts
                },
            );
            bar.finish_and_clear();
            let ids: Vec<&str> = data.ids.iter().map(String::as_str).collect();
            write_clusters(&clusters, &ids, &result)?;
            if let Some(p) = pairs {
                write_pairs(&p, &ids, &result)?;
            }
            if common.verbose {
                eprintln!(
                    "matching and writing took {:.2} s",
                    started.elapsed().as_secs_f64()
                );
            }
            save_model(&common, &result)?;
            report(data.skipped, &result, ids.len(), common.verbose);
            // The process ends here: freeing millions of small allocations one by one
            // would only add seconds the operating system does at once.
            drop(ids);
            std::mem::forget(data);
            std::mem::forget(result);
        }
        MatchCommand::Link {
            left,
            right,
            pairs,
            clusters,
            common,
        } => {
            let opts = options(&common)?;
            bar.set_message("reading");
            let l = load(&left, &common.columns, common.skip_bad_rows, &bar)?;
            let r = load(&right, &common.columns, common.skip_bad_rows, &bar)?;
            bar.set_message("matching");
            let started = std::time::Instant::now();
            let result = batch::link(&l.prepared, &r.prepared, &Model::default_model(), &opts);
            bar.finish_and_clear();
            let ids: Vec<&str> = l.ids.iter().chain(&r.ids).map(String::as_str).collect();
            // Pairs are stored lower index first, so the left file's id always comes first.
            write_pairs(&pairs, &ids, &result)?;
            if let Some(c) = clusters {
                write_clusters(&c, &ids, &result)?;
            }
            if common.verbose {
                eprintln!("matching took {:.2} s", started.elapsed().as_secs_f64());
            }
            save_model(&common, &result)?;
            report(l.skipped + r.skipped, &result, ids.len(), common.verbose);
            drop(ids);
            std::mem::forget((l, r, result));
        }
    }
    Ok(())
}

fn report(skipped: usize, result: &BatchResult, n: usize, verbose: bool) {
    if skipped > 0 {
        eprintln!("skipped {skipped} bad rows");
    }
    if verbose {
        let stages: Vec<String> = result
            .timings
            .iter()
            .map(|(s, t)| format!("{s} {t:.2} s"))
            .collect();
        eprintln!("stages: {}", stages.join(", "));
    }
    if verbose || std::io::stderr().is_terminal() {
        eprintln!(
            "{n} records, {} pairs compared, {} at or above the threshold",
            result.compared,
            result.pairs.len()
        );
    }
}
