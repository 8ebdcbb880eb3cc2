//! The whole system in one process: every function's route on one router, the worker fed by a
//! pump that plays Lambda's SQS event-source mapping (receive → batch → delete successes, make
//! failures visible again). Backends: in-memory twins, or real DynamoDB/SQS/Secrets Manager
//! protocol (moto) through the same adapters the Lambdas use.

use crate::http;
use crate::sqs::{Disposition, handle_batch};
use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use axum::Router;
use fortsync_app::ingress::IngressDeps;
use fortsync_app::memory::{MemoryQueue, MemorySecrets, MemoryStore};
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::worker::WorkerDeps;
use fortsync_app::*;
use fortsync_aws::{DynamoStore, SecretsManagerStore, SqsQueue};
use fortsync_domain::tenant::Tenant;
use fortsync_fortnox::{FortnoxClient, FortnoxConnector, RetryPolicy, StoredToken, Throttle};
use std::sync::Arc;
use std::time::Duration;

pub enum Backend {
    Memory,
    /// Real AWS protocol against `AWS_ENDPOINT_URL` (moto) or AWS itself.
    Aws {
        table: String,
        queue_url: String,
        dead_letter_url: String,
    },
}

pub struct StackOptions {
    pub backend: Backend,
    pub fortnox_api_base: String,
    pub secret_prefix: String,
    pub retry: RetryPolicy,
    pub fortnox_timeout: Duration,
    pub max_body_bytes: usize,
}

pub struct Stack {
    pub tenants: Arc<dyn TenantStore>,
    pub orders: Arc<dyn OrderStore>,
    pub audit: Arc<dyn AuditLog>,
    pub secrets: Arc<dyn SecretStore>,
    pub consumer: Arc<dyn QueueConsumer>,
    pub ingress: Arc<IngressDeps>,
    pub worker: Arc<WorkerDeps>,
    pub names: SecretNames,
}

struct Ports {
    tenants: Arc<dyn TenantStore>,
    deliveries: Arc<dyn DeliveryLog>,
    orders: Arc<dyn OrderStore>,
    audit: Arc<dyn AuditLog>,
    secrets: Arc<dyn SecretStore>,
    queue: Arc<dyn JobQueue>,
    consumer: Arc<dyn QueueConsumer>,
}

async fn ports(backend: &Backend) -> Ports {
    match backend {
        Backend::Memory => {
            let store = Arc::new(MemoryStore::default());
            let queue = Arc::new(MemoryQueue::new(Duration::from_secs(360), 8));
            Ports {
                tenants: store.clone(),
                deliveries: store.clone(),
                orders: store.clone(),
                audit: store,
                secrets: Arc::new(MemorySecrets::default()),
                queue: queue.clone(),
                consumer: queue,
            }
        }
        Backend::Aws {
            table,
            queue_url,
            dead_letter_url,
        } => {
            let sdk = fortsync_aws::load_config().await;
            let store = Arc::new(DynamoStore::new(
                fortsync_aws::dynamo_client::Client::new(&sdk),
                table,
            ));
            let queue = Arc::new(SqsQueue::new(
                fortsync_aws::sqs_client::Client::new(&sdk),
                queue_url,
                Some(dead_letter_url.clone()),
            ));
            Ports {
                tenants: store.clone(),
                deliveries: store.clone(),
                orders: store.clone(),
                audit: store,
                secrets: Arc::new(SecretsManagerStore::new(
                    fortsync_aws::secrets_client::Client::new(&sdk),
                )),
                queue: queue.clone(),
                consumer: queue,
            }
        }
    }
}

impl Stack {
    pub async fn build(opts: StackOptions) -> Result<Self, String> {
        let p = ports(&opts.backend).await;
        let names = SecretNames::new(&opts.secret_prefix);
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let ingress = IngressDeps {
            tenants: p.tenants.clone(),
            deliveries: p.deliveries,
            orders: p.orders.clone(),
            queue: p.queue,
            secrets: Arc::new(SecretCache::new(
                p.secrets.clone(),
                Duration::from_secs(300),
            )),
            names: names.clone(),
            clock: clock.clone(),
            max_body_bytes: opts.max_body_bytes,
        };
        let worker = WorkerDeps {
            tenants: p.tenants.clone(),
            orders: p.orders.clone(),
            audit: p.audit.clone(),
            accounting: Arc::new(FortnoxConnector {
                http: FortnoxClient::http_client(opts.fortnox_timeout)
                    .map_err(|e| e.to_string())?,
                api_base: opts.fortnox_api_base,
                secrets: Arc::new(SecretCache::new(p.secrets.clone(), Duration::from_secs(1))),
                names: names.clone(),
                throttle: Arc::new(Throttle::default()),
                retry: opts.retry,
                clock: clock.clone(),
            }),
            clock,
        };
        Ok(Self {
            tenants: p.tenants,
            orders: p.orders,
            audit: p.audit,
            secrets: p.secrets,
            consumer: p.consumer,
            ingress: Arc::new(ingress),
            worker: Arc::new(worker),
            names,
        })
    }

    /// Every function's routes, as API Gateway would route them, plus `GET /healthz`.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(http::webhook_router(self.ingress.clone()))
            .merge(http::oauth_start_router())
            .merge(http::oauth_callback_router())
            .merge(http::invoice_status_router())
            .route("/healthz", axum::routing::get(|| async { "ok" }))
    }

    /// Register a tenant with a directly provisioned Fortnox token and a webhook secret (the
    /// OAuth connect flow will do this for real).
    pub async fn connect_tenant(
        &self,
        tenant: &Tenant,
        token: &StoredToken,
        webhook_secret: &str,
    ) -> Result<(), String> {
        let token_json = serde_json::to_string(token).map_err(|e| e.to_string())?;
        self.secrets
            .put_secret(
                &self.names.fortnox_token(&tenant.id),
                &SecretString::new(token_json),
            )
            .await
            .map_err(|e| e.to_string())?;
        let webhook = serde_json::json!({"current": webhook_secret}).to_string();
        self.secrets
            .put_secret(&self.names.webhook(&tenant.id), &SecretString::new(webhook))
            .await
            .map_err(|e| e.to_string())?;
        self.tenants
            .put_tenant(tenant)
            .await
            .map_err(|e| e.to_string())
    }

    /// Feed queued jobs to the worker until the queue is empty (or `max_rounds` batches).
    /// Failed messages become visible again at once, so retries happen within the pump.
    pub async fn pump(&self, max_rounds: usize) -> Result<Vec<Disposition>, String> {
        let mut all = Vec::new();
        for _ in 0..max_rounds {
            let received = self.consumer.receive(10).await.map_err(|e| e.to_string())?;
            if received.is_empty() {
                break;
            }
            let mut event = SqsEvent::default();
            event.records = received
                .iter()
                .map(|m| {
                    let mut msg = SqsMessage::default();
                    msg.message_id = Some(m.message_id.clone());
                    msg.receipt_handle = Some(m.receipt.clone());
                    msg.body = Some(m.body.clone());
                    msg
                })
                .collect();
            let (response, dispositions) = handle_batch(&self.worker, event).await;
            for m in &received {
                let failed = response
                    .batch_item_failures
                    .iter()
                    .any(|f| f.item_identifier == m.message_id);
                let done = if failed {
                    self.consumer.retry_after(&m.receipt, 0).await
                } else {
                    self.consumer.delete(&m.receipt).await
                };
                done.map_err(|e| e.to_string())?;
            }
            all.extend(dispositions);
        }
        Ok(all)
    }
}
