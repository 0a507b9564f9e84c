//! `homeward matching` — placeholder until its engine lands.

/// Arguments of `homeward matching`.
#[derive(Debug, clap::Args)]
pub struct MatchArgs {}

/// Runs the command.
pub fn run(_args: MatchArgs) -> anyhow::Result<()> {
    anyhow::bail!("not available yet")
}
