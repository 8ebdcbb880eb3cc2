//! Fortnox's OAuth2 endpoints (`/oauth-v1/auth|token|revoke`) and the company read the connect
//! flow needs. Client id and secret come from Secrets Manager (`{prefix}/app/fortnox`) and go
//! only in the Basic header.

use async_trait::async_trait;
use fortsync_app::AccountingError;
use fortsync_app::oauth::{AuthError, CompanyInfo, FortnoxAuth, TokenGrant};
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_domain::money::lenient;
use fortsync_domain::tenant::AuthMode;
use serde::Deserialize;
use std::sync::Arc;

/// Every scope fortsync needs, asked for up front: adding one later means a new consent.
pub const SCOPES: &[&str] = &[
    "companyinformation",
    "customer",
    "article",
    "order",
    "invoice",
    "payment",
    "price",
    "bookkeeping",
    "settings",
    "currency",
    "costcenter",
    "project",
];

#[derive(Deserialize)]
struct AppCredentials {
    client_id: String,
    client_secret: String,
}

pub struct FortnoxOAuth {
    pub http: reqwest::Client,
    pub auth_base: String,
    pub api_base: String,
    pub secrets: Arc<SecretCache>,
    pub names: SecretNames,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default = "hour")]
    expires_in: i64,
    #[serde(default)]
    scope: Option<String>,
}

fn hour() -> i64 {
    3600
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    #[serde(default)]
    error: String,
}

#[derive(Deserialize)]
struct CompanyEnvelope {
    #[serde(rename = "CompanyInformation")]
    company: CompanyRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CompanyRecord {
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    organization_number: Option<String>,
    #[serde(deserialize_with = "lenient::decimal")]
    database_number: rust_decimal::Decimal,
}

impl FortnoxOAuth {
    async fn credentials(&self) -> Result<AppCredentials, AuthError> {
        let secret = self
            .secrets
            .get(&self.names.fortnox_app())
            .await
            .map_err(|e| AuthError::Transient(e.to_string()))?
            .ok_or_else(|| AuthError::Config("no Fortnox app credentials stored".into()))?;
        serde_json::from_str(secret.expose())
            .map_err(|_| AuthError::Config("Fortnox app credentials unreadable".into()))
    }

    async fn token_request(
        &self,
        form: &[(&str, &str)],
        tenant_header: Option<u64>,
    ) -> Result<TokenGrant, AuthError> {
        let creds = self.credentials().await?;
        let mut req = self
            .http
            .post(format!("{}/oauth-v1/token", self.auth_base))
            .basic_auth(&creds.client_id, Some(&creds.client_secret))
            .form(form);
        if let Some(t) = tenant_header {
            req = req.header("TenantId", t.to_string());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| AuthError::Transient(e.to_string()))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| AuthError::Transient(e.to_string()))?;
        if (200..300).contains(&status) {
            let t: TokenResponse = serde_json::from_str(&text)
                .map_err(|_| AuthError::Transient("unreadable token response".into()))?;
            return Ok(TokenGrant {
                access_token: t.access_token,
                refresh_token: t.refresh_token,
                expires_in: t.expires_in,
                scope: t.scope,
            });
        }
        let error = serde_json::from_str::<OAuthErrorBody>(&text)
            .map(|b| b.error)
            .unwrap_or_default();
        Err(classify_token_error(status, &error))
    }
}

/// `invalid_grant` means the code or refresh token is spent, revoked or expired: dead. A bad
/// client is our configuration. Everything else may pass.
fn classify_token_error(status: u16, error: &str) -> AuthError {
    match (status, error) {
        (_, "invalid_grant") => AuthError::Dead("invalid_grant".into()),
        (401, _) | (_, "invalid_client") | (_, "unauthorized_client") => {
            AuthError::Config(format!("{status} {error}"))
        }
        (429, _) | (500..=599, _) => AuthError::Transient(format!("HTTP {status}")),
        _ => AuthError::Config(format!("{status} {error}")),
    }
}

#[async_trait]
impl FortnoxAuth for FortnoxOAuth {
    async fn authorize_url(
        &self,
        state: &str,
        redirect_uri: &str,
        mode: AuthMode,
    ) -> Result<String, AuthError> {
        let creds = self.credentials().await?;
        let scope = SCOPES.join(" ");
        let mut params = vec![
            ("client_id", creds.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", scope.as_str()),
            ("state", state),
            ("access_type", "offline"),
            ("response_type", "code"),
        ];
        if mode == AuthMode::Service {
            params.push(("account_type", "service"));
        }
        url::Url::parse_with_params(&format!("{}/oauth-v1/auth", self.auth_base), &params)
            .map(String::from)
            .map_err(|e| AuthError::Config(e.to_string()))
    }

    async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<TokenGrant, AuthError> {
        self.token_request(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ],
            None,
        )
        .await
    }

    async fn refresh(&self, refresh_token: &str) -> Result<TokenGrant, AuthError> {
        self.token_request(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
            None,
        )
        .await
    }

    async fn client_credentials(&self, fortnox_tenant_id: u64) -> Result<TokenGrant, AuthError> {
        self.token_request(
            &[("grant_type", "client_credentials")],
            Some(fortnox_tenant_id),
        )
        .await
    }

    async fn revoke(&self, refresh_token: &str) -> Result<(), AuthError> {
        let creds = self.credentials().await?;
        let resp = self
            .http
            .post(format!("{}/oauth-v1/revoke", self.auth_base))
            .basic_auth(&creds.client_id, Some(&creds.client_secret))
            .form(&[
                ("token_type_hint", "refresh_token"),
                ("token", refresh_token),
            ])
            .send()
            .await
            .map_err(|e| AuthError::Transient(e.to_string()))?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(classify_token_error(status, ""))
        }
    }

    async fn company_information(
        &self,
        access_token: &str,
    ) -> Result<CompanyInfo, AccountingError> {
        let client = crate::FortnoxClient::new(
            self.http.clone(),
            &self.api_base,
            access_token.to_owned(),
            "connect".into(),
            Arc::new(crate::Throttle::default()),
            crate::RetryPolicy::default(),
        );
        let env: CompanyEnvelope = client.get("/3/companyinformation", &[]).await?;
        let database_number = u64::try_from(env.company.database_number)
            .map_err(|_| AccountingError::permanent("DatabaseNumber is not a tenant id"))?;
        Ok(CompanyInfo {
            database_number,
            company_name: env.company.company_name,
            organisation_number: env.company.organization_number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_grant_is_dead_and_5xx_transient() {
        assert!(matches!(
            classify_token_error(400, "invalid_grant"),
            AuthError::Dead(_)
        ));
        assert!(matches!(
            classify_token_error(401, "invalid_client"),
            AuthError::Config(_)
        ));
        assert!(matches!(
            classify_token_error(503, ""),
            AuthError::Transient(_)
        ));
        assert!(matches!(
            classify_token_error(429, ""),
            AuthError::Transient(_)
        ));
    }
}
