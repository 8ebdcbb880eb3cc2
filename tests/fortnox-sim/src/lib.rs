//! Fortnox simulator: the REST API v3 subset fortsync uses, the OAuth2 server, the 25-per-5-s
//! rate limit and a control API for tests, as an axum app that runs in-process
//! ([`spawn`]) or standalone (`fortnox-sim --port N`).
//!
//! Behaviour follows `docs/fortnox-api.md`; choices where Fortnox is unverified are documented
//! in the module that implements them (`tokens` for the refresh race policy, `compute` for
//! totals, `lists` for paging and `lastmodified`, `errors` for the codes, `events` and `topics`
//! for the WebSocket topics endpoint `/topics-v1`).

#![recursion_limit = "256"]

pub mod compute;
pub mod config;
pub mod errors;
pub mod events;
pub mod faults;
pub mod log;
pub mod tokens;

mod bearer;
mod clock;
mod control;
mod envelope;
mod lists;
mod oauth;
mod ratelimit;
mod resources;
mod server;
mod state;
mod topics;
mod validate;

use std::net::SocketAddr;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use bearer::AuthInfo;
pub use config::{AppConfig, Rounding, SimConfig};
pub use control::{SEED_KINDS, SeedError};
pub use errors::ApiError;
pub use events::{ConnectionInfo, TopicEvent};
pub use faults::Fault;
pub use log::LoggedRequest;
pub use state::SimState;
pub use tokens::{KNOWN_SCOPES, TokenResponse, decode_claims};

const HELP: &str = "Fortnox simulator

Walk the OAuth code flow with curl (default app demo-client / demo-secret):

  # 1. Authorize (auto-consent): read code and state from the Location header
  curl -si 'BASE/oauth-v1/auth?client_id=demo-client&redirect_uri=http://localhost/cb&scope=customer%20invoice&state=xyz&response_type=code&access_type=offline'

  # 2. Exchange the code
  curl -s -u demo-client:demo-secret -d grant_type=authorization_code -d code=CODE \\
       -d redirect_uri=http://localhost/cb BASE/oauth-v1/token

  # 3. Call the API
  curl -s -H 'Authorization: Bearer ACCESS_TOKEN' BASE/3/customers

  # Refresh (single use, rotates):
  curl -s -u demo-client:demo-secret -d grant_type=refresh_token -d refresh_token=RT BASE/oauth-v1/token

