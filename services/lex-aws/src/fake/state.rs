//! What the fake Lex holds: one bot with one locale's draft, its numbered versions and aliases,
//! and the faults a test asked for. Plain synchronous logic; `routes` puts HTTP around it.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};

/// An error as Lex returns it: HTTP status, `x-amzn-errortype` code and message.
#[derive(Debug, Clone)]
pub struct Fault {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn fault(status: u16, code: &'static str, message: impl Into<String>) -> Fault {
    Fault {
        status,
        code,
        message: message.into(),
    }
}

pub(crate) fn not_found(what: impl std::fmt::Display) -> Fault {
    fault(
        404,
        "ResourceNotFoundException",
        format!("{what} does not exist"),
    )
}

pub(crate) fn invalid(message: impl Into<String>) -> Fault {
    fault(400, "ValidationException", message)
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Intent {
    pub name: String,
    /// The last CreateIntent/UpdateIntent body, as sent.
    pub body: Value,
    pub slots: BTreeMap<String, (String, Value)>,
    pub built_in: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Locale {
    pub intents: BTreeMap<String, Intent>,
    pub slot_types: BTreeMap<String, (String, Value)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Build {
    NotBuilt,
    /// Answers `Building` to this many more polls, then settles.
    Building {
        polls: u32,
        failure: Option<Vec<String>>,
    },
    Built,
    Failed(Vec<String>),
}

#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub locale: Locale,
    /// Answers `Versioning` to this many more polls, then `Available`.
    pub polls: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
}

/// Faults queued by a test.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    /// The next this-many requests of any kind are throttled.
    pub throttle: u32,
    /// The next this-many BuildBotLocale requests find another build running.
    pub busy_builds: u32,
    /// Reasons for the next builds to fail with, one entry per build.
    pub failing_builds: VecDeque<Vec<String>>,
}

pub(crate) struct Lex {
    pub bot_id: String,
    pub locale_id: String,
    pub draft: Locale,
    pub build: Build,
    pub versions: BTreeMap<u64, Version>,
    pub next_version: u64,
    pub aliases: BTreeMap<String, Alias>,
    pub faults: Faults,
    pub next_id: u64,
    /// `METHOD /path` of every request, throttled ones included.
    pub log: Vec<String>,
    /// Polls a build or version stays unsettled (the real service takes seconds to minutes).
    pub settle_polls: u32,
}

const FALLBACK_ID: &str = "FALLBCKINT";

impl Lex {
    pub(crate) fn new(bot_id: &str, locale_id: &str, alias_id: &str) -> Self {
        let mut draft = Locale::default();
        draft.intents.insert(
            FALLBACK_ID.into(),
            Intent {
                name: "FallbackIntent".into(),
                body: json!({"intentName": "FallbackIntent", "parentIntentSignature": "AMAZON.FallbackIntent"}),
                slots: BTreeMap::new(),
                built_in: true,
            },
        );
        let mut aliases = BTreeMap::new();
        let alias = |name: &str| Alias {
            name: name.into(),
            version: "DRAFT".into(),
            description: None,
        };
        aliases.insert("TSTALIASID".into(), alias("TestBotAlias"));
        aliases.insert(alias_id.into(), alias("live"));
        Self {
            bot_id: bot_id.into(),
            locale_id: locale_id.into(),
            draft,
            build: Build::NotBuilt,
            versions: BTreeMap::new(),
            next_version: 1,
            aliases,
            faults: Faults::default(),
            next_id: 1,
            log: Vec::new(),
            settle_polls: 1,
        }
    }

    /// A fresh 10-character id, as Lex hands out.
    fn id(&mut self) -> String {
        let n = self.next_id;
        self.next_id += 1;
        format!("ID{n:08}")
    }

    pub(crate) fn check_bot(&self, bot: &str) -> Result<(), Fault> {
        if bot == self.bot_id {
            Ok(())
        } else {
            Err(not_found(format!("bot {bot}")))
        }
    }

    /// The draft of `locale`, for a change; anything but DRAFT is read-only in Lex.
    pub(crate) fn draft_mut(
        &mut self,
        bot: &str,
        version: &str,
        locale: &str,
    ) -> Result<&mut Locale, Fault> {
        self.check_bot(bot)?;
        if version != "DRAFT" {
            return Err(invalid(format!(
                "version {version} cannot be changed; only DRAFT can"
            )));
        }
        if locale != self.locale_id {
            return Err(not_found(format!("locale {locale}")));
        }
        self.build = Build::NotBuilt;
        Ok(&mut self.draft)
    }

    pub(crate) fn locale(&self, bot: &str, version: &str, locale: &str) -> Result<&Locale, Fault> {
        self.check_bot(bot)?;
        if locale != self.locale_id {
            return Err(not_found(format!("locale {locale}")));
        }
        if version == "DRAFT" {
            return Ok(&self.draft);
        }
        version
            .parse::<u64>()
            .ok()
            .and_then(|v| self.versions.get(&v))
            .map(|v| &v.locale)
            .ok_or_else(|| not_found(format!("bot version {version}")))
    }

    pub(crate) fn create_intent(
        &mut self,
        path: (&str, &str, &str),
        body: Value,
    ) -> Result<Value, Fault> {
        let name = required_str(&body, "intentName")?;
        let id = self.id();
        let draft = self.draft_mut(path.0, path.1, path.2)?;
        if draft.intents.values().any(|i| i.name == name) {
            return Err(fault(
                409,
                "ConflictException",
                format!("an intent named {name} already exists"),
            ));
        }
        draft.intents.insert(
            id.clone(),
            Intent {
                name: name.clone(),
                body,
                ..Intent::default()
            },
        );
        Ok(
            json!({"intentId": id, "intentName": name, "botId": path.0, "botVersion": "DRAFT", "localeId": path.2, "creationDateTime": 1.7e9}),
        )
    }

    pub(crate) fn update_intent(
        &mut self,
        path: (&str, &str, &str),
        id: &str,
        body: Value,
    ) -> Result<Value, Fault> {
        let name = required_str(&body, "intentName")?;
        let draft = self.draft_mut(path.0, path.1, path.2)?;
        if draft.intents.iter().any(|(k, i)| i.name == name && k != id) {
            return Err(fault(
                409,
                "ConflictException",
                format!("an intent named {name} already exists"),
            ));
        }
        let intent = draft
            .intents
            .get_mut(id)
            .ok_or_else(|| not_found(format!("intent {id}")))?;
        intent.name = name.clone();
        intent.body = body.clone();
        let mut out = body;
        out["intentId"] = json!(id);
        Ok(out)
    }

    pub(crate) fn create_slot(
        &mut self,
        path: (&str, &str, &str),
        intent: &str,
        body: Value,
    ) -> Result<Value, Fault> {
        let name = required_str(&body, "slotName")?;
        required(&body, "valueElicitationSetting")?;
        let id = self.id();
        let draft = self.draft_mut(path.0, path.1, path.2)?;
        let intent = draft
            .intents
            .get_mut(intent)
            .ok_or_else(|| not_found(format!("intent {intent}")))?;
        if intent.slots.values().any(|(n, _)| *n == name) {
            return Err(fault(
                409,
                "ConflictException",
                format!("a slot named {name} already exists"),
            ));
        }
        intent.slots.insert(id.clone(), (name.clone(), body));
        Ok(json!({"slotId": id, "slotName": name}))
    }

    pub(crate) fn update_slot(
        &mut self,
        path: (&str, &str, &str),
        intent: &str,
        slot: &str,
        body: Value,
    ) -> Result<Value, Fault> {
        let name = required_str(&body, "slotName")?;
        required(&body, "valueElicitationSetting")?;
        let draft = self.draft_mut(path.0, path.1, path.2)?;
        let intent = draft
            .intents
            .get_mut(intent)
            .ok_or_else(|| not_found(format!("intent {intent}")))?;
        let entry = intent
            .slots
            .get_mut(slot)
            .ok_or_else(|| not_found(format!("slot {slot}")))?;
        *entry = (name.clone(), body);
        Ok(json!({"slotId": slot, "slotName": name}))
    }

    pub(crate) fn put_slot_type(
        &mut self,
        path: (&str, &str, &str),
        id: Option<&str>,
        body: Value,
    ) -> Result<Value, Fault> {
        let name = required_str(&body, "slotTypeName")?;
        let fresh = self.id();
        let draft = self.draft_mut(path.0, path.1, path.2)?;
        let id = match id {
            Some(id) if draft.slot_types.contains_key(id) => id.to_owned(),
            Some(id) => return Err(not_found(format!("slot type {id}"))),
            None if draft.slot_types.values().any(|(n, _)| *n == name) => {
                return Err(fault(
                    409,
                    "ConflictException",
                    format!("a slot type named {name} already exists"),
                ));
            }
            None => fresh,
        };
        draft.slot_types.insert(id.clone(), (name.clone(), body));
        Ok(json!({"slotTypeId": id, "slotTypeName": name}))
    }

    /// Starts a build: refused while one runs; its outcome is a queued failure, else what the
    /// draft's own problems make it.
    pub(crate) fn start_build(
        &mut self,
        bot: &str,
        version: &str,
        locale: &str,
    ) -> Result<Value, Fault> {
        self.locale(bot, version, locale)?;
        if version != "DRAFT" {
            return Err(invalid("only DRAFT can be built"));
        }
        if self.faults.busy_builds > 0 || matches!(self.build, Build::Building { .. }) {
            self.faults.busy_builds = self.faults.busy_builds.saturating_sub(1);
            return Err(fault(
                409,
                "ConflictException",
                format!(
                    "Bot {bot} locale {locale} is already being built; wait for that build to finish"
                ),
            ));
        }
        let problems = draft_problems(&self.draft);
        let failure = match self.faults.failing_builds.pop_front() {
            Some(reasons) => Some(reasons),
            None if !problems.is_empty() => Some(problems),
            None => None,
        };
        self.build = Build::Building {
            polls: self.settle_polls,
            failure,
        };
        Ok(
            json!({"botId": bot, "botVersion": "DRAFT", "localeId": locale, "botLocaleStatus": "Building", "lastBuildSubmittedDateTime": 1.7e9}),
        )
    }

    /// DescribeBotLocale: each poll moves a running build one step closer to its outcome.
    pub(crate) fn describe_locale(
        &mut self,
        bot: &str,
        version: &str,
        locale: &str,
    ) -> Result<Value, Fault> {
        let l = self.locale(bot, version, locale)?;
        let counts = json!({"intentsCount": l.intents.len(), "slotTypesCount": l.slot_types.len()});
        let (status, reasons) = if version != "DRAFT" {
            ("Built", vec![])
        } else {
            if let Build::Building { polls, failure } = &mut self.build {
                if *polls == 0 {
                    self.build = match failure.take() {
                        Some(reasons) => Build::Failed(reasons),
                        None => Build::Built,
                    };
                } else {
                    *polls -= 1;
                }
            }
            match &self.build {
                Build::NotBuilt => ("NotBuilt", vec![]),
                Build::Building { .. } => ("Building", vec![]),
                Build::Built => ("Built", vec![]),
                Build::Failed(r) => ("Failed", r.clone()),
            }
        };
        Ok(
            json!({"botId": bot, "botVersion": version, "localeId": locale, "localeName": "English",
            "botLocaleStatus": status, "failureReasons": reasons,
            "intentsCount": counts["intentsCount"], "slotTypesCount": counts["slotTypesCount"]}),
        )
    }

    pub(crate) fn create_version(&mut self, bot: &str, body: &Value) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        let spec = body
            .get("botVersionLocaleSpecification")
            .and_then(Value::as_object)
            .ok_or_else(|| invalid("botVersionLocaleSpecification is required"))?;
        let source = spec
            .get(&self.locale_id)
            .and_then(|l| l.get("sourceBotVersion"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                invalid(format!(
                    "botVersionLocaleSpecification has no {}",
                    self.locale_id
                ))
            })?;
        if source != "DRAFT" {
            return Err(invalid("the fake only versions DRAFT"));
        }
        if self.build != Build::Built {
            return Err(fault(
                412,
                "PreconditionFailedException",
                format!(
                    "locale {} of DRAFT is not built; build it before creating a version",
                    self.locale_id
                ),
            ));
        }
        let number = self.next_version;
        self.next_version += 1;
        self.versions.insert(
            number,
            Version {
                locale: self.draft.clone(),
                polls: self.settle_polls,
            },
        );
        Ok(
            json!({"botId": bot, "botVersion": number.to_string(), "botStatus": "Versioning", "creationDateTime": 1.7e9}),
        )
    }

    pub(crate) fn describe_version(&mut self, bot: &str, version: &str) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        let v = self.numbered(version)?;
        let status = if v.polls == 0 {
            "Available"
        } else {
            v.polls -= 1;
            "Versioning"
        };
        Ok(
            json!({"botId": bot, "botVersion": version, "botName": "switchboard", "botStatus": status, "failureReasons": []}),
        )
    }

