//! Control API under `/__sim/` (not logged, not rate limited, no auth): the HTTP twin of the
//! `SimHandle` methods, for the standalone binary and for tests in other processes.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::fmt_date;
use crate::config::{AppConfig, Rounding};
use crate::errors::ApiError;
use crate::events::TOPICS;
use crate::faults::Fault;
use crate::resources::documents::{Kind, parse_input};
use crate::resources::{Ctx, articles, customers, invoices, orders, payments, prices, warehouse};
use crate::state::SimState;
use crate::validate::unwrap_record;

pub(crate) fn router() -> Router<SimState> {
    Router::new()
        .route("/reset", post(reset))
        .route("/tenants", get(list_tenants).post(create_tenant))
        .route("/tenants/{id}", put(update_tenant))
        .route("/tenants/{id}/{resource}", get(tenant_records))
        .route("/tokens", post(tokens))
        .route("/apps", post(apps))
        .route("/consent", post(consent))
        .route("/service-consents", post(service_consent))
        .route("/seed/{kind}", post(seed))
        .route("/clock", get(get_clock).put(put_clock))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(requests))
        .route("/stats", get(stats))
        .route("/events", get(list_events).post(add_event))
        .route("/topics/duplicate", post(duplicate_events))
        .route("/topics/drop", post(drop_connections))
        .route("/topics/connections", get(topic_connections))
}

