//! `homeward report …`: monitoring figures printed as JSON.

use homeward_core::Homeward;
use homeward_types::OrgId;

use super::node::{DataArgs, runtime};

/// Arguments of `homeward report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

/// Reports.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Requests an organisation received, per requesting partner: received,
    /// located, released ("resolved"), repatriated and the median days from
    /// report to release; prints one JSON object.
    Partners {
        /// The organisation whose received requests to count.
        #[arg(long)]
        org: OrgId,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `homeward report …`.
pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async move {
        match args.command {
            ReportCommand::Partners { org, data } => {
                let hw = Homeward::new(data.open().await?);
                let report = hw.partner_report_of(org).await?;
                println!("{}", serde_json::to_string_pretty(&report)?);
                Ok(())
            }
        }
    })
}
