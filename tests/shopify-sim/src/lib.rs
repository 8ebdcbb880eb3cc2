//! Shopify simulator: the Admin GraphQL API subset fortsync uses (variants, inventory,
//! products, locations, customers, orders, metafields, tags), Shopify's calculated-cost leaky
//! bucket, fault injection and a control API, as an axum app that runs in-process ([`spawn`]).
//!
//! Requests are real GraphQL documents (parsed with `async-graphql-parser`): variables,
//! fragments, aliases and several root fields per document work; selections are projected from
//! full records, and a field the simulator does not model is an error, which catches client
//! typos without a schema. Choices where Shopify's behaviour is assumed are documented in the
//! module implementing them (`throttle`, `graphql::cost`, `search`, `paging` and the resolvers).
//!
//! # Layout
//! - `http`: the endpoint, auth and faults; `graphql`: parsing, cost, execution, projection
//! - `resolvers`: root fields; `render`: records as GraphQL objects; `model`/`seed`: records
//! - `control`: `/control/*`; `log`: the request log; `clock`: adjustable time

mod clock;
mod control;
mod graphql;
mod http;
mod paging;
mod render;
mod resolvers;
mod search;
mod seed;
mod throttle;

pub mod config;
pub mod faults;
pub mod log;
pub mod model;
pub mod state;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::post;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{API_VERSION, AccessToken, DEFAULT_TOKEN, SimConfig};
pub use faults::{Fault, FaultKind};
pub use log::LoggedRequest;
pub use model::{
    Address, Customer, Location, Metafield, Order, Product, ProductStatus, Variant, gid, parse_gid,
};
pub use seed::{Seed, SeedCustomer, SeedOrder, SeedProduct, SeedVariant, Seeded};
pub use state::SimState;
pub use throttle::ThrottleStatus;

/// The app: `POST /admin/api/{version}/graphql.json` and `/control/*`.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/admin/api/{version}/graphql.json", post(http::graphql))
        .nest("/control", control::router())
        .with_state(state)
}

/// A running in-process simulator.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub addr: SocketAddr,
    pub state: SimState,
    task: JoinHandle<()>,
}

/// Binds 127.0.0.1:0 and serves the simulator in a tokio task.
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = SimState::new(config);
    let app = router(state.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "shopify simulator stopped");
        }
    });
    Ok(SimHandle {
        base_url: format!("http://{addr}"),
        addr,
        state,
        task,
    })
}

impl SimHandle {
    /// `{base_url}/admin/api/{API_VERSION}/graphql.json`.
    pub fn graphql_url(&self) -> String {
        format!("{}/admin/api/{API_VERSION}/graphql.json", self.base_url)
    }
    pub fn seed(&self, seed: Seed) -> Seeded {
        self.state.lock().seed(seed)
    }
    pub fn seed_product(&self, p: SeedProduct) -> Product {
        self.state.lock().seed_product(p)
    }
    pub fn seed_customer(&self, c: SeedCustomer) -> Customer {
        self.state.lock().seed_customer(c)
    }
    pub fn seed_order(&self, o: SeedOrder) -> Order {
        self.state.lock().seed_order(o)
    }
    /// Adds an active, non-primary location.
    pub fn add_location(&self, name: &str) -> Location {
        self.state.lock().add_location(name)
    }
    pub fn primary_location_id(&self) -> u64 {
        self.state.lock().primary_location()
    }
    pub fn products(&self) -> Vec<Product> {
        self.state.lock().products.values().cloned().collect()
    }
    pub fn product(&self, id: u64) -> Option<Product> {
        self.state.lock().products.get(&id).cloned()
    }
    /// The first variant with this SKU, with its product id.
    pub fn variant_by_sku(&self, sku: &str) -> Option<(u64, Variant)> {
        let w = self.state.lock();
        w.products.values().find_map(|p| {
            p.variants
                .iter()
                .find(|v| v.sku == sku)
                .map(|v| (p.id, v.clone()))
        })
    }
    pub fn customers(&self) -> Vec<Customer> {
        self.state.lock().customers.values().cloned().collect()
    }
    pub fn customer(&self, id: u64) -> Option<Customer> {
        self.state.lock().customers.get(&id).cloned()
    }
    pub fn orders(&self) -> Vec<Order> {
        self.state.lock().orders.values().cloned().collect()
    }
    pub fn order(&self, id: u64) -> Option<Order> {
        self.state.lock().orders.get(&id).cloned()
    }
    pub fn inject_fault(&self, fault: Fault) {
        self.state.lock().faults.push(fault);
    }
    /// Faults still queued (with their remaining counts).
    pub fn faults(&self) -> Vec<Fault> {
        self.state.lock().faults.clone()
    }
    pub fn clear_faults(&self) {
        self.state.lock().faults.clear();
    }
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.lock().log.clone()
    }
    pub fn clear_log(&self) {
        self.state.lock().log.clear();
    }
    /// Logged requests with `root_field` among their root fields.
    pub fn count(&self, root_field: &str) -> usize {
        self.state
            .lock()
            .log
            .iter()
            .filter(|r| r.root_fields.iter().any(|f| f == root_field))
            .count()
    }
    pub fn throttle_status(&self, token: &str) -> ThrottleStatus {
        self.state.lock().throttle_status(token)
    }
    /// Sets the points left in `token`'s bucket.
    pub fn set_available(&self, token: &str, points: f64) {
        self.state.lock().set_available(token, points)
    }
    pub fn now(&self) -> time::OffsetDateTime {
        self.state.lock().now()
    }
    pub fn set_now(&self, t: time::OffsetDateTime) {
        self.state.lock().clock.set_now(t)
    }
    /// Moves the clock forward (also refills cost buckets as if the time had passed).
    pub fn advance(&self, d: std::time::Duration) {
        self.state.lock().clock.advance(d)
    }
    /// Back to a fresh shop (same configuration).
    pub fn reset(&self) {
        self.state.reset()
    }
    /// Stops serving (the state stays readable).
    pub fn shutdown(&self) {
        self.task.abort()
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}
