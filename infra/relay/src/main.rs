//! `fortsync-relay`: Fortnox WebSocket topics → signed invoice-status callbacks. Runs until
//! SIGTERM or Ctrl-C. Configuration from the environment (see `README.md`).

use std::process::ExitCode;
use std::sync::Arc;

use fortsync_handlers::wiring::{FORTNOX_TIMEOUT, FortnoxEndpoints, Ports};
use fortsync_relay::{DynamoOffsets, RelayDeps, RelayEnv, run};
use tokio::sync::watch;

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let text = std::env::var("FORTSYNC_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("text"));
    if text {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(false)
            .init();
    }
}

/// Resolves on SIGTERM (container stop) or Ctrl-C.
async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM handler not installed; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    let env = match RelayEnv::from_env() {
        Ok(env) => env,
        Err(e) => {
            tracing::error!(error = %e, "relay not started");
            return ExitCode::FAILURE;
        }
    };
    // The relay sends no jobs: the queue URL of the shared ports is never used.
    let ports = Ports::aws(&env.table, "", None).await;
    let sdk = fortsync_aws::load_config().await;
    let offsets = Arc::new(DynamoOffsets::new(
        fortsync_aws::dynamo_client::Client::new(&sdk),
        env.table.clone(),
    ));
    let endpoints = FortnoxEndpoints {
        api_base: env.fortnox_api_base.clone(),
        auth_base: env.fortnox_auth_base.clone(),
        timeout: FORTNOX_TIMEOUT,
    };
    let deps = match RelayDeps::from_ports(&ports, &env.config, &endpoints, offsets) {
        Ok(deps) => deps,
        Err(e) => {
            tracing::error!(error = %e, "relay not started");
            return ExitCode::FAILURE;
        }
    };
    let (stop, shutdown) = watch::channel(false);
    tokio::spawn(async move {
        termination().await;
        tracing::info!("stopping");
        let _ = stop.send(true);
    });
    tracing::info!(topics_url = %env.config.topics_url, topic = %env.config.topic, "relay starting");
    match run(env.config, deps, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "relay stopped");
            ExitCode::FAILURE
        }
    }
}
