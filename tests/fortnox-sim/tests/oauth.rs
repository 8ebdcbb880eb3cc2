//! OAuth2: code flow, refresh rotation and reuse, client credentials, revoke, bearer checks.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{Env, client, code, setup};
use fortnox_sim::{AppConfig, SimConfig, decode_claims, spawn};
use reqwest::{StatusCode, Url};
use serde_json::Value;

const REDIRECT: &str = "http://localhost:3000/callback";

fn auth_url(env: &Env, extra: &[(&str, &str)]) -> Url {
    let mut params: Vec<(&str, &str)> = vec![
        ("client_id", "demo-client"),
        ("redirect_uri", REDIRECT),
        ("scope", "customer invoice companyinformation"),
        ("state", "csrf-123"),
        ("response_type", "code"),
        ("access_type", "offline"),
    ];
    for (k, v) in extra {
        params.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    Url::parse_with_params(&env.url("/oauth-v1/auth"), &params).expect("url")
}

/// Query parameters of the redirect's Location.
async fn authorize(env: &Env, extra: &[(&str, &str)]) -> (StatusCode, HashMap<String, String>) {
    let resp = env
        .http
        .get(auth_url(env, extra))
        .send()
        .await
        .expect("auth");
    let status = resp.status();
    let params = resp
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| Url::parse(l).ok())
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    (status, params)
}

async fn token_request(env: &Env, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = env
        .http
        .post(env.url("/oauth-v1/token"))
        .basic_auth("demo-client", Some("demo-secret"))
        .form(form)
        .send()
        .await
        .expect("token");
    (resp.status(), resp.json().await.expect("json"))
}

