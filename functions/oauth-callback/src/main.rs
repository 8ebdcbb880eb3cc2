//! `GET /oauth/callback` (Fortnox → fortsync: code exchange, tokens stored, tenant connected)
//! and `POST /disconnect`.

use fortsync_handlers::{Config, oauth, telemetry, wiring::Ports};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let config = Config::from_env()?;
    let ports = Ports::from_config(&config).await;
    lambda_http::run(oauth::callback_router(ports.oauth_for(&config)?)).await
}
