//! Products and variations: the stored model and its two JSON shapes (the product resource, and
//! the variation resource of `/products/{id}/variations`).
//!
//! Assumed WooCommerce behaviour (documented where the REST docs are silent):
//! - `price` is `sale_price` when one is set below `regular_price`, else `regular_price`; a
//!   variable product's `price` is its cheapest variation's.
//! - With `manage_stock` on, `stock_status` follows the quantity (`instock` above 0); with it
//!   off, `stock_quantity` is `null`.
//! - A variation's `name` is "Parent - Option, Option" (its post title).

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::clock::{fmt_at, fmt_gmt};
use crate::meta::{self, Meta};
use crate::state::World;

pub(crate) const PRODUCT_TYPES: &[&str] = &["simple", "grouped", "external", "variable"];
pub(crate) const STATUSES: &[&str] = &["draft", "pending", "private", "publish"];
pub(crate) const STOCK_STATUSES: &[&str] = &["instock", "outofstock", "onbackorder"];

#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub id: u64,
    /// 0 for products; the variable product for variations.
    pub parent_id: u64,
    /// `simple`, `grouped`, `external`, `variable` or `variation`.
    pub kind: String,
    pub name: String,
    pub slug: String,
    pub status: String,
    pub sku: String,
    pub regular_price: String,
    pub sale_price: String,
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
    pub stock_status: String,
    pub attributes: Value,
    /// Variation ids of a variable product, in creation order.
    pub variations: Vec<u64>,
    pub meta: Vec<Meta>,
    pub created: OffsetDateTime,
    pub modified: OffsetDateTime,
    /// Fields stored and echoed as given (description, categories, images, …).
    pub extra: Map<String, Value>,
}

impl Product {
    pub fn new(id: u64, parent_id: u64, kind: &str, now: OffsetDateTime) -> Self {
        Product {
            id,
            parent_id,
            kind: kind.into(),
            name: String::new(),
            slug: String::new(),
            status: "publish".into(),
            sku: String::new(),
            regular_price: String::new(),
            sale_price: String::new(),
            manage_stock: false,
            stock_quantity: None,
            stock_status: "instock".into(),
            attributes: Value::Array(vec![]),
            variations: Vec::new(),
            meta: Vec::new(),
            created: now,
            modified: now,
            extra: Map::new(),
        }
    }

    pub fn is_variation(&self) -> bool {
        self.kind == "variation"
    }

    pub fn on_sale(&self) -> bool {
        match (dec(&self.sale_price), dec(&self.regular_price)) {
            (Some(sale), Some(regular)) => sale < regular,
            (Some(_), None) => true,
            _ => false,
        }
    }

    pub fn price(&self) -> String {
        if self.on_sale() {
            self.sale_price.clone()
        } else {
            self.regular_price.clone()
        }
    }

    /// Re-derives what WooCommerce derives on save.
    pub fn normalise_stock(&mut self) {
        if self.manage_stock {
            let qty = self.stock_quantity.unwrap_or(0);
            self.stock_quantity = Some(qty);
            self.stock_status = if qty > 0 { "instock" } else { "outofstock" }.into();
        } else {
            self.stock_quantity = None;
        }
    }

