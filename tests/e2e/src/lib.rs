//! Helpers for the end-to-end tests: a local environment on moto + the Fortnox simulator, and
//! a signed-webhook client.

use fortsync_app::signature::sign_hex;
use fortsync_local::{LocalEnv, Options};
use std::time::Duration;

pub const SECRET: &str = "e2e-webhook-secret";

/// Sample orders shared with `make demo`.
pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../fixtures/generic/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// Fails loudly instead of skipping: these tests are meant to run under `make test`.
pub fn require_moto() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "AWS_ENDPOINT_URL is not set: run the suite with `make test` (or infra/with-moto.sh cargo test)"
    );
}

pub async fn moto_env(tenant: &str, tweak: impl FnOnce(&mut Options)) -> LocalEnv {
    require_moto();
    let mut opts = Options::new(tenant, SECRET);
    opts.aws = true;
    opts.retry.base_delay = Duration::from_millis(50);
    tweak(&mut opts);
    match fortsync_local::start(opts).await {
        Ok(env) => env,
        Err(e) => panic!("local environment: {e}"),
    }
}

pub struct Shop {
    pub client: reqwest::Client,
    pub url: String,
}

impl Shop {
    pub fn new(env: &LocalEnv) -> Self {
        Self {
            client: reqwest::Client::new(),
            url: format!("{}/webhooks/{}/generic", env.base_url, env.tenant),
        }
    }

    /// POST with a valid signature and an optional delivery id; returns (status, JSON body).
    pub async fn deliver(&self, body: &str, delivery_id: Option<&str>) -> (u16, serde_json::Value) {
        let sig = sign_hex(body.as_bytes(), SECRET.as_bytes());
        self.post(body, Some(&sig), delivery_id).await
    }

    pub async fn post(
        &self,
        body: &str,
        signature: Option<&str>,
        delivery_id: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(s) = signature {
            req = req.header("x-fortsync-signature", s);
        }
        if let Some(d) = delivery_id {
            req = req.header("x-fortsync-delivery-id", d);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("webhook POST: {e}"));
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or_default())
    }
}

/// A JSON secret of the tenant's family (`shop`, `callback`, …) in the stack's secret store.
pub async fn put_json_secret(env: &LocalEnv, name: &str, value: serde_json::Value) {
    env.stack
        .secrets
        .put_secret(name, &fortsync_app::SecretString::new(value.to_string()))
        .await
        .unwrap_or_else(|e| panic!("secret {name}: {e}"));
}

/// Point the tenant at its shop's API: the `ShopLink` on the tenant, the credentials in the
/// `shop` secret.
pub async fn link_shop(
    env: &LocalEnv,
    platform: fortsync_domain::order::Platform,
    base_url: &str,
    credentials: serde_json::Value,
) {
    let mut tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("tenant {} missing", env.tenant));
    tenant.shop = Some(fortsync_domain::tenant::ShopLink {
        platform,
        base_url: base_url.to_owned(),
        location_id: None,
    });
    env.stack
        .tenants
        .put_tenant(&tenant)
        .await
        .unwrap_or_else(|e| panic!("tenant: {e}"));
    put_json_secret(env, &env.stack.names.shop(&env.tenant), credentials).await;
}
