//! Connecting a tenant to Fortnox (OAuth2 authorization code flow) and disconnecting it.
//!
//! `/connect` is opened by an admin from a signed link (`admin_link`): HMAC-SHA256 over purpose,
//! tenant, mode and expiry with the deployment's link key (`{prefix}/app/admin`). It stores a
//! random single-use `state` (hashed) bound to a nonce cookie in the admin's browser and
//! redirects to Fortnox. The callback consumes the state exactly once, checks the cookie in
//! constant time, exchanges the code, reads the company, stores the token and the tenant, and
//! requeues the tenant's parked orders. Nothing is stored when any step fails.

use crate::oauth::{AuthError, FortnoxAuth, OAuthState, OAuthStateStore, StoredToken};
use crate::ports::{
    Clock, JobQueue, OrderStore, SecretStore, SecretString, StoreError, TenantStore,
};
use crate::secrets::SecretNames;
use base64::Engine;
use fortsync_domain::TenantId;
use fortsync_domain::job::Job;
use fortsync_domain::state::OrderState;
use fortsync_domain::tenant::{AuthMode, Tenant, TenantStatus};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;
use thiserror::Error;

pub const COOKIE: &str = "fortsync_oauth";
/// How long the admin has to finish consenting at Fortnox (Fortnox's codes live 10 minutes).
const STATE_TTL_SECS: i64 = 600;
/// Longest validity an admin link may claim.
const MAX_LINK_SECS: i64 = 7 * 24 * 3600;

pub struct ConnectDeps {
    pub states: Arc<dyn OAuthStateStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub orders: Arc<dyn OrderStore>,
    pub queue: Arc<dyn JobQueue>,
    pub secrets: Arc<dyn SecretStore>,
    pub names: SecretNames,
    pub auth: Arc<dyn FortnoxAuth>,
    pub clock: Arc<dyn Clock>,
}

/// Errors shown to the admin as a page; the text says what to do and never holds a secret.
#[derive(Debug, Error)]
pub enum ConnectError {
    #[error(
        "This connect link is invalid or has expired. Create a new one with `fortsync connect-link`."
    )]
    Forbidden,
    #[error("{0}")]
    BadRequest(String),
    #[error(
        "Access was not granted in Fortnox, so nothing was connected. Open the connect link again and approve the integration."
    )]
    Denied,
    #[error("This sign-in attempt has expired or was already used. Open the connect link again.")]
    StateInvalid,
    #[error(
        "This sign-in was started in another browser (or cookies are blocked). Open the connect link again in this browser."
    )]
    CookieMismatch,
    #[error("Fortnox did not complete the connection: {0}")]
    Fortnox(String),
    #[error("fortsync is temporarily unavailable; try again in a minute.")]
    Unavailable(String),
}

impl From<StoreError> for ConnectError {
    fn from(e: StoreError) -> Self {
        ConnectError::Unavailable(e.to_string())
    }
}

impl From<AuthError> for ConnectError {
    fn from(e: AuthError) -> Self {
        ConnectError::Fortnox(e.to_string())
    }
}

/// The admin link key: `{"link_key": "..."}` in `{prefix}/app/admin`.
#[derive(Deserialize)]
struct AdminSecret {
    link_key: String,
}

fn link_message(purpose: &str, tenant: &str, mode: AuthMode, expires: i64) -> String {
    format!("{purpose}\n{tenant}\n{}\n{expires}", mode.as_str())
}

