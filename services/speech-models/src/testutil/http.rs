//! A one-thread HTTP/1.1 server and PEP 691 index pages for fetch and install tests.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Serves `routes` (path → body; JSON for paths ending in '/') on 127.0.0.1 until the test ends.
/// Returns the base URL and a counter of requests answered.
pub(crate) fn serve(routes: HashMap<String, Vec<u8>>) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let text = String::from_utf8_lossy(&req);
            let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, ctype, body) = match routes.get(&path) {
                Some(b) if path.ends_with('/') => {
                    ("200 OK", "application/vnd.pypi.simple.v1+json", b.clone())
                }
                Some(b) => ("200 OK", "application/octet-stream", b.clone()),
                None => ("404 Not Found", "text/plain", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(&body));
        }
    });
    (base, hits)
}

/// A PEP 691 index page listing `files` as (filename, url, sha256).
pub(crate) fn index_page(files: &[(&str, &str, &str)]) -> Vec<u8> {
    let files: Vec<_> = files
        .iter()
        .map(|(f, u, h)| serde_json::json!({"filename": f, "url": u, "hashes": {"sha256": h}}))
        .collect();
    serde_json::to_vec(&serde_json::json!({ "meta": {"api-version": "1.1"}, "files": files }))
        .unwrap()
}
