//! Finds the spans of personal data in one message, given what the conversation said before.

use std::sync::LazyLock;

use regex::Regex;

use crate::PiiKind;
use crate::cues::{self, Cue, Found};
use crate::spoken::{self, Run, digit_word, is_number_word, luhn};
use crate::tokens::{Token, TokenKind, tokenize};

/// A span of the original text and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
}

/// What one message leaves for the next ones.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub spans: Vec<Span>,
    /// Values asked for and not given in this message ("Can I have your account number?"),
    /// in the order the question names them.
    pub open_cues: Vec<Cue>,
    /// The message ended in the middle of a number of this kind (the next may continue it).
    pub trailing: Option<PiiKind>,
}

/// Tokens a cue may sit before the value it governs.
const CUE_REACH: usize = 10;
/// Tokens at the start of an answer a cue from the question before still governs.
const ANSWER_REACH: usize = 12;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("valid")
});
static SSN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{3}-\d{2}-\d{4}\b").expect("valid"));
static UK_POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$").expect("valid"));
static UK_OUTWARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$").expect("valid"));
static UK_INWARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9][A-Z]{2}$").expect("valid"));

const UNITS_AFTER: &[&str] = &[
    "dollars",
    "dollar",
    "bucks",
    "pounds",
    "pound",
    "quid",
    "euros",
    "euro",
    "cents",
    "cent",
    "pence",
    "p",
    "percent",
    "%",
    "am",
    "pm",
    "o'clock",
    "minutes",
    "minute",
    "mins",
    "hours",
    "hour",
    "hrs",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "years",
    "year",
    "times",
    "gb",
    "mb",
    "gigs",
    "gigabytes",
    "megabytes",
    "mbps",
    "items",
    "points",
    "miles",
    "seconds",
];
const STREET_SUFFIXES: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "way",
    "court",
    "ct",
    "place",
    "pl",
    "close",
    "crescent",
    "terrace",
    "square",
    "highway",
    "parkway",
    "circle",
    "row",
    "gardens",
    "grove",
    "walk",
    "mews",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];
const ORDINALS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
];
/// Words that end a name read out after "my name is".
const NOT_NAMES: &[&str] = &[
    "and", "i", "i'm", "from", "how", "calling", "speaking", "the", "a", "an", "with", "here",
    "please", "thanks", "thank", "is", "it's", "and", "but", "so", "what", "who", "on", "at", "in",
    "of", "to", "for", "yes", "no", "okay", "ok", "hi", "hello", "sir", "madam", "mr", "mrs", "ms",
    "miss", "dr", "your", "my", "we", "you", "can", "may", "will", "today",
];
const LEADING_FILLERS: &[&str] = &["and", "uh", "um", "er", "erm", "then", "so", "it's", "its"];

/// The state a message is read in: cue left open by the last messages, and whether this
/// speaker's last message stopped in the middle of a number.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub open_cues: &'a [Cue],
    pub continues: Option<PiiKind>,
}

