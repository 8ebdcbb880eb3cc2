//! `POST /webhooks/{tenant}/{platform}`: verify, dedupe, record, enqueue. Never calls Fortnox.

use fortsync_handlers::{Config, http, telemetry, wiring::Ports};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let config = Config::from_env()?;
    let ports = Ports::from_config(&config).await;
    lambda_http::run(http::webhook_router(Arc::new(ports.ingress_for(&config)))).await
}
