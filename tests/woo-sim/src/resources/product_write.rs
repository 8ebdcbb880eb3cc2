//! Creating, updating, deleting and seeding products and variations.
//!
//! Assumed WooCommerce behaviour:
//! - Every save sets `date_modified` to now, even when nothing changed (`WC_Product_Data_Store_CPT`
//!   "only update post modified time to record this save event").
//! - Saving a variation also saves its parent (deferred product sync), so the parent's
//!   `date_modified` moves too and a `modified_after` poll of `/products` sees the change.
//! - `stock_quantity` is only stored while `manage_stock` is on (sent together, `manage_stock`
//!   is applied first).
//! - SKUs are unique across products and variations, compared case-insensitively (MySQL
//!   collation); a clash is 400 `product_invalid_sku`.
//! - The product endpoints refuse variation ids with 404 `woocommerce_rest_invalid_product_id`.
//! - Updating a missing id is 400 `woocommerce_rest_product_invalid_id` (reading one is 404).

use serde_json::Value;

use super::fields::{self, Obj};
use super::products::{PRODUCT_TYPES, Product, STATUSES, STOCK_STATUSES};
use crate::clock::parse_wp_date;
use crate::errors::{ApiError, ApiResult};
use crate::meta;
use crate::state::{Ids, World};

/// Keys computed by the API or handled below; anything else is kept in `extra` and echoed.
const HANDLED: &[&str] = &[
    "id",
    "name",
    "slug",
    "type",
    "status",
    "sku",
    "regular_price",
    "sale_price",
    "price",
    "manage_stock",
    "stock_quantity",
    "stock_status",
    "attributes",
    "meta_data",
    "variations",
    "parent_id",
    "date_created",
    "date_created_gmt",
    "date_modified",
    "date_modified_gmt",
    "permalink",
    "price_html",
    "on_sale",
    "purchasable",
    "total_sales",
    "backordered",
    "_links",
    "related_ids",
    "average_rating",
    "rating_count",
];

pub(crate) const VARIATION_IS_NOT_A_PRODUCT: &str = "To manipulate product variations you should use the /products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint.";

fn check_sku(w: &World, o: &Obj, self_id: u64) -> ApiResult<()> {
    let Some(sku) = fields::string(o, "sku")? else {
        return Ok(());
    };
    let sku = sku.trim();
    if sku.is_empty() {
        return Ok(());
    }
    let clash = w
        .products
        .values()
        .any(|p| p.id != self_id && p.sku.eq_ignore_ascii_case(sku));
    if clash {
        return Err(ApiError::new(
            400,
            "product_invalid_sku",
            "Invalid or duplicated SKU.",
        ));
    }
    Ok(())
}

/// Applies the writable fields of `o` to `p` (on a copy the caller keeps only on success).
fn apply(p: &mut Product, o: &Obj, ids: &mut Ids) -> ApiResult<()> {
    if let Some(name) = fields::string(o, "name")? {
        p.name = name;
    }
    if let Some(slug) = fields::string(o, "slug")? {
        p.slug = fields::slugify(&slug);
    }
    if p.slug.is_empty() {
        p.slug = fields::slugify(&p.name);
    }
    if let Some(status) = fields::one_of(o, "status", STATUSES)? {
        p.status = status;
    }
    if let Some(sku) = fields::string(o, "sku")? {
        p.sku = sku.trim().to_string();
    }
    if let Some(v) = fields::price(o, "regular_price")? {
        p.regular_price = v;
    }
    if let Some(v) = fields::price(o, "sale_price")? {
        p.sale_price = v;
    }
    // Variations may say "parent" (stock managed on the parent); the simulator keeps stock per
    // variation and reads it as "not managed here".
    let manage = match o.get("manage_stock") {
        Some(Value::String(s)) if s == "parent" && p.is_variation() => Some(false),
        _ => fields::boolean(o, "manage_stock")?,
    };
    if let Some(m) = manage {
        p.manage_stock = m;
    }
    if let Some(q) = fields::int(o, "stock_quantity")?
        && p.manage_stock
    {
        p.stock_quantity = q;
    }
    if let Some(s) = fields::one_of(o, "stock_status", STOCK_STATUSES)?
        && !p.manage_stock
    {
        p.stock_status = s;
    }
    if let Some(a) = o.get("attributes") {
        if !a.is_array() {
            return Err(ApiError::not_of_type("attributes", "array"));
        }
        p.attributes = a.clone();
    }
    if let Some(m) = o.get("meta_data") {
        meta::apply(&mut p.meta, m, ids)?;
    }
    for (k, v) in o {
        if !HANDLED.contains(&k.as_str()) {
            p.extra.insert(k.clone(), v.clone());
        }
    }
    p.normalise_stock();
    Ok(())
}

