//! `fortsync sync` against a deployed-like stack on moto: it queues one sync job per register
//! and reports the last runs from the state table.

use fortsync_app::QueueConsumer;
use fortsync_app::sync::store::{SyncCursor, SyncStore};
use fortsync_domain::TenantId;
use fortsync_domain::job::SyncResource;
use fortsync_handlers::local::Backend;
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn sync_queues_a_job_per_register_and_shows_the_last_run() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "run under make test (moto)"
    );
    let Backend::Aws {
        table, queue_url, ..
    } = fortsync_local::provision_from_template().await.unwrap()
    else {
        panic!("expected AWS backend");
    };
    let sdk = fortsync_aws::load_config().await;
    let store = fortsync_aws::dynamo::DynamoStore::new(
        fortsync_aws::dynamo_client::Client::new(&sdk),
        &table,
    );
    let tenant = TenantId::parse("cli-sync").unwrap();
    store
        .lease(&tenant, SyncResource::Articles, "w", 0, 10)
        .await
        .unwrap()
        .unwrap();
    let done = SyncCursor {
        last_completed: Some("2026-11-23T01:00:00Z".into()),
        last_summary: Some("12 pairs".into()),
        ..SyncCursor::default()
    };
    store
        .release(&tenant, SyncResource::Articles, "w", &done)
        .await
        .unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_fortsync"))
        .args([
            "sync",
            "--tenant",
            "cli-sync",
            "--full",
            "--queue-url",
            &queue_url,
            "--table",
            &table,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("last articles run: 2026-11-23T01:00:00Z (12 pairs)"),
        "{stdout}"
    );
    assert!(stdout.contains("last customers run: never"), "{stdout}");
    assert!(stdout.contains("last invoices run: never"), "{stdout}");
    assert!(
        stdout.contains("queued: articles sync of cli-sync (full)"),
        "{stdout}"
    );

    let queue = fortsync_aws::SqsQueue::new(
        fortsync_aws::sqs_client::Client::new(&sdk),
        &queue_url,
        None,
    );
    let jobs = queue.receive(10).await.unwrap();
    assert_eq!(jobs.len(), 3, "customers, articles, invoices");
    assert!(
        jobs.iter().all(|j| j.body.contains("\"full\":true")),
        "{:?}",
        jobs.iter().map(|j| &j.body).collect::<Vec<_>>()
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_fortsync"))
        .args([
            "sync",
            "--tenant",
            "cli-sync",
            "--resource",
            "orders",
            "--queue-url",
            &queue_url,
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--resource must be one of"));
}