fn hmac_hex(key: &[u8], message: &str) -> String {
    Hmac::<Sha256>::new_from_slice(key)
        .map(|mut mac| {
            mac.update(message.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        })
        .unwrap_or_default()
}

/// The signature of an admin link (also used by `fortsync connect-link` and the demo).
pub fn sign_link(
    link_key: &str,
    purpose: &str,
    tenant: &TenantId,
    mode: AuthMode,
    expires: i64,
) -> String {
    hmac_hex(
        link_key.as_bytes(),
        &link_message(purpose, tenant.as_str(), mode, expires),
    )
}

/// The query string of an admin link for `purpose` ("connect" or "disconnect").
pub fn admin_query(
    link_key: &str,
    purpose: &str,
    tenant: &TenantId,
    mode: AuthMode,
    expires: i64,
) -> String {
    let sig = sign_link(link_key, purpose, tenant, mode, expires);
    format!(
        "tenant={tenant}&mode={}&expires={expires}&sig={sig}",
        mode.as_str()
    )
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A request to `/connect` or `/disconnect`.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminRequest {
    pub tenant: String,
    #[serde(default)]
    pub mode: Option<String>,
    pub expires: i64,
    pub sig: String,
}

impl AdminRequest {
    fn mode(&self) -> Result<AuthMode, ConnectError> {
        match self.mode.as_deref() {
            None => Ok(AuthMode::Code),
            Some(m) => AuthMode::parse(m)
                .ok_or_else(|| ConnectError::BadRequest("mode must be code or service".into())),
        }
    }
}

async fn verify_admin(
    deps: &ConnectDeps,
    purpose: &str,
    req: &AdminRequest,
) -> Result<(TenantId, AuthMode), ConnectError> {
    let tenant = TenantId::parse(&req.tenant).map_err(|_| ConnectError::Forbidden)?;
    let mode = req.mode()?;
    let now = deps.clock.now().unix_timestamp();
    if req.expires < now || req.expires > now + MAX_LINK_SECS {
        return Err(ConnectError::Forbidden);
    }
    let secret = deps
        .secrets
        .get_secret(&deps.names.admin())
        .await
        .map_err(|e| ConnectError::Unavailable(e.to_string()))?
        .ok_or_else(|| ConnectError::Unavailable("no admin link key configured".into()))?;
    let admin: AdminSecret = serde_json::from_str(secret.expose())
        .map_err(|_| ConnectError::Unavailable("admin secret unreadable".into()))?;
    let expected = sign_link(&admin.link_key, purpose, &tenant, mode, req.expires);
    if expected.as_bytes().ct_eq(req.sig.trim().as_bytes()).into() {
        Ok((tenant, mode))
    } else {
        Err(ConnectError::Forbidden)
    }
}

/// Where to send the admin's browser, and the cookie that binds the attempt to it.
#[derive(Debug)]
pub struct ConnectRedirect {
    pub location: String,
    /// The nonce cookie's value (the HTTP layer sets `Secure; HttpOnly; SameSite=Lax`).
    pub cookie_value: String,
    pub max_age: i64,
}

pub async fn start(
    deps: &ConnectDeps,
    req: &AdminRequest,
    redirect_uri: &str,
) -> Result<ConnectRedirect, ConnectError> {
    let (tenant, mode) = verify_admin(deps, "connect", req).await?;
    let state = random_token();
    let nonce = random_token();
    let now = deps.clock.now().unix_timestamp();
    deps.states
        .put_state(&OAuthState {
            state_hash: sha256_hex(&state),
            tenant,
            nonce_hash: sha256_hex(&nonce),
            mode,
            redirect_uri: redirect_uri.to_owned(),
            expires_at: now + STATE_TTL_SECS,
        })
        .await?;
    let location = deps.auth.authorize_url(&state, redirect_uri, mode).await?;
    Ok(ConnectRedirect {
        location,
        cookie_value: nonce,
        max_age: STATE_TTL_SECS,
    })
}

/// The query Fortnox redirects back with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Connected {
    pub tenant: TenantId,
    pub company_name: String,
    pub database_number: u64,
    /// Parked orders queued again.
    pub resumed: usize,
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    header?
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

pub async fn finish(
    deps: &ConnectDeps,
    params: &CallbackParams,
    cookie_header: Option<&str>,
) -> Result<Connected, ConnectError> {
    let state = params
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or(ConnectError::StateInvalid)?;
    // Consumed first, whatever happens next: a state works once.
    let pending = deps
        .states
        .take_state(&sha256_hex(state))
        .await?
        .ok_or(ConnectError::StateInvalid)?;
    let now = deps.clock.now().unix_timestamp();
    if pending.expires_at < now {
        return Err(ConnectError::StateInvalid);
    }
    let nonce = cookie_value(cookie_header, COOKIE).ok_or(ConnectError::CookieMismatch)?;
    if !bool::from(
        sha256_hex(nonce)
            .as_bytes()
            .ct_eq(pending.nonce_hash.as_bytes()),
    ) {
        return Err(ConnectError::CookieMismatch);
    }
    if params.error.is_some() {
        return Err(ConnectError::Denied);
    }
    let code = params
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or(ConnectError::Denied)?;
    let grant = deps.auth.exchange_code(code, &pending.redirect_uri).await?;
    let company = deps
        .auth
        .company_information(&grant.access_token)
        .await
        .map_err(|e| ConnectError::Fortnox(e.message))?;

    let tenant_id = pending.tenant;
    let mut tenant = deps
        .tenants
        .get_tenant(&tenant_id)
        .await?
        .unwrap_or_else(|| Tenant::new(tenant_id.clone()));
    let name = deps.names.fortnox_token(&tenant_id);
    let previous_version = match deps.secrets.get_secret(&name).await {
        Ok(Some(old)) => serde_json::from_str::<StoredToken>(old.expose())
            .map(|t| t.version)
            .unwrap_or(0),
        _ => 0,
    };
    let token = StoredToken::from_grant(grant, now, previous_version + 1, None);
    let json =
        serde_json::to_string(&token).map_err(|e| ConnectError::Unavailable(e.to_string()))?;
    deps.secrets
        .put_secret(&name, &SecretString::new(json))
        .await
        .map_err(|e| ConnectError::Unavailable(e.to_string()))?;
    tenant.status = TenantStatus::Connected;
    tenant.auth_mode = pending.mode;
    tenant.fortnox_tenant_id = Some(company.database_number);
    tenant.company_name = Some(company.company_name.clone());
    deps.tenants.put_tenant(&tenant).await?;

    let resumed = requeue_parked(deps, &tenant_id).await;
    tracing::info!(tenant = %tenant_id, database_number = company.database_number, resumed, "tenant connected to Fortnox");
    Ok(Connected {
        tenant: tenant_id,
        company_name: company.company_name,
        database_number: company.database_number,
        resumed,
    })
}

/// Queue every parked order of the tenant again; the worker resumes each where it stopped.
/// Failures are logged, not fatal: the hourly sweep (and the next delivery) pick them up too.
async fn requeue_parked(deps: &ConnectDeps, tenant: &TenantId) -> usize {
    let parked = match deps
        .orders
        .orders_in_state(tenant, OrderState::Parked)
        .await
    {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(tenant = %tenant, error = %e, "could not list parked orders");
            return 0;
        }
    };
    let mut queued = 0;
    for rec in parked {
        let job = Job::Order {
            tenant: tenant.clone(),
            order_id: rec.order_id,
        };
        match deps.queue.send(&job).await {
            Ok(()) => queued += 1,
            Err(e) => {
                tracing::error!(tenant = %tenant, error = %e, "could not requeue a parked order")
            }
        }
    }
    queued
}

/// Disconnect: revoke the refresh token at Fortnox, delete the stored token, mark the tenant
/// disconnected. Orders that arrive meanwhile are parked, not lost.
pub async fn disconnect(deps: &ConnectDeps, req: &AdminRequest) -> Result<TenantId, ConnectError> {
    let (tenant_id, _) = verify_admin(deps, "disconnect", req).await?;
    let mut tenant = deps
        .tenants
        .get_tenant(&tenant_id)
        .await?
        .ok_or(ConnectError::Forbidden)?;
    let name = deps.names.fortnox_token(&tenant_id);
    if let Ok(Some(secret)) = deps.secrets.get_secret(&name).await
        && let Ok(token) = serde_json::from_str::<StoredToken>(secret.expose())
        && let Some(refresh) = token.refresh_token
        && let Err(e) = deps.auth.revoke(&refresh).await
    {
        // The token is deleted below either way; an unrevoked one dies within 45 days.
        tracing::warn!(tenant = %tenant_id, error = %e, "Fortnox did not confirm the revocation");
    }
    deps.secrets
        .delete_secret(&name)
        .await
        .map_err(|e| ConnectError::Unavailable(e.to_string()))?;
    tenant.status = TenantStatus::Disconnected;
    deps.tenants.put_tenant(&tenant).await?;
    tracing::info!(tenant = %tenant_id, "tenant disconnected from Fortnox");
    Ok(tenant_id)
}
