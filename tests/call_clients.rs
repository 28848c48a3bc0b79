//! Clients for call audio: staged calls read from disk, LCA and Twilio websocket streams, and
//! the live call feed, so the call tests read as what a telephony client does.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use futures::{FutureExt, SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{Server, repo_root, uuid_like};

/// A client websocket to the server under test.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for one message before calling the server stuck (generous: other
/// work may hold the CPU while Whisper decodes).
const MESSAGE_WAIT: Duration = Duration::from_secs(240);

/// The staged calls shared by every checkout (`/work/shared/data/speech/calls`).
pub fn calls_dir() -> PathBuf {
    repo_root().join("../shared/data/speech/calls")
}

/// The real recording of Amazon LCA's test call (`/work/shared/data/speech/lca-calls`).
pub fn lca_recording() -> PathBuf {
    repo_root().join("../shared/data/speech/lca-calls/auto_repairs_40.wav")
}

/// A call id no other test uses.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid_like())
}

/// One scripted turn of a staged call.
#[derive(Debug, Clone, Deserialize)]
pub struct Turn {
    pub speaker: String,
    pub channel: usize,
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
}

/// A call recording: the WAV file as bytes, its PCM per channel, and the script it was made
/// from (staged calls; a real recording has none).
pub struct StagedCall {
    /// The file as it is on disk, header included (what LCA's client streams).
    pub file: Vec<u8>,
    /// Bytes before the PCM data (the RIFF header).
    pub header_len: usize,
    pub sample_rate: u32,
    /// Samples per channel: 0 customer, 1 agent.
    pub channels: Vec<Vec<i16>>,
    pub turns: Vec<Turn>,
}

#[derive(Deserialize)]
struct Script {
    turns: Vec<Turn>,
}

impl StagedCall {
    /// Reads `<name>.wav` and `<name>.json` from [`calls_dir`].
    pub fn load(name: &str) -> anyhow::Result<Self> {
        let mut call = Self::recording(&calls_dir().join(format!("{name}.wav")))?;
        let json = calls_dir().join(format!("{name}.json"));
        let script: Script = serde_json::from_slice(&std::fs::read(&json)?)
            .with_context(|| json.display().to_string())?;
        call.turns = script.turns;
        Ok(call)
    }

    /// Reads a stereo PCM16 recording without a script.
    pub fn recording(wav: &Path) -> anyhow::Result<Self> {
        let file = std::fs::read(wav).with_context(|| wav.display().to_string())?;
        let mut reader = hound::WavReader::new(std::io::Cursor::new(&file))
            .with_context(|| wav.display().to_string())?;
        let spec = reader.spec();
        if spec.bits_per_sample != 16 || spec.channels != 2 {
            bail!("{}: expected stereo PCM16, found {spec:?}", wav.display());
        }
        let samples = reader.samples::<i16>().collect::<Result<Vec<_>, _>>()?;
        let channels = (0..2)
            .map(|c| samples.iter().skip(c).step_by(2).copied().collect())
            .collect();
        let pcm_bytes = samples.len() * 2;
        let header_len = file
            .len()
            .checked_sub(pcm_bytes)
            .context("WAV shorter than its samples")?;
        Ok(Self {
            file,
            header_len,
            sample_rate: spec.sample_rate,
            channels,
            turns: Vec::new(),
        })
    }

    /// The same call `db` decibels louder, clipped at full scale as a hot telephone line is
    /// (what `sox in.wav out.wav gain 6` makes): header and file rewritten to match.
    pub fn louder(&self, db: f64) -> Self {
        let gain = 10f64.powf(db / 20.0);
        let channels: Vec<Vec<i16>> = self
            .channels
            .iter()
            .map(|c| {
                c.iter()
                    .map(|&s| (f64::from(s) * gain).round().clamp(-32768.0, 32767.0) as i16)
                    .collect()
            })
            .collect();
        let mut file = self.file[..self.header_len].to_vec();
        file.extend(
            (0..channels[0].len())
                .flat_map(|i| channels.iter().map(move |c| c[i]))
                .flat_map(i16::to_le_bytes),
        );
        Self {
            file,
            header_len: self.header_len,
            sample_rate: self.sample_rate,
            channels,
            turns: self.turns.clone(),
        }
    }

