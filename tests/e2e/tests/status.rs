//! Invoice status back to the shop, end to end (moto + Fortnox simulator + WooCommerce
//! simulator): a signed callback and the hourly polling both carry booked and paid to the shop
//! order once each; forged, stale and replayed callbacks are refused with nothing queued;
//! duplicated and out-of-order notices write nothing.

use fortsync_app::callback::{EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use fortsync_app::sync::{SyncOutcome, run_sync};
use fortsync_domain::OrderId;
use fortsync_domain::job::SyncResource;
use fortsync_domain::order::Platform;
use fortsync_e2e::{link_shop, moto_env, put_json_secret};
use fortsync_local::LocalEnv;
use serde_json::{Value, json};

const CALLBACK_SECRET: &str = "callback-secret";
const ORDER: &str = "5101";

fn woo_order() -> String {
    std::fs::read_to_string(format!(
        "{}/../fixtures/woocommerce/order-mixed-vat-incl.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn setup(name: &str) -> (LocalEnv, woo_sim::SimHandle, String) {
    let env = moto_env(name, |_| {}).await;
    let shop = woo_sim::spawn(woo_sim::SimConfig::default()).await.unwrap();
    let order: Value = serde_json::from_str(&woo_order()).unwrap();
    let buyer = order["billing"]["email"].clone();
    shop.seed_orders(vec![order]).unwrap();
    shop.seed_customers(vec![
        json!({"email": buyer, "first_name": "Erik", "last_name": "Lind"}),
    ])
    .unwrap();
    link_shop(
        &env,
        Platform::Woocommerce,
        &shop.base_url,
        json!({"consumer_key": woo_sim::DEFAULT_KEY, "consumer_secret": woo_sim::DEFAULT_SECRET}),
    )
    .await;
    put_json_secret(
        &env,
        &env.stack.names.callback(&env.tenant),
        json!({"current": CALLBACK_SECRET}),
    )
    .await;
    // The order itself arrives by webhook and becomes invoice N.
    let body = woo_order();
    let sig =
        fortsync_app::signature::sign_base64(body.as_bytes(), fortsync_e2e::SECRET.as_bytes());
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/webhooks/{}/woocommerce",
            env.base_url, env.tenant
        ))
        .header("x-wc-webhook-signature", sig)
        .header("x-wc-webhook-topic", "order.updated")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 202);
    env.stack.pump(10).await.unwrap();
    let invoice = env
        .stack
        .orders
        .get_order(&env.tenant, &OrderId::parse(ORDER).unwrap())
        .await
        .unwrap()
        .unwrap()
        .document_number
        .unwrap();
    (env, shop, invoice)
}

async fn fortnox(env: &LocalEnv, method: &str, path: &str, body: Option<Value>) -> Value {
    let token = env.sim.issue_token(
        fortsync_local::CLIENT_ID,
        env.fortnox_tenant,
        &["invoice", "payment", "bookkeeping"],
    );
    let client = reqwest::Client::new();
    let req = match method {
        "PUT" => client.put(format!("{}{path}", env.sim_base)),
        _ => client.post(format!("{}{path}", env.sim_base)),
    };
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let resp = req.bearer_auth(token.access_token).send().await.unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or_default()
}

