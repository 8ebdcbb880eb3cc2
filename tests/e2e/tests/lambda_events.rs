//! Lambda event fixtures through the real handlers: the bytes API Gateway delivers (base64)
//! must verify as signed, and a mixed SQS batch must fail only its poison messages.

use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use fortsync_fortnox::{RetryPolicy, StoredToken};
use fortsync_handlers::local::{Backend, Stack, StackOptions};
use std::time::Duration;
use tower::ServiceExt;

fn fixture(name: &str) -> String {
    let path = format!("{}/../fixtures/lambda/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn memory_stack() -> Stack {
    let stack = Stack::build(StackOptions {
        backend: Backend::Memory,
        fortnox_api_base: "http://127.0.0.1:9".into(),
        fortnox_auth_base: "http://127.0.0.1:9".into(),
        secret_prefix: "fixture".into(),
        retry: RetryPolicy::default(),
        fortnox_timeout: Duration::from_secs(1),
        max_body_bytes: 256 * 1024,
        rate_limit: fortsync_app::rate::RateLimit::default(),
    })
    .await
    .unwrap();
    let token = StoredToken {
        access_token: "t".into(),
        refresh_token: None,
        expires_at: i64::MAX / 2,
        scope: None,
        version: 1,
    };
    stack
        .connect_tenant(
            &Tenant::new(TenantId::parse("acme").unwrap()),
            &token,
            "fixture-secret",
        )
        .await
        .unwrap();
    stack
}

#[tokio::test]
async fn an_api_gateway_v2_event_with_a_base64_body_verifies_and_is_queued() {
    let stack = memory_stack().await;
    let request = lambda_http::request::from_str(&fixture("apigw-v2-order-webhook.json")).unwrap();
    let response = stack.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 202);
    let received = stack.consumer.receive(10).await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(received[0].body.contains(r#""order_id":"1001""#));
}

#[tokio::test]
async fn a_tampered_api_gateway_body_is_refused() {
    let stack = memory_stack().await;
    let event = fixture("apigw-v2-order-webhook.json")
        .replace("\"isBase64Encoded\": true", "\"isBase64Encoded\": false");
    let request = lambda_http::request::from_str(&event).unwrap();
    let response = stack.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(stack.consumer.receive(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_mixed_sqs_batch_fails_only_its_unreadable_messages() {
    let stack = memory_stack().await;
    let event: aws_lambda_events::sqs::SqsEvent =
        serde_json::from_str(&fixture("sqs-batch-mixed.json")).unwrap();
    let (response, dispositions) = fortsync_handlers::sqs::handle_batch(&stack.worker, event).await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(
        failed,
        [
            "22222222-2222-2222-2222-222222222222",
            "33333333-3333-3333-3333-333333333333"
        ]
    );
    assert!(
        matches!(&dispositions[0], fortsync_handlers::sqs::Disposition::Done(d) if d.contains("dropped"))
    );
}

#[tokio::test]
async fn the_hourly_schedule_queues_one_job_per_connected_tenant_and_register_it_syncs() {
    use fortsync_domain::order::Platform;
    use fortsync_domain::sync::Direction;
    use fortsync_domain::tenant::{ShopLink, TenantStatus};
    let stack = memory_stack().await;
    let shop = ShopLink {
        platform: Platform::Woocommerce,
        base_url: "http://127.0.0.1:9".into(),
        location_id: None,
    };
    let mut both = Tenant::new(TenantId::parse("both-registers").unwrap());
    both.shop = Some(shop.clone());
    both.settings.sync.prices.direction = Direction::FortnoxToShop;
    both.settings.sync.customers.email = Direction::Both;
    let mut articles_only = Tenant::new(TenantId::parse("prices-only").unwrap());
    articles_only.shop = Some(shop.clone());
    articles_only.settings.sync.prices.direction = Direction::FortnoxToShop;
    let mut no_shop = Tenant::new(TenantId::parse("no-shop").unwrap());
    no_shop.settings.sync.prices.direction = Direction::FortnoxToShop;
    let mut reconnect = articles_only.clone();
    reconnect.id = TenantId::parse("must-reconnect").unwrap();
    reconnect.status = TenantStatus::NeedsReconnect;
    for t in [&both, &articles_only, &no_shop, &reconnect] {
        stack.tenants.put_tenant(t).await.unwrap();
    }
    let before = stack.consumer.receive(100).await.unwrap().len();
    let input: fortsync_handlers::schedule::ScheduleInput =
        serde_json::from_str(&fixture("schedule-hourly.json")).unwrap();
    let sync = stack.worker.sync.clone().unwrap();
    let out = fortsync_handlers::schedule::handle(&sync, input)
        .await
        .unwrap();
    assert_eq!(out["status"], "queued");
    // both-registers: customers, articles, invoices; prices-only: articles, invoices.
    assert_eq!(out["jobs"], 5, "{out}");
    let jobs: Vec<String> = stack
        .consumer
        .receive(100)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(jobs.len() + before, 5 + before, "{jobs:?}");
    assert_eq!(jobs.iter().filter(|j| j.contains("invoices")).count(), 2);
    assert!(
        jobs.iter().all(|j| j.contains("\"kind\":\"sync\"")),
        "{jobs:?}"
    );
    assert!(
        !jobs
            .iter()
            .any(|j| j.contains("no-shop") || j.contains("must-reconnect"))
    );
}