fn product_type(o: &Obj) -> ApiResult<String> {
    Ok(fields::one_of(o, "type", PRODUCT_TYPES)?.unwrap_or_else(|| "simple".into()))
}

pub(crate) fn create_product(w: &mut World, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "product")?;
    if fields::id_of(o.get("id")).is_some_and(|id| id > 0) {
        return Err(ApiError::new(
            400,
            "woocommerce_rest_product_exists",
            "Cannot create existing product.",
        ));
    }
    let kind = product_type(o)?;
    check_sku(w, o, 0)?;
    let now = w.now();
    let id = w.ids.post();
    let mut p = Product::new(id, 0, &kind, now);
    apply(&mut p, o, &mut w.ids)?;
    w.products.insert(id, p);
    Ok(id)
}

/// The product `id` for writing through the product endpoints.
fn writable_product(w: &World, id: u64) -> ApiResult<&Product> {
    match w.products.get(&id) {
        None => Err(ApiError::new(
            400,
            "woocommerce_rest_product_invalid_id",
            "Invalid ID.",
        )),
        Some(p) if p.is_variation() => Err(ApiError::new(
            404,
            "woocommerce_rest_invalid_product_id",
            VARIATION_IS_NOT_A_PRODUCT,
        )),
        Some(p) => Ok(p),
    }
}

pub(crate) fn update_product(w: &mut World, id: u64, input: &Value) -> ApiResult<()> {
    let o = fields::object(input, "product")?;
    let mut p = writable_product(w, id)?.clone();
    check_sku(w, o, id)?;
    apply(&mut p, o, &mut w.ids)?;
    p.modified = w.now();
    w.products.insert(id, p);
    Ok(())
}

pub(crate) fn delete_product(w: &mut World, id: u64) -> ApiResult<()> {
    let p = writable_product(w, id)?.clone();
    for v in &p.variations {
        w.products.remove(v);
    }
    w.products.remove(&id);
    Ok(())
}

fn parent_of_new_variation(w: &World, parent_id: u64) -> ApiResult<()> {
    match w.products.get(&parent_id) {
        Some(p) if !p.is_variation() => Ok(()),
        _ => Err(ApiError::new(
            404,
            "woocommerce_rest_product_variation_invalid_parent",
            "Cannot set attributes due to invalid parent product.",
        )),
    }
}

fn touch(w: &mut World, id: u64) {
    let now = w.now();
    if let Some(p) = w.products.get_mut(&id) {
        p.modified = now;
    }
}

pub(crate) fn create_variation(w: &mut World, parent_id: u64, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "variation")?;
    parent_of_new_variation(w, parent_id)?;
    check_sku(w, o, 0)?;
    let now = w.now();
    let id = w.ids.post();
    let mut v = Product::new(id, parent_id, "variation", now);
    apply(&mut v, o, &mut w.ids)?;
    w.products.insert(id, v);
    if let Some(parent) = w.products.get_mut(&parent_id) {
        parent.variations.push(id);
    }
    touch(w, parent_id);
    Ok(id)
}

