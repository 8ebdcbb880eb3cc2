//! The WebSocket topics client against the simulator's `/topics-v1`: typed events from REST
//! changes, refused tokens by index, resume after a dropped connection with exactly the missing
//! events, duplicates, graceful close, refused handshakes, and secrets kept out of output.

use std::time::Duration;

use fortnox_sim::{Fault, SimConfig, SimHandle};
use fortsync_app::SecretString;
use fortsync_domain::error::Classify;
use fortsync_fortnox::topics::{EventKind, TopicEvent, TopicsClient, TopicsError};
use serde_json::{Value, json};

const SECRET: &str = "demo-secret";
const WAIT: Duration = Duration::from_secs(5);

struct Env {
    sim: SimHandle,
    tenant: u64,
    token: String,
    http: reqwest::Client,
}

async fn env() -> Env {
    let sim = fortnox_sim::spawn(SimConfig::default()).await.unwrap();
    let tenant = sim.add_tenant("Händelser AB");
    let token = sim
        .issue_token("demo-client", tenant, &["invoice", "payment", "customer"])
        .access_token;
    sim.seed(
        "customers",
        tenant,
        vec![json!({"Name": "Kund AB", "CountryCode": "SE"})],
    )
    .unwrap();
    Env {
        sim,
        tenant,
        token,
        http: reqwest::Client::new(),
    }
}

impl Env {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sim.base_url))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    async fn invoice(&self) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/3/invoices",
                Some(json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "Vara", "DeliveredQuantity": 1, "Price": 80}]}})),
            )
            .await;
        v["Invoice"]["DocumentNumber"].as_str().unwrap().to_string()
    }

    async fn client(&self) -> TopicsClient {
        TopicsClient::connect(&self.sim.topics_url(), SecretString::new(SECRET))
            .await
            .unwrap()
            .with_timeout(WAIT)
    }

    /// Connected, tenant added, `invoices` added (with `offset`), subscribed.
    async fn subscribed(&self, offset: Option<&str>) -> TopicsClient {
        let mut c = self.client().await;
        let added = c
            .add_tenants(&[SecretString::new(self.token.clone())])
            .await
            .unwrap();
        assert_eq!(added.tenant_ids.get(&0), Some(&self.tenant));
        c.add_topics(&[("invoices", offset)]).await.unwrap();
        c.subscribe().await.unwrap();
        c
    }
}

async fn next(c: &mut TopicsClient) -> TopicEvent {
    tokio::time::timeout(WAIT, c.next_event())
        .await
        .expect("an event in time")
        .expect("no error")
        .expect("connection open")
}

async fn quiet(c: &mut TopicsClient) {
    if let Ok(r) = tokio::time::timeout(Duration::from_millis(300), c.next_event()).await {
        panic!("expected no event, got {r:?}");
    }
}

#[tokio::test]
async fn typed_events_follow_rest_changes() {
    let env = env().await;
    let mut c = env.subscribed(None).await;
    let n = env.invoice().await;
    let e = next(&mut c).await;
    assert_eq!(e.kind(), EventKind::InvoiceCreated);
    assert_eq!((e.topic.as_str(), e.tenant_id), ("invoices", env.tenant));
    assert_eq!(e.entity_id, n);
    assert!(!e.offset.is_empty() && !e.timestamp.is_empty());

    env.call(
        reqwest::Method::PUT,
        &format!("/3/invoices/{n}/bookkeep"),
        None,
    )
    .await;
    assert_eq!(next(&mut c).await.kind(), EventKind::InvoiceBookkeep);
    let p = env
        .call(
            reqwest::Method::POST,
            "/3/invoicepayments",
            Some(json!({"InvoicePayment": {"InvoiceNumber": n.parse::<u64>().unwrap(), "Amount": 100}})),
        )
        .await;
    let number = p["InvoicePayment"]["Number"].as_str().unwrap().to_string();
    env.call(
        reqwest::Method::PUT,
        &format!("/3/invoicepayments/{number}/bookkeep"),
        None,
    )
    .await;
    let e = next(&mut c).await;
    assert_eq!(e.kind(), EventKind::InvoicePaymentBookkeep);
    assert_eq!(e.entity_id, number);
    assert_eq!(c.last_offset("invoices"), Some(e.offset.as_str()));
    quiet(&mut c).await;
    assert_eq!(c.list_tenants().await.unwrap(), vec![env.tenant]);
}

