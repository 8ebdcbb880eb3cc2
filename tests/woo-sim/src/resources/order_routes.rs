//! HTTP handlers of `/orders/{id}`, `/orders/{id}/notes` and `/orders/{id}/refunds[/{rid}]`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::fields::{self, json_body};
use super::orders::{self, note_json, order_json, order_missing, refund_json};
use super::product_routes::{RawQuery, params, path_id};
use crate::errors::{ApiError, ApiResult};
use crate::query::{Paging, page_response};
use crate::state::SimState;

fn respond(r: ApiResult<Value>, status: StatusCode) -> Response {
    match r {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn get_one(State(st): State<SimState>, Path(id): Path<String>) -> Response {
    let r = path_id(&id).and_then(|id| {
        let w = st.lock();
        w.orders
            .get(&id)
            .map(|o| order_json(o, &w))
            .ok_or_else(order_missing)
    });
    respond(r, StatusCode::OK)
}

pub(crate) async fn update(
    State(st): State<SimState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = path_id(&id).and_then(|id| {
        let b = json_body(&body)?;
        let mut w = st.lock();
        orders::update(&mut w, id, &b)?;
        Ok(order_json(&w.orders[&id], &w))
    });
    respond(r, StatusCode::OK)
}

fn order_not_found() -> ApiError {
    ApiError::new(
        404,
        "woocommerce_rest_order_invalid_id",
        "Invalid order ID.",
    )
}

pub(crate) async fn list_notes(
    State(st): State<SimState>,
    Path(id): Path<String>,
    q: RawQuery,
) -> Response {
    let params = params(q);
    let r = path_id(&id).and_then(|id| {
        let kind = params.one_of("type", &["any", "customer", "internal"], "any")?;
        let w = st.lock();
        if !w.orders.contains_key(&id) {
            return Err(order_not_found());
        }
        let mut notes: Vec<_> = w
            .notes
            .values()
            .filter(|n| n.order_id == id)
            .filter(|n| match kind {
                "customer" => n.customer_note,
                "internal" => !n.customer_note,
                _ => true,
            })
            .collect();
        notes.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
        Ok(Value::Array(
            notes.into_iter().map(|n| note_json(n, &w)).collect(),
        ))
    });
    respond(r, StatusCode::OK)
}

pub(crate) async fn create_note(
    State(st): State<SimState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = path_id(&id).and_then(|id| {
        let b = json_body(&body)?;
        let o = fields::object(&b, "note")?;
        let Some(text) = fields::string(o, "note")? else {
            return Err(ApiError::missing_param("note"));
        };
        if text.trim().is_empty() {
            return Err(ApiError::new(
                400,
                "woocommerce_rest_invalid_order_note",
                "Cannot create order note, please provide a note.",
            ));
        }
        let customer = fields::boolean(o, "customer_note")?.unwrap_or(false);
        let by_user = fields::boolean(o, "added_by_user")?.unwrap_or(false);
        let mut w = st.lock();
        if !w.orders.contains_key(&id) {
            return Err(order_not_found());
        }
        let author = if by_user { "shop-manager" } else { "system" };
        let note = orders::add_note(&mut w, id, &text, customer, author);
        Ok(note_json(&w.notes[&note], &w))
    });
    respond(r, StatusCode::CREATED)
}

fn list_refunds_response(st: &SimState, id: &str, q: RawQuery) -> ApiResult<Response> {
    let id = path_id(id)?;
    let params = params(q);
    let w = st.lock();
    let paging = Paging::read(&params, w.config.max_per_page)?;
    if !w.orders.contains_key(&id) {
        return Err(order_not_found());
    }
    let mut refunds: Vec<_> = w.refunds.values().filter(|r| r.order_id == id).collect();
    refunds.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let items = refunds.into_iter().map(|r| refund_json(r, &w)).collect();
    let url = w.api_url(&format!("/orders/{id}/refunds"));
    Ok(page_response(items, paging, &url, &params))
}

pub(crate) async fn list_refunds(
    State(st): State<SimState>,
    Path(id): Path<String>,
    q: RawQuery,
) -> Response {
    list_refunds_response(&st, &id, q).unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn get_refund(
    State(st): State<SimState>,
    Path((id, rid)): Path<(String, String)>,
) -> Response {
    let r = path_id(&id).and_then(|id| {
        let rid = path_id(&rid)?;
        let w = st.lock();
        w.refunds
            .get(&rid)
            .filter(|r| r.order_id == id)
            .map(|r| refund_json(r, &w))
            .ok_or_else(|| ApiError::invalid_id("woocommerce_rest_shop_order_refund_invalid_id"))
    });
    respond(r, StatusCode::OK)
}
