//! Document types end to end, and what each costs in Fortnox calls (printed; run with
//! `--nocapture` to see the table).

use fortnox_sim::Fault;
use fortsync_domain::settings::DocumentKind;
use fortsync_e2e::{Shop, fixture, moto_env};
use fortsync_local::LocalEnv;

async fn set_document(env: &LocalEnv, kind: DocumentKind) {
    let mut tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    tenant.settings.document = kind;
    tenant.settings.version += 1;
    env.stack.tenants.put_tenant(&tenant).await.unwrap();
}

fn order(id: &str, email: &str) -> String {
    let mut o: serde_json::Value = serde_json::from_str(&fixture("order-1001-anna")).unwrap();
    o["id"] = id.into();
    o["number"] = format!("#{id}").into();
    o["customer"]["email"] = email.into();
    o.to_string()
}

/// Fortnox calls made while the worker handled one delivered order.
async fn calls_for(env: &LocalEnv, shop: &Shop, body: &str) -> usize {
    let before = env.sim.request_log().len();
    assert_eq!(shop.deliver(body, None).await.0, 202);
    env.stack.pump(10).await.unwrap();
    env.sim.request_log().len() - before
}

#[tokio::test(flavor = "multi_thread")]
async fn each_document_type_creates_what_it_says_and_reports_its_calls_per_order() {
    let env = moto_env("documents", |_| {}).await;
    let shop = Shop::new(&env);
    let mut table = Vec::new();
    for (i, (kind, name)) in [
        (DocumentKind::Invoice, "invoice"),
        (DocumentKind::Order, "order"),
        (DocumentKind::OrderThenInvoice, "order_then_invoice"),
        (DocumentKind::None, "none"),
    ]
    .into_iter()
    .enumerate()
    {
        set_document(&env, kind).await;
        let new = calls_for(
            &env,
            &shop,
            &order(&format!("{}01", i + 1), &format!("new{i}@example.se")),
        )
        .await;
        let repeat = calls_for(
            &env,
            &shop,
            &order(&format!("{}02", i + 1), &format!("new{i}@example.se")),
        )
        .await;
        table.push((name, new, repeat));
    }
    println!("document type        new customer  repeat customer   (Fortnox calls per order)");
    for (name, new, repeat) in &table {
        println!("{name:<20} {new:>12}  {repeat:>15}");
    }
    // invoice: search + create customer + invoice; a repeat customer is known: the invoice only.
    assert_eq!(table[0], ("invoice", 3, 1));
    assert_eq!(table[1], ("order", 3, 1));
    assert_eq!(table[2], ("order_then_invoice", 4, 2));
    assert_eq!(table[3], ("none", 2, 0));

    let orders = env.sim.orders(env.fortnox_tenant);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(
        orders.len(),
        4,
        "two plain orders, two turned into invoices"
    );
    assert_eq!(invoices.len(), 4, "two plain invoices, two from orders");
    let from_orders = orders
        .iter()
        .filter(|o| o["InvoiceReference"].as_str().is_some_and(|r| r != "0"))
        .count();
    assert_eq!(from_orders, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_createinvoice_answer_never_makes_a_second_invoice_from_the_order() {
    let env = moto_env("documents-lost", |o| {
        o.fortnox_timeout = std::time::Duration::from_millis(700)
    })
    .await;
    set_document(&env, DocumentKind::OrderThenInvoice).await;
    let shop = Shop::new(&env);
    let mut slow = Fault::status("PUT", "/3/orders/", 200);
    slow.status = None;
    slow.delay_ms = Some(1500);
    env.sim.inject_fault(slow);
    assert_eq!(
        shop.deliver(&order("901", "lost@example.se"), None).await.0,
        202
    );
    env.stack.pump(10).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.orders(env.fortnox_tenant).len(), 1);
    assert_eq!(
        env.sim.invoices(env.fortnox_tenant).len(),
        1,
        "exactly one invoice from the order"
    );
}