/// Finds the personal data in `text`.
pub(crate) fn detect(text: &str, ctx: Context) -> Outcome {
    let tokens = tokenize(text);
    let found = cues::find(&tokens);
    let mut out = Outcome::default();
    let mut answered = false;

    // The cues that may say what a value at token `at` is: its own, else the question's.
    let cues_at = |at: usize| -> Vec<Option<Cue>> {
        match cues::governing(&tokens, &found, at, CUE_REACH) {
            Some(cue) => vec![Some(cue)],
            None if at < ANSWER_REACH && no_cue_before(&found, at) && !ctx.open_cues.is_empty() => {
                ctx.open_cues.iter().copied().map(Some).collect()
            }
            None => vec![None],
        }
    };

    // The question's first cue, when a value at `at` answers it (no cue of its own before it).
    let answering = |at: usize| -> Option<Cue> {
        (at < ANSWER_REACH && no_cue_before(&found, at))
            .then(|| ctx.open_cues.first().copied())
            .flatten()
            .filter(|c| c.kind().is_some())
    };

    // Numbers: cards, SSNs, phones, accounts, routing numbers, ZIP codes, security codes.
    let runs = spoken::runs(&tokens);
    for (n, run) in runs.iter().enumerate() {
        let at_end = tokens[run.last + 1..]
            .iter()
            .all(|t| matches!(t.kind, TokenKind::Punct(_)));
        let starts = n == 0 && starts_message(&tokens, run.first);
        let kind = if starts && ctx.continues.is_some() {
            ctx.continues
        } else if amount_or_quantity(&tokens, run) {
            None
        } else if let Some(asked) = answering(run.first) {
            // The answer to a question asking for a value: whatever digits it holds are that
            // value, even when recognition garbled their count ("Sure, it's 41… 31…").
            (run.digits.len() >= 2).then(|| asked.kind()).flatten()
        } else {
            cues_at(run.first)
                .into_iter()
                .find_map(|cue| classify(run, cue, at_end, &tokens))
        };
        if let Some(kind) = kind {
            answered = true;
            out.spans.push(Span {
                start: tokens[run.first].start,
                end: tokens[run.last].end,
                kind,
            });
            // Cut off mid-number: no full stop after it, or too few digits for its kind.
            let stopped = tokens[run.last + 1..].iter().any(Token::ends_sentence);
            out.trailing =
                (at_end && (!stopped || incomplete(kind, run.digits.len()))).then_some(kind);
        }
    }

    // Dates of birth, postcodes read out, names and addresses: spans that follow their cue.
    let after_cues = found.iter().map(|f| (f.cue, f.end)).chain(
        ctx.open_cues
            .iter()
            .map(|&c| (c, 0))
            .filter(|_| no_cue_before(&found, ANSWER_REACH.min(tokens.len()))),
    );
    for (cue, from) in after_cues.collect::<Vec<_>>() {
        let span = match cue {
            Cue::Dob => date_after(&tokens, from).map(|s| (s, PiiKind::DateOfBirth)),
            Cue::Postcode => postcode_after(&tokens, from).map(|s| (s, PiiKind::Postcode)),
            Cue::Name => name_after(&tokens, from).map(|s| (s, PiiKind::Name)),
            Cue::Address => address_after(&tokens, from).map(|s| (s, PiiKind::Address)),
            _ => None,
        };
        if let Some(((a, b), kind)) = span {
            answered = true;
            out.spans.push(Span {
                start: tokens[a].start,
                end: tokens[b].end,
                kind,
            });
        }
    }
    out.spans.extend(street_addresses(&tokens, &runs));
    out.spans.extend(written_postcodes(&tokens));
    out.spans.extend(spoken_emails(&tokens));
    for m in EMAIL.find_iter(text) {
        out.spans.push(Span {
            start: m.start(),
            end: m.end(),
            kind: PiiKind::Email,
        });
    }
    for m in SSN.find_iter(text) {
        out.spans.push(Span {
            start: m.start(),
            end: m.end(),
            kind: PiiKind::Ssn,
        });
    }

    // A question that asks for values and is not answered in the same breath stays open: the
    // cues of its last sentence, in order ("the postcode registered on the account").
    if !answered {
        let sentence_start = tokens
            .iter()
            .rposition(|t| t.ends_sentence() && t.end < text.trim_end().len())
            .map_or(0, |i| i + 1);
        out.open_cues = found
            .iter()
            .filter(|f| f.end > sentence_start)
            .map(|f| f.cue)
            .collect();
    }
    out.spans = merge(out.spans);
    out
}

fn no_cue_before(found: &[Found], at: usize) -> bool {
    !found.iter().any(|f| f.end <= at)
}

/// Whether only fillers ("and", "um", "it's") come before token `at`.
fn starts_message(tokens: &[Token], at: usize) -> bool {
    tokens[..at].iter().all(|t| {
        matches!(t.kind, TokenKind::Punct(_)) || LEADING_FILLERS.contains(&t.lower.as_str())
    })
}

