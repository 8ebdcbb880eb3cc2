//! Shared helpers for the simulator's integration tests.
#![allow(dead_code)]

use std::str::FromStr;
use std::time::Duration;

use fortnox_sim::{SimConfig, SimHandle, spawn};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::Value;

pub const ALL_SCOPES: &[&str] = &[
    "customer",
    "article",
    "order",
    "invoice",
    "payment",
    "price",
    "companyinformation",
    "settings",
    "bookkeeping",
    "currency",
    "warehouse",
];

pub struct Env {
    pub sim: SimHandle,
    pub tenant: u64,
    pub token: String,
    pub http: reqwest::Client,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A default simulator with one tenant and a token carrying all scopes.
pub async fn setup() -> Env {
    let sim = spawn(SimConfig::default()).await.expect("spawn simulator");
    let tenant = sim.add_tenant("Testbolaget AB");
    let token = sim
        .issue_token("demo-client", tenant, ALL_SCOPES)
        .access_token;
    Env {
        sim,
        tenant,
        token,
        http: client(),
    }
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.base_url, path)
    }

    /// Sends a request with the bearer token. These functional tests issue more than 25 calls
    /// per 5 s, so a 429 is answered by moving the simulator clock past the window and retrying
    /// (the rate limit itself is tested in ratelimit.rs).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        self.call_with(&self.token, method, path, body).await
    }

    pub async fn call_with(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        for _ in 0..2 {
            let mut req = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req.send().await.expect("request");
            let status = resp.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                self.sim.advance(Duration::from_secs(6));
                continue;
            }
            let text = resp.text().await.expect("body");
            let v = if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or(Value::String(text))
            };
            return (status, v);
        }
        panic!("still rate limited after advancing the clock");
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(&body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, Some(&body)).await
    }
    pub async fn put_empty(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, None).await
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }

    /// POSTs and asserts 201.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let (status, v) = self.post(path, body).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {v}");
        v
    }

    pub async fn customer(&self, name: &str) -> String {
        let v = self
            .create(
                "/3/customers",
                serde_json::json!({"Customer": {"Name": name, "CountryCode": "SE"}}),
            )
            .await;
        v["Customer"]["CustomerNumber"]
            .as_str()
            .expect("number")
            .to_string()
    }

    pub async fn article(&self, number: &str, description: &str) {
        self.create(
            "/3/articles",
            serde_json::json!({"Article": {"ArticleNumber": number, "Description": description}}),
        )
        .await;
    }
}

/// Reads a number or numeric string as Decimal.
pub fn d(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .expect("decimal"),
        Value::String(s) => Decimal::from_str(s).expect("decimal string"),
        other => panic!("not a number: {other}"),
    }
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// `ErrorInformation.code` of an error body.
pub fn code(v: &Value) -> u64 {
    v["ErrorInformation"]["code"]
        .as_u64()
        .unwrap_or_else(|| panic!("no error code in {v}"))
}

pub fn message(v: &Value) -> String {
    v["ErrorInformation"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
