//! The throttle against the Fortnox simulator: several "instances" (each with its own client
//! and in-process window, as separate Lambda instances) share one distributed rate window (the
//! in-memory twin of the DynamoDB one) and one Fortnox budget.
//!
//! Time is scaled down 10× so the tests stay fast: the simulator allows 25 requests per 500 ms,
//! the throttle keeps to 24 per 500 ms counted in 50 ms buckets, the same ratios as production
//! (25 per 5 s at Fortnox, 24 per 5 s in 500 ms buckets). Run with `--nocapture` to see the
//! figures.

use fortnox_sim::{Fault, SimConfig, SimHandle};
use fortsync_app::memory::MemoryRateWindow;
use fortsync_app::rate::{RateLimit, RateWindow};
use fortsync_fortnox::{FortnoxClient, FortnoxError, RetryPolicy, Throttle};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PATH: &str = "/3/companyinformation";
const INSTANCES: usize = 4;

fn scaled_rate() -> RateLimit {
    RateLimit::new(24, Duration::from_millis(500), Duration::from_millis(50))
}

struct Sim {
    sim: SimHandle,
    token: String,
}

async fn sim() -> Sim {
    let sim = fortnox_sim::spawn(SimConfig {
        rate_limit_window: Duration::from_millis(500),
        rate_limit_requests: 25,
        ..Default::default()
    })
    .await
    .unwrap();
    let tenant = sim.add_tenant("Throttle AB");
    let token = sim
        .issue_token("demo-client", tenant, &["companyinformation"])
        .access_token;
    Sim { sim, token }
}

fn client(s: &Sim, throttle: Throttle, retry: RetryPolicy) -> Arc<FortnoxClient> {
    Arc::new(FortnoxClient::new(
        FortnoxClient::http_client(Duration::from_secs(5)).unwrap(),
        &s.sim.base_url,
        s.token.clone(),
        "tenant-key".into(),
        Arc::new(throttle),
        retry,
    ))
}

struct Figures {
    requests: usize,
    ok: usize,
    wall: Duration,
    rate_limited: u64,
    logged: usize,
}

impl Figures {
    fn print(&self, label: &str) {
        println!(
            "{label}: {} requests ({} ok) from {INSTANCES} instances in {:.2} s = {:.1} req/s \
             (avg {:.1} per 500 ms; the simulator allows 25 in any 500 ms); simulator saw {} requests, {} answered 429",
            self.requests,
            self.ok,
            self.wall.as_secs_f64(),
            self.requests as f64 / self.wall.as_secs_f64(),
            self.requests as f64 / self.wall.as_secs_f64() / 2.0,
            self.logged,
            self.rate_limited,
        );
    }
}

/// `per_instance` concurrent GETs through each client, all at once.
async fn burst(s: &Sim, clients: &[Arc<FortnoxClient>], per_instance: usize) -> Figures {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in clients {
        for _ in 0..per_instance {
            let c = c.clone();
            tasks.spawn(async move { c.get::<serde_json::Value>(PATH, &[]).await });
        }
    }
    let mut ok = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Ok(_) => ok += 1,
            Err(FortnoxError::Api { status: 429, .. } | FortnoxError::RateLimited(_)) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    Figures {
        requests: clients.len() * per_instance,
        ok,
        wall: start.elapsed(),
        rate_limited: s.sim.stats()["rate_limited"].as_u64().unwrap(),
        logged: s.sim.request_log().len(),
    }
}

fn no_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_200_from_several_instances_sharing_the_window_gets_no_429() {
    let s = sim().await;
    let rate = scaled_rate();
    let shared: Arc<dyn RateWindow> = Arc::new(MemoryRateWindow::new(rate));
    // No retries: every request is sent exactly once, so any 429 would show as a failure.
    let clients: Vec<_> = (0..INSTANCES)
        .map(|_| client(&s, Throttle::distributed(rate, shared.clone()), no_retry()))
        .collect();
    let f = burst(&s, &clients, 200 / INSTANCES).await;
    f.print("shared window");
    assert_eq!(f.rate_limited, 0, "{}", s.sim.stats());
    assert_eq!((f.ok, f.logged), (200, 200));
    // 24 per 550 ms at best (the bucketed window's spacing): ≈ 4.2 s for 200.
    assert!(
        f.wall >= Duration::from_millis(3_800),
        "faster than the limit allows: {:?}",
        f.wall
    );
    assert!(f.wall < Duration::from_secs(12), "too slow: {:?}", f.wall);
}

/// The problem the shared window solves: each instance keeps its own 24 per window, together
/// they go over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_shared_window_the_same_burst_is_rate_limited() {
    let s = sim().await;
    let rate = scaled_rate();
    let clients: Vec<_> = (0..INSTANCES)
        .map(|_| {
            client(
                &s,
                Throttle::new(rate.limit as usize, rate.window),
                no_retry(),
            )
        })
        .collect();
    let f = burst(&s, &clients, 200 / INSTANCES).await;
    f.print("in-process windows only (baseline)");
    assert!(f.rate_limited > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_429s_are_retried_and_every_request_succeeds_in_bounded_time() {
    let s = sim().await;
    s.sim.inject_fault(Fault {
        count: 5,
        ..Fault::status("GET", PATH, 429)
    });
    let rate = scaled_rate();
    let shared: Arc<dyn RateWindow> = Arc::new(MemoryRateWindow::new(rate));
    let retry = RetryPolicy {
        max_retries: 6,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
    };
    let clients: Vec<_> = (0..INSTANCES)
        .map(|_| {
            client(
                &s,
                Throttle::distributed(rate, shared.clone()),
                retry.clone(),
            )
        })
        .collect();
    let f = burst(&s, &clients, 100 / INSTANCES).await;
    f.print("shared window, 5 injected 429s");
    assert_eq!(f.ok, 100);
    assert_eq!(
        f.rate_limited,
        5,
        "only the injected ones: {}",
        s.sim.stats()
    );
    assert_eq!(f.logged, 105);
    assert!(f.wall < Duration::from_secs(10), "{:?}", f.wall);
}
