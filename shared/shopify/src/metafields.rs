//! Key → value fields as metafields in namespace `fortsync`: `metafieldsSet` in chunks of 25
//! (Shopify's limit per call), empty values deleted with `metafieldsDelete` (Shopify refuses
//! blank values). Keys are normalised to what Shopify accepts (letters, digits, `-`, `_`;
//! 2–64 characters), so `"paid date"` becomes `paid_date`. Values are text metafields
//! (`single_line_text_field`, or `multi_line_text_field` when they contain a line break).

use std::collections::BTreeMap;

use fortsync_app::shop::ShopError;
use serde_json::{Value, json};

use crate::mutation::MutationDoc;

pub(crate) const NAMESPACE: &str = "fortsync";
const MAX_PER_SET: usize = 25;

pub(crate) fn normalise_key(key: &str) -> Result<String, ShopError> {
    let k: String = key
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if k.chars().count() < 2 {
        return Err(ShopError::Invalid(format!(
            "metafield key too short: {key:?}"
        )));
    }
    Ok(k)
}

fn kind(value: &str) -> &'static str {
    if value.contains('\n') {
        "multi_line_text_field"
    } else {
        "single_line_text_field"
    }
}

/// Adds the fields that set or delete `fields` on `owner` to `doc`. `current` holds values
/// already stored (by normalised key); unchanged ones are skipped.
pub(crate) fn add_to(
    doc: &mut MutationDoc,
    owner: &str,
    fields: &BTreeMap<String, String>,
    current: &BTreeMap<String, String>,
) -> Result<(), ShopError> {
    let mut sets = Vec::new();
    let mut deletes = Vec::new();
    for (k, v) in fields {
        let key = normalise_key(k)?;
        let v = v.trim();
        if v.is_empty() {
            if current.contains_key(&key) {
                deletes.push(json!({"ownerId": owner, "namespace": NAMESPACE, "key": key}));
            }
        } else if current.get(&key).map(String::as_str) != Some(v) {
            sets.push(json!({"ownerId": owner, "namespace": NAMESPACE, "key": key, "type": kind(v), "value": v}));
        }
    }
    for chunk in sets.chunks(MAX_PER_SET) {
        let var = doc.var("[MetafieldsSetInput!]!", Value::Array(chunk.to_vec()));
        doc.field(
            format!("metafields of {owner}"),
            format!("metafieldsSet(metafields: {var}) {{ userErrors {{ field message code }} }}"),
        );
    }
    if !deletes.is_empty() {
        let var = doc.var("[MetafieldIdentifierInput!]!", Value::Array(deletes));
        doc.field(
            format!("metafields of {owner}"),
            format!("metafieldsDelete(metafields: {var}) {{ userErrors {{ field message }} }}"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised() {
        assert_eq!(normalise_key("Paid date").unwrap(), "paid_date");
        assert_eq!(normalise_key("ocr").unwrap(), "ocr");
        assert!(normalise_key("x").is_err());
    }

    #[test]
    fn skips_unchanged_and_chunks_by_25() {
        let mut fields = BTreeMap::new();
        for i in 0..30 {
            fields.insert(format!("k{i:02}"), format!("v{i}"));
        }
        fields.insert("gone".into(), String::new());
        let current = BTreeMap::from([
            ("k00".to_string(), "v0".to_string()),
            ("gone".to_string(), "old".to_string()),
        ]);
        let mut doc = MutationDoc::new("T");
        add_to(&mut doc, "gid://shopify/Order/1", &fields, &current).unwrap();
        let call = doc.call();
        assert_eq!(call.query.matches("metafieldsSet(").count(), 2);
        assert_eq!(call.query.matches("metafieldsDelete(").count(), 1);
        assert_eq!(call.variables["v0"].as_array().unwrap().len(), 25);
        assert_eq!(
            call.variables["v1"].as_array().unwrap().len(),
            4,
            "29 changed values"
        );
    }
}
