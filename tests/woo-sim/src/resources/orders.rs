//! Orders, order notes and refunds: model, JSON shapes, writes and seeding.
//!
//! Orders are seeded whole (e.g. the reference `order.json`) and echoed as given; the API
//! changes `status`, `meta_data`, `customer_note`, `transaction_id` and the `billing` /
//! `shipping` fields. Assumed WooCommerce behaviour (`WC_Order::status_transition`):
//! - a status change adds the system note "Order status changed from X to Y." and moves
//!   `date_modified`; `processing`/`completed` set `date_paid` when empty, `completed` sets
//!   `date_completed`;
//! - notes list newest first; notes added through the API without `added_by_user` have author
//!   `system`; adding a note does not save the order;
//! - the order's `refunds` lists `{id, reason, total}` with a negative total, newest first.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::fields::{self, Obj};
use crate::clock::{fmt_at, fmt_gmt, parse_wp_date};
use crate::errors::{ApiError, ApiResult};
use crate::meta::{self, Meta};
use crate::state::World;

pub(crate) const ORDER_STATUSES: &[&str] = &[
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "checkout-draft",
];

fn status_name(s: &str) -> &str {
    match s {
        "pending" => "Pending payment",
        "processing" => "Processing",
        "on-hold" => "On hold",
        "completed" => "Completed",
        "cancelled" => "Cancelled",
        "refunded" => "Refunded",
        "failed" => "Failed",
        "checkout-draft" => "Draft",
        other => other,
    }
}

/// Keys managed by the simulator rather than echoed from seed data.
const MANAGED: &[&str] = &[
    "id",
    "status",
    "meta_data",
    "date_created",
    "date_created_gmt",
    "date_modified",
    "date_modified_gmt",
    "date_paid",
    "date_paid_gmt",
    "date_completed",
    "date_completed_gmt",
    "refunds",
    "_links",
];

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: u64,
    pub status: String,
    pub meta: Vec<Meta>,
    /// Everything else, as seeded (line items, totals, addresses, …).
    pub data: Map<String, Value>,
    pub created: OffsetDateTime,
    pub modified: OffsetDateTime,
    pub paid: Option<OffsetDateTime>,
    pub completed: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub id: u64,
    pub order_id: u64,
    pub author: String,
    pub note: String,
    pub customer_note: bool,
    pub created: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub id: u64,
    pub order_id: u64,
    pub data: Map<String, Value>,
    pub created: OffsetDateTime,
}

fn date_pair(o: &mut Map<String, Value>, name: &str, t: Option<OffsetDateTime>, w: &World) {
    let off = w.site_offset();
    o.insert(
        name.into(),
        t.map(|t| json!(fmt_at(t, off))).unwrap_or(Value::Null),
    );
    o.insert(
        format!("{name}_gmt"),
        t.map(|t| json!(fmt_gmt(t))).unwrap_or(Value::Null),
    );
}

fn address_defaults(with_email: bool) -> Value {
    let mut a = json!({
        "first_name": "", "last_name": "", "company": "", "address_1": "", "address_2": "",
        "city": "", "state": "", "postcode": "", "country": "", "phone": "",
    });
    if with_email && let Some(o) = a.as_object_mut() {
        o.insert("email".into(), json!(""));
    }
    a
}

