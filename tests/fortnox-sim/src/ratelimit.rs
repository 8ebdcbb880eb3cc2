//! Sliding-window rate limit: N requests per window per (client_id, tenant), 25 per 5 s by
//! default. Time is the monotonic clock plus forward jumps of the simulator clock, so tests can
//! either wait or `advance`. Rejected requests (429) do not consume budget.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: HashMap<(String, u64), VecDeque<Duration>>,
}

impl RateLimiter {
    /// Records a request at `now` and returns true, or returns false if the window is full.
    pub fn admit(
        &mut self,
        client_id: &str,
        tenant: u64,
        now: Duration,
        limit: usize,
        window: Duration,
    ) -> bool {
        let q = self
            .windows
            .entry((client_id.to_string(), tenant))
            .or_default();
        while q.front().is_some_and(|t| now.saturating_sub(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit {
            return false;
        }
        q.push_back(now);
        true
    }
}

/// Fortnox's 429 body; no `Retry-After` (Fortnox documents none).
pub(crate) fn too_many_requests() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({"message": "Too Many Requests"})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window() {
        let mut rl = RateLimiter::default();
        let w = Duration::from_secs(5);
        for i in 0..25 {
            assert!(rl.admit("c", 1, Duration::from_millis(i * 100), 25, w));
        }
        assert!(!rl.admit("c", 1, Duration::from_millis(2600), 25, w));
        assert!(
            rl.admit("c", 2, Duration::from_millis(2600), 25, w),
            "other tenant has its own budget"
        );
        // The first request (t=0) leaves the window at t=5 s.
        assert!(rl.admit("c", 1, Duration::from_millis(5000), 25, w));
        assert!(!rl.admit("c", 1, Duration::from_millis(5050), 25, w));
    }
}
