//! `switchboard eval nlu`: trains the serving NLU engine on one CSV and scores it on another.

use std::path::PathBuf;

/// Arguments of `eval nlu`; this interface is how quality is checked on unseen data: keep it stable.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Training CSV with header `text,label` (or `text,category`).
    #[arg(long)]
    pub train: PathBuf,
    /// Test CSV, same header.
    #[arg(long)]
    pub test: PathBuf,
    /// Label marking out-of-scope rows; without it every rejection counts as wrong.
    #[arg(long)]
    pub oos_label: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::bail!("eval nlu is being built: {args:?}")
}
