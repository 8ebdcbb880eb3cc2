//! `DynamoRateWindow` against moto, checked against the `RateWindow` contract: explicit times
//! for the arithmetic, then several simulated instances (separate adapter values, each with its
//! own cache, on one table) racing on the real clock.

use fortsync_app::rate::{Admission, RateLimit, RateWindow};
use fortsync_aws::DynamoRateWindow;
use fortsync_aws::dynamo;
use fortsync_aws::dynamo_client::types::AttributeValue;
use fortsync_e2e::require_moto;
use fortsync_handlers::local::Backend;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

struct Table {
    client: fortsync_aws::dynamo_client::Client,
    name: String,
}

impl Table {
    async fn fresh() -> Self {
        require_moto();
        let Backend::Aws { table, .. } = fortsync_local::provision_from_template().await.unwrap()
        else {
            panic!("expected an AWS backend")
        };
        let sdk = fortsync_aws::load_config().await;
        Self {
            client: fortsync_aws::dynamo_client::Client::new(&sdk),
            name: table,
        }
    }

    /// One simulated instance.
    fn instance(&self, rate: RateLimit) -> DynamoRateWindow {
        DynamoRateWindow::new(self.client.clone(), &self.name, rate)
    }
}

const T0: i64 = 1_800_000_000_000; // on a bucket boundary

#[tokio::test(flavor = "multi_thread")]
async fn twenty_four_grants_then_wait_then_grants_resume_when_the_window_slides() {
    let table = Table::fresh().await;
    let w = table.instance(RateLimit::default());
    for i in 0..24 {
        assert_eq!(
            w.try_acquire("acme", T0 + i * 20).await.unwrap(),
            Admission::Granted,
            "grant {i}"
        );
    }
    let Admission::Wait(d) = w.try_acquire("acme", T0 + 600).await.unwrap() else {
        panic!("the 25th request in the window must wait");
    };
    // The bucket holding all 24 leaves the 11 counted buckets at T0 + 5.5 s.
    assert_eq!(d, Duration::from_millis(5_500 - 600));
    assert!(matches!(
        w.try_acquire("acme", T0 + 5_499).await.unwrap(),
        Admission::Wait(_)
    ));
    assert_eq!(
        w.try_acquire("other", T0 + 600).await.unwrap(),
        Admission::Granted,
        "keys are independent budgets"
    );
    assert_eq!(
        w.try_acquire("acme", T0 + 5_500).await.unwrap(),
        Admission::Granted
    );
    // A fresh instance (no cache) sees the same window.
    let fresh = table.instance(RateLimit::default());
    for i in 0..23 {
        assert_eq!(
            fresh.try_acquire("acme", T0 + 5_600 + i).await.unwrap(),
            Admission::Granted
        );
    }
    assert!(matches!(
        fresh.try_acquire("acme", T0 + 5_700).await.unwrap(),
        Admission::Wait(_)
    ));
    assert!(matches!(
        w.try_acquire("acme", T0 + 5_700).await.unwrap(),
        Admission::Wait(_)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_instance_with_a_stale_view_cannot_overspend_and_old_buckets_are_dropped() {
    let table = Table::fresh().await;
    let a = table.instance(RateLimit::default());
    let b = table.instance(RateLimit::default());
    // b remembers a window with one grant; a then fills it.
    assert_eq!(b.try_acquire("acme", T0).await.unwrap(), Admission::Granted);
    for i in 0..23 {
        assert_eq!(
            a.try_acquire("acme", T0 + 100 + i).await.unwrap(),
            Admission::Granted
        );
    }
    assert!(matches!(
        b.try_acquire("acme", T0 + 200).await.unwrap(),
        Admission::Wait(_)
    ));
    // A reading older than the newest granted bucket is not counted in the past.
    assert_eq!(
        a.try_acquire("acme", T0 + 6_000).await.unwrap(),
        Admission::Granted
    );
    assert_eq!(
        b.try_acquire("acme", T0 + 5_900).await.unwrap(),
        Admission::Wait(Duration::from_millis(100))
    );

    // The item: table keys, TTL attribute set, only the buckets still counted.
    let item = table
        .client
        .get_item()
        .table_name(&table.name)
        .key(dynamo::HASH_KEY, AttributeValue::S("RATE#acme".into()))
        .key(dynamo::RANGE_KEY, AttributeValue::S("WINDOW".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .expect("the rate item");
    let expires_at: i64 = item[dynamo::TTL_ATTRIBUTE].as_n().unwrap().parse().unwrap();
    let last_grant_s = (T0 + 6_000) / 1000;
    assert!(
        (last_grant_s + 6..last_grant_s + 600).contains(&expires_at),
        "expires_at {expires_at} must outlive the window"
    );
    let buckets: Vec<&String> = item.keys().filter(|k| k.starts_with('b')).collect();
    assert_eq!(buckets, vec![&format!("b{}", T0 + 6_000)], "{item:?}");
}

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn max_in_any_window(times: &mut [i64], window_ms: i64) -> usize {
    times.sort_unstable();
    (0..times.len())
        .map(|i| times[i..].partition_point(|t| *t < times[i] + window_ms))
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tasks_in_several_instances_never_exceed_the_limit_in_any_window() {
    let table = Table::fresh().await;
    // Scaled 10× down (24 per 500 ms in 50 ms buckets) so many windows pass in a few seconds.
    let rate = RateLimit::new(24, Duration::from_millis(500), Duration::from_millis(50));
    const INSTANCES: usize = 3;
    const TASKS: usize = 8;
    let run = Duration::from_secs(4);
    let start = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..INSTANCES {
        let w = Arc::new(table.instance(rate));
        for t in 0..TASKS {
            let w = w.clone();
            tasks.spawn(async move {
                let mut granted = Vec::new();
                let (mut waits, mut calls) = (0, 0);
                while start.elapsed() < run {
                    let now = now_ms();
                    calls += 1;
                    match w.try_acquire("acme", now).await.unwrap() {
                        Admission::Granted => granted.push(now),
                        Admission::Wait(d) => {
                            waits += 1;
                            let jitter = (i * TASKS + t) as u64 % 7;
                            tokio::time::sleep(d + Duration::from_millis(jitter)).await;
                        }
                    }
                }
                (granted, waits, calls)
            });
        }
    }
    let (mut all, mut waits, mut calls) = (Vec::new(), 0, 0);
    while let Some(r) = tasks.join_next().await {
        let (g, w, c) = r.unwrap();
        all.extend(g);
        waits += w;
        calls += c;
    }
    let most = max_in_any_window(&mut all, 500);
    let span = (all.last().unwrap() - all.first().unwrap()) as f64 / 1000.0;
    println!(
        "{INSTANCES} instances x {TASKS} tasks: {} grants, {span:.2} s from first to last \
         (avg {:.1} per 500 ms), at most {most} in any 500 ms (limit 24); {calls} calls, {waits} waits",
        all.len(),
        all.len() as f64 / span / 2.0,
    );
    assert!(most <= 24, "{most} grants in one 500 ms window");
    // Liveness: the window slides and is used again (≈ 170 in 4 s at best, 24 per 550 ms;
    // fewer when moto is slow, so only a loose bound).
    assert!(all.len() >= 24 * 2, "only {} grants", all.len());
}