    /// Writes the call as a WAV file (for `switchboard transcribe`).
    pub fn write_wav(&self, path: &Path, channels: &[usize]) -> anyhow::Result<()> {
        let spec = hound::WavSpec {
            channels: channels.len() as u16,
            sample_rate: self.sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec)?;
        for i in 0..self.channels[0].len() {
            for &c in channels {
                writer.write_sample(self.channels[c][i])?;
            }
        }
        writer.finalize()?;
        Ok(())
    }

    /// The call mixed down to one channel, both parties on it (as a mono recorder keeps it).
    pub fn write_mono_mix(&self, path: &Path) -> anyhow::Result<()> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: self.sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec)?;
        for (a, b) in self.channels[0].iter().zip(&self.channels[1]) {
            writer.write_sample(((i32::from(*a) + i32::from(*b)) / 2) as i16)?;
        }
        writer.finalize()?;
        Ok(())
    }

    /// Milliseconds of `channel` that are louder than `dbfs` (100 ms windows) from `from_ms` on:
    /// where someone speaks, judged from the audio alone.
    pub fn loud_ms(&self, channel: usize, from_ms: u64, dbfs: f64) -> u64 {
        let window = self.frames(100);
        let from = self.frames(from_ms).min(self.channels[channel].len());
        let loud = self.channels[channel][from..].chunks(window).filter(|w| {
            let power = w
                .iter()
                .map(|&s| (f64::from(s) / 32768.0).powi(2))
                .sum::<f64>()
                / w.len() as f64;
            10.0 * power.max(1e-12).log10() > dbfs
        });
        loud.count() as u64 * 100
    }

    /// Audio length in ms.
    pub fn duration_ms(&self) -> u64 {
        self.channels[0].len() as u64 * 1000 / u64::from(self.sample_rate)
    }

    /// Frames in `ms` of audio.
    pub fn frames(&self, ms: u64) -> usize {
        (ms * u64::from(self.sample_rate) / 1000) as usize
    }

    /// The file as is, cut into chunks of `ms` of audio; the first also carries the header.
    pub fn lca_chunks(&self, ms: u64) -> Vec<Vec<u8>> {
        let step = self.frames(ms) * 4;
        let data = &self.file[self.header_len..];
        let mut chunks: Vec<Vec<u8>> = data.chunks(step).map(<[u8]>::to_vec).collect();
        if let Some(first) = chunks.first_mut() {
            first.splice(0..0, self.file[..self.header_len].iter().copied());
        }
        chunks
    }

    /// Interleaved PCM16LE of `[from_ms, to_ms)`, in chunks of `chunk_ms` (no header).
    pub fn pcm_chunks(&self, from_ms: u64, to_ms: u64, chunk_ms: u64) -> Vec<Vec<u8>> {
        let (from, to) = (
            self.frames(from_ms),
            self.frames(to_ms).min(self.channels[0].len()),
        );
        let bytes: Vec<u8> = (from..to)
            .flat_map(|i| [self.channels[0][i], self.channels[1][i]])
            .flat_map(i16::to_le_bytes)
            .collect();
        bytes
            .chunks(self.frames(chunk_ms) * 4)
            .map(<[u8]>::to_vec)
            .collect()
    }

    /// The scripted words of `speaker`, in order.
    pub fn script_text(&self, speaker: &str) -> String {
        self.turns
            .iter()
            .filter(|t| t.speaker == speaker)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The scripted turn overlapping `[start_ms, end_ms)` the most, if any overlaps.
    pub fn turn_at(&self, start_ms: u64, end_ms: u64) -> Option<&Turn> {
        let overlap = |t: &Turn| {
            let (s, e) = ((t.start_s * 1000.0) as i64, (t.end_s * 1000.0) as i64);
            (e.min(end_ms as i64) - s.max(start_ms as i64)).max(0)
        };
        self.turns
            .iter()
            .filter(|t| overlap(t) > 0)
            .max_by_key(|t| overlap(t))
    }
}

