//! `EnglishNumberNormalizer.process_words`: the word-by-word state machine that turns spelled
//! numbers into digits, ported branch for branch (quirks included) so outputs match Whisper's.

use num_bigint::BigUint;

use super::value::{Decimal, Value, pow10, text_or_empty};
use super::vocab::{PREFIXES, VOCAB};
use crate::text::decimal_value;

/// `^\d+(\.\d+)?$` (any script's digits, as Python's `\d`): a written number such as "1.5".
fn is_arabic(word: &str) -> bool {
    let (whole, fraction) = match word.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (word, None),
    };
    let digits = |part: &str| !part.is_empty() && part.chars().all(|c| decimal_value(c).is_some());
    digits(whole) && fraction.is_none_or(digits)
}

/// The generator's state: what Python keeps in `prefix`, `value` and the yielded words.
#[derive(Default)]
struct State {
    prefix: Option<char>,
    value: Option<Value>,
    out: Vec<String>,
}

impl State {
    /// Python's `output(result)`: prefix the result, clear the number, yield.
    fn output(&mut self, result: String) {
        let word = match self.prefix.take() {
            Some(prefix) => format!("{prefix}{result}"),
            None => result,
        };
        self.value = None;
        self.out.push(word);
    }

    /// `if value is not None: yield output(value)`.
    fn flush(&mut self) {
        if let Some(value) = self.value.take() {
            self.output(value.text());
        }
    }
}

/// Appends a small number to the value the way Whisper's ones/tens branches do: add when the
/// value's last `modulus` digits are zero, otherwise concatenate the digits.
fn add_or_append(value: &BigUint, small: u32, modulus: u32) -> Value {
    if value % modulus == BigUint::ZERO {
        Value::Int(value + small)
    } else {
        Value::Str(format!("{value}{small}"))
    }
}

/// `value[:-1] + digit`: replaces the trailing zero a tens word left.
fn replace_last(value: &Value, digit: u32) -> String {
    let mut text = value.text();
    text.pop();
    format!("{text}{digit}")
}

/// `before + residual * multiplier`: scales the last group of three digits.
fn scale_last_group(value: &BigUint, power: u32) -> BigUint {
    let thousand = BigUint::from(1000u32);
    (value / &thousand) * &thousand + (value % &thousand) * pow10(power)
}

/// The ones branch: "one" … "nineteen" after whatever value is being built.
fn join_ones(value: Option<Value>, ones: u32, prev: Option<&str>) -> Value {
    let v = &*VOCAB;
    let Some(value) = value else {
        return Value::int(ones);
    };
    match value {
        Value::Int(n) if !prev.is_some_and(|p| v.ones.contains_key(p)) => {
            add_or_append(&n, ones, if ones < 10 { 10 } else { 100 })
        }
        value if prev.is_some_and(|p| v.tens.contains_key(p)) && ones < 10 => {
            Value::Str(replace_last(&value, ones))
        }
        value => Value::Str(format!("{}{ones}", value.text())),
    }
}

