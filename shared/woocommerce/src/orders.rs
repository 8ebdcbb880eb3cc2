//! Order write-back (note, `_fortsync_*` meta, status) and raw reads of orders and refunds.
//!
//! Idempotency: every order write fires WooCommerce's `order.updated` webhook (back to
//! fortsync), so [`annotate_order`](fortsync_app::shop::Shop::annotate_order) first reads the
//! order and its notes and writes only what differs: the note when no note has the same text,
//! and one `PUT` with the meta values and status that are not already there. Repeating an
//! annotation costs two reads and no writes.
//!
//! WooCommerce behaviour relied on: `GET /orders/{id}/notes` returns every note (no paging);
//! notes are kept as sent (compared after trimming); a status change adds its own system note.

use fortsync_app::shop::{OrderAnnotation, ShopError};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::mapping::{meta_key, meta_text};
use crate::wire::{WireNote, WireOrder};
use crate::{PAGE_SIZE, WooShop, numeric_id};

fn normalise_status(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    s.strip_prefix("wc-").unwrap_or(&s).to_string()
}

impl WooShop {
    pub(crate) async fn annotate(&self, a: &OrderAnnotation) -> Result<(), ShopError> {
        let id = numeric_id(&a.order_id, "order")?;
        let order: WireOrder = self
            .api
            .get(&format!("/orders/{id}"), &[])
            .await?
            .json("order")?;
        let note = a.note.trim();
        if !note.is_empty() {
            let notes: Vec<WireNote> = self
                .api
                .get(&format!("/orders/{id}/notes"), &[])
                .await?
                .json("order notes")?;
            if !notes.iter().any(|n| n.note.trim() == note) {
                let body = json!({"note": note, "customer_note": false});
                self.api
                    .post_create(&format!("/orders/{id}/notes"), &body)
                    .await?;
            }
        }
        let meta: Vec<Value> = a
            .fields
            .iter()
            .map(|(k, v)| (meta_key(k), v))
            .filter(|(k, v)| {
                !order
                    .meta_data
                    .iter()
                    .any(|m| m.key == *k && meta_text(&m.value) == **v)
            })
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        let status = a
            .status
            .as_deref()
            .map(normalise_status)
            .filter(|s| !s.is_empty() && *s != normalise_status(&order.status));
        if meta.is_empty() && status.is_none() {
            return Ok(());
        }
        let mut body = json!({});
        if let Some(o) = body.as_object_mut() {
            if !meta.is_empty() {
                o.insert("meta_data".into(), Value::Array(meta));
            }
            if let Some(s) = status {
                o.insert("status".into(), json!(s));
            }
        }
        self.api.put(&format!("/orders/{id}"), &body).await?;
        Ok(())
    }

    /// The order resource as the shop sent it (`GET /orders/{id}`), e.g. for
    /// `fortsync_domain::woocommerce::parse_order` or its `prices_include_tax`.
    pub async fn order_body(&self, order_id: &str) -> Result<Vec<u8>, ShopError> {
        let id = numeric_id(order_id, "order")?;
        Ok(self.api.get(&format!("/orders/{id}"), &[]).await?.body)
    }

    /// Every refund of an order (`GET /orders/{id}/refunds`, all pages), each as the raw bytes
    /// of one refund resource: what `fortsync_domain::woocommerce::parse_refund_on_basis`
    /// takes. Newest first, as WooCommerce lists them.
    pub async fn order_refunds(&self, order_id: &str) -> Result<Vec<Vec<u8>>, ShopError> {
        let id = numeric_id(order_id, "order")?;
        let mut out = Vec::new();
        let mut page = 1u32;
        loop {
            let query = [
                ("page", page.to_string()),
                ("per_page", PAGE_SIZE.to_string()),
            ];
            let answer = self
                .api
                .get(&format!("/orders/{id}/refunds"), &query)
                .await?;
            let refunds: Vec<Box<RawValue>> = answer.json("refunds")?;
            out.extend(refunds.into_iter().map(|r| r.get().as_bytes().to_vec()));
            if page >= answer.total_pages.unwrap_or(page) {
                return Ok(out);
            }
            page += 1;
        }
    }
}
