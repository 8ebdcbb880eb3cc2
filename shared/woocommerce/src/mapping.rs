//! WooCommerce JSON ↔ the port's types.
//!
//! Decisions:
//! - **Units**: a variation, or a product that is neither variable (its variations are the
//!   units), grouped (a container) nor external (sold elsewhere). Plugin types such as
//!   `subscription` or `bundle` count as units; `variable-subscription` as variable.
//! - **Title** of a variation: its `name` when the shop sends one (newer WooCommerce), else
//!   "Parent - Option, Option".
//! - **Price**: `regular_price` ("" → none); **stock**: `stock_quantity` when `manage_stock` is
//!   on or `"parent"` (WooCommerce then reports the parent's quantity), else none.
//! - **Active**: `status` `publish`, for a variation also its parent's.
//! - **Dates**: `date_modified_gmt` (no offset, UTC) + `Z`.
//! - **Customers**: `email` (else `billing.email`) lower-cased and trimmed; names from the
//!   account (else billing); company, phone and address from `billing`; "" → `None`.

use fortsync_app::shop::{
    CustomerPatch, NewProduct, ProductPatch, ShopCustomer, ShopError, ShopProduct,
};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::wire::{ManageStock, WireCustomer, WireProduct};

/// What a product id stands for, remembered between calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    /// A simple (or other non-variable) product: written through `/products`.
    Product,
    /// A variation: written through `/products/{parent}/variations`.
    Variation { parent: u64 },
    /// Variable, grouped or external: not a unit.
    Container,
}

pub(crate) fn is_variable(kind: &str) -> bool {
    kind == "variable" || kind.starts_with("variable-")
}

pub(crate) fn kind_of(p: &WireProduct) -> UnitKind {
    match p.kind.as_str() {
        "variation" => UnitKind::Variation {
            parent: p.parent_id,
        },
        "grouped" | "external" => UnitKind::Container,
        k if is_variable(k) => UnitKind::Container,
        _ => UnitKind::Product,
    }
}

/// The parent product's facts a variation needs.
#[derive(Debug, Clone)]
pub(crate) struct Parent {
    pub id: u64,
    pub name: String,
    pub active: bool,
}

impl Parent {
    pub fn of(p: &WireProduct) -> Self {
        Parent {
            id: p.id,
            name: p.name.clone(),
            active: p.status == "publish",
        }
    }
}

/// `2017-03-23T20:01:14` (GMT) → `2017-03-23T20:01:14Z`; "" stays "".
pub(crate) fn gmt_to_rfc3339(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    let naive = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    match PrimitiveDateTime::parse(s.get(..19).unwrap_or(s), naive) {
        Ok(t) => t
            .assume_utc()
            .format(&Rfc3339)
            .unwrap_or_else(|_| s.to_string()),
        Err(_) => s.to_string(),
    }
}

/// The instant of an RFC 3339 `modified_after`, floored to whole seconds (WooCommerce's
/// resolution).
pub(crate) fn since(modified_after: &str) -> Result<OffsetDateTime, ShopError> {
    let t = OffsetDateTime::parse(modified_after.trim(), &Rfc3339).map_err(|e| {
        ShopError::Invalid(format!(
            "modified_after must be RFC 3339: {modified_after} ({e})"
        ))
    })?;
    let t = t.to_offset(time::UtcOffset::UTC);
    Ok(t.replace_nanosecond(0).unwrap_or(t))
}

