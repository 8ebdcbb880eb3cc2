//! Pacing per tenant: Fortnox allows 25 requests in any sliding 5 s per client and tenant, and
//! exactly 25 still trips it in practice, so we keep to 24.
//!
//! Two layers:
//! - an in-process sliding window ([`Throttle::new`]), which stops one Lambda instance from
//!   bursting and keeps the waiting requests of one instance off the shared store;
//! - optionally ([`Throttle::distributed`]) a [`RateWindow`] shared by every instance (DynamoDB
//!   in AWS), because several instances (the worker runs up to 5 at once, plus the other
//!   functions) spend one Fortnox budget per tenant. Within one process only one request per
//!   key asks the shared window at a time; the others queue behind it in order.
//!
//! If the shared window fails (DynamoDB unavailable, throttled or slow), the throttle keeps
//! going on the in-process window alone for a while and logs a warning: a hiccup in the state
//! table must not stop Fortnox traffic, and the cost of going over the budget meanwhile is a
//! few 429s, which the client backs off from and retries.

use fortsync_app::rate::{Admission, RateLimit, RateWindow};
use rand::Rng;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

pub struct Throttle {
    limit: usize,
    window: Duration,
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
    shared: Option<Shared>,
}

/// The cross-instance layer.
struct Shared {
    store: Arc<dyn RateWindow>,
    /// Per key: the one task of this process that is asking the store (the others wait here,
    /// first come first served), so a full window costs one poll per instance, not one per
    /// waiting request.
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The store is skipped until then (it failed recently).
    skip_until: Mutex<Option<Instant>>,
    /// Longest single sleep, and how long one store call may take.
    max_wait: Duration,
    /// How long the store is skipped after a failure.
    cooldown: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(24, Duration::from_secs(5))
    }
}

impl Throttle {
    /// In-process only: at most `limit` requests per key in any `window`, in this process.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            sent: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// In-process window of `rate.limit` per `rate.window` in front of `store`, which all
    /// instances share (construct the store with the same `rate`). Each request is counted by
    /// both; the store's budget holds across instances.
    pub fn distributed(rate: RateLimit, store: Arc<dyn RateWindow>) -> Self {
        let mut t = Self::new(
            usize::try_from(rate.limit()).unwrap_or(usize::MAX),
            rate.window,
        );
        t.shared = Some(Shared {
            store,
            gates: Mutex::new(HashMap::new()),
            skip_until: Mutex::new(None),
            max_wait: rate.window + rate.bucket,
            cooldown: rate.window * 6,
        });
        t
    }

    /// Wait until one more request for `key` fits in the window(s), then count it.
    pub async fn acquire(&self, key: &str) {
        let slot = self.acquire_local(key).await;
        let Some(shared) = &self.shared else {
            return;
        };
        if let (true, Some(slot)) = (shared.acquire(key).await, slot) {
            self.restamp(key, slot);
        }
    }

    /// The in-process window; returns the instant recorded for this request.
    async fn acquire_local(&self, key: &str) -> Option<Instant> {
        loop {
            let wait = {
                let Ok(mut map) = self.sent.lock() else {
                    return None;
                };
                let q = map.entry(key.to_owned()).or_default();
                let now = Instant::now();
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    q.pop_front();
                }
                if q.len() < self.limit {
                    q.push_back(now);
                    return Some(now);
                }
                // The oldest request leaves the window at front + window.
                q.front()
                    .map(|t| (*t + self.window).saturating_duration_since(now))
                    .unwrap_or_default()
            };
            tokio::time::sleep(wait + Duration::from_millis(5)).await;
        }
    }

    /// The request recorded at `slot` was held back by the shared window: count it in the
    /// in-process window from now, when it is really sent (the queue stays in time order,
    /// since every other entry was recorded before now).
    fn restamp(&self, key: &str, slot: Instant) {
        let Ok(mut map) = self.sent.lock() else {
            return;
        };
        let Some(q) = map.get_mut(key) else {
            return;
        };
        if let Some(i) = q.iter().position(|t| *t == slot) {
            q.remove(i);
            q.push_back(Instant::now());
        }
    }
}

