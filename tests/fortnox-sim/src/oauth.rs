//! OAuth2 endpoints: `/oauth-v1/auth` (browser consent), `/oauth-v1/token` (code exchange,
//! refresh, client credentials) and `/oauth-v1/revoke`. See `tokens` for the refresh race policy.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use time::Duration;

use crate::config::AppConfig;
use crate::state::SimState;
use crate::tokens::{AuthCode, CODE_TTL_MINUTES, KNOWN_SCOPES, RefreshError, random_code};

fn html_error(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>Fortnox</title></head><body><h1>Fel</h1><p>{}</p></body></html>",
        message.replace('<', "&lt;")
    );
    (status, Html(body)).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn redirect(uri: &str, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(uri) else {
        return html_error(StatusCode::BAD_REQUEST, "Invalid redirect_uri");
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

/// `GET /oauth-v1/auth`.
pub(crate) async fn authorize(
    State(st): State<SimState>,
    RawQuery(raw): RawQuery,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client_id) = get("client_id") else {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Auth code or ClientID supplied is invalid",
        );
    };
    let mut w = st.lock();
    let Some(app) = w.apps.get(client_id).cloned() else {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Auth code or ClientID supplied is invalid",
        );
    };
    let redirect_given = get("redirect_uri").map(str::to_string);
    let redirect_uri = match &redirect_given {
        Some(uri) if app.redirect_allowed(uri) => uri.clone(),
        Some(_) => return html_error(StatusCode::BAD_REQUEST, "Invalid redirect_uri"),
        None => match app.redirect_uris.first() {
            Some(uri) => uri.clone(),
            None => return html_error(StatusCode::BAD_REQUEST, "Missing redirect_uri"),
        },
    };
    if get("response_type") != Some("code") {
        return html_error(StatusCode::BAD_REQUEST, "response_type must be code");
    }
    let Some(state) = get("state") else {
        return html_error(StatusCode::BAD_REQUEST, "Missing state");
    };
    let scopes: Vec<String> = get("scope")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if scopes.is_empty() {
        return html_error(StatusCode::BAD_REQUEST, "Missing scope");
    }
    if let Some(bad) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(&s.as_str())) {
        return html_error(StatusCode::BAD_REQUEST, &format!("Invalid scope: {bad}"));
    }
    let service = match get("account_type") {
        None => false,
        Some("service") if app.service_account_allowed => true,
        Some("service") => {
            return html_error(
                StatusCode::BAD_REQUEST,
                "Client does not allow service account",
            );
        }
        Some(other) => {
            return html_error(
                StatusCode::BAD_REQUEST,
                &format!("Invalid account_type: {other}"),
            );
        }
    };
    let decision = get("sim_decision");
    if !st.config().auto_consent && decision.is_none() {
        return consent_page(&app, &scopes, raw.as_deref().unwrap_or(""));
    }
    if w.consent.refuse || decision == Some("deny") {
        return redirect(
            &redirect_uri,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "The user denied the authorization request",
                ),
                ("state", state),
            ],
        );
    }
    let tenant = match w.consent.tenant {
        Some(t) if w.tenants.contains_key(&t) => t,
        Some(t) => return html_error(StatusCode::BAD_REQUEST, &format!("Unknown tenant {t}")),
        None => match w.tenants.keys().next() {
            Some(t) => *t,
            None => w.create_tenant("Demo AB", None, st.config().default_rounding),
        },
    };
    if service {
        w.tokens
            .service_consents
            .insert((client_id.to_string(), tenant), scopes.clone());
    }
    let code = random_code();
    let expires = w.clock.now() + Duration::minutes(CODE_TTL_MINUTES);
    w.tokens.codes.insert(
        code.clone(),
        AuthCode {
            client_id: client_id.into(),
            redirect_uri: redirect_given,
            scopes,
            tenant,
            expires,
            used: false,
        },
    );
    redirect(&redirect_uri, &[("code", &code), ("state", state)])
}