/// The variation `id` of `parent_id`, for writing.
fn writable_variation(w: &World, parent_id: u64, id: u64) -> ApiResult<&Product> {
    match w.products.get(&id) {
        Some(v) if v.is_variation() && v.parent_id == parent_id => Ok(v),
        _ => Err(ApiError::new(
            400,
            "woocommerce_rest_product_variation_invalid_id",
            "Invalid ID.",
        )),
    }
}

pub(crate) fn update_variation(
    w: &mut World,
    parent_id: u64,
    id: u64,
    input: &Value,
) -> ApiResult<()> {
    let o = fields::object(input, "variation")?;
    let mut v = writable_variation(w, parent_id, id)?.clone();
    check_sku(w, o, id)?;
    apply(&mut v, o, &mut w.ids)?;
    v.modified = w.now();
    w.products.insert(id, v);
    touch(w, parent_id);
    Ok(())
}

pub(crate) fn delete_variation(w: &mut World, parent_id: u64, id: u64) -> ApiResult<()> {
    writable_variation(w, parent_id, id)?;
    w.products.remove(&id);
    if let Some(parent) = w.products.get_mut(&parent_id) {
        parent.variations.retain(|v| *v != id);
    }
    touch(w, parent_id);
    Ok(())
}

/// Seeded dates: `x_gmt` (UTC) or `x` (site time); `None` when neither is given.
fn seed_date(w: &World, o: &Obj, name: &str) -> ApiResult<Option<time::OffsetDateTime>> {
    let gmt = format!("{name}_gmt");
    let (value, offset) = match (
        o.get(&gmt).and_then(Value::as_str),
        o.get(name).and_then(Value::as_str),
    ) {
        (Some(v), _) => (v, time::UtcOffset::UTC),
        (None, Some(v)) => (v, w.site_offset()),
        (None, None) => return Ok(None),
    };
    parse_wp_date(value, offset)
        .map(Some)
        .ok_or_else(|| ApiError::invalid_param(name, "Invalid date."))
}

fn seed_id(w: &mut World, o: &Obj) -> ApiResult<u64> {
    match fields::id_of(o.get("id")) {
        Some(id)
            if w.products.contains_key(&id)
                || w.orders.contains_key(&id)
                || w.refunds.contains_key(&id) =>
        {
            Err(ApiError::new(
                400,
                "sim_id_taken",
                format!("id {id} is already used"),
            ))
        }
        Some(id) => Ok(w.ids.saw_post(id)),
        None => Ok(w.ids.post()),
    }
}

fn seed_one(w: &mut World, o: &Obj, parent_id: u64, kind: &str) -> ApiResult<u64> {
    check_sku(w, o, 0)?;
    let id = seed_id(w, o)?;
    let created = seed_date(w, o, "date_created")?;
    let modified = seed_date(w, o, "date_modified")?;
    let now = w.now();
    let mut p = Product::new(id, parent_id, kind, now);
    apply(&mut p, o, &mut w.ids)?;
    if let Some(m) = o.get("meta_data") {
        p.meta = meta::from_seed(m, &mut w.ids);
    }
    p.created = created.unwrap_or(now);
    p.modified = modified.or(created).unwrap_or(now);
    w.products.insert(id, p);
    Ok(id)
}

/// Seeds a product as given (keeping `id` and dates when present); a variable product may list
/// its variations as objects in `variations`.
pub(crate) fn seed_product(w: &mut World, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "product")?;
    let kind = product_type(o)?;
    let id = seed_one(w, o, 0, &kind)?;
    let children: Vec<Value> = o
        .get("variations")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|v| v.is_object()).cloned().collect())
        .unwrap_or_default();
    for child in children {
        let vid = seed_variation(w, id, &child)?;
        if let Some(parent) = w.products.get_mut(&id) {
            parent.variations.push(vid);
        }
    }
    Ok(id)
}

fn seed_variation(w: &mut World, parent_id: u64, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "variation")?;
    seed_one(w, o, parent_id, "variation")
}
