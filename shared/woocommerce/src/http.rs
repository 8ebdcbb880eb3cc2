//! The REST client: Basic auth with the API key, bounded retries (see [`crate::retry`]) and
//! WooCommerce's error bodies (`{"code", "message", "data": {"status"}}`) mapped to
//! [`ShopError`]. Bodies of proxies and firewalls may be HTML; they are never decoded as JSON.

use std::time::Duration;

use fortsync_app::shop::ShopError;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::config::ConsumerSecret;
use crate::retry::{RetryPolicy, parse_retry_after};

/// Whether a request may be resent after a 5xx or a timeout (a 429 may always be resent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotent {
    Yes,
    No,
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub body: Vec<u8>,
    /// `X-WP-TotalPages` of a list.
    pub total_pages: Option<u32>,
}

impl Answer {
    pub fn json<T: for<'de> Deserialize<'de>>(&self, what: &str) -> Result<T, ShopError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| ShopError::Unavailable(format!("unreadable {what} from the shop: {e}")))
    }
}

pub(crate) struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub key: String,
    pub secret: ConsumerSecret,
    pub retry: RetryPolicy,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WpError {
    code: String,
    message: String,
}

/// What went wrong with one attempt, before deciding whether to retry.
enum Failure {
    RateLimited(Option<Duration>),
    Transient(String, Option<Duration>),
    Final(ShopError),
}

/// WooCommerce's "invalid id" codes (`woocommerce_rest_product_invalid_id`,
/// `woocommerce_rest_invalid_id`, `woocommerce_rest_shop_order_invalid_id`, …): the object
/// does not exist, whatever the status (updates answer 400, reads 404).
pub(crate) fn is_invalid_id(code: &str) -> bool {
    code.starts_with("woocommerce_rest_") && code.ends_with("_id") && code.contains("invalid")
}

/// Maps a WordPress error (`status`, `code`, `message`) to the port's error.
pub(crate) fn classify(status: u16, code: &str, message: &str) -> ShopError {
    let text = if code.is_empty() {
        format!("HTTP {status}: {message}")
    } else {
        format!("{message} ({code})")
    };
    match status {
        401 | 403 => ShopError::Unauthorized(text),
        404 => ShopError::NotFound(text),
        _ if is_invalid_id(code) => ShopError::NotFound(text),
        s if s >= 500 => ShopError::Unavailable(text),
        _ => ShopError::Invalid(text),
    }
}

fn error_text(body: &[u8]) -> WpError {
    serde_json::from_slice::<WpError>(body).unwrap_or_else(|_| WpError {
        code: String::new(),
        message: "non-JSON error body".into(),
    })
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// One attempt.
    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer, Failure> {
        let mut req = self
            .http
            .request(method.clone(), self.url(path))
            .basic_auth(&self.key, Some(self.secret.expose()))
            .header("Accept", "application/json")
            .query(query);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Err(Failure::Transient("timeout".into(), None)),
            Err(e) => return Err(Failure::Transient(e.without_url().to_string(), None)),
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let total_pages = resp
            .headers()
            .get("x-wp-totalpages")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let bytes = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if status.is_success() => {
                return Err(Failure::Transient(e.without_url().to_string(), None));
            }
            Err(_) => Vec::new(),
        };
        if status.is_success() {
            return Ok(Answer {
                body: bytes,
                total_pages,
            });
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Failure::RateLimited(retry_after));
        }
        let e = error_text(&bytes);
        if status.is_server_error() {
            let text = format!("HTTP {}: {}", status.as_u16(), e.message);
            return Err(Failure::Transient(text, retry_after));
        }
        Err(Failure::Final(classify(
            status.as_u16(),
            &e.code,
            &e.message,
        )))
    }

    /// Sends with bounded retries; what is left is `RateLimited` or `Unavailable`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotent: Idempotent,
    ) -> Result<Answer, ShopError> {
        let mut attempt = 0;
        loop {
            let failure = match self.attempt(&method, path, query, body).await {
                Ok(answer) => return Ok(answer),
                Err(f) => f,
            };
            let (retryable, wait, error) = match failure {
                Failure::Final(e) => return Err(e),
                Failure::RateLimited(after) => {
                    let wait = self.retry.wait(attempt, after);
                    let ms = u64::try_from(after.unwrap_or(wait).as_millis()).unwrap_or(u64::MAX);
                    let error = ShopError::RateLimited { retry_after_ms: ms };
                    // A wait longer than we will sleep: hand it back to the scheduler now.
                    let too_long = after.is_some_and(|a| a > self.retry.max_retry_after);
                    (!too_long, wait, error)
                }
                Failure::Transient(text, after) => (
                    idempotent == Idempotent::Yes,
                    self.retry.wait(attempt, after),
                    ShopError::Unavailable(text),
                ),
            };
            if !retryable || attempt >= self.retry.max_retries {
                tracing::warn!(%method, path, attempt, error = %error, "woocommerce request failed");
                return Err(error);
            }
            tracing::debug!(%method, path, attempt, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "retrying woocommerce request");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Answer, ShopError> {
        self.send(Method::GET, path, query, None, Idempotent::Yes)
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<Answer, ShopError> {
        self.send(Method::PUT, path, &[], Some(body), Idempotent::Yes)
            .await
    }

    /// A POST that sets values (batch updates): safe to resend.
    pub async fn post_idempotent(&self, path: &str, body: &Value) -> Result<Answer, ShopError> {
        self.send(Method::POST, path, &[], Some(body), Idempotent::Yes)
            .await
    }

    /// A POST that creates something: not resent after a 5xx or timeout.
    pub async fn post_create(&self, path: &str, body: &Value) -> Result<Answer, ShopError> {
        self.send(Method::POST, path, &[], Some(body), Idempotent::No)
            .await
    }
}
