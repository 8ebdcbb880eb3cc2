//! The WebSocket topics endpoint `/topics-v1`: commands, events emitted by REST changes,
//! offsets and resume, injected duplicates and dropped connections, token checks, tenants.

mod common;

use std::time::Duration;

use common::{Env, setup};
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

const SECRET: &str = "demo-secret";
const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

struct Ws {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Events read while waiting for a command response.
    events: Vec<Value>,
}

/// What the next frame was.
#[derive(Debug)]
enum End {
    Close(Option<u16>),
    Error,
    Eof,
}

impl Ws {
    async fn connect(env: &Env) -> Ws {
        let (ws, resp) = connect_async(env.sim.topics_url())
            .await
            .expect("ws connect");
        assert_eq!(resp.status().as_u16(), 101);
        Ws {
            ws,
            events: Vec::new(),
        }
    }

    async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::Text(v.to_string().into()))
            .await
            .expect("send");
    }

    /// Next JSON message; panics on timeout or when the connection ends.
    async fn next(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message in time")
                .expect("connection open")
                .expect("no transport error");
            match msg {
                Message::Text(t) => return serde_json::from_str(t.as_str()).expect("json"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Sends a command and returns its response; events before it are kept in `events`.
    async fn cmd(&mut self, v: Value) -> Value {
        self.send(v).await;
        loop {
            let m = self.next().await;
            if m.get("response").is_some() {
                return m;
            }
            self.events.push(m);
        }
    }

    /// Next event (buffered ones first).
    async fn event(&mut self) -> Value {
        if !self.events.is_empty() {
            return self.events.remove(0);
        }
        let m = self.next().await;
        assert!(m.get("response").is_none(), "expected an event, got {m}");
        m
    }

    async fn events_n(&mut self, n: usize) -> Vec<Value> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(self.event().await);
        }
        out
    }

    /// Asserts that nothing arrives for a while.
    async fn quiet(&mut self) {
        assert!(self.events.is_empty(), "buffered: {:?}", self.events);
        if let Ok(m) = tokio::time::timeout(QUIET, self.ws.next()).await {
            panic!("expected silence, got {m:?}");
        }
    }

    /// How the connection ends.
    async fn end(&mut self) -> End {
        loop {
            match tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the connection ends in time")
            {
                None => return End::Eof,
                Some(Err(_)) => return End::Error,
                Some(Ok(Message::Close(frame))) => {
                    return End::Close(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(Message::Text(t))) => panic!("unexpected message {t}"),
                Some(Ok(_)) => continue,
            }
        }
    }

    /// add-tenants, add-topics (invoices, optional offset), subscribe; asserts all ok.
    async fn subscribe(&mut self, tokens: &[&str], offset: Option<&str>) {
        let r = self
            .cmd(json!({"command": "add-tenants-v1", "clientSecret": SECRET, "accessTokens": tokens}))
            .await;
        assert_eq!(r["result"], "ok", "{r}");
        let mut topic = json!({"topic": "invoices"});
        if let Some(o) = offset {
            topic["offset"] = json!(o);
        }
        let r = self
            .cmd(json!({"command": "add-topics-v1", "topics": [topic]}))
            .await;
        assert_eq!(r["result"], "ok", "{r}");
        let r = self.cmd(json!({"command": "subscribe-v1"})).await;
        assert_eq!(r["result"], "ok", "{r}");
    }
}

fn kind(e: &Value) -> (&str, &str) {
    (
        e["type"].as_str().unwrap_or_default(),
        e["entityId"].as_str().unwrap_or_default(),
    )
}

async fn invoice(env: &Env) -> String {
    let v = env
        .create(
            "/3/invoices",
            json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "Tjänst", "DeliveredQuantity": 1, "Price": 100}]}}),
        )
        .await;
    v["Invoice"]["DocumentNumber"]
        .as_str()
        .expect("number")
        .to_string()
}

async fn env_with_customer() -> Env {
    let env = setup().await;
    env.customer("Kund AB").await;
    env
}

