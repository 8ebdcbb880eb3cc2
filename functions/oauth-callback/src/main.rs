//! GET /oauth/callback: finishes the Fortnox OAuth flow (not implemented yet: 501).

use fortsync_handlers::{http, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    lambda_http::run(http::oauth_callback_router()).await
}
