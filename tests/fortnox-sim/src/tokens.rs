//! Token bookkeeping: authorization codes, JWT-shaped access tokens, rotating refresh tokens and
//! service-account consents.
//!
//! # Refresh-token race policy
//!
//! Refresh tokens are UUIDs, single use, valid 45 days (simulator clock). Every successful refresh
//! spends the presented token and returns a new one in the same *chain* (all refresh tokens that
//! descend from one authorization). Presenting an already-spent refresh token — what the loser of
//! two concurrent refreshes does — returns 400 `invalid_grant` / "Invalid refresh token" **and
//! revokes the whole chain**, including the winner's newest token, so the integration must be
//! re-authorised. Access tokens already issued stay valid until they expire (1 h). Revoking a
//! refresh token (`/oauth-v1/revoke`) also revokes its chain.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// Every scope the simulator accepts in `/oauth-v1/auth`.
pub const KNOWN_SCOPES: &[&str] = &[
    "customer",
    "article",
    "order",
    "invoice",
    "payment",
    "price",
    "companyinformation",
    "settings",
    "bookkeeping",
    "currency",
    "costcenter",
    "project",
    "print",
    "offer",
    "supplier",
    "supplierinvoice",
    "archive",
    "inbox",
    "connectfile",
    "profile",
    "warehouse",
];

pub const ACCESS_TTL_SECS: i64 = 3600;
pub const REFRESH_TTL_DAYS: i64 = 45;
pub const CODE_TTL_MINUTES: i64 = 10;

/// Response of `/oauth-v1/token` (and of `SimHandle::issue_token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub expires_in: u64,
    pub scope: String,
    pub token_type: String,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub client_id: String,
    pub tenant: u64,
    pub scopes: Vec<String>,
    pub expires: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshToken {
    pub client_id: String,
    pub tenant: u64,
    pub scopes: Vec<String>,
    pub chain: u64,
    pub expires: OffsetDateTime,
    pub spent: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    /// The `redirect_uri` sent to `/auth` (the exchange must repeat it), if any.
    pub redirect_uri: Option<String>,
    pub scopes: Vec<String>,
    pub tenant: u64,
    pub expires: OffsetDateTime,
    pub used: bool,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    pub access: HashMap<String, AccessToken>,
    pub refresh: HashMap<String, RefreshToken>,
    pub revoked_chains: HashSet<u64>,
    next_chain: u64,
    pub codes: HashMap<String, AuthCode>,
    /// (client_id, tenant) → scopes granted with `account_type=service`.
    pub service_consents: HashMap<(String, u64), Vec<String>>,
}

/// Why a refresh failed (all map to `invalid_grant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshError {
    Unknown,
    Reused,
    Revoked,
    Expired,
}

fn random_b64(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn random_code() -> String {
    random_b64(24)
}

impl TokenStore {
    fn access_token(
        &mut self,
        now: OffsetDateTime,
        client_id: &str,
        tenant: u64,
        scopes: &[String],
    ) -> String {
        let exp = now + Duration::seconds(ACCESS_TTL_SECS);
        let jti = uuid::Uuid::new_v4().to_string();
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": "fortnox-sim"});
        let payload = json!({
            "iss": "fortnox-sim",
            "aud": "api.fortnox.se",
            "tenantId": tenant,
            "clientId": client_id,
            "scopes": scopes,
            "authSource": "OAUTH2",
            "iat": now.unix_timestamp(),
            "exp": exp.unix_timestamp(),
            "jti": jti,
        });
        // The signature is random: the simulator validates tokens by table lookup, like a client
        // that cannot verify Fortnox's signature must treat the token as opaque anyway.
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            random_b64(32)
        );
        self.access.insert(
            token.clone(),
            AccessToken {
                client_id: client_id.into(),
                tenant,
                scopes: scopes.to_vec(),
                expires: exp,
            },
        );
        token
    }

    fn refresh_token(
        &mut self,
        now: OffsetDateTime,
        client_id: &str,
        tenant: u64,
        scopes: &[String],
        chain: u64,
    ) -> String {
        let token = uuid::Uuid::new_v4().to_string();
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                client_id: client_id.into(),
                tenant,
                scopes: scopes.to_vec(),
                chain,
                expires: now + Duration::days(REFRESH_TTL_DAYS),
                spent: false,
            },
        );
        token
    }

    /// Mints an access token and, if `with_refresh`, the first refresh token of a new chain.
    pub fn mint(
        &mut self,
        now: OffsetDateTime,
        client_id: &str,
        tenant: u64,
        scopes: &[String],
        with_refresh: bool,
    ) -> TokenResponse {
        let access_token = self.access_token(now, client_id, tenant, scopes);
        let refresh_token = with_refresh.then(|| {
            self.next_chain += 1;
            let chain = self.next_chain;
            self.refresh_token(now, client_id, tenant, scopes, chain)
        });
        response(access_token, refresh_token, scopes)
    }

    pub fn refresh(
        &mut self,
        now: OffsetDateTime,
        client_id: &str,
        token: &str,
    ) -> Result<TokenResponse, RefreshError> {
        let Some(rt) = self.refresh.get(token).cloned() else {
            return Err(RefreshError::Unknown);
        };
        if rt.client_id != client_id {
            return Err(RefreshError::Unknown);
        }
        if self.revoked_chains.contains(&rt.chain) {
            return Err(RefreshError::Revoked);
        }
        if rt.spent {
            self.revoked_chains.insert(rt.chain);
            return Err(RefreshError::Reused);
        }
        if rt.expires <= now {
            return Err(RefreshError::Expired);
        }
        if let Some(r) = self.refresh.get_mut(token) {
            r.spent = true;
        }
        let access_token = self.access_token(now, client_id, rt.tenant, &rt.scopes);
        let refresh_token = self.refresh_token(now, client_id, rt.tenant, &rt.scopes, rt.chain);
        Ok(response(access_token, Some(refresh_token), &rt.scopes))
    }

    /// Revokes the chain of a refresh token of `client_id`; unknown tokens are ignored.
    pub fn revoke(&mut self, client_id: &str, token: &str) {
        if let Some(rt) = self.refresh.get(token)
            && rt.client_id == client_id
        {
            self.revoked_chains.insert(rt.chain);
        }
    }
}

fn response(
    access_token: String,
    refresh_token: Option<String>,
    scopes: &[String],
) -> TokenResponse {
    TokenResponse {
        access_token,
        refresh_token,
        expires_in: ACCESS_TTL_SECS as u64,
        scope: scopes.join(" "),
        token_type: "bearer".into(),
    }
}

/// Reads the claims of a simulator (or Fortnox) JWT without verifying it.
pub fn decode_claims(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}
