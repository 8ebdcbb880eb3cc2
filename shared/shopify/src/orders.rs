//! `annotate_order`: one read (note, tags, `fortsync` metafields) and at most one mutation
//! document with `tagsAdd`, `metafieldsSet`/`metafieldsDelete` and `orderUpdate` for what is
//! not there yet. Repeating an annotation therefore changes nothing and costs one call.
//!
//! The note line is appended to the existing note unless a line equal to it (trimmed) is
//! already present. The read and the write are not atomic: a note edited in between by a
//! merchant would be overwritten with the note read plus our line.

use std::collections::BTreeMap;

use fortsync_app::shop::{OrderAnnotation, ShopError};
use serde::Deserialize;
use serde_json::json;

use crate::client::Call;
use crate::documents::ORDER_ANNOTATIONS;
use crate::ids::to_gid;
use crate::metafields;
use crate::mutation::{MutationDoc, check};
use crate::shop::{ShopifyShop, parse};
use crate::wire::Connection;

#[derive(Debug, Deserialize)]
struct KeyValue {
    key: String,
    value: String,
}

#[derive(Debug, Deserialize)]
struct OrderState {
    note: Option<String>,
    tags: Vec<String>,
    metafields: Connection<KeyValue>,
}

/// The new note, or `None` when `line` is empty or already one of the note's lines.
fn appended_note(existing: Option<&str>, line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let existing = existing.unwrap_or("").trim_end();
    if existing.lines().any(|l| l.trim() == line) {
        return None;
    }
    Some(if existing.is_empty() {
        line.to_string()
    } else {
        format!("{existing}\n{line}")
    })
}

impl ShopifyShop {
    pub(crate) async fn annotate_order_impl(&self, a: &OrderAnnotation) -> Result<(), ShopError> {
        let id = to_gid("Order", &a.order_id)?;
        let call = Call::new(
            "FortsyncOrderAnnotations",
            ORDER_ANNOTATIONS,
            json!({"id": id}),
            103,
        );
        let data = self.client.run(&call).await?;
        if data["order"].is_null() {
            return Err(ShopError::NotFound(format!("order {}", a.order_id)));
        }
        let order: OrderState = parse(&data["order"])?;
        let mut doc = MutationDoc::new("FortsyncAnnotateOrder");
        let new_tags: Vec<&str> = a
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty() && !order.tags.iter().any(|o| o.eq_ignore_ascii_case(t)))
            .collect();
        if !new_tags.is_empty() {
            let i = doc.var("ID!", json!(id));
            let t = doc.var("[String!]!", json!(new_tags));
            doc.field(
                format!("tags of {id}"),
                format!("tagsAdd(id: {i}, tags: {t}) {{ userErrors {{ field message }} }}"),
            );
        }
        let current: BTreeMap<String, String> = order
            .metafields
            .nodes
            .into_iter()
            .map(|m| (m.key, m.value))
            .collect();
        metafields::add_to(&mut doc, &id, &a.fields, &current)?;
        if let Some(note) = appended_note(order.note.as_deref(), &a.note) {
            let input = doc.var("OrderInput!", json!({"id": id, "note": note}));
            doc.field(
                format!("note of {id}"),
                format!("orderUpdate(input: {input}) {{ userErrors {{ field message }} }}"),
            );
        }
        if doc.is_empty() {
            return Ok(());
        }
        let data = self.client.run(&doc.call()).await?;
        check(&doc.user_errors(&data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_the_note_line_once() {
        assert_eq!(appended_note(None, "Paid"), Some("Paid".into()));
        assert_eq!(
            appended_note(Some("Gift wrap\n"), "Paid"),
            Some("Gift wrap\nPaid".into())
        );
        assert_eq!(appended_note(Some("Gift wrap\n Paid "), "Paid"), None);
        assert_eq!(appended_note(Some("Gift wrap"), "  "), None);
        assert_eq!(
            appended_note(Some("Paid in full"), "Paid"),
            Some("Paid in full\nPaid".into()),
            "a longer line is not the same line"
        );
    }
}
