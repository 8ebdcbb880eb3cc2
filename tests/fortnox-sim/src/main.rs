//! Standalone simulator: `fortnox-sim --port 8089 [--host 127.0.0.1] [--tenant "Demo AB"]`.

use clap::Parser;
use fortnox_sim::{SimConfig, SimState};
use tokio::net::TcpListener;

#[derive(Parser, Debug)]
#[command(name = "fortnox-sim", about = "Fortnox API + OAuth simulator")]
struct Args {
    #[arg(long, env = "FORTNOX_SIM_PORT", default_value_t = 8089)]
    port: u16,
    #[arg(long, env = "FORTNOX_SIM_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Base URL used in `@url` fields (default http://HOST:PORT).
    #[arg(long, env = "FORTNOX_SIM_BASE_URL")]
    base_url: Option<String>,
    /// Create tenants with these company names at start (repeatable).
    #[arg(long = "tenant")]
    tenants: Vec<String>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).await?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let base = args
        .base_url
        .unwrap_or_else(|| format!("http://{host}:{}", addr.port()));
    let state = SimState::new(SimConfig::default());
    state.set_base_url(&base);
    for name in &args.tenants {
        let id = state.add_tenant(name);
        tracing::info!(tenant_id = id, company = %name, "tenant created");
    }
    tracing::info!(%base, "fortnox-sim listening");
    println!("fortnox-sim listening on {base}");
    fortnox_sim::serve(listener, state).await;
    Ok(())
}
