//! The OAuth routes: `GET /connect` (admin link → Fortnox consent), `GET /oauth/callback`
//! (Fortnox → fortsync) and `POST /disconnect`. Answers are small HTML pages for the admin;
//! nothing secret (code, state, tokens) is logged or shown.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fortsync_app::connect::{self, AdminRequest, CallbackParams, ConnectDeps, ConnectError};
use std::sync::Arc;

pub struct OAuthRoutes {
    pub deps: ConnectDeps,
    /// The public base URL (custom domain); `None`: taken from the request's host.
    pub public_base_url: Option<String>,
}

pub fn start_router(routes: Arc<OAuthRoutes>) -> Router {
    Router::new()
        .route("/connect", get(start))
        .with_state(routes)
}

pub fn callback_router(routes: Arc<OAuthRoutes>) -> Router {
    Router::new()
        .route("/oauth/callback", get(callback))
        .route("/disconnect", post(disconnect))
        .with_state(routes)
}

/// The redirect URI Fortnox sends the browser back to; it must be registered for the app in
/// Fortnox's developer portal.
fn redirect_uri(routes: &OAuthRoutes, headers: &HeaderMap) -> Option<String> {
    if let Some(base) = &routes.public_base_url {
        return Some(format!("{}/oauth/callback", base.trim_end_matches('/')));
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let local = host.starts_with("127.0.0.1") || host.starts_with("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(if local { "http" } else { "https" });
    Some(format!("{proto}://{host}/oauth/callback"))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · fortsync</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;line-height:1.5\">\
         <h1>{t}</h1><p>{b}</p></body></html>",
        t = escape(title),
        b = escape(body)
    );
    let mut resp = (status, Html(html)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn error_page(e: &ConnectError) -> Response {
    let status = match e {
        ConnectError::Forbidden => StatusCode::FORBIDDEN,
        ConnectError::Fortnox(_) => StatusCode::BAD_GATEWAY,
        ConnectError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    tracing::warn!(status = status.as_u16(), reason = %e, "connect flow refused");
    page(status, "Not connected", &e.to_string())
}

async fn start(
    State(routes): State<Arc<OAuthRoutes>>,
    headers: HeaderMap,
    query: Result<Query<AdminRequest>, QueryRejection>,
) -> Response {
    let Ok(Query(req)) = query else {
        return error_page(&ConnectError::Forbidden);
    };
    let Some(redirect) = redirect_uri(&routes, &headers) else {
        return error_page(&ConnectError::BadRequest("no Host header".into()));
    };
    match connect::start(&routes.deps, &req, &redirect).await {
        Ok(r) => {
            let cookie = format!(
                "{}={}; Path=/oauth/callback; Max-Age={}; Secure; HttpOnly; SameSite=Lax",
                connect::COOKIE,
                r.cookie_value,
                r.max_age
            );
            let mut resp = StatusCode::FOUND.into_response();
            let h = resp.headers_mut();
            match (
                HeaderValue::from_str(&r.location),
                HeaderValue::from_str(&cookie),
            ) {
                (Ok(loc), Ok(c)) => {
                    h.insert(header::LOCATION, loc);
                    h.insert(header::SET_COOKIE, c);
                    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    resp
                }
                _ => error_page(&ConnectError::Unavailable(
                    "redirect not representable".into(),
                )),
            }
        }
        Err(e) => error_page(&e),
    }
}

async fn callback(
    State(routes): State<Arc<OAuthRoutes>>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let result = connect::finish(&routes.deps, &params, cookie).await;
    // The nonce cookie has served its purpose either way.
    let clear = format!(
        "{}=; Path=/oauth/callback; Max-Age=0; Secure; HttpOnly; SameSite=Lax",
        connect::COOKIE
    );
    let mut resp = match result {
        Ok(c) => {
            let resumed = match c.resumed {
                0 => String::new(),
                1 => " 1 waiting order is being sent to Fortnox now.".to_owned(),
                n => format!(" {n} waiting orders are being sent to Fortnox now."),
            };
            page(
                StatusCode::OK,
                "Connected to Fortnox",
                &format!(
                    "The shop \"{}\" is now connected to the Fortnox company \"{}\" (database {}). You can close this page.{resumed}",
                    c.tenant, c.company_name, c.database_number
                ),
            )
        }
        Err(e) => error_page(&e),
    };
    if let Ok(v) = HeaderValue::from_str(&clear) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn disconnect(
    State(routes): State<Arc<OAuthRoutes>>,
    query: Result<Query<AdminRequest>, QueryRejection>,
) -> Response {
    let Ok(Query(req)) = query else {
        return error_page(&ConnectError::Forbidden);
    };
    match connect::disconnect(&routes.deps, &req).await {
        Ok(t) => page(
            StatusCode::OK,
            "Disconnected from Fortnox",
            &format!(
                "The shop \"{t}\" is disconnected. New orders wait until it is connected again."
            ),
        ),
        Err(e) => error_page(&e),
    }
}
