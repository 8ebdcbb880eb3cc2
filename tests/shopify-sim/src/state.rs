//! Shared simulator state: one mutex around the whole shop (records, cost buckets, faults,
//! request log, idempotency keys).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::config::SimConfig;
use crate::faults::Fault;
use crate::log::LoggedRequest;
use crate::model::{Customer, Location, Order, Product, Variant};
use crate::throttle::Bucket;

/// First id handed out; every id is above 2^32 like real Shopify ids.
const FIRST_ID: u64 = 9_000_000_000_001;

#[derive(Debug)]
pub(crate) struct World {
    pub config: SimConfig,
    pub clock: Clock,
    next_id: u64,
    pub next_order_number: u64,
    pub products: BTreeMap<u64, Product>,
    /// variant id → product id
    variant_index: HashMap<u64, u64>,
    /// inventory item id → variant id
    item_index: HashMap<u64, u64>,
    pub customers: BTreeMap<u64, Customer>,
    pub orders: BTreeMap<u64, Order>,
    pub locations: BTreeMap<u64, Location>,
    /// Cost bucket per access token (Shopify: per app and store).
    pub buckets: HashMap<String, Bucket>,
    pub faults: Vec<Fault>,
    pub log: Vec<LoggedRequest>,
    /// `@idempotent` key → the payload first returned for it.
    pub idempotency: HashMap<String, Value>,
}

impl World {
    pub fn new(config: SimConfig) -> Self {
        let mut w = World {
            config,
            clock: Clock::new(),
            next_id: FIRST_ID,
            next_order_number: 1001,
            products: BTreeMap::new(),
            variant_index: HashMap::new(),
            item_index: HashMap::new(),
            customers: BTreeMap::new(),
            orders: BTreeMap::new(),
            locations: BTreeMap::new(),
            buckets: HashMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
            idempotency: HashMap::new(),
        };
        let id = w.new_id();
        let name = w.config.location_name.clone();
        w.locations.insert(
            id,
            Location {
                id,
                name,
                active: true,
            },
        );
        w
    }

    pub fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The primary location: the first one created.
    pub fn primary_location(&self) -> u64 {
        self.locations.keys().next().copied().unwrap_or_default()
    }

    /// Rebuilds the variant and inventory item indexes after variants were added or removed.
    pub fn reindex(&mut self) {
        self.variant_index.clear();
        self.item_index.clear();
        for p in self.products.values() {
            for v in &p.variants {
                self.variant_index.insert(v.id, p.id);
                self.item_index.insert(v.inventory_item_id, v.id);
            }
        }
    }

    pub fn product_of_variant(&self, variant_id: u64) -> Option<u64> {
        self.variant_index.get(&variant_id).copied()
    }

    pub fn variant(&self, variant_id: u64) -> Option<(&Product, &Variant)> {
        let p = self.products.get(&self.product_of_variant(variant_id)?)?;
        let v = p.variants.iter().find(|v| v.id == variant_id)?;
        Some((p, v))
    }

    pub fn variant_mut(&mut self, variant_id: u64) -> Option<&mut Variant> {
        let pid = self.product_of_variant(variant_id)?;
        self.products
            .get_mut(&pid)?
            .variants
            .iter_mut()
            .find(|v| v.id == variant_id)
    }

    pub fn variant_of_item(&self, item_id: u64) -> Option<u64> {
        self.item_index.get(&item_id).copied()
    }
}

/// Handle to the simulator state; cheap to clone.
#[derive(Clone, Debug)]
pub struct SimState {
    inner: Arc<Mutex<World>>,
}

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        SimState {
            inner: Arc::new(Mutex::new(World::new(config))),
        }
    }

    /// Locks the world; a panic in another holder does not make the state unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn config(&self) -> SimConfig {
        self.lock().config.clone()
    }

    /// Back to a fresh shop with the same configuration (one location, no records, faults or
    /// log, full buckets, real-time clock).
    pub fn reset(&self) {
        let mut w = self.lock();
        let config = w.config.clone();
        *w = World::new(config);
    }
}
