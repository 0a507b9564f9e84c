//! `homeward gen` — synthetic data with ground truth, for tests and benchmarks.

use std::io::Write;
use std::path::PathBuf;

/// Arguments of `homeward gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    #[command(subcommand)]
    what: GenCommand,
}

#[derive(Debug, clap::Subcommand)]
enum GenCommand {
    /// Multilingual person records (fictional people, fake phone numbers) with an `entity_id`
    /// ground-truth column, in the person-record CSV format.
    Persons {
        /// Number of records.
        #[arg(long, default_value_t = 1000)]
        n: usize,
        /// Random seed (same seed, same file).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file (standard output if absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs the command.
pub fn run(args: GenArgs) -> anyhow::Result<()> {
    let GenCommand::Persons { n, seed, out } = args.what;
    let sink: Box<dyn Write> = match &out {
        Some(p) => Box::new(
            std::fs::File::create(p)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(sink));
    w.write_record([
        "record_id",
        "entity_id",
        "full_name",
        "alt_names",
        "sex",
        "birth_date",
        "nationality",
        "phone",
        "passport_no",
        "id_no",
        "address",
        "last_seen_place",
    ])?;
    for s in homeward_match::synth::persons(n, seed) {
        let r = s.record;
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        w.write_record([
            r.record_id.clone(),
            s.entity_id.to_string(),
            r.names.first().cloned().unwrap_or_default(),
            r.names.get(1..).map(|x| x.join(";")).unwrap_or_default(),
            o(&r.sex),
            o(&r.birth_date),
            o(&r.nationality),
            r.phones.join(";"),
            o(&r.passport_no),
            o(&r.id_no),
            o(&r.address),
            o(&r.last_seen_place),
        ])?;
    }
    w.flush()?;
    Ok(())
}
