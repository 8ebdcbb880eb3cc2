//! The whole system in one process: every function's route on one router, the worker fed by a
//! pump that plays Lambda's SQS event-source mapping (receive → batch → delete successes, make
//! failures visible again). Backends: in-memory twins, or real DynamoDB/SQS/Secrets Manager
//! protocol (moto) through the same adapters the Lambdas use.

use crate::http;
use crate::oauth::{self, OAuthRoutes};
use crate::sqs::{Disposition, handle_batch};
use crate::wiring::{FortnoxEndpoints, Ports};
use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use axum::Router;
use fortsync_app::ingress::IngressDeps;
use fortsync_app::secrets::SecretNames;
use fortsync_app::worker::WorkerDeps;
use fortsync_app::*;
use fortsync_domain::tenant::Tenant;
use fortsync_fortnox::{RetryPolicy, StoredToken};
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
    pub fortnox_auth_base: String,
    pub secret_prefix: String,
    pub retry: RetryPolicy,
    pub fortnox_timeout: Duration,
    pub max_body_bytes: usize,
    pub rate_limit: fortsync_app::rate::RateLimit,
}

pub struct Stack {
    pub tenants: Arc<dyn TenantStore>,
    pub orders: Arc<dyn OrderStore>,
    pub audit: Arc<dyn AuditLog>,
    pub secrets: Arc<dyn SecretStore>,
    pub consumer: Arc<dyn QueueConsumer>,
    pub ingress: Arc<IngressDeps>,
    pub worker: Arc<WorkerDeps>,
    pub oauth: Arc<OAuthRoutes>,
    pub names: SecretNames,
}

impl Stack {
    pub async fn build(opts: StackOptions) -> Result<Self, String> {
        let ports = match &opts.backend {
            Backend::Memory => Ports::memory_with(opts.rate_limit),
            Backend::Aws {
                table,
                queue_url,
                dead_letter_url,
            } => {
                Ports::aws_with(
                    table,
                    queue_url,
                    Some(dead_letter_url.clone()),
                    opts.rate_limit,
                )
                .await
            }
        };
        let ingress = ports.ingress(&opts.secret_prefix, opts.max_body_bytes);
        let endpoints = FortnoxEndpoints {
            api_base: opts.fortnox_api_base.clone(),
            auth_base: opts.fortnox_auth_base.clone(),
            timeout: opts.fortnox_timeout,
        };
        let worker = ports
            .worker(&opts.secret_prefix, &endpoints, opts.retry)
            .map_err(|e| e.to_string())?;
        let oauth = OAuthRoutes {
            deps: ports
                .connect(&opts.secret_prefix, &endpoints)
                .map_err(|e| e.to_string())?,
            public_base_url: None,
        };
        Ok(Self {
            tenants: ports.tenants,
            orders: ports.orders,
            audit: ports.audit,
            secrets: ports.secrets,
            consumer: ports.consumer,
            ingress: Arc::new(ingress),
            worker: Arc::new(worker),
            oauth: Arc::new(oauth),
            names: SecretNames::new(&opts.secret_prefix),
        })
    }

    /// Every function's routes, as API Gateway would route them, plus `GET /healthz`.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(http::webhook_router(self.ingress.clone()))
            .merge(oauth::start_router(self.oauth.clone()))
            .merge(oauth::callback_router(self.oauth.clone()))
            .merge(http::invoice_status_router(self.ingress.clone()))
            .route("/healthz", axum::routing::get(|| async { "ok" }))
    }

    /// Store the deployment's secrets: the Fortnox app's client credentials and the admin link
    /// key (in AWS an admin creates these once; see the README).
    pub async fn configure_app(
        &self,
        client_id: &str,
        client_secret: &str,
        link_key: &str,
    ) -> Result<(), String> {
        let app =
            serde_json::json!({"client_id": client_id, "client_secret": client_secret}).to_string();
        self.secrets
            .put_secret(&self.names.fortnox_app(), &SecretString::new(app))
            .await
            .map_err(|e| e.to_string())?;
        let admin = serde_json::json!({"link_key": link_key}).to_string();
        self.secrets
            .put_secret(&self.names.admin(), &SecretString::new(admin))
            .await
            .map_err(|e| e.to_string())
    }

    /// Store a tenant's webhook signing secret.
    pub async fn set_webhook_secret(
        &self,
        tenant: &fortsync_domain::TenantId,
        secret: &str,
    ) -> Result<(), String> {
        let webhook = serde_json::json!({"current": secret}).to_string();
        self.secrets
            .put_secret(&self.names.webhook(tenant), &SecretString::new(webhook))
            .await
            .map_err(|e| e.to_string())
    }

    /// Register a tenant with a directly provisioned Fortnox token and a webhook secret,
    /// skipping the connect flow (fixture tests that do not talk to Fortnox).
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
        self.set_webhook_secret(&tenant.id, webhook_secret).await?;
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
