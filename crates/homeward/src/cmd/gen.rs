//! `homeward gen` — placeholder until its engine lands.

/// Arguments of `homeward gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {}

/// Runs the command.
pub fn run(_args: GenArgs) -> anyhow::Result<()> {
    anyhow::bail!("not available yet")
}
