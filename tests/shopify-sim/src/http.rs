//! The Admin API endpoint `POST /admin/api/{version}/graphql.json`.
//!
//! Status codes as Shopify answers them: 404 for an unknown API version, 401 without a valid
//! `X-Shopify-Access-Token`, 400 for a body that is not `{"query": ...}`, 200 for everything
//! GraphQL (including syntax errors, `THROTTLED` and `MAX_COST_EXCEEDED`), and whatever an
//! injected fault says.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::clock::fmt_time;
use crate::faults::FaultKind;
use crate::graphql::doc::{OpKind, prepare};
use crate::graphql::{execute, throttled};
use crate::log::LoggedRequest;
use crate::state::SimState;

pub(crate) const TOKEN_HEADER: &str = "x-shopify-access-token";

fn answer(
    st: &SimState,
    mut entry: LoggedRequest,
    status: StatusCode,
    body: Value,
    version: &str,
) -> Response {
    {
        let mut w = st.lock();
        entry.status = status.as_u16();
        entry.at = fmt_time(w.now());
        w.log.push(entry);
    }
    let mut resp = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(version) {
        resp.headers_mut().insert("x-shopify-api-version", v);
    }
    resp
}

pub(crate) async fn graphql(
    State(st): State<SimState>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut entry = LoggedRequest::new(&format!("/admin/api/{version}/graphql.json"));
    entry.api_version = Some(version.clone());
    let config = st.config();
    if !config.api_versions.contains(&version) {
        return answer(
            &st,
            entry,
            StatusCode::NOT_FOUND,
            json!({"errors": "Not Found"}),
            &version,
        );
    }
    let presented = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok());
    let Some(token) = config
        .access_tokens
        .iter()
        .find(|t| Some(t.token.as_str()) == presented)
        .cloned()
    else {
        let body = json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"});
        return answer(&st, entry, StatusCode::UNAUTHORIZED, body, &version);
    };
    let parsed: Option<(String, Map<String, Value>, Option<String>)> =
        serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
            let query = v.get("query")?.as_str()?.to_string();
            let vars = v
                .get("variables")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let name = v
                .get("operationName")
                .and_then(Value::as_str)
                .map(str::to_string);
            Some((query, vars, name))
        });
    let Some((query, vars, op_name)) = parsed else {
        let body = json!({"errors": {"query": "Required parameter missing or invalid"}});
        return answer(&st, entry, StatusCode::BAD_REQUEST, body, &version);
    };
    entry.variables = Value::Object(vars.clone());
    let op = match prepare(&query, op_name.as_deref(), &vars) {
        Ok(op) => op,
        Err(e) => {
            entry.error_codes = e.code.iter().cloned().collect();
            return answer(
                &st,
                entry,
                StatusCode::OK,
                json!({"errors": [e.to_json()]}),
                &version,
            );
        }
    };
    entry.kind = Some(match op.kind {
        OpKind::Query => "query".into(),
        OpKind::Mutation => "mutation".into(),
    });
    entry.operation_name = op.name.clone();
    entry.root_fields = op.fields.iter().map(|f| f.name.clone()).collect();

    let fault = st.lock().take_fault(&entry.root_fields);
    let mut injected = None;
    if let Some(f) = fault {
        entry.fault = Some(
            match &f.kind {
                FaultKind::Status { .. } => "status",
                FaultKind::Throttled => "throttled",
                FaultKind::UserError { .. } => "user_error",
                FaultKind::Delay { .. } => "delay",
            }
            .into(),
        );
        match f.kind {
            FaultKind::Delay { ms } => tokio::time::sleep(Duration::from_millis(ms)).await,
            FaultKind::Status {
                status,
                retry_after,
                body,
            } => {
                let code =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let body = body.unwrap_or_else(
                    || json!({"errors": code.canonical_reason().unwrap_or("Error")}),
                );
                let mut resp = answer(&st, entry, code, body, &version);
                if let Some(h) = retry_after.and_then(|r| HeaderValue::from_str(&r).ok()) {
                    resp.headers_mut().insert("retry-after", h);
                }
                return resp;
            }
            FaultKind::Throttled => {
                entry.throttled = true;
                let body = {
                    let mut w = st.lock();
                    let requested = crate::graphql::cost::requested(&op);
                    entry.requested_cost = Some(requested);
                    throttled(&mut w, &token.token, requested, true)
                };
                return answer(&st, entry, StatusCode::OK, body, &version);
            }
            kind @ FaultKind::UserError { .. } => injected = Some(kind),
        }
    }
    let body = {
        let mut w = st.lock();
        execute(&mut w, &token, &version, &op, injected.as_ref(), &mut entry)
    };
    answer(&st, entry, StatusCode::OK, body, &version)
}
