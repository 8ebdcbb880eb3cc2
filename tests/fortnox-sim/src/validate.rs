//! Input validation shared by all resources: request-body parsing, the field tables with their
//! types, Fortnox's character whitelist and the country lists.

use axum::body::Bytes;
use serde_json::Value;

use crate::envelope::{Obj, num, parse_dec};
use crate::errors::{ApiError, ApiResult, code};

/// Type of a record field, for validation and normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F {
    /// String with a maximum length (characters).
    S(usize),
    /// Number (JSON number or numeric string), stored as a JSON number.
    N,
    /// Boolean (JSON bool or "true"/"false").
    B,
    /// Nested object or array: passed through, strings inside are charset-checked.
    J,
    /// Read-only: accepted and ignored when posted.
    R,
}

pub type Fields = &'static [(&'static str, F)];

/// Parses `{"<Envelope>": {…}}`. Empty body → 2001392, bad JSON → 2002115, wrong shape → 2001392.
pub fn parse_body(body: &Bytes, envelope: &str) -> ApiResult<Obj> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad(
            code::EMPTY_BODY,
            "Tom eller felaktig request body.",
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad(code::JSON_PARSE, format!("Ogiltig JSON: {e}")))?;
    match v {
        Value::Object(mut o) => match o.remove(envelope) {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(ApiError::bad(
                code::EMPTY_BODY,
                format!("Tom eller felaktig request body, förväntade {envelope}."),
            )),
        },
        _ => Err(ApiError::bad(
            code::EMPTY_BODY,
            "Tom eller felaktig request body.",
        )),
    }
}

/// Like `parse_body`, but also accepts the bare record (used by the control API's seed calls).
pub fn unwrap_record(v: Value, envelope: &str) -> ApiResult<Obj> {
    match v {
        Value::Object(mut o) => match o.remove(envelope) {
            Some(Value::Object(inner)) => Ok(inner),
            Some(other) => {
                o.insert(envelope.into(), other);
                Ok(o)
            }
            None => Ok(o),
        },
        _ => Err(ApiError::bad(
            code::EMPTY_BODY,
            "Posten måste vara ett JSON-objekt.",
        )),
    }
}

/// Validates a posted record against its field table and returns the writable fields normalised:
/// unknown field → 2001399, read-only fields dropped, strings charset-checked (2000359) and length
/// checked, numbers and booleans coerced, `"API_BLANK"` turned into `null` (clears the field).
pub fn normalize(input: Obj, fields: Fields) -> ApiResult<Obj> {
    let mut out = Obj::new();
    for (key, value) in input {
        let Some((_, kind)) = fields.iter().find(|(name, _)| *name == key) else {
            return Err(ApiError::bad(
                code::UNKNOWN_FIELD,
                format!("Ogiltigt fältnamn: {key}"),
            ));
        };
        if *kind == F::R {
            continue;
        }
        if value.as_str() == Some("API_BLANK") || value.is_null() {
            out.insert(key, Value::Null);
            continue;
        }
        let v = normalize_value(&key, value, *kind)?;
        out.insert(key, v);
    }
    Ok(out)
}

pub fn normalize_value(key: &str, value: Value, kind: F) -> ApiResult<Value> {
    match kind {
        F::S(max) => {
            let s = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(ApiError::invalid(key, "förväntade text")),
            };
            check_chars(key, &s)?;
            if s.chars().count() > max {
                return Err(ApiError::bad(
                    code::INVALID_VALUE,
                    format!("Fältet {key} får vara högst {max} tecken långt."),
                ));
            }
            Ok(Value::String(s))
        }
        F::N => {
            let d = match &value {
                Value::Number(n) => parse_dec(&n.to_string()),
                Value::String(s) => parse_dec(s),
                _ => None,
            };
            d.map(num).ok_or_else(|| {
                ApiError::bad(
                    code::NOT_NUMERIC,
                    format!("Fältet {key} måste vara numeriskt."),
                )
            })
        }
        F::B => match value {
            Value::Bool(b) => Ok(Value::Bool(b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(ApiError::bad(
                code::NOT_BOOLEAN,
                format!("Fältet {key} måste vara true eller false."),
            )),
        },
        F::J => {
            check_nested(key, &value)?;
            Ok(value)
        }
        F::R => Ok(value),
    }
}

fn check_nested(key: &str, v: &Value) -> ApiResult<()> {
    match v {
        Value::String(s) => check_chars(key, s),
        Value::Array(a) => a.iter().try_for_each(|x| check_nested(key, x)),
        Value::Object(o) => o.iter().try_for_each(|(k, x)| check_nested(k, x)),
        _ => Ok(()),
    }
}

/// Fortnox's whitelist, approximated as "Windows-1252 plus Latin Extended-A": ASCII printable,
/// tab/newline/carriage return, Latin-1 letters and symbols (åäöÅÄÖéáüæøß…, £, §, °), Latin
/// Extended-A (œ, š, ž, ł…) and the CP1252 extras (€, typographic quotes and dashes, …, ™).
/// Everything else (emoji, CJK, control characters, ✓) is rejected with 2000359.
pub fn char_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{A0}'..='\u{17F}')
        || "€‚ƒ„…†‡ˆ‰‹‘’“”•–—˜™›ŸŒŠŽ".contains(c)
}

