//! `POST …/batch` (`WC_REST_Controller::batch_items`): `{create: [..], update: [..], delete:
//! [ids]}` with at most `batch_limit` objects in all (else 413), each answered in place by the
//! resource or `{id, error: {code, message, data}}`. The call itself is 200 even when items
//! fail; deletes are permanent (`force=true`).

use serde_json::{Value, json};

use super::fields;
use crate::errors::{ApiError, ApiResult};
use crate::state::World;

/// What one resource does for the batch runner.
pub(crate) trait BatchTarget {
    fn create(&self, w: &mut World, item: &Value) -> ApiResult<u64>;
    fn update(&self, w: &mut World, id: u64, item: &Value) -> ApiResult<()>;
    fn delete(&self, w: &mut World, id: u64) -> ApiResult<()>;
    fn render(&self, w: &World, id: u64) -> Value;
    /// The error for an update item without a usable id.
    fn invalid_id(&self) -> ApiError;
}

fn error_item(id: u64, e: &ApiError) -> Value {
    json!({"id": id, "error": e.to_json()})
}

fn list<'a>(body: &'a Value, key: &str) -> ApiResult<&'a [Value]> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(ApiError::not_of_type(key, "array")),
    }
}

pub(crate) fn run(w: &mut World, body: &Value, target: &dyn BatchTarget) -> ApiResult<Value> {
    let creates = list(body, "create")?;
    let updates = list(body, "update")?;
    let deletes = list(body, "delete")?;
    let limit = w.config.batch_limit;
    if creates.len() + updates.len() + deletes.len() > limit {
        return Err(ApiError::new(
            413,
            "woocommerce_rest_request_entity_too_large",
            format!("Unable to accept more than {limit} items for this request."),
        ));
    }
    let mut out = serde_json::Map::new();
    if !creates.is_empty() {
        let done = creates
            .iter()
            .map(|item| match target.create(w, item) {
                Ok(id) => target.render(w, id),
                Err(e) => error_item(0, &e),
            })
            .collect();
        out.insert("create".into(), Value::Array(done));
    }
    if !updates.is_empty() {
        let done = updates
            .iter()
            .map(|item| {
                let Some(id) = fields::id_of(item.get("id")) else {
                    return error_item(0, &target.invalid_id());
                };
                match target.update(w, id, item) {
                    Ok(()) => target.render(w, id),
                    Err(e) => error_item(id, &e),
                }
            })
            .collect();
        out.insert("update".into(), Value::Array(done));
    }
    if !deletes.is_empty() {
        let done = deletes
            .iter()
            .map(|item| {
                let Some(id) = fields::id_of(Some(item)) else {
                    return error_item(0, &target.invalid_id());
                };
                let before = target.render(w, id);
                match target.delete(w, id) {
                    Ok(()) => before,
                    Err(e) => error_item(id, &e),
                }
            })
            .collect();
        out.insert("delete".into(), Value::Array(done));
    }
    Ok(Value::Object(out))
}
