//! Many orders, many duplicate deliveries, Fortnox misbehaving: still exactly one invoice per
//! order. Time is scaled 10× down on both sides (Fortnox's 25 per 5 s becomes 25 per 500 ms,
//! fortsync paces at 24 per 500 ms) so the run takes seconds; the ratios are production's.

use fortnox_sim::{Fault, SimConfig};
use fortsync_app::rate::RateLimit;
use fortsync_e2e::{Shop, fixture, moto_env};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const ORDERS: usize = 100;
const DELIVERIES: usize = 10;

fn order(i: usize) -> String {
    let mut o: serde_json::Value = serde_json::from_str(&fixture("order-1001-anna")).unwrap();
    o["id"] = format!("{}", 20_000 + i).into();
    o["number"] = format!("#{}", 20_000 + i).into();
    o["customer"]["email"] = format!("buyer{}@example.se", i % 10).into();
    o.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_orders_delivered_ten_times_each_make_a_hundred_invoices_through_storms() {
    let env = moto_env("scale", |o| {
        o.sim = SimConfig {
            rate_limit_window: Duration::from_millis(500),
            ..SimConfig::default()
        };
        o.rate_limit = RateLimit::new(24, Duration::from_millis(500), Duration::from_millis(50));
    })
    .await;
    let shop = Shop::new(&env);
    let bodies: Vec<String> = (0..ORDERS).map(order).collect();
    let started = Instant::now();

    // Every order ten times, the copies interleaved and sent 50 at a time.
    let sends: Vec<(usize, usize)> = (0..DELIVERIES)
        .flat_map(|d| (0..ORDERS).map(move |i| (i, d)))
        .collect();
    let mut statuses = vec![Vec::new(); ORDERS];
    for chunk in sends.chunks(50) {
        let answers = futures::future::join_all(chunk.iter().map(|(i, _)| {
            let (shop, body) = (&shop, &bodies[*i]);
            async move { shop.deliver(body, None).await.0 }
        }))
        .await;
        for ((i, _), s) in chunk.iter().zip(answers) {
            statuses[*i].push(s);
        }
    }
    let ingress = started.elapsed();
    for (i, s) in statuses.iter().enumerate() {
        assert_eq!(
            s.iter().filter(|x| **x == 202).count(),
            1,
            "order {i}: {s:?}"
        );
        assert_eq!(
            s.iter().filter(|x| **x == 200).count(),
            DELIVERIES - 1,
            "order {i}: {s:?}"
        );
    }

    // Fortnox storms while the worker runs: rate limiting and server errors.
    env.sim.inject_fault(Fault {
        count: 15,
        ..Fault::status("POST", "/3/invoices", 429)
    });
    env.sim.inject_fault(Fault {
        count: 5,
        ..Fault::status("GET", "/3/customers", 500)
    });
    env.sim.inject_fault(Fault {
        count: 3,
        ..Fault::status("POST", "/3/customers", 503)
    });
    let before = env.sim.request_log().len();
    let mut rounds = 0;
    while rounds < 50 {
        rounds += 1;
        if env.stack.pump(200).await.unwrap().is_empty() {
            break;
        }
    }
    let worker = started.elapsed() - ingress;

    let invoices = env.sim.invoices(env.fortnox_tenant);
    let refs: HashSet<String> = invoices
        .iter()
        .map(|i| {
            i["ExternalInvoiceReference1"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(invoices.len(), ORDERS, "exactly one invoice per order");
    assert_eq!(refs.len(), ORDERS);
    assert_eq!(env.sim.customers(env.fortnox_tenant).len(), 10);
    let log: Vec<_> = env.sim.request_log().into_iter().skip(before).collect();
    let calls = log.len();
    let not_injected_429 = log
        .iter()
        .filter(|r| r.status == 429)
        .count()
        .saturating_sub(15);
    println!(
        "{ORDERS} orders x {DELIVERIES} deliveries: ingress {:.2} s ({:.1} ms per delivery); worker {:.2} s, \
         {calls} Fortnox calls ({:.2} per order incl. retries of 23 injected faults), {not_injected_429} real 429s",
        ingress.as_secs_f64(),
        ingress.as_secs_f64() * 1000.0 / (ORDERS * DELIVERIES) as f64,
        worker.as_secs_f64(),
        calls as f64 / ORDERS as f64,
    );
    assert_eq!(not_injected_429, 0, "pacing keeps Fortnox's own limit");
    assert!(env.stack.consumer.dead_letters().await.unwrap().is_empty());
}