    /// The option values of a variation's attributes ("Blue", "L").
    fn options(&self) -> Vec<String> {
        self.attributes
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("option").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub(crate) fn dec(s: &str) -> Option<Decimal> {
    s.trim().parse().ok()
}

/// A variation's post title.
pub(crate) fn variation_name(v: &Product, parent: Option<&Product>) -> String {
    if !v.name.is_empty() {
        return v.name.clone();
    }
    let parent_name = parent.map(|p| p.name.as_str()).unwrap_or_default();
    let options = v.options();
    if options.is_empty() {
        parent_name.to_string()
    } else {
        format!("{parent_name} - {}", options.join(", "))
    }
}

fn dates(p: &Product, w: &World) -> Map<String, Value> {
    let off = w.site_offset();
    Map::from_iter([
        ("date_created".into(), json!(fmt_at(p.created, off))),
        ("date_created_gmt".into(), json!(fmt_gmt(p.created))),
        ("date_modified".into(), json!(fmt_at(p.modified, off))),
        ("date_modified_gmt".into(), json!(fmt_gmt(p.modified))),
    ])
}

fn links(w: &World, self_path: &str, collection_path: &str, up: Option<String>) -> Value {
    let mut l = json!({
        "self": [{"href": w.api_url(self_path)}],
        "collection": [{"href": w.api_url(collection_path)}],
    });
    if let (Some(up), Some(obj)) = (up, l.as_object_mut()) {
        obj.insert("up".into(), json!([{"href": up}]));
    }
    l
}

/// The product resource (`/products/{id}`); a variation found through `/products` (the `sku`
/// filter includes variations) is rendered in this shape with `type: "variation"`.
pub(crate) fn product_json(p: &Product, w: &World) -> Value {
    let parent = w.products.get(&p.parent_id);
    let name = if p.is_variation() {
        variation_name(p, parent)
    } else {
        p.name.clone()
    };
    let price = if p.kind == "variable" {
        p.variations
            .iter()
            .filter_map(|id| w.products.get(id))
            .filter_map(|v| dec(&v.price()).map(|d| (d, v.price())))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, s)| s)
            .unwrap_or_default()
    } else {
        p.price()
    };
    let mut o = json!({
        "id": p.id,
        "name": name,
        "slug": p.slug,
        "permalink": format!("{}/product/{}/", w.base_url, p.slug),
        "type": p.kind,
        "status": p.status,
        "featured": false,
        "catalog_visibility": "visible",
        "description": "",
        "short_description": "",
        "sku": p.sku,
        "price": price,
        "regular_price": p.regular_price,
        "sale_price": p.sale_price,
        "date_on_sale_from": null,
        "date_on_sale_from_gmt": null,
        "date_on_sale_to": null,
        "date_on_sale_to_gmt": null,
        "on_sale": p.on_sale(),
        "purchasable": !price.is_empty(),
        "total_sales": 0,
        "virtual": false,
        "downloadable": false,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": "",
        "button_text": "",
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": p.manage_stock,
        "stock_quantity": p.stock_quantity,
        "stock_status": p.stock_status,
        "backorders": "no",
        "backorders_allowed": false,
        "backordered": false,
        "sold_individually": false,
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_required": true,
        "shipping_taxable": true,
        "shipping_class": "",
        "shipping_class_id": 0,
        "reviews_allowed": true,
        "average_rating": "0.00",
        "rating_count": 0,
        "related_ids": [],
        "upsell_ids": [],
        "cross_sell_ids": [],
        "parent_id": p.parent_id,
        "purchase_note": "",
        "categories": [],
        "tags": [],
        "images": [],
        "attributes": p.attributes,
        "default_attributes": [],
        "variations": p.variations,
        "grouped_products": [],
        "menu_order": 0,
        "meta_data": meta::render(&p.meta),
        "_links": links(w, &format!("/products/{}", p.id), "/products", None),
    });
    if let Some(obj) = o.as_object_mut() {
        obj.extend(dates(p, w));
        for (k, v) in &p.extra {
            obj.insert(k.clone(), v.clone());
        }
    }
    o
}

/// The variation resource (`/products/{parent}/variations/{id}`).
pub(crate) fn variation_json(v: &Product, w: &World) -> Value {
    let parent = w.products.get(&v.parent_id);
    let price = v.price();
    let mut o = json!({
        "id": v.id,
        "name": variation_name(v, parent),
        "type": "variation",
        "parent_id": v.parent_id,
        "description": "",
        "permalink": format!("{}/product/{}/?variation={}", w.base_url, parent.map(|p| p.slug.as_str()).unwrap_or_default(), v.id),
        "sku": v.sku,
        "price": price,
        "regular_price": v.regular_price,
        "sale_price": v.sale_price,
        "date_on_sale_from": null,
        "date_on_sale_from_gmt": null,
        "date_on_sale_to": null,
        "date_on_sale_to_gmt": null,
        "on_sale": v.on_sale(),
        "status": v.status,
        "purchasable": !price.is_empty(),
        "virtual": false,
        "downloadable": false,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": v.manage_stock,
        "stock_quantity": v.stock_quantity,
        "stock_status": v.stock_status,
        "backorders": "no",
        "backorders_allowed": false,
        "backordered": false,
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_class": "",
        "shipping_class_id": 0,
        "image": null,
        "attributes": v.attributes,
        "menu_order": 0,
        "meta_data": meta::render(&v.meta),
        "_links": links(
            w,
            &format!("/products/{}/variations/{}", v.parent_id, v.id),
            &format!("/products/{}/variations", v.parent_id),
            Some(w.api_url(&format!("/products/{}", v.parent_id))),
        ),
    });
    if let Some(obj) = o.as_object_mut() {
        obj.extend(dates(v, w));
        for (k, val) in &v.extra {
            obj.insert(k.clone(), val.clone());
        }
    }
    o
}
