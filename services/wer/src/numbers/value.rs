//! The number being built: Python keeps it either as an `int` (arbitrary size) or as a `str` of
//! digits, and which one it is changes what the next word does.

use num_bigint::BigUint;

use crate::text::decimal_value;

/// The value under construction, as Whisper's `Union[str, int]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Int(BigUint),
    Str(String),
}

impl Value {
    pub(super) fn int(n: u32) -> Self {
        Value::Int(BigUint::from(n))
    }

    /// Python's `str(value)`.
    pub(super) fn text(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Str(s) => s.clone(),
        }
    }
}

/// Python's `str(value or "")`: no value and the integer 0 are both falsy.
pub(super) fn text_or_empty(value: Option<&Value>) -> String {
    match value {
        Some(Value::Int(n)) if *n == BigUint::ZERO => String::new(),
        Some(v) => v.text(),
        None => String::new(),
    }
}

/// `10^power`.
pub(super) fn pow10(power: u32) -> BigUint {
    BigUint::from(10u32).pow(power)
}

/// A decimal number `digits / 10^scale`: what `Fraction(s)` holds for the strings Whisper builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decimal {
    digits: BigUint,
    scale: u32,
}

impl Decimal {
    /// `Fraction(value)`, or `None` where Python's `Fraction` raises `ValueError`. The strings
    /// reaching it hold only digits, '.' and currency signs, so this accepts `\d*(\.\d*)?` with
    /// at least one digit (Python's grammar also takes signs, exponents and "a/b", never built here).
    pub(super) fn parse(value: &Value) -> Option<Decimal> {
        let s = match value {
            Value::Int(n) => {
                return Some(Decimal {
                    digits: n.clone(),
                    scale: 0,
                });
            }
            Value::Str(s) => s.as_str(),
        };
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let ascii = |part: &str| -> Option<String> {
            part.chars()
                .map(|c| decimal_value(c).and_then(|d| char::from_digit(d, 10)))
                .collect()
        };
        let (whole, fraction) = (ascii(whole)?, ascii(fraction)?);
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let scale = u32::try_from(fraction.len()).ok()?;
        let digits = BigUint::parse_bytes(format!("{whole}{fraction}").as_bytes(), 10)?;
        Some(Decimal { digits, scale })
    }

    /// The value times `10^power` when that is a whole number (`denominator == 1`).
    pub(super) fn times_pow10(&self, power: u32) -> Option<BigUint> {
        if self.scale <= power {
            return Some(&self.digits * pow10(power - self.scale));
        }
        let divisor = pow10(self.scale - power);
        (&self.digits % &divisor == BigUint::ZERO).then(|| &self.digits / divisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<Decimal> {
        Decimal::parse(&Value::Str(s.to_string()))
    }

    #[test]
    fn parses_what_python_fraction_accepts() {
        assert_eq!(
            parse("007").and_then(|d| d.times_pow10(0)),
            Some(BigUint::from(7u32))
        );
        assert_eq!(
            parse("1.0").and_then(|d| d.times_pow10(0)),
            Some(BigUint::from(1u32))
        );
        assert_eq!(
            parse("5.").and_then(|d| d.times_pow10(0)),
            Some(BigUint::from(5u32))
        );
        assert_eq!(
            parse(".5").and_then(|d| d.times_pow10(1)),
            Some(BigUint::from(5u32))
        );
        assert_eq!(
            parse("1.25").and_then(|d| d.times_pow10(3)),
            Some(BigUint::from(1250u32))
        );
        assert_eq!(parse("1.2345").and_then(|d| d.times_pow10(3)), None);
        assert_eq!(
            parse("٣.٥").and_then(|d| d.times_pow10(1)),
            Some(BigUint::from(35u32))
        );
        for bad in [".", "", "1.2.3", "1.$5", "$5", "a"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn zero_is_falsy_like_python() {
        assert_eq!(text_or_empty(Some(&Value::int(0))), "");
        assert_eq!(text_or_empty(Some(&Value::Str("0".into()))), "0");
        assert_eq!(text_or_empty(None), "");
    }
}
