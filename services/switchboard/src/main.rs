//! The `switchboard` binary: parses the command line and hands off to one command module.

mod app;
mod asr;
mod cmd;
mod config;
mod lex;
mod progress;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Switchboard: self-hostable contact-center intelligence (chatbot, live call analytics,
/// post-call analytics) on one machine.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version)]
struct Cli {
    #[command(flatten)]
    overrides: config::Overrides,
    /// Log as JSON lines (for log shippers) instead of text.
    #[arg(long, global = true, env = "SWITCHBOARD_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: chat websocket, HTTP API, web UI, metrics.
    Serve,
    /// Check, import and inspect bot definitions.
    #[command(subcommand)]
    Bot(cmd::bot::BotCommand),
    /// Build the FAQ knowledge index.
    #[command(subcommand)]
    Knowledge(cmd::knowledge::KnowledgeCommand),
    /// Issue, revoke and list API tokens.
    #[command(subcommand)]
    Token(cmd::token::TokenCommand),
    /// Check the call rules (categories and alerts).
    #[command(subcommand)]
    Rules(cmd::rules::RulesCommand),
    /// Talk to a bot from the terminal.
    Chat(cmd::chat::Args),
    /// Install and list Whisper speech models.
    #[command(subcommand)]
    Models(cmd::models::ModelsCommand),
    /// Transcribe a recording into a speaker-labelled transcript.
    Transcribe(cmd::transcribe::Args),
    /// Analyse recordings as calls: transcript, metrics, summary, roles; stored for dashboards.
    Analyze(cmd::analyze::Args),
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
    /// Word error rate and real-time factor of speech recognition.
    Asr(cmd::eval_asr::Args),
    /// Accuracy and macro-F1 of sentiment, beside VADER in the same run.
    Sentiment(cmd::eval_sentiment::Args),
    /// Precision and recall of PII redaction per kind, on labelled dialogues.
    Redaction(cmd::eval_redaction::Args),
    /// Accuracy of a bot round by round as the improvement loop learns its missed utterances.
    Improve(cmd::eval_improve::Args),
}

fn main() -> std::process::ExitCode {
    if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
        // candle's own op threads spin at a barrier between ops; our code parallelises at a
        // coarser grain (rayon), so candle ops run on the thread that calls them.
        // SAFETY: no other thread exists yet to read the environment concurrently.
        unsafe { std::env::set_var("CANDLE_NUM_THREADS", "1") };
    }
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One readable line (with its causes), not a backtrace: this is a user-facing tool.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let o = &cli.overrides;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve => cmd::serve::run(o).await,
            Command::Bot(c) => cmd::bot::run(c, o).await,
            Command::Knowledge(c) => cmd::knowledge::run(c, o).await,
            Command::Token(c) => cmd::token::run(c, o).await,
            Command::Rules(c) => cmd::rules::run(c, o),
            Command::Chat(args) => cmd::chat::run(args, o).await,
            Command::Models(c) => cmd::models::run(c, o).await,
            Command::Transcribe(args) => cmd::transcribe::run(args, o).await,
            Command::Analyze(args) => cmd::analyze::run(args, o).await,
            Command::Eval(Eval::Asr(args)) => cmd::eval_asr::run(args, o).await,
            Command::Eval(Eval::Nlu(args)) => {
                tokio::task::block_in_place(|| cmd::eval_nlu::run(args, o))
            }
            Command::Eval(Eval::Faq(args)) => {
                tokio::task::block_in_place(|| cmd::eval_faq::run(args, o))
            }
            Command::Eval(Eval::Sentiment(args)) => {
                tokio::task::block_in_place(|| cmd::eval_sentiment::run(args, o))
            }
            Command::Eval(Eval::Redaction(args)) => cmd::eval_redaction::run(args, o),
            Command::Eval(Eval::Improve(args)) => cmd::eval_improve::run(args, o).await,
        }
    })
}

/// Logs go to stderr so commands that print results (`eval --json`) keep stdout clean.
/// whisper.cpp's own log is off unless `SWITCHBOARD_LOG` names `whisper_rs`: it calls every
/// cancelled decode an error, and Switchboard reports real decode failures itself.
fn init_tracing(json: bool) {
    let wanted = std::env::var("SWITCHBOARD_LOG").unwrap_or_else(|_| "info".into());
    let directives = if wanted.contains("whisper_rs") {
        wanted
    } else {
        format!("{wanted},whisper_rs=off")
    };
    let filter =
        EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("info,whisper_rs=off"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