#[tokio::test]
async fn invoice_and_payment_changes_emit_events() {
    let env = env_with_customer().await;
    let mut ws = Ws::connect(&env).await;
    ws.subscribe(&[&env.token], None).await;
    ws.quiet().await;

    let n1 = invoice(&env).await;
    let e = ws.event().await;
    assert_eq!(kind(&e), ("invoice-created-v1", n1.as_str()));
    assert_eq!(e["topic"], "invoices");
    assert_eq!(e["tenantId"], env.tenant);
    let ts = e["timestamp"].as_str().expect("timestamp");
    assert_eq!(ts.len(), 29, "{ts}");
    assert_eq!((&ts[10..11], &ts[19..20], &ts[26..27]), ("T", ".", ":"));

    let (s, v) = env
        .put(
            &format!("/3/invoices/{n1}"),
            json!({"Invoice": {"YourReference": "Anna"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(kind(&ws.event().await), ("invoice-updated-v1", n1.as_str()));
    env.put_empty(&format!("/3/invoices/{n1}/externalprint"))
        .await;
    assert_eq!(kind(&ws.event().await), ("invoice-updated-v1", n1.as_str()));
    env.get(&format!("/3/invoices/{n1}/email")).await;
    assert_eq!(kind(&ws.event().await), ("invoice-updated-v1", n1.as_str()));
    // A refused change emits nothing.
    let (s, _) = env
        .put_empty(&format!("/3/invoices/{n1}/nosuchaction"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    ws.quiet().await;

    let (s, v) = env.put_empty(&format!("/3/invoices/{n1}/bookkeep")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        kind(&ws.event().await),
        ("invoice-bookkeep-v1", n1.as_str())
    );

    // Payments: creating one emits nothing, bookkeeping it does (entityId = payment Number).
    let p = env
        .create(
            "/3/invoicepayments",
            json!({"InvoicePayment": {"InvoiceNumber": n1.parse::<u64>().unwrap(), "Amount": 50}}),
        )
        .await;
    let p1 = p["InvoicePayment"]["Number"].as_str().unwrap().to_string();
    ws.quiet().await;
    let (s, v) = env
        .put_empty(&format!("/3/invoicepayments/{p1}/bookkeep"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        kind(&ws.event().await),
        ("invoicepayment-bookkeep-v1", p1.as_str())
    );
    let p = env
        .create(
            "/3/invoicepayments",
            json!({"InvoicePayment": {"InvoiceNumber": n1.parse::<u64>().unwrap(), "Amount": 10}}),
        )
        .await;
    let p2 = p["InvoicePayment"]["Number"].as_str().unwrap().to_string();
    let (s, _) = env.delete(&format!("/3/invoicepayments/{p2}")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        kind(&ws.event().await),
        ("invoicepayment-deleted-v1", p2.as_str())
    );

    // Cancel another invoice; credit the booked one (credit note created, original updated).
    let n2 = invoice(&env).await;
    assert_eq!(kind(&ws.event().await), ("invoice-created-v1", n2.as_str()));
    env.put_empty(&format!("/3/invoices/{n2}/cancel")).await;
    assert_eq!(
        kind(&ws.event().await),
        ("invoice-cancelled-v1", n2.as_str())
    );
    let (s, v) = env.put_empty(&format!("/3/invoices/{n1}/credit")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let credit_no = v["Invoice"]["CreditInvoiceReference"]
        .as_str()
        .unwrap()
        .to_string();
    let evs = ws.events_n(2).await;
    assert_eq!(kind(&evs[0]), ("invoice-created-v1", credit_no.as_str()));
    assert_eq!(kind(&evs[1]), ("invoice-updated-v1", n1.as_str()));
    ws.quiet().await;

    // Everything is in the stored log, offsets strictly increasing as strings.
    let stored = env.sim.topic_events(Some("invoices"));
    assert_eq!(stored.len(), 11);
    assert!(stored.windows(2).all(|w| w[0].offset < w[1].offset));

    // Commands are in the request log (without tokens).
    let log = env.sim.request_log();
    let ws_log: Vec<_> = log.iter().filter(|r| r.method == "WS").collect();
    assert_eq!(
        ws_log.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        [
            "/topics-v1/add-tenants-v1",
            "/topics-v1/add-topics-v1",
            "/topics-v1/subscribe-v1"
        ]
    );
    assert_eq!(ws_log[0].tenant_id, Some(env.tenant));
    assert!(
        !serde_json::to_string(&log)
            .unwrap()
            .contains(&env.token[..20])
    );
}

#[tokio::test]
async fn events_wait_for_subscribe_and_start_at_add_topics() {
    let env = env_with_customer().await;
    let before = invoice(&env).await;
    let mut ws = Ws::connect(&env).await;
    let r = ws
        .cmd(json!({"command": "add-tenants-v1", "clientSecret": SECRET, "accessTokens": [format!("Bearer {}", env.token)], "requestId": 7}))
        .await;
    assert_eq!(r["requestId"], 7);
    assert_eq!(r["response"], "add-tenants-v1");
    assert_eq!(r["tenantIds"][format!("Bearer {}", env.token)], env.tenant);
    assert_eq!(r["invalidTokens"], json!([]));
    let r = ws
        .cmd(json!({"command": "add-topics-v1", "topics": [{"topic": "invoices"}]}))
        .await;
    assert_eq!(r["requestId"], Value::Null);
    assert_eq!(r["invalidTopics"], json!([]));
    // Created after add-topics but before subscribe: delivered after the subscribe response.
    let after = invoice(&env).await;
    ws.quiet().await;
    let r = ws.cmd(json!({"command": "subscribe-v1"})).await;
    assert_eq!(r["result"], "ok");
    let e = ws.event().await;
    assert_eq!(kind(&e), ("invoice-created-v1", after.as_str()));
    assert_ne!(before, after);
    ws.quiet().await;
    let r = ws.cmd(json!({"command": "list-tenants-v1"})).await;
    assert_eq!(r["tenantIds"], json!([env.tenant]));
}

#[tokio::test]
async fn resume_after_a_dropped_connection_misses_nothing() {
    let env = env_with_customer().await;
    let mut ws = Ws::connect(&env).await;
    ws.subscribe(&[&env.token], None).await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        numbers.push(invoice(&env).await);
    }
    let seen = ws.events_n(3).await;
    let stored_offset = seen[1]["offset"].as_str().unwrap().to_string();

    assert_eq!(env.sim.drop_connections(false), 1);
    assert!(
        matches!(ws.end().await, End::Error | End::Eof),
        "abrupt drop has no close frame"
    );
    // Changes while disconnected.
    for _ in 0..2 {
        numbers.push(invoice(&env).await);
    }
    let n = &numbers[0];
    env.put_empty(&format!("/3/invoices/{n}/bookkeep")).await;

    let mut ws = Ws::connect(&env).await;
    ws.subscribe(&[&env.token], Some(&stored_offset)).await;
    // Inclusive: the event at the stored offset again, then everything after it.
    let got = ws.events_n(5).await;
    let offsets: Vec<&str> = got.iter().map(|e| e["offset"].as_str().unwrap()).collect();
    let expected: Vec<String> = env
        .sim
        .topic_events(Some("invoices"))
        .into_iter()
        .map(|e| e.offset)
        .filter(|o| *o >= stored_offset)
        .collect();
    assert_eq!(offsets, expected);
    assert_eq!(got[0]["entityId"], seen[1]["entityId"]);
    assert_eq!(kind(&got[1]), ("invoice-created-v1", numbers[2].as_str()));
    assert_eq!(kind(&got[4]), ("invoice-bookkeep-v1", numbers[0].as_str()));
    ws.quiet().await;

    // Live events continue after the replay.
    let next = invoice(&env).await;
    assert_eq!(
        kind(&ws.event().await),
        ("invoice-created-v1", next.as_str())
    );
}

#[tokio::test]
async fn offsets_past_the_end_and_before_retention() {
    let env = env_with_customer().await;
    let first = invoice(&env).await;
    // Beyond the end: start with the next new event.
    let mut ws = Ws::connect(&env).await;
    ws.subscribe(&[&env.token], Some("zzzzzz")).await;
    ws.quiet().await;
    let second = invoice(&env).await;
    assert_eq!(
        kind(&ws.event().await),
        ("invoice-created-v1", second.as_str())
    );
    // "0": from the beginning.
    let mut ws0 = Ws::connect(&env).await;
    ws0.subscribe(&[&env.token], Some("0")).await;
    let all = ws0.events_n(2).await;
    assert_eq!(kind(&all[0]), ("invoice-created-v1", first.as_str()));
    // 15 days later the old events are beyond retention.
    env.sim.advance(Duration::from_secs(15 * 24 * 3600));
    let token = env
        .sim
        .issue_token("demo-client", env.tenant, &["invoice"])
        .access_token;
    let mut late = Ws::connect(&env).await;
    late.subscribe(&[&token], Some("0")).await;
    late.quiet().await;
}

#[tokio::test]
async fn injected_duplicates_are_delivered_again() {
    let env = env_with_customer().await;
    let mut ws = Ws::connect(&env).await;
    ws.subscribe(&[&env.token], None).await;
    for _ in 0..3 {
        invoice(&env).await;
    }
    let seen = ws.events_n(3).await;
    assert_eq!(env.sim.duplicate_events(2), 1);
    let again = ws.events_n(2).await;
    assert_eq!(again, seen[1..].to_vec());
    ws.quiet().await;
    // Over HTTP too.
    let r: Value = env
        .http
        .post(env.url("/__sim/topics/duplicate"))
        .json(&json!({"count": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["connections"], 1);
    assert_eq!(ws.event().await, seen[2]);
    let conns = env.sim.topic_connections();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].delivered, 6);
    assert!(conns[0].subscribed);
}

#[tokio::test]
async fn invalid_and_expired_tokens_are_rejected() {
    let env = env_with_customer().await;
    let expired = env.token.clone();
    env.sim.advance(Duration::from_secs(3601));
    let fresh = env
        .sim
        .issue_token("demo-client", env.tenant, &["invoice"])
        .access_token;
    let mut ws = Ws::connect(&env).await;
    let r = ws
        .cmd(json!({"command": "add-tenants-v1", "clientSecret": SECRET, "accessTokens": [fresh, expired, "garbage"]}))
        .await;
    assert_eq!(r["result"], "error", "{r}");
    assert_eq!(r["invalidTokens"], json!([expired, "garbage"]));
    assert_eq!(r["tenantIds"], json!({ fresh.clone(): env.tenant }));

    // Wrong client secret: every token is refused and no tenant is added.
    let mut other = Ws::connect(&env).await;
    let r = other
        .cmd(json!({"command": "add-tenants-v1", "clientSecret": "wrong", "accessTokens": [fresh]}))
        .await;
    assert_eq!(r["result"], "error");
    assert_eq!(r["invalidTokens"], json!([fresh]));
    other
        .cmd(json!({"command": "add-topics-v1", "topics": [{"topic": "invoices"}]}))
        .await;
    other.cmd(json!({"command": "subscribe-v1"})).await;
    ws.cmd(json!({"command": "add-topics-v1", "topics": [{"topic": "invoices"}]}))
        .await;
    ws.cmd(json!({"command": "subscribe-v1"})).await;
    // Requests with the expired token are refused; use the fresh one.
    let (s, v) = env
        .call_with(
            &fresh,
            reqwest::Method::POST,
            "/3/invoices",
            Some(&json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": []}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(ws.event().await["type"], "invoice-created-v1");
    other.quiet().await;

    // Malformed commands.
    let r = ws.cmd(json!({"command": "add-tenants-v1"})).await;
    assert_eq!(r["result"], "error");
    let r = ws.cmd(json!({"command": "no-such-v1"})).await;
    assert_eq!(
        (&r["response"], &r["result"]),
        (&json!("no-such-v1"), &json!("error"))
    );
    ws.send(json!("not an object")).await;
    let r = ws.next().await;
    assert_eq!(
        (&r["response"], &r["result"]),
        (&Value::Null, &json!("error"))
    );
    let log = env.sim.request_log();
    assert_eq!(
        log.iter()
            .filter(|l| l.method == "WS" && l.status == 400)
            .count(),
        5
    );
}

#[tokio::test]
async fn unknown_topics_and_bad_offsets_are_refused() {
    let env = env_with_customer().await;
    let mut ws = Ws::connect(&env).await;
    let r = ws
        .cmd(json!({"command": "add-topics-v1", "topics": [
            {"topic": "invoices", "offset": "NOT-AN-OFFSET"},
            {"topic": "no-such-topic"},
            {"topic": "customers"},
        ]}))
        .await;
    assert_eq!(r["result"], "error");
    assert_eq!(r["invalidTopics"], json!(["invoices", "no-such-topic"]));
    let conns = env.sim.topic_connections();
    assert_eq!(conns[0].topics.iter().collect::<Vec<_>>(), ["customers"]);
}

#[tokio::test]
async fn tenants_are_separated() {
    let env = env_with_customer().await;
    let b = env.sim.add_tenant("Bolag B");
    let token_b = env
        .sim
        .issue_token("demo-client", b, common::ALL_SCOPES)
        .access_token;
    let (s, v) = env
        .call_with(
            &token_b,
            reqwest::Method::POST,
            "/3/customers",
            Some(&json!({"Customer": {"Name": "B-kund"}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let mut only_a = Ws::connect(&env).await;
    only_a.subscribe(&[&env.token], None).await;
    let mut both = Ws::connect(&env).await;
    both.subscribe(&[&env.token, &token_b], None).await;

    let a1 = invoice(&env).await;
    let (s, v) = env
        .call_with(
            &token_b,
            reqwest::Method::POST,
            "/3/invoices",
            Some(&json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": []}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let b1 = v["Invoice"]["DocumentNumber"].as_str().unwrap().to_string();
    // Document numbers are per tenant: both are "1"; the tenant id tells them apart.
    assert_eq!(a1, b1);

    let e = only_a.event().await;
    assert_eq!(
        (e["tenantId"].as_u64(), kind(&e)),
        (Some(env.tenant), ("invoice-created-v1", a1.as_str()))
    );
    only_a.quiet().await;
    let evs = both.events_n(2).await;
    assert_eq!(evs[0]["tenantId"], env.tenant);
    assert_eq!(evs[1]["tenantId"], b);
    // Kafka-like: one log per topic for all tenants.
    assert!(evs[0]["offset"].as_str() < evs[1]["offset"].as_str());

    // Removing A from the second connection stops A's events there.
    let r = both
        .cmd(json!({"command": "remove-tenants-v1", "tenantIds": [env.tenant]}))
        .await;
    assert_eq!(r["tenantIds"], json!([env.tenant]));
    invoice(&env).await;
    assert_eq!(only_a.event().await["tenantId"], env.tenant);
    both.quiet().await;
}

#[tokio::test]
async fn control_api_adds_events_lists_them_and_closes_connections() {
    let env = env_with_customer().await;
    let mut ws = Ws::connect(&env).await;
    ws.subscribe(&[&env.token], None).await;
    let r = ws
        .cmd(json!({"command": "add-topics-v1", "topics": [{"topic": "customers"}]}))
        .await;
    assert_eq!(r["result"], "ok");

    let resp = env
        .http
        .post(env.url("/__sim/events"))
        .json(&json!({"topic": "customers", "type": "customer-updated-v1", "tenant_id": env.tenant, "entity_id": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let added: Value = resp.json().await.unwrap();
    let e = ws.event().await;
    assert_eq!(e, added);
    assert_eq!(e["topic"], "customers");
    // Another tenant's event is not delivered.
    env.sim
        .emit_event("customers", "customer-updated-v1", 999, "5");
    ws.quiet().await;
    let resp = env
        .http
        .post(env.url("/__sim/events"))
        .json(&json!({"topic": "nope", "type": "x", "tenant_id": 1, "entity_id": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let listed: Vec<Value> = env
        .http
        .get(env.url(&format!(
            "/__sim/events?topic=customers&tenant_id={}",
            env.tenant
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, vec![added]);
    let conns: Vec<Value> = env
        .http
        .get(env.url("/__sim/topics/connections"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["topics"], json!(["customers", "invoices"]));

    let r: Value = env
        .http
        .post(env.url("/__sim/topics/drop"))
        .json(&json!({"graceful": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["connections"], 1);
    assert!(matches!(ws.end().await, End::Close(Some(1012))));
    // The registry forgets closed connections.
    for _ in 0..50 {
        if env.sim.topic_connections().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(env.sim.topic_connections().is_empty());

    // reset forgets the events.
    env.sim.reset();
    assert!(env.sim.topic_events(None).is_empty());
}

#[tokio::test]
async fn plain_get_is_not_upgraded() {
    let env = setup().await;
    let resp = env.http.get(env.url("/topics-v1")).send().await.unwrap();
    assert!(resp.status().is_client_error(), "{}", resp.status());
}
