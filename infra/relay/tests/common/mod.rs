//! The relay against the Fortnox simulator, with in-memory stores and a callback receiver that
//! records every request and verifies its signature with `fortsync_app::callback::verify`.

#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use fortnox_sim::{SimConfig, SimHandle};
use fortsync_app::SecretString;
use fortsync_app::callback::{EVENT_HEADER, SIGNATURE_HEADER, StatusNotice, TIMESTAMP_HEADER};
use fortsync_app::oauth::StoredToken;
use fortsync_app::secrets::SecretNames;
use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use fortsync_handlers::wiring::{FortnoxEndpoints, Ports};
use fortsync_relay::{Backoff, MemoryOffsets, OffsetStore, RelayConfig, RelayDeps, RelayError};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub const PREFIX: &str = "relay-test";
pub const TOPIC: &str = "invoices";
pub const WAIT: Duration = Duration::from_secs(10);

/// One request the callback receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub tenant: String,
    pub event_id: String,
    pub timestamp: i64,
    pub signature: String,
    pub body: Vec<u8>,
    pub notice: Option<StatusNotice>,
    /// Signature valid under the path tenant's callback secret, timestamp fresh.
    pub valid: bool,
    /// What the receiver answered.
    pub status: u16,
    /// The relay's stored offset when the request arrived.
    pub stored_offset: Option<String>,
}

#[derive(Clone)]
struct Receiver {
    secrets: Arc<Mutex<BTreeMap<String, String>>>,
    received: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer, in order, before answering 200.
    script: Arc<Mutex<VecDeque<u16>>>,
    delay: Arc<Mutex<Duration>>,
    offsets: Arc<MemoryOffsets>,
}

async fn receive(
    State(rx): State<Receiver>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let stored_offset = rx.offsets.load(TOPIC).await.ok().flatten();
    let delay = *rx.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let timestamp: i64 = header(TIMESTAMP_HEADER).parse().unwrap_or(0);
    let signature = header(SIGNATURE_HEADER);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let secret = rx.secrets.lock().unwrap().get(&tenant).cloned();
    let valid = secret.is_some_and(|s| {
        fortsync_app::callback::verify(&[s.as_bytes()], timestamp, now, &body, &signature)
    });
    let status = if valid {
        rx.script.lock().unwrap().pop_front().unwrap_or(200)
    } else {
        401
    };
    rx.received.lock().unwrap().push(Received {
        tenant,
        event_id: header(EVENT_HEADER),
        timestamp,
        signature,
        body: body.to_vec(),
        notice: serde_json::from_slice(&body).ok(),
        valid,
        status,
        stored_offset,
    });
    StatusCode::from_u16(status).unwrap()
}

pub struct TestTenant {
    pub id: TenantId,
    pub fortnox: u64,
    pub token: String,
    pub callback_secret: String,
}

pub struct Harness {
    pub sim: SimHandle,
    pub ports: Ports,
    pub offsets: Arc<MemoryOffsets>,
    pub config: RelayConfig,
    pub tenants: Vec<TestTenant>,
    pub http: reqwest::Client,
    rx: Receiver,
    callback_task: JoinHandle<()>,
    stop: Option<watch::Sender<bool>>,
    relay: Option<JoinHandle<Result<(), RelayError>>>,
}

/// Short intervals so every test finishes in seconds.
pub fn fast_config(callback_base: &str, topics_url: &str) -> RelayConfig {
    let mut c = RelayConfig::new(callback_base, PREFIX).with_topics_url(topics_url);
    c.tenant_poll_interval = Duration::from_millis(200);
    c.ping_interval = Duration::from_millis(500);
    c.reconnect = Backoff {
        base: Duration::from_millis(100),
        max: Duration::from_millis(400),
    };
    c.delivery = Backoff {
        base: Duration::from_millis(30),
        max: Duration::from_millis(100),
    };
    c.stall_alert_after = 5;
    c.command_timeout = Duration::from_secs(5);
    c.callback_timeout = Duration::from_secs(5);
    c.secret_ttl = Duration::from_secs(60);
    c
}

