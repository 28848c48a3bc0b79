//! A throwaway `switchboard serve` on a temporary SQLite database, and what we read from it:
//! resident memory (`/proc/<pid>/status`) and the Prometheus text of `/metrics`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where the calls go and who we are there.
pub struct Target {
    /// `http://host:port`.
    pub url: String,
    /// Agent token for `/v1/calls/ingest` and `/v1/calls/live`.
    pub token: String,
    /// Admin token for `/metrics`, when known.
    pub admin: Option<String>,
    /// Server process, for its memory, when known.
    pub pid: Option<u32>,
}

/// A server this bench started; killed and its data removed on drop.
pub struct Server {
    child: Child,
    dir: PathBuf,
    pub target: Target,
}

impl Server {
    /// Starts `bin serve` on a fresh data dir; the environment (e.g. `SWITCHBOARD_ASR__*`) is
    /// inherited, so variants are set by the caller's environment.
    pub fn start(bin: &Path, tag: &str) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("call-latency-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let db = format!("sqlite://{}/sb.db", dir.display());
        let err = std::fs::File::create(dir.join("err.log"))?;
        let mut child = Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(&dir)
            .args(["--database-url", &db])
            .env(
                "SWITCHBOARD_LOG",
                std::env::var("SWITCHBOARD_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        // Keep draining stdout for the server's whole life so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let (mut url, mut admin) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(300);
        while url.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match rx.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => {
                    let _ = child.kill();
                    let log = std::fs::read_to_string(dir.join("err.log")).unwrap_or_default();
                    anyhow::bail!(
                        "server did not start: {}",
                        log.lines().rev().take(5).collect::<Vec<_>>().join("\n")
                    );
                }
            };
            if let Some((_, secret)) = line.split_once("keep it safe): ") {
                admin = Some(secret.trim().to_string());
            }
            if let Some(at) = line.find("http://") {
                url = Some(line[at..].trim().to_string());
            }
        }
        let out = Command::new(bin)
            .args([
                "token",
                "create",
                "--role",
                "agent",
                "--name",
                "bench",
                "--data-dir",
            ])
            .arg(&dir)
            .args(["--database-url", &db])
            .stderr(Stdio::null())
            .output()
            .context("switchboard token create")?;
        anyhow::ensure!(out.status.success(), "token create failed");
        let token = String::from_utf8(out.stdout)?.trim().to_string();
        let pid = Some(child.id());
        Ok(Self {
            child,
            dir,
            target: Target {
                url: url.unwrap_or_default(),
                token,
                admin,
                pid,
            },
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // CALL_LATENCY_KEEP_LOGS=DIR keeps each server's log (e.g. with SWITCHBOARD_LOG=debug).
        if let Some(keep) = std::env::var_os("CALL_LATENCY_KEEP_LOGS") {
            let name = self
                .dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = std::fs::create_dir_all(&keep);
            let _ = std::fs::copy(
                self.dir.join("err.log"),
                Path::new(&keep).join(format!("{name}.log")),
            );
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Resident set size of a process in MiB.
pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU seconds (user + system) a process has used.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Waits until the server idles (start-up work such as bot training done): under 5 % of a
/// core over one second, at most `limit`.
pub async fn settle(pid: u32, limit: Duration) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let Some(before) = cpu_seconds(pid) else {
            return;
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Some(after) = cpu_seconds(pid) else {
            return;
        };
        if after - before < 0.05 {
            return;
        }
    }
}

/// `GET /metrics` with the admin token (plain HTTP/1.0, so no client library is needed).
pub async fn metrics(url: &str, admin: &str) -> anyhow::Result<String> {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    let request =
        format!("GET /metrics HTTP/1.0\r\nHost: {host}\r\nAuthorization: Bearer {admin}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut body = String::new();
    stream.read_to_string(&mut body).await?;
    anyhow::ensure!(
        body.starts_with("HTTP/1.") && body.contains(" 200 "),
        "GET /metrics: {}",
        body.lines().next().unwrap_or("")
    );
    Ok(body)
}

/// Sum and count of a histogram (or summary) series with one label, e.g. `kind="final"`.
pub fn sum_count(text: &str, name: &str, label: &str) -> (f64, f64) {
    let value = |suffix: &str| {
        text.lines()
            .filter(|l| {
                l.starts_with(&format!("{name}{suffix}")) && (label.is_empty() || l.contains(label))
            })
            .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
            .sum::<f64>()
    };
    (value("_sum"), value("_count"))
}

/// A counter's value (summed over series matching `label`), 0 before its first increment.
pub fn counter(text: &str, name: &str, label: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']) && l.contains(label)
        })
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn histogram_sums_are_read_per_label() {
        let text = "# TYPE x histogram\nx_bucket{kind=\"final\",le=\"1\"} 3\nx_sum{kind=\"final\"} 1.5\nx_count{kind=\"final\"} 3\nx_sum{kind=\"partial\"} 9\nx_count{kind=\"partial\"} 4\n";
        assert_eq!(super::sum_count(text, "x", "kind=\"final\""), (1.5, 3.0));
        assert_eq!(super::sum_count(text, "x", ""), (10.5, 7.0));
        let counters =
            "# TYPE c counter\nc{outcome=\"used\"} 4\nc{outcome=\"resumed\"} 2\nc_other 9\n";
        assert_eq!(super::counter(counters, "c", "outcome=\"used\""), 4.0);
        assert_eq!(super::counter(counters, "c", ""), 6.0);
    }
}