#[tokio::test]
async fn refused_tokens_are_reported_by_index() {
    let env = env().await;
    let expired = env.token.clone();
    env.sim.advance(Duration::from_secs(3601));
    let fresh = env
        .sim
        .issue_token("demo-client", env.tenant, &["invoice"])
        .access_token;
    let mut c = env.client().await;
    let r = c
        .add_tenants(&[
            SecretString::new(expired),
            SecretString::new(format!("Bearer {fresh}")),
            SecretString::new("garbage"),
        ])
        .await
        .unwrap();
    assert_eq!(
        r.tenant_ids.into_iter().collect::<Vec<_>>(),
        [(1, env.tenant)]
    );
    assert_eq!(r.invalid_tokens, [0, 2]);

    // A wrong client secret refuses every token.
    let mut wrong = TopicsClient::connect(&env.sim.topics_url(), SecretString::new("nope"))
        .await
        .unwrap();
    let r = wrong
        .add_tenants(&[SecretString::new(fresh.clone())])
        .await
        .unwrap();
    assert!(r.tenant_ids.is_empty());
    assert_eq!(r.invalid_tokens, [0]);
    // Nothing secret in the client's Debug output.
    let dbg = format!("{wrong:?}");
    assert!(
        !dbg.contains("nope") && !dbg.contains(&fresh[..16]),
        "{dbg}"
    );
    // Nor in the request log.
    let log = serde_json::to_string(&env.sim.request_log()).unwrap();
    assert!(!log.contains(&fresh[..16]) && !log.contains(SECRET));
}

#[tokio::test]
async fn unknown_topics_are_a_permanent_error() {
    let env = env().await;
    let mut c = env.client().await;
    let err = c
        .add_topics(&[("invoices", None), ("no-such-topic", None)])
        .await
        .unwrap_err();
    match &err {
        TopicsError::Refused { invalid_topics, .. } => {
            assert_eq!(invalid_topics, &["no-such-topic"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!err.is_retryable());
    // The valid topic was added; the connection stays usable.
    c.subscribe().await.unwrap();
}

#[tokio::test]
async fn resume_after_abrupt_drop_yields_exactly_the_missing_events() {
    let env = env().await;
    let mut c = env.subscribed(None).await;
    let mut created = Vec::new();
    for _ in 0..3 {
        created.push(env.invoice().await);
    }
    // Process two events, then the connection drops.
    assert_eq!(next(&mut c).await.entity_id, created[0]);
    assert_eq!(next(&mut c).await.entity_id, created[1]);
    let processed = c.last_offset("invoices").unwrap().to_string();
    env.sim.drop_connections(false);
    let err = loop {
        match tokio::time::timeout(WAIT, c.next_event()).await.unwrap() {
            Ok(Some(_)) => continue, // the third event may already be buffered
            Ok(None) => panic!("an abrupt drop is not a clean close"),
            Err(e) => break e,
        }
    };
    assert!(err.is_retryable(), "{err:?}");

    // Changes while disconnected.
    for _ in 0..2 {
        created.push(env.invoice().await);
    }
    let mut c = env.subscribed(Some(&processed)).await;
    let got: Vec<String> = [next(&mut c).await, next(&mut c).await, next(&mut c).await]
        .into_iter()
        .map(|e| e.entity_id)
        .collect();
    // The simulator replays the processed event too (inclusive); the client drops it.
    assert_eq!(got, created[2..]);
    quiet(&mut c).await;
}

#[tokio::test]
async fn duplicates_graceful_close_and_ping() {
    let env = env().await;
    let mut c = env.subscribed(None).await;
    env.invoice().await;
    let first = next(&mut c).await;
    c.ping().await.unwrap();
    env.sim.duplicate_events(1);
    assert_eq!(
        next(&mut c).await,
        first,
        "at-least-once: the same event again"
    );

    // An event that arrives while a command waits for its response is kept.
    let second = env.invoice().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.add_topics(&[("customers", None)]).await.unwrap();
    assert_eq!(next(&mut c).await.entity_id, second);

    env.sim.drop_connections(true);
    let end = tokio::time::timeout(WAIT, c.next_event()).await.unwrap();
    assert!(matches!(end, Ok(None)), "{end:?}");
    assert!(matches!(c.next_event().await, Ok(None)));
}

#[tokio::test]
async fn refused_handshakes_are_classified() {
    let env = env().await;
    env.sim
        .inject_fault(Fault::status("GET", "/topics-v1", 503));
    let err = TopicsClient::connect(&env.sim.topics_url(), SecretString::new(SECRET))
        .await
        .unwrap_err();
    assert!(
        matches!(err, TopicsError::Rejected { status: 503 }),
        "{err:?}"
    );
    assert!(err.is_retryable());

    let err = TopicsClient::connect(
        &format!(
            "{}/no-such-endpoint",
            env.sim.base_url.replace("http", "ws")
        ),
        SecretString::new(SECRET),
    )
    .await
    .unwrap_err();
    // No such route (the simulator's guard answers 401 for unknown paths).
    assert!(
        matches!(err, TopicsError::Rejected { status } if (400..500).contains(&status) && status != 429),
        "{err:?}"
    );
    assert!(!err.is_retryable());

    let err = TopicsClient::connect("not a url", SecretString::new(SECRET))
        .await
        .unwrap_err();
    assert!(!err.is_retryable(), "{err:?}");

    env.sim.shutdown();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = TopicsClient::connect(&env.sim.topics_url(), SecretString::new(SECRET))
        .await
        .unwrap_err();
    assert!(matches!(err, TopicsError::Connect(_)), "{err:?}");
    assert!(err.is_retryable());
}
