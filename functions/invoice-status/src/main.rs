//! POST /callbacks/{tenant}/invoice-status: signed status notifications → the work queue.

use fortsync_handlers::{Config, http, telemetry, wiring::Ports};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let config = Config::from_env()?;
    let ports = Ports::from_config(&config).await;
    let deps = Arc::new(ports.ingress_for(&config));
    lambda_http::run(http::invoice_status_router(deps)).await
}
