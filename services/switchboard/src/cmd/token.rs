//! `switchboard token create|revoke|list`: API tokens, stored hashed.

use switchboard_storage::Role;

use crate::config::{Config, Overrides};

/// Subcommands of `switchboard token`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Issue a token; its secret is printed once and never stored.
    Create {
        /// admin, supervisor, agent or client (the public chat widget).
        #[arg(long)]
        role: Role,
        /// A label unique among active tokens, e.g. `alice` or `website-widget`.
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by id or name; it stops working at once.
    Revoke { id_or_name: String },
    /// Tokens with their roles (secrets are not stored, so never shown).
    List,
}

pub async fn run(cmd: TokenCommand, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    let store = crate::app::connect(&config).await?;
    match cmd {
        TokenCommand::Create { role, name } => {
            let (info, secret) = store.create_token(&name, role).await?;
            eprintln!(
                "created {} token `{}` (id {}); it is shown only now:",
                info.role.as_str(),
                info.name,
                info.id
            );
            println!("{secret}");
        }
        TokenCommand::Revoke { id_or_name } => {
            let info = store.revoke_token(&id_or_name).await?;
            println!(
                "revoked {} token `{}` (id {})",
                info.role.as_str(),
                info.name,
                info.id
            );
        }
        TokenCommand::List => {
            for t in store.list_tokens().await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{:36}  {:10}  {:7}  {}  {}",
                    t.id,
                    t.role.as_str(),
                    state,
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    t.name
                );
            }
        }
    }
    Ok(())
}
