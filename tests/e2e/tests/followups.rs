//! After the document, end to end (moto + the Fortnox simulator): refunds become one credit
//! invoice then negative invoices, cancellations cancel or credit, edits update unbooked
//! documents in place and are flagged (or reissued) once booked. Each exactly once however
//! often the shop repeats itself.

use fortsync_domain::followup::{RefundMethod, RefundState};
use fortsync_domain::settings::{EditsAfterBooking, TenantSettings};
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::{OrderId, TenantId};
use fortsync_e2e::{Shop, fixture, moto_env};
use fortsync_local::LocalEnv;
use serde_json::{Value, json};

fn order(id: &str) -> Value {
    let mut o: Value = serde_json::from_str(&fixture("order-1001-anna")).unwrap();
    o["id"] = id.into();
    o["number"] = format!("#{id}").into();
    o["lines"] = json!([
        {"sku": "TS-RED-L", "name": "T-shirt röd L", "quantity": 2, "unit_price": "199.00", "vat_rate": 25},
        {"name": "Bok", "quantity": 1, "unit_price": "120.00", "vat_rate": 6}
    ]);
    o["total"] = "567.00".into();
    o["updated_at"] = "2026-11-20T09:14:00Z".into();
    o
}

async fn with_settings(env: &LocalEnv, change: impl FnOnce(&mut TenantSettings)) {
    let mut tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    change(&mut tenant.settings);
    tenant.settings.version += 1;
    env.stack.tenants.put_tenant(&tenant).await.unwrap();
}

async fn record(env: &LocalEnv, id: &str) -> OrderRecord {
    env.stack
        .orders
        .get_order(&env.tenant, &OrderId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap()
}

/// Deliver, work the queue, and return the Fortnox calls it took.
async fn deliver(env: &LocalEnv, shop: &Shop, body: &Value, delivery: &str) -> usize {
    let before = env.sim.request_log().len();
    let (status, answer) = shop.deliver(&body.to_string(), Some(delivery)).await;
    assert!(status < 300, "{status} {answer}");
    env.stack.pump(10).await.unwrap();
    env.sim.request_log().len() - before
}

fn invoice<'a>(invoices: &'a [Value], number: &str) -> &'a Value {
    invoices
        .iter()
        .find(|i| {
            i["DocumentNumber"].as_str() == Some(number)
                || i["DocumentNumber"] == json!(number.parse::<u64>().unwrap_or(0))
        })
        .unwrap_or_else(|| panic!("invoice {number} in {invoices:?}"))
}

