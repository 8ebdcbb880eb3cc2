//! A rate window shared by every process that calls the same API with the same budget: Fortnox
//! allows 25 requests in any sliding 5 s per client and tenant, and several Lambda instances
//! (the worker runs up to 5 at once, plus other functions) spend one budget. The in-process
//! `Throttle` stays in front so one instance does not poll the store for every request.
//!
//! # Algorithm (shared by every adapter, so they cannot drift apart)
//! Time is cut into buckets of `bucket` ms; a grant is counted in the bucket of the caller's
//! `now_ms`. Any interval of length `window` touches at most `span() = ceil(window/bucket) + 1`
//! consecutive buckets, so granting only while the sum over the last `span()` buckets (the
//! current one included) is below `limit` keeps every such interval at or below `limit`.
//! After a full burst the next grant comes when the burst's bucket leaves the counted span:
//! 5.0 to 5.5 s later with the defaults (5.25 s on average) instead of exactly 5 s, so it is
//! never looser than an exact sliding log and costs at most 10 % throughput. The worst case
//! (burst at the very end of a bucket) is an exact 5 s gap, like an exact log; callers who
//! want a guaranteed margin for network jitter pass a longer `window` (e.g. 5.25 s).
//!
//! Grants must be decided atomically *and in bucket order*: a caller whose clock reading is
//! older than the newest bucket already granted (it read the clock, then was slow to reach the
//! store) is not counted in that older bucket, because the grants after it were decided without
//! seeing it. It gets a short [`Admission::Wait`] instead and retries with a fresh reading.
//! Adapters therefore keep, per key, the bucket counts and the newest granted bucket
//! (`latest`) in one atomically updated record; see [`RateLimit::judge`].

use crate::ports::StoreError;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::time::Duration;

/// The budget every caller of one store agrees on. All processes sharing a key MUST use the
/// same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Grants allowed in any interval of length `window`.
    pub limit: u32,
    pub window: Duration,
    /// Counting granularity; smaller is closer to the exact sliding window, larger is fewer
    /// counters per record.
    pub bucket: Duration,
}

impl Default for RateLimit {
    /// Fortnox: 24 per 5 s (25 is the documented limit, but exactly 25 still trips it), counted
    /// in 500 ms buckets.
    fn default() -> Self {
        Self {
            limit: 24,
            window: Duration::from_secs(5),
            bucket: Duration::from_millis(500),
        }
    }
}

/// The answer to one [`RateWindow::try_acquire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Counted: the caller may send one request now.
    Granted,
    /// Not counted: ask again after (at least) this long.
    Wait(Duration),
}

/// What [`RateLimit::judge`] decides for one reading of a key's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Count one grant in bucket `bucket`, provided — atomically with the increment — that
    /// the newest granted bucket is still `<= bucket`, the earlier buckets of the window
    /// still hold what was read, and the bucket itself still holds fewer than `allowed`.
    Grant {
        bucket: i64,
        allowed: u32,
    },
    Wait(Duration),
}

impl RateLimit {
    pub fn new(limit: u32, window: Duration, bucket: Duration) -> Self {
        Self {
            limit,
            window,
            bucket,
        }
    }

    /// The limit (at least 1).
    pub fn limit(&self) -> u32 {
        self.limit.max(1)
    }

    /// Bucket length in ms (at least 1).
    pub fn bucket_ms(&self) -> i64 {
        i64::try_from(self.bucket.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }

    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX / 4)
    }

    /// Buckets counted for one decision: `ceil(window / bucket) + 1`.
    pub fn span(&self) -> i64 {
        let (w, b) = (self.window_ms(), self.bucket_ms());
        (w + b - 1) / b + 1
    }

    /// Start (ms) of the bucket holding `now_ms`.
    pub fn bucket_of(&self, now_ms: i64) -> i64 {
        now_ms.div_euclid(self.bucket_ms()) * self.bucket_ms()
    }

    /// Start of the oldest bucket counted together with `bucket`.
    pub fn first_counted(&self, bucket: i64) -> i64 {
        bucket - (self.span() - 1) * self.bucket_ms()
    }

    /// How long a key's record must outlive its last grant (for the store's expiry; expiry is
    /// never needed for correctness, old buckets are ignored by time).
    pub fn retention(&self) -> Duration {
        self.window + self.bucket * 2
    }

    /// Decide from one reading of a key's record: `counts` maps bucket start → grants counted
    /// there, `latest` is the newest bucket that holds a grant.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the record is more than [`MAX_AHEAD_MS`] ahead of
    /// `now_ms`: some process's clock is badly wrong, and waiting for it would stall every
    /// caller (a caller's own slow reading is a few ms, at worst seconds, behind).
    pub fn judge(
        &self,
        counts: &BTreeMap<i64, u32>,
        latest: Option<i64>,
        now_ms: i64,
    ) -> Result<Verdict, StoreError> {
        let bucket = self.bucket_of(now_ms);
        if let Some(latest) = latest.filter(|l| *l > bucket) {
            let ahead = latest - now_ms;
            if ahead > MAX_AHEAD_MS {
                return Err(StoreError::Corrupt(format!(
                    "the shared rate window is {ahead} ms ahead of this clock"
                )));
            }
            // Grants after ours were decided without it: retry with a fresh clock reading.
            return Ok(Verdict::Wait(ms(ahead)));
        }
        let first = self.first_counted(bucket);
        let limit = self.limit();
        let earlier: u32 = counts.range(first..bucket).map(|(_, c)| *c).sum();
        let current = counts.get(&bucket).copied().unwrap_or(0);
        if earlier.saturating_add(current) < limit {
            return Ok(Verdict::Grant {
                bucket,
                allowed: limit - earlier,
            });
        }
        // Full: wait until enough of the oldest buckets have left the window. A bucket starting
        // at `p` is last counted by the bucket starting at p + (span - 1)·b.
        let mut remaining = earlier.saturating_add(current);
        let span_ms = self.span() * self.bucket_ms();
        for (start, c) in counts.range(first..=bucket) {
            remaining = remaining.saturating_sub(*c);
            if remaining < limit {
                return Ok(Verdict::Wait(ms(start + span_ms - now_ms)));
            }
        }
        Ok(Verdict::Wait(ms(bucket + self.bucket_ms() - now_ms)))
    }
}

