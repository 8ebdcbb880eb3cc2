//! The calculated-cost leaky bucket, one per access token (Shopify: per app and store).
//! Standard plan defaults: 2000 points, restored at 100 points per second; a query is let in
//! only if the bucket holds its requested cost, and the unused part (requested − actual) is
//! refunded afterwards. A throttled query costs nothing.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::state::World;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bucket {
    available: f64,
    at: Duration,
}

/// `extensions.cost.throttleStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

impl ThrottleStatus {
    pub(crate) fn to_json(self) -> Value {
        json!({
            "maximumAvailable": self.maximum_available,
            // Shopify reports whole points here.
            "currentlyAvailable": self.currently_available.floor() as i64,
            "restoreRate": self.restore_rate,
        })
    }
}

impl World {
    fn bucket(&mut self, token: &str) -> &mut Bucket {
        let now = self.clock.monotonic();
        let (max, rate) = (self.config.bucket_size, self.config.restore_rate);
        let b = self.buckets.entry(token.to_string()).or_insert(Bucket {
            available: max,
            at: now,
        });
        let elapsed = now.saturating_sub(b.at).as_secs_f64();
        b.available = (b.available + elapsed * rate).min(max);
        b.at = now;
        b
    }

    pub(crate) fn throttle_status(&mut self, token: &str) -> ThrottleStatus {
        let available = self.bucket(token).available;
        ThrottleStatus {
            maximum_available: self.config.bucket_size,
            currently_available: available,
            restore_rate: self.config.restore_rate,
        }
    }

    /// Takes `cost` points if the bucket holds them; `false` = throttled.
    pub(crate) fn take_points(&mut self, token: &str, cost: u32) -> bool {
        let b = self.bucket(token);
        if b.available + 1e-9 < f64::from(cost) {
            return false;
        }
        b.available -= f64::from(cost);
        true
    }

    pub(crate) fn refund_points(&mut self, token: &str, points: u32) {
        let max = self.config.bucket_size;
        let b = self.bucket(token);
        b.available = (b.available + f64::from(points)).min(max);
    }

    /// Sets the points left in a token's bucket (tests: simulate another client's burst).
    pub(crate) fn set_available(&mut self, token: &str, points: f64) {
        let max = self.config.bucket_size;
        self.bucket(token).available = points.clamp(0.0, max);
    }
}

#[cfg(test)]
mod tests {
    use crate::config::SimConfig;
    use crate::state::World;

    #[test]
    fn takes_refunds_and_restores() {
        let mut w = World::new(SimConfig::default());
        assert!(w.take_points("t", 1500));
        assert!(!w.take_points("t", 600), "500 left, 600 asked");
        w.refund_points("t", 100);
        assert!(w.take_points("t", 600));
        w.clock.advance(std::time::Duration::from_secs(3));
        let s = w.throttle_status("t");
        assert!((s.currently_available - 300.0).abs() < 5.0, "{s:?}");
        w.clock.advance(std::time::Duration::from_secs(60));
        assert_eq!(w.throttle_status("t").currently_available, 2000.0);
        assert_eq!(w.throttle_status("other").currently_available, 2000.0);
    }
}
