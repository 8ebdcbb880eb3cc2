//! HTTP handlers of `/customers` and `/customers/{id}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::customers::{self, customer_json};
use super::fields::json_body;
use super::product_routes::{RawQuery, params, path_id};
use crate::errors::{ApiError, ApiResult};
use crate::query::{Paging, page_response};
use crate::state::SimState;

fn list_response(st: &SimState, q: RawQuery) -> ApiResult<Response> {
    let params = params(q);
    let w = st.lock();
    let paging = Paging::read(&params, w.config.max_per_page)?;
    let items = customers::select(&w, &params)?
        .into_iter()
        .map(|c| customer_json(c, &w))
        .collect();
    Ok(page_response(
        items,
        paging,
        &w.api_url("/customers"),
        &params,
    ))
}

pub(crate) async fn list(State(st): State<SimState>, q: RawQuery) -> Response {
    list_response(&st, q).unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn get_one(State(st): State<SimState>, Path(id): Path<String>) -> Response {
    let r = path_id(&id).and_then(|id| {
        let w = st.lock();
        w.customers
            .get(&id)
            .map(|c| customer_json(c, &w))
            .ok_or_else(|| {
                ApiError::new(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
            })
    });
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn create(State(st): State<SimState>, body: Bytes) -> Response {
    let r = json_body(&body).and_then(|b| {
        let mut w = st.lock();
        let id = customers::create(&mut w, &b)?;
        Ok(customer_json(&w.customers[&id], &w))
    });
    match r {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn update(
    State(st): State<SimState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = path_id(&id).and_then(|id| {
        let b = json_body(&body)?;
        let mut w = st.lock();
        customers::update(&mut w, id, &b)?;
        Ok(customer_json(&w.customers[&id], &w))
    });
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}
