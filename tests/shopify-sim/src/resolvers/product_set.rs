//! `productSet` and `productCreate`.
//!
//! Assumed Shopify behaviour: `productSet` replaces the variant list (omitted variants are
//! deleted) and its variants need `optionValues`; new variants are untracked unless
//! `inventoryItem.tracked` says otherwise; `productCreate` makes one "Default Title" variant.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::variants_update::{MAX_INPUT, check_price, input_too_large};
use super::{UserErr, gid_of, payload, req_obj, string_list};
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::{ProductStatus, split_gid};
use crate::render;
use crate::seed::NewVariant;
use crate::state::World;

fn status_arg(sel: &Sel, input: &Map<String, Value>) -> GqlResult<Option<ProductStatus>> {
    match input.get("status").and_then(Value::as_str) {
        None => Ok(None),
        Some(s) => ProductStatus::parse(s).map(Some).ok_or_else(|| {
            sel.err(format!("Variable input.status has an invalid value: {s}"))
                .code("INVALID_VARIABLE")
        }),
    }
}

/// One `ProductVariantSetInput` checked into a variant to insert (or update, when it has an id).
fn set_variant(
    w: &World,
    input: &Map<String, Value>,
    i: usize,
    errors: &mut Vec<UserErr>,
) -> Option<(Option<u64>, NewVariant)> {
    let idx = i.to_string();
    let field =
        |f: &str| -> Vec<String> { vec!["input".into(), "variants".into(), idx.clone(), f.into()] };
    let before = errors.len();
    let options = input.get("optionValues").and_then(Value::as_array);
    let title = match options {
        Some(o) if !o.is_empty() => o
            .iter()
            .filter_map(|v| v.get("name").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" / "),
        _ => {
            errors.push(UserErr {
                field: field("optionValues"),
                message: "Option values are required for each variant".into(),
                code: Some("INVALID_VARIANT".into()),
            });
            String::new()
        }
    };
    let price = match input.get("price").filter(|p| !p.is_null()) {
        Some(p) => {
            let f = field("price");
            let f: Vec<&str> = f.iter().map(String::as_str).collect();
            check_price(p, &f, errors).unwrap_or_default()
        }
        None => Decimal::ZERO,
    };
    let item = input.get("inventoryItem").and_then(Value::as_object);
    let sku = input
        .get("sku")
        .and_then(Value::as_str)
        .or_else(|| item.and_then(|o| o.get("sku")).and_then(Value::as_str))
        .unwrap_or("")
        .to_string();
    let tracked = item
        .and_then(|o| o.get("tracked"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut on_hand = BTreeMap::new();
    for q in input
        .get("inventoryQuantities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let loc = q
            .get("locationId")
            .and_then(Value::as_str)
            .and_then(|g| split_gid(g).filter(|(k, _)| *k == "Location"))
            .map(|(_, id)| id)
            .filter(|id| w.locations.contains_key(id));
        let name = q.get("name").and_then(Value::as_str).unwrap_or("");
        let qty = q.get("quantity").and_then(Value::as_i64);
        match (loc, name, qty) {
            (Some(loc), "available" | "on_hand", Some(qty)) => {
                on_hand.insert(loc, qty);
            }
            (None, _, _) => errors.push(UserErr {
                field: field("inventoryQuantities"),
                message: "The specified location could not be found".into(),
                code: Some("INVALID_INVENTORY_QUANTITIES".into()),
            }),
            _ => errors.push(UserErr {
                field: field("inventoryQuantities"),
                message: "Quantity name must be available or on_hand".into(),
                code: Some("INVALID_INVENTORY_QUANTITIES".into()),
            }),
        }
    }
    let id = input
        .get("id")
        .and_then(Value::as_str)
        .and_then(|g| split_gid(g).filter(|(k, _)| *k == "ProductVariant"))
        .map(|(_, id)| id);
    (errors.len() == before).then_some((
        id,
        NewVariant {
            title,
            sku,
            price,
            tracked,
            on_hand,
        },
    ))
}

pub(crate) fn product_set(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "productSet";
    let input = req_obj(sel, "input")?;
    let status = status_arg(sel, input)?;
    let existing = match input.get("id").and_then(Value::as_str) {
        Some(g) => Some(gid_of(sel, g, "Product")?),
        None => None,
    };
    let title = input
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut errors = Vec::new();
    if existing.is_none() && title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(UserErr::new(
            &["input", "title"],
            "Title can't be blank",
            "BLANK",
        ));
    }
    if let Some(id) = existing {
        if !w.products.contains_key(&id) {
            errors.push(UserErr::new(
                &["input", "id"],
                "Product does not exist",
                "PRODUCT_DOES_NOT_EXIST",
            ));
        }
    }
    let inputs = input.get("variants").and_then(Value::as_array);
    if let Some(list) = inputs {
        if list.len() > MAX_INPUT {
            return Err(input_too_large(sel, list.len()));
        }
    }
    let mut variants = Vec::new();
    for (i, v) in inputs.into_iter().flatten().enumerate() {
        if let Some(v) = v.as_object() {
            if let Some(nv) = set_variant(w, v, i, &mut errors) {
                variants.push(nv);
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Value::Object(payload(name, &errors)));
    }
    let now = w.now();
    let tags = input.get("tags").map(|t| string_list(Some(t)));
    let pid = match existing {
        None => {
            let news = variants.into_iter().map(|(_, nv)| nv).collect();
            let p = w.insert_product(
                title.unwrap_or_default(),
                status.unwrap_or(ProductStatus::Active),
                tags.unwrap_or_default(),
                news,
                now,
            );
            p.id
        }
        Some(pid) => {
            update_product(w, pid, title, status, tags, inputs.map(|_| variants), now);
            pid
        }
    };
    let mut out = payload(name, &[]);
    if let Some(p) = w.products.get(&pid) {
        out.insert("product".into(), render::product(w, p, true));
    }
    Ok(Value::Object(out))
}

/// `productSet` on an existing product: scalar fields when given; the variant list, when
/// given, replaces the current one (matching variants by id keep their ids).
fn update_product(
    w: &mut World,
    pid: u64,
    title: Option<String>,
    status: Option<ProductStatus>,
    tags: Option<Vec<String>>,
    variants: Option<Vec<(Option<u64>, NewVariant)>>,
    now: time::OffsetDateTime,
) {
    let mut new_list = Vec::new();
    if let Some(variants) = variants {
        let old = w
            .products
            .get(&pid)
            .map(|p| p.variants.clone())
            .unwrap_or_default();
        for (i, (id, nv)) in variants.into_iter().enumerate() {
            let position = i as u32 + 1;
            match id.and_then(|id| old.iter().find(|v| v.id == id)) {
                Some(v) => {
                    let mut v = v.clone();
                    v.title = nv.title;
                    v.sku = nv.sku;
                    v.price = nv.price;
                    v.tracked = nv.tracked;
                    v.position = position;
                    v.on_hand.extend(nv.on_hand);
                    v.updated_at = now;
                    new_list.push(v);
                }
                None => new_list.push(w.new_variant(nv, position, now)),
            }
        }
    }
    if let Some(p) = w.products.get_mut(&pid) {
        if let Some(t) = title {
            p.title = t;
        }
        if let Some(s) = status {
            p.status = s;
        }
        if let Some(t) = tags {
            p.tags = t;
        }
        if !new_list.is_empty() {
            p.variants = new_list;
        }
        p.updated_at = now;
    }
    w.reindex();
}

pub(crate) fn product_create(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "productCreate";
    let input = sel
        .arg("product")
        .or_else(|| sel.arg("input"))
        .and_then(Value::as_object)
        .ok_or_else(|| sel.err("Field 'productCreate' is missing required argument 'product'"))?;
    let status = status_arg(sel, input)?;
    let title = input
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if title.trim().is_empty() {
        let e = UserErr::new(&["title"], "Title can't be blank", "BLANK");
        return Ok(Value::Object(payload(name, &[e])));
    }
    let now = w.now();
    let default = NewVariant {
        title: "Default Title".into(),
        sku: String::new(),
        price: Decimal::ZERO,
        tracked: false,
        on_hand: BTreeMap::new(),
    };
    let tags = string_list(input.get("tags"));
    let p = w.insert_product(
        title,
        status.unwrap_or(ProductStatus::Active),
        tags,
        vec![default],
        now,
    );
    let mut out = payload(name, &[]);
    out.insert("product".into(), render::product(w, &p, true));
    Ok(Value::Object(out))
}
