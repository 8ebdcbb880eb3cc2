//! Use-case tests on the in-memory twins: webhook ingress and the worker's state machine.

use fortsync_app::ingress::{self, Accepted, Delivery, IngressDeps, IngressError};
use fortsync_app::memory::{FakeFortnox, ManualClock, MemoryQueue, MemorySecrets, MemoryStore};
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::signature::sign_hex;
use fortsync_app::worker::{JobOutcome, RetryLater, WorkerDeps, run_job};
use fortsync_app::*;
use fortsync_domain::ErrorClass;
use fortsync_domain::job::Job;
use fortsync_domain::settings::DocumentKind;
use fortsync_domain::state::OrderState;
use fortsync_domain::tenant::Tenant;
use fortsync_domain::{OrderId, TenantId};
use http::HeaderMap;
use std::sync::Arc;
use std::time::Duration;

const ORDER: &str = r##"{"id": "1001", "number": "#1001", "created_at": "2026-11-20", "currency": "SEK",
  "prices_include_tax": true, "customer": {"email": "anna@example.se", "name": "Anna Svensson"},
  "billing_address": {"line1": "Storgatan 1", "zip": "11122", "city": "Stockholm", "country": "SE"},
  "lines": [{"sku": "TS-1", "name": "T-shirt", "quantity": 2, "unit_price": "199.00", "vat_rate": 25}],
  "shipping": [{"name": "PostNord", "amount": "49.00", "vat_rate": 25}], "total": "447.00"}"##;

struct World {
    store: Arc<MemoryStore>,
    queue: Arc<MemoryQueue>,
    fortnox: FakeFortnox,
    ingress: IngressDeps,
    worker: WorkerDeps,
}

fn tenant() -> TenantId {
    TenantId::parse("acme").unwrap()
}

async fn world() -> World {
    let store = Arc::new(MemoryStore::default());
    let queue = Arc::new(MemoryQueue::new(Duration::from_secs(30), 5));
    let secrets = Arc::new(MemorySecrets::default());
    let names = SecretNames::new("test");
    secrets
        .put_secret(
            &names.webhook(&tenant()),
            &SecretString::new(r#"{"current":"s3cret","previous":"old"}"#),
        )
        .await
        .unwrap();
    store.put_tenant(&Tenant::new(tenant())).await.unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(
        time::macros::datetime!(2026-11-20 12:00 UTC),
    ));
    let fortnox = FakeFortnox::default();
    World {
        ingress: IngressDeps {
            tenants: store.clone(),
            deliveries: store.clone(),
            orders: store.clone(),
            queue: queue.clone(),
            secrets: Arc::new(SecretCache::new(secrets, Duration::from_secs(300))),
            names,
            clock: clock.clone(),
            max_body_bytes: 64 * 1024,
        },
        worker: WorkerDeps {
            tenants: store.clone(),
            customers: store.clone(),
            articles: store.clone(),
            orders: store.clone(),
            audit: store.clone(),
            accounting: Arc::new(fortnox.clone()),
            clock,
            sync: None,
        },
        store,
        queue,
        fortnox,
    }
}

fn signed(body: &str, key: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "x-fortsync-signature",
        sign_hex(body.as_bytes(), key.as_bytes()).parse().unwrap(),
    );
    h
}

async fn deliver(w: &World, body: &str, headers: &HeaderMap) -> Result<Accepted, IngressError> {
    ingress::receive_order(
        &w.ingress,
        Delivery {
            tenant: "acme",
            platform: "generic",
            headers,
            body: body.as_bytes(),
        },
    )
    .await
}

fn job() -> Job {
    Job::Order {
        tenant: tenant(),
        order_id: OrderId::parse("1001").unwrap(),
    }
}

#[tokio::test]
async fn a_signed_order_is_recorded_and_queued_once() {
    let w = world().await;
    let h = signed(ORDER, "s3cret");
    assert_eq!(
        deliver(&w, ORDER, &h).await.unwrap(),
        Accepted::Queued {
            order_id: OrderId::parse("1001").unwrap()
        }
    );
    for _ in 0..4 {
        assert_eq!(deliver(&w, ORDER, &h).await.unwrap(), Accepted::Duplicate);
    }
    assert_eq!(w.queue.len(), 1);
    let rec = w
        .store
        .get_order(&tenant(), &OrderId::parse("1001").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, OrderState::Received);
}