fn total(v: &Value) -> f64 {
    v["Total"].as_f64().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_refund_credits_the_invoice_and_later_ones_are_negative_invoices() {
    let env = moto_env("followups-refunds", |_| {}).await;
    let shop = Shop::new(&env);
    let mut o = order("5001");
    deliver(&env, &shop, &o, "v1").await;
    let original = record(&env, "5001").await.document_number.unwrap();

    // One T-shirt back (199 incl. VAT).
    o["updated_at"] = "2026-11-21T10:00:00Z".into();
    o["refunds"] = json!([{"id": "r1", "date": "2026-11-21", "amount": "199.00", "reason": "fel storlek",
        "lines": [{"sku": "TS-RED-L", "name": "T-shirt röd L", "quantity": 1, "unit_price": "199.00", "vat_rate": 25}]}]);
    let first = deliver(&env, &shop, &o, "v2").await;
    let rec = record(&env, "5001").await;
    let r1 = &rec.refunds[0];
    assert_eq!(r1.state, RefundState::Done, "{r1:?}");
    assert_eq!(r1.method, Some(RefundMethod::CreditInvoice));
    let credit = r1.document.clone().unwrap();
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(total(invoice(&invoices, &credit)), -199.0);
    assert_eq!(
        invoice(&invoices, &original)["CreditInvoiceReference"].as_str(),
        Some(credit.as_str())
    );
    assert_eq!(
        invoice(&invoices, &credit)["InvoiceRows"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Then the shipping (49): Fortnox has no second credit, so a negative invoice.
    o["updated_at"] = "2026-11-22T10:00:00Z".into();
    o["refunds"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "r2", "date": "2026-11-22", "amount": "49.00",
        "shipping": [{"name": "PostNord Varubrev", "amount": "49.00", "vat_rate": 25}]}));
    let second = deliver(&env, &shop, &o, "v3").await;
    let rec = record(&env, "5001").await;
    let r2 = &rec.refunds[1];
    assert_eq!(r2.method, Some(RefundMethod::NegativeInvoice), "{r2:?}");
    let negative = r2.document.clone().unwrap();
    let invoices = env.sim.invoices(env.fortnox_tenant);
    let neg = invoice(&invoices, &negative);
    assert_eq!(total(neg), -49.0);
    assert_eq!(neg["ExternalInvoiceReference2"], "refund:r2");
    assert!(neg["Remarks"].as_str().unwrap().contains(&original));
    assert_eq!(invoices.len(), 3);
    println!("refund calls: first (credit + rows) {first}, later (negative invoice) {second}");
    assert_eq!(first, 3, "credit, read the credit, rewrite its rows");
    assert_eq!(second, 1, "one negative invoice");

    // The shop repeats itself (a new delivery id, the same version): nothing new in Fortnox.
    let again = deliver(&env, &shop, &o, "v3-again").await;
    assert_eq!(again, 0);
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancellation_cancels_an_unbooked_invoice_and_credits_a_booked_one() {
    let env = moto_env("followups-cancel", |_| {}).await;
    let shop = Shop::new(&env);

    let mut a = order("5101");
    deliver(&env, &shop, &a, "a1").await;
    a["cancelled"] = true.into();
    a["updated_at"] = "2026-11-21T08:00:00Z".into();
    let calls = deliver(&env, &shop, &a, "a2").await;
    let rec = record(&env, "5101").await;
    assert!(rec.cancel_done);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(
        invoice(&invoices, rec.document_number.as_deref().unwrap())["Cancelled"],
        true
    );
    assert_eq!(calls, 2, "read the invoice, cancel it");

    with_settings(&env, |s| s.bookkeep = true).await;
    let mut b = order("5102");
    deliver(&env, &shop, &b, "b1").await;
    b["cancelled"] = true.into();
    b["updated_at"] = "2026-11-21T08:00:00Z".into();
    deliver(&env, &shop, &b, "b2").await;
    let rec = record(&env, "5102").await;
    let credit = rec
        .credit_number
        .clone()
        .expect("a booked invoice is credited");
    let invoices = env.sim.invoices(env.fortnox_tenant);
    let c = invoice(&invoices, &credit);
    assert_eq!(total(c), -567.0);
    assert_eq!(c["Booked"], true, "bookkept like the invoice it credits");

    // Cancelled before fortsync got to it: no document at all.
    let mut early = order("5103");
    early["cancelled"] = true.into();
    let before = env.sim.invoices(env.fortnox_tenant).len();
    let (status, _) = shop.deliver(&order("5103").to_string(), Some("c1")).await;
    assert_eq!(status, 202);
    let (status, _) = shop.deliver(&early.to_string(), Some("c2")).await;
    assert!(status < 300);
    env.stack.pump(10).await.unwrap();
    assert_eq!(record(&env, "5103").await.state, OrderState::Cancelled);
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_updates_an_unbooked_invoice_in_place_and_is_flagged_or_reissued_once_booked() {
    let env = moto_env("followups-edits", |_| {}).await;
    let shop = Shop::new(&env);

    let mut o = order("5201");
    deliver(&env, &shop, &o, "e1").await;
    let number = record(&env, "5201").await.document_number.unwrap();
    // The buyer adds a second book: one row changes, the T-shirt row is kept.
    o["lines"][1]["quantity"] = 2.into();
    o["total"] = "687.00".into();
    o["updated_at"] = "2026-11-20T12:00:00Z".into();
    let calls = deliver(&env, &shop, &o, "e2").await;
    let rec = record(&env, "5201").await;
    assert_eq!(
        rec.document_number.as_deref(),
        Some(number.as_str()),
        "same invoice"
    );
    assert_eq!(rec.total_difference, None);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(invoices.len(), 1);
    assert_eq!(total(invoice(&invoices, &number)), 687.0);
    assert_eq!(calls, 2, "read + update");
    // A repeat of that version, and a change Fortnox does not see, cost nothing.
    o["updated_at"] = "2026-11-20T12:30:00Z".into();
    assert_eq!(deliver(&env, &shop, &o, "e3").await, 0);

    // Booked: flagged, Fortnox untouched.
    with_settings(&env, |s| s.bookkeep = true).await;
    let mut b = order("5202");
    deliver(&env, &shop, &b, "f1").await;
    b["lines"][1]["quantity"] = 2.into();
    b["total"] = "687.00".into();
    b["updated_at"] = "2026-11-20T12:00:00Z".into();
    deliver(&env, &shop, &b, "f2").await;
    let rec = record(&env, "5202").await;
    assert!(
        rec.flag.as_deref().unwrap().contains("booked"),
        "{:?}",
        rec.flag
    );
    assert_eq!(
        total(invoice(
            &env.sim.invoices(env.fortnox_tenant),
            rec.document_number.as_deref().unwrap()
        )),
        567.0
    );

    // Booked, with credit_and_reissue: credited in full and a new invoice replaces it.
    with_settings(&env, |s| {
        s.edits_after_booking = EditsAfterBooking::CreditAndReissue
    })
    .await;
    let mut c = order("5203");
    deliver(&env, &shop, &c, "g1").await;
    let old = record(&env, "5203").await.document_number.unwrap();
    c["lines"][1]["quantity"] = 2.into();
    c["total"] = "687.00".into();
    c["updated_at"] = "2026-11-20T12:00:00Z".into();
    deliver(&env, &shop, &c, "g2").await;
    let rec = record(&env, "5203").await;
    let new = rec.document_number.clone().unwrap();
    assert_ne!(new, old);
    assert_eq!(rec.replaced_documents, vec![old.clone()]);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(total(invoice(&invoices, &new)), 687.0);
    assert_eq!(invoice(&invoices, &new)["Booked"], true);
    assert!(
        invoice(&invoices, &old)["CreditInvoiceReference"]
            .as_str()
            .is_some_and(|r| r != "0")
    );
    let _ = TenantId::parse("x");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_woocommerce_refund_announced_without_lines_is_credited_with_the_lines_the_shop_has() {
    use fortsync_domain::order::Platform;
    let env = moto_env("followups-woo-refund", |_| {}).await;
    let fixture = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/../fixtures/woocommerce/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let shop = woo_sim::spawn(woo_sim::SimConfig::default()).await.unwrap();
    shop.seed_orders(vec![
        serde_json::from_str(&fixture("order-mixed-vat-incl")).unwrap(),
    ])
    .unwrap();
    shop.seed_refunds(
        5101,
        vec![serde_json::from_str(&fixture("refund-partial-shipping")).unwrap()],
    )
    .unwrap();
    fortsync_e2e::link_shop(
        &env,
        Platform::Woocommerce,
        &shop.base_url,
        json!({"consumer_key": woo_sim::DEFAULT_KEY, "consumer_secret": woo_sim::DEFAULT_SECRET}),
    )
    .await;
    let send = |body: String| {
        let url = format!("{}/webhooks/{}/woocommerce", env.base_url, env.tenant);
        async move {
            let sig = fortsync_app::signature::sign_base64(
                body.as_bytes(),
                fortsync_e2e::SECRET.as_bytes(),
            );
            reqwest::Client::new()
                .post(url)
                .header("x-wc-webhook-signature", sig)
                .header("x-wc-webhook-topic", "order.updated")
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(send(fixture("order-mixed-vat-incl")).await, 202);
    env.stack.pump(10).await.unwrap();
    // The order, completed, now lists refund 5190 by its total only.
    assert_eq!(send(fixture("order-with-refunds")).await, 202);
    env.stack.pump(10).await.unwrap();
    let rec = record(&env, "5101").await;
    let r = &rec.refunds[0];
    assert_eq!(r.state, RefundState::Done, "{r:?}");
    assert_eq!(r.refund.lines.len(), 1, "the shop's lines: {r:?}");
    let invoices = env.sim.invoices(env.fortnox_tenant);
    let credit = invoice(&invoices, r.document.as_deref().unwrap());
    assert_eq!(total(credit), -418.1);
    let rows: Vec<String> = credit["InvoiceRows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["Description"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(rows.len(), 2, "the T-shirt and the shipping: {rows:?}");
    assert!(
        rows.iter().all(|d| !d.contains("Återbetalning")),
        "no pro-rata rows: {rows:?}"
    );
}
