//! Client-side picture of Shopify's cost bucket, from the `throttleStatus` of the last answer:
//! before a query, wait until the bucket has restored enough points for its expected cost
//! instead of being answered `THROTTLED`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// `extensions.cost.throttleStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

#[derive(Debug, Default)]
pub(crate) struct BucketEstimate {
    last: Option<(ThrottleStatus, Instant)>,
    /// Requested cost last seen per operation name (better than the caller's estimate).
    costs: HashMap<String, u32>,
}

impl BucketEstimate {
    pub fn update(&mut self, status: ThrottleStatus) {
        self.last = Some((status, Instant::now()));
    }

    pub fn learn_cost(&mut self, operation: &str, requested: u32) {
        self.costs.insert(operation.to_string(), requested);
    }

    pub fn expected_cost(&self, operation: &str, estimate: u32) -> u32 {
        self.costs.get(operation).copied().unwrap_or(estimate)
    }

    /// How long to wait before spending `cost` points (zero when unknown or enough).
    pub fn wait_for(&self, cost: u32) -> Duration {
        let Some((s, at)) = self.last else {
            return Duration::ZERO;
        };
        if s.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        let now_available = (s.currently_available + at.elapsed().as_secs_f64() * s.restore_rate)
            .min(s.maximum_available);
        let need = f64::from(cost).min(s.maximum_available);
        if now_available >= need {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((need - now_available) / s.restore_rate)
    }
}

/// Seconds until a throttled query of `requested` points would fit.
pub(crate) fn throttled_wait(
    status: Option<ThrottleStatus>,
    requested: Option<u32>,
) -> Option<Duration> {
    let s = status?;
    let requested = f64::from(requested?);
    if s.restore_rate <= 0.0 {
        return None;
    }
    let missing = (requested.min(s.maximum_available) - s.currently_available).max(0.0);
    Some(Duration::from_secs_f64(missing / s.restore_rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(available: f64) -> ThrottleStatus {
        ThrottleStatus {
            maximum_available: 2000.0,
            currently_available: available,
            restore_rate: 100.0,
        }
    }

    #[test]
    fn waits_only_when_the_bucket_is_short() {
        let mut b = BucketEstimate::default();
        assert_eq!(b.wait_for(500), Duration::ZERO, "unknown bucket: go");
        b.update(status(1000.0));
        assert_eq!(b.wait_for(500), Duration::ZERO);
        let w = b.wait_for(1500);
        assert!(
            w > Duration::from_millis(4900) && w <= Duration::from_secs(5),
            "{w:?}"
        );
        // Never waits for more than a full bucket.
        assert!(b.wait_for(10_000) <= Duration::from_secs(10));
    }

    #[test]
    fn learns_costs_per_operation() {
        let mut b = BucketEstimate::default();
        assert_eq!(b.expected_cost("Page", 100), 100);
        b.learn_cost("Page", 502);
        assert_eq!(b.expected_cost("Page", 100), 502);
    }

    #[test]
    fn throttled_wait_from_status() {
        assert_eq!(
            throttled_wait(Some(status(2.0)), Some(152)),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(throttled_wait(None, Some(152)), None);
    }
}
