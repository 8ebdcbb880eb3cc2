//! Fault injection: the next `count` requests matching method and path prefix are delayed
//! and/or answered with a canned status — what hosting firewalls, security plugins and
//! overloaded PHP workers do in front of WooCommerce.
//!
//! Default bodies: 429 and 502–504 as the HTML a proxy sends (clients must not expect JSON);
//! 500 as WordPress's critical-error JSON. A 429 carries `Retry-After` when `retry_after` is set.

use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::log::is_control;
use crate::state::SimState;

fn one() -> usize {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// HTTP method, case-insensitive; "*" matches any.
    pub method: String,
    /// Path prefix; one not starting with `/wp-json` is taken under `/wp-json/wc/v3`
    /// (`"/products"` means `/wp-json/wc/v3/products…`).
    pub path: String,
    /// How many matching requests are affected.
    #[serde(default = "one")]
    pub count: usize,
    /// Respond with this status instead of serving the request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Wait this long first (then apply `status`, or serve normally).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// `Retry-After` header value in seconds.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// JSON body for `status` instead of the default.
    #[serde(default)]
    pub body: Option<Value>,
    /// Let this many matching requests through first (a failure in the middle of a run).
    #[serde(default)]
    pub skip: usize,
}

/// The full path a fault prefix stands for.
pub(crate) fn full_path(prefix: &str) -> String {
    if prefix.starts_with("/wp-json") {
        prefix.to_string()
    } else {
        format!("/wp-json/wc/v3{prefix}")
    }
}

impl Fault {
    fn base(method: &str, path: &str) -> Self {
        Fault {
            method: method.into(),
            path: path.into(),
            count: 1,
            status: None,
            delay_ms: None,
            retry_after: None,
            body: None,
            skip: 0,
        }
    }
    pub fn status(method: &str, path: &str, status: u16) -> Self {
        Fault {
            status: Some(status),
            ..Self::base(method, path)
        }
    }
    /// 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limited(method: &str, path: &str, retry_after_secs: u64) -> Self {
        Fault {
            status: Some(429),
            retry_after: Some(retry_after_secs),
            ..Self::base(method, path)
        }
    }
    pub fn delay(method: &str, path: &str, delay_ms: u64) -> Self {
        Fault {
            delay_ms: Some(delay_ms),
            ..Self::base(method, path)
        }
    }
    pub fn times(mut self, count: usize) -> Self {
        self.count = count;
        self
    }
    /// Serve the first `n` matching requests normally, then fail.
    pub fn after(mut self, n: usize) -> Self {
        self.skip = n;
        self
    }
    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    fn matches(&self, method: &str, path: &str) -> bool {
        (self.method == "*" || self.method.eq_ignore_ascii_case(method))
            && path.starts_with(&full_path(&self.path))
    }
}

/// Takes one use of the first fault matching the request.
fn take(st: &SimState, method: &str, path: &str) -> Option<Fault> {
    let mut w = st.lock();
    let i = w
        .faults
        .iter()
        .position(|f| f.count > 0 && f.matches(method, path))?;
    if w.faults[i].skip > 0 {
        w.faults[i].skip -= 1;
        return None;
    }
    let f = w.faults[i].clone();
    w.faults[i].count -= 1;
    if w.faults[i].count == 0 {
        w.faults.remove(i);
    }
    Some(f)
}

fn default_body(status: StatusCode) -> Response {
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        let body = json!({
            "code": "internal_server_error",
            "message": "<p>There has been a critical error on this website.</p>",
            "data": {"status": 500},
            "additional_errors": [],
        });
        return (status, Json(body)).into_response();
    }
    let reason = status.canonical_reason().unwrap_or("Error");
    let html = format!(
        "<html><head><title>{} {reason}</title></head><body><h1>{reason}</h1></body></html>",
        status.as_u16()
    );
    (status, Html(html)).into_response()
}

pub(crate) async fn apply(State(st): State<SimState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_control(&path) {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let Some(fault) = take(&st, &method, &path) else {
        return next.run(req).await;
    };
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let Some(status) = fault.status else {
        return next.run(req).await;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match fault.body {
        Some(body) => (status, Json(body)).into_response(),
        None => default_body(status),
    };
    if let Some(secs) = fault.retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
