//! The AWS adapters against moto (real DynamoDB, SQS and Secrets Manager protocol), checked
//! against the port contracts, and the state table checked against template.yaml.

use fortsync_app::{
    AuditEntry, AuditLog, DeliveryLog, JobQueue, OrderStore, QueueConsumer, SecretStore,
    SecretString, StoreError, TenantStore,
};
use fortsync_aws::dynamo;
use fortsync_aws::{DynamoStore, SecretsManagerStore, SqsQueue};
use fortsync_domain::job::Job;
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::tenant::Tenant;
use fortsync_domain::{OrderId, TenantId, generic};
use fortsync_e2e::{fixture, require_moto};
use fortsync_handlers::local::Backend;
use std::sync::Arc;

struct Aws {
    store: Arc<DynamoStore>,
    queue: SqsQueue,
    secrets: SecretsManagerStore,
    dynamo: fortsync_aws::dynamo_client::Client,
    table: String,
}

async fn aws() -> Aws {
    require_moto();
    let Backend::Aws {
        table,
        queue_url,
        dead_letter_url,
    } = fortsync_local::provision_from_template().await.unwrap()
    else {
        panic!("expected an AWS backend")
    };
    let sdk = fortsync_aws::load_config().await;
    let dynamo = fortsync_aws::dynamo_client::Client::new(&sdk);
    Aws {
        store: Arc::new(DynamoStore::new(dynamo.clone(), &table)),
        queue: SqsQueue::new(
            fortsync_aws::sqs_client::Client::new(&sdk),
            queue_url,
            Some(dead_letter_url),
        ),
        secrets: SecretsManagerStore::new(fortsync_aws::secrets_client::Client::new(&sdk)),
        dynamo,
        table,
    }
}

fn t() -> TenantId {
    TenantId::parse("adapters").unwrap()
}

