//! GraphQL transport: one POST per call with the access token header, cost-aware waiting,
//! and bounded retries. Outcomes map to [`ShopError`]:
//!
//! | Answer | Result |
//! |---|---|
//! | 200 with `THROTTLED` | wait for the bucket, retry; then `RateLimited` |
//! | 429 | wait `Retry-After` (or backoff), retry; then `RateLimited` |
//! | 5xx, timeout, connection error | retry if the call is safe to resend; then `Unavailable` |
//! | 401, 403, 404, `ACCESS_DENIED` | `Unauthorized` (404: wrong shop or retired API version) |
//! | 402, 423 (frozen / locked shop) | `Unavailable` |
//! | other 4xx, other GraphQL errors | `Invalid` |
//!
//! The token is sent only in `X-Shopify-Access-Token` and never logged.

use std::sync::Mutex;
use std::time::Duration;

use fortsync_app::shop::ShopError;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::config::{AccessToken, RetryPolicy, ShopifyConfig};
use crate::throttle::{BucketEstimate, ThrottleStatus, throttled_wait};

/// One GraphQL request.
pub(crate) struct Call {
    /// The operation name in the document (also used to learn its cost).
    pub name: &'static str,
    pub query: String,
    pub variables: Value,
    /// Expected requested cost, for waiting before sending.
    pub cost: u32,
    /// `cost` is exact (built documents); otherwise the cost last seen for `name` is used.
    pub exact_cost: bool,
    /// Whether resending after a 5xx/timeout cannot apply a change twice.
    pub resendable: bool,
}

impl Call {
    pub fn new(name: &'static str, query: impl Into<String>, variables: Value, cost: u32) -> Self {
        Call {
            name,
            query: query.into(),
            variables,
            cost,
            exact_cost: false,
            resendable: true,
        }
    }

    /// Marks `cost` as exact, for documents whose size varies per call.
    pub fn exact_cost(mut self) -> Self {
        self.exact_cost = true;
        self
    }

    /// Marks a call whose resend could duplicate a change (creates).
    pub fn not_resendable(mut self) -> Self {
        self.resendable = false;
        self
    }
}

/// Why one attempt failed.
enum Attempt {
    Throttled(Option<Duration>),
    TooManyRequests(Option<Duration>),
    Unavailable(String),
    Fatal(ShopError),
}

pub(crate) struct Client {
    http: reqwest::Client,
    url: String,
    token: AccessToken,
    retry: RetryPolicy,
    bucket: Mutex<BucketEstimate>,
}

