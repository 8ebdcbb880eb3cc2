//! Control API under `/control/` (no auth, not logged, no cost): the HTTP twin of the
//! [`crate::SimHandle`] methods for tests in other processes.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::fmt_time;
use crate::config::DEFAULT_TOKEN;
use crate::faults::Fault;
use crate::model::split_gid;
use crate::seed::Seed;
use crate::state::SimState;

pub(crate) fn router() -> Router<SimState> {
    Router::new()
        .route("/reset", post(reset))
        .route("/seed", post(seed))
        .route("/products", get(products))
        .route("/customers", get(customers))
        .route("/orders", get(orders))
        .route("/orders/{*id}", get(order))
        .route("/locations", get(locations))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(requests).delete(clear_requests))
        .route("/clock", get(get_clock).put(put_clock))
        .route("/throttle", get(get_throttle).put(put_throttle))
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

async fn seed(State(st): State<SimState>, b: Body<Seed>) -> Response {
    let s = body!(b);
    let seeded = st.lock().seed(s);
    (StatusCode::CREATED, Json(seeded)).into_response()
}

async fn products(State(st): State<SimState>) -> Response {
    Json(st.lock().products.values().cloned().collect::<Vec<_>>()).into_response()
}

async fn customers(State(st): State<SimState>) -> Response {
    Json(st.lock().customers.values().cloned().collect::<Vec<_>>()).into_response()
}

async fn orders(State(st): State<SimState>) -> Response {
    Json(st.lock().orders.values().cloned().collect::<Vec<_>>()).into_response()
}

/// `{id}` is the numeric id or the GID.
async fn order(State(st): State<SimState>, Path(id): Path<String>) -> Response {
    let num = id.parse::<u64>().ok().or_else(|| {
        split_gid(&id)
            .filter(|(k, _)| *k == "Order")
            .map(|(_, n)| n)
    });
    let found = num.and_then(|n| st.lock().orders.get(&n).cloned());
    match found {
        Some(o) => Json(o).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such order"})),
        )
            .into_response(),
    }
}

async fn locations(State(st): State<SimState>) -> Response {
    Json(st.lock().locations.values().cloned().collect::<Vec<_>>()).into_response()
}

async fn list_faults(State(st): State<SimState>) -> Response {
    Json(st.lock().faults.clone()).into_response()
}

async fn add_fault(State(st): State<SimState>, b: Body<Fault>) -> Response {
    let f = body!(b);
    let mut w = st.lock();
    w.faults.push(f);
    (StatusCode::CREATED, Json(json!({"queued": w.faults.len()}))).into_response()
}

async fn clear_faults(State(st): State<SimState>) -> Response {
    st.lock().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn requests(State(st): State<SimState>) -> Response {
    Json(st.lock().log.clone()).into_response()
}

async fn clear_requests(State(st): State<SimState>) -> Response {
    st.lock().log.clear();
    StatusCode::NO_CONTENT.into_response()
}

fn clock_json(now: OffsetDateTime) -> Value {
    json!({"now": fmt_time(now)})
}

async fn get_clock(State(st): State<SimState>) -> Response {
    Json(clock_json(st.lock().now())).into_response()
}

#[derive(Deserialize)]
struct ClockUpdate {
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    advance_seconds: Option<u64>,
}

async fn put_clock(State(st): State<SimState>, b: Body<ClockUpdate>) -> Response {
    let b = body!(b);
    let mut w = st.lock();
    if let Some(now) = &b.now {
        match OffsetDateTime::parse(now, &Rfc3339) {
            Ok(t) => w.clock.set_now(t),
            Err(e) => return bad(format!("now must be RFC 3339: {e}")),
        }
    }
    if let Some(secs) = b.advance_seconds {
        w.clock.advance(std::time::Duration::from_secs(secs));
    }
    Json(clock_json(w.now())).into_response()
}

#[derive(Deserialize)]
struct TokenParam {
    #[serde(default)]
    token: Option<String>,
}

async fn get_throttle(State(st): State<SimState>, Query(q): Query<TokenParam>) -> Response {
    let token = q.token.unwrap_or_else(|| DEFAULT_TOKEN.into());
    Json(st.lock().throttle_status(&token).to_json()).into_response()
}

#[derive(Deserialize)]
struct ThrottleUpdate {
    #[serde(default)]
    token: Option<String>,
    available: f64,
}

async fn put_throttle(State(st): State<SimState>, b: Body<ThrottleUpdate>) -> Response {
    let b = body!(b);
    let token = b.token.unwrap_or_else(|| DEFAULT_TOKEN.into());
    let mut w = st.lock();
    w.set_available(&token, b.available);
    Json(w.throttle_status(&token).to_json()).into_response()
}
