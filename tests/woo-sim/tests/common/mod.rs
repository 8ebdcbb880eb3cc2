//! Shared helpers for the simulator's integration tests.
#![allow(dead_code)]

use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;
use woo_sim::{DEFAULT_KEY, DEFAULT_SECRET, SimConfig, SimHandle, spawn};

pub struct Env {
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    pub fn ids(&self) -> Vec<u64> {
        self.body
            .as_array()
            .expect("a list")
            .iter()
            .map(|x| x["id"].as_u64().expect("id"))
            .collect()
    }
}

pub async fn setup() -> Env {
    let sim = spawn(SimConfig::default()).await.expect("spawn simulator");
    Env {
        sim,
        http: reqwest::Client::new(),
    }
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}/wp-json/wc/v3{path}", self.sim.base_url)
    }

    /// A request with the default key as HTTP Basic.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let req = self
            .http
            .request(method, self.url(path))
            .basic_auth(DEFAULT_KEY, Some(DEFAULT_SECRET))
            .query(query);
        send(if let Some(b) = body { req.json(b) } else { req }).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        self.call(Method::GET, path, query, None).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::PUT, path, &[], Some(body)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call(Method::POST, path, &[], Some(body)).await
    }

    /// A control-API call (`/__sim/...`).
    pub async fn control(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let req = self
            .http
            .request(method, format!("{}/__sim{path}", self.sim.base_url));
        send(if let Some(b) = body { req.json(b) } else { req }).await
    }
}

pub async fn send(req: reqwest::RequestBuilder) -> Reply {
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// A WooCommerce fixture of the repository (`tests/fixtures/woocommerce`).
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../fixtures/woocommerce/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("reference JSON")
}
