//! `metafieldsSet` and `metafieldsDelete` on orders, customers, products and variants.
//!
//! Assumed Shopify behaviour: at most 25 metafields per `metafieldsSet`, applied all or
//! nothing; namespace 3–255 and key 2–64 characters of letters, digits, `-` and `_`; the value
//! must not be blank and must parse as its `type`; setting an existing (namespace, key)
//! replaces it. `metafieldsDelete` answers `null` for identifiers that matched nothing.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::{UserErr, payload};
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::{Metafield, split_gid};
use crate::render;
use crate::state::World;

const MAX_SET: usize = 25;

const TYPES: &[&str] = &[
    "single_line_text_field",
    "multi_line_text_field",
    "number_integer",
    "number_decimal",
    "boolean",
    "date",
    "date_time",
    "json",
    "url",
];

fn owner_type(kind: &str) -> &'static str {
    match kind {
        "Order" => "ORDER",
        "Customer" => "CUSTOMER",
        "Product" => "PRODUCT",
        _ => "PRODUCTVARIANT",
    }
}

/// The metafield list of the owner with GID `g` (variants keep none in the simulator).
fn owner<'a>(w: &'a mut World, g: &str) -> Option<(&'static str, &'a mut Vec<Metafield>)> {
    let (kind, id) = split_gid(g)?;
    let list = match kind {
        "Order" => &mut w.orders.get_mut(&id)?.metafields,
        "Customer" => &mut w.customers.get_mut(&id)?.metafields,
        "Product" => &mut w.products.get_mut(&id)?.metafields,
        _ => return None,
    };
    Some((owner_type(kind), list))
}

fn name_ok(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn value_ok(kind: &str, v: &str) -> bool {
    match kind {
        "single_line_text_field" => !v.contains('\n'),
        "number_integer" => v.parse::<i64>().is_ok(),
        "number_decimal" => Decimal::from_str(v).is_ok(),
        "boolean" => v == "true" || v == "false",
        "date" => crate::clock::parse_time(v).is_some() && v.len() == 10,
        "date_time" => crate::clock::parse_time(v).is_some(),
        "json" => serde_json::from_str::<Value>(v).is_ok(),
        _ => true,
    }
}

fn check(w: &mut World, i: usize, m: &Map<String, Value>, errors: &mut Vec<UserErr>) {
    let idx = i.to_string();
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
    let push = |errors: &mut Vec<UserErr>, k: &str, msg: &str, code: &str| {
        errors.push(UserErr {
            field: vec!["metafields".into(), idx.clone(), k.into()],
            message: msg.into(),
            code: Some(code.into()),
        });
    };
    if owner(w, s("ownerId")).is_none() {
        push(errors, "ownerId", "Owner does not exist", "INVALID");
    }
    if !name_ok(s("namespace"), 3, 255) {
        push(
            errors,
            "namespace",
            "Namespace must be 3-255 characters of letters, digits, - and _",
            "INVALID",
        );
    }
    if !name_ok(s("key"), 2, 64) {
        push(
            errors,
            "key",
            "Key must be 2-64 characters of letters, digits, - and _",
            "INVALID",
        );
    }
    let kind = s("type");
    if !TYPES.contains(&kind) {
        push(errors, "type", "Type is invalid", "INVALID_TYPE");
    }
    let value = s("value");
    if value.trim().is_empty() {
        push(errors, "value", "Value can't be blank", "BLANK");
    } else if TYPES.contains(&kind) && !value_ok(kind, value) {
        push(
            errors,
            "value",
            &format!("Value is invalid for type {kind}"),
            "INVALID_VALUE",
        );
    }
}

pub(crate) fn set(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "metafieldsSet";
    let inputs = sel
        .arg("metafields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if inputs.len() > MAX_SET {
        let e = UserErr::new(
            &["metafields"],
            format!("Exceeded the maximum metafields input limit of {MAX_SET}."),
            "LESS_THAN_OR_EQUAL_TO",
        );
        return Ok(Value::Object(payload(name, &[e])));
    }
    let objs: Vec<Map<String, Value>> = inputs
        .iter()
        .filter_map(|v| v.as_object().cloned())
        .collect();
    let mut errors = Vec::new();
    for (i, m) in objs.iter().enumerate() {
        check(w, i, m, &mut errors);
    }
    if !errors.is_empty() {
        return Ok(Value::Object(payload(name, &errors)));
    }
    let now = w.now();
    let mut rendered = Vec::new();
    for m in &objs {
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let id = w.new_id();
        let mf = Metafield {
            id,
            namespace: s("namespace"),
            key: s("key"),
            kind: s("type"),
            value: s("value"),
            updated_at: now,
        };
        let owner_id = s("ownerId");
        touch(w, &owner_id, now);
        if let Some((otype, list)) = owner(w, &owner_id) {
            match list
                .iter_mut()
                .find(|o| o.namespace == mf.namespace && o.key == mf.key)
            {
                Some(existing) => {
                    existing.kind = mf.kind.clone();
                    existing.value = mf.value.clone();
                    existing.updated_at = now;
                    rendered.push(render::metafield(otype, existing));
                }
                None => {
                    rendered.push(render::metafield(otype, &mf));
                    list.push(mf);
                }
            }
        }
    }
    let mut out = payload(name, &[]);
    out.insert("metafields".into(), Value::Array(rendered));
    Ok(Value::Object(out))
}

/// Metafield writes count as a change of the owner.
fn touch(w: &mut World, g: &str, now: time::OffsetDateTime) {
    let Some((kind, id)) = split_gid(g) else {
        return;
    };
    match kind {
        "Order" => {
            if let Some(o) = w.orders.get_mut(&id) {
                o.updated_at = now;
            }
        }
        "Customer" => {
            if let Some(c) = w.customers.get_mut(&id) {
                c.updated_at = now;
            }
        }
        "Product" => {
            if let Some(p) = w.products.get_mut(&id) {
                p.updated_at = now;
            }
        }
        _ => {}
    }
}

pub(crate) fn delete(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "metafieldsDelete";
    let inputs = sel
        .arg("metafields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let now = w.now();
    let mut deleted = Vec::new();
    for m in &inputs {
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let (owner_id, ns, key) = (s("ownerId"), s("namespace"), s("key"));
        let removed = match owner(w, &owner_id) {
            Some((_, list)) => {
                let before = list.len();
                list.retain(|m| !(m.namespace == ns && m.key == key));
                before != list.len()
            }
            None => false,
        };
        if removed {
            touch(w, &owner_id, now);
            deleted.push(json!({"__typename": "MetafieldIdentifier", "ownerId": owner_id, "namespace": ns, "key": key}));
        } else {
            deleted.push(Value::Null);
        }
    }
    let mut out = payload(name, &[]);
    out.insert("deletedMetafields".into(), Value::Array(deleted));
    Ok(Value::Object(out))
}
