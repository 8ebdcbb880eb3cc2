//! HTTP handlers of `/products`, `/products/{id}`, `/products/batch` and the variation routes
//! under `/products/{id}/variations`.
//!
//! Assumed: `GET /products/{id}` with a variation id returns the variation in the product shape
//! (`type: "variation"`, `parent_id`), as `wc_get_product` loads either.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::batch::{self, BatchTarget};
use super::fields::json_body;
use super::product_list::{Scope, select};
use super::product_write as write;
use super::products::{product_json, variation_json};
use crate::errors::{ApiError, ApiResult};
use crate::query::{Paging, Params, page_response};
use crate::state::{SimState, World};

pub(crate) type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub(crate) fn params(q: RawQuery) -> Params {
    q.map(|Query(pairs)| Params::from_pairs(pairs))
        .unwrap_or_default()
}

/// A numeric path id; anything else matches no WordPress route (`(?P<id>[\d]+)`).
pub(crate) fn path_id(s: &str) -> ApiResult<u64> {
    s.parse().map_err(|_| ApiError::no_route())
}

fn respond(r: ApiResult<Value>, created: bool) -> Response {
    match r {
        Ok(v) if created => (StatusCode::CREATED, Json(v)).into_response(),
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn list_response(st: &SimState, q: RawQuery, scope: Scope) -> ApiResult<Response> {
    let params = params(q);
    let w = st.lock();
    let paging = Paging::read(&params, w.config.max_per_page)?;
    let (items, path) = match scope {
        Scope::Products => (
            select(&w, &params, scope)?
                .into_iter()
                .map(|p| product_json(p, &w))
                .collect(),
            "/products".to_string(),
        ),
        Scope::VariationsOf(parent) => {
            if w.products.get(&parent).is_none_or(|p| p.is_variation()) {
                return Err(ApiError::invalid_id("woocommerce_rest_product_invalid_id"));
            }
            (
                select(&w, &params, scope)?
                    .into_iter()
                    .map(|v| variation_json(v, &w))
                    .collect(),
                format!("/products/{parent}/variations"),
            )
        }
    };
    Ok(page_response(items, paging, &w.api_url(&path), &params))
}

pub(crate) async fn list(State(st): State<SimState>, q: RawQuery) -> Response {
    list_response(&st, q, Scope::Products).unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn get_one(State(st): State<SimState>, Path(id): Path<String>) -> Response {
    let r = path_id(&id).and_then(|id| {
        let w = st.lock();
        w.products
            .get(&id)
            .map(|p| product_json(p, &w))
            .ok_or_else(|| ApiError::invalid_id("woocommerce_rest_product_invalid_id"))
    });
    respond(r, false)
}

pub(crate) async fn create(State(st): State<SimState>, body: Bytes) -> Response {
    let r = json_body(&body).and_then(|b| {
        let mut w = st.lock();
        let id = write::create_product(&mut w, &b)?;
        Ok(product_json(&w.products[&id], &w))
    });
    respond(r, true)
}

pub(crate) async fn update(
    State(st): State<SimState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = path_id(&id).and_then(|id| {
        let b = json_body(&body)?;
        let mut w = st.lock();
        write::update_product(&mut w, id, &b)?;
        Ok(product_json(&w.products[&id], &w))
    });
    respond(r, false)
}

struct Products;

impl BatchTarget for Products {
    fn create(&self, w: &mut World, item: &Value) -> ApiResult<u64> {
        write::create_product(w, item)
    }
    fn update(&self, w: &mut World, id: u64, item: &Value) -> ApiResult<()> {
        write::update_product(w, id, item)
    }
    fn delete(&self, w: &mut World, id: u64) -> ApiResult<()> {
        write::delete_product(w, id)
    }
    fn render(&self, w: &World, id: u64) -> Value {
        w.products
            .get(&id)
            .map(|p| product_json(p, w))
            .unwrap_or(Value::Null)
    }
    fn invalid_id(&self) -> ApiError {
        ApiError::new(400, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    }
}

pub(crate) async fn batch_products(State(st): State<SimState>, body: Bytes) -> Response {
    let r = json_body(&body).and_then(|b| batch::run(&mut st.lock(), &b, &Products));
    respond(r, false)
}

pub(crate) async fn list_variations(
    State(st): State<SimState>,
    Path(parent): Path<String>,
    q: RawQuery,
) -> Response {
    path_id(&parent)
        .and_then(|parent| list_response(&st, q, Scope::VariationsOf(parent)))
        .unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn get_variation(
    State(st): State<SimState>,
    Path((parent, id)): Path<(String, String)>,
) -> Response {
    let r = path_id(&parent).and_then(|parent| {
        let id = path_id(&id)?;
        let w = st.lock();
        w.products
            .get(&id)
            .filter(|v| v.is_variation() && v.parent_id == parent)
            .map(|v| variation_json(v, &w))
            .ok_or_else(|| ApiError::invalid_id("woocommerce_rest_product_variation_invalid_id"))
    });
    respond(r, false)
}

pub(crate) async fn create_variation(
    State(st): State<SimState>,
    Path(parent): Path<String>,
    body: Bytes,
) -> Response {
    let r = path_id(&parent).and_then(|parent| {
        let b = json_body(&body)?;
        let mut w = st.lock();
        let id = write::create_variation(&mut w, parent, &b)?;
        Ok(variation_json(&w.products[&id], &w))
    });
    respond(r, true)
}

pub(crate) async fn update_variation(
    State(st): State<SimState>,
    Path((parent, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = path_id(&parent).and_then(|parent| {
        let id = path_id(&id)?;
        let b = json_body(&body)?;
        let mut w = st.lock();
        write::update_variation(&mut w, parent, id, &b)?;
        Ok(variation_json(&w.products[&id], &w))
    });
    respond(r, false)
}

struct Variations(u64);

impl BatchTarget for Variations {
    fn create(&self, w: &mut World, item: &Value) -> ApiResult<u64> {
        write::create_variation(w, self.0, item)
    }
    fn update(&self, w: &mut World, id: u64, item: &Value) -> ApiResult<()> {
        write::update_variation(w, self.0, id, item)
    }
    fn delete(&self, w: &mut World, id: u64) -> ApiResult<()> {
        write::delete_variation(w, self.0, id)
    }
    fn render(&self, w: &World, id: u64) -> Value {
        w.products
            .get(&id)
            .map(|v| variation_json(v, w))
            .unwrap_or(Value::Null)
    }
    fn invalid_id(&self) -> ApiError {
        ApiError::new(
            400,
            "woocommerce_rest_product_variation_invalid_id",
            "Invalid ID.",
        )
    }
}

pub(crate) async fn batch_variations(
    State(st): State<SimState>,
    Path(parent): Path<String>,
    body: Bytes,
) -> Response {
    let r = path_id(&parent).and_then(|parent| {
        let b = json_body(&body)?;
        let mut w = st.lock();
        if w.products.get(&parent).is_none_or(|p| p.is_variation()) {
            return Err(ApiError::invalid_id("woocommerce_rest_product_invalid_id"));
        }
        batch::run(&mut w, &b, &Variations(parent))
    });
    respond(r, false)
}
