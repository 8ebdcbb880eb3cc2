//! Direct access to the simulated shop for tests and the control API: seeding (bypassing auth,
//! faults and the log), reading state as the API would render it, faults and the request log.

use serde_json::Value;

use crate::errors::ApiError;
use crate::faults::{Fault, full_path};
use crate::log::{self, LoggedRequest};
use crate::resources::customers::{self, customer_json};
use crate::resources::orders::{self, note_json, order_json, refund_json};
use crate::resources::product_write;
use crate::resources::products::{product_json, variation_json};
use crate::state::{SimState, World};

/// A seed record was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("record {index}: {error}")]
pub struct SeedError {
    /// Position of the rejected record; records before it were created.
    pub index: usize,
    pub error: ApiError,
}

/// Kinds accepted by [`SimState::seed`] (`refunds` go through [`SimState::seed_refunds`]).
pub const SEED_KINDS: &[&str] = &["products", "customers", "orders"];

fn seed_all(
    w: &mut World,
    records: Vec<Value>,
    mut one: impl FnMut(&mut World, &Value) -> Result<u64, ApiError>,
) -> Result<Vec<u64>, SeedError> {
    let mut ids = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        match one(w, record) {
            Ok(id) => ids.push(id),
            Err(error) => return Err(SeedError { index, error }),
        }
    }
    Ok(ids)
}

impl SimState {
    /// Creates `records` of `kind` (see [`SEED_KINDS`]) as given, keeping ids and dates that are
    /// present; returns the ids. Variable products may carry their variations as objects in
    /// `variations`.
    pub fn seed(&self, kind: &str, records: Vec<Value>) -> Result<Vec<u64>, SeedError> {
        let mut w = self.lock();
        match kind {
            "products" => seed_all(&mut w, records, product_write::seed_product),
            "customers" => seed_all(&mut w, records, customers::seed),
            "orders" => seed_all(&mut w, records, orders::seed_order),
            other => Err(SeedError {
                index: 0,
                error: ApiError::new(
                    400,
                    "sim_unknown_kind",
                    format!("unknown seed kind {other}; use one of {SEED_KINDS:?}"),
                ),
            }),
        }
    }

    pub fn seed_refunds(&self, order_id: u64, records: Vec<Value>) -> Result<Vec<u64>, SeedError> {
        seed_all(&mut self.lock(), records, |w, r| {
            orders::seed_refund(w, order_id, r)
        })
    }

    /// Every product and variation, in the product shape, by id.
    pub fn products(&self) -> Vec<Value> {
        let w = self.lock();
        w.products.values().map(|p| product_json(p, &w)).collect()
    }

    pub fn product(&self, id: u64) -> Option<Value> {
        let w = self.lock();
        w.products.get(&id).map(|p| product_json(p, &w))
    }

    /// The variations of `parent_id`, in the variation shape.
    pub fn variations(&self, parent_id: u64) -> Vec<Value> {
        let w = self.lock();
        w.products
            .values()
            .filter(|v| v.is_variation() && v.parent_id == parent_id)
            .map(|v| variation_json(v, &w))
            .collect()
    }

    pub fn customers(&self) -> Vec<Value> {
        let w = self.lock();
        w.customers.values().map(|c| customer_json(c, &w)).collect()
    }

    pub fn customer(&self, id: u64) -> Option<Value> {
        let w = self.lock();
        w.customers.get(&id).map(|c| customer_json(c, &w))
    }

    pub fn orders(&self) -> Vec<Value> {
        let w = self.lock();
        w.orders.values().map(|o| order_json(o, &w)).collect()
    }

    pub fn order(&self, id: u64) -> Option<Value> {
        let w = self.lock();
        w.orders.get(&id).map(|o| order_json(o, &w))
    }

    /// Notes of an order, oldest first.
    pub fn order_notes(&self, order_id: u64) -> Vec<Value> {
        let w = self.lock();
        w.notes
            .values()
            .filter(|n| n.order_id == order_id)
            .map(|n| note_json(n, &w))
            .collect()
    }

    pub fn refunds(&self, order_id: u64) -> Vec<Value> {
        let w = self.lock();
        w.refunds
            .values()
            .filter(|r| r.order_id == order_id)
            .map(|r| refund_json(r, &w))
            .collect()
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.lock().faults.push(fault)
    }

    pub fn faults(&self) -> Vec<Fault> {
        self.lock().faults.clone()
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear()
    }

    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    pub fn clear_log(&self) {
        self.lock().log.clear()
    }

    /// Logged requests with `method` ("*" = any) whose path starts with `path_prefix` (a prefix
    /// without `/wp-json` is taken under `/wp-json/wc/v3`, as for faults).
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        let prefix = full_path(path_prefix);
        self.lock()
            .log
            .iter()
            .filter(|r| {
                (method == "*" || r.method.eq_ignore_ascii_case(method))
                    && r.path.starts_with(&prefix)
            })
            .count()
    }

    pub fn stats(&self) -> Value {
        log::stats(&self.lock().log)
    }
}
