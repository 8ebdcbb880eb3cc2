//! `productVariants`, `productVariant`, `products`, `product`.
//!
//! Variant search fields: `sku`, `title`, `product_id`, `product_title`, `product_status`
//! (comma list), `updated_at`, `created_at`, `id`, `inventory_quantity`; a bare word matches the
//! SKU or the product title. `updated_at` is the variant's own change time (price, SKU,
//! tracking), which Shopify does not move for stock changes. Sort keys follow
//! `ProductVariantSortKeys`, which has no `UPDATED_AT`.

use serde_json::Value;

use super::{gid_of, req_str, search, sort_key};
use crate::clock::{fmt_time, parse_time};
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::{Product, Variant};
use crate::paging::{Row, connection, id_key};
use crate::render;
use crate::search::{Cmp, Query, ord_matches, text_matches};
use crate::state::World;

pub(crate) fn variant_matches(p: &Product, v: &Variant, q: &Query) -> bool {
    q.eval(&|field, cmp, value| match field {
        Some("sku") => text_matches(&v.sku, cmp, value),
        Some("title") => text_matches(&v.title, cmp, value),
        Some("product_title") => text_matches(&p.title, cmp, value),
        Some("product_id") => num_matches(p.id, cmp, value),
        Some("id") => num_matches(v.id, cmp, value),
        Some("product_status") => value
            .split(',')
            .any(|s| s.trim().eq_ignore_ascii_case(p.status.as_str())),
        Some("updated_at") => time_matches(v.updated_at, cmp, value),
        Some("created_at") => time_matches(v.created_at, cmp, value),
        Some("inventory_quantity") => {
            let total: i64 = v.on_hand.values().sum();
            value
                .parse::<i64>()
                .is_ok_and(|n| ord_matches(total, cmp, n))
        }
        None => text_matches(&v.sku, cmp, value) || text_matches(&p.title, cmp, value),
        Some(_) => true,
    })
}

pub(crate) fn num_matches(actual: u64, cmp: Cmp, value: &str) -> bool {
    value
        .parse::<u64>()
        .is_ok_and(|n| ord_matches(actual, cmp, n))
}

pub(crate) fn time_matches(actual: time::OffsetDateTime, cmp: Cmp, value: &str) -> bool {
    parse_time(value).is_some_and(|t| ord_matches(actual, cmp, t))
}

pub(crate) fn product_variants(w: &World, sel: &Sel) -> GqlResult<Value> {
    let q = search(sel)?;
    let key = sort_key(
        sel,
        &["ID", "SKU", "TITLE", "FULL_TITLE", "POSITION", "RELEVANCE"],
        "ID",
        "ProductVariantSortKeys",
    )?;
    let mut rows = Vec::new();
    for p in w.products.values() {
        for v in &p.variants {
            if !variant_matches(p, v, &q) {
                continue;
            }
            let sort = match key {
                "SKU" => v.sku.to_lowercase(),
                "TITLE" => v.title.to_lowercase(),
                "FULL_TITLE" => format!("{} {}", p.title, v.title).to_lowercase(),
                "POSITION" => format!("{}{:010}", id_key(p.id), v.position),
                _ => id_key(v.id),
            };
            rows.push(Row {
                sort,
                id: v.id,
                node: render::variant(w, p, v),
            });
        }
    }
    connection("ProductVariantConnection", rows, &sel.args).map_err(|e| e.path(sel.key()))
}

pub(crate) fn product_variant(w: &World, sel: &Sel) -> GqlResult<Value> {
    let id = gid_of(sel, req_str(sel, "id")?, "ProductVariant")?;
    Ok(w.variant(id)
        .map(|(p, v)| render::variant(w, p, v))
        .unwrap_or(Value::Null))
}

fn product_matches(p: &Product, q: &Query) -> bool {
    q.eval(&|field, cmp, value| match field {
        Some("title") => text_matches(&p.title, cmp, value),
        Some("sku") => p.variants.iter().any(|v| text_matches(&v.sku, cmp, value)),
        Some("status") => value
            .split(',')
            .any(|s| s.trim().eq_ignore_ascii_case(p.status.as_str())),
        Some("id") => num_matches(p.id, cmp, value),
        Some("updated_at") => time_matches(p.updated_at, cmp, value),
        Some("created_at") => time_matches(p.created_at, cmp, value),
        Some("tag") => p.tags.iter().any(|t| text_matches(t, cmp, value)),
        None => text_matches(&p.title, cmp, value),
        Some(_) => true,
    })
}

pub(crate) fn products(w: &World, sel: &Sel) -> GqlResult<Value> {
    let q = search(sel)?;
    let key = sort_key(
        sel,
        &["ID", "TITLE", "UPDATED_AT", "CREATED_AT", "RELEVANCE"],
        "ID",
        "ProductSortKeys",
    )?;
    let rows = w
        .products
        .values()
        .filter(|p| product_matches(p, &q))
        .map(|p| Row {
            sort: match key {
                "TITLE" => p.title.to_lowercase(),
                "UPDATED_AT" => fmt_time(p.updated_at),
                "CREATED_AT" => fmt_time(p.created_at),
                _ => id_key(p.id),
            },
            id: p.id,
            node: render::product(w, p, true),
        })
        .collect();
    connection("ProductConnection", rows, &sel.args).map_err(|e| e.path(sel.key()))
}

pub(crate) fn product(w: &World, sel: &Sel) -> GqlResult<Value> {
    let id = gid_of(sel, req_str(sel, "id")?, "Product")?;
    Ok(w.products
        .get(&id)
        .map(|p| render::product(w, p, true))
        .unwrap_or(Value::Null))
}
