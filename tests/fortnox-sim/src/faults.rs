//! Fault injection: the next `count` requests matching method and path prefix get a canned
//! status/body, a delay, or a closed connection.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::errors::{LoggedCode, code, error_response};
use crate::log::{LoggedRequest, is_control, push};
use crate::state::SimState;

fn one() -> usize {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// HTTP method, case-insensitive; "*" matches any.
    pub method: String,
    /// Path prefix, e.g. "/3/invoices" or "/oauth-v1/token".
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
    /// Close the connection without any response.
    #[serde(default)]
    pub drop_connection: bool,
    /// Body for `status`; default: a Fortnox error envelope (or the 429 body for 429).
    #[serde(default)]
    pub body: Option<Value>,
}

impl Fault {
    fn base(method: &str, path: &str) -> Self {
        Fault {
            method: method.into(),
            path: path.into(),
            count: 1,
            status: None,
            delay_ms: None,
            drop_connection: false,
            body: None,
        }
    }
    pub fn status(method: &str, path: &str, status: u16) -> Self {
        Fault {
            status: Some(status),
            ..Self::base(method, path)
        }
    }
    pub fn delay(method: &str, path: &str, delay_ms: u64) -> Self {
        Fault {
            delay_ms: Some(delay_ms),
            ..Self::base(method, path)
        }
    }
    pub fn drop_connection(method: &str, path: &str) -> Self {
        Fault {
            drop_connection: true,
            ..Self::base(method, path)
        }
    }
    pub fn times(mut self, count: usize) -> Self {
        self.count = count;
        self
    }
    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    fn matches(&self, method: &str, path: &str) -> bool {
        (self.method == "*" || self.method.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path)
    }
}

/// Per-connection signal, inserted by `server::serve`, that closes the connection.
#[derive(Clone)]
pub(crate) struct ConnDrop(pub Arc<Notify>);

/// Takes one use of the first fault matching the request.
fn take(st: &SimState, method: &str, path: &str) -> Option<Fault> {
    let mut w = st.lock();
    let i = w
        .faults
        .iter()
        .position(|f| f.count > 0 && f.matches(method, path))?;
    let f = w.faults[i].clone();
    w.faults[i].count -= 1;
    if w.faults[i].count == 0 {
        w.faults.remove(i);
    }
    Some(f)
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
    if fault.drop_connection {
        push(
            &st,
            LoggedRequest {
                method,
                route: path.clone(),
                path,
                query: req.uri().query().unwrap_or("").to_string(),
                status: 0,
                tenant_id: None,
                client_id: None,
                error_code: None,
                at: String::new(),
            },
        );
        if let Some(drop) = req.extensions().get::<ConnDrop>().cloned() {
            drop.0.notify_one();
            // The connection task drops this future together with the connection.
            std::future::pending::<()>().await;
        }
        // Served by something other than `server::serve`: abort the response body instead.
        return Response::new(Body::new(FailingBody));
    }
    let Some(status) = fault.status else {
        return next.run(req).await;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match fault.body {
        Some(body) => {
            let mut resp = (status, Json(body.clone())).into_response();
            if let Some(c) = body
                .pointer("/ErrorInformation/code")
                .and_then(Value::as_u64)
            {
                resp.extensions_mut().insert(LoggedCode(c));
            }
            resp
        }
        None if status == StatusCode::TOO_MANY_REQUESTS => crate::ratelimit::too_many_requests(),
        None if status.is_client_error() || status.is_server_error() => {
            error_response(status, code::SYSTEM, "Simulerat fel (fault injection).")
        }
        None => (status, Json(json!({}))).into_response(),
    }
}

/// A body whose first frame is an error, making hyper abort the connection.
struct FailingBody;

impl axum::body::HttpBody for FailingBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other("injected connection drop"))))
    }
}
