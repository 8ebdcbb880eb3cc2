//! The first vertical slice, end to end: signed generic webhook → order-webhook handler →
//! DynamoDB (moto) → SQS (moto) → worker → Fortnox simulator, with exactly-once results.

use fortnox_sim::Fault;
use fortsync_domain::OrderId;
use fortsync_domain::state::OrderState;
use fortsync_e2e::{Shop, fixture, moto_env};
use std::time::Duration;

fn id(s: &str) -> OrderId {
    OrderId::parse(s).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_order_delivered_five_times_becomes_exactly_one_invoice() {
    let env = moto_env("slice-five", |_| {}).await;
    let shop = Shop::new(&env);
    let body = fixture("order-1001-anna");
    let connect_calls = env.sim.request_log().len();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(shop.deliver(&body, None).await.0);
    }
    assert_eq!(statuses, [202, 200, 200, 200, 200]);
    assert_eq!(
        env.sim.request_log().len(),
        connect_calls,
        "the webhook path never calls Fortnox"
    );

    env.stack.pump(10).await.unwrap();

    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(invoices.len(), 1);
    let inv = &invoices[0];
    assert_eq!(inv["ExternalInvoiceReference1"], "fortsync:slice-five:1001");
    assert_eq!(inv["YourOrderNumber"], "#1001");
    assert_eq!(inv["Country"], "Sverige");
    assert_eq!(env.sim.customers(env.fortnox_tenant).len(), 1);

    let rec = env
        .stack
        .orders
        .get_order(&env.tenant, &id("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, OrderState::DocumentCreated);
    assert_eq!(
        rec.document_number.as_deref(),
        inv["DocumentNumber"].as_str()
    );
    assert_eq!(
        rec.fortnox_total,
        Some(rust_decimal::Decimal::new(44700, 2))
    );
    assert_eq!(rec.total_difference, None);
    assert_eq!(rec.lease_until, None);

    let trail = env
        .stack
        .audit
        .list(&env.tenant, &id("1001"))
        .await
        .unwrap();
    let steps: Vec<_> = trail
        .iter()
        .filter(|e| e.step != "fortnox_call")
        .map(|e| (e.step.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(steps, [("customer", "created"), ("invoice", "created")]);
    let calls: Vec<_> = trail
        .iter()
        .filter_map(|e| e.call.as_ref())
        .map(|c| (c.method.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("GET", "/3/customers"),
            ("POST", "/3/customers"),
            ("POST", "/3/invoices")
        ]
    );
    let text = serde_json::to_string(&trail).unwrap();
    assert!(
        !text.contains("Bearer") && !text.contains("anna.svensson"),
        "no tokens or query strings in the audit trail"
    );

    // A later delivery of the synced order is answered without queueing anything.
    let (status, body_json) = shop.deliver(&body, Some("late-delivery")).await;
    assert_eq!(
        (status, body_json["status"].as_str()),
        (200, Some("already_synced"))
    );
    assert!(env.stack.pump(10).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_deliveries_with_distinct_ids_still_make_one_invoice() {
    let env = moto_env("slice-concurrent", |_| {}).await;
    let shop = Shop::new(&env);
    let body = fixture("order-1003-anna-again");
    let sends = (0..5).map(|i| {
        let (shop, body) = (&shop, &body);
        async move { shop.deliver(body, Some(&format!("delivery-{i}"))).await.0 }
    });
    let statuses: Vec<u16> = futures::future::join_all(sends).await;
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    env.stack.pump(20).await.unwrap();
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 1);
    assert_eq!(env.sim.count("POST", "/3/invoices"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fortnox_outage_is_retried_through_the_queue_without_duplicates() {
    let env = moto_env("slice-outage", |_| {}).await;
    let shop = Shop::new(&env);
    env.sim.inject_fault(Fault {
        count: 1,
        ..Fault::status("POST", "/3/invoices", 503)
    });
    assert_eq!(shop.deliver(&fixture("order-1001-anna"), None).await.0, 202);
    let dispositions = env.stack.pump(10).await.unwrap();
    assert_eq!(
        dispositions.len(),
        2,
        "first attempt retried, second completes: {dispositions:?}"
    );
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 1);
    let rec = env
        .stack
        .orders
        .get_order(&env.tenant, &id("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rec.state, rec.attempts), (OrderState::DocumentCreated, 1));
    assert_eq!(rec.last_error, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_from_fortnox_never_creates_a_second_invoice() {
    let env = moto_env("slice-lost", |o| {
        o.fortnox_timeout = Duration::from_millis(700)
    })
    .await;
    let shop = Shop::new(&env);
    // Fortnox is slower than our timeout: the client gives up, whether or not Fortnox went on.
    let mut fault = Fault::status("POST", "/3/invoices", 201);
    fault.status = None;
    fault.delay_ms = Some(1500);
    env.sim.inject_fault(fault);
    assert_eq!(shop.deliver(&fixture("order-1001-anna"), None).await.0, 202);
    env.stack.pump(10).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 1);
    let rec = env
        .stack
        .orders
        .get_order(&env.tenant, &id("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, OrderState::DocumentCreated);
    assert!(rec.document_attempted);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_fortnox_error_is_recorded_with_advice_and_not_retried() {
    let env = moto_env("slice-permanent", |_| {}).await;
    let shop = Shop::new(&env);
    let mut fault = Fault::status("POST", "/3/invoices", 400);
    fault.body = Some(
        serde_json::json!({"ErrorInformation": {"error": 1, "message": "Kontot finns inte", "code": 2001304}}),
    );
    env.sim.inject_fault(fault);
    shop.deliver(&fixture("order-1001-anna"), None).await;
    let dispositions = env.stack.pump(10).await.unwrap();
    assert_eq!(dispositions.len(), 1, "no retry: {dispositions:?}");
    let rec = env
        .stack
        .orders
        .get_order(&env.tenant, &id("1001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, OrderState::Failed);
    let err = rec.last_error.unwrap();
    assert_eq!(err.code, Some(2001304));
    assert!(err.advice.unwrap().contains("chart of accounts"));
    assert!(env.stack.consumer.dead_letters().await.unwrap().is_empty());
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_deliveries_enqueue_nothing() {
    let env = moto_env("slice-refused", |_| {}).await;
    let shop = Shop::new(&env);
    let body = fixture("order-1001-anna");
    assert_eq!(shop.post(&body, None, None).await.0, 401);
    assert_eq!(shop.post(&body, Some("sha256=deadbeef"), None).await.0, 401);
    let other = fortsync_app::signature::sign_hex(body.as_bytes(), b"someone-else");
    assert_eq!(shop.post(&body, Some(&other), None).await.0, 401);
    let invalid = body.replace("\"quantity\": 2", "\"quantity\": \"two\"");
    let (status, json) = shop.deliver(&invalid, None).await;
    assert_eq!(status, 400);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("not valid order JSON")
    );
    let huge = format!("{body}{}", " ".repeat(300 * 1024));
    assert_eq!(shop.deliver(&huge, None).await.0, 413);
    let stranger = Shop {
        client: reqwest::Client::new(),
        url: shop.url.replace("slice-refused", "nobody"),
    };
    assert_eq!(stranger.deliver(&body, None).await.0, 404);
    assert!(
        env.stack.pump(10).await.unwrap().is_empty(),
        "nothing was queued"
    );
    assert!(
        env.stack
            .orders
            .get_order(&env.tenant, &id("1001"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_returning_customer_is_matched_by_email_not_created_again() {
    let env = moto_env("slice-returning", |_| {}).await;
    let shop = Shop::new(&env);
    shop.deliver(&fixture("order-1001-anna"), None).await;
    shop.deliver(&fixture("order-1003-anna-again"), None).await;
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.customers(env.fortnox_tenant).len(), 1);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(invoices.len(), 2);
    assert_eq!(invoices[0]["CustomerNumber"], invoices[1]["CustomerNumber"]);
}
