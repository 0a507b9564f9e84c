//! The one `homeward` binary.

mod cmd;

use clap::{Parser, Subcommand};

/// homeward: cross-border casework on scam-compound trafficking.
#[derive(Debug, Parser)]
#[command(name = "homeward", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Match person records: deduplicate one file or link two.
    Match(cmd::matching::MatchArgs),
    /// Generate synthetic data with ground truth (for tests and benchmarks).
    Gen(cmd::gen::GenArgs),
    /// Screen job ads and recruitment messages for scam-compound lure risk.
    Screen(cmd::screen::ScreenArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Match(args) => cmd::matching::run(args),
        Command::Gen(args) => cmd::gen::run(args),
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
