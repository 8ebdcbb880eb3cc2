use crate::error::FortnoxError;
use crate::throttle::Throttle;
use crate::wire::{ErrorEnvelope, OAuthError};
use fortsync_app::ApiCall;
use rand::Rng;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How 429s and failed reads are retried inside one job. Writes are never retried here: the
/// worker's recorded intent plus an external-reference lookup makes *their* retry safe.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            base_delay: Duration::from_millis(1000),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Exponential with full jitter: base·2^attempt, capped, scaled by a random factor in [0.5, 1].
    fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let factor = rand::rng().random_range(0.5..=1.0);
        exp.mul_f32(factor)
    }
}

/// A client for one tenant's Fortnox company.
pub struct FortnoxClient {
    http: reqwest::Client,
    api_base: String,
    token: String,
    throttle_key: String,
    throttle: Arc<Throttle>,
    retry: RetryPolicy,
    calls: Mutex<Vec<ApiCall>>,
}

impl FortnoxClient {
    pub fn new(
        http: reqwest::Client,
        api_base: &str,
        token: String,
        throttle_key: String,
        throttle: Arc<Throttle>,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            http,
            api_base: api_base.trim_end_matches('/').to_owned(),
            token,
            throttle_key,
            throttle,
            retry,
            calls: Mutex::new(Vec::new()),
        }
    }

    /// The shared HTTP client: rustls, timeouts below the worker's, connection reuse.
    pub fn http_client(timeout: Duration) -> Result<reqwest::Client, FortnoxError> {
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("fortsync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FortnoxError::Connect(e.to_string()))
    }

    pub fn take_calls(&self) -> Vec<ApiCall> {
        self.calls
            .lock()
            .map(|mut c| std::mem::take(&mut *c))
            .unwrap_or_default()
    }

    fn record(
        &self,
        method: &str,
        path: &str,
        status: Option<u16>,
        started: Instant,
        code: Option<u64>,
    ) {
        let call = ApiCall {
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            fortnox_code: code,
        };
        if let Ok(mut c) = self.calls.lock() {
            c.push(call);
        }
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, FortnoxError> {
        self.send(reqwest::Method::GET, path, query, None::<&()>, true)
            .await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, FortnoxError> {
        self.send(reqwest::Method::POST, path, &[], Some(body), false)
            .await
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, FortnoxError> {
        self.send(reqwest::Method::PUT, path, &[], body, false)
            .await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        idempotent: bool,
    ) -> Result<T, FortnoxError> {
        let url = format!("{}{path}", self.api_base);
        let mut attempt = 0;
        loop {
            self.throttle.acquire(&self.throttle_key).await;
            let started = Instant::now();
            let mut req = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.token)
                .header("Accept", "application/json")
                .query(query);
            if let Some(b) = body {
                req = req.json(b);
            }
            let result = req.send().await;
            let err = match result {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let text = resp.text().await.map_err(|e| transport(&e));
                    match text {
                        Ok(text) if (200..300).contains(&status) => {
                            self.record(method.as_str(), path, Some(status), started, None);
                            let body = if text.trim().is_empty() {
                                "null"
                            } else {
                                &text
                            };
                            return serde_json::from_str(body)
                                .map_err(|e| FortnoxError::Decode(format!("{path}: {e}")));
                        }
                        Ok(text) => {
                            let e = api_error(status, &text);
                            self.record(method.as_str(), path, Some(status), started, e.code());
                            e
                        }
                        Err(e) => {
                            self.record(method.as_str(), path, Some(status), started, None);
                            e
                        }
                    }
                }
                Err(e) => {
                    self.record(method.as_str(), path, None, started, None);
                    transport(&e)
                }
            };
            // 429 means the request was not processed, so even writes may be resent.
            let rate_limited = err.status() == Some(429);
            let transient = matches!(err, FortnoxError::Timeout | FortnoxError::Connect(_))
                || err.status().is_some_and(|s| s >= 500);
            let retry_read = idempotent && transient;
            if (rate_limited || retry_read) && attempt < self.retry.max_retries {
                tokio::time::sleep(self.retry.delay(attempt)).await;
                attempt += 1;
                continue;
            }
            if rate_limited {
                return Err(FortnoxError::RateLimited(attempt));
            }
            return Err(err);
        }
    }
}

fn transport(e: &reqwest::Error) -> FortnoxError {
    if e.is_timeout() {
        FortnoxError::Timeout
    } else {
        FortnoxError::Connect(e.to_string())
    }
}

fn api_error(status: u16, body: &str) -> FortnoxError {
    if let Ok(env) = serde_json::from_str::<ErrorEnvelope>(body) {
        return FortnoxError::Api {
            status,
            code: env.error_information.code,
            message: env.error_information.message.unwrap_or_default(),
        };
    }
    if let Ok(o) = serde_json::from_str::<OAuthError>(body) {
        return FortnoxError::Api {
            status,
            code: None,
            message: o.error_description.unwrap_or(o.error),
        };
    }
    // Unknown shape: keep it short, bodies can echo customer data.
    FortnoxError::Api {
        status,
        code: None,
        message: body.chars().take(120).collect(),
    }
}
