//! GET /connect: starts the Fortnox OAuth connect flow (not implemented yet: 501).

use fortsync_handlers::{http, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    lambda_http::run(http::oauth_start_router()).await
}