    fn numbered(&mut self, version: &str) -> Result<&mut Version, Fault> {
        version
            .parse::<u64>()
            .ok()
            .and_then(|v| self.versions.get_mut(&v))
            .ok_or_else(|| not_found(format!("bot version {version}")))
    }

    pub(crate) fn list_versions(&self, bot: &str) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        let mut summaries = vec![
            json!({"botName": "switchboard", "botVersion": "DRAFT", "botStatus": "Available"}),
        ];
        summaries.extend(self.versions.keys().rev().map(|v| {
            json!({"botName": "switchboard", "botVersion": v.to_string(), "botStatus": "Available", "creationDateTime": 1.7e9})
        }));
        Ok(json!({"botId": bot, "botVersionSummaries": summaries}))
    }

    pub(crate) fn delete_version(&mut self, bot: &str, version: &str) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        self.numbered(version)?;
        if let Some((id, _)) = self.aliases.iter().find(|(_, a)| a.version == version) {
            return Err(fault(
                412,
                "PreconditionFailedException",
                format!("version {version} is in use by alias {id}"),
            ));
        }
        self.versions
            .remove(&version.parse::<u64>().unwrap_or_default());
        Ok(json!({"botId": bot, "botVersion": version, "botStatus": "Deleting"}))
    }

    pub(crate) fn alias_json(&self, bot: &str, id: &str) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        let a = self
            .aliases
            .get(id)
            .ok_or_else(|| not_found(format!("alias {id}")))?;
        Ok(
            json!({"botId": bot, "botAliasId": id, "botAliasName": a.name, "botVersion": a.version,
            "description": a.description, "botAliasStatus": "Available"}),
        )
    }

    pub(crate) fn update_alias(
        &mut self,
        bot: &str,
        id: &str,
        body: &Value,
    ) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        let name = required_str(body, "botAliasName")?;
        let version = required_str(body, "botVersion")?;
        if version != "DRAFT" {
            let v = self.numbered(&version)?;
            if v.polls > 0 {
                return Err(fault(
                    412,
                    "PreconditionFailedException",
                    format!("version {version} is not available yet"),
                ));
            }
        }
        let alias = self
            .aliases
            .get_mut(id)
            .ok_or_else(|| not_found(format!("alias {id}")))?;
        alias.name = name;
        alias.version = version;
        alias.description = body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        self.alias_json(bot, id)
    }

    pub(crate) fn list_aliases(&self, bot: &str) -> Result<Value, Fault> {
        self.check_bot(bot)?;
        let summaries: Vec<Value> = self
            .aliases
            .iter()
            .map(|(id, a)| json!({"botAliasId": id, "botAliasName": a.name, "botVersion": a.version, "botAliasStatus": "Available"}))
            .collect();
        Ok(json!({"botId": bot, "botAliasSummaries": summaries}))
    }
}

