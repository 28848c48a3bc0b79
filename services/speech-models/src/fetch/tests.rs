use super::*;
use crate::testutil::{Recorder, index_page, serve, sha256_hex};
use std::sync::atomic::Ordering;

fn pkg(bytes: &[u8]) -> PackageFile {
    PackageFile {
        package: "demo-pkg".into(),
        version: "1.0".into(),
        filename: "demo_pkg-1.0-py3-none-any.whl".into(),
        sha256: sha256_hex(bytes),
    }
}

fn routes(page: Vec<u8>, file_path: &str, body: &[u8]) -> HashMap<String, Vec<u8>> {
    HashMap::from([
        ("/simple/demo-pkg/".to_string(), page),
        (file_path.to_string(), body.to_vec()),
    ])
}

#[test]
fn downloads_verifies_and_then_reuses_the_cache() {
    let body = b"wheel bytes".repeat(1000);
    let p = pkg(&body);
    // A relative URL, as PEP 691 allows, resolved against the page.
    let page = index_page(&[(&p.filename, "../../files/demo.whl", &p.sha256)]);
    let (base, hits) = serve(routes(page, "/files/demo.whl", &body));
    let cache = tempfile::tempdir().unwrap();
    let rec = Recorder::default();
    let path = fetch(&format!("{base}/simple/"), &p, cache.path(), &rec).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), body);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    assert_eq!(
        rec.stages(),
        vec![format!("download demo-pkg {}", body.len())]
    );
    assert!(
        rec.0
            .lock()
            .unwrap()
            .contains(&format!("advance {}", body.len()))
    );

    let again = fetch(
        &format!("{base}/simple"),
        &p,
        cache.path(),
        &crate::NoProgress,
    )
    .unwrap();
    assert_eq!(again, path);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "cached file with the pinned hash is not fetched again"
    );
}

#[test]
fn wrong_bytes_are_an_error_and_leave_no_file() {
    let served = b"tampered".to_vec();
    let p = pkg(b"the pinned bytes");
    // The index claims the pinned hash, but the file server returns other bytes.
    let page = index_page(&[(&p.filename, "/files/demo.whl", &p.sha256)]);
    let (base, _) = serve(routes(page, "/files/demo.whl", &served));
    let cache = tempfile::tempdir().unwrap();
    let err = fetch(
        &format!("{base}/simple"),
        &p,
        cache.path(),
        &crate::NoProgress,
    )
    .unwrap_err();
    match &err {
        ModelError::ChecksumMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, &p.sha256);
            assert_eq!(actual, &sha256_hex(&served));
        }
        other => panic!("wrong error {other:?}"),
    }
    assert_eq!(
        std::fs::read_dir(cache.path()).unwrap().count(),
        0,
        "no partial or wrong file left behind"
    );
}

#[test]
fn corrupt_cached_file_is_replaced() {
    let body = b"good".to_vec();
    let p = pkg(&body);
    let page = index_page(&[(&p.filename, "/files/demo.whl", &p.sha256)]);
    let (base, hits) = serve(routes(page, "/files/demo.whl", &body));
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(cache.path().join(&p.filename), b"half a file").unwrap();
    let path = fetch(
        &format!("{base}/simple"),
        &p,
        cache.path(),
        &crate::NoProgress,
    )
    .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[test]
fn index_that_lists_another_hash_or_no_file_is_refused_before_downloading() {
    let p = pkg(b"x");
    let other = "0".repeat(64);
    let page = index_page(&[(&p.filename, "/files/demo.whl", &other)]);
    let (base, hits) = serve(routes(page, "/files/demo.whl", b"x"));
    let cache = tempfile::tempdir().unwrap();
    let err = fetch(
        &format!("{base}/simple"),
        &p,
        cache.path(),
        &crate::NoProgress,
    )
    .unwrap_err();
    assert!(
        matches!(&err, ModelError::ChecksumMismatch { actual, .. } if *actual == other),
        "{err}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    let page = index_page(&[("demo_pkg-0.9-py3-none-any.whl", "/files/old.whl", &p.sha256)]);
    let (base, _) = serve(routes(page, "/files/demo.whl", b"x"));
    let err = fetch(
        &format!("{base}/simple"),
        &p,
        cache.path(),
        &crate::NoProgress,
    )
    .unwrap_err();
    assert!(matches!(err, ModelError::NotInIndex { .. }), "{err}");
}

#[test]
fn unreachable_index_is_a_network_error_naming_the_url() {
    let p = pkg(b"x");
    let cache = tempfile::tempdir().unwrap();
    let (base, _) = serve(HashMap::new()); // answers 404 to everything
    let err = fetch(
        &format!("{base}/simple"),
        &p,
        cache.path(),
        &crate::NoProgress,
    )
    .unwrap_err();
    match err {
        ModelError::Network { url, message } => {
            assert_eq!(url, format!("{base}/simple/demo-pkg/"));
            assert!(message.contains("404"), "{message}");
        }
        other => panic!("wrong error {other:?}"),
    }
}