/// How far a key's record may be ahead of a caller's clock before the record, not the
/// caller's reading, is taken to be wrong.
pub const MAX_AHEAD_MS: i64 = 60_000;

fn ms(v: i64) -> Duration {
    Duration::from_millis(u64::try_from(v.max(1)).unwrap_or(1))
}

/// A sliding-window budget shared by every process using the same store.
///
/// # Contract
/// - For each `key`, among all calls (from any process, through any value of the adapter)
///   that return [`Admission::Granted`], at most `limit` have a `now_ms` in any interval of
///   length `window` (`[t, t + window)`). This is exact under concurrency, not best effort.
/// - Grants are decided in bucket order: a `now_ms` older than the bucket of a grant already
///   made is answered with a short `Wait`, never counted in the past.
/// - `Wait(d)` counts nothing; with no other caller, asking again at `now_ms + d` succeeds.
/// - Keys are independent budgets.
/// - Errors mean the store could not decide; nothing was counted that the caller is told of.
///   Callers choose their own fallback (the Fortnox `Throttle` falls back to its in-process
///   window).
#[async_trait]
pub trait RateWindow: Send + Sync {
    async fn try_acquire(&self, key: &str, now_ms: i64) -> Result<Admission, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fortnox() -> RateLimit {
        RateLimit::default()
    }

    #[test]
    fn eleven_buckets_of_500_ms_cover_any_5_s() {
        assert_eq!(fortnox().span(), 11);
        assert_eq!(
            RateLimit::new(24, Duration::from_millis(500), Duration::from_millis(50)).span(),
            11
        );
        assert_eq!(
            RateLimit::new(5, Duration::from_millis(450), Duration::from_millis(100)).span(),
            6
        );
        assert_eq!(fortnox().bucket_of(1_234), 1_000);
        assert_eq!(fortnox().bucket_of(-1), -500);
    }

    #[test]
    fn a_full_window_waits_for_its_oldest_bucket() {
        let r = fortnox();
        let mut counts = BTreeMap::new();
        counts.insert(1_000, 10);
        counts.insert(2_000, 14);
        assert_eq!(
            r.judge(&counts, Some(2_000), 2_100).unwrap(),
            Verdict::Wait(Duration::from_millis(1_000 + 5_500 - 2_100))
        );
        counts.insert(2_000, 13);
        assert_eq!(
            r.judge(&counts, Some(2_000), 2_100).unwrap(),
            Verdict::Grant {
                bucket: 2_000,
                allowed: 14
            }
        );
        // Buckets before the window do not count.
        counts.insert(-5_000, 100);
        assert!(matches!(
            r.judge(&counts, Some(2_000), 2_100).unwrap(),
            Verdict::Grant { .. }
        ));
    }

    #[test]
    fn a_late_clock_reading_retries_and_a_far_ahead_record_is_an_error() {
        let r = fortnox();
        let counts = BTreeMap::new();
        assert_eq!(
            r.judge(&counts, Some(10_000), 9_900).unwrap(),
            Verdict::Wait(Duration::from_millis(100))
        );
        assert!(r.judge(&counts, Some(9_900 + MAX_AHEAD_MS), 9_900).is_ok());
        assert!(
            r.judge(&counts, Some(10_000 + MAX_AHEAD_MS), 9_900)
                .is_err()
        );
    }
}