#[tokio::test]
async fn the_previous_secret_still_verifies_during_rotation() {
    let w = world().await;
    assert!(deliver(&w, ORDER, &signed(ORDER, "old")).await.is_ok());
}

#[tokio::test]
async fn unsigned_forged_oversized_and_invalid_deliveries_are_refused_with_nothing_queued() {
    let w = world().await;
    assert!(matches!(
        deliver(&w, ORDER, &HeaderMap::new()).await,
        Err(IngressError::Unauthorized)
    ));
    assert!(matches!(
        deliver(&w, ORDER, &signed(ORDER, "wrong")).await,
        Err(IngressError::Unauthorized)
    ));
    let tampered = ORDER.replace("447.00", "1.00");
    assert!(matches!(
        deliver(&w, &tampered, &signed(ORDER, "s3cret")).await,
        Err(IngressError::Unauthorized)
    ));
    let big = format!("{ORDER}{}", " ".repeat(70 * 1024));
    assert!(matches!(
        deliver(&w, &big, &signed(&big, "s3cret")).await,
        Err(IngressError::TooLarge(_))
    ));
    let invalid = ORDER.replace("\"quantity\": 2", "\"quantity\": -2");
    assert!(matches!(
        deliver(&w, &invalid, &signed(&invalid, "s3cret")).await,
        Err(IngressError::Invalid(_))
    ));
    let h = signed(ORDER, "s3cret");
    let r = ingress::receive_order(
        &w.ingress,
        Delivery {
            tenant: "nobody",
            platform: "generic",
            headers: &h,
            body: ORDER.as_bytes(),
        },
    )
    .await;
    assert!(matches!(r, Err(IngressError::NotFound)));
    let r = ingress::receive_order(
        &w.ingress,
        Delivery {
            tenant: "acme",
            platform: "magento",
            headers: &h,
            body: ORDER.as_bytes(),
        },
    )
    .await;
    assert!(matches!(r, Err(IngressError::NotFound)));
    assert!(w.queue.is_empty());
}

#[tokio::test]
async fn distinct_delivery_ids_queue_again_but_the_worker_creates_one_invoice() {
    let w = world().await;
    for i in 0..5 {
        let mut h = signed(ORDER, "s3cret");
        h.insert("x-fortsync-delivery-id", format!("d-{i}").parse().unwrap());
        assert!(matches!(
            deliver(&w, ORDER, &h).await.unwrap(),
            Accepted::Queued { .. }
        ));
    }
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.push(run_job(&w.worker, &job()).await.unwrap());
    }
    assert!(matches!(
        outcomes[0],
        JobOutcome::Completed {
            state: OrderState::DocumentCreated,
            ..
        }
    ));
    assert!(outcomes[1..].iter().all(|o| *o == JobOutcome::AlreadyDone));
    assert_eq!(w.fortnox.invoice_count(), 1);
    assert_eq!(w.fortnox.customer_count(), 1);
    // After the order is in Fortnox a new delivery is not even queued.
    let mut h = signed(ORDER, "s3cret");
    h.insert("x-fortsync-delivery-id", "d-late".parse().unwrap());
    assert!(matches!(
        deliver(&w, ORDER, &h).await.unwrap(),
        Accepted::AlreadySynced { .. }
    ));
}

