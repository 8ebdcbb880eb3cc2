//! `fortsync demo`: sample orders from three kinds of shop through the real handlers, then a
//! per-order account of what happened in fortsync and in Fortnox. Exits non-zero when the
//! outcome is not the expected one, so the demo doubles as a smoke test.

use crate::env::{self, TENANT, WEBHOOK_SECRET};
use crate::samples::{SAMPLES, Sample};
use fortsync_domain::TenantId;
use fortsync_domain::state::OrderState;

struct Sent {
    label: String,
    status: u16,
    answer: String,
    millis: u128,
}

async fn deliver(
    client: &reqwest::Client,
    base: &str,
    sample: &Sample,
    headers: &[(&str, String)],
) -> Result<Sent, String> {
    let url = format!("{base}/webhooks/{TENANT}/{}", sample.platform.as_str());
    let started = std::time::Instant::now();
    let mut req = client
        .post(&url)
        .header("content-type", "application/json")
        .body(sample.body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| format!("webhook request failed: {e}"))?;
    let status = resp.status().as_u16();
    let v: serde_json::Value = resp.json().await.unwrap_or_default();
    let answer = v
        .get("status")
        .or_else(|| v.get("error"))
        .and_then(|s| s.as_str())
        .unwrap_or("")
        .to_owned();
    Ok(Sent {
        label: sample.label.to_owned(),
        status,
        answer,
        millis: started.elapsed().as_millis(),
    })
}

fn header(aws: bool, env: &fortsync_local::LocalEnv) {
    println!("fortsync demo");
    println!(
        "  Fortnox simulator  {}  (company \"Demo Handel AB\", DatabaseNumber {})",
        env.sim_base, env.fortnox_tenant
    );
    println!(
        "  fortsync functions {}  ({})",
        env.base_url, env.backend_name
    );
    println!(
        "  tenant             {TENANT}: generic, Shopify and WooCommerce webhooks, HMAC-SHA256 signed{}",
        if aws {
            ""
        } else {
            " (make demo AWS=moto: same on DynamoDB/SQS/Secrets Manager)"
        }
    );
    println!();
}

