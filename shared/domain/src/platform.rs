//! What the Shopify and WooCommerce parsers share: their error type and the small, strict
//! readers for ids, e-mail, countries, currencies, timestamps and VAT rates.
//!
//! Shop payloads are read leniently where shops are inconsistent (numbers or strings for
//! amounts, `null` for empty lists, unknown fields ignored) and strictly where a wrong guess
//! would end up in the books (VAT basis, currency, country, e-mail): those give a
//! [`PlatformError::Field`] naming the field and the reason.

use crate::countries;
use crate::error::{Classify, ErrorClass};
use crate::ids::OrderId;
use crate::money::{HUNDRED, ore};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlatformError {
    #[error("body is not valid JSON for this resource: {0}")]
    Json(String),
    #[error("field `{field}` is invalid: {reason}")]
    Field { field: String, reason: String },
}

/// A payload that does not parse never will: the shop must correct it.
impl Classify for PlatformError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Permanent
    }
}

pub(crate) fn field(name: impl Into<String>, reason: impl Into<String>) -> PlatformError {
    PlatformError::Field {
        field: name.into(),
        reason: reason.into(),
    }
}

/// The body as JSON, unwrapped from `{"<envelope>": {...}}` when it comes wrapped (REST
/// responses and the reference fixtures are; webhook bodies are not).
pub(crate) fn body_value(body: &[u8], envelope: &str) -> Result<Value, PlatformError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| PlatformError::Json(e.to_string()))?;
    match value {
        Value::Object(mut map) if map.get(envelope).is_some_and(Value::is_object) => {
            Ok(map.remove(envelope).unwrap_or_default())
        }
        Value::Object(map) => Ok(Value::Object(map)),
        _ => Err(PlatformError::Json("expected a JSON object".into())),
    }
}

pub(crate) fn decode<T: DeserializeOwned>(value: Value) -> Result<T, PlatformError> {
    serde_json::from_value(value).map_err(|e| PlatformError::Json(e.to_string()))
}

/// `null` reads as the default (shops send `null` for empty lists now and then).
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A shop id: a 64-bit integer (kept as its exact decimal text, never through `f64`) or text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Id {
    Int(u64),
    Text(String),
}

impl Id {
    pub(crate) fn text(&self) -> String {
        match self {
            Id::Int(n) => n.to_string(),
            Id::Text(s) => s.trim().to_owned(),
        }
    }
}

pub(crate) fn order_id(name: &str, id: Option<&Id>) -> Result<OrderId, PlatformError> {
    let id = id.ok_or_else(|| field(name, "missing"))?;
    OrderId::parse(&id.text()).map_err(|e| field(name, e.to_string()))
}

/// Trimmed, `None` when empty.
pub(crate) fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// "First Last", either part optional.
pub(crate) fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let parts: Vec<String> = [first, last].into_iter().filter_map(text).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The buyer's e-mail, lower-cased and trimmed: Fortnox customers are matched by it, so an
/// order without one is refused with a reason rather than creating an unmatchable customer.
pub(crate) fn email(name: &str, candidates: &[Option<&str>]) -> Result<String, PlatformError> {
    let email = candidates
        .iter()
        .find_map(|c| text(*c))
        .ok_or_else(|| {
            field(
                name,
                "missing: fortsync matches Fortnox customers by e-mail, so the order needs one",
            )
        })?
        .to_lowercase();
    let ok = email.matches('@').count() == 1
        && !email.starts_with('@')
        && !email.ends_with('@')
        && !email.contains(char::is_whitespace);
    if ok {
        Ok(email)
    } else {
        Err(field(name, format!("{email:?} is not an e-mail address")))
    }
}

pub(crate) fn country(name: &str, code: Option<&str>) -> Result<String, PlatformError> {
    let code = text(code)
        .ok_or_else(|| field(name, "missing: the country decides the VAT treatment"))?
        .to_ascii_uppercase();
    if countries::is_country_code(&code) {
        Ok(code)
    } else {
        Err(field(name, "must be an ISO 3166 alpha-2 code such as SE"))
    }
}

pub(crate) fn currency(name: &str, code: Option<&str>) -> Result<String, PlatformError> {
    let code = text(code)
        .ok_or_else(|| field(name, "missing"))?
        .to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code)
    } else {
        Err(field(name, "must be an ISO 4217 code such as SEK"))
    }
}

const NAIVE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// The calendar date of a timestamp *in its own offset* (Shopify writes the shop's offset,
/// WooCommerce's `date_created` is shop-local without one): that is the shop's order date,
/// never shifted to UTC. Accepts RFC 3339, `YYYY-MM-DDTHH:MM:SS` and `YYYY-MM-DD`.
pub(crate) fn local_date(name: &str, s: Option<&str>) -> Result<String, PlatformError> {
    let s = text(s).ok_or_else(|| field(name, "missing"))?;
    let rfc = time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
        .map(|d| d.date());
    let date = rfc
        .or_else(|_| time::PrimitiveDateTime::parse(&s, NAIVE).map(|d| d.date()))
        .or_else(|_| time::Date::parse(&s, DATE))
        .map_err(|_| field(name, "must be an RFC 3339 timestamp or YYYY-MM-DD"))?;
    date.format(DATE)
        .map_err(|e| field(name, format!("cannot format the date: {e}")))
}

