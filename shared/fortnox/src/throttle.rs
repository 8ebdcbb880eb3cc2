//! Pacing per tenant: Fortnox allows 25 requests in any sliding 5 s per client and tenant, and
//! exactly 25 still trips it in practice, so we keep to 24. This in-process window stops one
//! Lambda instance from bursting; the cross-instance budget is the worker's SQS
//! `MaximumConcurrency` (and, later, a DynamoDB window).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct Throttle {
    limit: usize,
    window: Duration,
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(24, Duration::from_secs(5))
    }
}

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// Wait until one more request for `key` fits in the window, then count it.
    pub async fn acquire(&self, key: &str) {
        loop {
            let wait = {
                let Ok(mut map) = self.sent.lock() else {
                    return;
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
                    return;
                }
                // The oldest request leaves the window at front + window.
                q.front()
                    .map(|t| (*t + self.window).saturating_duration_since(now))
                    .unwrap_or_default()
            };
            tokio::time::sleep(wait + Duration::from_millis(5)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
