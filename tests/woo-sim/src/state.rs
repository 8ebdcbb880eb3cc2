//! Shared simulator state: one mutex around the whole shop (catalogue, customers, orders, notes,
//! refunds, faults, request log).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use time::{OffsetDateTime, UtcOffset};

use crate::clock::Clock;
use crate::config::{ApiKey, SimConfig};
use crate::faults::Fault;
use crate::log::LoggedRequest;
use crate::resources::customers::Customer;
use crate::resources::orders::{Note, Order, Refund};
use crate::resources::products::Product;

/// Id counters. Products, variations, orders and refunds are WordPress posts and share one id
/// space (as without HPOS); customers are users; notes are comments.
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    post: u64,
    user: u64,
    comment: u64,
    meta: u64,
}

impl Ids {
    fn new() -> Self {
        // A fresh WordPress has a few posts and the admin user (id 1).
        Ids {
            post: 10,
            user: 1,
            comment: 0,
            meta: 1000,
        }
    }
    pub fn post(&mut self) -> u64 {
        self.post += 1;
        self.post
    }
    pub fn user(&mut self) -> u64 {
        self.user += 1;
        self.user
    }
    pub fn comment(&mut self) -> u64 {
        self.comment += 1;
        self.comment
    }
    pub fn meta(&mut self) -> u64 {
        self.meta += 1;
        self.meta
    }
    /// Keeps a seeded id from being handed out again; returns it.
    pub fn saw_post(&mut self, id: u64) -> u64 {
        self.post = self.post.max(id);
        id
    }
    pub fn saw_user(&mut self, id: u64) -> u64 {
        self.user = self.user.max(id);
        id
    }
    pub fn saw_meta(&mut self, id: u64) -> u64 {
        self.meta = self.meta.max(id);
        id
    }
}

pub(crate) struct World {
    pub config: SimConfig,
    pub base_url: String,
    pub clock: Clock,
    pub ids: Ids,
    pub products: BTreeMap<u64, Product>,
    pub customers: BTreeMap<u64, Customer>,
    pub orders: BTreeMap<u64, Order>,
    pub notes: BTreeMap<u64, Note>,
    pub refunds: BTreeMap<u64, Refund>,
    pub faults: Vec<Fault>,
    pub log: Vec<LoggedRequest>,
}

impl World {
    fn new(config: SimConfig, base_url: String) -> Self {
        World {
            config,
            base_url,
            clock: Clock::new(),
            ids: Ids::new(),
            products: BTreeMap::new(),
            customers: BTreeMap::new(),
            orders: BTreeMap::new(),
            notes: BTreeMap::new(),
            refunds: BTreeMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn site_offset(&self) -> UtcOffset {
        self.config.site_offset
    }

    /// `http://host:port/wp-json/wc/v3` + `path`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/wp-json/wc/v3{path}", self.base_url)
    }
}

/// Handle to the simulator's state; cheap to clone.
#[derive(Clone)]
pub struct SimState(Arc<Mutex<World>>);

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        SimState(Arc::new(Mutex::new(World::new(config, String::new()))))
    }

    /// A poisoned lock (a panicking handler) still gives the data: the simulator is a test tool
    /// and should keep answering.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_base_url(&self, base_url: &str) {
        self.lock().base_url = base_url.trim_end_matches('/').to_string();
    }

    pub fn base_url(&self) -> String {
        self.lock().base_url.clone()
    }

    /// Back to an empty shop with the configured keys, no faults and an empty log; the clock
    /// runs in real time again.
    pub fn reset(&self) {
        let mut w = self.lock();
        let config = w.config.clone();
        let base_url = w.base_url.clone();
        *w = World::new(config, base_url);
    }

    pub fn add_key(&self, key: ApiKey) {
        let mut w = self.lock();
        w.config.keys.retain(|k| k.consumer_key != key.consumer_key);
        w.config.keys.push(key);
    }

    pub fn now(&self) -> OffsetDateTime {
        self.lock().now()
    }

    pub fn set_now(&self, t: OffsetDateTime) {
        self.lock().clock.set_now(t)
    }

    pub fn advance(&self, d: time::Duration) {
        self.lock().clock.advance(d)
    }
}