#[tokio::test]
async fn a_lost_create_answer_is_found_by_reference_not_created_twice() {
    let w = world().await;
    deliver(&w, ORDER, &signed(ORDER, "s3cret")).await.unwrap();
    w.fortnox.lose_next_invoice_answer();
    assert!(matches!(
        run_job(&w.worker, &job()).await,
        Err(RetryLater::Transient(_))
    ));
    let rec = w
        .store
        .get_order(&tenant(), &OrderId::parse("1001").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, OrderState::DocumentPending);
    assert_eq!(rec.lease_until, None, "a failed attempt releases its lease");
    let out = run_job(&w.worker, &job()).await.unwrap();
    assert_eq!(
        out,
        JobOutcome::Completed {
            state: OrderState::DocumentCreated,
            document: Some("1".into())
        }
    );
    assert_eq!(w.fortnox.invoice_count(), 1);
    let trail = w
        .store
        .list(&tenant(), &OrderId::parse("1001").unwrap())
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.step == "invoice" && e.outcome == "found_existing")
    );
}

#[tokio::test]
async fn a_permanent_error_is_recorded_and_not_retried() {
    let w = world().await;
    deliver(&w, ORDER, &signed(ORDER, "s3cret")).await.unwrap();
    w.fortnox.fail_next(AccountingError {
        class: ErrorClass::Permanent,
        status: Some(400),
        code: Some(2001304),
        message: "account not found".into(),
        advice: Some("create the account".into()),
    });
    let JobOutcome::Failed(f) = run_job(&w.worker, &job()).await.unwrap() else {
        panic!("expected failure")
    };
    assert_eq!(f.code, Some(2001304));
    let rec = w
        .store
        .get_order(&tenant(), &OrderId::parse("1001").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, OrderState::Failed);
    assert_eq!(
        run_job(&w.worker, &job()).await.unwrap(),
        JobOutcome::AlreadyDone
    );
    assert_eq!(w.fortnox.invoice_count(), 0);
    // A corrected re-delivery restarts the order.
    let fixed = ORDER.replace("Storgatan 1", "Storgatan 2");
    assert!(matches!(
        deliver(&w, &fixed, &signed(&fixed, "s3cret"))
            .await
            .unwrap(),
        Accepted::Queued { .. }
    ));
    assert!(matches!(
        run_job(&w.worker, &job()).await.unwrap(),
        JobOutcome::Completed { .. }
    ));
    assert_eq!(w.fortnox.invoice_count(), 1);
}

#[tokio::test]
async fn a_held_lease_makes_a_concurrent_job_wait() {
    let w = world().await;
    deliver(&w, ORDER, &signed(ORDER, "s3cret")).await.unwrap();
    let mut rec = w
        .store
        .get_order(&tenant(), &OrderId::parse("1001").unwrap())
        .await
        .unwrap()
        .unwrap();
    rec.lease_until = Some(w.worker.clock.now().unix_timestamp() + 60);
    w.store.save_order(&mut rec).await.unwrap();
    assert!(matches!(
        run_job(&w.worker, &job()).await,
        Err(RetryLater::Busy)
    ));
    assert_eq!(w.fortnox.invoice_count(), 0);
}

#[tokio::test]
async fn document_setting_none_syncs_only_the_customer() {
    let w = world().await;
    let mut t = Tenant::new(tenant());
    t.settings.document = DocumentKind::None;
    w.store.put_tenant(&t).await.unwrap();
    deliver(&w, ORDER, &signed(ORDER, "s3cret")).await.unwrap();
    let out = run_job(&w.worker, &job()).await.unwrap();
    assert_eq!(
        out,
        JobOutcome::Completed {
            state: OrderState::Skipped,
            document: None
        }
    );
    assert_eq!(
        (w.fortnox.customer_count(), w.fortnox.invoice_count()),
        (1, 0)
    );
}

#[tokio::test]
async fn an_unmappable_order_fails_before_anything_is_written_to_fortnox() {
    let w = world().await;
    let body = ORDER.replace("\"vat_rate\": 25}]", "\"vat_rate\": 7}]");
    assert!(body.contains("\"vat_rate\": 7"));
    deliver(&w, &body, &signed(&body, "s3cret")).await.unwrap();
    let JobOutcome::Failed(f) = run_job(&w.worker, &job()).await.unwrap() else {
        panic!("expected failure")
    };
    assert!(f.message.contains("VAT rate 7%"));
    assert_eq!(
        (w.fortnox.customer_count(), w.fortnox.invoice_count()),
        (0, 0)
    );
}