async fn callback(env: &LocalEnv, body: &Value, event: &str, ts: i64, secret: &str) -> u16 {
    let raw = body.to_string();
    reqwest::Client::new()
        .post(format!(
            "{}/callbacks/{}/invoice-status",
            env.base_url, env.tenant
        ))
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(EVENT_HEADER, event)
        .header(
            SIGNATURE_HEADER,
            sign(secret.as_bytes(), ts, raw.as_bytes()),
        )
        .body(raw)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn notes(shop: &woo_sim::SimHandle) -> Vec<String> {
    shop.order_notes(5101)
        .into_iter()
        .filter_map(|n| n["note"].as_str().map(str::to_owned))
        .filter(|n| n.starts_with("Fortnox"))
        .collect()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn pay(env: &LocalEnv, invoice: &str) {
    let inv = env
        .sim
        .invoices(env.fortnox_tenant)
        .into_iter()
        .find(|i| i["DocumentNumber"].as_str() == Some(invoice))
        .unwrap();
    fortnox(
        env,
        "POST",
        "/3/invoicepayments",
        Some(
            json!({"InvoicePayment": {"InvoiceNumber": invoice.parse::<u64>().unwrap(),
            "Amount": inv["Total"], "PaymentDate": env.sim.now().date().to_string()}}),
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn booked_and_paid_reach_the_shop_once_each_through_the_signed_callback() {
    let (env, shop, invoice) = setup("status-callback").await;
    let notice = json!({"invoice": invoice, "event": "invoice-bookkeep-v1"});

    // Refused, nothing queued: forged, stale, unsigned.
    fortnox(
        &env,
        "PUT",
        &format!("/3/invoices/{invoice}/bookkeep"),
        None,
    )
    .await;
    assert_eq!(callback(&env, &notice, "e1", now(), "wrong").await, 401);
    assert_eq!(
        callback(&env, &notice, "e1", now() - 600, CALLBACK_SECRET).await,
        401
    );
    assert!(
        env.stack.pump(5).await.unwrap().is_empty(),
        "nothing was queued"
    );

    assert_eq!(
        callback(&env, &notice, "e1", now(), CALLBACK_SECRET).await,
        202
    );
    assert_eq!(
        callback(&env, &notice, "e1", now(), CALLBACK_SECRET).await,
        200,
        "a replay with a fresh timestamp is a duplicate"
    );
    env.stack.pump(5).await.unwrap();
    let order = shop.order(5101).unwrap();
    assert_eq!(notes(&shop).len(), 1, "{:?}", notes(&shop));
    assert!(notes(&shop)[0].contains("booked"), "{:?}", notes(&shop));
    let meta = |o: &Value, k: &str| {
        o["meta_data"]
            .as_array()
            .and_then(|m| m.iter().find(|x| x["key"] == k))
            .map(|x| x["value"].clone())
    };
    assert_eq!(
        meta(&order, "_fortsync_status"),
        Some(json!("booked")),
        "{order}"
    );
    assert_eq!(
        meta(&order, "_fortsync_invoice_number"),
        Some(json!(invoice))
    );

    // Paid: the order is completed; a late, out-of-order "booked" notice then writes nothing.
    pay(&env, &invoice).await;
    let payments = env.sim.invoice_payments(env.fortnox_tenant);
    let payment = payments[0]["Number"]
        .to_string()
        .trim_matches('"')
        .to_owned();
    let paid = json!({"payment": payment, "event": "invoicepayment-bookkeep-v1"});
    assert_eq!(
        callback(&env, &paid, "e2", now(), CALLBACK_SECRET).await,
        202
    );
    assert_eq!(
        callback(&env, &notice, "e0-late", now(), CALLBACK_SECRET).await,
        202
    );
    env.stack.pump(5).await.unwrap();
    let order = shop.order(5101).unwrap();
    assert_eq!(order["status"], "completed");
    let n = notes(&shop);
    assert_eq!(n.len(), 2, "one note per real change: {n:?}");
    assert!(n[1].contains("paid"), "{n:?}");

    // The buyer's balance went with it to the shop customer.
    let customer = shop.customers().into_iter().next().unwrap();
    let balance = customer["meta_data"]
        .as_array()
        .and_then(|m| m.iter().find(|x| x["key"] == "_fortsync_balance"))
        .map(|x| x["value"].clone());
    assert_eq!(balance, Some(json!("0.00")), "{customer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shopify_order_gets_its_tags_metafields_and_note_when_paid() {
    let env = moto_env("status-shopify", |_| {}).await;
    let shop = shopify_sim::spawn(shopify_sim::SimConfig::default())
        .await
        .unwrap();
    let seeded = shop.seed_order(shopify_sim::SeedOrder {
        name: Some("#1101".into()),
        email: Some("anna.svensson@example.se".into()),
        ..Default::default()
    });
    link_shop(
        &env,
        Platform::Shopify,
        &shop.base_url,
        json!({"access_token": shopify_sim::DEFAULT_TOKEN}),
    )
    .await;
    put_json_secret(
        &env,
        &env.stack.names.callback(&env.tenant),
        json!({"current": CALLBACK_SECRET}),
    )
    .await;
    let mut order: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../fixtures/shopify/order-mixed-vat.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    order["id"] = seeded.id.into();
    let body = order.to_string();
    let sig =
        fortsync_app::signature::sign_base64(body.as_bytes(), fortsync_e2e::SECRET.as_bytes());
    let resp = reqwest::Client::new()
        .post(format!("{}/webhooks/{}/shopify", env.base_url, env.tenant))
        .header("x-shopify-hmac-sha256", sig)
        .header("x-shopify-topic", "orders/paid")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 202);
    env.stack.pump(10).await.unwrap();
    let invoice = env
        .stack
        .orders
        .get_order(
            &env.tenant,
            &OrderId::parse(&seeded.id.to_string()).unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .document_number
        .unwrap();
    fortnox(
        &env,
        "PUT",
        &format!("/3/invoices/{invoice}/bookkeep"),
        None,
    )
    .await;
    pay(&env, &invoice).await;
    let notice = json!({"invoice": invoice});
    assert_eq!(
        callback(&env, &notice, "s1", now(), CALLBACK_SECRET).await,
        202
    );
    env.stack.pump(5).await.unwrap();
    let o = shop.order(seeded.id).unwrap();
    assert!(o.tags.iter().any(|t| t == "fortnox-paid"), "{:?}", o.tags);
    assert!(
        o.metafields
            .iter()
            .any(|m| m.namespace == "fortsync" && m.key == "status" && m.value == "paid"),
        "{:?}",
        o.metafields
    );
    assert!(
        o.note
            .as_deref()
            .is_some_and(|n| n.contains(&format!("Fortnox invoice {invoice}: paid"))),
        "{:?}",
        o.note
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn polling_alone_makes_the_shop_right_when_every_notice_is_lost() {
    let (env, shop, invoice) = setup("status-polling").await;
    fortnox(
        &env,
        "PUT",
        &format!("/3/invoices/{invoice}/bookkeep"),
        None,
    )
    .await;
    pay(&env, &invoice).await;
    let deps = env.stack.worker.sync.clone().unwrap();
    let report = match run_sync(&deps, &env.tenant, SyncResource::Invoices, false).await {
        Ok(SyncOutcome::Completed(r)) => r,
        other => panic!("{other:?}"),
    };
    println!("polling: {}", report.summary());
    env.stack.pump(5).await.unwrap();
    let n = notes(&shop);
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(n[0].contains("paid"), "{n:?}");
    assert_eq!(shop.order(5101).unwrap()["status"], "completed");

    // Nothing changed since: the next poll queues at most a re-check and writes nothing.
    run_sync(&deps, &env.tenant, SyncResource::Invoices, false)
        .await
        .unwrap();
    env.stack.pump(5).await.unwrap();
    assert_eq!(notes(&shop).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generic_shop_gets_a_signed_status_post() {
    use std::sync::{Arc, Mutex};
    let env = moto_env("status-generic", |_| {}).await;
    // The merchant's endpoint: records what it receives, checks the signature.
    let got: Arc<Mutex<Vec<(bool, Value)>>> = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/fortnox-status",
        axum::routing::post(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let h = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                };
                let ts: i64 = h(TIMESTAMP_HEADER).parse().unwrap_or(0);
                let ok = fortsync_app::callback::verify(
                    &[b"merchant-secret"],
                    ts,
                    now(),
                    &body,
                    &h(SIGNATURE_HEADER),
                );
                let json: Value = serde_json::from_slice(&body).unwrap_or_default();
                seen.lock().unwrap().push((ok, json));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/fortnox-status", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    link_shop(
        &env,
        Platform::Generic,
        &url,
        json!({"signing_secret": "merchant-secret"}),
    )
    .await;
    put_json_secret(
        &env,
        &env.stack.names.callback(&env.tenant),
        json!({"current": CALLBACK_SECRET}),
    )
    .await;
    let shop = fortsync_e2e::Shop::new(&env);
    let (status, _) = shop
        .deliver(&fortsync_e2e::fixture("order-1001-anna"), None)
        .await;
    assert_eq!(status, 202);
    env.stack.pump(10).await.unwrap();
    let invoice = env
        .stack
        .orders
        .get_order(&env.tenant, &OrderId::parse("1001").unwrap())
        .await
        .unwrap()
        .unwrap()
        .document_number
        .unwrap();
    fortnox(
        &env,
        "PUT",
        &format!("/3/invoices/{invoice}/bookkeep"),
        None,
    )
    .await;
    assert_eq!(
        callback(
            &env,
            &json!({"invoice": invoice}),
            "g1",
            now(),
            CALLBACK_SECRET
        )
        .await,
        202
    );
    env.stack.pump(5).await.unwrap();
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].0, "signed with the tenant's signing secret");
    assert_eq!(got[0].1["order_id"], "1001");
    assert_eq!(got[0].1["fields"]["status"], "booked", "{}", got[0].1);
}