/// Amounts ("$45", "forty nine dollars"), times ("3 pm") and quantities ("48 hours") stay.
fn amount_or_quantity(tokens: &[Token], run: &Run) -> bool {
    let before = run.first.checked_sub(1).map(|i| &tokens[i]);
    if before.is_some_and(|t| matches!(t.kind, TokenKind::Punct('$' | '£' | '€'))) {
        return true;
    }
    tokens
        .get(run.last + 1)
        .is_some_and(|t| UNITS_AFTER.contains(&t.lower.as_str()) || t.is_punct('%'))
}

/// Fewer digits than a value of this kind has.
fn incomplete(kind: PiiKind, n: usize) -> bool {
    n < match kind {
        PiiKind::CardNumber => 13,
        PiiKind::Phone => 10,
        PiiKind::Ssn => 9,
        PiiKind::BankAccount | PiiKind::RoutingNumber => 6,
        _ => 0,
    }
}

fn classify(run: &Run, cue: Option<Cue>, at_end: bool, tokens: &[Token]) -> Option<PiiKind> {
    let n = run.digits.len();
    // A value cut off by the end of the message is redacted whatever its length so far.
    let cut = at_end && n >= 3;
    match cue {
        Some(Cue::Keep) => None,
        Some(Cue::Card) if (12..=19).contains(&n) || cut => Some(PiiKind::CardNumber),
        Some(Cue::CardCode) if (3..=4).contains(&n) => Some(PiiKind::CardSecurityCode),
        Some(Cue::Ssn) if n == 9 || n == 4 || cut => Some(PiiKind::Ssn),
        Some(Cue::Phone) if (7..=15).contains(&n) || cut => Some(PiiKind::Phone),
        Some(Cue::Account) if (6..=34).contains(&n) || cut => Some(PiiKind::BankAccount),
        Some(Cue::Routing) if (6..=9).contains(&n) || cut => Some(PiiKind::RoutingNumber),
        Some(Cue::Postcode) if n == 5 || n == 9 => Some(PiiKind::Postcode),
        _ => uncued(run, tokens),
    }
}

/// Numbers that say what they are without a cue.
fn uncued(run: &Run, tokens: &[Token]) -> Option<PiiKind> {
    let n = run.digits.len();
    let plus = tokens[run.first].is_punct('+');
    if (13..=19).contains(&n) && luhn(&run.digits) {
        Some(PiiKind::CardNumber)
    } else if run.grouped && (n == 10 || (n == 11 && matches!(&run.digits[..1], "0" | "1")))
        || plus && (10..=15).contains(&n)
    {
        Some(PiiKind::Phone)
    } else {
        None
    }
}

fn is_date_word(t: &Token) -> bool {
    let w = t.lower.as_str();
    match t.kind {
        TokenKind::Digits => true,
        TokenKind::Word => {
            MONTHS.contains(&w)
                || ORDINALS.contains(&w)
                || is_number_word(w)
                || matches!(w, "of" | "the")
                || ordinal_digits(w)
        }
        TokenKind::Punct(c) => matches!(c, ',' | '/' | '-' | '.'),
    }
}

fn ordinal_digits(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(&w[digits.len()..], "st" | "nd" | "rd" | "th")
}

