//! Request log (every request except `/__sim/*`) and the statistics derived from it. The
//! `consumer_secret` query parameter is never logged.

use std::collections::BTreeMap;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::AuthedKey;
use crate::clock::rfc3339;
use crate::state::SimState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Query string with `consumer_secret` redacted ("" when none).
    pub query: String,
    pub status: u16,
    /// Route template, e.g. `/wp-json/wc/v3/products/{id}` (the raw path when no route
    /// matched or a fault answered first).
    pub route: String,
    /// Consumer key of an authenticated request.
    pub consumer_key: Option<String>,
    /// Simulator time (RFC 3339) when the response was produced.
    pub at: String,
}

impl LoggedRequest {
    /// The value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then(|| percent_decode(v))
        })
    }
}

/// Decodes `%XX` escapes and `+` of a query value.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && s.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Debug, Clone)]
pub(crate) struct LoggedRoute(pub String);

/// Route layer: remembers the matched route template for the log.
pub(crate) async fn matched_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let mut resp = next.run(req).await;
    if let Some(route) = route {
        resp.extensions_mut().insert(LoggedRoute(route));
    }
    resp
}

pub(crate) fn is_control(path: &str) -> bool {
    path.starts_with("/__sim")
}

fn redact(query: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some(("consumer_secret", _)) => "consumer_secret=[redacted]".to_string(),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Outermost layer: logs each request with its outcome.
pub(crate) async fn record(State(st): State<SimState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_control(&path) {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let query = redact(req.uri().query().unwrap_or(""));
    let resp = next.run(req).await;
    let mut w = st.lock();
    let at = rfc3339(w.now());
    w.log.push(LoggedRequest {
        method,
        route: resp
            .extensions()
            .get::<LoggedRoute>()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| path.clone()),
        path,
        query,
        status: resp.status().as_u16(),
        consumer_key: resp.extensions().get::<AuthedKey>().map(|k| k.0.clone()),
        at,
    });
    resp
}

pub(crate) fn stats(log: &[LoggedRequest]) -> Value {
    let mut by_route: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for r in log {
        *by_route
            .entry(format!("{} {}", r.method, r.route))
            .or_default() += 1;
        *by_status.entry(r.status.to_string()).or_default() += 1;
    }
    json!({
        "total": log.len(),
        "rate_limited": log.iter().filter(|r| r.status == 429).count(),
        "by_route": by_route,
        "by_status": by_status,
    })
}
