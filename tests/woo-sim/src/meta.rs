//! `meta_data` as WooCommerce handles it (`WC_Data::update_meta_data`): an item with an `id`
//! changes that entry; an item with only `key` replaces every entry of that key by one; a
//! `null` value deletes the key.

use serde_json::{Value, json};

use crate::errors::{ApiError, ApiResult};
use crate::state::Ids;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meta {
    pub id: u64,
    pub key: String,
    pub value: Value,
}

pub(crate) fn render(meta: &[Meta]) -> Value {
    Value::Array(
        meta.iter()
            .map(|m| json!({"id": m.id, "key": m.key, "value": m.value}))
            .collect(),
    )
}

/// Applies a request's `meta_data` to `meta`.
pub(crate) fn apply(meta: &mut Vec<Meta>, input: &Value, ids: &mut Ids) -> ApiResult<()> {
    let Some(items) = input.as_array() else {
        return Err(ApiError::not_of_type("meta_data", "array"));
    };
    for item in items {
        let key = item.get("key").and_then(Value::as_str);
        let id = item.get("id").and_then(Value::as_u64);
        let value = item.get("value").cloned().unwrap_or(Value::Null);
        if let Some(existing) = id.and_then(|id| meta.iter_mut().find(|m| m.id == id)) {
            if let Some(k) = key {
                existing.key = k.to_string();
            }
            existing.value = value;
            continue;
        }
        let Some(key) = key else {
            return Err(ApiError::invalid_param(
                "meta_data",
                "meta_data[key] is a required property of meta_data.",
            ));
        };
        let keep_id = meta.iter().find(|m| m.key == key).map(|m| m.id);
        meta.retain(|m| m.key != key);
        if !value.is_null() {
            meta.push(Meta {
                id: keep_id.unwrap_or_else(|| ids.meta()),
                key: key.to_string(),
                value,
            });
        }
    }
    Ok(())
}

/// Meta given in seed data, keeping ids that are present.
pub(crate) fn from_seed(input: &Value, ids: &mut Ids) -> Vec<Meta> {
    input
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    Some(Meta {
                        id: match item.get("id").and_then(Value::as_u64) {
                            Some(id) => ids.saw_meta(id),
                            None => ids.meta(),
                        },
                        key: item.get("key")?.as_str()?.to_string(),
                        value: item.get("value").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}