impl Harness {
    /// A simulator with one Fortnox company per name, each connected as tenant
    /// `shop-<i>` with a token and a callback secret; a callback receiver; the relay not yet
    /// started.
    pub async fn new(names: &[&str]) -> Self {
        let sim = fortnox_sim::spawn(SimConfig::default()).await.unwrap();
        let ports = Ports::memory();
        let offsets = Arc::new(MemoryOffsets::default());
        let rx = Receiver {
            secrets: Arc::default(),
            received: Arc::default(),
            script: Arc::default(),
            delay: Arc::default(),
            offsets: offsets.clone(),
        };
        let app = axum::Router::new()
            .route("/callbacks/{tenant}/invoice-status", post(receive))
            .with_state(rx.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let callback_task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let config = fast_config(&format!("http://{addr}"), &sim.topics_url());
        let names_ = SecretNames::new(PREFIX);
        ports
            .secrets
            .put_secret(
                &names_.fortnox_app(),
                &SecretString::new(
                    json!({"client_id": "demo-client", "client_secret": "demo-secret"}).to_string(),
                ),
            )
            .await
            .unwrap();
        let mut h = Harness {
            sim,
            ports,
            offsets,
            config,
            tenants: Vec::new(),
            http: reqwest::Client::new(),
            rx,
            callback_task,
            stop: None,
            relay: None,
        };
        for (i, name) in names.iter().enumerate() {
            h.add_tenant(&format!("shop-{i}"), name).await;
        }
        h
    }

    /// A Fortnox company and our tenant for it (connected, token stored, callback secret).
    pub async fn add_tenant(&mut self, id: &str, company: &str) -> usize {
        let fortnox = self.sim.add_tenant(company);
        let token =
            self.sim
                .issue_token("demo-client", fortnox, &["invoice", "payment", "customer"]);
        self.sim
            .seed(
                "customers",
                fortnox,
                vec![json!({"Name": "Kund AB", "CountryCode": "SE"})],
            )
            .unwrap();
        let id = TenantId::parse(id).unwrap();
        let names = SecretNames::new(PREFIX);
        let stored = StoredToken {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at: time::OffsetDateTime::now_utc().unix_timestamp() + 3600,
            scope: Some(token.scope.clone()),
            version: 1,
        };
        self.ports
            .secrets
            .put_secret(
                &names.fortnox_token(&id),
                &SecretString::new(serde_json::to_string(&stored).unwrap()),
            )
            .await
            .unwrap();
        let callback_secret = format!("callback-secret-of-{id}");
        self.ports
            .secrets
            .put_secret(
                &names.callback(&id),
                &SecretString::new(json!({"current": callback_secret}).to_string()),
            )
            .await
            .unwrap();
        self.rx
            .secrets
            .lock()
            .unwrap()
            .insert(id.to_string(), callback_secret.clone());
        let mut tenant = Tenant::new(id.clone());
        tenant.fortnox_tenant_id = Some(fortnox);
        self.ports.tenants.put_tenant(&tenant).await.unwrap();
        self.tenants.push(TestTenant {
            id,
            fortnox,
            token: token.access_token,
            callback_secret,
        });
        self.tenants.len() - 1
    }

    /// Points the relay at fortsync's own invoice-status endpoint (the `invoice-status`
    /// function's router on the same in-memory ports) instead of the recording receiver.
    pub async fn use_real_endpoint(&mut self) {
        let deps = Arc::new(self.ports.ingress(PREFIX, 256 * 1024));
        let app = fortsync_handlers::http::invoice_status_router(deps);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        self.callback_task.abort();
        self.callback_task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        self.config.callback_base_url = format!("http://{addr}");
    }

    pub fn deps(&self) -> RelayDeps {
        let endpoints = FortnoxEndpoints {
            api_base: self.sim.base_url.clone(),
            auth_base: self.sim.base_url.clone(),
            timeout: Duration::from_secs(5),
        };
        RelayDeps::from_ports(&self.ports, &self.config, &endpoints, self.offsets.clone()).unwrap()
    }

    /// Starts the relay and waits until it is subscribed with every tenant added.
    pub async fn start(&mut self) {
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(fortsync_relay::run(
            self.config.clone(),
            self.deps(),
            shutdown,
        ));
        self.stop = Some(stop);
        self.relay = Some(task);
        let want: Vec<u64> = self.tenants.iter().map(|t| t.fortnox).collect();
        self.wait_subscribed(&want).await;
    }

    /// Until a live connection is subscribed to `invoices` with these Fortnox tenants.
    pub async fn wait_subscribed(&self, fortnox_ids: &[u64]) {
        let sim = &self.sim;
        wait_until("the relay subscribed", || {
            sim.topic_connections().iter().any(|c| {
                c.subscribed
                    && c.topics.contains(TOPIC)
                    && fortnox_ids.iter().all(|id| c.tenant_ids.contains(id))
            })
        })
        .await;
    }

    /// Stops the relay and checks it ends cleanly and promptly.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(true).unwrap();
        }
        if let Some(task) = self.relay.take() {
            let result = tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .expect("the relay stops within 5 s")
                .expect("the relay task did not panic");
            assert!(result.is_ok(), "{result:?}");
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.rx.received.lock().unwrap().clone()
    }

