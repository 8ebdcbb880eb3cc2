//! Reading request fields with WordPress's schema checks (`rest_invalid_param` with
//! "x is not of type y."): strings must be strings, integers may arrive as numeric strings
//! (WordPress sanitises those), booleans as `true`/`false` or their string forms.

use serde_json::{Map, Value};

use crate::errors::{ApiError, ApiResult};

pub(crate) type Obj = Map<String, Value>;

/// The JSON object of a request body or batch item.
pub(crate) fn object<'a>(v: &'a Value, what: &str) -> ApiResult<&'a Obj> {
    v.as_object().ok_or_else(|| {
        ApiError::new(
            400,
            "rest_invalid_json",
            format!("{what} must be a JSON object."),
        )
    })
}

pub(crate) fn string(o: &Obj, name: &str) -> ApiResult<Option<String>> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::not_of_type(name, "string")),
    }
}

/// A price: a string holding a decimal number, or "" (no price). WooCommerce would store a
/// garbled string after sanitising; the simulator refuses it so adapter bugs show.
pub(crate) fn price(o: &Obj, name: &str) -> ApiResult<Option<String>> {
    let Some(s) = string(o, name)? else {
        return Ok(None);
    };
    let t = s.trim();
    if t.is_empty() || t.parse::<rust_decimal::Decimal>().is_ok() {
        Ok(Some(t.to_string()))
    } else {
        Err(ApiError::invalid_param(
            name,
            format!("{name} is not a valid decimal number."),
        ))
    }
}

/// An integer, `Some(None)` for `null`.
pub(crate) fn int(o: &Obj, name: &str) -> ApiResult<Option<Option<i64>>> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|i| Some(Some(i)))
            .ok_or_else(|| ApiError::not_of_type(name, "integer")),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(|i| Some(Some(i)))
            .map_err(|_| ApiError::not_of_type(name, "integer")),
        Some(_) => Err(ApiError::not_of_type(name, "integer")),
    }
}

pub(crate) fn boolean(o: &Obj, name: &str) -> ApiResult<Option<bool>> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" || s == "1" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" || s == "0" => Ok(Some(false)),
        Some(_) => Err(ApiError::not_of_type(name, "boolean")),
    }
}

pub(crate) fn one_of(o: &Obj, name: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
    match string(o, name)? {
        None => Ok(None),
        Some(s) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_param(
            name,
            format!("{name} is not one of {}.", allowed.join(", ")),
        )),
    }
}

/// An id in a batch `update` item or a path: a number or a numeric string.
pub(crate) fn id_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A URL slug from a name ("Blue T-shirt" → "blue-t-shirt").
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Request body as JSON; an empty body is an empty object (WordPress's behaviour).
pub(crate) fn json_body(bytes: &[u8]) -> ApiResult<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(bytes)
        .map_err(|_| ApiError::new(400, "rest_invalid_json", "Invalid JSON body passed."))
}
