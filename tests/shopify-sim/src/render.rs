//! Records as full GraphQL objects (every field the simulator models, with `__typename`); the
//! projector then picks what a query selected. Money renders as a decimal string with two
//! places, timestamps as RFC 3339 with seconds, ids as GIDs.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::clock::fmt_time;
use crate::model::{Address, Customer, Location, Metafield, Order, Product, Variant, gid};
use crate::state::World;

pub(crate) fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

pub(crate) fn metafield(owner: &str, m: &Metafield) -> Value {
    json!({
        "__typename": "Metafield",
        "id": gid("Metafield", m.id),
        "namespace": m.namespace,
        "key": m.key,
        "type": m.kind,
        "value": m.value,
        "ownerType": owner,
        "updatedAt": fmt_time(m.updated_at),
    })
}

fn metafields(owner: &str, list: &[Metafield]) -> Value {
    Value::Array(list.iter().map(|m| metafield(owner, m)).collect())
}

pub(crate) fn location(l: &Location) -> Value {
    json!({
        "__typename": "Location",
        "id": gid("Location", l.id),
        "legacyResourceId": l.id.to_string(),
        "name": l.name,
        "isActive": l.active,
    })
}

fn inventory_item(w: &World, v: &Variant) -> Value {
    let levels: Vec<Value> = v
        .on_hand
        .iter()
        .map(|(loc, qty)| {
            let l = w.locations.get(loc).map(location).unwrap_or(Value::Null);
            json!({
                "__typename": "InventoryLevel",
                "id": format!("gid://shopify/InventoryLevel/{}?inventory_item_id={}", loc, v.inventory_item_id),
                "location": l,
                // No reservations or commitments in the simulator: available = on hand.
                "quantities": [
                    {"__typename": "InventoryQuantity", "name": "available", "quantity": qty},
                    {"__typename": "InventoryQuantity", "name": "on_hand", "quantity": qty},
                ],
            })
        })
        .collect();
    json!({
        "__typename": "InventoryItem",
        "id": gid("InventoryItem", v.inventory_item_id),
        "legacyResourceId": v.inventory_item_id.to_string(),
        "sku": v.sku,
        "tracked": v.tracked,
        "inventoryLevels": levels,
    })
}

/// A variant with its product (the product without its variant list, to stop the recursion).
pub(crate) fn variant(w: &World, p: &Product, v: &Variant) -> Value {
    let display = if v.title == "Default Title" {
        p.title.clone()
    } else {
        format!("{} - {}", p.title, v.title)
    };
    let total: i64 = if v.tracked {
        v.on_hand.values().sum()
    } else {
        0
    };
    json!({
        "__typename": "ProductVariant",
        "id": gid("ProductVariant", v.id),
        "legacyResourceId": v.id.to_string(),
        "title": v.title,
        "displayName": display,
        "sku": v.sku,
        "price": money(v.price),
        "compareAtPrice": Value::Null,
        "barcode": Value::Null,
        "position": v.position,
        "inventoryQuantity": total,
        "inventoryItem": inventory_item(w, v),
        "product": product(w, p, false),
        "metafields": [],
        "createdAt": fmt_time(v.created_at),
        "updatedAt": fmt_time(v.updated_at),
    })
}

/// A product; `with_variants` embeds its variants (each without its product).
pub(crate) fn product(w: &World, p: &Product, with_variants: bool) -> Value {
    let variants: Vec<Value> = if with_variants {
        p.variants.iter().map(|v| variant(w, p, v)).collect()
    } else {
        Vec::new()
    };
    let total: i64 = p
        .variants
        .iter()
        .filter(|v| v.tracked)
        .flat_map(|v| v.on_hand.values())
        .sum();
    json!({
        "__typename": "Product",
        "id": gid("Product", p.id),
        "legacyResourceId": p.id.to_string(),
        "title": p.title,
        "handle": handle(&p.title),
        "status": p.status.as_str(),
        "tags": p.tags,
        "totalInventory": total,
        "variants": variants,
        "metafields": metafields("PRODUCT", &p.metafields),
        "createdAt": fmt_time(p.created_at),
        "updatedAt": fmt_time(p.updated_at),
    })
}

fn handle(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

pub(crate) fn address(a: &Address) -> Value {
    json!({
        "__typename": "MailingAddress",
        "id": format!("gid://shopify/MailingAddress/{}?model_name=CustomerAddress", a.id),
        "firstName": a.first_name,
        "lastName": a.last_name,
        "company": a.company,
        "address1": a.address1,
        "address2": a.address2,
        "zip": a.zip,
        "city": a.city,
        "provinceCode": a.province_code,
        "countryCodeV2": a.country_code,
        "phone": a.phone,
    })
}

pub(crate) fn customer(c: &Customer) -> Value {
    let display = match (&c.first_name, &c.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.clone(),
        (None, None) => c.email.clone().unwrap_or_default(),
    };
    json!({
        "__typename": "Customer",
        "id": gid("Customer", c.id),
        "legacyResourceId": c.id.to_string(),
        "firstName": c.first_name,
        "lastName": c.last_name,
        "displayName": display,
        "email": c.email,
        "phone": c.phone,
        "defaultEmailAddress": c.email.as_ref().map(|e| json!({"__typename": "CustomerEmailAddress", "emailAddress": e})),
        "defaultPhoneNumber": c.phone.as_ref().map(|p| json!({"__typename": "CustomerPhoneNumber", "phoneNumber": p})),
        "defaultAddress": c.default_address().map(address),
        "addresses": c.addresses.iter().map(address).collect::<Vec<_>>(),
        "addressesV2": c.addresses.iter().map(address).collect::<Vec<_>>(),
        "note": c.note,
        "tags": c.tags,
        "metafields": metafields("CUSTOMER", &c.metafields),
        "createdAt": fmt_time(c.created_at),
        "updatedAt": fmt_time(c.updated_at),
    })
}

pub(crate) fn order(o: &Order) -> Value {
    json!({
        "__typename": "Order",
        "id": gid("Order", o.id),
        "legacyResourceId": o.id.to_string(),
        "name": o.name,
        "email": o.email,
        "note": o.note,
        "tags": o.tags,
        "metafields": metafields("ORDER", &o.metafields),
        "createdAt": fmt_time(o.created_at),
        "updatedAt": fmt_time(o.updated_at),
    })
}

pub(crate) fn shop(w: &World) -> Value {
    json!({
        "__typename": "Shop",
        "id": "gid://shopify/Shop/1",
        "name": w.config.shop_name,
        "myshopifyDomain": "sim-shop.myshopify.com",
        "currencyCode": "SEK",
        "ianaTimezone": "Europe/Stockholm",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_and_handles() {
        assert_eq!(money(dec!(12.5)), "12.50");
        assert_eq!(money(dec!(99)), "99.00");
        assert_eq!(money(dec!(0.125)), "0.12");
        assert_eq!(handle("Blå Tröja (XL)"), "blå-tröja-xl");
    }
}
