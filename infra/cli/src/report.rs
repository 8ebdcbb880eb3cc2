//! `fortsync demo`: sample orders through the real handlers, then a per-order account of what
//! happened in fortsync and in Fortnox. Exits non-zero when the outcome is not the expected one,
//! so the demo doubles as a smoke test.

use crate::env::{self, TENANT, WEBHOOK_SECRET};
use crate::samples::ORDERS;
use fortsync_app::signature::sign_hex;
use fortsync_domain::state::OrderState;
use fortsync_domain::{OrderId, TenantId};

struct Sent {
    label: String,
    status: u16,
    answer: String,
    millis: u128,
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &str,
    signature: &str,
) -> Result<(u16, String, u128), String> {
    let started = std::time::Instant::now();
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-fortsync-signature", signature)
        .body(body.to_owned())
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
    Ok((status, answer, started.elapsed().as_millis()))
}

pub async fn demo(aws: bool) -> Result<(), String> {
    let env = env::start(aws, 0, None).await?;
    println!("fortsync demo");
    println!(
        "  Fortnox simulator  {}  (company \"Demo Handel AB\", DatabaseNumber {})",
        env.sim_base, env.fortnox_tenant
    );
    println!(
        "  fortsync functions {}  ({})",
        env.base_url, env.backend_name
    );
    println!("  tenant             {TENANT}: generic webhook, HMAC-SHA256 signed");
    println!();

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
    let url = format!("{}/webhooks/{TENANT}/generic", env.base_url);
    let mut sent = Vec::new();
    for (name, body) in ORDERS {
        let (status, answer, millis) = post(
            &client,
            &url,
            body,
            &sign_hex(body.as_bytes(), WEBHOOK_SECRET.as_bytes()),
        )
        .await?;
        sent.push(Sent {
            label: (*name).to_owned(),
            status,
            answer,
            millis,
        });
    }
    let (first_name, first_body) = ORDERS[0];
    for i in 2..=5 {
        let sig = sign_hex(first_body.as_bytes(), WEBHOOK_SECRET.as_bytes());
        let (status, answer, millis) = post(&client, &url, first_body, &sig).await?;
        sent.push(Sent {
            label: format!("{first_name} (delivery {i} of 5)"),
            status,
            answer,
            millis,
        });
    }
    let (status, answer, millis) = post(&client, &url, first_body, "sha256=00ff").await?;
    sent.push(Sent {
        label: format!("{first_name} with a forged signature"),
        status,
        answer,
        millis,
    });

    println!("1. Webhook deliveries (answered without calling Fortnox)");
    for s in &sent {
        println!(
            "   {:<44} HTTP {}  {:<13} {:>4} ms",
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
        "   {:<7} {:<32} {:<18} {:<8} {:>10} {:>10}  STATE",
        "ORDER", "CUSTOMER (e-mail)", "FORTNOX CUSTOMER", "INVOICE", "SHOP", "FORTNOX"
    );
    let tenant = tenant_id;
    let mut problems = Vec::new();
    let mut states = Vec::new();
    for (name, body) in ORDERS {
        let order =
            fortsync_domain::generic::parse(body.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
        let id = OrderId::parse(order.id.as_str()).map_err(|e| e.to_string())?;
        let Some(rec) = env
            .stack
            .orders
            .get_order(&tenant, &id)
            .await
            .map_err(|e| e.to_string())?
        else {
            problems.push(format!("{name}: no order record"));
            continue;
        };
        let trail = env
            .stack
            .audit
            .list(&tenant, &id)
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
            "   {:<7} {:<32} {:<18} {:<8} {:>10} {:>10}  {}",
            rec.order.number,
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
            println!("           ! Fortnox total differs from the shop's by {diff}");
        }
        if let Some(err) = &rec.last_error {
            println!("           ! {}", err.message);
            if let Some(advice) = &err.advice {
                println!("             what to do: {advice}");
            }
        }
        states.push(rec.state);
    }
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
            "   invoice {:<4} customer {:<4} total {:>9}  VAT {:>8}  ref {}",
            field(inv, "DocumentNumber"),
            field(inv, "CustomerNumber"),
            amount(inv, "Total"),
            amount(inv, "TotalVAT"),
            field(inv, "ExternalInvoiceReference1"),
        );
    }
    println!();

    let created = states
        .iter()
        .filter(|s| **s == OrderState::DocumentCreated)
        .count();
    let failed = states.iter().filter(|s| **s == OrderState::Failed).count();
    let expected_invoices = ORDERS.len() - 1;
    if created != expected_invoices
        || failed != 1
        || invoices.len() != expected_invoices
        || customers.len() != 3
    {
        problems.push(format!(
            "expected {expected_invoices} invoices, 1 refused order and 3 customers; got {created} created, {failed} failed, {} invoices, {} customers in Fortnox",
            invoices.len(),
            customers.len()
        ));
    }
    if problems.is_empty() {
        println!(
            "Every order was delivered once: {created} invoices, 1 order refused with advice, duplicates and the forged delivery dropped."
        );
        Ok(())
    } else {
        Err(problems.join("; "))
    }
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
