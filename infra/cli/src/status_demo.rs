//! Step 7 of `fortsync demo`: the WooCommerce order's invoice goes created → sent → booked →
//! paid in Fortnox; each change is announced by a signed invoice-status callback (as the
//! `fortsync-relay` or the merchant's automation sends it) and the shop order follows.

use fortsync_app::SecretString;
use fortsync_app::callback::{EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use fortsync_domain::OrderId;
use fortsync_local::LocalEnv;
use serde_json::{Value, json};

const SECRET: &str = "demo-callback-secret";
const WOO_ORDER: u64 = 5101;

async fn fortnox(
    env: &LocalEnv,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let token = env.sim.issue_token(
        fortsync_local::CLIENT_ID,
        env.fortnox_tenant,
        &["invoice", "payment", "bookkeeping"],
    );
    let client = reqwest::Client::new();
    let url = format!("{}{path}", env.sim_base);
    let req = if method == "POST" {
        client.post(url)
    } else {
        client.put(url)
    };
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let resp = req
        .bearer_auth(token.access_token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("{method} {path}: {}", resp.status()));
    }
    resp.json().await.map_err(|e| e.to_string())
}

async fn announce(env: &LocalEnv, notice: Value, event: &str) -> Result<u16, String> {
    let body = notice.to_string();
    let ts = time::OffsetDateTime::now_utc().unix_timestamp();
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/callbacks/{}/invoice-status",
            env.base_url, env.tenant
        ))
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(EVENT_HEADER, event)
        .header(
            SIGNATURE_HEADER,
            sign(SECRET.as_bytes(), ts, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(resp.status().as_u16())
}

fn shop_line(shop: &woo_sim::SimHandle) -> String {
    let order = shop.order(WOO_ORDER).unwrap_or_default();
    let meta = |k: &str| {
        order["meta_data"]
            .as_array()
            .and_then(|m| m.iter().find(|x| x["key"] == k))
            .and_then(|x| x["value"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let last_note = shop
        .order_notes(WOO_ORDER)
        .into_iter()
        .filter_map(|n| n["note"].as_str().map(str::to_owned))
        .rfind(|n| n.starts_with("Fortnox"))
        .unwrap_or_else(|| "-".into());
    format!(
        "shop order {WOO_ORDER}: status {}, _fortsync_status {}, note \"{last_note}\"",
        order["status"].as_str().unwrap_or("-"),
        meta("_fortsync_status"),
    )
}

pub async fn lifecycle(
    env: &LocalEnv,
    shop: &woo_sim::SimHandle,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    println!(
        "7. Invoice status back to the shop (signed callbacks: /callbacks/{{tenant}}/invoice-status)"
    );
    let body = include_str!("../../../tests/fixtures/woocommerce/order-mixed-vat-incl.json");
    let order: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    shop.seed_orders(vec![order])
        .map_err(|e| format!("{e:?}"))?;
    env.stack
        .secrets
        .put_secret(
            &env.stack.names.callback(&env.tenant),
            &SecretString::new(json!({"current": SECRET}).to_string()),
        )
        .await
        .map_err(|e| e.to_string())?;
    let rec = env
        .stack
        .orders
        .get_order(
            &env.tenant,
            &OrderId::parse("5101").map_err(|e| e.to_string())?,
        )
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the WooCommerce order has no record")?;
    let invoice = rec
        .document_number
        .ok_or("the WooCommerce order has no invoice")?;
    println!(
        "   invoice {invoice} created by step 1; {}",
        shop_line(shop)
    );

    let steps: [(&str, &str, &str); 3] = [
        ("sent", "PUT", "externalprint"),
        ("booked", "PUT", "bookkeep"),
        ("paid", "POST", "payment"),
    ];
    for (i, (stage, method, action)) in steps.into_iter().enumerate() {
        let notice =
            if action == "payment" {
                let total = env
                    .sim
                    .invoices(env.fortnox_tenant)
                    .into_iter()
                    .find(|x| x["DocumentNumber"].as_str() == Some(invoice.as_str()))
                    .map(|x| x["Total"].clone())
                    .ok_or("invoice missing")?;
                let paid = fortnox(
                env,
                method,
                "/3/invoicepayments",
                Some(json!({"InvoicePayment": {"InvoiceNumber": invoice.parse::<u64>().unwrap_or(0),
                    "Amount": total, "PaymentDate": env.sim.now().date().to_string()}})),
            )
            .await?;
                let number = paid["InvoicePayment"]["Number"].to_string();
                json!({"payment": number.trim_matches('"'), "event": "invoicepayment-bookkeep-v1"})
            } else {
                fortnox(
                    env,
                    method,
                    &format!("/3/invoices/{invoice}/{action}"),
                    None,
                )
                .await?;
                json!({"invoice": invoice, "event": "invoice-updated-v1"})
            };
        let status = announce(env, notice, &format!("demo-{i}")).await?;
        env.stack.pump(5).await?;
        println!(
            "   Fortnox: {stage:<7} callback HTTP {status}  -> {}",
            shop_line(shop)
        );
    }
    // The relay and the merchant may repeat a notice: nothing is written twice.
    let again = announce(env, json!({"invoice": invoice}), "demo-2").await?;
    env.stack.pump(5).await?;
    let notes = shop
        .order_notes(WOO_ORDER)
        .into_iter()
        .filter(|n| n["note"].as_str().is_some_and(|t| t.starts_with("Fortnox")))
        .count();
    println!("   a repeated notice: HTTP {again} (duplicate); Fortnox notes on the order: {notes}");
    let order = shop.order(WOO_ORDER).unwrap_or_default();
    if order["status"] != "completed" || notes != 3 {
        problems.push(format!(
            "the shop order did not follow its invoice (status {}, {notes} notes)",
            order["status"]
        ));
    }
    println!();
    println!("8. A customer's balance (`fortsync customer --tenant T --email E`)");
    crate::customer::print(&env.stack.worker, &env.tenant, "anna.svensson@example.se").await?;
    println!();
    Ok(())
}