impl Shared {
    /// Ask the store until it grants; `false` when it failed and was skipped.
    async fn acquire(&self, key: &str) -> bool {
        if self.skipping() {
            return false;
        }
        let gate = match self.gates.lock() {
            Ok(mut gates) => gates.entry(key.to_owned()).or_default().clone(),
            Err(_) => return false,
        };
        let _turn = gate.lock().await;
        loop {
            // Checked again after the queue: the task before us may have hit a failure.
            if self.skipping() {
                return false;
            }
            let asked =
                tokio::time::timeout(self.max_wait, self.store.try_acquire(key, now_ms())).await;
            match asked {
                Ok(Ok(Admission::Granted)) => return true,
                Ok(Ok(Admission::Wait(d))) => {
                    let jitter = Duration::from_millis(rand::rng().random_range(1..=10));
                    tokio::time::sleep(d.min(self.max_wait) + jitter).await;
                }
                Ok(Err(e)) => {
                    self.skip(key, &e.to_string());
                    return false;
                }
                Err(_) => {
                    self.skip(key, &format!("no answer within {:?}", self.max_wait));
                    return false;
                }
            }
        }
    }

    fn skipping(&self) -> bool {
        self.skip_until
            .lock()
            .map(|u| u.is_some_and(|u| Instant::now() < u))
            .unwrap_or(true)
    }

    fn skip(&self, key: &str, error: &str) {
        // Throughput must not stop because the state table hiccups: pace with the in-process
        // window alone for a while (a few 429s at worst, which the client retries).
        tracing::warn!(
            key,
            error,
            cooldown_s = self.cooldown.as_secs_f64(),
            "shared Fortnox rate window unavailable; pacing in-process only"
        );
        if let Ok(mut u) = self.skip_until.lock() {
            *u = Some(Instant::now() + self.cooldown);
        }
    }
}

/// Wall-clock milliseconds: every instance must count in the same time, so not a monotonic
/// clock (those start anywhere, and pause with a frozen Lambda sandbox).
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use fortsync_app::StoreError;
    use fortsync_app::memory::MemoryRateWindow;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn the_25th_request_waits_for_the_window_to_slide() {
        let t = Throttle::default();
        let start = Instant::now();
        for _ in 0..24 {
            t.acquire("a").await;
        }
        assert!(start.elapsed() < Duration::from_millis(1));
        t.acquire("b").await; // other tenants have their own budget
        assert!(start.elapsed() < Duration::from_millis(1));
        t.acquire("a").await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }

    #[tokio::test]
    async fn instances_sharing_a_window_share_one_budget() {
        let rate = RateLimit::new(4, Duration::from_millis(200), Duration::from_millis(20));
        let store = Arc::new(MemoryRateWindow::new(rate));
        let a = Throttle::distributed(rate, store.clone());
        let b = Throttle::distributed(rate, store);
        let start = std::time::Instant::now();
        for _ in 0..4 {
            a.acquire("t").await;
        }
        b.acquire("other").await;
        assert!(start.elapsed() < Duration::from_millis(100));
        // b's own in-process window is empty, but the shared one is full until the first
        // bucket has left it (≥ 200 ms after the first grant).
        b.acquire("t").await;
        assert!(
            start.elapsed() >= Duration::from_millis(195),
            "{:?}",
            start.elapsed()
        );
    }

    struct Broken {
        calls: AtomicUsize,
        hang: bool,
    }

    #[async_trait]
    impl RateWindow for Broken {
        async fn try_acquire(&self, _key: &str, _now_ms: i64) -> Result<Admission, StoreError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.hang {
                std::future::pending::<()>().await;
            }
            Err(StoreError::Unavailable("throttled".into()))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_store_falls_back_to_the_in_process_window() {
        let store = Arc::new(Broken {
            calls: AtomicUsize::new(0),
            hang: false,
        });
        let t = Throttle::distributed(RateLimit::default(), store.clone());
        let start = Instant::now();
        for _ in 0..24 {
            t.acquire("a").await;
        }
        assert!(start.elapsed() < Duration::from_millis(1));
        assert_eq!(
            store.calls.load(Ordering::SeqCst),
            1,
            "skipped after a failure"
        );
        t.acquire("a").await;
        assert!(start.elapsed() >= Duration::from_secs(5), "still paced");
    }

    #[tokio::test(start_paused = true)]
    async fn a_store_that_does_not_answer_is_given_up_on() {
        let store = Arc::new(Broken {
            calls: AtomicUsize::new(0),
            hang: true,
        });
        let t = Throttle::distributed(RateLimit::default(), store.clone());
        let start = Instant::now();
        t.acquire("a").await;
        t.acquire("a").await;
        assert!(start.elapsed() <= Duration::from_millis(5_501));
        assert_eq!(store.calls.load(Ordering::SeqCst), 1);
    }
}