/// Runs the state machine over whitespace-separated words.
pub(super) fn process_words(words: &[&str]) -> Vec<String> {
    let v = &*VOCAB;
    let mut st = State::default();
    let mut skip = false;
    for (i, &current) in words.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        let prev = i.checked_sub(1).map(|j| words[j]);
        let next = words.get(i + 1).copied();
        let prev_in = |set: &dyn Fn(&str) -> bool| prev.is_some_and(set);
        let next_in = |set: &dyn Fn(&str) -> bool| next.is_some_and(set);
        let next_is_numeric = next_in(&is_arabic);
        let first = current.chars().next();
        let prefix_char = first.filter(|c| PREFIXES.contains(c));
        let bare = prefix_char.map_or(current, |c| &current[c.len_utf8()..]);

        if is_arabic(bare) {
            if let Some(value) = &st.value {
                if let Value::Str(s) = value
                    && s.ends_with('.')
                {
                    st.value = Some(Value::Str(format!("{s}{current}")));
                    continue;
                }
                st.flush();
            }
            if prefix_char.is_some() {
                st.prefix = prefix_char;
            }
            let whole =
                Decimal::parse(&Value::Str(bare.to_string())).and_then(|d| d.times_pow10(0));
            st.value = Some(whole.map_or_else(|| Value::Str(bare.to_string()), Value::Int));
        } else if !v.words.contains(current) {
            st.flush();
            st.output(current.to_string());
        } else if v.zeros.contains(current) {
            st.value = Some(Value::Str(text_or_empty(st.value.as_ref()) + "0"));
        } else if let Some(&ones) = v.ones.get(current) {
            st.value = Some(join_ones(st.value.take(), ones, prev));
        } else if let Some(&(ones, suffix)) = v.ones_suffixed.get(current) {
            let joined = st.value.take().map_or_else(
                || ones.to_string(),
                |value| join_ones(Some(value), ones, prev).text(),
            );
            st.output(format!("{joined}{suffix}"));
        } else if let Some(&tens) = v.tens.get(current) {
            st.value = Some(match &st.value {
                None => Value::int(tens),
                Some(Value::Str(s)) => Value::Str(format!("{s}{tens}")),
                Some(Value::Int(n)) => add_or_append(n, tens, 100),
            });
        } else if let Some(&(tens, suffix)) = v.tens_suffixed.get(current) {
            let word = match st.value.take() {
                None => format!("{tens}{suffix}"),
                Some(Value::Str(s)) => format!("{s}{tens}{suffix}"),
                Some(Value::Int(n)) => format!("{}{suffix}", add_or_append(&n, tens, 100).text()),
            };
            st.output(word);
        } else if let Some(&power) = v.multipliers.get(current) {
            match st.value.take() {
                None => st.value = Some(Value::Int(pow10(power))),
                Some(Value::Int(n)) if n != BigUint::ZERO => {
                    st.value = Some(Value::Int(scale_last_group(&n, power)))
                }
                Some(value) => match Decimal::parse(&value).and_then(|d| d.times_pow10(power)) {
                    Some(product) => st.value = Some(Value::Int(product)),
                    None => {
                        st.output(value.text());
                        st.value = Some(Value::Int(pow10(power)));
                    }
                },
            }
        } else if let Some(&(power, suffix)) = v.multipliers_suffixed.get(current) {
            match st.value.take() {
                None => st.output(format!("{}{suffix}", pow10(power))),
                Some(Value::Str(s)) => match Decimal::parse(&Value::Str(s.clone()))
                    .and_then(|d| d.times_pow10(power))
                {
                    Some(product) => st.output(format!("{product}{suffix}")),
                    None => {
                        st.output(s);
                        st.output(format!("{}{suffix}", pow10(power)));
                    }
                },
                Some(Value::Int(n)) => {
                    st.output(format!("{}{suffix}", scale_last_group(&n, power)))
                }
            }
        } else if let Some(&sign) = v.preceding_prefixers.get(current) {
            st.flush();
            if next_in(&|n| v.words.contains(n)) || next_is_numeric {
                st.prefix = Some(sign);
            } else {
                st.output(current.to_string());
            }
        } else if let Some(&currency) = v.following_prefixers.get(current) {
            if st.value.is_some() {
                st.prefix = Some(currency);
                st.flush();
            } else {
                st.output(current.to_string());
            }
        } else if current == "per" || current == "percent" {
            match st.value.take() {
                Some(value) if current == "percent" => st.output(format!("{}%", value.text())),
                Some(value) if next == Some("cent") => {
                    st.output(format!("{}%", value.text()));
                    skip = true;
                }
                Some(value) => {
                    st.output(value.text());
                    st.output(current.to_string());
                }
                None => st.output(current.to_string()),
            }
        } else if !next_in(&|n| v.words.contains(n)) && !next_is_numeric {
            // a special ("and", "double", "triple", "point") not followed by anything numeric
            st.flush();
            st.output(current.to_string());
        } else if current == "and" {
            if !prev_in(&|p| v.multipliers.contains_key(p)) {
                st.flush();
                st.output(current.to_string());
            }
        } else if current == "double" || current == "triple" {
            if let Some(following) =
                next.filter(|n| v.ones.contains_key(*n) || v.zeros.contains(*n))
            {
                let repeats = if current == "double" { 2 } else { 3 };
                let digit = v.ones.get(following).copied().unwrap_or(0).to_string();
                st.value = Some(Value::Str(
                    text_or_empty(st.value.as_ref()) + &digit.repeat(repeats),
                ));
                skip = true;
            } else {
                st.flush();
                st.output(current.to_string());
            }
        } else if next_in(&|n| v.decimals.contains(n)) || next_is_numeric {
            // "point": only a decimal point when a digit follows; otherwise dropped, as in Whisper
            st.value = Some(Value::Str(text_or_empty(st.value.as_ref()) + "."));
        }
    }
    st.flush();
    st.out
}
