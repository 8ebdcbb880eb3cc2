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

async fn with_settings(
    env: &LocalEnv,
    change: impl FnOnce(&mut fortsync_domain::settings::TenantSettings),
) {
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

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_is_bookkept_sent_and_paid_once_each() {
    use fortsync_domain::settings::{RegisterPayment, SendMode};
    let env = moto_env("documents-finish", |_| {}).await;
    let shop = Shop::new(&env);
    with_settings(&env, |s| s.bookkeep = true).await;
    let first = calls_for(&env, &shop, &order("801", "paying@example.se")).await;
    let repeat = calls_for(&env, &shop, &order("802", "paying@example.se")).await;
    println!("invoice + bookkeep: new customer {first} calls, repeat customer {repeat} calls");
    assert_eq!(
        (first, repeat),
        (4, 2),
        "repeat customer: invoice + bookkeep = 2 calls"
    );

    with_settings(&env, |s| {
        s.send = SendMode::ExternalPrint;
        s.payments.default = RegisterPayment::Register {
            mode_of_payment: "BG".into(),
            account: 1930,
            bookkeep: true,
        };
    })
    .await;
    let all = calls_for(&env, &shop, &order("803", "paying@example.se")).await;
    println!(
        "invoice + bookkeep + send + payment + payment bookkeep, repeat customer: {all} calls"
    );
    assert_eq!(all, 5);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    let paid = invoices
        .iter()
        .find(|i| i["ExternalInvoiceReference1"] == "fortsync:documents-finish:803")
        .unwrap();
    assert_eq!(paid["Booked"], true);
    assert_eq!(paid["Sent"], true);
    assert_eq!(paid["Balance"].as_f64(), Some(0.0), "{paid}");
    assert!(paid["FinalPayDate"].is_string());
    assert_eq!(env.sim.invoice_payments(env.fortnox_tenant).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_bookkeep_answer_is_checked_not_repeated() {
    let env = moto_env("documents-lost-bookkeep", |o| {
        o.fortnox_timeout = std::time::Duration::from_millis(700)
    })
    .await;
    with_settings(&env, |s| s.bookkeep = true).await;
    let shop = Shop::new(&env);
    let mut slow = Fault::status("PUT", "/3/invoices/", 200);
    slow.status = None;
    slow.delay_ms = Some(1500);
    env.sim.inject_fault(slow);
    assert_eq!(
        shop.deliver(&order("701", "slow@example.se"), None).await.0,
        202
    );
    env.stack.pump(10).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let d = env.stack.pump(10).await.unwrap();
    assert!(d.iter().all(|x| matches!(x, fortsync_handlers::sqs::Disposition::Done(t) if t.ends_with("document_created"))), "{d:?}");
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["Booked"], true);
    let bookkeeps = env
        .sim
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/bookkeep"))
        .count();
    assert_eq!(
        bookkeeps, 1,
        "the retry read the invoice instead of booking again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_article_created_once_is_known_to_every_later_order() {
    use fortsync_domain::settings::UnknownSkuPolicy;
    let env = moto_env("documents-articles", |_| {}).await;
    let shop = Shop::new(&env);
    with_settings(&env, |s| s.unknown_sku = UnknownSkuPolicy::CreateArticle).await;
    let first = calls_for(&env, &shop, &order("611", "sku@example.se")).await;
    let repeat = calls_for(&env, &shop, &order("612", "sku@example.se")).await;
    println!("create_article: first order {first} calls, repeat customer + known article {repeat}");
    // customer search + create, article look-up + create, invoice; then the invoice only.
    assert_eq!((first, repeat), (5, 1));
    assert_eq!(env.sim.articles(env.fortnox_tenant).len(), 1);
    let invoices = env.sim.invoices(env.fortnox_tenant);
    assert!(
        invoices
            .iter()
            .all(|i| i["InvoiceRows"][0]["ArticleNumber"] == "TS-RED-L"),
        "{invoices:?}"
    );
}
