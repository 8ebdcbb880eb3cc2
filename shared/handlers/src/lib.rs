//! Thin handlers between the outside world and the use cases, shared by the Lambda binaries
//! (`functions/*`) and the local stack (`fortsync demo|serve`, end-to-end tests).
//!
//! # Layout
//! - [`config`]: environment → typed config, read once at INIT.
//! - [`wiring`]: builds the AWS-backed ports once per sandbox.
//! - [`http`]: axum routers for the HTTP functions (run by `lambda_http` or a local server).
//! - [`oauth`]: `/connect`, `/oauth/callback`, `/disconnect` (HTML for the admin).
//! - [`sqs`]: the worker's SQS batch handler with partial batch failures.
//! - [`schedule`]: the hourly EventBridge handler.
//! - [`local`]: the whole system in one process (in-memory or moto backends) plus a queue
//!   pump that plays Lambda's SQS event-source mapping.
//! - [`telemetry`]: tracing setup.

pub mod config;
pub mod http;
pub mod local;
pub mod oauth;
pub mod schedule;
pub mod shops;
pub mod sqs;
pub mod telemetry;
pub mod wiring;

pub use config::Config;