/// The HTTP status a websocket upgrade was refused with, or `None` when it was accepted.
pub async fn upgrade_refusal(url: &str) -> anyhow::Result<Option<u16>> {
    match tokio_tungstenite::connect_async(url).await {
        Ok(_) => Ok(None),
        Err(tungstenite::Error::Http(response)) => Ok(Some(response.status().as_u16())),
        Err(e) => Err(e.into()),
    }
}

/// A call-audio websocket (LCA ingest or Twilio): frames out, a close frame back.
pub struct CallSocket {
    pub ws: Ws,
}

impl CallSocket {
    /// `/v1/calls/ingest` with the token as LCA's client sends it (`?authorization=Bearer …`).
    pub async fn lca(server: &Server, token: &str) -> anyhow::Result<Self> {
        Self::open(&format!(
            "{}/v1/calls/ingest?authorization=Bearer%20{token}",
            server.ws_url()
        ))
        .await
    }

    /// `/v1/calls/twilio`, with `?token=` when `token` is given.
    pub async fn twilio(server: &Server, token: Option<&str>) -> anyhow::Result<Self> {
        let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
        Self::open(&format!("{}/v1/calls/twilio{query}", server.ws_url())).await
    }

    async fn open(url: &str) -> anyhow::Result<Self> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .with_context(|| format!("connecting {url}"))?;
        Ok(Self { ws })
    }

    /// Sends a JSON text frame.
    pub async fn send_json(&mut self, value: &Value) -> anyhow::Result<()> {
        self.send_text(&value.to_string()).await
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, text: &str) -> anyhow::Result<()> {
        self.ws.send(Message::Text(text.into())).await?;
        Ok(())
    }

    /// Sends one binary audio frame.
    pub async fn send_audio(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.ws.send(Message::Binary(bytes.to_vec().into())).await?;
        Ok(())
    }

    /// Sends every chunk, waiting `pace` after each (real-time streaming) when given.
    pub async fn stream(
        &mut self,
        chunks: &[Vec<u8>],
        pace: Option<Duration>,
    ) -> anyhow::Result<()> {
        for chunk in chunks {
            self.send_audio(chunk).await?;
            if let Some(pause) = pace {
                tokio::time::sleep(pause).await;
            }
        }
        Ok(())
    }

    /// Sends chunks, `pace` apart, until the server closes (or they run out); returns the close,
    /// if it came. Looks for the close before each send, so the close frame is read even when
    /// the server resets the connection on audio it no longer reads.
    pub async fn stream_until_closed(
        &mut self,
        chunks: impl Iterator<Item = Vec<u8>>,
        pace: Duration,
    ) -> anyhow::Result<Option<(u16, String)>> {
        for chunk in chunks {
            if let Some(message) = self.ws.next().now_or_never() {
                return Ok(Some(close_of(message)?));
            }
            if self.send_audio(&chunk).await.is_err() {
                return Ok(Some(self.closed().await?));
            }
            tokio::time::sleep(pace).await;
        }
        Ok(None)
    }

    /// Waits for the server's close frame; returns its code and reason.
    pub async fn closed(&mut self) -> anyhow::Result<(u16, String)> {
        loop {
            let message = tokio::time::timeout(MESSAGE_WAIT, self.ws.next())
                .await
                .context("no close frame from the server")?;
            if let Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) = message {
                continue;
            }
            return close_of(message);
        }
    }
}

fn close_of(message: Option<Result<Message, tungstenite::Error>>) -> anyhow::Result<(u16, String)> {
    match message {
        Some(Ok(Message::Close(Some(f)))) => Ok((f.code.into(), f.reason.to_string())),
        Some(Ok(Message::Close(None))) | None => Ok((1005, String::new())),
        Some(Ok(other)) => bail!("expected a close frame, got {other:?}"),
        Some(Err(e)) => bail!("connection error instead of a close frame: {e}"),
    }
}

