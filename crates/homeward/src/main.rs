//! The one `homeward` binary.

mod cmd;

use clap::{Parser, Subcommand};

/// mimalloc: matching a million records allocates and frees tens of millions of small strings,
/// which glibc's allocator serves about a tenth slower.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// homeward: cross-border casework on scam-compound trafficking.
#[derive(Debug, Parser)]
#[command(name = "homeward", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the node: JSON API, web UI and health check.
    Serve(cmd::node::ServeArgs),
    /// Run the node with the synthetic demo world (same as `serve --demo`).
    Demo(cmd::node::DemoArgs),
    /// Apply database migrations and exit.
    Migrate(cmd::node::DataArgs),
    /// Operator commands: organisations, users, API tokens, retention purge.
    Admin(cmd::node::AdminArgs),
    /// Check the audit log.
    Audit(cmd::node::AuditArgs),
    /// Monitoring reports printed as JSON (requests received per partner).
    Report(cmd::report::ReportArgs),
    /// Import lists: reconcile a rescue list against every open case.
    Import(cmd::import::ImportArgs),
    /// Match person records: deduplicate one file or link two.
    Match(cmd::matching::MatchArgs),
    /// Generate synthetic data with ground truth (for tests and benchmarks).
    Gen(cmd::r#gen::GenArgs),
    /// Screen job ads and recruitment messages for scam-compound lure risk.
    Screen(cmd::screen::ScreenArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cmd::node::serve(args),
        Command::Demo(args) => cmd::node::demo(args),
        Command::Migrate(args) => cmd::node::migrate(args),
        Command::Admin(args) => cmd::node::admin(args),
        Command::Audit(args) => cmd::node::audit(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Match(args) => cmd::matching::run(args),
        Command::Gen(args) => cmd::r#gen::run(args),
        Command::Screen(args) => cmd::screen::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
