//! `switchboard chat`: talk to a bot from the terminal, through the same engine `serve` uses.

use std::io::{BufRead, Write};

use switchboard_chat::{Said, Source};

use crate::config::{Config, Overrides};

/// Arguments of `switchboard chat`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Bot to talk to (default: `default_bot` from the configuration).
    #[arg(long)]
    pub bot: Option<String>,
}

pub async fn run(args: Args, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    let app = crate::app::build(&config).await?;
    let bot = args.bot.unwrap_or(config.default_bot);
    let mut session = app.chat.open_session(&bot, None).await?;
    println!(
        "{} (bot {} v{}, session {}; Ctrl-D to quit)",
        session.greeting, session.bot, session.bot_version, session.id
    );
    let stdin = std::io::stdin();
    loop {
        print!("you> ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            println!();
            return Ok(());
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let outcome = match app.chat.turn(&mut session, text).await? {
            Said::Bot(outcome) => outcome,
            Said::ToAgent(handoff) => {
                println!(
                    "     [sent to a person: the chat is {}]",
                    handoff.state.as_str()
                );
                continue;
            }
        };
        println!("bot> {}", outcome.text);
        println!(
            "     [{}; {:.1} ms]",
            describe(&outcome.source),
            outcome.latency.as_secs_f64() * 1000.0
        );
    }
}

fn describe(source: &Source) -> String {
    match source {
        Source::Intent { intent, confidence } => {
            format!("intent {intent} ({:.0} %)", confidence * 100.0)
        }
        Source::Knowledge { title, score, .. } => {
            format!("answered from FAQ: {title} (score {score:.2})")
        }
        Source::Handoff { reason } => format!("handoff: {}", reason.as_str()),
    }
}