/// LCA's START event for a stereo 8 kHz PCM16 call.
pub fn lca_start(call_id: &str) -> Value {
    json!({
        "callEvent": "START", "callId": call_id, "fromNumber": "+15550100", "toNumber": "+15550199",
        "agentId": crate::TEST_AGENT, "samplingRate": 8000,
    })
}

/// LCA's END event.
pub fn lca_end(call_id: &str) -> Value {
    json!({"callEvent": "END", "callId": call_id})
}

/// `/v1/calls/live?call=ID`: the events of one call as they happen.
pub struct LiveFeed {
    ws: Ws,
}

impl LiveFeed {
    /// Connects and waits until the server is subscribed (a ping answered by the feed's loop),
    /// so no event published after this returns is missed.
    pub async fn connect(server: &Server, token: &str, call_id: &str) -> anyhow::Result<Self> {
        Self::open(server, token, &format!("/v1/calls/live?call={call_id}&")).await
    }

    /// The feed of every call the token may see (an agent's own calls; all for supervisors).
    pub async fn connect_all(server: &Server, token: &str) -> anyhow::Result<Self> {
        Self::open(server, token, "/v1/calls/live?").await
    }

    /// The agents' chat feed: the handoff queue and the chats the token holds.
    pub async fn chats(server: &Server, token: &str) -> anyhow::Result<Self> {
        Self::open(server, token, "/v1/chat/live?").await
    }

    async fn open(server: &Server, token: &str, path: &str) -> anyhow::Result<Self> {
        let url = format!("{}{path}token={token}", server.ws_url());
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
        ws.send(Message::Ping(b"subscribed?".to_vec().into()))
            .await?;
        loop {
            match tokio::time::timeout(MESSAGE_WAIT, ws.next())
                .await
                .context("the live feed never answered a ping")?
            {
                Some(Ok(Message::Pong(_))) => return Ok(Self { ws }),
                Some(Ok(Message::Text(t))) => {
                    bail!("live feed sent {t} before any call event could happen")
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => bail!("live feed closed"),
            }
        }
    }

    /// The next event.
    pub async fn next(&mut self) -> anyhow::Result<Value> {
        loop {
            let message = tokio::time::timeout(MESSAGE_WAIT, self.ws.next())
                .await
                .context("no live event")?
                .context("live feed closed")??;
            match message {
                Message::Text(t) => return Ok(serde_json::from_str(&t)?),
                Message::Close(frame) => bail!("live feed closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// Every event up to and including `call_ended`.
    pub async fn until_ended(&mut self) -> anyhow::Result<Vec<Value>> {
        let mut events = Vec::new();
        loop {
            let event = self.next().await?;
            let ended = event["type"] == "call_ended";
            events.push(event);
            if ended {
                return Ok(events);
            }
        }
    }
}

impl Server {
    /// `GET /v1/calls/{id}` (the call and its transcript).
    pub async fn call(&self, token: &str, id: &str) -> anyhow::Result<Value> {
        self.get_json(&format!("/v1/calls/{id}"), token).await
    }

    /// The call once it is no longer `live` (the server noticed the end of its stream).
    pub async fn call_when_ended(&self, token: &str, id: &str) -> anyhow::Result<Value> {
        let deadline = tokio::time::Instant::now() + MESSAGE_WAIT;
        loop {
            let call = self.call(token, id).await?;
            if call["status"] != "live" {
                return Ok(call);
            }
            if tokio::time::Instant::now() > deadline {
                bail!("call {id} still live after {MESSAGE_WAIT:?}: {call}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// `GET /v1/calls/{id}`'s HTTP status (404 for a call never stored).
    pub async fn call_status(&self, token: &str, id: &str) -> anyhow::Result<u16> {
        let resp = self
            .http()
            .get(format!("{}/v1/calls/{id}", self.url))
            .bearer_auth(token)
            .send()
            .await?;
        Ok(resp.status().as_u16())
    }
}
