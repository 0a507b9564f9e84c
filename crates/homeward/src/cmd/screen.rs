//! `homeward screen` — placeholder until its engine lands.

/// Arguments of `homeward screen`.
#[derive(Debug, clap::Args)]
pub struct ScreenArgs {}

/// Runs the command.
pub fn run(_args: ScreenArgs) -> anyhow::Result<()> {
    anyhow::bail!("not available yet")
}