/// The date read out after a date-of-birth cue.
fn date_after(tokens: &[Token], from: usize) -> Option<(usize, usize)> {
    let substantive = |t: &Token| {
        is_date_word(t)
            && !matches!(t.kind, TokenKind::Punct(_))
            && !matches!(t.lower.as_str(), "of" | "the")
    };
    let start = (from..tokens.len().min(from + CUE_REACH)).find(|&i| substantive(&tokens[i]))?;
    if tokens[from..start].iter().any(Token::ends_sentence) && from > 0 {
        return None;
    }
    let mut end = start;
    let mut i = start;
    // A sentence's full stop is a date separator only between digits ("14.03.1986").
    while i < tokens.len()
        && is_date_word(&tokens[i])
        && (!tokens[i].ends_sentence() || digits_around(tokens, i))
    {
        if substantive(&tokens[i]) {
            end = i;
        }
        i += 1;
    }
    let has_date = tokens[start..=end].iter().any(|t| {
        MONTHS.contains(&t.lower.as_str())
            || t.kind == TokenKind::Digits
            || ORDINALS.contains(&t.lower.as_str())
            || ordinal_digits(&t.lower)
    }) || tokens[start..=end]
        .iter()
        .filter(|t| is_number_word(&t.lower))
        .count()
        >= 2;
    has_date.then_some((start, end))
}

fn digits_around(tokens: &[Token], i: usize) -> bool {
    i > 0
        && tokens[i - 1].kind == TokenKind::Digits
        && tokens
            .get(i + 1)
            .is_some_and(|t| t.kind == TokenKind::Digits)
}

/// A UK postcode or US ZIP code, written ("SW1A 2AA") or read out ("S W one A, two A A").
fn postcode_after(tokens: &[Token], from: usize) -> Option<(usize, usize)> {
    let start = (from..tokens.len().min(from + CUE_REACH))
        .find(|&i| postcode_piece(&tokens[i]).is_some())?;
    let mut chars = String::new();
    let mut best = None;
    let mut i = start;
    while i < tokens.len() {
        let t = &tokens[i];
        if let Some(piece) = postcode_piece(t) {
            chars.push_str(&piece);
            let compact = chars.to_uppercase();
            if UK_POSTCODE.is_match(&compact)
                || (compact.len() == 5 || compact.len() == 9)
                    && compact.chars().all(|c| c.is_ascii_digit())
            {
                best = Some((start, i));
            }
            if chars.len() > 9 {
                break;
            }
        } else if !matches!(t.kind, TokenKind::Punct(',' | '-')) {
            break;
        }
        i += 1;
    }
    best
}

