//! Control API under `/__sim/` (JSON, no auth, not logged, no faults): the HTTP twin of the
//! `SimHandle` methods, for tests in other processes.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::rfc3339;
use crate::config::ApiKey;
use crate::faults::Fault;
use crate::state::SimState;
use crate::view::SeedError;

pub(crate) fn router() -> Router<SimState> {
    Router::new()
        .route("/reset", post(reset))
        .route("/seed/{kind}", post(seed))
        .route("/state/{kind}", get(state))
        .route("/orders/{id}/notes", get(notes))
        .route("/orders/{id}/refunds", get(refunds))
        .route("/keys", post(add_key))
        .route("/clock", get(get_clock).put(put_clock))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(requests).delete(clear_requests))
        .route("/stats", get(stats))
}

fn bad(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

type Body<T> = Result<Json<T>, JsonRejection>;

macro_rules! body {
    ($b:expr) => {
        match $b {
            Ok(Json(v)) => v,
            Err(e) => return bad(e.body_text()),
        }
    };
}

async fn reset(State(st): State<SimState>) -> Response {
    st.reset();
    Json(json!({"reset": true})).into_response()
}

#[derive(Deserialize)]
struct Seed {
    /// Only for `refunds`.
    #[serde(default)]
    order_id: Option<u64>,
    records: Vec<Value>,
}

fn seeded(r: Result<Vec<u64>, SeedError>) -> Response {
    match r {
        Ok(ids) => (StatusCode::CREATED, Json(json!({"created": ids}))).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string(), "index": e.index, "detail": e.error.to_json()})),
        )
            .into_response(),
    }
}

/// `POST /__sim/seed/{products|customers|orders}` `{records}`;
/// `POST /__sim/seed/refunds` `{order_id, records}`.
async fn seed(State(st): State<SimState>, Path(kind): Path<String>, b: Body<Seed>) -> Response {
    let b = body!(b);
    if kind == "refunds" {
        let Some(order_id) = b.order_id else {
            return bad("refunds need order_id");
        };
        return seeded(st.seed_refunds(order_id, b.records));
    }
    seeded(st.seed(&kind, b.records))
}

/// `GET /__sim/state/{products|customers|orders}`: every record as the API renders it.
async fn state(State(st): State<SimState>, Path(kind): Path<String>) -> Response {
    let records = match kind.as_str() {
        "products" => st.products(),
        "customers" => st.customers(),
        "orders" => st.orders(),
        other => return bad(format!("unknown kind {other}")),
    };
    Json(records).into_response()
}

async fn notes(State(st): State<SimState>, Path(id): Path<u64>) -> Response {
    Json(st.order_notes(id)).into_response()
}

async fn refunds(State(st): State<SimState>, Path(id): Path<u64>) -> Response {
    Json(st.refunds(id)).into_response()
}

async fn add_key(State(st): State<SimState>, b: Body<ApiKey>) -> Response {
    let key = body!(b);
    let id = key.consumer_key.clone();
    st.add_key(key);
    (StatusCode::CREATED, Json(json!({"consumer_key": id}))).into_response()
}

async fn get_clock(State(st): State<SimState>) -> Response {
    Json(json!({"now": rfc3339(st.now())})).into_response()
}

#[derive(Deserialize)]
struct ClockUpdate {
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    advance_seconds: Option<i64>,
}

async fn put_clock(State(st): State<SimState>, b: Body<ClockUpdate>) -> Response {
    let b = body!(b);
    if let Some(now) = &b.now {
        match OffsetDateTime::parse(now, &Rfc3339) {
            Ok(t) => st.set_now(t),
            Err(e) => return bad(format!("now must be RFC 3339: {e}")),
        }
    }
    if let Some(secs) = b.advance_seconds {
        st.advance(time::Duration::seconds(secs));
    }
    Json(json!({"now": rfc3339(st.now())})).into_response()
}

async fn list_faults(State(st): State<SimState>) -> Response {
    Json(st.faults()).into_response()
}

async fn add_fault(State(st): State<SimState>, b: Body<Fault>) -> Response {
    let f = body!(b);
    st.inject_fault(f);
    (
        StatusCode::CREATED,
        Json(json!({"queued": st.faults().len()})),
    )
        .into_response()
}

async fn clear_faults(State(st): State<SimState>) -> Response {
    st.clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

async fn requests(State(st): State<SimState>) -> Response {
    Json(st.request_log()).into_response()
}

async fn clear_requests(State(st): State<SimState>) -> Response {
    st.clear_log();
    StatusCode::NO_CONTENT.into_response()
}

async fn stats(State(st): State<SimState>) -> Response {
    Json(st.stats()).into_response()
}