Shortcuts: POST BASE/__sim/tenants {\"company_name\":\"Demo AB\"} and
POST BASE/__sim/tokens {\"client_id\":\"demo-client\",\"tenant_id\":ID,\"scopes\":[\"customer\"]}.
Control API: /__sim/reset, tenants, tokens, apps, consent, service-consents, seed/{kind},
clock, faults, requests, stats, events, topics/{duplicate,drop,connections}.

WebSocket topics: ws://HOST/topics-v1 (add-tenants-v1, add-topics-v1, subscribe-v1).
";

async fn help(axum::extract::State(st): axum::extract::State<SimState>) -> String {
    HELP.replace("BASE", &st.base_url())
}

/// The complete app: OAuth, `/3`, `/api/warehouse`, the WebSocket `/topics-v1` and `/__sim`,
/// with logging and fault injection. Connection drops and WebSocket upgrades need [`serve`] (or
/// another server with upgrades enabled); under other servers a dropped request aborts the
/// response body instead.
pub fn router(state: SimState) -> Router {
    let api = resources::router().layer(from_fn_with_state(state.clone(), bearer::guard));
    Router::new()
        .route("/", get(help))
        .route("/oauth-v1/auth", get(oauth::authorize))
        .route("/oauth-v1/token", post(oauth::token))
        .route("/oauth-v1/revoke", post(oauth::revoke))
        .route("/topics-v1", get(topics::upgrade))
        .nest("/__sim", control::router())
        .merge(api)
        .route_layer(from_fn(log::matched_route))
        .layer(from_fn_with_state(state.clone(), faults::apply))
        .layer(from_fn_with_state(state.clone(), log::record))
        .with_state(state)
}

/// Serves the simulator on `listener` until the task is dropped or aborted.
pub async fn serve(listener: TcpListener, state: SimState) {
    server::serve(listener, router(state)).await
}

/// A running in-process simulator.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub state: SimState,
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

/// Binds 127.0.0.1:0 and serves the simulator in a tokio task.
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let state = SimState::new(config);
    state.set_base_url(&base_url);
    let task = tokio::spawn(serve(listener, state.clone()));
    Ok(SimHandle {
        base_url,
        state,
        addr,
        task,
    })
}

impl SimHandle {
    /// Creates a tenant (company info, price list A, BAS accounts, currencies, a financial year
    /// covering the clock's date); returns its id (= `DatabaseNumber`).
    pub fn add_tenant(&self, company_name: &str) -> u64 {
        self.state.add_tenant(company_name)
    }
    pub fn add_tenant_with(
        &self,
        company_name: &str,
        organization_number: Option<&str>,
        rounding: Option<Rounding>,
    ) -> u64 {
        self.state
            .add_tenant_with(company_name, organization_number, rounding)
    }
    /// Mints access + refresh token directly (skips the browser consent).
    pub fn issue_token(&self, client_id: &str, tenant_id: u64, scopes: &[&str]) -> TokenResponse {
        self.state.issue_token(client_id, tenant_id, scopes)
    }
    /// Enables `grant_type=client_credentials` for (client_id, tenant) with these scopes.
    pub fn grant_service_consent(&self, client_id: &str, tenant_id: u64, scopes: &[&str]) {
        self.state
            .grant_service_consent(client_id, tenant_id, scopes)
    }
    pub fn set_rounding(&self, tenant_id: u64, rounding: Rounding) {
        self.state.set_rounding(tenant_id, rounding)
    }
    pub fn now(&self) -> time::OffsetDateTime {
        self.state.now()
    }
    pub fn set_now(&self, now: time::OffsetDateTime) {
        self.state.set_now(now)
    }
    pub fn advance(&self, d: std::time::Duration) {
        self.state.advance(d)
    }
    pub fn set_consent(&self, refuse: bool, tenant_id: Option<u64>) {
        self.state.set_consent(refuse, tenant_id)
    }
    pub fn register_app(&self, app: AppConfig) {
        self.state.register_app(app)
    }
    pub fn inject_fault(&self, fault: Fault) {
        self.state.inject_fault(fault)
    }
    pub fn clear_faults(&self) {
        self.state.clear_faults()
    }
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.request_log()
    }
    /// Logged requests with `method` whose path starts with `path_prefix`, e.g.
    /// `count("POST", "/3/invoices")` (includes 429s and injected faults).
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.state.count(method, path_prefix)
    }
    pub fn stats(&self) -> Value {
        self.state.stats()
    }
    /// Full invoice records (with `@url`), as the inner object of `GET /3/invoices/{n}`.
    pub fn invoices(&self, tenant_id: u64) -> Vec<Value> {
        self.state.invoices(tenant_id)
    }
    pub fn customers(&self, tenant_id: u64) -> Vec<Value> {
        self.state.customers(tenant_id)
    }
    pub fn orders(&self, tenant_id: u64) -> Vec<Value> {
        self.state.orders(tenant_id)
    }
    pub fn articles(&self, tenant_id: u64) -> Vec<Value> {
        self.state.articles(tenant_id)
    }
    pub fn invoice_payments(&self, tenant_id: u64) -> Vec<Value> {
        self.state.invoice_payments(tenant_id)
    }
    /// Creates records of `kind` (customers, articles, pricelists, prices, orders, invoices,
    /// invoicepayments, stockbalance) with the API's validation, bypassing auth and rate limit.
    /// Records may be bare or wrapped (`{"Customer": {...}}`).
    pub fn seed(
        &self,
        kind: &str,
        tenant_id: u64,
        records: Vec<Value>,
    ) -> Result<Vec<Value>, SeedError> {
        self.state.seed(kind, tenant_id, records)
    }
    /// `ws://127.0.0.1:PORT/topics-v1`, the WebSocket topics endpoint.
    pub fn topics_url(&self) -> String {
        format!("ws://{}/topics-v1", self.addr)
    }
    /// Stored events of `topic` (every topic when None), oldest first per topic.
    pub fn topic_events(&self, topic: Option<&str>) -> Vec<TopicEvent> {
        self.state.topic_events(topic)
    }
    /// Appends an event as if Fortnox had emitted it (see `events` for offsets).
    pub fn emit_event(
        &self,
        topic: &str,
        event_type: &str,
        tenant_id: u64,
        entity_id: &str,
    ) -> TopicEvent {
        self.state
            .emit_event(topic, event_type, tenant_id, entity_id)
    }
    /// Every live WebSocket connection re-sends its last `count` delivered events.
    pub fn duplicate_events(&self, count: usize) -> usize {
        self.state.duplicate_events(count)
    }
    /// Closes every live WebSocket connection (without a close frame unless `graceful`).
    pub fn drop_connections(&self, graceful: bool) -> usize {
        self.state.drop_connections(graceful)
    }
    /// Live WebSocket connections with their tenants, topics and subscription state.
    pub fn topic_connections(&self) -> Vec<ConnectionInfo> {
        self.state.topic_connections()
    }
    /// Back to a fresh simulator (no tenants, tokens, faults, log, events; real-time clock).
    pub fn reset(&self) {
        self.state.reset()
    }
    /// Stops serving (the state stays readable).
    pub fn shutdown(&self) {
        self.task.abort()
    }
}
