use chrono::{Duration, TimeZone, Utc};

use super::*;

fn call(
    id: &str,
    day: u32,
    agent: &str,
    categories: &[&str],
    sentiment: Option<f32>,
    lines: &[(&str, &str)],
) -> CallDoc {
    CallDoc {
        facts: CallFacts {
            call_id: id.into(),
            started_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
            agent_id: Some(agent.into()),
            duration_ms: 60_000 * u64::from(day),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            sentiment,
        },
        segments: lines
            .iter()
            .enumerate()
            .map(|(i, (speaker, text))| DocSegment {
                speaker: speaker.to_string(),
                start_ms: i as u64 * 5_000,
                text: text.to_string(),
            })
            .collect(),
    }
}

fn sample() -> (tempfile::TempDir, CallIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = CallIndex::open(dir.path()).unwrap();
    index
        .upsert(&[
            call(
                "lost",
                1,
                "agent-7",
                &["Card"],
                Some(-0.2),
                &[
                    (
                        "agent",
                        "Thank you for calling Northwind Bank, how can I help?",
                    ),
                    (
                        "customer",
                        "I lost my debit card yesterday and I need to block it.",
                    ),
                    (
                        "agent",
                        "I have blocked the card and ordered a replacement card.",
                    ),
                ],
            ),
            call(
                "roaming",
                2,
                "agent-9",
                &["Roaming"],
                Some(0.6),
                &[
                    (
                        "customer",
                        "I am travelling to Japan and want my phone to work there.",
                    ),
                    ("agent", "Roaming in Japan costs ten dollars per day."),
                ],
            ),
            call(
                "dispute",
                3,
                "agent-7",
                &["Card", "Complaint"],
                Some(-0.7),
                &[
                    (
                        "customer",
                        "There is a payment on my card I never made, I want a refund.",
                    ),
                    (
                        "agent",
                        "I have opened a dispute and you will hear back within five days.",
                    ),
                ],
            ),
        ])
        .unwrap();
    (dir, index)
}

fn ids(hits: &[CallHit]) -> Vec<&str> {
    hits.iter().map(|h| h.facts.call_id.as_str()).collect()
}

fn words(text: &str) -> CallQuery {
    CallQuery {
        text: text.into(),
        limit: 10,
        ..Default::default()
    }
}

#[test]
fn words_find_calls_with_the_matching_segments_marked() {
    let (_dir, index) = sample();
    let hits = index.search(&words("blocked card")).unwrap();
    assert_eq!(ids(&hits), ["lost"]);
    let at: Vec<u64> = hits[0].snippets.iter().map(|s| s.start_ms).collect();
    assert_eq!(
        at,
        [5_000, 10_000],
        "the segments with matches, in call order"
    );
    let snippet = &hits[0].snippets[1];
    assert_eq!(snippet.speaker, "agent");
    let marked: Vec<&str> = snippet
        .highlights
        .iter()
        .map(|r| &snippet.fragment[r.clone()])
        .collect();
    assert!(
        marked.contains(&"blocked") && marked.contains(&"card"),
        "{marked:?}"
    );
    // Stemming: "refunds" finds "refund"; every word must occur somewhere in the call.
    assert_eq!(ids(&index.search(&words("refunds")).unwrap()), ["dispute"]);
    assert!(index.search(&words("refund japan")).unwrap().is_empty());
}

#[test]
fn phrases_match_words_in_order_only() {
    let (_dir, index) = sample();
    assert_eq!(
        ids(&index.search(&words("\"debit card\"")).unwrap()),
        ["lost"]
    );
    assert!(index.search(&words("\"card debit\"")).unwrap().is_empty());
}

#[test]
fn filters_narrow_and_alone_list_newest_first() {
    let (_dir, index) = sample();
    let all = index
        .search(&CallQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&all), ["dispute", "roaming", "lost"]);
    assert!(all.iter().all(|h| h.snippets.is_empty() && h.score == 0.0));
    let q = |f: &dyn Fn(&mut CallQuery)| {
        let mut q = words("card");
        f(&mut q);
        index.search(&q).unwrap()
    };
    assert_eq!(ids(&q(&|q| q.agent_id = Some("agent-7".into()))).len(), 2);
    assert_eq!(
        ids(&q(&|q| q.category = Some("Complaint".into()))),
        ["dispute"]
    );
    assert_eq!(ids(&q(&|q| q.max_sentiment = Some(-0.5))), ["dispute"]);
    assert_eq!(ids(&q(&|q| q.max_duration_ms = Some(90_000))), ["lost"]);
    let day2 = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
    assert_eq!(ids(&q(&|q| q.from = Some(day2))), ["dispute"]);
    assert_eq!(ids(&q(&|q| q.to = Some(day2))), ["lost"]);
    let hit = &q(&|q| q.category = Some("Complaint".into()))[0];
    assert_eq!(hit.facts.agent_id.as_deref(), Some("agent-7"));
    assert_eq!(hit.facts.categories, ["Card", "Complaint"]);
    assert_eq!(hit.facts.duration_ms, 180_000);
    assert!((hit.facts.sentiment.unwrap() + 0.7).abs() < 1e-6);
}

#[test]
fn a_call_indexed_again_replaces_its_document_and_survives_reopening() {
    let (dir, index) = sample();
    let mut changed = call(
        "roaming",
        2,
        "agent-9",
        &[],
        None,
        &[("customer", "My broadband is down again.")],
    );
    changed.facts.started_at += Duration::minutes(1);
    index.upsert(&[changed]).unwrap();
    assert_eq!(index.len(), 3);
    assert!(index.search(&words("japan")).unwrap().is_empty());
    drop(index);
    let reopened = CallIndex::open(dir.path()).unwrap();
    let hits = reopened.search(&words("broadband")).unwrap();
    assert_eq!(ids(&hits), ["roaming"]);
    assert_eq!(hits[0].facts.sentiment, None);
}

#[test]
fn bad_searches_are_refused_precisely() {
    let (_dir, index) = sample();
    let err = index
        .search(&words("\"unclosed phrase"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read the search"), "{err}");
    let day = |d| Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap();
    let backwards = CallQuery {
        from: Some(day(3)),
        to: Some(day(1)),
        ..words("card")
    };
    assert!(
        index
            .search(&backwards)
            .unwrap_err()
            .to_string()
            .contains("is after")
    );
    let upside = CallQuery {
        min_sentiment: Some(0.5),
        max_sentiment: Some(-0.5),
        ..words("card")
    };
    assert!(
        index
            .search(&upside)
            .unwrap_err()
            .to_string()
            .contains("above")
    );
}
