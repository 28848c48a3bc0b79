//! `switchboard eval faq`: indexes an answer pool and scores the chatbot's retrieval on questions.

use std::path::PathBuf;

/// Arguments of `eval faq`; keep stable, unseen data is scored through it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Answer pool CSV with header `answer_id,text`.
    #[arg(long)]
    pub answers: PathBuf,
    /// Questions CSV with header `question,answer_ids` (space-separated ids).
    #[arg(long)]
    pub questions: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::bail!("eval faq is being built: {args:?}")
}