pub fn check_chars(field: &str, s: &str) -> ApiResult<()> {
    match s.chars().find(|c| !char_allowed(*c)) {
        None => Ok(()),
        Some(c) => Err(ApiError::bad(
            code::INVALID_CHARS,
            format!("Ogiltiga tecken i fältet {field}: '{c}'"),
        )),
    }
}

/// Article numbers: at most 50 of ASCII letters, digits and `_ - / \ + $` (no spaces, no åäö).
pub fn check_article_number(s: &str) -> ApiResult<()> {
    let ok = !s.is_empty()
        && s.chars().count() <= 50
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/\\+$".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad(
            code::INVALID_CHARS,
            format!("Ogiltigt artikelnummer: {s}"),
        ))
    }
}

/// (ISO 3166-1 alpha-2, English name as Fortnox expects it on documents). Sweden's document name
/// is "Sverige", not "Sweden".
pub const COUNTRIES: &[(&str, &str)] = &[
    ("SE", "Sverige"),
    ("NO", "Norway"),
    ("DK", "Denmark"),
    ("FI", "Finland"),
    ("IS", "Iceland"),
    ("DE", "Germany"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("CZ", "Czech Republic"),
    ("NL", "Netherlands"),
    ("BE", "Belgium"),
    ("LU", "Luxembourg"),
    ("FR", "France"),
    ("ES", "Spain"),
    ("PT", "Portugal"),
    ("IT", "Italy"),
    ("AT", "Austria"),
    ("CH", "Switzerland"),
    ("LI", "Liechtenstein"),
    ("PL", "Poland"),
    ("SK", "Slovakia"),
    ("HU", "Hungary"),
    ("SI", "Slovenia"),
    ("HR", "Croatia"),
    ("RO", "Romania"),
    ("BG", "Bulgaria"),
    ("GR", "Greece"),
    ("CY", "Cyprus"),
    ("MT", "Malta"),
    ("IE", "Ireland"),
    ("EE", "Estonia"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("UA", "Ukraine"),
    ("TR", "Turkey"),
    ("CA", "Canada"),
    ("MX", "Mexico"),
    ("BR", "Brazil"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("JP", "Japan"),
    ("CN", "China"),
    ("IN", "India"),
    ("ZA", "South Africa"),
    ("AE", "United Arab Emirates"),
    ("SG", "Singapore"),
    ("KR", "South Korea"),
    ("IL", "Israel"),
];

/// Document country: "Sverige" or a known English name (case-insensitive).
pub fn check_country_name(name: &str) -> ApiResult<()> {
    if COUNTRIES
        .iter()
        .any(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
    {
        Ok(())
    } else {
        Err(ApiError::bad(
            code::INVALID_COUNTRY,
            format!("Ogiltigt land: {name}"),
        ))
    }
}

/// Customer country code (ISO-2) → the name Fortnox shows in the read-only `Country` field.
pub fn country_for_code(code_: &str) -> ApiResult<&'static str> {
    let up = code_.trim().to_ascii_uppercase();
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == up)
        .map(|(_, n)| *n)
        .ok_or_else(|| {
            ApiError::bad(
                code::INVALID_COUNTRY_CODE,
                format!("Ogiltig landskod: {up}"),
            )
        })
}

/// Validates a `YYYY-MM-DD` field if present and non-null.
pub fn check_date_field(o: &Obj, key: &str) -> ApiResult<()> {
    match o.get(key) {
        Some(Value::String(s)) if crate::clock::parse_date(s).is_none() => {
            Err(ApiError::invalid(key, s))
        }
        _ => Ok(()),
    }
}

/// Validates an enum field if present and non-null.
pub fn check_enum(o: &Obj, key: &str, allowed: &[&str]) -> ApiResult<()> {
    match o.get(key) {
        Some(Value::String(s)) if !allowed.contains(&s.as_str()) => Err(ApiError::invalid(key, s)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset() {
        assert!(check_chars("f", "Åsa Öberg, Malmö – 25 € / 10 £ & \"citat\"\nrad 2").is_ok());
        assert!(check_chars("f", "Crème brûlée, Ærø, Œuvre, Łódź").is_ok());
        assert!(check_chars("f", "smile 😀").is_err());
        assert!(check_chars("f", "日本").is_err());
        assert!(check_chars("f", "bell\u{7}").is_err());
    }

    #[test]
    fn article_numbers() {
        assert!(check_article_number("ABC-1_2/3\\4+5$").is_ok());
        assert!(check_article_number("A B").is_err());
        assert!(check_article_number("A.B").is_err());
        assert!(check_article_number(&"x".repeat(51)).is_err());
    }
}
