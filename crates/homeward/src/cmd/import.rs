//! `homeward import rescue-list`: reconciles a published list of released
//! people against every open case of the network, as one organisation.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::Context;
use homeward_core::model::ListFile;
use homeward_core::{Homeward, ReconcileProgress, RescueListInput, Uploader};
use homeward_interop::people;
use homeward_match::PersonRecord;
use homeward_types::{OrgId, ReleaseMode};

use super::node::{DataArgs, runtime};

/// `homeward import …`
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: ImportCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ImportCommand {
    /// Reconcile a rescue list (CSV, any column names) against every open case of the network,
    /// as organisation ORG. Prints one JSON object: rows, unusable, matched, review,
    /// notified_organisations. Owners of matched cases are notified; the uploader sees only
    /// its own cases.
    RescueList(RescueListArgs),
}

#[derive(Debug, clap::Args)]
struct RescueListArgs {
    /// The list: CSV (any delimiter) or XLSX, with a header row (a title above it is skipped).
    /// Names in any script; columns are recognised by common names in the region's languages
    /// (name, 姓名, ชื่อ, họ tên, date of birth, nationality, passport, phone, …).
    file: PathBuf,
    /// The uploading organisation (its id).
    #[arg(long)]
    org: OrgId,
    /// Name of the list (default: the file name).
    #[arg(long)]
    name: Option<String>,
    /// How the people on the list left the compound.
    #[arg(long, default_value = "handover")]
    release_mode: ReleaseMode,
    /// Map other headers: `full_name=Name in full,birth_date=DOB` (`-=Remarks` ignores one).
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// Encoding of a CSV that is not UTF-8: windows-874 (Thai), gb18030, big5, windows-1258, …
    #[arg(long)]
    encoding: Option<String>,
    /// Worksheet of an XLSX workbook (default: the first with data).
    #[arg(long)]
    sheet: Option<String>,
    /// Print each unusable row and dropped value to standard error.
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten)]
    data: DataArgs,
}

/// Runs `homeward import …`.
pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    match args.what {
        ImportCommand::RescueList(a) => rescue_list(a),
    }
}

/// Reads the list into person records; rows without a name or a document
/// number are counted as unusable (reasons on standard error with `-v`).
fn read_list(
    bytes: &[u8],
    opts: &people::ReadOptions,
    columns: &[String],
) -> anyhow::Result<(Vec<PersonRecord>, Vec<people::Issue>)> {
    let table = people::read_table(bytes, opts)?;
    let mapping = people::apply_overrides(
        &table.headers,
        people::guess_mapping(&table.headers),
        columns,
    )?;
    let reading = people::read_people(&table, &mapping)?;
    Ok((reading.records, reading.issues))
}

fn rescue_list(a: RescueListArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let opts = people::ReadOptions {
        encoding: a.encoding.clone(),
        sheet: a.sheet.clone(),
    };
    let (records, issues) =
        read_list(&bytes, &opts, &a.columns).with_context(|| a.file.display().to_string())?;
    if a.verbose {
        for i in &issues {
            eprintln!("line {}: {}", i.line, i.message);
        }
    }
    // Rows left out still count: the summary reports them as unusable.
    let mut rows = records;
    rows.extend(issues.iter().filter(|i| i.unusable).map(|i| PersonRecord {
        record_id: i.line.to_string(),
        ..PersonRecord::default()
    }));
    let name = a.name.clone().unwrap_or_else(|| {
        a.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "rescue list".into())
    });
    let file_name = a
        .file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    runtime()?.block_on(async move {
        let hw = Homeward::new(a.data.open().await?);
        let progress = Arc::new(ReconcileProgress::default());
        let bar = progress_bar(rows.len());
        let ticker = bar.clone().map(|bar| {
            let progress = progress.clone();
            tokio::spawn(async move {
                loop {
                    bar.set_length(progress.total.load(Ordering::Relaxed) as u64);
                    bar.set_position(progress.done.load(Ordering::Relaxed) as u64);
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            })
        });
        let summary = hw
            .reconcile_with_progress(
                Uploader::Cli(a.org),
                RescueListInput {
                    name,
                    file_sha256: homeward_core::secrets::file_digest(&bytes),
                    release_mode: a.release_mode,
                    rows,
                    file: Some(ListFile::new(file_name, bytes)),
                },
                Some(&progress),
            )
            .await;
        if let Some(t) = ticker {
            t.abort();
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let summary = summary?;
        println!(
            "{}",
            serde_json::json!({
                "rows": summary.rows,
                "unusable": summary.unusable,
                "matched": summary.matched,
                "review": summary.review,
                "notified_organisations": summary.notified_organisations,
            })
        );
        Ok(())
    })
}

/// A progress bar on a terminal for long lists; nothing otherwise.
fn progress_bar(rows: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || rows < 1_000 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(rows as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows linked {per_sec} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        bytes: &[u8],
        columns: &[&str],
    ) -> anyhow::Result<(Vec<PersonRecord>, Vec<people::Issue>)> {
        let columns: Vec<String> = columns.iter().map(|c| (*c).to_string()).collect();
        read_list(bytes, &people::ReadOptions::default(), &columns)
    }

    #[test]
    fn rows_are_read_tolerantly_and_bad_files_are_refused() {
        let csv = "No.,Name,DOB,Nationality,Remarks\n1,CHAN Wai Kit,2001-03-04,HK,x\n2,,,,x\n";
        let (rows, issues) = read(csv.as_bytes(), &[]).unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].names, vec!["CHAN Wai Kit".to_string()]);
        assert!(issues.iter().any(|i| i.unusable && i.line == 3));
        assert!(read(b"a,b\n1,2\n", &[]).is_err(), "no name column");
        assert!(read(&[0xff, 0xfe, 0x41], &[]).is_err(), "bad UTF-16");
        assert!(read(&[0x41, 0xff, 0x41], &[]).is_err(), "not UTF-8");
        let (mapped, _) = read(b"who,b\nX Y,2\n", &["full_name=who"]).unwrap_or_default();
        assert_eq!(mapped[0].names, vec!["X Y".to_string()]);
    }
}