impl Client {
    pub fn new(config: &ShopifyConfig) -> Result<Self, ShopError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ShopError::Unavailable(format!("HTTP client: {e}")))?;
        Ok(Client {
            http,
            url: config.graphql_url(),
            token: config.access_token.clone(),
            retry: config.retry,
            bucket: Mutex::new(BucketEstimate::default()),
        })
    }

    fn bucket(&self) -> std::sync::MutexGuard<'_, BucketEstimate> {
        self.bucket.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `call` and returns its `data`.
    pub async fn run(&self, call: &Call) -> Result<Value, ShopError> {
        let mut waited = Duration::ZERO;
        let mut retries = 0u32;
        loop {
            let pre = {
                let b = self.bucket();
                let cost = if call.exact_cost {
                    call.cost
                } else {
                    b.expected_cost(call.name, call.cost)
                };
                b.wait_for(cost)
            };
            if !pre.is_zero() {
                if waited + pre > self.retry.max_total_wait {
                    return Err(rate_limited(pre));
                }
                tracing::debug!(
                    operation = call.name,
                    wait_ms = pre.as_millis() as u64,
                    "waiting for the cost bucket"
                );
                tokio::time::sleep(pre).await;
                waited += pre;
            }
            let failure = match self.attempt(call).await {
                Ok(data) => return Ok(data),
                Err(f) => f,
            };
            let (hint, last) = match failure {
                Attempt::Fatal(e) => return Err(e),
                Attempt::Unavailable(msg) if !call.resendable => {
                    return Err(ShopError::Unavailable(msg));
                }
                Attempt::Throttled(hint) | Attempt::TooManyRequests(hint) => (hint, None),
                Attempt::Unavailable(msg) => (None, Some(msg)),
            };
            retries += 1;
            let wait = hint
                .unwrap_or_else(|| self.backoff(retries))
                .min(self.retry.max_delay);
            let give_up =
                retries > self.retry.max_retries || waited + wait > self.retry.max_total_wait;
            if give_up {
                return Err(match last {
                    Some(msg) => ShopError::Unavailable(msg),
                    None => rate_limited(wait.max(self.retry.base_delay)),
                });
            }
            tracing::warn!(
                operation = call.name,
                retry = retries,
                wait_ms = wait.as_millis() as u64,
                reason = last.as_deref().unwrap_or("rate limited"),
                "retrying Shopify call"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    /// Exponential backoff with ±25 % jitter, capped at `max_delay`.
    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .retry
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
        let jitter = 0.75 + rand::random::<f64>() * 0.5;
        exp.mul_f64(jitter).min(self.retry.max_delay)
    }

    async fn attempt(&self, call: &Call) -> Result<Value, Attempt> {
        let body =
            json!({"query": call.query, "variables": call.variables, "operationName": call.name});
        let resp = self
            .http
            .post(&self.url)
            .header("X-Shopify-Access-Token", self.token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                let what = if e.is_timeout() {
                    "timed out"
                } else {
                    "request failed"
                };
                Attempt::Unavailable(format!("{} {what}: {}", call.name, e.without_url()))
            })?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        let text = resp.text().await.map_err(|e| {
            Attempt::Unavailable(format!(
                "{}: reading the answer failed: {}",
                call.name,
                e.without_url()
            ))
        })?;
        if status != StatusCode::OK {
            return Err(classify_status(status, retry_after, &text));
        }
        let body: Value = serde_json::from_str(&text)
            .map_err(|_| Attempt::Unavailable(format!("{}: the answer is not JSON", call.name)))?;
        self.read_cost(call.name, &body);
        if let Some(errors) = body
            .get("errors")
            .and_then(Value::as_array)
            .filter(|e| !e.is_empty())
        {
            return Err(self.classify_errors(errors, &body));
        }
        Ok(body.get("data").cloned().unwrap_or(Value::Null))
    }

    fn read_cost(&self, name: &str, body: &Value) {
        let cost = &body["extensions"]["cost"];
        let status = serde_json::from_value::<ThrottleStatus>(cost["throttleStatus"].clone()).ok();
        let mut b = self.bucket();
        if let Some(s) = status {
            b.update(s);
        }
        if let Some(r) = cost["requestedQueryCost"].as_u64() {
            b.learn_cost(name, r as u32);
        }
        tracing::debug!(
            operation = name,
            requested = cost["requestedQueryCost"].as_u64(),
            actual = cost["actualQueryCost"].as_u64(),
            available = status.map(|s| s.currently_available),
            "Shopify call cost"
        );
    }

    fn classify_errors(&self, errors: &[Value], body: &Value) -> Attempt {
        let code = |e: &Value| e["extensions"]["code"].as_str().unwrap_or("").to_string();
        let messages = errors
            .iter()
            .filter_map(|e| e["message"].as_str())
            .collect::<Vec<_>>()
            .join("; ");
        if errors.iter().any(|e| code(e) == "THROTTLED") {
            let cost = &body["extensions"]["cost"];
            let status =
                serde_json::from_value::<ThrottleStatus>(cost["throttleStatus"].clone()).ok();
            let requested = cost["requestedQueryCost"].as_u64().map(|r| r as u32);
            return Attempt::Throttled(throttled_wait(status, requested).filter(|d| !d.is_zero()));
        }
        if errors.iter().any(|e| code(e) == "ACCESS_DENIED") {
            return Attempt::Fatal(ShopError::Unauthorized(messages));
        }
        if errors.iter().any(|e| code(e) == "INTERNAL_SERVER_ERROR") {
            return Attempt::Unavailable(messages);
        }
        Attempt::Fatal(ShopError::Invalid(messages))
    }
}

fn rate_limited(wait: Duration) -> ShopError {
    ShopError::RateLimited {
        retry_after_ms: wait.as_millis().max(1) as u64,
    }
}

fn short(text: &str) -> String {
    let t: String = text.chars().take(300).collect();
    t.trim().to_string()
}

fn classify_status(status: StatusCode, retry_after: Option<Duration>, text: &str) -> Attempt {
    match status.as_u16() {
        429 => Attempt::TooManyRequests(retry_after),
        401 | 403 => Attempt::Fatal(ShopError::Unauthorized(format!(
            "HTTP {status}: {}",
            short(text)
        ))),
        404 => Attempt::Fatal(ShopError::Unauthorized(format!(
            "HTTP 404: unknown shop or retired API version: {}",
            short(text)
        ))),
        402 => Attempt::Fatal(ShopError::Unavailable(
            "HTTP 402: the shop is frozen (unpaid plan)".into(),
        )),
        423 => Attempt::Fatal(ShopError::Unavailable(
            "HTTP 423: the shop is locked".into(),
        )),
        s if s >= 500 => Attempt::Unavailable(format!("HTTP {status}")),
        _ => Attempt::Fatal(ShopError::Invalid(format!(
            "HTTP {status}: {}",
            short(text)
        ))),
    }
}
