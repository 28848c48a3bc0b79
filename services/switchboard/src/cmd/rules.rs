//! `switchboard rules check`: validates the call rules an author edited, before a server loads
//! them.

use std::path::PathBuf;

use crate::config::{Config, Overrides};

/// Subcommands of `switchboard rules`.
#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// Validate every rule file (default: the configured `rules_dir`), printing each problem
    /// with file and line. A running server applies edits on `POST /v1/rules/reload`.
    Check {
        /// Folder of rule files.
        dir: Option<PathBuf>,
    },
}

pub fn run(cmd: RulesCommand, o: &Overrides) -> anyhow::Result<()> {
    match cmd {
        RulesCommand::Check { dir } => {
            let dir = match dir {
                Some(dir) => dir,
                None => Config::load(o)?.rules_dir,
            };
            match rules::load_dir(&dir) {
                Ok(set) => {
                    for rule in &set.rules {
                        let alert = rule.alert.map_or("category only", |s| s.as_str());
                        println!("ok    {:<24} {} ({alert})", rule.name, rule.category);
                    }
                    println!("{} rule(s) in {}", set.len(), dir.display());
                    Ok(())
                }
                Err(report) => {
                    print!("{report}");
                    anyhow::bail!("the rules in {} have problems", dir.display())
                }
            }
        }
    }
}
