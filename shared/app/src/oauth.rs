//! Ports and types for connecting a tenant to Fortnox (OAuth2) and keeping its token alive.

use crate::ports::{AccountingError, StoreError};
use async_trait::async_trait;
use fortsync_domain::TenantId;
use fortsync_domain::tenant::AuthMode;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A pending authorization, stored under the SHA-256 of its `state` (the state itself is a
/// bearer value and is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthState {
    pub state_hash: String,
    pub tenant: TenantId,
    /// SHA-256 of the nonce in the admin's browser cookie: binds the state to that browser.
    pub nonce_hash: String,
    pub mode: AuthMode,
    pub redirect_uri: String,
    /// Epoch seconds; checked in code (TTL deletion is lazy).
    pub expires_at: i64,
}

#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    async fn put_state(&self, state: &OAuthState) -> Result<(), StoreError>;
    /// Remove and return the state.
    ///
    /// # Contract
    /// MUST be a conditional delete: of concurrent calls for the same hash exactly one gets
    /// `Some`, so a state is consumed exactly once.
    async fn take_state(&self, state_hash: &str) -> Result<Option<OAuthState>, StoreError>;
}

/// The single-flight lease over a tenant's token refresh, with the version of the last token
/// written (compare-and-swap against stale reads).
#[async_trait]
pub trait TokenLease: Send + Sync {
    /// Take the lease until `until` (epoch s) unless someone holds it past `now`.
    ///
    /// # Contract
    /// Of concurrent callers at most one gets `Ok(Some(version))`, where `version` is the
    /// last version released (0 when none); the others get `Ok(None)`.
    async fn try_acquire(
        &self,
        tenant: &TenantId,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<u64>, StoreError>;
    /// Give the lease back, recording `version` as the newest token version when given.
    /// A no-op when `owner` no longer holds it.
    async fn release(
        &self,
        tenant: &TenantId,
        owner: &str,
        version: Option<u64>,
    ) -> Result<(), StoreError>;
}

/// A tenant's Fortnox token as stored in Secrets Manager (`.../tenants/{t}/fortnox`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Epoch seconds.
    pub expires_at: i64,
    #[serde(default)]
    pub scope: Option<String>,
    /// Increases with every refresh; the token lease records the newest, so a stale read is
    /// recognised instead of spending an old refresh token.
    #[serde(default)]
    pub version: u64,
}

impl std::fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredToken")
            .field("expires_at", &self.expires_at)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl StoredToken {
    pub fn from_grant(
        grant: TokenGrant,
        now: i64,
        version: u64,
        previous_refresh: Option<String>,
    ) -> Self {
        Self {
            access_token: grant.access_token,
            // Client-credentials grants carry no refresh token; keep none rather than a stale one.
            refresh_token: grant.refresh_token.or(previous_refresh),
            expires_at: now + grant.expires_in,
            scope: grant.scope,
            version,
        }
    }
}

/// What the token endpoint granted.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenGrant {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// What `companyinformation` says about the connected company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyInfo {
    /// `DatabaseNumber`: Fortnox's tenant id.
    pub database_number: u64,
    pub company_name: String,
    pub organisation_number: Option<String>,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum AuthError {
    /// The grant is dead (refresh token spent, revoked or expired; consent withdrawn): only an
    /// admin reconnecting helps.
    #[error("Fortnox refused the grant: {0}")]
    Dead(String),
    /// Try again later (timeouts, 5xx, 429).
    #[error("Fortnox token endpoint unavailable: {0}")]
    Transient(String),
    /// Our side is misconfigured (client id/secret, redirect URI).
    #[error("Fortnox rejected the app's credentials or request: {0}")]
    Config(String),
}

/// Fortnox's OAuth endpoints plus the one API read the connect flow needs.
#[async_trait]
pub trait FortnoxAuth: Send + Sync {
    /// The browser URL at Fortnox's `/oauth-v1/auth` with every scope fortsync needs.
    async fn authorize_url(
        &self,
        state: &str,
        redirect_uri: &str,
        mode: AuthMode,
    ) -> Result<String, AuthError>;
    async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<TokenGrant, AuthError>;
    async fn refresh(&self, refresh_token: &str) -> Result<TokenGrant, AuthError>;
    async fn client_credentials(&self, fortnox_tenant_id: u64) -> Result<TokenGrant, AuthError>;
    async fn revoke(&self, refresh_token: &str) -> Result<(), AuthError>;
    async fn company_information(&self, access_token: &str)
    -> Result<CompanyInfo, AccountingError>;
}