pub(crate) fn order_json(o: &Order, w: &World) -> Value {
    let mut out = json!({
        "parent_id": 0, "number": o.id.to_string(), "order_key": format!("wc_order_sim{}", o.id),
        "created_via": "checkout", "version": "9.0.0", "currency": "SEK",
        "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "0.00",
        "shipping_tax": "0.00", "cart_tax": "0.00", "total": "0.00", "total_tax": "0.00",
        "prices_include_tax": true, "customer_id": 0, "customer_ip_address": "",
        "customer_user_agent": "", "customer_note": "", "billing": address_defaults(true),
        "shipping": address_defaults(false), "payment_method": "", "payment_method_title": "",
        "transaction_id": "", "cart_hash": "", "line_items": [], "tax_lines": [],
        "shipping_lines": [], "fee_lines": [], "coupon_lines": [],
    });
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    for (k, v) in &o.data {
        obj.insert(k.clone(), v.clone());
    }
    obj.insert("id".into(), json!(o.id));
    obj.insert("status".into(), json!(o.status));
    date_pair(obj, "date_created", Some(o.created), w);
    date_pair(obj, "date_modified", Some(o.modified), w);
    date_pair(obj, "date_paid", o.paid, w);
    date_pair(obj, "date_completed", o.completed, w);
    obj.insert("meta_data".into(), meta::render(&o.meta));
    let mut refunds: Vec<&Refund> = w.refunds.values().filter(|r| r.order_id == o.id).collect();
    refunds.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let summary: Vec<Value> = refunds
        .iter()
        .map(|r| {
            let amount = r.data.get("amount").and_then(Value::as_str).unwrap_or("0.00");
            json!({"id": r.id, "reason": r.data.get("reason").cloned().unwrap_or(json!("")), "total": format!("-{amount}")})
        })
        .collect();
    obj.insert("refunds".into(), Value::Array(summary));
    obj.insert(
        "_links".into(),
        json!({
            "self": [{"href": w.api_url(&format!("/orders/{}", o.id))}],
            "collection": [{"href": w.api_url("/orders")}],
        }),
    );
    out
}

pub(crate) fn note_json(n: &Note, w: &World) -> Value {
    let off = w.site_offset();
    json!({
        "id": n.id,
        "author": n.author,
        "date_created": fmt_at(n.created, off),
        "date_created_gmt": fmt_gmt(n.created),
        "note": n.note,
        "customer_note": n.customer_note,
        "_links": {
            "self": [{"href": w.api_url(&format!("/orders/{}/notes/{}", n.order_id, n.id))}],
            "collection": [{"href": w.api_url(&format!("/orders/{}/notes", n.order_id))}],
            "up": [{"href": w.api_url(&format!("/orders/{}", n.order_id))}],
        },
    })
}

pub(crate) fn refund_json(r: &Refund, w: &World) -> Value {
    let mut out = json!({
        "amount": "0.00", "reason": "", "refunded_by": 1, "refunded_payment": false,
        "meta_data": [], "line_items": [], "shipping_lines": [], "tax_lines": [], "fee_lines": [],
    });
    if let Some(obj) = out.as_object_mut() {
        for (k, v) in &r.data {
            obj.insert(k.clone(), v.clone());
        }
        obj.insert("id".into(), json!(r.id));
        date_pair(obj, "date_created", Some(r.created), w);
        obj.insert(
            "_links".into(),
            json!({
                "self": [{"href": w.api_url(&format!("/orders/{}/refunds/{}", r.order_id, r.id))}],
                "collection": [{"href": w.api_url(&format!("/orders/{}/refunds", r.order_id))}],
                "up": [{"href": w.api_url(&format!("/orders/{}", r.order_id))}],
            }),
        );
    }
    out
}

