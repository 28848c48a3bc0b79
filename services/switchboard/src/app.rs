//! Builds the running parts from configuration; `serve` and `chat` share this wiring.

use std::sync::Arc;

use anyhow::Context;
use rules::{RuleSet, Rules};
use sentiment::SentimentModel;
use switchboard_chat::{BotRegistry, ChatService, EmbedQueue};
use switchboard_embeddings::{
    CachedEmbedder, Embedder, MINILM_DIR, MPNET_DIR, Precision, SentenceEncoder,
};
use switchboard_events::{DEFAULT_SUBJECT_PREFIX, EventBus, InProcessBus, NatsBus};
use switchboard_insights::{AssistBots, Insights};
use switchboard_knowledge::Knowledge;
use switchboard_publishing::{Progress, Publisher};
use switchboard_storage::Store;

use crate::config::Config;
use crate::progress;

/// Distinct utterances whose embeddings stay cached (bot training, repeated questions).
const EMBEDDING_CACHE: usize = 100_000;
/// Knowledge queries remembered by exact text (repeated FAQ questions skip the larger encoder).
const KNOWLEDGE_QUERY_CACHE: usize = 10_000;
/// Most chat messages embedded together in one forward pass.
const EMBED_BATCH: usize = 32;
/// Messages allowed to wait for the encoder before new turns are refused as `busy`
/// (about two seconds of work at the throughput measured in benches/RESULTS.md).
const EMBED_MAX_PENDING: usize = 128;

/// The assembled domain services.
pub struct App {
    pub store: Store,
    /// The encoder the knowledge index is built and searched with.
    pub knowledge_embedder: Arc<dyn Embedder>,
    pub chat: Arc<ChatService>,
    pub knowledge: Arc<Knowledge>,
    pub bus: Arc<dyn EventBus>,
    /// The stages every call segment passes through (redaction, sentiment, …).
    pub insights: Arc<Insights>,
    /// The call rules in force; reloaded from `rules_dir` on request.
    pub rules: Arc<Rules>,
    /// Builds, gates and swaps bot versions (the improvement loop).
    pub publisher: Arc<Publisher>,
}

/// The rules in `rules_dir`: none when the folder does not exist, and a refusal to start (every
/// problem listed) when a rule is broken, so a typo never silently drops an alert.
pub fn load_rules(config: &Config) -> anyhow::Result<Rules> {
    if !config.rules_dir.exists() {
        tracing::info!(dir = %config.rules_dir.display(), "no rules folder: calls get no categories or alerts");
        return Ok(Rules::new(RuleSet::default()));
    }
    let set = rules::load_dir(&config.rules_dir).map_err(|report| {
        anyhow::anyhow!(
            "the rules in {} have problems:\n{report}",
            config.rules_dir.display()
        )
    })?;
    tracing::info!(rules = set.len(), dir = %config.rules_dir.display(), "call rules loaded");
    Ok(Rules::new(set))
}

/// Which bot assists which agent's calls.
fn assist_bots(config: &Config) -> AssistBots {
    let default = match config.insights.assist_bot.as_str() {
        "" => config.default_bot.clone(),
        bot => bot.to_string(),
    };
    AssistBots {
        default,
        by_agent: config.insights.assist_bots.clone().into_iter().collect(),
    }
}

