//! `productVariantsBulkUpdate`, and the input checks shared with the product mutations.
//!
//! Assumed Shopify behaviour: bulk updates are all-or-nothing unless `allowPartialUpdates`;
//! input lists hold at most 250 entries; `inventoryQuantities` cannot be set on a bulk update;
//! prices must not be negative.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use super::{UserErr, gid_of, payload, req_str};
use crate::graphql::doc::Sel;
use crate::graphql::error::{GqlError, GqlResult};
use crate::model::split_gid;
use crate::render;
use crate::state::World;

/// Largest input list Shopify accepts.
pub(crate) const MAX_INPUT: usize = 250;

pub(crate) fn input_too_large(sel: &Sel, n: usize) -> GqlError {
    sel.err(format!(
        "The input array size of {n} is greater than the maximum allowed of {MAX_INPUT}."
    ))
    .code("MAX_INPUT_SIZE_EXCEEDED")
}

/// A `Money` input: a decimal string (or number).
fn money(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

pub(crate) fn check_price(v: &Value, field: &[&str], errors: &mut Vec<UserErr>) -> Option<Decimal> {
    match money(v) {
        Some(p) if p < Decimal::ZERO => {
            errors.push(UserErr::new(
                field,
                "Price must be greater than or equal to 0",
                "GREATER_THAN_OR_EQUAL_TO",
            ));
            None
        }
        Some(p) => Some(p),
        None => {
            errors.push(UserErr::new(field, "Price is invalid", "INVALID"));
            None
        }
    }
}

pub(crate) fn variants_bulk_update(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "productVariantsBulkUpdate";
    let pid = gid_of(sel, req_str(sel, "productId")?, "Product")?;
    let inputs = sel
        .arg("variants")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            sel.err("Field 'productVariantsBulkUpdate' is missing required argument 'variants'")
        })?;
    if inputs.len() > MAX_INPUT {
        return Err(input_too_large(sel, inputs.len()));
    }
    let partial = sel
        .arg("allowPartialUpdates")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let Some(product) = w.products.get(&pid) else {
        let e = UserErr::new(
            &["productId"],
            "Product does not exist",
            "PRODUCT_DOES_NOT_EXIST",
        );
        return Ok(Value::Object(payload(name, &[e])));
    };
    let mut errors = Vec::new();
    // (variant id, price, sku, tracked) per valid input.
    let mut changes = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let idx = i.to_string();
        let before = errors.len();
        let Some(input) = input.as_object() else {
            continue;
        };
        let vid = input
            .get("id")
            .and_then(Value::as_str)
            .and_then(|g| split_gid(g).filter(|(k, _)| *k == "ProductVariant"))
            .map(|(_, id)| id);
        let Some(vid) = vid.filter(|id| product.variants.iter().any(|v| v.id == *id)) else {
            errors.push(UserErr::new(
                &["variants", &idx, "id"],
                "Product variant does not exist",
                "PRODUCT_VARIANT_DOES_NOT_EXIST",
            ));
            continue;
        };
        if input
            .get("inventoryQuantities")
            .is_some_and(|q| !q.is_null())
        {
            errors.push(UserErr::new(
                &["variants", &idx, "inventoryQuantities"],
                "Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities.",
                "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE",
            ));
        }
        let price = match input.get("price").filter(|p| !p.is_null()) {
            Some(p) => check_price(p, &["variants", &idx, "price"], &mut errors),
            None => None,
        };
        let item = input.get("inventoryItem").and_then(Value::as_object);
        let sku = item
            .and_then(|o| o.get("sku"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let tracked = item.and_then(|o| o.get("tracked")).and_then(Value::as_bool);
        if errors.len() == before {
            changes.push((vid, price, sku, tracked));
        }
    }
    if !errors.is_empty() && !partial {
        return Ok(Value::Object(payload(name, &errors)));
    }
    let now = w.now();
    let mut updated = Vec::new();
    for (vid, price, sku, tracked) in changes {
        if let Some(v) = w.variant_mut(vid) {
            if let Some(p) = price {
                v.price = p;
            }
            if let Some(s) = sku {
                v.sku = s;
            }
            if let Some(t) = tracked {
                v.tracked = t;
            }
            v.updated_at = now;
            updated.push(vid);
        }
    }
    let mut out = payload(name, &errors);
    if let Some(p) = w.products.get_mut(&pid) {
        p.updated_at = now;
    }
    if let Some(p) = w.products.get(&pid) {
        out.insert("product".into(), render::product(w, p, true));
        let vs: Vec<Value> = p
            .variants
            .iter()
            .filter(|v| updated.contains(&v.id))
            .map(|v| render::variant(w, p, v))
            .collect();
        out.insert("productVariants".into(), Value::Array(vs));
    }
    Ok(Value::Object(out))
}