pub async fn demo(aws: bool) -> Result<(), String> {
    let env = env::start(aws, 0, None).await?;
    header(aws, &env);

    let tenant_id = TenantId::parse(TENANT).map_err(|e| e.to_string())?;
    let tenant = env
        .stack
        .tenants
        .get_tenant(&tenant_id)
        .await
        .map_err(|e| e.to_string())?;
    let tenant = tenant.ok_or("the demo tenant was not recorded by the connect flow")?;
    println!("0. Connect (OAuth2 authorization code flow, as an admin's browser does it)");
    println!(
        "   signed admin link -> GET /connect -> 302 to Fortnox consent -> GET /oauth/callback"
    );
    println!(
        "   tenant {TENANT}: {:?}, Fortnox company \"{}\" (DatabaseNumber {}); token stored in the secret store, never logged",
        tenant.status,
        tenant.company_name.as_deref().unwrap_or("-"),
        tenant
            .fortnox_tenant_id
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into()),
    );
    println!();

    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    for (i, sample) in SAMPLES.iter().enumerate() {
        sent.push(
            deliver(
                &client,
                &env.base_url,
                sample,
                &sample.headers(WEBHOOK_SECRET, &format!("d{i}")),
            )
            .await?,
        );
    }
    // The same deliveries again, as shops do on timeouts, and one forged.
    let first = &SAMPLES[0];
    for i in 2..=5 {
        let mut again = deliver(
            &client,
            &env.base_url,
            first,
            &first.headers(WEBHOOK_SECRET, "d0"),
        )
        .await?;
        again.label = format!("{} (delivery {i} of 5)", first.label);
        sent.push(again);
    }
    let shop = &SAMPLES[4];
    let mut again = deliver(
        &client,
        &env.base_url,
        shop,
        &shop.headers(WEBHOOK_SECRET, "d4"),
    )
    .await?;
    again.label = format!("{} (Shopify retry, same event)", shop.label);
    sent.push(again);
    let mut forged = deliver(
        &client,
        &env.base_url,
        first,
        &[("x-fortsync-signature", "sha256=00ff".into())],
    )
    .await?;
    forged.label = format!("{} with a forged signature", first.label);
    sent.push(forged);

    println!("1. Webhook deliveries (answered without calling Fortnox)");
    for s in &sent {
        println!(
            "   {:<48} HTTP {}  {:<13} {:>4} ms",
            s.label, s.status, s.answer, s.millis
        );
    }
    println!();

    let dispositions = env.stack.pump(20).await?;
    println!(
        "2. Worker: {} job(s) taken from the queue",
        dispositions.len()
    );
    println!();

    println!("3. Orders");
    println!(
        "   {:<12} {:<31} {:<16} {:<7} {:>10} {:>10}  STATE",
        "ORDER", "CUSTOMER (e-mail)", "FORTNOX CUSTOMER", "INVOICE", "SHOP", "FORTNOX"
    );
    let mut problems = Vec::new();
    let mut states = Vec::new();
    for sample in SAMPLES {
        let order = sample
            .parse()
            .map_err(|e| format!("{}: {e}", sample.label))?;
        let Some(rec) = env
            .stack
            .orders
            .get_order(&tenant_id, &order.id)
            .await
            .map_err(|e| e.to_string())?
        else {
            problems.push(format!("{}: no order record", sample.label));
            continue;
        };
        let trail = env
            .stack
            .audit
            .list(&tenant_id, &order.id)
            .await
            .map_err(|e| e.to_string())?;
        let how = trail
            .iter()
            .find(|e| e.step == "customer")
            .map(|e| e.outcome.as_str())
            .unwrap_or("");
        let customer = rec
            .customer_number
            .as_deref()
            .map(|n| format!("{n} ({how})"))
            .unwrap_or_else(|| "-".into());
        println!(
            "   {:<12} {:<31} {:<16} {:<7} {:>10} {:>10}  {}",
            format!(
                "{} {}",
                &sample.platform.as_str()[..1].to_uppercase(),
                rec.order.number
            ),
            rec.order.customer.email,
            customer,
            rec.document_number.as_deref().unwrap_or("-"),
            format!("{:.2}", rec.order.total),
            rec.fortnox_total
                .map(|t| format!("{t:.2}"))
                .unwrap_or_else(|| "-".into()),
            rec.state.as_str(),
        );
        if let Some(diff) = rec.total_difference {
            println!("                ! Fortnox total differs from the shop's by {diff}");
        }
        if let Some(err) = &rec.last_error {
            println!("                ! {}", err.message);
            if let Some(advice) = &err.advice {
                println!("                  what to do: {advice}");
            }
        }
        states.push(rec.state);
    }
    println!("   (G = generic, S = Shopify, W = WooCommerce)");
    println!();

    let invoices = env.sim.invoices(env.fortnox_tenant);
    let customers = env.sim.customers(env.fortnox_tenant);
    let log = env.sim.request_log();
    let api_calls = log.iter().filter(|r| r.path.starts_with("/3/")).count();
    let throttled = log.iter().filter(|r| r.status == 429).count();
    println!("4. In Fortnox");
    println!(
        "   {} invoice(s), {} customer(s); {} API call(s), {} answered 429",
        invoices.len(),
        customers.len(),
        api_calls,
        throttled
    );
    for inv in &invoices {
        println!(
            "   invoice {:<4} customer {:<4} {} {:>9}  VAT {:>8}  ref {}",
            field(inv, "DocumentNumber"),
            field(inv, "CustomerNumber"),
            field(inv, "Currency"),
            amount(inv, "Total"),
            amount(inv, "TotalVAT"),
            field(inv, "ExternalInvoiceReference1"),
        );
    }
    println!();

    after_the_sale(&env, &client, &tenant_id, &mut problems).await?;
    let shop = crate::sync_demo::round(&env, &mut problems).await?;
    crate::status_demo::lifecycle(&env, &shop, &mut problems).await?;

    let created = states
        .iter()
        .filter(|s| **s == OrderState::DocumentCreated)
        .count();
    let failed = states.iter().filter(|s| **s == OrderState::Failed).count();
    let expected = SAMPLES.len() - 1;
    if created != expected || failed != 1 || invoices.len() != expected || customers.len() != 4 {
        problems.push(format!(
            "expected {expected} invoices, 1 refused order and 4 customers; got {created} created, {failed} failed, {} invoices, {} customers in Fortnox",
            invoices.len(),
            customers.len()
        ));
    }
    if problems.is_empty() {
        println!(
            "Every order was delivered once: {created} invoices from three kinds of shop, one customer shared by a generic and a Shopify order, 1 order refused with advice, duplicates and the forged delivery dropped; a refund credited, a cancellation carried over, a register sync round each way, and an invoice followed to paid in the shop."
        );
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Step 5: a Shopify refund becomes the invoice's credit invoice; a generic order cancelled
/// in the shop has its (unbooked) invoice cancelled.
async fn after_the_sale(
    env: &fortsync_local::LocalEnv,
    client: &reqwest::Client,
    tenant_id: &TenantId,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    use fortsync_app::signature::{sign_base64, sign_hex};
    println!("5. After the sale");
    let refund = include_str!("../../../tests/fixtures/shopify/refund-mixed-vat.json");
    let url = |p: &str| format!("{}/webhooks/{TENANT}/{p}", env.base_url);
    let post = |url: String, body: String, headers: Vec<(&'static str, String)>| {
        let mut req = client
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    let r = post(
        url("shopify"),
        refund.to_owned(),
        vec![
            (
                "x-shopify-hmac-sha256",
                sign_base64(refund.as_bytes(), WEBHOOK_SECRET.as_bytes()),
            ),
            ("x-shopify-topic", "refunds/create".into()),
            ("x-shopify-event-id", "evt-refund-1".into()),
        ],
    )
    .await
    .map_err(|e| format!("refund delivery: {e}"))?;
    println!(
        "   shopify refunds/create (1 T-shirt back, 249.00)       HTTP {}",
        r.status().as_u16()
    );
    let mut cancelled: serde_json::Value =
        serde_json::from_str(SAMPLES[1].body).map_err(|e| format!("sample: {e}"))?;
    cancelled["cancelled"] = true.into();
    cancelled["updated_at"] = "2026-11-22T09:00:00Z".into();
    let body = cancelled.to_string();
    let r = post(
        url("generic"),
        body.clone(),
        vec![(
            "x-fortsync-signature",
            sign_hex(body.as_bytes(), WEBHOOK_SECRET.as_bytes()),
        )],
    )
    .await
    .map_err(|e| format!("cancel delivery: {e}"))?;
    println!(
        "   generic order cancelled in the shop                   HTTP {}",
        r.status().as_u16()
    );
    env.stack.pump(20).await?;

    for sample in [&SAMPLES[4], &SAMPLES[1]] {
        let order = sample.parse()?;
        let rec = env
            .stack
            .orders
            .get_order(tenant_id, &order.id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("order record missing")?;
        let invoice = rec.document_number.as_deref().unwrap_or("-");
        for r in &rec.refunds {
            use fortsync_domain::followup::RefundMethod;
            let how = match r.method {
                Some(RefundMethod::CreditInvoice) => "credit invoice",
                Some(RefundMethod::NegativeInvoice) => "negative invoice",
                Some(RefundMethod::OrderRows) => "negative rows on order",
                None => "not written",
            };
            println!(
                "   {} refund {} ({:.2} paid back): {how} {} of invoice {invoice}, total {}",
                rec.order.number,
                r.refund.id,
                r.refund.amount,
                r.document.as_deref().unwrap_or("-"),
                r.fortnox_total
                    .map(|t| format!("{t:.2}"))
                    .unwrap_or_default(),
            );
            if r.fortnox_total != Some(-r.refund.amount) {
                problems.push(format!("refund {} was not credited in full", r.refund.id));
            }
        }
        if rec.order.cancelled {
            let status = env
                .sim
                .invoices(env.fortnox_tenant)
                .into_iter()
                .find(|i| field(i, "DocumentNumber") == invoice)
                .map(|i| i["Cancelled"] == true)
                .unwrap_or(false);
            println!(
                "   {} cancelled: invoice {invoice} cancelled in Fortnox: {status}",
                rec.order.number
            );
            if !status {
                problems.push(format!("invoice {invoice} was not cancelled"));
            }
        }
    }
    println!();
    Ok(())
}

fn field(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    }
}

/// An amount from the simulator's JSON, shown to the öre.
fn amount(v: &serde_json::Value, key: &str) -> String {
    let text = field(v, key);
    text.parse::<rust_decimal::Decimal>()
        .map(|d| format!("{d:.2}"))
        .unwrap_or(text)
}
