//! Date and time recognisers; relative dates resolve against a caller-supplied reference date.
//!
//! Rules (documented because they are choices): a bare weekday ("Monday", "this Monday") is the
//! first such day on or after the reference date; "next Monday" is the first one strictly after
//! it; "last Monday" the last one strictly before. "1 December" without a year is in the
//! reference date's year. Numeric dates with slashes are day-first (`01/12/2026` = 1 December).

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use regex::{Captures, Regex};

use super::number::parse_amount;
use super::{Found, SlotValue};

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const MONTH_RE: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const WEEKDAY_RE: &str = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let small = r"\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten";
    Regex::new(&format!(
        r"(?ix)
        \b(?P<rel>day\ after\ tomorrow|day\ before\ yesterday|today|tonight|tomorrow|yesterday)\b
        | \b(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})\b
        | \b(?P<sd>\d{{1,2}})/(?P<sm>\d{{1,2}})/(?P<sy>\d{{4}}|\d{{2}})\b
        | \b(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{MONTH_RE})\b(?:,?\s+(?P<dy>\d{{4}})\b)?
        | \b(?P<mm>{MONTH_RE})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<my>\d{{4}})\b)?
        | \b(?:(?P<which>next|this|last|on)\s+)?(?P<wd>{WEEKDAY_RE})\b
        | \bin\s+(?P<inn>{small})\s+(?P<inu>days?|weeks?)\b
        | \b(?P<agon>{small})\s+(?P<agou>days?|weeks?)\s+ago\b
        "
    ))
    .expect("valid regex")
});

fn month_number(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

fn weekday(s: &str) -> Option<Weekday> {
    s.to_ascii_lowercase().parse().ok()
}

fn count(s: &str) -> Option<u64> {
    match s.to_ascii_lowercase().as_str() {
        "a" | "an" => Some(1),
        other => parse_amount(other).map(|n| n as u64),
    }
}

fn num(c: &Captures<'_>, name: &str) -> Option<u32> {
    c.name(name)?.as_str().parse().ok()
}

fn resolve(c: &Captures<'_>, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(rel) = c.name("rel") {
        let rel = rel.as_str().to_ascii_lowercase();
        return match rel.as_str() {
            "today" | "tonight" => Some(today),
            "tomorrow" => today.checked_add_days(Days::new(1)),
            "yesterday" => today.checked_sub_days(Days::new(1)),
            "day after tomorrow" => today.checked_add_days(Days::new(2)),
            _ => today.checked_sub_days(Days::new(2)),
        };
    }
    if c.name("iy").is_some() {
        return NaiveDate::from_ymd_opt(num(c, "iy")? as i32, num(c, "im")?, num(c, "id")?);
    }
    if c.name("sy").is_some() {
        let mut year = num(c, "sy")? as i32;
        if year < 100 {
            year += 2000;
        }
        return NaiveDate::from_ymd_opt(year, num(c, "sm")?, num(c, "sd")?);
    }
    if let Some(m) = c.name("dm") {
        let year = num(c, "dy").map_or(today.year(), |y| y as i32);
        return NaiveDate::from_ymd_opt(year, month_number(m.as_str())?, num(c, "dd")?);
    }
    if let Some(m) = c.name("mm") {
        let year = num(c, "my").map_or(today.year(), |y| y as i32);
        return NaiveDate::from_ymd_opt(year, month_number(m.as_str())?, num(c, "md")?);
    }
    if let Some(wd) = c.name("wd") {
        let target = weekday(wd.as_str())?;
        let ahead =
            (7 + target.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let which = c.name("which").map(|w| w.as_str().to_ascii_lowercase());
        return match which.as_deref() {
            Some("next") => {
                today.checked_add_days(Days::new(if ahead == 0 { 7 } else { ahead as u64 }))
            }
            Some("last") => {
                let back = (7 - ahead) % 7;
                today.checked_sub_days(Days::new(if back == 0 { 7 } else { back as u64 }))
            }
            _ => today.checked_add_days(Days::new(ahead as u64)),
        };
    }
    let (n, unit, forward) = if let Some(n) = c.name("inn") {
        (n, c.name("inu")?, true)
    } else {
        (c.name("agon")?, c.name("agou")?, false)
    };
    let mut days = count(n.as_str())?;
    if unit.as_str().to_ascii_lowercase().starts_with("week") {
        days *= 7;
    }
    if forward {
        today.checked_add_days(Days::new(days))
    } else {
        today.checked_sub_days(Days::new(days))
    }
}

pub(crate) fn find_dates(text: &str, today: NaiveDate) -> Vec<Found> {
    DATE.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            Some(Found {
                start: whole.start(),
                end: whole.end(),
                value: SlotValue::Date(resolve(&c, today)?),
            })
        })
        .collect()
}

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?P<word>noon|midday|midnight)\b
        | \b(?P<h12>\d{1,2})(?::(?P<m12>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?:\W|$)
        | \b(?P<h24>\d{1,2}):(?P<m24>\d{2})\b
        | \b(?P<hoc>\d{1,2})\s+o'?clock\b
        ",
    )
    .expect("valid regex")
});

fn resolve_time(c: &Captures<'_>) -> Option<NaiveTime> {
    if let Some(w) = c.name("word") {
        let hour = if w.as_str().eq_ignore_ascii_case("midnight") {
            0
        } else {
            12
        };
        return NaiveTime::from_hms_opt(hour, 0, 0);
    }
    if let Some(ampm) = c.name("ampm") {
        let h = num(c, "h12")?;
        if !(1..=12).contains(&h) {
            return None;
        }
        let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
        let hour = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        return NaiveTime::from_hms_opt(hour, num(c, "m12").unwrap_or(0), 0);
    }
    if c.name("h24").is_some() {
        return NaiveTime::from_hms_opt(num(c, "h24")?, num(c, "m24")?, 0);
    }
    NaiveTime::from_hms_opt(num(c, "hoc")?, 0, 0)
}

pub(crate) fn find_times(text: &str) -> Vec<Found> {
    TIME.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            // The am/pm branch may have consumed one trailing separator; don't claim it.
            let trimmed = whole
                .as_str()
                .trim_end_matches(|ch: char| !ch.is_alphanumeric() && ch != '.');
            let end = whole.start() + trimmed.len();
            Some(Found {
                start: whole.start(),
                end,
                value: SlotValue::Time(resolve_time(&c)?),
            })
        })
        .collect()
}
