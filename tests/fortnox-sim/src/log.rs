//! Request log (every request except `/__sim/*`) and the statistics derived from it.

use std::collections::BTreeMap;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::errors::LoggedCode;
use crate::state::SimState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Raw query string ("" when none).
    pub query: String,
    /// HTTP status; 0 when an injected fault closed the connection without a response.
    pub status: u16,
    pub tenant_id: Option<u64>,
    pub client_id: Option<String>,
    /// `ErrorInformation.code` of an error response.
    pub error_code: Option<u64>,
    /// Route template, e.g. `/3/invoices/{n}` (the raw path when no route matched).
    pub route: String,
    /// Simulator time (RFC 3339) when the response was produced.
    pub at: String,
}

/// Tenant and client of an authenticated request, carried in response extensions.
#[derive(Debug, Clone)]
pub(crate) struct LoggedAuth {
    pub tenant: u64,
    pub client_id: String,
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

/// Outermost layer: logs each request with its outcome.
pub(crate) async fn record(State(st): State<SimState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_control(&path) {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let resp = next.run(req).await;
    let auth = resp.extensions().get::<LoggedAuth>().cloned();
    let entry = LoggedRequest {
        method,
        route: resp
            .extensions()
            .get::<LoggedRoute>()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| path.clone()),
        path,
        query,
        status: resp.status().as_u16(),
        tenant_id: auth.as_ref().map(|a| a.tenant),
        client_id: auth.map(|a| a.client_id),
        error_code: resp.extensions().get::<LoggedCode>().map(|c| c.0),
        at: String::new(),
    };
    push(&st, entry);
    resp
}

pub(crate) fn push(st: &SimState, mut entry: LoggedRequest) {
    let mut w = st.lock();
    entry.at = w.clock.now().format(&Rfc3339).unwrap_or_default();
    w.log.push(entry);
}

pub(crate) fn stats(log: &[LoggedRequest]) -> Value {
    let mut by_route: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_tenant: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for r in log {
        *by_route
            .entry(format!("{} {}", r.method, r.route))
            .or_default() += 1;
        if let Some(t) = r.tenant_id {
            *by_tenant.entry(t.to_string()).or_default() += 1;
        }
        *by_status.entry(r.status.to_string()).or_default() += 1;
    }
    json!({
        "total": log.len(),
        "rate_limited": log.iter().filter(|r| r.status == 429).count(),
        "by_route": by_route,
        "by_tenant": by_tenant,
        "by_status": by_status,
    })
}
