//! PascalCase envelopes (`{"Customer":{…}}`, `{"Customers":[…],"MetaInformation":{…}}`) and the
//! conversions between `Decimal` and JSON numbers/strings.

use std::str::FromStr;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value, json};

pub type Obj = Map<String, Value>;

pub fn ok(key: &str, v: Value) -> Response {
    Json(json!({ key: v })).into_response()
}

pub fn created(key: &str, v: Value) -> Response {
    (StatusCode::CREATED, Json(json!({ key: v }))).into_response()
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Paging facts for `MetaInformation`.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub total_resources: usize,
    pub total_pages: usize,
    pub current_page: usize,
}

pub fn list(key: &str, items: Vec<Value>, meta: Meta) -> Response {
    Json(json!({
        key: items,
        "MetaInformation": {
            "@TotalResources": meta.total_resources,
            "@TotalPages": meta.total_pages,
            "@CurrentPage": meta.current_page,
        }
    }))
    .into_response()
}

pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn positive_zero(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

/// A JSON number for the decimal. Without serde_json's `arbitrary_precision` this goes through
/// f64, whose shortest representation prints the same digits for amounts like these
/// (`1250.5`, `99.9`); trailing zeros are not kept.
pub fn num(d: Decimal) -> Value {
    let d = positive_zero(d);
    serde_json::from_str::<Value>(&d.to_string()).unwrap_or(Value::Null)
}

/// Money as a JSON number with exactly two decimals, e.g. `1250.00`.
pub fn money(d: Decimal) -> Value {
    num(two_decimals(d))
}

/// Rounds to two decimals and pads the scale, so `1` prints as `1.00`.
pub fn two_decimals(d: Decimal) -> Decimal {
    let mut r = round2(d);
    r.rescale(2);
    positive_zero(r)
}

/// Decimal as a string, for fields Fortnox types as strings (`"1.00"`).
pub fn num_str(d: Decimal) -> Value {
    Value::String(two_decimals(d).to_string())
}

/// Reads a number that may be a JSON number or a numeric string.
pub fn dec(v: Option<&Value>) -> Option<Decimal> {
    match v? {
        Value::Number(n) => parse_dec(&n.to_string()),
        Value::String(s) => parse_dec(s),
        _ => None,
    }
}

pub fn dec_or_zero(v: Option<&Value>) -> Decimal {
    dec(v).unwrap_or(Decimal::ZERO)
}

pub fn parse_dec(s: &str) -> Option<Decimal> {
    let s = s.trim();
    Decimal::from_str(s)
        .ok()
        .or_else(|| Decimal::from_scientific(s).ok())
}

pub fn str_of<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

pub fn bool_of(o: &Obj, k: &str) -> bool {
    match o.get(k) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Builds `<base>/3/<segment>/<id>`, percent-encoding the id.
pub fn url(base: &str, segment: &str, id: &str) -> Value {
    let mut out = format!("{base}/3/{segment}/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Value::String(out)
}

/// Copies `keys` from `src` (null when missing), in the given order.
pub fn pick(src: &Obj, keys: &[&str]) -> Obj {
    keys.iter()
        .map(|k| {
            (
                (*k).to_string(),
                src.get(*k).cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}