fn record() -> OrderRecord {
    let order = generic::parse(fixture("order-1001-anna").as_bytes()).unwrap();
    OrderRecord::new(t(), order, "2026-11-22T10:00:00Z")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_provisioned_table_matches_what_the_adapter_writes_and_the_template_declares() {
    let a = aws().await;
    let template = template_check::Template::load().unwrap().table();
    assert_eq!(
        (template.hash_key.as_str(), template.range_key.as_str()),
        (dynamo::HASH_KEY, dynamo::RANGE_KEY)
    );
    assert_eq!(
        template.ttl_attribute.as_deref(),
        Some(dynamo::TTL_ATTRIBUTE)
    );
    let gsi = template
        .gsis
        .iter()
        .find(|g| g.name == dynamo::GSI1)
        .expect("gsi1 in template");
    assert_eq!(
        (gsi.hash_key.as_str(), gsi.range_key.as_deref()),
        (dynamo::GSI1_HASH_KEY, Some(dynamo::GSI1_RANGE_KEY))
    );
    let described = a
        .dynamo
        .describe_table()
        .table_name(&a.table)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let keys: Vec<_> = described
        .key_schema()
        .iter()
        .map(|k| k.attribute_name().to_owned())
        .collect();
    assert_eq!(keys, [dynamo::HASH_KEY, dynamo::RANGE_KEY]);
    let indexes: Vec<_> = described
        .global_secondary_indexes()
        .iter()
        .filter_map(|g| g.index_name())
        .collect();
    assert_eq!(indexes, [dynamo::GSI1]);
}

#[tokio::test(flavor = "multi_thread")]
async fn delivery_claims_are_exclusive_until_they_expire() {
    let a = aws().await;
    assert!(a.store.claim(&t(), "k1", 1_000, 2_000).await.unwrap());
    assert!(!a.store.claim(&t(), "k1", 1_500, 2_500).await.unwrap());
    // Expiry is checked in code: moto (like DynamoDB's lazy TTL) still holds the item.
    assert!(a.store.claim(&t(), "k1", 2_001, 3_000).await.unwrap());
    a.store.release(&t(), "k1").await.unwrap();
    assert!(a.store.claim(&t(), "k1", 2_002, 3_000).await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn of_ten_concurrent_claims_exactly_one_wins() {
    let a = aws().await;
    let claims = (0..10).map(|_| {
        let store = a.store.clone();
        tokio::spawn(async move { store.claim(&t(), "race", 1_000, 9_000).await.unwrap() })
    });
    let wins = futures::future::join_all(claims)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(wins, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn order_records_are_never_overwritten_and_saves_are_versioned() {
    let a = aws().await;
    let mut rec = record();
    assert!(a.store.insert_order(&rec).await.unwrap().is_none());
    let existing = a
        .store
        .insert_order(&rec)
        .await
        .unwrap()
        .expect("second insert returns the stored record");
    assert_eq!(existing, rec);

    let mut stale = rec.clone();
    rec.advance(OrderState::CustomerReady, "2026-11-22T10:01:00Z")
        .unwrap();
    rec.customer_number = Some("7".into());
    a.store.save_order(&mut rec).await.unwrap();
    assert_eq!(rec.version, 1);
    stale.advance(OrderState::Failed, "x").unwrap();
    assert!(matches!(
        a.store.save_order(&mut stale).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        stale.version, 0,
        "a failed save leaves the caller's version alone"
    );
    let stored = a
        .store
        .get_order(&t(), &rec.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, rec);
    assert_eq!(
        stored.order.total, rec.order.total,
        "money survives the round trip exactly"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tenants_and_audit_trails_round_trip_in_order() {
    let a = aws().await;
    let mut tenant = Tenant::new(t());
    tenant.fortnox_tenant_id = Some(42);
    a.store.put_tenant(&tenant).await.unwrap();
    assert_eq!(a.store.get_tenant(&t()).await.unwrap(), Some(tenant));
    assert_eq!(
        a.store
            .get_tenant(&TenantId::parse("missing").unwrap())
            .await
            .unwrap(),
        None
    );

    let order = OrderId::parse("1001").unwrap();
    let entry = |at: &str, step: &str| AuditEntry {
        at: at.into(),
        step: step.into(),
        outcome: "ok".into(),
        detail: None,
        call: None,
    };
    a.store
        .append(
            &t(),
            &order,
            &[
                entry("2026-11-22T10:00:00Z", "a"),
                entry("2026-11-22T10:00:00Z", "b"),
            ],
        )
        .await
        .unwrap();
    a.store
        .append(&t(), &order, &[entry("2026-11-22T10:00:01Z", "c")])
        .await
        .unwrap();
    let steps: Vec<_> = a
        .store
        .list(&t(), &order)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.step)
        .collect();
    assert_eq!(steps, ["a", "b", "c"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_are_created_updated_and_read_at_awscurrent() {
    let a = aws().await;
    let name = format!("fortsync/test-{}/tenants/x/webhook", std::process::id());
    assert_eq!(a.secrets.get_secret(&name).await.unwrap(), None);
    a.secrets
        .put_secret(&name, &SecretString::new("v1"))
        .await
        .unwrap();
    assert_eq!(
        a.secrets.get_secret(&name).await.unwrap().unwrap().expose(),
        "v1"
    );
    a.secrets
        .put_secret(&name, &SecretString::new("v2"))
        .await
        .unwrap();
    assert_eq!(
        a.secrets.get_secret(&name).await.unwrap().unwrap().expose(),
        "v2"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_messages_come_back_until_deleted_and_then_reach_the_dead_letter_queue() {
    let a = aws().await;
    let job = Job::Order {
        tenant: t(),
        order_id: OrderId::parse("1001").unwrap(),
    };
    a.queue.send(&job).await.unwrap();
    let max = template_check::Template::load()
        .unwrap()
        .work_queue()
        .max_receive_count
        .unwrap();
    for attempt in 1..=max {
        let got = a.queue.receive(10).await.unwrap();
        assert_eq!(got.len(), 1, "receive {attempt}");
        assert_eq!(got[0].receive_count, attempt);
        assert_eq!(serde_json::from_str::<Job>(&got[0].body).unwrap(), job);
        a.queue.retry_after(&got[0].receipt, 0).await.unwrap();
    }
    assert!(a.queue.receive(10).await.unwrap().is_empty());
    assert_eq!(
        a.queue.dead_letters().await.unwrap().len(),
        1,
        "moved to the DLQ after maxReceiveCount"
    );

    a.queue.send(&job).await.unwrap();
    let got = a.queue.receive(10).await.unwrap();
    a.queue.delete(&got[0].receipt).await.unwrap();
    assert!(a.queue.receive(10).await.unwrap().is_empty());
}