/// Trains the sentiment head on the built-in sentences and `insights.sentiment_training`
/// (seconds; embeddings of files seen before come from the cache).
pub fn train_sentiment(config: &Config, embedder: &dyn Embedder) -> anyhow::Result<SentimentModel> {
    let mut examples = sentiment::built_in_examples();
    for path in &config.insights.sentiment_training {
        examples
            .extend(sentiment::load_examples(path, 1.0).context("insights.sentiment_training")?);
    }
    let bar = progress::bar("training sentiment");
    let model = SentimentModel::train(&examples, embedder, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    tracing::info!(sentences = examples.len(), "sentiment head trained");
    Ok(model)
}

/// Connects storage (migrating it), loads the encoder, the bots and the knowledge index.
pub async fn build(config: &Config) -> anyhow::Result<App> {
    config.ensure_data_dir()?;
    let store = connect(config).await?;
    let bus = event_bus(config).await?;
    let cached = load_embedder(config)?;
    let embedder: Arc<dyn Embedder> = cached.clone();

    let registry = Arc::new(BotRegistry::default());
    let mut publisher = publisher(
        config,
        &store,
        registry.clone(),
        embedder.clone(),
        bus.clone(),
    );
    for (bot, mirror) in crate::lex::mirrors(config).await? {
        publisher = publisher.with_mirror(&bot, mirror);
    }
    let publisher = Arc::new(publisher);
    switchboard_publishing::import_dir(&store, &config.bots_dir).await?;
    publisher.load_active(&training_progress()).await?;
    save_embedding_cache(config, &cached);

    // One encoder for both: a fallback turn's second embedding is a cache hit, not a forward.
    let shared = config.knowledge_encoder == config.nlu_encoder;
    let knowledge_embedder = if shared {
        embedder.clone()
    } else {
        load_knowledge_embedder(config)?
    };
    let knowledge = Arc::new(open_knowledge(config, knowledge_embedder.as_ref())?);
    let queue = EmbedQueue::start(embedder.clone(), EMBED_BATCH, EMBED_MAX_PENDING);
    let knowledge_queue = if shared {
        queue.clone()
    } else {
        EmbedQueue::start(knowledge_embedder.clone(), EMBED_BATCH, EMBED_MAX_PENDING)
    };
    let redactor = config.insights.redactor()?;
    let sentiment = Arc::new(train_sentiment(config, embedder.as_ref())?);
    save_embedding_cache(config, &cached);
    let rules = Arc::new(load_rules(config)?);
    let chat = Arc::new(ChatService::new(
        registry,
        knowledge.clone(),
        queue.clone(),
        knowledge_queue,
        store.clone(),
        bus.clone(),
        redactor.clone(),
    ));
    let insights = Arc::new(
        Insights::new(redactor, queue, sentiment)
            .with_rules(rules.clone())
            .with_assist(chat.clone(), assist_bots(config)),
    );
    Ok(App {
        store,
        knowledge_embedder,
        chat,
        knowledge,
        bus,
        insights,
        rules,
        publisher,
    })
}

/// The publisher over `registry`, exporting into `bots_dir` when `export_bots` is on.
pub fn publisher(
    config: &Config,
    store: &Store,
    registry: Arc<BotRegistry>,
    embedder: Arc<dyn Embedder>,
    bus: Arc<dyn switchboard_events::EventBus>,
) -> Publisher {
    let export = config.export_bots.then(|| config.bots_dir.clone());
    Publisher::new(store.clone(), registry, embedder, bus, export)
}

/// A progress bar for bot training, shown while it runs.
pub fn training_progress() -> Progress {
    let bar = progress::bar("training bot");
    Arc::new(move |done, total| {
        progress::update(&bar, done, total);
        if done >= total {
            bar.finish_and_clear();
        }
    })
}

/// The in-process bus, or NATS when `event_bus` names a server, so events reach every node.
async fn event_bus(config: &Config) -> anyhow::Result<Arc<dyn EventBus>> {
    if config.event_bus == "memory" {
        return Ok(Arc::new(InProcessBus::new(4096)));
    }
    let bus = NatsBus::connect(&config.event_bus, DEFAULT_SUBJECT_PREFIX)
        .await
        .context("starting the event bus (`event_bus` is \"memory\" or a nats://host:port URL)")?;
    Ok(Arc::new(bus))
}

/// Opens the database named in the configuration and applies migrations.
pub async fn connect(config: &Config) -> anyhow::Result<Store> {
    config.ensure_data_dir()?;
    Store::connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to {}", redact(&config.database_url)))
}

/// `encoder_precision` as the encoders take it.
fn precision(config: &Config) -> anyhow::Result<Precision> {
    match config.encoder_precision.as_str() {
        "int8" => Ok(Precision::Int8),
        "full" => Ok(Precision::Full),
        other => anyhow::bail!(
            "encoder_precision `{other}` is not `int8` (default, faster where AVX-512 VNNI runs) or `full`"
        ),
    }
}

/// Loads the sentence encoder in `models_dir/name` at the configured precision.
pub fn load_encoder(config: &Config, name: &str) -> anyhow::Result<SentenceEncoder> {
    let precision = precision(config)?;
    let dir = config.models_dir.join(name);
    let model = SentenceEncoder::load_with(&dir, precision).with_context(|| {
        format!("loading the {name} encoder (run scripts/models.sh to install it)")
    })?;
    if precision == Precision::Int8 && model.numerics() != "i8" {
        tracing::info!(
            encoder = name,
            "this CPU has no AVX-512 VNNI: the encoder runs at full precision"
        );
    }
    Ok(model)
}

/// Refuses an encoder name (of setting `key`) that is not one of the installed encoders.
fn check_encoder(key: &str, name: &str) -> anyhow::Result<()> {
    if name != MPNET_DIR && name != MINILM_DIR {
        anyhow::bail!(
            "{key} `{name}` is not one of the installed encoders: `{MPNET_DIR}` or `{MINILM_DIR}`"
        );
    }
    Ok(())
}

/// The intent encoder (`nlu_encoder`), checked and loaded at the configured precision.
pub fn load_nlu_encoder(config: &Config) -> anyhow::Result<SentenceEncoder> {
    check_encoder("nlu_encoder", &config.nlu_encoder)?;
    load_encoder(config, &config.nlu_encoder)
}

/// The intent encoder with an utterance cache in front, warmed from disk.
pub fn load_embedder(config: &Config) -> anyhow::Result<Arc<CachedEmbedder<SentenceEncoder>>> {
    let model = load_nlu_encoder(config)?;
    let cached = CachedEmbedder::new(model, EMBEDDING_CACHE);
    let path = embedding_cache_path(config, cached.inner().numerics());
    match cached.load_file(&path) {
        Ok(n) => tracing::debug!(entries = n, path = %path.display(), "embedding cache loaded"),
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "embedding cache unreadable; starting empty")
        }
    }
    Ok(Arc::new(cached))
}

