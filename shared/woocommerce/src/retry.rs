//! Bounded retries of 429 and 5xx answers.
//!
//! WordPress hosts and security plugins (Wordfence, Cloudflare, host WAFs) answer 429, often
//! with `Retry-After` in seconds, sometimes without; PHP workers under load answer 502–504. A
//! 429 means the request was not processed, so every request may be resent after it. A 5xx or
//! a timeout may come after the work was done, so only idempotent requests (reads, PUTs and
//! batch updates that set values) are resent; creations are not.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Backoff of the first retry when the answer names no wait; doubles per retry.
    pub base_delay: Duration,
    /// Cap of one backoff step.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the call ends at once with
    /// `RateLimited` so the job can be rescheduled instead of sleeping in a Lambda.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Exponential with jitter: base·2^attempt capped at `max_delay`, scaled into [0.5, 1].
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        exp.mul_f64(rand::rng().random_range(0.5..=1.0))
    }

    /// The wait before retry `attempt` (0-based): what the server asked for, at least the
    /// backoff, never more than `max_retry_after`.
    pub(crate) fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self.backoff(attempt);
        retry_after
            .map_or(backoff, |r| r.max(backoff))
            .min(self.max_retry_after)
    }
}

/// `Retry-After` as seconds (the form hosts use); an HTTP date is read as "unknown".
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
            max_retry_after: Duration::from_secs(30),
        };
        let d0 = p.backoff(0);
        assert!(d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100));
        let d3 = p.backoff(3);
        assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
    }

    #[test]
    fn retry_after_wins_over_a_shorter_backoff_but_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(300))),
            Duration::from_secs(30)
        );
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