    /// Answers these statuses (in order) before answering 200 again.
    pub fn script(&self, statuses: &[u16]) {
        self.rx.script.lock().unwrap().extend(statuses);
    }

    pub fn set_delay(&self, delay: Duration) {
        *self.rx.delay.lock().unwrap() = delay;
    }

    /// Until at least `n` callback requests arrived.
    pub async fn wait_received(&self, n: usize) -> Vec<Received> {
        wait_until(&format!("{n} callback requests"), || {
            self.rx.received.lock().unwrap().len() >= n
        })
        .await;
        self.received()
    }

    /// Stays at exactly `n` requests for a while (nothing extra arrives).
    pub async fn assert_quiet(&self, n: usize) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let got = self.received();
        assert_eq!(got.len(), n, "unexpected extra callbacks: {got:#?}");
    }

    pub async fn stored_offset(&self) -> Option<String> {
        self.offsets.load(TOPIC).await.unwrap()
    }

    /// Events the simulator emitted on `invoices`, oldest first.
    pub fn events(&self) -> Vec<fortnox_sim::TopicEvent> {
        self.sim.topic_events(Some(TOPIC))
    }

    pub async fn call(
        &self,
        tenant: usize,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sim.base_url))
            .bearer_auth(&self.tenants[tenant].token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    /// Creates an invoice (→ `invoice-created-v1`); returns its DocumentNumber.
    pub async fn invoice(&self, tenant: usize) -> String {
        let v = self
            .call(
                tenant,
                reqwest::Method::POST,
                "/3/invoices",
                Some(json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "Vara", "DeliveredQuantity": 1, "Price": 80}]}})),
            )
            .await;
        v["Invoice"]["DocumentNumber"].as_str().unwrap().to_string()
    }

    /// Bookkeeps the invoice (→ `invoice-bookkeep-v1`).
    pub async fn bookkeep(&self, tenant: usize, invoice: &str) {
        self.call(
            tenant,
            reqwest::Method::PUT,
            &format!("/3/invoices/{invoice}/bookkeep"),
            None,
        )
        .await;
    }

    /// Pays the invoice in full and bookkeeps the payment (→ `invoicepayment-bookkeep-v1`);
    /// returns the payment's Number.
    pub async fn pay(&self, tenant: usize, invoice: &str) -> String {
        let p = self
            .call(
                tenant,
                reqwest::Method::POST,
                "/3/invoicepayments",
                Some(json!({"InvoicePayment": {"InvoiceNumber": invoice.parse::<u64>().unwrap(), "Amount": 100}})),
            )
            .await;
        let number = p["InvoicePayment"]["Number"].as_str().unwrap().to_string();
        self.call(
            tenant,
            reqwest::Method::PUT,
            &format!("/3/invoicepayments/{number}/bookkeep"),
            None,
        )
        .await;
        number
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(task) = self.relay.take() {
            task.abort();
        }
        self.callback_task.abort();
        self.sim.shutdown();
    }
}

/// Polls `cond` every 20 ms; panics after [`WAIT`].
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `"invoices:<offset>"`, the event id the relay must send for this event.
pub fn id_of(e: &fortnox_sim::TopicEvent) -> String {
    format!("{}:{}", e.topic, e.offset)
}
