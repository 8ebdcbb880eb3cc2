//! Routers for the HTTP functions. The same router runs under `lambda_http` in AWS and under a
//! local axum server for `make serve` and the tests.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use fortsync_app::ingress::{self, Accepted, Delivery, IngressDeps, IngressError};
use serde_json::json;
use std::sync::Arc;

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// `POST /webhooks/{tenant}/{platform}`.
pub fn webhook_router(deps: Arc<IngressDeps>) -> Router {
    // The use case enforces the configured limit with a clear 413; axum's own limit sits just
    // above it so oversized bodies never reach memory in full.
    let limit = deps.max_body_bytes.saturating_add(1);
    Router::new()
        .route("/webhooks/{tenant}/{platform}", post(order_webhook))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(deps)
}

async fn order_webhook(
    State(deps): State<Arc<IngressDeps>>,
    Path((tenant, platform)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delivery = Delivery {
        tenant: &tenant,
        platform: &platform,
        headers: &headers,
        body: &body,
    };
    match ingress::receive_order(&deps, delivery).await {
        Ok(Accepted::Queued { order_id }) => {
            tracing::info!(tenant = %tenant, order = %order_id, "order queued");
            reply(
                StatusCode::ACCEPTED,
                json!({"status": "queued", "order_id": order_id}),
            )
        }
        Ok(Accepted::Duplicate) => {
            tracing::info!(tenant = %tenant, "duplicate delivery dropped");
            reply(StatusCode::OK, json!({"status": "duplicate"}))
        }
        Ok(Accepted::Stale { order_id }) => {
            tracing::info!(tenant = %tenant, order = %order_id, "older version of a known order dropped");
            reply(
                StatusCode::OK,
                json!({"status": "stale", "order_id": order_id}),
            )
        }
        Ok(Accepted::Ignored(why)) => {
            tracing::info!(tenant = %tenant, platform = %platform, reason = %why, "delivery needs no work");
            reply(StatusCode::OK, json!({"status": "ignored", "reason": why}))
        }
        Ok(Accepted::Ping) => reply(StatusCode::OK, json!({"status": "ping"})),
        Ok(Accepted::AlreadySynced { order_id }) => reply(
            StatusCode::OK,
            json!({"status": "already_synced", "order_id": order_id}),
        ),
        Err(e) => {
            let status = match &e {
                IngressError::NotFound => StatusCode::NOT_FOUND,
                IngressError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
                IngressError::Unauthorized => StatusCode::UNAUTHORIZED,
                IngressError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                IngressError::Invalid(_) => StatusCode::BAD_REQUEST,
                IngressError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            };
            tracing::warn!(tenant = %tenant, platform = %platform, status = status.as_u16(), reason = %e, "webhook refused");
            // Signature failures get no detail; validation errors tell the sender what to fix.
            let message = match &e {
                IngressError::Invalid(reason) => reason.clone(),
                IngressError::TooLarge(_) | IngressError::NotImplemented(_) => e.to_string(),
                _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
            };
            reply(status, json!({"error": message}))
        }
    }
}

/// `POST /callbacks/{tenant}/invoice-status` (see `fortsync_app::callback` for the contract).
pub fn invoice_status_router(deps: Arc<IngressDeps>) -> Router {
    let limit = deps.max_body_bytes.saturating_add(1);
    Router::new()
        .route("/callbacks/{tenant}/invoice-status", post(status_callback))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(deps)
}

async fn status_callback(
    State(deps): State<Arc<IngressDeps>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use fortsync_app::ingress::status::{StatusAccepted, receive_status};
    match receive_status(&deps, &tenant, &headers, &body).await {
        Ok(StatusAccepted::Queued) => reply(StatusCode::ACCEPTED, json!({"status": "queued"})),
        Ok(StatusAccepted::Duplicate) => reply(StatusCode::OK, json!({"status": "duplicate"})),
        Err(e) => {
            let status = match &e {
                IngressError::NotFound => StatusCode::NOT_FOUND,
                IngressError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
                IngressError::Unauthorized => StatusCode::UNAUTHORIZED,
                IngressError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                IngressError::Invalid(_) => StatusCode::BAD_REQUEST,
                IngressError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            };
            tracing::warn!(tenant = %tenant, status = status.as_u16(), reason = %e, "callback refused");
            let message = match &e {
                IngressError::Invalid(reason) => reason.clone(),
                _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
            };
            reply(status, json!({"error": message}))
        }
    }
}
