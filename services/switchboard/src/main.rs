//! The `switchboard` binary: parses the command line and hands off to one command module.

mod cmd;

use clap::{Parser, Subcommand};

/// Switchboard: self-hostable contact-center intelligence.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure quality and speed on labelled data.
    #[command(subcommand)]
    Eval(Eval),
}

#[derive(Debug, Subcommand)]
enum Eval {
    /// Intent accuracy and out-of-scope detection of the NLU engine.
    Nlu(cmd::eval_nlu::Args),
    /// Recall@1, recall@5 and MRR of the knowledge retrieval.
    Faq(cmd::eval_faq::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Eval(Eval::Nlu(args)) => cmd::eval_nlu::run(args),
        Command::Eval(Eval::Faq(args)) => cmd::eval_faq::run(args),
    }
}
