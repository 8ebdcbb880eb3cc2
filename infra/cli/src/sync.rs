//! `fortsync sync --tenant T [--full] [--resource R]`: queue a register sync on a deployed
//! stack (the worker runs it under its lease, like the hourly tick), and show how the last
//! runs ended.

use fortsync_app::JobQueue;
use fortsync_app::sync::store::SyncStore;
use fortsync_aws::SqsQueue;
use fortsync_aws::dynamo::DynamoStore;
use fortsync_domain::TenantId;
use fortsync_domain::job::{Job, SyncResource};

pub struct SyncArgs {
    pub tenant: String,
    pub full: bool,
    pub resource: Option<String>,
    pub queue_url: String,
    pub table: Option<String>,
}

pub async fn run(args: SyncArgs) -> Result<(), String> {
    let tenant = TenantId::parse(&args.tenant).map_err(|e| e.to_string())?;
    let resources = match args.resource.as_deref() {
        None => SyncResource::ALL.to_vec(),
        Some(r) => vec![SyncResource::parse(r).ok_or_else(|| {
            format!("--resource must be one of customers, articles, invoices (not {r})")
        })?],
    };
    let sdk = fortsync_aws::load_config().await;
    if let Some(table) = &args.table {
        let store = DynamoStore::new(fortsync_aws::dynamo_client::Client::new(&sdk), table);
        for r in &resources {
            let cursor = store.peek(&tenant, *r).await.map_err(|e| e.to_string())?;
            match cursor {
                Some(c) => println!(
                    "last {} run: {} ({}){}",
                    r.as_str(),
                    c.last_completed.as_deref().unwrap_or("never completed"),
                    c.last_summary.as_deref().unwrap_or("-"),
                    if c.run.is_some() {
                        "; a run is in progress or was interrupted"
                    } else {
                        ""
                    }
                ),
                None => println!("last {} run: never", r.as_str()),
            }
        }
    }
    let queue = SqsQueue::new(
        fortsync_aws::sqs_client::Client::new(&sdk),
        &args.queue_url,
        None,
    );
    for resource in resources {
        queue
            .send(&Job::Sync {
                tenant: tenant.clone(),
                resource,
                full: args.full,
            })
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "queued: {} sync of {tenant}{}",
            resource.as_str(),
            if args.full { " (full)" } else { "" }
        );
    }
    Ok(())
}