fn consent_page(app: &AppConfig, scopes: &[String], raw_query: &str) -> Response {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
    };
    let body = format!(
        "<!doctype html><html><head><title>Fortnox – godkänn integration</title></head><body>\
         <h1>Godkänn integration</h1><p>Appen <b>{}</b> begär behörighet: {}</p>\
         <p><a id=\"allow\" href=\"/oauth-v1/auth?{q}&amp;sim_decision=allow\">Godkänn</a> \
         <a id=\"deny\" href=\"/oauth-v1/auth?{q}&amp;sim_decision=deny\">Neka</a></p></body></html>",
        esc(&app.client_id),
        esc(&scopes.join(", ")),
        q = esc(raw_query),
    );
    Html(body).into_response()
}

/// Client id from `Authorization: Basic base64(id:secret)` if id and secret match an app.
fn client_auth(st: &SimState, headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let w = st.lock();
    let app = w.apps.get(id)?;
    (app.client_secret == secret).then(|| id.to_string())
}

fn invalid_client() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Client authentication failed",
    )
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// `POST /oauth-v1/token` (form-encoded; client authentication only via Basic).
pub(crate) async fn token(
    State(st): State<SimState>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Some(client_id) = client_auth(&st, &headers) else {
        return invalid_client();
    };
    let Ok(Form(f)) = form else {
        return invalid_request("Body must be application/x-www-form-urlencoded");
    };
    let get = |k: &str| f.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match get("grant_type") {
        None => invalid_request("Missing grant_type"),
        Some("authorization_code") => {
            let Some(code) = get("code") else {
                return invalid_request("Missing code");
            };
            let mut w = st.lock();
            let now = w.clock.now();
            let Some(ac) = w.tokens.codes.get_mut(code) else {
                return invalid_grant("Invalid authorization code");
            };
            if ac.used {
                return invalid_grant("Authorization code already used");
            }
            if ac.client_id != client_id {
                return invalid_grant("Authorization code was issued to another client");
            }
            if ac.expires <= now {
                return invalid_grant("Authorization code expired");
            }
            if let Some(expected) = &ac.redirect_uri
                && get("redirect_uri") != Some(expected.as_str())
            {
                return invalid_grant("redirect_uri does not match the authorization request");
            }
            ac.used = true;
            let (tenant, scopes) = (ac.tenant, ac.scopes.clone());
            Json(w.tokens.mint(now, &client_id, tenant, &scopes, true)).into_response()
        }
        Some("refresh_token") => {
            let Some(rt) = get("refresh_token") else {
                return invalid_request("Missing refresh_token");
            };
            let mut w = st.lock();
            let now = w.clock.now();
            match w.tokens.refresh(now, &client_id, rt) {
                Ok(resp) => Json(resp).into_response(),
                Err(
                    RefreshError::Unknown
                    | RefreshError::Reused
                    | RefreshError::Revoked
                    | RefreshError::Expired,
                ) => invalid_grant("Invalid refresh token"),
            }
        }
        Some("client_credentials") => {
            // Fortnox documents the tenant as "a parameter"; the header (zenta-ab) is primary,
            // a form field `TenantId`/`tenantId` is accepted too.
            let tenant = headers
                .get("TenantId")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .or_else(|| {
                    get("TenantId")
                        .or_else(|| get("tenantId"))
                        .map(str::to_string)
                });
            let Some(tenant) = tenant else {
                return invalid_request("Missing TenantId");
            };
            let Ok(tenant) = tenant.trim().parse::<u64>() else {
                return invalid_request("Invalid TenantId");
            };
            let mut w = st.lock();
            let now = w.clock.now();
            let Some(scopes) = w
                .tokens
                .service_consents
                .get(&(client_id.clone(), tenant))
                .cloned()
            else {
                return invalid_grant("No service account consent for this client and tenant");
            };
            if !w.tenants.contains_key(&tenant) {
                return invalid_grant("Unknown tenant");
            }
            Json(w.tokens.mint(now, &client_id, tenant, &scopes, false)).into_response()
        }
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant_type: {other}"),
        ),
    }
}

/// `POST /oauth-v1/revoke`: revokes a refresh token and its whole chain.
pub(crate) async fn revoke(
    State(st): State<SimState>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Some(client_id) = client_auth(&st, &headers) else {
        return invalid_client();
    };
    let Ok(Form(f)) = form else {
        return invalid_request("Body must be application/x-www-form-urlencoded");
    };
    let Some(token) = f.get("token").filter(|t| !t.is_empty()) else {
        return invalid_request("Missing token");
    };
    st.lock().tokens.revoke(&client_id, token);
    Json(json!({"revoked": true})).into_response()
}
