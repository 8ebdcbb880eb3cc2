//! Serde helpers for Fortnox's loose JSON, used with `#[serde(default, deserialize_with = "…")]`
//! on reads and `serialize_with` on writes.
//!
//! Reads accept what Fortnox (and the simulator) actually send: numbers as strings, `null` for
//! "not set", `""` for empty text, `"0"` for "no reference", booleans as `"true"`. Amounts are
//! read by [`fortsync_domain::money::lenient`] (exact decimals).

use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use time::Date;
use time::macros::format_description;

/// Any JSON scalar.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Number(n) => n.to_string(),
            Scalar::Text(s) => s,
        }
    }
}

/// Optional text: `null` and `""` are `None`; numbers and booleans are printed.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?
        .map(Scalar::into_text)
        .filter(|s| !s.is_empty()))
}

/// A reference to another document: `null`, `""`, `"0"` and `0` mean "none" (Fortnox's way of
/// saying the invoice has no credit note, the order no invoice, …).
pub fn reference<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text(d)?.filter(|s| {
        let t = s.trim();
        !t.is_empty() && t != "0"
    }))
}

/// A flag: `true`/`false`, `"true"`/`"false"` (any case), `1`/`0`, `"1"`/`"0"`; `null` is false.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Option::<Scalar>::deserialize(d)? {
        None => Ok(false),
        Some(Scalar::Bool(b)) => Ok(b),
        Some(other) => {
            let t = other.into_text();
            match t.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" | "" => Ok(false),
                _ => Err(D::Error::custom(format!("not a boolean: {t:?}"))),
            }
        }
    }
}

fn whole<E: serde::de::Error>(v: Decimal) -> Result<i128, E> {
    if v.fract().is_zero() {
        v.to_i128()
            .ok_or_else(|| E::custom(format!("integer out of range: {v}")))
    } else {
        Err(E::custom(format!("not a whole number: {v}")))
    }
}

/// Optional unsigned integer from a number or numeric string (`null`/`""` → `None`).
pub fn u64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    lenient::option(d)?
        .map(|v| {
            let n = whole::<D::Error>(v)?;
            u64::try_from(n).map_err(|_| D::Error::custom(format!("not an unsigned integer: {v}")))
        })
        .transpose()
}

/// Optional `u32` (account numbers, years) from a number or numeric string.
pub fn u32_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    u64_opt(d)?
        .map(|n| u32::try_from(n).map_err(|_| D::Error::custom(format!("out of range: {n}"))))
        .transpose()
}

/// Optional `i64` from a number or numeric string.
pub fn i64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    lenient::option(d)?
        .map(|v| {
            let n = whole::<D::Error>(v)?;
            i64::try_from(n).map_err(|_| D::Error::custom(format!("out of range: {v}")))
        })
        .transpose()
}

/// Parses `YYYY-MM-DD` (a longer date-time such as `2026-01-31 12:00:00` keeps its date).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let head = s.get(..10)?;
    Date::parse(head, format_description!("[year]-[month]-[day]")).ok()
}

/// `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Optional date `YYYY-MM-DD`; `null` and `""` are `None`, anything else unparsable is an error.
pub fn date_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    match text(d)? {
        None => Ok(None),
        Some(s) => parse_date(&s)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("not a date (YYYY-MM-DD): {s:?}"))),
    }
}

/// A list that may be `null`.
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Optional value of a Fortnox enum: `null` and `""` are `None`.
pub fn enum_opt<'de, D: Deserializer<'de>, T: From<String>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(text(d)?.map(T::from))
}

/// Writes an optional amount as an exact JSON number (use with `skip_serializing_if`).
pub fn number_opt<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => crate::wire::number(v, s),
        None => s.serialize_none(),
    }
}

/// Writes an optional date as `YYYY-MM-DD` (use with `skip_serializing_if`).
pub fn date_out<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => s.serialize_str(&format_date(*d)),
        None => s.serialize_none(),
    }
}

/// Digits of an organisation or personal number, comparable across spellings: `556677-8899`,
/// `5566778899` and `16556677-8899` all give `5566778899`; `19800101-1234` and `800101-1234`
/// both give `8001011234` (a 12-digit form with a century or the `16` prefix is cut to 10).
pub fn organisation_digits(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 12
        && ["16", "18", "19", "20"]
            .iter()
            .any(|p| digits.starts_with(p))
    {
        digits[2..].to_owned()
    } else {
        digits
    }
}

/// Text that is normally present: `null` and missing read as `""`.
pub fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text(d)?.unwrap_or_default())
}

/// Required unsigned integer from a number or numeric string.
pub fn u64_req<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    u64_opt(d)?.ok_or_else(|| D::Error::custom("missing number"))
}