/// The knowledge encoder (`knowledge_encoder`, MPNet by default), with a query cache (documents
/// are embedded once per build and kept in the index, so nothing is persisted).
pub fn load_knowledge_embedder(config: &Config) -> anyhow::Result<Arc<dyn Embedder>> {
    let name = config.knowledge_encoder.as_str();
    check_encoder("knowledge_encoder", name)?;
    let model = load_encoder(config, name)?;
    Ok(Arc::new(CachedEmbedder::new(model, KNOWLEDGE_QUERY_CACHE)))
}

/// One file per model and forward arithmetic, so vectors of two forwards never mix.
fn embedding_cache_path(config: &Config, numerics: &str) -> std::path::PathBuf {
    config
        .cache_dir
        .join("embeddings")
        .join(format!("{}.{numerics}.bin", config.nlu_encoder))
}

/// Persists new vectors so the next start skips them; a read-only cache only costs speed.
pub fn save_embedding_cache(config: &Config, cached: &CachedEmbedder<SentenceEncoder>) {
    if cached.stats().misses == 0 {
        return;
    }
    let path = embedding_cache_path(config, cached.inner().numerics());
    if let Err(e) = cached.save_file(&path) {
        tracing::warn!(error = %e, path = %path.display(), "could not save the embedding cache");
    }
}

/// Opens the on-disk index, rebuilding it when `knowledge/` no longer matches it.
fn open_knowledge(config: &Config, embedder: &dyn Embedder) -> anyhow::Result<Knowledge> {
    let docs = crate::cmd::knowledge::load_documents(config)?;
    let root = config.data_dir.join("knowledge");
    let bar = progress::bar("indexing knowledge");
    if docs.is_empty() {
        anyhow::bail!(
            "the knowledge directory {} has no FAQ documents; add Markdown articles (see knowledge/README.md) \
             or set knowledge_dir to where they are",
            config.knowledge_dir.display()
        );
    }
    let knowledge = Knowledge::open_or_build(&root, docs.clone(), embedder, &mut |done, total| {
        progress::update(&bar, done, total)
    })
    .with_context(|| format!("building the knowledge index in {}", root.display()))?;
    // A build from another encoder or precision (say, before `knowledge_encoder` changed) is
    // rebuilt too: its vectors do not live in the query's space.
    let current = knowledge.snapshot();
    if current.documents() != docs.as_slice() || current.encoder() != embedder.model_id() {
        knowledge.reindex(docs, embedder, &mut |done, total| {
            progress::update(&bar, done, total)
        })?;
    }
    bar.finish_and_clear();
    Ok(knowledge)
}

/// Hides the password in a database URL for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unknown_encoder_is_named_with_its_setting_and_the_choices() {
        let config = crate::config::Config {
            knowledge_encoder: "bert-large".into(),
            ..Default::default()
        };
        let err = super::load_knowledge_embedder(&config)
            .err()
            .expect("unknown encoder refused")
            .to_string();
        assert!(
            err.contains("knowledge_encoder `bert-large`")
                && err.contains("all-mpnet-base-v2")
                && err.contains("all-MiniLM-L6-v2"),
            "{err}"
        );
        let config = crate::config::Config {
            nlu_encoder: "bge-small".into(),
            ..Default::default()
        };
        let err = super::load_embedder(&config)
            .err()
            .expect("unknown encoder refused")
            .to_string();
        assert!(
            err.contains("nlu_encoder `bge-small`")
                && err.contains("all-mpnet-base-v2")
                && err.contains("all-MiniLM-L6-v2"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_encoder_precision_is_named_with_the_choices() {
        let config = crate::config::Config {
            encoder_precision: "int4".into(),
            ..Default::default()
        };
        let err = super::load_knowledge_embedder(&config)
            .err()
            .expect("unknown precision refused")
            .to_string();
        assert!(
            err.contains("`int4`") && err.contains("`int8`") && err.contains("`full`"),
            "{err}"
        );
    }

    #[test]
    fn passwords_are_hidden_in_urls() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
