//! The number words `EnglishNumberNormalizer` knows, built the way its constructor builds them
//! (including its quirks: "nineth" is an ordinal, "ninth" is not).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// "one" … "nineteen", valued 1 … 19.
const ONES: [&str; 19] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [(&str, u32); 8] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];
/// Multipliers with their power of ten.
const MULTIPLIERS: [(&str, u32); 12] = [
    ("hundred", 2),
    ("thousand", 3),
    ("million", 6),
    ("billion", 9),
    ("trillion", 12),
    ("quadrillion", 15),
    ("quintillion", 18),
    ("sextillion", 21),
    ("septillion", 24),
    ("octillion", 27),
    ("nonillion", 30),
    ("decillion", 33),
];
/// Characters a number may carry in front: signs and currencies.
pub(super) const PREFIXES: [char; 6] = ['-', '+', '£', '€', '$', '¢'];

/// Every table the number normaliser consults, built once.
pub(super) struct Vocab {
    pub zeros: HashSet<&'static str>,
    pub ones: HashMap<String, u32>,
    pub ones_suffixed: HashMap<String, (u32, &'static str)>,
    pub tens: HashMap<String, u32>,
    pub tens_suffixed: HashMap<String, (u32, &'static str)>,
    pub multipliers: HashMap<String, u32>,
    pub multipliers_suffixed: HashMap<String, (u32, &'static str)>,
    pub decimals: HashSet<String>,
    pub preceding_prefixers: HashMap<&'static str, char>,
    pub following_prefixers: HashMap<&'static str, char>,
    pub words: HashSet<String>,
}

/// The tables, as `EnglishNumberNormalizer.__init__` fills them.
pub(super) static VOCAB: LazyLock<Vocab> = LazyLock::new(build);

fn build() -> Vocab {
    let zeros: HashSet<&'static str> = ["o", "oh", "zero"].into();
    let ones: HashMap<String, u32> = ONES
        .iter()
        .zip(1..)
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    let mut ones_suffixed = HashMap::new();
    for (name, value) in ONES.iter().zip(1u32..) {
        let plural = if *name == "six" {
            "sixes".to_string()
        } else {
            format!("{name}s")
        };
        ones_suffixed.insert(plural, (value, "s"));
        if value > 3 && value != 5 && value != 12 {
            let ordinal = if name.ends_with('t') {
                format!("{name}h")
            } else {
                format!("{name}th")
            };
            ones_suffixed.insert(ordinal, (value, "th"));
        }
    }
    for (name, value, suffix) in [
        ("zeroth", 0, "th"),
        ("first", 1, "st"),
        ("second", 2, "nd"),
        ("third", 3, "rd"),
        ("fifth", 5, "th"),
        ("twelfth", 12, "th"),
    ] {
        ones_suffixed.insert(name.to_string(), (value, suffix));
    }
    let tens: HashMap<String, u32> = TENS
        .iter()
        .map(|&(name, value)| (name.to_string(), value))
        .collect();
    let mut tens_suffixed = HashMap::new();
    for &(name, value) in &TENS {
        tens_suffixed.insert(name.replace('y', "ies"), (value, "s"));
        tens_suffixed.insert(name.replace('y', "ieth"), (value, "th"));
    }
    let multipliers: HashMap<String, u32> = MULTIPLIERS
        .iter()
        .map(|&(name, power)| (name.to_string(), power))
        .collect();
    let mut multipliers_suffixed = HashMap::new();
    for &(name, power) in &MULTIPLIERS {
        multipliers_suffixed.insert(format!("{name}s"), (power, "s"));
        multipliers_suffixed.insert(format!("{name}th"), (power, "th"));
    }
    let decimals: HashSet<String> = ones
        .keys()
        .chain(tens.keys())
        .cloned()
        .chain(zeros.iter().map(|z| z.to_string()))
        .collect();
    let preceding_prefixers: HashMap<&'static str, char> = [
        ("minus", '-'),
        ("negative", '-'),
        ("plus", '+'),
        ("positive", '+'),
    ]
    .into();
    let following_prefixers: HashMap<&'static str, char> = [
        ("pound", '£'),
        ("pounds", '£'),
        ("euro", '€'),
        ("euros", '€'),
        ("dollar", '$'),
        ("dollars", '$'),
        ("cent", '¢'),
        ("cents", '¢'),
    ]
    .into();
    let mut words: HashSet<String> = HashSet::new();
    words.extend(zeros.iter().map(|w| w.to_string()));
    words.extend(ones.keys().cloned());
    words.extend(ones_suffixed.keys().cloned());
    words.extend(tens.keys().cloned());
    words.extend(tens_suffixed.keys().cloned());
    words.extend(multipliers.keys().cloned());
    words.extend(multipliers_suffixed.keys().cloned());
    words.extend(preceding_prefixers.keys().map(|w| w.to_string()));
    words.extend(following_prefixers.keys().map(|w| w.to_string()));
    words.extend(["per", "percent", "and", "double", "triple", "point"].map(String::from));
    Vocab {
        zeros,
        ones,
        ones_suffixed,
        tens,
        tens_suffixed,
        multipliers,
        multipliers_suffixed,
        decimals,
        preceding_prefixers,
        following_prefixers,
        words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_match_whisper() {
        let v = &*VOCAB;
        assert_eq!(v.ones_suffixed.get("nineth"), Some(&(9, "th")));
        assert_eq!(v.ones_suffixed.get("eighth"), Some(&(8, "th")));
        assert!(!v.ones_suffixed.contains_key("ninth"));
        assert_eq!(v.ones_suffixed.get("sixes"), Some(&(6, "s")));
        assert_eq!(v.tens_suffixed.get("twentieth"), Some(&(20, "th")));
        assert_eq!(v.multipliers_suffixed.get("millionth"), Some(&(6, "th")));
        assert!(
            v.words.contains("percent") && v.words.contains("oh") && !v.words.contains("cent%")
        );
    }
}
