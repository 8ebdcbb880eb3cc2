//! `GET /connect`: an admin's signed link → state + nonce cookie → Fortnox consent.

use fortsync_handlers::{Config, oauth, telemetry, wiring::Ports};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let config = Config::from_env()?;
    let ports = Ports::from_config(&config).await;
    lambda_http::run(oauth::start_router(ports.oauth_for(&config)?)).await
}
