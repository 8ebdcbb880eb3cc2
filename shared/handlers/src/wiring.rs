//! The ports a function needs, built once per sandbox (or once per local stack), and the
//! use-case dependencies assembled from them. Lambda `main`s and the local stack share this.

use crate::config::Config;
use crate::oauth::OAuthRoutes;
use crate::shops::ShopApis;
use fortsync_app::connect::ConnectDeps;
use fortsync_app::ingress::IngressDeps;
use fortsync_app::memory::MemoryRateWindow;
use fortsync_app::memory::{MemoryQueue, MemorySecrets, MemoryStore};
use fortsync_app::oauth::{FortnoxAuth, OAuthStateStore, TokenLease};
use fortsync_app::rate::{RateLimit, RateWindow};
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::sync::SyncDeps;
use fortsync_app::worker::WorkerDeps;
use fortsync_app::*;
use fortsync_aws::{DynamoRateWindow, DynamoStore, SecretsManagerStore, SqsQueue};
use fortsync_fortnox::{
    FortnoxClient, FortnoxConnector, FortnoxError, FortnoxOAuth, RetryPolicy, Throttle,
    TokenManager,
};
use std::sync::Arc;
use std::time::Duration;

/// How long a webhook secret is cached; a rotated secret is also picked up on the first
/// signature failure (at most once a minute).
const WEBHOOK_SECRET_TTL: Duration = Duration::from_secs(300);
/// The Fortnox app's client id and secret change rarely.
const APP_SECRET_TTL: Duration = Duration::from_secs(300);
/// Below the worker's 60 s timeout, leaving room for retries and recording the outcome.
pub const FORTNOX_TIMEOUT: Duration = Duration::from_secs(15);
/// Shops answer within seconds; a slow one is retried by the queue.
const SHOP_TIMEOUT: Duration = Duration::from_secs(20);

/// A process-unique id for sync leases (time and address entropy; not a secret).
fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

pub struct Ports {
    pub tenants: Arc<dyn TenantStore>,
    pub deliveries: Arc<dyn DeliveryLog>,
    pub orders: Arc<dyn OrderStore>,
    pub audit: Arc<dyn AuditLog>,
    pub customers: Arc<dyn CustomerIndex>,
    pub articles: Arc<dyn ArticleIndex>,
    /// Register-sync cursors, leases and snapshots.
    pub sync_store: Arc<dyn fortsync_app::sync::store::SyncStore>,
    pub secrets: Arc<dyn SecretStore>,
    pub states: Arc<dyn OAuthStateStore>,
    pub lease: Arc<dyn TokenLease>,
    /// Fortnox's per-tenant request budget, shared by every instance.
    pub rate: Arc<dyn RateWindow>,
    pub queue: Arc<dyn JobQueue>,
    /// Used by the local queue pump only; in AWS, Lambda's event-source mapping consumes.
    pub consumer: Arc<dyn QueueConsumer>,
    pub clock: Arc<dyn Clock>,
    /// Fortnox's per-tenant limit the pacing keeps to (tests scale its time down).
    pub rate_limit: RateLimit,
}

impl Ports {
    /// DynamoDB, SQS and Secrets Manager (at `AWS_ENDPOINT_URL` when set, e.g. moto).
    pub async fn aws(table: &str, queue_url: &str, dead_letter_url: Option<String>) -> Self {
        Self::aws_with(table, queue_url, dead_letter_url, RateLimit::default()).await
    }

    pub async fn aws_with(
        table: &str,
        queue_url: &str,
        dead_letter_url: Option<String>,
        rate_limit: RateLimit,
    ) -> Self {
        let sdk = fortsync_aws::load_config().await;
        let dynamo = fortsync_aws::dynamo_client::Client::new(&sdk);
        let rate = Arc::new(DynamoRateWindow::new(dynamo.clone(), table, rate_limit));
        let store = Arc::new(DynamoStore::new(dynamo, table));
        let queue = Arc::new(SqsQueue::new(
            fortsync_aws::sqs_client::Client::new(&sdk),
            queue_url,
            dead_letter_url,
        ));
        Self {
            tenants: store.clone(),
            deliveries: store.clone(),
            orders: store.clone(),
            audit: store.clone(),
            customers: store.clone(),
            articles: store.clone(),
            sync_store: store.clone(),
            states: store.clone(),
            lease: store,
            rate,
            secrets: Arc::new(SecretsManagerStore::new(
                fortsync_aws::secrets_client::Client::new(&sdk),
            )),
            queue: queue.clone(),
            consumer: queue,
            clock: Arc::new(SystemClock),
            rate_limit,
        }
    }

    /// In-memory twins with the deployed queue's visibility timeout and receive limit.
    pub fn memory() -> Self {
        Self::memory_with(RateLimit::default())
    }

    pub fn memory_with(rate_limit: RateLimit) -> Self {
        let store = Arc::new(MemoryStore::default());
        let queue = Arc::new(MemoryQueue::new(Duration::from_secs(366), 8));
        Self {
            tenants: store.clone(),
            deliveries: store.clone(),
            orders: store.clone(),
            audit: store.clone(),
            customers: store.clone(),
            articles: store.clone(),
            sync_store: Arc::new(fortsync_app::memory::MemorySyncStore::default()),
            states: store.clone(),
            lease: store,
            rate: Arc::new(MemoryRateWindow::new(rate_limit)),
            secrets: Arc::new(MemorySecrets::default()),
            queue: queue.clone(),
            consumer: queue,
            clock: Arc::new(SystemClock),
            rate_limit,
        }
    }

