//! API tokens: issue, verify, revoke, list.
//!
//! Tokens are 43 random base62 characters (~256 bits) from the thread-local CSPRNG behind an
//! `sb_` prefix. Only their SHA-256 is stored: a slow password KDF (argon2, bcrypt) defends
//! low-entropy human passwords against brute force, which is pointless for 256 random bits, and
//! a plain hash keeps verification a single indexed lookup.

use chrono::{DateTime, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError, conflict_or, corrupt};
use crate::types::{Role, TokenInfo};
use crate::{Store, new_id, now};

/// Prefix that makes Switchboard tokens recognisable (e.g. by secret scanners).
const TOKEN_PREFIX: &str = "sb_";
/// Random characters after the prefix: 43 × log2(62) ≈ 256 bits.
const TOKEN_RANDOM_CHARS: usize = 43;
/// Longest accepted token name, in characters.
const MAX_NAME_CHARS: usize = 100;

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    name: String,
    role: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    fn into_info(self) -> Result<TokenInfo> {
        let role = self.role.parse::<Role>().map_err(|_| {
            corrupt(format!(
                "token {} has unknown role {:?}",
                self.id, self.role
            ))
        })?;
        Ok(TokenInfo {
            id: self.id,
            name: self.name,
            role,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
        })
    }
}

fn generate_plaintext() -> String {
    let random = rand::rng()
        .sample_iter(Alphanumeric)
        .take(TOKEN_RANDOM_CHARS)
        .map(char::from);
    TOKEN_PREFIX.chars().chain(random).collect()
}

fn hash_token(plaintext: &str) -> String {
    hex::encode(Sha256::digest(plaintext.as_bytes()))
}

fn validate_name(name: &str) -> Result<()> {
    let problem = if name.trim().is_empty() {
        Some("must not be empty")
    } else if name.trim() != name {
        Some("must not start or end with whitespace")
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some("must be at most 100 characters")
    } else if name.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if uuid::Uuid::parse_str(name).is_ok() {
        // Revocation accepts an id or a name; a name shaped like an id would be ambiguous.
        Some("must not look like a token id (UUID)")
    } else {
        None
    };
    match problem {
        Some(p) => Err(StoreError::Invalid(format!("token name {name:?} {p}"))),
        None => Ok(()),
    }
}

impl Store {
    /// Issues a token; the plaintext is returned once and never stored, so show it to the user now.
    pub async fn create_token(&self, name: &str, role: Role) -> Result<(TokenInfo, String)> {
        validate_name(name)?;
        let plaintext = generate_plaintext();
        let info = TokenInfo {
            id: new_id(),
            name: name.to_owned(),
            role,
            created_at: now(),
            revoked_at: None,
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO tokens (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&info.id)
        .bind(&info.name)
        .bind(role.as_str())
        .bind(hash_token(&plaintext))
        .bind(info.created_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| {
            conflict_or(e, || {
                format!("an active token named {name:?} already exists; revoke it or pick another name")
            })
        })?;
        Ok((info, plaintext))
    }

    /// Resolves a presented token to its holder, or `None` if unknown or revoked.
    pub async fn verify_token(&self, plaintext: &str) -> Result<Option<TokenInfo>> {
        if !plaintext.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = hash_token(plaintext);
        let row: Option<TokenRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, role, created_at, revoked_at FROM tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(&hash)
        .fetch_optional(pool)
        .await)?;
        row.map(TokenRow::into_info).transpose()
    }

    /// Revokes the active token with this id or name; `NotFound` if there is none.
    pub async fn revoke_token(&self, id_or_name: &str) -> Result<TokenInfo> {
        let row: Option<TokenRow> = on_pool!(self, pool => sqlx::query_as(
            "UPDATE tokens SET revoked_at = $1 \
             WHERE revoked_at IS NULL AND (id = $2 OR name = $2) \
             RETURNING id, name, role, created_at, revoked_at",
        )
        .bind(now())
        .bind(id_or_name)
        .fetch_optional(pool)
        .await)?;
        row.ok_or_else(|| {
            StoreError::NotFound(format!("no active token with id or name {id_or_name:?}"))
        })?
        .into_info()
    }

    /// All tokens ever issued, oldest first, revoked ones included (see `revoked_at`).
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        let rows: Vec<TokenRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(TokenRow::into_info).collect()
    }

    /// Number of active tokens with exactly this role, e.g. to bootstrap the first admin.
    pub async fn count_tokens_with_role(&self, role: Role) -> Result<u64> {
        let count: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM tokens WHERE role = $1 AND revoked_at IS NULL",
        )
        .bind(role.as_str())
        .fetch_one(pool)
        .await)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }
}
