//! Cue phrases: the words before a number (in the same sentence, or the question just asked)
//! that say what the number is.

use crate::tokens::{Token, TokenKind};

/// What the words around a number say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Card,
    CardCode,
    Ssn,
    Phone,
    Account,
    Routing,
    Dob,
    Postcode,
    Address,
    Name,
    /// Order, case, reference, ticket numbers and the like: the bot needs them, they stay.
    Keep,
}

impl Cue {
    /// The kind of number this cue asks for, when it asks for one.
    pub fn kind(self) -> Option<crate::PiiKind> {
        use crate::PiiKind as K;
        Some(match self {
            Cue::Card => K::CardNumber,
            Cue::CardCode => K::CardSecurityCode,
            Cue::Ssn => K::Ssn,
            Cue::Phone => K::Phone,
            Cue::Account => K::BankAccount,
            Cue::Routing => K::RoutingNumber,
            Cue::Postcode => K::Postcode,
            Cue::Dob | Cue::Address | Cue::Name | Cue::Keep => return None,
        })
    }
}

/// Phrases, longest first within each cue so "card number" wins over "number".
const PHRASES: &[(&str, Cue)] = &[
    ("security code", Cue::CardCode),
    ("three digits on the back", Cue::CardCode),
    ("cvv", Cue::CardCode),
    ("cvc", Cue::CardCode),
    ("cvv2", Cue::CardCode),
    ("card number", Cue::Card),
    ("long number", Cue::Card),
    ("credit card", Cue::Card),
    ("debit card", Cue::Card),
    ("card", Cue::Card),
    ("visa", Cue::Card),
    ("mastercard", Cue::Card),
    ("amex", Cue::Card),
    ("social security", Cue::Ssn),
    ("social", Cue::Ssn),
    ("ssn", Cue::Ssn),
    ("routing number", Cue::Routing),
    ("routing", Cue::Routing),
    ("sort code", Cue::Routing),
    ("aba", Cue::Routing),
    ("transit number", Cue::Routing),
    ("account number", Cue::Account),
    ("account", Cue::Account),
    ("acct", Cue::Account),
    ("iban", Cue::Account),
    ("date of birth", Cue::Dob),
    ("birth date", Cue::Dob),
    ("birthday", Cue::Dob),
    ("born", Cue::Dob),
    ("dob", Cue::Dob),
    ("d o b", Cue::Dob),
    ("postcode", Cue::Postcode),
    ("post code", Cue::Postcode),
    ("postal code", Cue::Postcode),
    ("zip code", Cue::Postcode),
    ("zip", Cue::Postcode),
    ("zipcode", Cue::Postcode),
    ("my address", Cue::Address),
    ("the address", Cue::Address),
    ("your address", Cue::Address),
    ("address is", Cue::Address),
    ("i live at", Cue::Address),
    ("i live on", Cue::Address),
    ("my name is", Cue::Name),
    ("my name's", Cue::Name),
    ("name is", Cue::Name),
    ("i'm called", Cue::Name),
    ("speaking with", Cue::Name),
    ("phone number", Cue::Phone),
    ("contact number", Cue::Phone),
    ("callback number", Cue::Phone),
    ("call back number", Cue::Phone),
    ("mobile number", Cue::Phone),
    ("cell number", Cue::Phone),
    ("best number", Cue::Phone),
    ("my number", Cue::Phone),
    ("your number", Cue::Phone),
    ("phone", Cue::Phone),
    ("mobile", Cue::Phone),
    ("cell", Cue::Phone),
    ("telephone", Cue::Phone),
    ("landline", Cue::Phone),
    ("call me", Cue::Phone),
    ("reach me", Cue::Phone),
    ("text me", Cue::Phone),
    ("ending in", Cue::Keep),
    ("ends in", Cue::Keep),
    ("last four", Cue::Keep),
    ("order number", Cue::Keep),
    ("order id", Cue::Keep),
    ("case number", Cue::Keep),
    ("case id", Cue::Keep),
    ("case reference", Cue::Keep),
    ("reference", Cue::Keep),
    ("ref", Cue::Keep),
    ("ticket", Cue::Keep),
    ("tracking", Cue::Keep),
    ("confirmation", Cue::Keep),
    ("invoice", Cue::Keep),
    ("claim", Cue::Keep),
    ("booking", Cue::Keep),
    ("extension", Cue::Keep),
    ("flight", Cue::Keep),
    ("model", Cue::Keep),
    ("serial", Cue::Keep),
];

/// A cue found in the text: the token index just after its last word.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub cue: Cue,
    pub end: usize,
}

/// Every cue phrase in `tokens`, in order of position (longest phrase at each position).
pub(crate) fn find(tokens: &[Token]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut best: Option<(usize, Cue)> = None;
        for (phrase, cue) in PHRASES {
            if let Some(len) = matches_at(tokens, i, phrase)
                && best.is_none_or(|(l, _)| len > l)
            {
                best = Some((len, *cue));
            }
        }
        match best {
            Some((len, cue)) => {
                out.push(Found { cue, end: i + len });
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// How many tokens `phrase` spans at `i`, if its words are there.
fn matches_at(tokens: &[Token], i: usize, phrase: &str) -> Option<usize> {
    let mut j = i;
    for word in phrase.split(' ') {
        let t = tokens.get(j)?;
        if t.kind != TokenKind::Word || t.lower != word {
            // "card's", "accounts" still say what the number is.
            let plural = format!("{word}s");
            let possessive = format!("{word}'s");
            if t.kind != TokenKind::Word || (t.lower != plural && t.lower != possessive) {
                return None;
            }
        }
        j += 1;
    }
    Some(j - i)
}

/// The cue that governs a number starting at token `at`: the nearest one before it in the
/// same sentence, no more than `reach` tokens back.
pub(crate) fn governing(tokens: &[Token], cues: &[Found], at: usize, reach: usize) -> Option<Cue> {
    let found = cues.iter().rev().find(|c| c.end <= at)?;
    if at - found.end > reach {
        return None;
    }
    if tokens[found.end..at].iter().any(Token::ends_sentence) {
        return None;
    }
    Some(found.cue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::tokenize;

    #[test]
    fn longest_phrase_wins_and_sentences_bound_cues() {
        let t = tokenize("My account number is 1234. Thanks. Order number 55");
        let c = find(&t);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].cue, Cue::Account);
        assert_eq!(c[0].end, 3);
        assert_eq!(governing(&t, &c, 4, 8), Some(Cue::Account));
        // "55" (token 10) is governed by "Order number", not by the account two sentences back.
        assert_eq!(governing(&t, &c, 10, 8), Some(Cue::Keep));
        let t = tokenize("my account. 1234");
        assert_eq!(governing(&t, &find(&t), 3, 8), None);
    }
}
