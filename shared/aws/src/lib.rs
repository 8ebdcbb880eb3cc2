//! AWS adapters for the app's ports: DynamoDB (state table), SQS (work queue), Secrets
//! Manager (tokens and signing secrets), plus `provision` for local stacks and tests.
//!
//! # Layout
//! - [`config`]: one `SdkConfig` with timeouts, honouring `AWS_ENDPOINT_URL` (moto).
//! - [`dynamo`]: `DynamoStore` — tenants, delivery claims, order records, audit trail.
//! - [`sqs`]: `SqsQueue` — job sender and (for the local runner) consumer.
//! - [`secrets`]: the `SecretsManagerStore` adapter.
//! - [`provision`]: create the table and queues from their definitions.

mod batch;
pub mod config;
pub mod dynamo;
pub mod provision;
pub mod rate;
pub mod secrets;
pub mod sqs;
pub mod sync;

pub use config::load as load_config;
pub use dynamo::DynamoStore;
pub use rate::DynamoRateWindow;
pub use secrets::SecretsManagerStore;
pub use sqs::SqsQueue;

/// The full error chain of an SDK error (its `Display` alone says only "service error").
pub(crate) fn describe<E: std::error::Error>(e: &E) -> String {
    aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string()
}

/// The SDK crates, so callers need no direct dependency on them.
pub use aws_sdk_dynamodb as dynamo_client;
pub use aws_sdk_secretsmanager as secrets_client;
pub use aws_sdk_sqs as sqs_client;