/// WooCommerce's `modified_after` is exclusive; the port's is inclusive: ask for one second
/// earlier, as GMT without an offset (sent with `dates_are_gmt=true`).
pub(crate) fn wc_modified_after(t: OffsetDateTime) -> String {
    let earlier = t - time::Duration::SECOND;
    earlier
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

/// A customer's `date_modified_gmt` as an instant (`None` when missing or odd).
pub(crate) fn gmt_instant(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(&gmt_to_rfc3339(s), &Rfc3339).ok()
}

fn price(s: &str) -> Option<Decimal> {
    s.trim().parse().ok()
}

fn none_if_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn stock(p: &WireProduct) -> Option<i64> {
    match p.manage_stock {
        ManageStock::Yes | ManageStock::Parent => p.stock_quantity,
        ManageStock::No => None,
    }
}

/// A simple product (`parent` = None) or a variation of `parent` as a unit.
pub(crate) fn unit(p: &WireProduct, parent: Option<&Parent>) -> ShopProduct {
    let (product_id, title, parent_active) = match parent {
        Some(par) => {
            let options: Vec<&str> = p
                .attributes
                .iter()
                .map(|a| a.option.as_str())
                .filter(|o| !o.is_empty())
                .collect();
            let title = if !p.name.trim().is_empty() {
                p.name.clone()
            } else if options.is_empty() {
                par.name.clone()
            } else {
                format!("{} - {}", par.name, options.join(", "))
            };
            (par.id, title, par.active)
        }
        None => (p.id, p.name.clone(), true),
    };
    ShopProduct {
        id: p.id.to_string(),
        product_id: product_id.to_string(),
        sku: p.sku.trim().to_string(),
        title,
        price: price(&p.regular_price),
        stock: stock(p),
        active: p.status == "publish" && parent_active,
        updated_at: gmt_to_rfc3339(&p.date_modified_gmt),
    }
}

pub(crate) fn customer(c: &WireCustomer) -> ShopCustomer {
    let b = &c.billing;
    let pick = |own: &str, billing: &str| {
        if own.trim().is_empty() {
            billing.trim().to_string()
        } else {
            own.trim().to_string()
        }
    };
    ShopCustomer {
        id: c.id.to_string(),
        email: pick(&c.email, &b.email).to_lowercase(),
        first_name: pick(&c.first_name, &b.first_name),
        last_name: pick(&c.last_name, &b.last_name),
        company: none_if_empty(&b.company),
        phone: none_if_empty(&b.phone),
        address1: none_if_empty(&b.address_1),
        address2: none_if_empty(&b.address_2),
        zip: none_if_empty(&b.postcode),
        city: none_if_empty(&b.city),
        country_code: none_if_empty(&b.country).map(|c| c.to_uppercase()),
        updated_at: gmt_to_rfc3339(if c.date_modified_gmt.is_empty() {
            &c.date_created_gmt
        } else {
            &c.date_modified_gmt
        }),
    }
}

fn price_text(p: Decimal, what: &str) -> Result<String, ShopError> {
    if p.is_sign_negative() {
        return Err(ShopError::Invalid(format!("{what}: negative price {p}")));
    }
    Ok(p.to_string())
}

/// The batch `update` item of a patch; `None` when it changes nothing.
pub(crate) fn patch_item(id: u64, patch: &ProductPatch) -> Result<Option<Value>, ShopError> {
    if patch.price.is_none() && patch.stock.is_none() {
        return Ok(None);
    }
    let mut item = Map::new();
    item.insert("id".into(), json!(id));
    if let Some(p) = patch.price {
        item.insert("regular_price".into(), json!(price_text(p, &patch.id)?));
    }
    if let Some(q) = patch.stock {
        // WooCommerce ignores stock_quantity unless the unit manages stock.
        item.insert("manage_stock".into(), json!(true));
        item.insert("stock_quantity".into(), json!(q));
    }
    Ok(Some(Value::Object(item)))
}

pub(crate) fn new_product_body(new: &NewProduct) -> Result<Value, ShopError> {
    let mut body = json!({
        "name": new.title,
        "type": "simple",
        "sku": new.sku.trim(),
        "status": if new.active { "publish" } else { "draft" },
    });
    if let Some(o) = body.as_object_mut() {
        if let Some(p) = new.price {
            o.insert("regular_price".into(), json!(price_text(p, &new.sku)?));
        }
        if let Some(q) = new.stock {
            o.insert("manage_stock".into(), json!(true));
            o.insert("stock_quantity".into(), json!(q));
        }
    }
    Ok(body)
}

/// The customer fields of a patch: account fields plus the billing address (what orders and
/// invoices use).
pub(crate) fn customer_body(patch: &CustomerPatch) -> Map<String, Value> {
    let mut body = Map::new();
    let mut billing = Map::new();
    if let Some(e) = &patch.email {
        let e = e.trim().to_lowercase();
        body.insert("email".into(), json!(e));
        billing.insert("email".into(), json!(e));
    }
    for (value, account, bill) in [
        (&patch.first_name, Some("first_name"), "first_name"),
        (&patch.last_name, Some("last_name"), "last_name"),
        (&patch.company, None, "company"),
        (&patch.phone, None, "phone"),
        (&patch.address1, None, "address_1"),
        (&patch.address2, None, "address_2"),
        (&patch.zip, None, "postcode"),
        (&patch.city, None, "city"),
    ] {
        if let Some(v) = value {
            if let Some(k) = account {
                body.insert(k.into(), json!(v));
            }
            billing.insert(bill.into(), json!(v));
        }
    }
    if let Some(c) = &patch.country_code {
        billing.insert("country".into(), json!(c.trim().to_uppercase()));
    }
    if !billing.is_empty() {
        body.insert("billing".into(), Value::Object(billing));
    }
    body
}

/// `_fortsync_<key>` (a key already carrying the prefix is kept).
pub(crate) fn meta_key(key: &str) -> String {
    if key.starts_with("_fortsync_") {
        key.to_string()
    } else {
        format!("_fortsync_{key}")
    }
}

/// A meta value as text, for comparing with what we would write.
pub(crate) fn meta_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmt_dates_become_rfc3339() {
        assert_eq!(
            gmt_to_rfc3339("2017-03-23T20:01:14"),
            "2017-03-23T20:01:14Z"
        );
        assert_eq!(gmt_to_rfc3339(""), "");
    }

    #[test]
    fn modified_after_is_made_inclusive() {
        let t = since("2026-03-01T11:00:00.750+01:00").unwrap();
        assert_eq!(wc_modified_after(t), "2026-03-01T09:59:59");
        assert!(since("yesterday").is_err());
    }

    #[test]
    fn an_empty_patch_changes_nothing_and_stock_turns_management_on() {
        let empty = ProductPatch {
            id: "5".into(),
            ..Default::default()
        };
        assert_eq!(patch_item(5, &empty).unwrap(), None);
        let p = ProductPatch {
            id: "5".into(),
            price: Some(Decimal::new(19950, 2)),
            stock: Some(3),
        };
        assert_eq!(
            patch_item(5, &p).unwrap(),
            Some(
                json!({"id": 5, "regular_price": "199.50", "manage_stock": true, "stock_quantity": 3})
            )
        );
        let neg = ProductPatch {
            price: Some(Decimal::new(-1, 0)),
            ..p
        };
        assert!(patch_item(5, &neg).is_err());
    }
}
