//! House rules that a test keeps true, like rust-analyzer's tidy tests: the crate invariants of
//! ARCHITECTURE.md that the dependency graph can show (who may know HTTP, SQL, tantivy, candle,
//! the AWS SDKs, Whisper, NATS; no domain crate depends on the gateway or the binary), and a code
//! map that names every crate under `services/`. No server is started.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// Libraries only some crates may depend on, and which crates those are (ARCHITECTURE.md).
const ONLY_IN: &[(&str, &[&str])] = &[
    ("axum", &["switchboard-gateway"]),
    ("tokio-tungstenite", &["switchboard-gateway"]),
    ("tower-http", &["switchboard-gateway"]),
    ("sqlx", &["switchboard-storage"]),
    ("tantivy", &["switchboard-knowledge", "switchboard-search"]),
    // The nearest-neighbour GEMM and the adapter's autograd are the documented exceptions.
    (
        "candle-core",
        &["switchboard-embeddings", "switchboard-nlu"],
    ),
    ("candle-nn", &["switchboard-embeddings", "switchboard-nlu"]),
    ("aws-sdk-lexmodelsv2", &["switchboard-lex-aws"]),
    (
        "aws-sdk-transcribestreaming",
        &["switchboard-transcribe-aws"],
    ),
    ("whisper-rs", &["switchboard-transcription"]),
    ("async-nats", &["switchboard-events"]),
];

/// Harnesses, not product crates: they drive the product from outside and may use anything.
const HARNESSES: &[&str] = &["switchboard-e2e", "switchboard-benches"];

/// The workspace's packages as `cargo metadata` describes them.
fn packages() -> Vec<Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    meta["packages"].as_array().expect("packages").clone()
}

/// A package's normal (not dev or build) dependencies: name → optional.
fn normal_deps(package: &Value) -> BTreeMap<String, bool> {
    package["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["kind"].is_null())
        .map(|d| {
            let name = d["rename"].as_str().or(d["name"].as_str()).unwrap();
            (name.to_string(), d["optional"].as_bool().unwrap_or(false))
        })
        .collect()
}

/// The features that switch on the optional dependency `dep` of `package`.
fn features_enabling<'a>(package: &'a Value, dep: &str) -> Vec<&'a str> {
    let needle = format!("dep:{dep}");
    package["features"]
        .as_object()
        .map(|features| {
            features
                .iter()
                .filter(|(_, on)| {
                    on.as_array()
                        .is_some_and(|on| on.iter().any(|f| f == &needle || f == dep))
                })
                .map(|(name, _)| name.as_str())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn crates_depend_only_on_what_their_invariants_allow() {
    let mut broken = Vec::new();
    for package in packages() {
        let name = package["name"].as_str().unwrap().to_string();
        if HARNESSES.contains(&name.as_str()) {
            continue;
        }
        let deps = normal_deps(&package);
        for (library, allowed) in ONLY_IN {
            let Some(&optional) = deps.get(*library) else {
                continue;
            };
            if allowed.contains(&name.as_str()) {
                continue;
            }
            // A wire-level fake of a cloud service may serve HTTP, behind the `fake` feature
            // that only tests switch on.
            let gates = features_enabling(&package, library);
            if optional && !gates.is_empty() && gates.iter().all(|f| *f == "fake") {
                continue;
            }
            broken.push(format!(
                "{name} depends on {library}, which only {allowed:?} may use"
            ));
        }
        let domain = name != "switchboard";
        for outer in ["switchboard-gateway", "switchboard"] {
            if domain && name != outer && deps.contains_key(outer) {
                broken.push(format!(
                    "{name} depends on {outer}: domain crates never know the gateway or the binary"
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "ARCHITECTURE.md invariants broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_code_map_names_every_service_crate_and_nothing_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let on_disk: BTreeSet<String> = std::fs::read_dir(root.join("services"))
        .expect("services/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let architecture =
        std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mapped: BTreeSet<String> = architecture
        .lines()
        .filter_map(|l| l.strip_prefix("### `services/"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    assert_eq!(
        mapped, on_disk,
        "ARCHITECTURE.md's code map (### `services/…` headings) and services/ differ"
    );
}
