//! REST API key authentication (`WC_REST_Authentication`): HTTP Basic with consumer key and
//! secret, or `consumer_key` / `consumer_secret` query parameters.
//!
//! WooCommerce accepts both only over HTTPS (plain HTTP needs OAuth 1.0a signatures); the
//! simulator treats every request as HTTPS. Errors, all 401:
//! - no credentials: the endpoint's permission error (`woocommerce_rest_cannot_view` "Sorry, you
//!   cannot list resources.", `…_cannot_create`, `…_cannot_edit`, `…_cannot_batch`);
//! - unknown key: `woocommerce_rest_authentication_error` "Consumer key is invalid.";
//! - wrong secret: same code, "Consumer secret is invalid.";
//! - a read-only key writing (or write-only key reading): "The API key provided does not have
//!   write permissions." (or read).

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::errors::ApiError;
use crate::state::SimState;

/// The consumer key of an authenticated request, for the request log.
#[derive(Debug, Clone)]
pub(crate) struct AuthedKey(pub String);

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (key, secret) = text.split_once(':')?;
    Some((key.to_string(), secret.to_string()))
}

fn from_query(req: &Request) -> Option<(String, String)> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(req.uri()).ok()?;
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Some((get("consumer_key")?, get("consumer_secret")?))
}

/// The permission error WooCommerce gives an anonymous request to this endpoint.
fn anonymous(method: &Method, path: &str) -> ApiError {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let item = last.chars().all(|c| c.is_ascii_digit()) && !last.is_empty();
    let (code, message) = if last == "batch" {
        (
            "woocommerce_rest_cannot_batch",
            "Sorry, you are not allowed to batch manipulate this resource.",
        )
    } else if *method == Method::GET || *method == Method::HEAD {
        if item {
            (
                "woocommerce_rest_cannot_view",
                "Sorry, you cannot view this resource.",
            )
        } else {
            (
                "woocommerce_rest_cannot_view",
                "Sorry, you cannot list resources.",
            )
        }
    } else if *method == Method::DELETE {
        (
            "woocommerce_rest_cannot_delete",
            "Sorry, you are not allowed to delete this resource.",
        )
    } else if item {
        (
            "woocommerce_rest_cannot_edit",
            "Sorry, you are not allowed to edit this resource.",
        )
    } else {
        (
            "woocommerce_rest_cannot_create",
            "Sorry, you are not allowed to create resources.",
        )
    };
    ApiError::new(401, code, message)
}

fn auth_error(message: &str) -> Response {
    ApiError::new(401, "woocommerce_rest_authentication_error", message).into_response()
}

/// Route layer of the API routes.
pub(crate) async fn guard(State(st): State<SimState>, req: Request, next: Next) -> Response {
    let Some((key, secret)) = basic(req.headers()).or_else(|| from_query(&req)) else {
        return anonymous(req.method(), req.uri().path()).into_response();
    };
    let reading = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    {
        let w = st.lock();
        let Some(k) = w.config.keys.iter().find(|k| k.consumer_key == key) else {
            return auth_error("Consumer key is invalid.");
        };
        if k.consumer_secret != secret {
            return auth_error("Consumer secret is invalid.");
        }
        if reading && !k.permissions.can_read() {
            return auth_error("The API key provided does not have read permissions.");
        }
        if !reading && !k.permissions.can_write() {
            return auth_error("The API key provided does not have write permissions.");
        }
    }
    let mut resp = next.run(req).await;
    resp.extensions_mut().insert(AuthedKey(key));
    resp
}
