//! The kinds of personal data that are redacted, and their tags.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A kind of personal data; each is replaced by its own tag so a reader still knows what was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    CardNumber,
    CardSecurityCode,
    Ssn,
    Phone,
    Email,
    BankAccount,
    RoutingNumber,
    DateOfBirth,
    Postcode,
    Address,
    Name,
}

impl PiiKind {
    /// Every kind, in a stable order (the default set a deployment redacts).
    pub const ALL: [PiiKind; 11] = [
        PiiKind::CardNumber,
        PiiKind::CardSecurityCode,
        PiiKind::Ssn,
        PiiKind::Phone,
        PiiKind::Email,
        PiiKind::BankAccount,
        PiiKind::RoutingNumber,
        PiiKind::DateOfBirth,
        PiiKind::Postcode,
        PiiKind::Address,
        PiiKind::Name,
    ];

    /// The name used in configuration and stored records (`card_number`).
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::CardNumber => "card_number",
            PiiKind::CardSecurityCode => "card_security_code",
            PiiKind::Ssn => "ssn",
            PiiKind::Phone => "phone",
            PiiKind::Email => "email",
            PiiKind::BankAccount => "bank_account",
            PiiKind::RoutingNumber => "routing_number",
            PiiKind::DateOfBirth => "date_of_birth",
            PiiKind::Postcode => "postcode",
            PiiKind::Address => "address",
            PiiKind::Name => "name",
        }
    }

    /// The tag that replaces the value in text (`[CARD_NUMBER]`).
    pub fn tag(self) -> &'static str {
        match self {
            PiiKind::CardNumber => "[CARD_NUMBER]",
            PiiKind::CardSecurityCode => "[CARD_CODE]",
            PiiKind::Ssn => "[SSN]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::Email => "[EMAIL]",
            PiiKind::BankAccount => "[BANK_ACCOUNT]",
            PiiKind::RoutingNumber => "[ROUTING_NUMBER]",
            PiiKind::DateOfBirth => "[DATE_OF_BIRTH]",
            PiiKind::Postcode => "[POSTCODE]",
            PiiKind::Address => "[ADDRESS]",
            PiiKind::Name => "[NAME]",
        }
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configured kind name that is not one of [`PiiKind::ALL`].
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown PII type {0:?}; known types: card_number, card_security_code, ssn, phone, email, bank_account, routing_number, date_of_birth, postcode, address, name"
)]
pub struct UnknownKind(pub String);

impl FromStr for PiiKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PiiKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}