/// An RFC 3339 timestamp as the shop wrote it; a WooCommerce `*_gmt` value (UTC without an
/// offset) gets its `Z`.
pub(crate) fn rfc3339(name: &str, s: Option<&str>) -> Result<Option<String>, PlatformError> {
    let Some(s) = text(s) else { return Ok(None) };
    if time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).is_ok() {
        return Ok(Some(s));
    }
    if time::PrimitiveDateTime::parse(&s, NAIVE).is_ok() {
        return Ok(Some(format!("{s}Z")));
    }
    Err(field(name, "must be an RFC 3339 timestamp"))
}

/// A percentage from a fraction (Shopify's `rate: 0.25` → 25), to two decimals (7.5, 25.5).
pub(crate) fn percent_of_fraction(name: &str, fraction: Decimal) -> Result<Decimal, PlatformError> {
    if fraction < Decimal::ZERO || fraction > Decimal::ONE {
        return Err(field(
            name,
            "must be a fraction between 0 and 1, such as 0.25",
        ));
    }
    Ok(percent(fraction * HUNDRED))
}

/// A percentage kept to two decimals, without trailing zeros (25, 19, 25.5).
pub(crate) fn percent(p: Decimal) -> Decimal {
    p.round_dp(2).normalize()
}

/// The VAT rate that explains `tax` on `base` when the payload names no rate: the first of
/// `known` (the order's own rates), 25, 12, 6 that reproduces the tax to the öre; else the
/// nearest half percent if it reproduces it; else the plain ratio to two decimals (an
/// unusual rate is then refused later, with advice, by the mapping).
pub(crate) fn rate_from_amounts(tax: Decimal, base: Decimal, known: &[Decimal]) -> Decimal {
    let (tax, base) = (tax.abs(), base.abs());
    if tax.is_zero() || base.is_zero() {
        return Decimal::ZERO;
    }
    let reproduces = |r: &Decimal| ore(base * *r / HUNDRED) == tax;
    let swedish = [dec!(25), dec!(12), dec!(6)];
    if let Some(r) = known.iter().chain(swedish.iter()).find(|r| reproduces(r)) {
        return r.normalize();
    }
    let ratio = tax * HUNDRED / base;
    let half = (ratio * dec!(2)).round() / dec!(2);
    if reproduces(&half) {
        half.normalize()
    } else {
        percent(ratio)
    }
}

/// A JSON scalar as text (meta values and note attributes may be strings or numbers).
pub(crate) fn scalar_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => text(Some(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Lower-case letters and digits only: `"VAT number"`, `vat_number` and `_vat-number` compare
/// equal.
pub(crate) fn key(k: &str) -> String {
    k.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_stay_in_the_shops_own_offset() {
        let d = |s| local_date("d", Some(s)).unwrap();
        assert_eq!(d("2026-11-30T23:30:00-05:00"), "2026-11-30");
        assert_eq!(d("2026-12-01T00:10:00+01:00"), "2026-12-01");
        assert_eq!(d("2026-12-01T00:10:00"), "2026-12-01");
        assert_eq!(d("2026-12-01"), "2026-12-01");
        assert!(local_date("d", Some("01/12/2026")).is_err());
        assert_eq!(
            rfc3339("u", Some("2026-12-01T09:00:00"))
                .unwrap()
                .as_deref(),
            Some("2026-12-01T09:00:00Z")
        );
    }

    #[test]
    fn rates_are_recovered_from_amounts() {
        assert_eq!(rate_from_amounts(dec!(0.45), dec!(6.00), &[]), dec!(7.5));
        assert_eq!(rate_from_amounts(dec!(12.25), dec!(49.00), &[]), dec!(25));
        assert_eq!(rate_from_amounts(dec!(15.81), dec!(83.19), &[]), dec!(19));
        assert_eq!(rate_from_amounts(dec!(0.25), dec!(0.99), &[]), dec!(25));
        assert_eq!(rate_from_amounts(dec!(-2.40), dec!(-20.00), &[]), dec!(12));
        assert_eq!(rate_from_amounts(dec!(0), dec!(10), &[]), dec!(0));
        assert_eq!(percent_of_fraction("r", dec!(0.255)).unwrap(), dec!(25.5));
        assert!(percent_of_fraction("r", dec!(4.0)).is_err());
    }

    #[test]
    fn emails_are_lowercased_and_required() {
        assert_eq!(
            email("e", &[None, Some(" Anna@Example.SE ")]).unwrap(),
            "anna@example.se"
        );
        assert!(email("e", &[Some("  ")]).is_err());
        assert!(email("e", &[Some("anna")]).is_err());
    }
}
