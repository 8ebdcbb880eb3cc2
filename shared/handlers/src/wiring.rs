//! AWS-backed ports, built once per Lambda sandbox.

use crate::config::Config;
use fortsync_app::ingress::IngressDeps;
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::worker::WorkerDeps;
use fortsync_app::{Clock, SystemClock};
use fortsync_aws::{DynamoStore, SecretsManagerStore, SqsQueue};
use fortsync_fortnox::{FortnoxClient, FortnoxConnector, RetryPolicy, Throttle};
use std::sync::Arc;
use std::time::Duration;

/// How long a webhook secret is cached; a rotated secret is also picked up on the first
/// signature failure (at most once a minute).
const SECRET_TTL: Duration = Duration::from_secs(300);
/// Fortnox tokens are re-read often: a refresh elsewhere must be seen quickly.
const TOKEN_TTL: Duration = Duration::from_secs(60);
/// Below the worker's 60 s timeout, leaving room for retries and recording the outcome.
const FORTNOX_TIMEOUT: Duration = Duration::from_secs(15);

pub struct AwsPorts {
    pub store: Arc<DynamoStore>,
    pub queue: Arc<SqsQueue>,
    pub secrets: Arc<SecretsManagerStore>,
    pub clock: Arc<dyn Clock>,
}

impl AwsPorts {
    pub async fn build(config: &Config) -> Self {
        let sdk = fortsync_aws::load_config().await;
        Self {
            store: Arc::new(DynamoStore::new(
                aws_sdk_dynamodb_client(&sdk),
                &config.table,
            )),
            queue: Arc::new(SqsQueue::new(
                aws_sdk_sqs_client(&sdk),
                &config.queue_url,
                None,
            )),
            secrets: Arc::new(SecretsManagerStore::new(aws_sdk_secretsmanager_client(
                &sdk,
            ))),
            clock: Arc::new(SystemClock),
        }
    }

    pub fn ingress(&self, config: &Config) -> IngressDeps {
        IngressDeps {
            tenants: self.store.clone(),
            deliveries: self.store.clone(),
            orders: self.store.clone(),
            queue: self.queue.clone(),
            secrets: Arc::new(SecretCache::new(self.secrets.clone(), SECRET_TTL)),
            names: SecretNames::new(&config.secret_prefix),
            clock: self.clock.clone(),
            max_body_bytes: config.max_body_bytes,
        }
    }

    pub fn worker(&self, config: &Config) -> Result<WorkerDeps, fortsync_fortnox::FortnoxError> {
        Ok(WorkerDeps {
            tenants: self.store.clone(),
            orders: self.store.clone(),
            audit: self.store.clone(),
            accounting: Arc::new(FortnoxConnector {
                http: FortnoxClient::http_client(FORTNOX_TIMEOUT)?,
                api_base: config.fortnox_api_base.clone(),
                secrets: Arc::new(SecretCache::new(self.secrets.clone(), TOKEN_TTL)),
                names: SecretNames::new(&config.secret_prefix),
                throttle: Arc::new(Throttle::default()),
                retry: RetryPolicy::default(),
                clock: self.clock.clone(),
            }),
            clock: self.clock.clone(),
        })
    }
}

// The SDK clients are re-exported through fortsync-aws's dependencies.
fn aws_sdk_dynamodb_client(sdk: &aws_config::SdkConfig) -> fortsync_aws::dynamo_client::Client {
    fortsync_aws::dynamo_client::Client::new(sdk)
}
fn aws_sdk_sqs_client(sdk: &aws_config::SdkConfig) -> fortsync_aws::sqs_client::Client {
    fortsync_aws::sqs_client::Client::new(sdk)
}
fn aws_sdk_secretsmanager_client(
    sdk: &aws_config::SdkConfig,
) -> fortsync_aws::secrets_client::Client {
    fortsync_aws::secrets_client::Client::new(sdk)
}