/// Why Lex would refuse to build this draft (a subset of its real checks).
fn draft_problems(draft: &Locale) -> Vec<String> {
    let mut out = Vec::new();
    for intent in draft.intents.values().filter(|i| !i.built_in) {
        let utterances: Vec<&str> = intent.body["sampleUtterances"]
            .as_array()
            .map(|a| a.iter().filter_map(|u| u["utterance"].as_str()).collect())
            .unwrap_or_default();
        if utterances.is_empty() {
            out.push(format!(
                "Intent '{}' has no sample utterances.",
                intent.name
            ));
        }
        for (slot, body) in intent.slots.values() {
            let ty = body["slotTypeId"].as_str().unwrap_or_default();
            if !ty.starts_with("AMAZON.") && !draft.slot_types.contains_key(ty) {
                out.push(format!("Slot '{slot}' in intent '{}' refers to slot type '{ty}', which does not exist.", intent.name));
            }
        }
    }
    out
}

fn required(body: &Value, field: &str) -> Result<(), Fault> {
    match body.get(field) {
        Some(v) if !v.is_null() => Ok(()),
        _ => Err(invalid(format!(
            "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
        ))),
    }
}

fn required_str(body: &Value, field: &str) -> Result<String, Fault> {
    required(body, field)?;
    body[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid(format!("{field} must be a string")))
}
