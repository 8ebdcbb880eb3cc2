//! Parts shared by orders and invoices: `EmailInformation`, `Labels` and the row account.

use super::codec;
use serde::{Deserialize, Serialize, Serializer};

/// `EmailInformation` of an order or invoice (used by the `email` action).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailInformation {
    #[serde(
        default,
        deserialize_with = "codec::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_address_from: Option<String>,
    #[serde(
        default,
        deserialize_with = "codec::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_address_to: Option<String>,
    #[serde(
        rename = "EmailAddressCC",
        default,
        deserialize_with = "codec::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_address_cc: Option<String>,
    #[serde(
        rename = "EmailAddressBCC",
        default,
        deserialize_with = "codec::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_address_bcc: Option<String>,
    /// At most 100 characters; `{no}` is replaced by the document number.
    #[serde(
        default,
        deserialize_with = "codec::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_subject: Option<String>,
    #[serde(
        default,
        deserialize_with = "codec::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_body: Option<String>,
}

/// A document label (`Labels: [{"Id": 1}]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    #[serde(rename = "Id", deserialize_with = "codec::u64_req")]
    pub id: u64,
}

/// A row's `AccountNumber` on writes: an account of the chart, or `API_BLANK` for a text-only
/// row without account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAccount {
    Number(u32),
    /// Sent as `"API_BLANK"`.
    Blank,
}

impl Serialize for RowAccount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RowAccount::Number(n) => s.serialize_u32(*n),
            RowAccount::Blank => s.serialize_str("API_BLANK"),
        }
    }
}

impl From<u32> for RowAccount {
    fn from(n: u32) -> Self {
        RowAccount::Number(n)
    }
}
