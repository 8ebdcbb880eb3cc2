//! POST /callbacks/{tenant}/invoice-status: signed status notifications (not implemented yet: 501).

use fortsync_handlers::{http, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    lambda_http::run(http::invoice_status_router()).await
}
