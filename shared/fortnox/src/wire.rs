//! Wire helpers shared by the models: exact JSON numbers for amounts (never through `f64`),
//! number-or-string ids, and the two error-body shapes (error keys in either case).

use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serialize a `Decimal` as a JSON number with its exact digits.
pub fn number<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let raw = serde_json::value::RawValue::from_string(v.normalize().to_string())
        .map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

/// A Fortnox identifier that may come as a number or a string.
pub fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(serde_json::Number),
        S(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::N(n) => n.to_string(),
        Raw::S(s) => s,
    })
}

#[derive(Debug, Deserialize)]
pub struct ErrorEnvelope {
    #[serde(
        rename = "ErrorInformation",
        alias = "errorInformation",
        alias = "errorinformation"
    )]
    pub error_information: ErrorInformation,
}

#[derive(Debug, Deserialize)]
pub struct ErrorInformation {
    #[serde(alias = "Message", default)]
    pub message: Option<String>,
    #[serde(alias = "Code", default, deserialize_with = "lenient_code")]
    pub code: Option<u64>,
}

fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(lenient::option(d)?.and_then(|c| u64::try_from(c).ok()))
}

/// OAuth-style error body (`{"error": "...", "error_description": "..."}`).
#[derive(Debug, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[derive(Serialize)]
    struct Row {
        #[serde(serialize_with = "number")]
        price: Decimal,
    }

    #[test]
    fn amounts_are_exact_json_numbers() {
        let json = serde_json::to_string(&Row {
            price: dec!(199.90),
        })
        .unwrap();
        assert_eq!(json, r#"{"price":199.9}"#);
    }

    #[test]
    fn error_keys_in_either_case() {
        let e: ErrorEnvelope = serde_json::from_str(
            r#"{"ErrorInformation":{"Error":1,"Message":"Fel","Code":"2000359"}}"#,
        )
        .unwrap();
        assert_eq!(e.error_information.code, Some(2000359));
        let e: ErrorEnvelope = serde_json::from_str(
            r#"{"ErrorInformation":{"error":1,"message":"Fel","code":2001304}}"#,
        )
        .unwrap();
        assert_eq!(e.error_information.code, Some(2001304));
    }
}