    pub async fn from_config(config: &Config) -> Self {
        Self::aws(&config.table, &config.queue_url, None).await
    }

    pub fn ingress(&self, secret_prefix: &str, max_body_bytes: usize) -> IngressDeps {
        IngressDeps {
            tenants: self.tenants.clone(),
            deliveries: self.deliveries.clone(),
            orders: self.orders.clone(),
            queue: self.queue.clone(),
            secrets: Arc::new(SecretCache::new(self.secrets.clone(), WEBHOOK_SECRET_TTL)),
            names: SecretNames::new(secret_prefix),
            clock: self.clock.clone(),
            max_body_bytes,
        }
    }

    /// Fortnox's OAuth endpoints with the app credentials from Secrets Manager.
    pub fn fortnox_auth(
        &self,
        secret_prefix: &str,
        endpoints: &FortnoxEndpoints,
    ) -> Result<Arc<FortnoxOAuth>, FortnoxError> {
        Ok(Arc::new(FortnoxOAuth {
            http: FortnoxClient::http_client(endpoints.timeout)?,
            auth_base: endpoints.auth_base.clone(),
            api_base: endpoints.api_base.clone(),
            secrets: Arc::new(SecretCache::new(self.secrets.clone(), APP_SECRET_TTL)),
            names: SecretNames::new(secret_prefix),
        }))
    }

    pub fn worker(
        &self,
        secret_prefix: &str,
        endpoints: &FortnoxEndpoints,
        retry: RetryPolicy,
    ) -> Result<WorkerDeps, FortnoxError> {
        let auth: Arc<dyn FortnoxAuth> = self.fortnox_auth(secret_prefix, endpoints)?;
        let tokens = TokenManager::new(
            self.secrets.clone(),
            self.lease.clone(),
            self.tenants.clone(),
            auth,
            SecretNames::new(secret_prefix),
            self.clock.clone(),
        );
        // One connector (tokens, pacing) for orders and the register sync: they share the
        // tenant's Fortnox budget.
        let fortnox = Arc::new(FortnoxConnector {
            http: FortnoxClient::http_client(endpoints.timeout)?,
            api_base: endpoints.api_base.clone(),
            tokens: Arc::new(tokens),
            throttle: Arc::new(Throttle::distributed(self.rate_limit, self.rate.clone())),
            retry,
        });
        let sync = SyncDeps {
            tenants: self.tenants.clone(),
            store: self.sync_store.clone(),
            registers: fortnox.clone(),
            shops: Arc::new(ShopApis::new(
                Arc::new(SecretCache::new(self.secrets.clone(), APP_SECRET_TTL)),
                SecretNames::new(secret_prefix),
                SHOP_TIMEOUT,
            )),
            articles: self.articles.clone(),
            customers: self.customers.clone(),
            audit: self.audit.clone(),
            queue: self.queue.clone(),
            clock: self.clock.clone(),
            owner: format!("sync-{:016x}", rand_id()),
        };
        Ok(WorkerDeps {
            tenants: self.tenants.clone(),
            customers: self.customers.clone(),
            articles: self.articles.clone(),
            orders: self.orders.clone(),
            audit: self.audit.clone(),
            accounting: fortnox,
            clock: self.clock.clone(),
            sync: Some(Arc::new(sync)),
        })
    }

    pub fn connect(
        &self,
        secret_prefix: &str,
        endpoints: &FortnoxEndpoints,
    ) -> Result<ConnectDeps, FortnoxError> {
        Ok(ConnectDeps {
            states: self.states.clone(),
            tenants: self.tenants.clone(),
            orders: self.orders.clone(),
            queue: self.queue.clone(),
            secrets: self.secrets.clone(),
            names: SecretNames::new(secret_prefix),
            auth: self.fortnox_auth(secret_prefix, endpoints)?,
            clock: self.clock.clone(),
        })
    }

    /// The order-webhook function's dependencies from its environment.
    pub fn ingress_for(&self, config: &Config) -> IngressDeps {
        self.ingress(&config.secret_prefix, config.max_body_bytes)
    }

    /// The worker function's dependencies from its environment.
    pub fn worker_for(&self, config: &Config) -> Result<WorkerDeps, FortnoxError> {
        self.worker(
            &config.secret_prefix,
            &FortnoxEndpoints::from_config(config),
            RetryPolicy::default(),
        )
    }

    /// The OAuth functions' routes from their environment.
    pub fn oauth_for(&self, config: &Config) -> Result<Arc<OAuthRoutes>, FortnoxError> {
        Ok(Arc::new(OAuthRoutes {
            deps: self.connect(
                &config.secret_prefix,
                &FortnoxEndpoints::from_config(config),
            )?,
            public_base_url: config.public_base_url.clone(),
        }))
    }
}

/// Where Fortnox is, and how long to wait for it.
#[derive(Debug, Clone)]
pub struct FortnoxEndpoints {
    pub api_base: String,
    pub auth_base: String,
    pub timeout: Duration,
}

impl FortnoxEndpoints {
    pub fn from_config(config: &Config) -> Self {
        Self {
            api_base: config.fortnox_api_base.clone(),
            auth_base: config.fortnox_auth_base.clone(),
            timeout: FORTNOX_TIMEOUT,
        }
    }
}
