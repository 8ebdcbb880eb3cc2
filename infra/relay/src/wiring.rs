//! [`RelayDeps`] from the shared [`Ports`] (AWS or in-memory), as the Lambdas build theirs.

use std::sync::Arc;

use fortsync_app::oauth::FortnoxAuth;
use fortsync_app::secrets::SecretNames;
use fortsync_fortnox::TokenManager;
use fortsync_handlers::wiring::{FortnoxEndpoints, Ports};

use crate::config::RelayConfig;
use crate::error::RelayError;
use crate::offsets::OffsetStore;
use crate::relay::RelayDeps;

impl RelayDeps {
    /// The token manager refreshes through Fortnox's OAuth endpoints in `endpoints` with the
    /// app credentials at `{prefix}/app/fortnox`; callbacks use a client with
    /// `config.callback_timeout`.
    pub fn from_ports(
        ports: &Ports,
        config: &RelayConfig,
        endpoints: &FortnoxEndpoints,
        offsets: Arc<dyn OffsetStore>,
    ) -> Result<Self, RelayError> {
        let auth: Arc<dyn FortnoxAuth> = ports
            .fortnox_auth(&config.secret_prefix, endpoints)
            .map_err(|e| RelayError::Config(e.to_string()))?;
        let tokens = TokenManager::new(
            ports.secrets.clone(),
            ports.lease.clone(),
            ports.tenants.clone(),
            auth,
            SecretNames::new(config.secret_prefix.clone()),
            ports.clock.clone(),
        );
        let http = reqwest::Client::builder()
            .timeout(config.callback_timeout)
            .connect_timeout(config.callback_timeout)
            .build()
            .map_err(|e| RelayError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            tenants: ports.tenants.clone(),
            secrets: ports.secrets.clone(),
            tokens: Arc::new(tokens),
            offsets,
            clock: ports.clock.clone(),
            http,
        })
    }
}
