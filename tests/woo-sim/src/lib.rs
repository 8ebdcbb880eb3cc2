//! WooCommerce simulator: the REST API v3 subset fortsync uses (`/wp-json/wc/v3/…`: products
//! and variations with batches, customers, orders with notes and refunds), API-key auth,
//! injectable faults (429 with `Retry-After`, 5xx, slow answers) and a control API for tests,
//! as an axum app served in-process by [`spawn`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = woo_sim::spawn(woo_sim::SimConfig::default()).await?;
//! sim.seed_products(vec![serde_json::json!({"name": "Mug", "sku": "MUG-1", "regular_price": "99.00"})])
//!     .expect("seed");
//! // GET {sim.base_url}/wp-json/wc/v3/products, Basic auth woo_sim::DEFAULT_KEY:woo_sim::DEFAULT_SECRET
//! # Ok(()) }
//! ```
//!
//! # Layout
//! - `resources`: the REST resources (`products`, `product_write`, `product_list`,
//!   `product_routes`, `customers`, `orders`, `batch`, …); each module documents the WooCommerce
//!   behaviour it assumes.
//! - `auth`: consumer key/secret checks and WooCommerce's 401 errors.
//! - `query`: collection parameters and the `X-WP-Total` / `X-WP-TotalPages` headers.
//! - `faults`, `log`: fault injection and the request log; `control`, `view`: the control API.
//! - `clock`: adjustable clock, site-time and GMT date forms.

#![recursion_limit = "256"]

mod auth;
mod clock;
mod config;
mod control;
mod errors;
mod faults;
mod log;
mod meta;
mod query;
mod resources;
mod state;
mod view;

use std::net::SocketAddr;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{ApiKey, DEFAULT_KEY, DEFAULT_SECRET, Permissions, SimConfig};
pub use errors::ApiError;
pub use faults::Fault;
pub use log::LoggedRequest;
pub use state::SimState;
pub use view::{SEED_KINDS, SeedError};

async fn no_route() -> axum::response::Response {
    ApiError::no_route().into_response()
}

/// The complete app: `/wp-json/wc/v3` and `/__sim`, with logging and fault injection.
pub fn router(state: SimState) -> Router {
    let api = resources::router()
        .route_layer(from_fn_with_state(state.clone(), auth::guard))
        .route_layer(from_fn(log::matched_route))
        .method_not_allowed_fallback(no_route);
    Router::new()
        .nest("/__sim", control::router())
        .nest("/wp-json/wc/v3", api)
        .fallback(no_route)
        .layer(from_fn_with_state(state.clone(), faults::apply))
        .layer(from_fn_with_state(state.clone(), log::record))
        .with_state(state)
}

/// A running in-process simulator.
pub struct SimHandle {
    /// The site URL, `http://127.0.0.1:PORT` (no trailing slash); the API is under
    /// `/wp-json/wc/v3`.
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
    let app = router(state.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "woo-sim stopped");
        }
    });
    Ok(SimHandle {
        base_url,
        state,
        addr,
        task,
    })
}

impl SimHandle {
    /// `{base_url}/wp-json/wc/v3`.
    pub fn api_url(&self) -> String {
        format!("{}/wp-json/wc/v3", self.base_url)
    }
    /// Seeds products (simple, or variable with variation objects in `variations`).
    pub fn seed_products(&self, records: Vec<Value>) -> Result<Vec<u64>, SeedError> {
        self.state.seed("products", records)
    }
    pub fn seed_customers(&self, records: Vec<Value>) -> Result<Vec<u64>, SeedError> {
        self.state.seed("customers", records)
    }
    /// Seeds orders: full REST order bodies (e.g. the reference `order.json`).
    pub fn seed_orders(&self, records: Vec<Value>) -> Result<Vec<u64>, SeedError> {
        self.state.seed("orders", records)
    }
    pub fn seed_refunds(&self, order_id: u64, records: Vec<Value>) -> Result<Vec<u64>, SeedError> {
        self.state.seed_refunds(order_id, records)
    }
    pub fn products(&self) -> Vec<Value> {
        self.state.products()
    }
    pub fn product(&self, id: u64) -> Option<Value> {
        self.state.product(id)
    }
    pub fn variations(&self, parent_id: u64) -> Vec<Value> {
        self.state.variations(parent_id)
    }
    pub fn customers(&self) -> Vec<Value> {
        self.state.customers()
    }
    pub fn customer(&self, id: u64) -> Option<Value> {
        self.state.customer(id)
    }
    pub fn orders(&self) -> Vec<Value> {
        self.state.orders()
    }
    pub fn order(&self, id: u64) -> Option<Value> {
        self.state.order(id)
    }
    pub fn order_notes(&self, order_id: u64) -> Vec<Value> {
        self.state.order_notes(order_id)
    }
    pub fn refunds(&self, order_id: u64) -> Vec<Value> {
        self.state.refunds(order_id)
    }
    pub fn add_key(&self, key: ApiKey) {
        self.state.add_key(key)
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
    pub fn clear_log(&self) {
        self.state.clear_log()
    }
    /// Logged requests with `method` whose path starts with `path_prefix`, e.g.
    /// `count("POST", "/products/batch")` (includes 429s and injected faults).
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.state.count(method, path_prefix)
    }
    pub fn stats(&self) -> Value {
        self.state.stats()
    }
    pub fn now(&self) -> time::OffsetDateTime {
        self.state.now()
    }
    pub fn set_now(&self, t: time::OffsetDateTime) {
        self.state.set_now(t)
    }
    pub fn advance(&self, d: time::Duration) {
        self.state.advance(d)
    }
    /// Back to an empty shop (keys kept; no faults, empty log, real-time clock).
    pub fn reset(&self) {
        self.state.reset()
    }
    /// Stops serving (the state stays readable).
    pub fn shutdown(&self) {
        self.task.abort()
    }
}