async fn exchange(env: &Env, code_: &str) -> (StatusCode, Value) {
    token_request(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("code", code_),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await
}

async fn refresh(env: &Env, rt: &str) -> (StatusCode, Value) {
    token_request(
        env,
        &[("grant_type", "refresh_token"), ("refresh_token", rt)],
    )
    .await
}

async fn company(env: &Env, token: &str) -> (StatusCode, Value) {
    env.call_with(token, reqwest::Method::GET, "/3/companyinformation", None)
        .await
}

#[tokio::test]
async fn code_flow_happy_path() {
    let env = setup().await;
    let (status, q) = authorize(&env, &[]).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(q["state"], "csrf-123");
    let (status, tok) = exchange(&env, &q["code"]).await;
    assert_eq!(status, StatusCode::OK, "{tok}");
    assert_eq!(tok["token_type"], "bearer");
    assert_eq!(tok["expires_in"], 3600);
    assert_eq!(tok["scope"], "customer invoice companyinformation");
    let rt = tok["refresh_token"].as_str().expect("refresh token");
    assert!(uuid_like(rt), "refresh token is a UUID: {rt}");
    let at = tok["access_token"].as_str().expect("access token");
    assert_eq!(at.split('.').count(), 3, "JWT-shaped");
    let claims = decode_claims(at).expect("claims");
    assert_eq!(claims["tenantId"].as_u64(), Some(env.tenant));
    assert_eq!(claims["clientId"], "demo-client");
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() == 3600);
    let (status, info) = company(&env, at).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        info["CompanyInformation"]["DatabaseNumber"].as_u64(),
        Some(env.tenant)
    );
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn code_is_single_use() {
    let env = setup().await;
    let (_, q) = authorize(&env, &[]).await;
    assert_eq!(exchange(&env, &q["code"]).await.0, StatusCode::OK);
    let (status, body) = exchange(&env, &q["code"]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn code_expires_after_ten_minutes() {
    let env = setup().await;
    let (_, q) = authorize(&env, &[]).await;
    env.sim.advance(Duration::from_secs(9 * 60));
    let (_, q2) = authorize(&env, &[]).await;
    env.sim.advance(Duration::from_secs(2 * 60));
    let (status, body) = exchange(&env, &q["code"]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        exchange(&env, &q2["code"]).await.0,
        StatusCode::OK,
        "a 2-minute-old code still works"
    );
}

#[tokio::test]
async fn redirect_uri_must_match() {
    let env = setup().await;
    let (_, q) = authorize(&env, &[]).await;
    let (status, body) = token_request(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &q["code"]),
            ("redirect_uri", "http://localhost:3000/other"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    // Unregistered redirect URI at /auth: an error page, never a redirect.
    let resp = env
        .http
        .get(auth_url(
            &env,
            &[("redirect_uri", "https://evil.example/cb")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn auth_request_validation() {
    let env = setup().await;
    for (extra, what) in [
        (vec![("state", "")], "missing state"),
        (vec![("client_id", "nope")], "unknown client"),
        (vec![("scope", "")], "missing scope"),
        (vec![("scope", "customer bogus")], "unknown scope"),
        (vec![("response_type", "token")], "response_type"),
    ] {
        let resp = env.http.get(auth_url(&env, &extra)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{what}");
        assert!(resp.headers().get("location").is_none(), "{what}");
    }
}

#[tokio::test]
async fn refused_consent_redirects_with_error() {
    let env = setup().await;
    env.sim.set_consent(true, None);
    let (status, q) = authorize(&env, &[]).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(q["error"], "access_denied");
    assert_eq!(q["state"], "csrf-123");
    assert!(!q.contains_key("code"));
    assert!(q.contains_key("error_description"));
}

#[tokio::test]
async fn consent_grants_the_chosen_tenant() {
    let env = setup().await;
    let second = env.sim.add_tenant("Andra AB");
    env.sim.set_consent(false, Some(second));
    let (_, q) = authorize(&env, &[]).await;
    let (_, tok) = exchange(&env, &q["code"]).await;
    let (_, info) = company(&env, tok["access_token"].as_str().unwrap()).await;
    assert_eq!(
        info["CompanyInformation"]["DatabaseNumber"].as_u64(),
        Some(second)
    );
}

#[tokio::test]
async fn client_authentication_only_via_basic() {
    let env = setup().await;
    let (_, q) = authorize(&env, &[]).await;
    let url = env.url("/oauth-v1/token");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", q["code"].as_str()),
        ("redirect_uri", REDIRECT),
    ];
    // Credentials in the body are not accepted.
    let mut body_creds = form.to_vec();
    body_creds.extend([
        ("client_id", "demo-client"),
        ("client_secret", "demo-secret"),
    ]);
    let resp = env.http.post(&url).form(&body_creds).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let resp = env
        .http
        .post(&url)
        .basic_auth("demo-client", Some("wrong"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // The failed attempts did not consume the code.
    assert_eq!(exchange(&env, &q["code"]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn unsupported_grant_type() {
    let env = setup().await;
    let (status, body) = token_request(&env, &[("grant_type", "password")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unsupported_grant_type");
    let (status, body) = token_request(&env, &[("code", "x")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn refresh_rotates_tokens() {
    let env = setup().await;
    let first = env
        .sim
        .issue_token("demo-client", env.tenant, &["companyinformation"]);
    let rt1 = first.refresh_token.clone().unwrap();
    let (status, t2) = refresh(&env, &rt1).await;
    assert_eq!(status, StatusCode::OK, "{t2}");
    let rt2 = t2["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2, "a new refresh token every time");
    assert_ne!(first.access_token, t2["access_token"].as_str().unwrap());
    assert_eq!(t2["scope"], "companyinformation");
    let (status, t3) = refresh(&env, &rt2).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        company(&env, t3["access_token"].as_str().unwrap()).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_kills_the_chain() {
    let env = setup().await;
    let first = env
        .sim
        .issue_token("demo-client", env.tenant, &["companyinformation"]);
    let rt1 = first.refresh_token.clone().unwrap();
    let (_, t2) = refresh(&env, &rt1).await;
    let rt2 = t2["refresh_token"].as_str().unwrap().to_string();
    let at2 = t2["access_token"].as_str().unwrap().to_string();
    // The loser of a race presents the spent token.
    let (status, body) = refresh(&env, &rt1).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Invalid refresh token");
    // The winner's newer refresh token is revoked too.
    let (status, body) = refresh(&env, &rt2).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    // Access tokens already issued stay valid until they expire.
    assert_eq!(company(&env, &at2).await.0, StatusCode::OK);
    assert_eq!(company(&env, &first.access_token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn refresh_token_expires_after_45_days() {
    let env = setup().await;
    let t = env
        .sim
        .issue_token("demo-client", env.tenant, &["customer"]);
    env.sim.advance(Duration::from_secs(46 * 24 * 3600));
    let (status, body) = refresh(&env, t.refresh_token.as_deref().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn revoke_kills_the_refresh_token() {
    let env = setup().await;
    let t = env
        .sim
        .issue_token("demo-client", env.tenant, &["customer"]);
    let rt = t.refresh_token.unwrap();
    let resp = env
        .http
        .post(env.url("/oauth-v1/revoke"))
        .basic_auth("demo-client", Some("demo-secret"))
        .form(&[("token_type_hint", "refresh_token"), ("token", rt.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"revoked": true}));
    assert_eq!(refresh(&env, &rt).await.0, StatusCode::BAD_REQUEST);
    let resp = env
        .http
        .post(env.url("/oauth-v1/revoke"))
        .form(&[("token", rt.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "revoke needs client auth"
    );
}

async fn client_credentials(env: &Env, tenant: Option<u64>) -> (StatusCode, Value) {
    let mut req = env
        .http
        .post(env.url("/oauth-v1/token"))
        .basic_auth("demo-client", Some("demo-secret"))
        .form(&[("grant_type", "client_credentials")]);
    if let Some(t) = tenant {
        req = req.header("TenantId", t.to_string());
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

#[tokio::test]
async fn client_credentials_needs_service_consent() {
    let env = setup().await;
    let (status, body) = client_credentials(&env, Some(env.tenant)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    // The administrator consents once with account_type=service.
    let (status, q) = authorize(&env, &[("account_type", "service")]).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(q.contains_key("code"));
    let (status, tok) = client_credentials(&env, Some(env.tenant)).await;
    assert_eq!(status, StatusCode::OK, "{tok}");
    assert!(tok.get("refresh_token").is_none());
    assert_eq!(tok["expires_in"], 3600);
    let at = tok["access_token"].as_str().unwrap();
    assert_eq!(
        decode_claims(at).unwrap()["tenantId"].as_u64(),
        Some(env.tenant)
    );
    assert_eq!(company(&env, at).await.0, StatusCode::OK);
    // Other tenants have no consent; the header is required.
    let other = env.sim.add_tenant("Annan AB");
    assert_eq!(
        client_credentials(&env, Some(other)).await.1["error"],
        "invalid_grant"
    );
    assert_eq!(
        client_credentials(&env, None).await.1["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn service_account_requires_app_permission() {
    let env = setup().await;
    env.sim.register_app(AppConfig {
        client_id: "strict".into(),
        client_secret: "s3cret".into(),
        redirect_uris: vec!["https://shop.example/cb".into()],
        redirect_uri_prefixes: vec![],
        service_account_allowed: false,
    });
    let url = auth_url(
        &env,
        &[
            ("client_id", "strict"),
            ("redirect_uri", "https://shop.example/cb"),
            ("account_type", "service"),
        ],
    );
    let resp = env.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Client does not allow service account")
    );
    // Exact redirect matching for registered apps.
    let url = auth_url(
        &env,
        &[
            ("client_id", "strict"),
            ("redirect_uri", "https://shop.example/cb2"),
        ],
    );
    assert_eq!(
        env.http.get(url).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let url = auth_url(
        &env,
        &[
            ("client_id", "strict"),
            ("redirect_uri", "https://shop.example/cb"),
        ],
    );
    assert_eq!(
        env.http.get(url).send().await.unwrap().status(),
        StatusCode::FOUND
    );
}

#[tokio::test]
async fn consent_page_when_auto_consent_is_off() {
    let sim = spawn(SimConfig {
        auto_consent: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let env = Env {
        tenant: sim.add_tenant("A"),
        token: String::new(),
        sim,
        http: client(),
    };
    let resp = env.http.get(auth_url(&env, &[])).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let page = resp.text().await.unwrap();
    assert!(page.contains("sim_decision=allow"));
    let (status, q) = authorize(&env, &[("sim_decision", "allow")]).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(q.contains_key("code"));
    let (_, q) = authorize(&env, &[("sim_decision", "deny")]).await;
    assert_eq!(q["error"], "access_denied");
}

#[tokio::test]
async fn expired_access_token_is_401() {
    let env = setup().await;
    assert_eq!(env.get("/3/customers").await.0, StatusCode::OK);
    env.sim.advance(Duration::from_secs(3601));
    let (status, body) = env.get("/3/customers").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), 2000311);
    assert_eq!(body["ErrorInformation"]["error"], 1);
}

#[tokio::test]
async fn missing_or_bad_token_is_401() {
    let env = setup().await;
    let resp = env.http.get(env.url("/3/customers")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), 2000311);
    for token in ["garbage", "a.b.c", ""] {
        let (status, body) = env
            .call_with(token, reqwest::Method::GET, "/3/customers", None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(code(&body), 2000311);
    }
}

#[tokio::test]
async fn missing_scope_is_403() {
    let env = setup().await;
    let t = env
        .sim
        .issue_token("demo-client", env.tenant, &["customer"]);
    let (status, _) = env
        .call_with(&t.access_token, reqwest::Method::GET, "/3/customers", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/3/invoices",
        "/3/articles",
        "/3/prices",
        "/3/companyinformation",
        "/3/accounts",
        "/api/warehouse/status-v1/stockbalance",
    ] {
        let (status, body) = env
            .call_with(&t.access_token, reqwest::Method::GET, path, None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(code(&body), 2000663, "{path}");
    }
}
