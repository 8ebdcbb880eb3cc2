use crate::ports::StoreError;
use crate::rate::{Admission, RateLimit, RateWindow, Verdict};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

#[derive(Default)]
struct Record {
    counts: BTreeMap<i64, u32>,
    latest: Option<i64>,
}

/// The shared rate window in memory: every `Throttle` holding the same value (an `Arc`) shares
/// one budget per key, as Lambda instances share the DynamoDB record. Same algorithm and
/// contract as `DynamoRateWindow` ([`RateLimit::judge`] under one lock).
pub struct MemoryRateWindow {
    limit: RateLimit,
    records: Mutex<HashMap<String, Record>>,
}

impl MemoryRateWindow {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            records: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl RateWindow for MemoryRateWindow {
    async fn try_acquire(&self, key: &str, now_ms: i64) -> Result<Admission, StoreError> {
        let mut records = self
            .records
            .lock()
            .map_err(|_| StoreError::Unavailable("poisoned".into()))?;
        let r = records.entry(key.to_owned()).or_default();
        match self.limit.judge(&r.counts, r.latest, now_ms)? {
            Verdict::Wait(d) => Ok(Admission::Wait(d)),
            Verdict::Grant { bucket, .. } => {
                *r.counts.entry(bucket).or_default() += 1;
                r.latest = Some(bucket);
                let first = self.limit.first_counted(bucket);
                r.counts.retain(|start, _| *start >= first);
                Ok(Admission::Granted)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn fortnox() -> MemoryRateWindow {
        MemoryRateWindow::new(RateLimit::default())
    }

    #[tokio::test]
    async fn twenty_four_grants_then_wait_until_the_window_slides() {
        let w = fortnox();
        let t0 = 1_700_000_000_000;
        for i in 0..24 {
            assert_eq!(
                w.try_acquire("t", t0 + i * 10).await.unwrap(),
                Admission::Granted
            );
        }
        let Admission::Wait(d) = w.try_acquire("t", t0 + 300).await.unwrap() else {
            panic!("the 25th request in the window must wait");
        };
        // The first bucket leaves the counted span at t0 + 11 buckets.
        assert_eq!(d, Duration::from_millis(5_500 - 300));
        assert!(matches!(
            w.try_acquire("t", t0 + 4_999).await.unwrap(),
            Admission::Wait(_)
        ));
        assert_eq!(
            w.try_acquire("other", t0 + 300).await.unwrap(),
            Admission::Granted,
            "keys are independent"
        );
        let later = t0 + 300 + i64::try_from(d.as_millis()).unwrap();
        assert_eq!(w.try_acquire("t", later).await.unwrap(), Admission::Granted);
    }

    #[tokio::test]
    async fn a_late_clock_reading_is_not_counted_in_the_past() {
        let w = fortnox();
        let t0 = 1_700_000_000_000;
        assert_eq!(
            w.try_acquire("t", t0 + 600).await.unwrap(),
            Admission::Granted
        );
        assert_eq!(
            w.try_acquire("t", t0 + 400).await.unwrap(),
            Admission::Wait(Duration::from_millis(100))
        );
    }

    /// The contract check used for every adapter: at most `limit` grant times in any
    /// `[t, t + window)`.
    fn max_in_any_window(times: &mut [i64], window_ms: i64) -> usize {
        times.sort_unstable();
        (0..times.len())
            .map(|i| times[i..].partition_point(|t| *t < times[i] + window_ms))
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_callers_never_exceed_the_limit_in_any_window() {
        let limit = RateLimit::new(24, Duration::from_millis(500), Duration::from_millis(50));
        let w = Arc::new(MemoryRateWindow::new(limit));
        // One simulated clock that every task reads, then yields (latency) before asking, so
        // readings reach the window late and out of order, as from several instances.
        let clock = Arc::new(std::sync::atomic::AtomicI64::new(1_000_000));
        let mut tasks = Vec::new();
        for task in 0..16i64 {
            let (w, clock) = (w.clone(), clock.clone());
            tasks.push(tokio::spawn(async move {
                let mut granted = Vec::new();
                loop {
                    let step = 1 + (task * 7) % 5;
                    let now = clock.fetch_add(step, std::sync::atomic::Ordering::SeqCst);
                    if now >= 1_000_000 + 3_000 {
                        return granted;
                    }
                    tokio::task::yield_now().await;
                    if w.try_acquire("t", now).await.unwrap() == Admission::Granted {
                        granted.push(now);
                    }
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let most = max_in_any_window(&mut all, 500);
        assert!(most <= 24, "{most} grants in one window");
        assert!(all.len() >= 24 * 5, "only {} grants in 3 s", all.len());
    }
}