fn postcode_piece(t: &Token) -> Option<String> {
    match t.kind {
        TokenKind::Digits if t.lower.len() <= 5 => Some(t.lower.clone()),
        TokenKind::Word => {
            let w = t.lower.as_str();
            if let Some(d) = digit_word(w).filter(|_| w != "o") {
                Some(d.to_string())
            } else if w.len() <= 4
                && w.chars().all(|c| c.is_ascii_alphanumeric())
                && (w.len() == 1 || w.chars().any(|c| c.is_ascii_digit()))
            {
                Some(w.to_string())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A name after "my name is": capitalised words, or spelt letters; up to three words.
fn name_after(tokens: &[Token], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while tokens
        .get(i)
        .is_some_and(|t| matches!(t.kind, TokenKind::Punct(':' | ',')) || t.lower == "is")
    {
        i += 1;
    }
    let start = i;
    let mut end = None;
    let mut words = 0;
    while let Some(t) = tokens.get(i) {
        let is_name = t.kind == TokenKind::Word
            && !NOT_NAMES.contains(&t.lower.as_str())
            && !is_number_word(&t.lower);
        if !is_name {
            if t.is_punct('-') && end.is_some() {
                i += 1;
                continue;
            }
            break;
        }
        end = Some(i);
        if t.lower.chars().count() > 1 {
            words += 1;
            if words == 3 {
                break;
            }
        }
        i += 1;
    }
    end.map(|e| (start, e))
}

/// What follows "my address is" / "I live at", to the end of the sentence (at most 14 tokens).
fn address_after(tokens: &[Token], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while tokens
        .get(i)
        .is_some_and(|t| matches!(t.lower.as_str(), "is" | ":" | "it's"))
    {
        i += 1;
    }
    let start = i;
    let mut end = None;
    while let Some(t) = tokens.get(i) {
        if t.ends_sentence()
            && !(t.is_punct('.')
                && tokens
                    .get(i + 1)
                    .is_some_and(|n| n.kind == TokenKind::Digits))
            || i - start >= 14
        {
            break;
        }
        if !matches!(t.kind, TokenKind::Punct(_)) {
            end = Some(i);
        }
        i += 1;
    }
    let end = end?;
    // "My address is the same" is not an address: it needs a number or a street word.
    let has_number = tokens[start..=end].iter().any(|t| {
        t.kind == TokenKind::Digits
            || is_number_word(&t.lower)
            || STREET_SUFFIXES.contains(&t.lower.as_str())
    });
    has_number.then_some((start, end))
}

/// "12 Oak Tree Lane", "twelve oak tree lane": a house number, up to four words, a street word.
fn street_addresses(tokens: &[Token], runs: &[Run]) -> Vec<Span> {
    let mut out = Vec::new();
    for run in runs.iter().filter(|r| r.digits.len() <= 5) {
        let mut i = run.last + 1;
        let mut words = 0;
        while let Some(t) = tokens.get(i) {
            if t.kind != TokenKind::Word || words > 4 {
                break;
            }
            if words > 0 && STREET_SUFFIXES.contains(&t.lower.as_str()) {
                out.push(Span {
                    start: tokens[run.first].start,
                    end: t.end,
                    kind: PiiKind::Address,
                });
                break;
            }
            words += 1;
            i += 1;
        }
    }
    out
}

/// Postcodes written in capitals ("SW1A 2AA"), which say what they are without a cue.
fn written_postcodes(tokens: &[Token]) -> Vec<Span> {
    let text_of = |t: &Token| t.lower.to_uppercase();
    tokens
        .windows(2)
        .filter(|w| {
            w[0].kind == TokenKind::Word
                && UK_OUTWARD.is_match(&text_of(&w[0]))
                && w[0].lower.chars().any(|c| c.is_ascii_digit())
                && UK_INWARD.is_match(&text_of(&w[1]))
        })
        .map(|w| Span {
            start: w[0].start,
            end: w[1].end,
            kind: PiiKind::Postcode,
        })
        .collect()
}

/// "john dot smith at gmail dot com".
fn spoken_emails(tokens: &[Token]) -> Vec<Span> {
    const TLDS: &[&str] = &[
        "com", "net", "org", "co", "uk", "io", "edu", "gov", "us", "ca", "de", "info", "biz",
    ];
    let word = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.kind != TokenKind::Punct('.') && !matches!(t.kind, TokenKind::Punct(_)))
    };
    let mut out = Vec::new();
    for at in 1..tokens.len() {
        if tokens[at].lower != "at" {
            continue;
        }
        // Domain: word (dot word)+ ending in a known top-level domain.
        let mut j = at + 1;
        let mut end = None;
        if word(j).is_none() {
            continue;
        }
        j += 1;
        while tokens
            .get(j)
            .is_some_and(|t| t.lower == "dot" || t.is_punct('.'))
            && word(j + 1).is_some()
        {
            if TLDS.contains(&tokens[j + 1].lower.as_str()) {
                end = Some(j + 1);
            }
            j += 2;
        }
        let Some(end) = end else { continue };
        // Local part: word ((dot|underscore|dash) word)* before "at".
        let mut start = at - 1;
        if word(start).is_none() {
            continue;
        }
        while start >= 2
            && matches!(
                tokens[start - 1].lower.as_str(),
                "dot" | "underscore" | "dash" | "hyphen"
            )
            && word(start - 2).is_some()
        {
            start -= 2;
        }
        out.push(Span {
            start: tokens[start].start,
            end: tokens[end].end,
            kind: PiiKind::Email,
        });
    }
    out
}

/// Sorts spans and joins overlapping ones (the longer one names the kind).
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<Span> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => {
                if s.end - s.start > last.end - last.start {
                    last.kind = s.kind;
                }
                last.end = last.end.max(s.end);
            }
            _ => out.push(s),
        }
    }
    out
}
