//! `inventorySetQuantities`: absolute `available` / `on_hand` quantities per (item, location).
//!
//! Version rules (Shopify changelog): from 2026-04 the mutation must carry
//! `@idempotent(key:)` and every quantity must name `changeFromQuantity` (null skips the
//! compare-and-swap check; a mismatch is `CHANGE_FROM_QUANTITY_STALE`). Earlier versions use
//! `compareQuantity` with `ignoreCompareQuantity`. A repeated idempotency key returns the first
//! answer without applying anything again. Since 2026-10 any location accepts stock (the item
//! becomes stocked there). The simulator has no reservations, so available = on hand; setting
//! stock does not move the variant's `updatedAt`.

use serde_json::{Map, Value, json};

use super::variants_update::{MAX_INPUT, input_too_large};
use super::{Ctx, UserErr, payload, req_obj};
use crate::clock::fmt_time;
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::{gid, split_gid};
use crate::render;
use crate::state::World;

/// Reasons Shopify accepts for quantity changes.
const REASONS: &[&str] = &[
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_created",
    "movement_updated",
    "movement_received",
    "movement_canceled",
    "other",
    "promotion",
    "quality_control",
    "received",
    "reservation_created",
    "reservation_deleted",
    "reservation_updated",
    "restock",
    "safety_stock",
    "shrinkage",
];

struct Change {
    variant: u64,
    location: u64,
    quantity: i64,
}

pub(crate) fn set_quantities(w: &mut World, sel: &Sel, ctx: &Ctx) -> GqlResult<Value> {
    let name = "inventorySetQuantities";
    let cas = ctx.at_least("2026-04");
    let key = sel
        .directive("idempotent")
        .and_then(|d| d.get("key"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if cas && key.is_none() {
        return Err(sel
            .err("The @idempotent directive with a key is required for this mutation.")
            .code("BAD_REQUEST"));
    }
    if let Some(prev) = key.as_ref().and_then(|k| w.idempotency.get(k)) {
        return Ok(prev.clone());
    }
    let input = req_obj(sel, "input")?;
    let quantities = input
        .get("quantities")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if quantities.len() > MAX_INPUT {
        return Err(input_too_large(sel, quantities.len()));
    }
    let mut errors = Vec::new();
    let qname = input.get("name").and_then(Value::as_str).unwrap_or("");
    if qname != "available" && qname != "on_hand" {
        errors.push(UserErr::new(
            &["input", "name"],
            "The quantity name must be either 'available' or 'on_hand'.",
            "INVALID_NAME",
        ));
    }
    let reason = input.get("reason").and_then(Value::as_str).unwrap_or("");
    if !REASONS.contains(&reason) {
        errors.push(UserErr::new(
            &["input", "reason"],
            "The specified reason is invalid.",
            "INVALID_REASON",
        ));
    }
    let ignore_compare = input
        .get("ignoreCompareQuantity")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut changes = Vec::new();
    for (i, q) in quantities.iter().enumerate() {
        let Some(q) = q.as_object() else { continue };
        if let Some(c) = check_quantity(w, sel, q, i, cas, ignore_compare, &mut errors)? {
            changes.push(c);
        }
    }
    let result = if errors.is_empty() {
        apply(w, &changes, reason, input)
    } else {
        Value::Object(payload(name, &errors))
    };
    if let Some(k) = key {
        w.idempotency.insert(k, result.clone());
    }
    Ok(result)
}

#[allow(clippy::too_many_arguments)]
fn check_quantity(
    w: &World,
    sel: &Sel,
    q: &Map<String, Value>,
    i: usize,
    cas: bool,
    ignore_compare: bool,
    errors: &mut Vec<UserErr>,
) -> GqlResult<Option<Change>> {
    let idx = i.to_string();
    let item = q
        .get("inventoryItemId")
        .and_then(Value::as_str)
        .and_then(|g| split_gid(g).filter(|(k, _)| *k == "InventoryItem"))
        .and_then(|(_, id)| w.variant_of_item(id));
    let location = q
        .get("locationId")
        .and_then(Value::as_str)
        .and_then(|g| split_gid(g).filter(|(k, _)| *k == "Location"))
        .map(|(_, id)| id)
        .filter(|id| w.locations.contains_key(id));
    let Some(quantity) = q.get("quantity").and_then(Value::as_i64) else {
        return Err(sel
            .err(format!(
                "input.quantities.{i}.quantity: Expected value to not be null"
            ))
            .code("INVALID_VARIABLE"));
    };
    if cas && !q.contains_key("changeFromQuantity") {
        return Err(sel
            .err(format!(
                "input.quantities.{i}.changeFromQuantity must be provided (null skips the compare-and-swap check)"
            ))
            .code("INVALID_VARIABLE"));
    }
    let Some(variant) = item else {
        errors.push(UserErr::new(
            &["input", "quantities", &idx, "inventoryItemId"],
            "The specified inventory item could not be found.",
            "INVALID_INVENTORY_ITEM",
        ));
        return Ok(None);
    };
    let Some(location) = location else {
        errors.push(UserErr::new(
            &["input", "quantities", &idx, "locationId"],
            "The specified location could not be found.",
            "INVALID_LOCATION",
        ));
        return Ok(None);
    };
    let current = w
        .variant(variant)
        .and_then(|(_, v)| v.on_hand.get(&location).copied())
        .unwrap_or(0);
    let expected = if cas {
        q.get("changeFromQuantity").and_then(Value::as_i64)
    } else if ignore_compare {
        None
    } else {
        q.get("compareQuantity").and_then(Value::as_i64)
    };
    if let Some(expected) = expected {
        if expected != current {
            errors.push(UserErr::new(
                &[
                    "input",
                    "quantities",
                    &idx,
                    if cas {
                        "changeFromQuantity"
                    } else {
                        "compareQuantity"
                    },
                ],
                "The specified compare quantity does not match the current quantity.",
                if cas {
                    "CHANGE_FROM_QUANTITY_STALE"
                } else {
                    "COMPARE_QUANTITY_STALE"
                },
            ));
            return Ok(None);
        }
    }
    Ok(Some(Change {
        variant,
        location,
        quantity,
    }))
}

fn apply(w: &mut World, changes: &[Change], reason: &str, input: &Map<String, Value>) -> Value {
    let now = w.now();
    let mut rendered = Vec::new();
    for c in changes {
        let before = w
            .variant(c.variant)
            .and_then(|(_, v)| v.on_hand.get(&c.location).copied())
            .unwrap_or(0);
        let item = match w.variant_mut(c.variant) {
            Some(v) => {
                v.on_hand.insert(c.location, c.quantity);
                v.inventory_item_id
            }
            None => continue,
        };
        let location = w.locations.get(&c.location).map(render::location);
        for name in ["available", "on_hand"] {
            rendered.push(json!({
                "__typename": "InventoryChange",
                "name": name,
                "delta": c.quantity - before,
                "quantityAfterChange": c.quantity,
                "item": {"__typename": "InventoryItem", "id": gid("InventoryItem", item)},
                "location": location,
            }));
        }
    }
    let group = w.new_id();
    let mut out = payload("inventorySetQuantities", &[]);
    out.insert(
        "inventoryAdjustmentGroup".into(),
        json!({
            "__typename": "InventoryAdjustmentGroup",
            "id": gid("InventoryAdjustmentGroup", group),
            "createdAt": fmt_time(now),
            "reason": reason,
            "referenceDocumentUri": input.get("referenceDocumentUri").cloned().unwrap_or(Value::Null),
            "changes": rendered,
        }),
    );
    Value::Object(out)
}
