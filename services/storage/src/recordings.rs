//! What a recording analysed in bulk adds to its call: the file it came from and, per channel,
//! the role (given or detected, with how sure) and the loudness.

use crate::error::{Result, StoreError};
use crate::{Store, now};

/// One channel of an analysed recording.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRecord {
    pub channel: u16,
    /// "customer" or "agent".
    pub role: String,
    /// True when the role was detected from the words rather than given.
    pub detected: bool,
    /// 0…1: how sure the role is (1 when given).
    pub confidence: f64,
    /// Integrated loudness (EBU R128); `None` for a silent channel.
    pub loudness_lufs: Option<f64>,
}

/// The file a call was analysed from and its channels.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingRecord {
    pub file_name: String,
    pub channels: Vec<ChannelRecord>,
}

impl Store {
    /// Stores (or replaces) what a call's recording was found to be, in one transaction.
    /// `Invalid` or `NotFound` (unknown call) write nothing.
    pub async fn save_call_recording(&self, call_id: &str, rec: &RecordingRecord) -> Result<()> {
        validate(call_id, rec)?;
        // An async block, so `?` stops here and a missing call can be told from other failures.
        let result: std::result::Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM call_channels WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO call_recordings (call_id, file_name, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (call_id) DO UPDATE SET file_name = $2, created_at = $3",
            )
            .bind(call_id)
            .bind(&rec.file_name)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            for c in &rec.channels {
                sqlx::query(
                    "INSERT INTO call_channels (call_id, channel, role, detected, confidence, \
                     loudness_lufs) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(call_id)
                .bind(i64::from(c.channel))
                .bind(&c.role)
                .bind(c.detected)
                .bind(c.confidence)
                .bind(c.loudness_lufs)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await);
        match result {
            Ok(()) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
                Err(StoreError::NotFound(format!("call {call_id:?}")))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// What a call's recording was found to be; `None` for a call that streamed live.
    pub async fn call_recording(&self, call_id: &str) -> Result<Option<RecordingRecord>> {
        let file: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT file_name FROM call_recordings WHERE call_id = $1",
        )
        .bind(call_id)
        .fetch_optional(pool)
        .await)?;
        let Some(file_name) = file else {
            return Ok(None);
        };
        Ok(Some(RecordingRecord {
            file_name,
            channels: self.call_channels(call_id).await?,
        }))
    }

    /// What each channel of a call was found to be (role, how sure, loudness), in channel
    /// order; empty when nothing was measured.
    pub async fn call_channels(&self, call_id: &str) -> Result<Vec<ChannelRecord>> {
        let rows: Vec<(i64, String, bool, f64, Option<f64>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT channel, role, detected, confidence, loudness_lufs FROM call_channels \
             WHERE call_id = $1 ORDER BY channel",
        )
        .bind(call_id)
        .fetch_all(pool)
        .await)?;
        let channels = rows
            .into_iter()
            .map(
                |(channel, role, detected, confidence, loudness_lufs)| ChannelRecord {
                    channel: u16::try_from(channel).unwrap_or(u16::MAX),
                    role,
                    detected,
                    confidence,
                    loudness_lufs,
                },
            )
            .collect();
        Ok(channels)
    }

    /// Keeps the loudness a live call's channels measured (their roles as streamed); `NotFound`
    /// for an unknown call, `Invalid` for a loudness that is not a number or a channel too many.
    pub async fn save_channel_loudness(&self, call_id: &str, lufs: &[Option<f64>]) -> Result<()> {
        let call = self.get_call(call_id).await?;
        if lufs.len() > call.channel_roles.len() || lufs.iter().flatten().any(|l| !l.is_finite()) {
            return Err(StoreError::Invalid(format!(
                "loudness of call {call_id:?}: {} finite values at most, one per channel",
                call.channel_roles.len()
            )));
        }
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for (i, (l, role)) in lufs.iter().zip(&call.channel_roles).enumerate() {
                sqlx::query(
                    "INSERT INTO call_channels (call_id, channel, role, detected, confidence, \
                     loudness_lufs) VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT (call_id, channel) \
                     DO UPDATE SET loudness_lufs = excluded.loudness_lufs",
                )
                .bind(call_id)
                .bind(i as i64)
                .bind(role)
                .bind(false)
                .bind(*l)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await)?;
        Ok(())
    }

    /// Deletes a call with everything stored under it (segments, rule hits, suggestions, missed
    /// utterances, recording): an analysis a crash interrupted is redone from the start.
    /// `false` when there was no such call.
    pub async fn delete_call(&self, call_id: &str) -> Result<bool> {
        let deleted: std::result::Result<u64, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            // The overview's sums lose what the call added to them.
            if let Some(old) = stored_contribution!(tx, call_id).await? {
                apply_contribution!(tx, &old).await?;
            }
            let n = sqlx::query("DELETE FROM calls WHERE id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(n)
        }
        .await);
        Ok(deleted? > 0)
    }
}

fn validate(call_id: &str, rec: &RecordingRecord) -> Result<()> {
    let invalid = |why: String| {
        Err(StoreError::Invalid(format!(
            "recording of call {call_id:?}: {why}"
        )))
    };
    if rec.file_name.trim().is_empty() || rec.file_name.chars().count() > 1000 {
        return invalid("the file name must be 1–1000 characters".into());
    }
    for (i, c) in rec.channels.iter().enumerate() {
        if usize::from(c.channel) != i {
            return invalid(format!("channel {} listed at position {i}", c.channel));
        }
        if !crate::CALL_SPEAKERS.contains(&c.role.as_str()) {
            return invalid(format!(
                "channel {}: role {:?} is not customer or agent",
                c.channel, c.role
            ));
        }
        if !(0.0..=1.0).contains(&c.confidence) {
            return invalid(format!(
                "channel {}: confidence {} is outside 0…1",
                c.channel, c.confidence
            ));
        }
        if c.loudness_lufs.is_some_and(|l| !l.is_finite()) {
            return invalid(format!("channel {}: loudness is not a number", c.channel));
        }
    }
    Ok(())
}