fn bad(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

fn api_error(e: ApiError, index: usize) -> Response {
    (
        e.status,
        Json(json!({"error": e.message, "index": index, "ErrorInformation": {"error": 1, "message": e.message, "code": e.code}})),
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
struct NewTenant {
    company_name: String,
    #[serde(default)]
    organization_number: Option<String>,
    #[serde(default)]
    rounding: Option<Rounding>,
}

async fn create_tenant(State(st): State<SimState>, b: Body<NewTenant>) -> Response {
    let b = body!(b);
    let id = st.add_tenant_with(
        &b.company_name,
        b.organization_number.as_deref(),
        b.rounding,
    );
    (StatusCode::CREATED, Json(json!({"tenant_id": id}))).into_response()
}

async fn list_tenants(State(st): State<SimState>) -> Response {
    let w = st.lock();
    let tenants: Vec<Value> = w
        .tenants
        .values()
        .map(|t| json!({"tenant_id": t.id, "company_name": t.company.get("CompanyName"), "rounding": t.rounding}))
        .collect();
    Json(tenants).into_response()
}

#[derive(Deserialize)]
struct TenantUpdate {
    rounding: Rounding,
}

async fn update_tenant(
    State(st): State<SimState>,
    Path(id): Path<u64>,
    b: Body<TenantUpdate>,
) -> Response {
    let b = body!(b);
    if !st.tenant_ids().contains(&id) {
        return bad(format!("unknown tenant {id}"));
    }
    st.set_rounding(id, b.rounding);
    Json(json!({"tenant_id": id, "rounding": b.rounding})).into_response()
}

async fn tenant_records(
    State(st): State<SimState>,
    Path((id, resource)): Path<(u64, String)>,
) -> Response {
    let records = match resource.as_str() {
        "invoices" => st.invoices(id),
        "orders" => st.orders(id),
        "customers" => st.customers(id),
        "articles" => st.articles(id),
        "invoicepayments" => st.invoice_payments(id),
        other => return bad(format!("unknown resource {other}")),
    };
    Json(records).into_response()
}

#[derive(Deserialize)]
struct TokenRequest {
    client_id: String,
    tenant_id: u64,
    scopes: Vec<String>,
}

async fn tokens(State(st): State<SimState>, b: Body<TokenRequest>) -> Response {
    let b = body!(b);
    if !st.tenant_ids().contains(&b.tenant_id) {
        return bad(format!("unknown tenant {}", b.tenant_id));
    }
    let scopes: Vec<&str> = b.scopes.iter().map(String::as_str).collect();
    Json(st.issue_token(&b.client_id, b.tenant_id, &scopes)).into_response()
}

async fn apps(State(st): State<SimState>, b: Body<AppConfig>) -> Response {
    let app = body!(b);
    let id = app.client_id.clone();
    st.register_app(app);
    (StatusCode::CREATED, Json(json!({"client_id": id}))).into_response()
}

#[derive(Deserialize)]
struct Consent {
    #[serde(default)]
    refuse: bool,
    #[serde(default)]
    tenant_id: Option<u64>,
}

async fn consent(State(st): State<SimState>, b: Body<Consent>) -> Response {
    let b = body!(b);
    st.set_consent(b.refuse, b.tenant_id);
    Json(json!({"refuse": b.refuse, "tenant_id": b.tenant_id})).into_response()
}

async fn service_consent(State(st): State<SimState>, b: Body<TokenRequest>) -> Response {
    let b = body!(b);
    let scopes: Vec<&str> = b.scopes.iter().map(String::as_str).collect();
    st.grant_service_consent(&b.client_id, b.tenant_id, &scopes);
    (
        StatusCode::CREATED,
        Json(json!({"client_id": b.client_id, "tenant_id": b.tenant_id})),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Seed {
    tenant_id: u64,
    records: Vec<Value>,
}

/// A seed record was rejected.
#[derive(Debug, Clone)]
pub struct SeedError {
    /// Position of the rejected record; records before it were created.
    pub index: usize,
    pub error: ApiError,
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "record {}: {} (code {})",
            self.index, self.error.message, self.error.code
        )
    }
}

impl std::error::Error for SeedError {}

/// Kinds accepted by `seed`.
pub const SEED_KINDS: &[&str] = &[
    "customers",
    "articles",
    "pricelists",
    "prices",
    "orders",
    "invoices",
    "invoicepayments",
    "stockbalance",
];

/// Creates records through the same validation as the API, bypassing auth and the rate limit;
/// stops at the first invalid record. Returns the ids (customer/article numbers, document
/// numbers, price-list codes; null for prices and stock balances).
pub(crate) fn seed_records(
    st: &SimState,
    kind: &str,
    tenant_id: u64,
    records: Vec<Value>,
) -> Result<Vec<Value>, SeedError> {
    let mut w = st.lock();
    let ctx = Ctx::new(st, &w);
    let Some(t) = w.tenants.get_mut(&tenant_id) else {
        return Err(SeedError {
            index: 0,
            error: ApiError::bad(0, format!("unknown tenant {tenant_id}")),
        });
    };
    let mut created = Vec::new();
    for (index, record) in records.into_iter().enumerate() {
        let result: Result<Value, ApiError> = match kind {
            "customers" => unwrap_record(record, "Customer")
                .and_then(|r| customers::create(t, &ctx, r))
                .map(Value::from),
            "articles" => unwrap_record(record, "Article")
                .and_then(|r| articles::create(t, &ctx, r))
                .map(Value::from),
            "pricelists" => unwrap_record(record, "PriceList")
                .and_then(|r| prices::create_pricelist(t, &ctx, r))
                .map(Value::from),
            "prices" => unwrap_record(record, "Price")
                .and_then(|r| prices::create_price(t, &ctx, r))
                .map(|_| Value::Null),
            "orders" => unwrap_record(record, "Order")
                .and_then(|r| parse_input(Kind::Order, r))
                .and_then(|i| orders::create(t, &ctx, i))
                .map(Value::from),
            "invoices" => unwrap_record(record, "Invoice")
                .and_then(|r| parse_input(Kind::Invoice, r))
                .and_then(|i| invoices::create(t, &ctx, i))
                .map(Value::from),
            "invoicepayments" => unwrap_record(record, "InvoicePayment")
                .and_then(|r| payments::create(t, &ctx, r))
                .map(Value::from),
            "stockbalance" => unwrap_record(record, "StockBalance")
                .and_then(|r| warehouse::seed(t, &r))
                .map(|_| Value::Null),
            other => Err(ApiError::bad(
                0,
                format!("unknown seed kind {other}; use one of {SEED_KINDS:?}"),
            )),
        };
        match result {
            Ok(id) => created.push(id),
            Err(error) => return Err(SeedError { index, error }),
        }
    }
    Ok(created)
}

async fn seed(State(st): State<SimState>, Path(kind): Path<String>, b: Body<Seed>) -> Response {
    let b = body!(b);
    match seed_records(&st, &kind, b.tenant_id, b.records) {
        Ok(created) => (StatusCode::CREATED, Json(json!({"created": created}))).into_response(),
        Err(e) => api_error(e.error, e.index),
    }
}

fn clock_json(now: OffsetDateTime) -> Value {
    json!({
        "now": now.format(&Rfc3339).unwrap_or_default(),
        "today": fmt_date(crate::clock::stockholm(now).date()),
    })
}

async fn get_clock(State(st): State<SimState>) -> Response {
    Json(clock_json(st.now())).into_response()
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
        if secs >= 0 {
            st.advance(std::time::Duration::from_secs(secs.unsigned_abs()));
        } else {
            st.set_now(st.now() - time::Duration::seconds(secs.saturating_neg()));
        }
    }
    Json(clock_json(st.now())).into_response()
}

async fn list_faults(State(st): State<SimState>) -> Response {
    Json(st.lock().faults.clone()).into_response()
}

async fn add_fault(State(st): State<SimState>, b: Body<Fault>) -> Response {
    let f = body!(b);
    st.inject_fault(f);
    (
        StatusCode::CREATED,
        Json(json!({"queued": st.lock().faults.len()})),
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

async fn stats(State(st): State<SimState>) -> Response {
    Json(st.stats()).into_response()
}

#[derive(Deserialize)]
struct EventFilter {
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    tenant_id: Option<u64>,
}

async fn list_events(State(st): State<SimState>, Query(f): Query<EventFilter>) -> Response {
    let events: Vec<_> = st
        .topic_events(f.topic.as_deref())
        .into_iter()
        .filter(|e| f.tenant_id.is_none_or(|t| t == e.tenant_id))
        .collect();
    Json(events).into_response()
}

#[derive(Deserialize)]
struct NewEvent {
    topic: String,
    #[serde(rename = "type")]
    event_type: String,
    tenant_id: u64,
    entity_id: String,
}

async fn add_event(State(st): State<SimState>, b: Body<NewEvent>) -> Response {
    let e = body!(b);
    if !TOPICS.contains(&e.topic.as_str()) {
        return bad(format!("unknown topic {}; use one of {TOPICS:?}", e.topic));
    }
    let event = st.emit_event(&e.topic, &e.event_type, e.tenant_id, &e.entity_id);
    (StatusCode::CREATED, Json(event)).into_response()
}

#[derive(Deserialize)]
struct Duplicate {
    count: usize,
}

async fn duplicate_events(State(st): State<SimState>, b: Body<Duplicate>) -> Response {
    let d = body!(b);
    Json(json!({"connections": st.duplicate_events(d.count)})).into_response()
}

#[derive(Deserialize, Default)]
struct DropRequest {
    #[serde(default)]
    graceful: bool,
}

async fn drop_connections(State(st): State<SimState>, b: Option<Json<DropRequest>>) -> Response {
    let graceful = b.map(|Json(d)| d.graceful).unwrap_or_default();
    Json(json!({"connections": st.drop_connections(graceful)})).into_response()
}

async fn topic_connections(State(st): State<SimState>) -> Response {
    Json(st.topic_connections()).into_response()
}