pub(crate) fn order_missing() -> ApiError {
    ApiError::new(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
}

pub(crate) fn add_note(
    w: &mut World,
    order_id: u64,
    text: &str,
    customer: bool,
    author: &str,
) -> u64 {
    let id = w.ids.comment();
    let created = w.now();
    w.notes.insert(
        id,
        Note {
            id,
            order_id,
            author: author.into(),
            note: text.into(),
            customer_note: customer,
            created,
        },
    );
    id
}

fn merge_address(target: &mut Map<String, Value>, o: &Obj, name: &str) -> ApiResult<()> {
    let Some(given) = o.get(name) else {
        return Ok(());
    };
    let Some(given) = given.as_object() else {
        return Err(ApiError::not_of_type(name, "object"));
    };
    let current = target
        .entry(name.to_string())
        .or_insert_with(|| address_defaults(name == "billing"));
    if let Some(cur) = current.as_object_mut() {
        for (k, v) in given {
            cur.insert(k.clone(), v.clone());
        }
    }
    Ok(())
}

/// `PUT /orders/{id}`.
pub(crate) fn update(w: &mut World, id: u64, input: &Value) -> ApiResult<()> {
    let o = fields::object(input, "order")?;
    let Some(mut order) = w.orders.get(&id).cloned() else {
        return Err(ApiError::new(
            400,
            "woocommerce_rest_shop_order_invalid_id",
            "Invalid ID.",
        ));
    };
    let new_status = fields::one_of(o, "status", ORDER_STATUSES)?;
    if let Some(m) = o.get("meta_data") {
        meta::apply(&mut order.meta, m, &mut w.ids)?;
    }
    for key in ["customer_note", "transaction_id"] {
        if let Some(v) = fields::string(o, key)? {
            order.data.insert(key.into(), json!(v));
        }
    }
    merge_address(&mut order.data, o, "billing")?;
    merge_address(&mut order.data, o, "shipping")?;
    let now = w.now();
    order.modified = now;
    if let Some(status) = new_status
        && status != order.status
    {
        let text = format!(
            "Order status changed from {} to {}.",
            status_name(&order.status),
            status_name(&status)
        );
        if matches!(status.as_str(), "processing" | "completed") && order.paid.is_none() {
            order.paid = Some(now);
        }
        if status == "completed" {
            order.completed = Some(now);
        }
        order.status = status;
        add_note(w, id, &text, false, "system");
    }
    w.orders.insert(id, order);
    Ok(())
}

fn seed_date(w: &World, o: &Obj, name: &str) -> Option<OffsetDateTime> {
    let gmt = o.get(&format!("{name}_gmt")).and_then(Value::as_str);
    let local = o.get(name).and_then(Value::as_str);
    match (gmt, local) {
        (Some(v), _) => parse_wp_date(v, time::UtcOffset::UTC),
        (None, Some(v)) => parse_wp_date(v, w.site_offset()),
        _ => None,
    }
}

fn seed_post_id(w: &mut World, o: &Obj) -> ApiResult<u64> {
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

/// Seeds an order as given (a full REST order body; id and dates kept when present).
pub(crate) fn seed_order(w: &mut World, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "order")?;
    let status =
        fields::one_of(o, "status", ORDER_STATUSES)?.unwrap_or_else(|| "processing".into());
    let id = seed_post_id(w, o)?;
    let now = w.now();
    let created = seed_date(w, o, "date_created").unwrap_or(now);
    let order = Order {
        id,
        status,
        meta: o
            .get("meta_data")
            .map(|m| meta::from_seed(m, &mut w.ids))
            .unwrap_or_default(),
        data: o
            .iter()
            .filter(|(k, _)| !MANAGED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        created,
        modified: seed_date(w, o, "date_modified").unwrap_or(created),
        paid: seed_date(w, o, "date_paid"),
        completed: seed_date(w, o, "date_completed"),
    };
    w.orders.insert(id, order);
    Ok(id)
}

/// Seeds a refund of `order_id` (the refund resource: amount, reason, line_items, …). The
/// order counts as saved when the refund was made.
pub(crate) fn seed_refund(w: &mut World, order_id: u64, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "refund")?;
    if !w.orders.contains_key(&order_id) {
        return Err(order_missing());
    }
    let id = seed_post_id(w, o)?;
    let created = seed_date(w, o, "date_created").unwrap_or_else(|| w.now());
    let refund = Refund {
        id,
        order_id,
        data: o
            .iter()
            .filter(|(k, _)| !MANAGED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        created,
    };
    w.refunds.insert(id, refund);
    if let Some(order) = w.orders.get_mut(&order_id) {
        order.modified = order.modified.max(created);
    }
    Ok(id)
}
