//! The `Registers` port against the Fortnox simulator, built through `FortnoxConnector` as the
//! worker builds it: one request per page, `lastmodified`, active articles only, prices of a
//! non-default list, warehouse stock per stock point and customer writes. Call counts come from
//! the simulator's request log and from `take_calls`.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use fortnox_sim::{SimConfig, SimHandle};
use fortsync_app::memory::{MemorySecrets, MemoryStore};
use fortsync_app::oauth::StoredToken;
use fortsync_app::registers::{
    FortnoxArticle, FortnoxCustomerPatch, FortnoxPrice, NewFortnoxArticle, Registers,
    RegistersConnector,
};
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::{SecretStore, SecretString, SystemClock};
use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use fortsync_fortnox::api::PAGE_LIMIT;
use fortsync_fortnox::models::Price;
use fortsync_fortnox::{
    FortnoxClient, FortnoxConnector, FortnoxOAuth, RetryPolicy, Throttle, TokenManager,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use time::macros::datetime;

const SCOPES: &[&str] = &["article", "customer", "price", "warehouse"];

struct Env {
    sim: SimHandle,
    tenant: u64,
    token: String,
    registers: Box<dyn Registers>,
}

/// A simulator whose clock reads 2026-01-15 08:00 UTC (09:00 in Stockholm), a connected tenant
/// and its registers from the connector.
async fn env() -> Env {
    let sim = fortnox_sim::spawn(SimConfig {
        rate_limit_requests: 100_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    sim.set_now(datetime!(2026-01-15 08:00 UTC));
    let tenant = sim.add_tenant("Registerbolaget AB");
    let token = sim.issue_token("demo-client", tenant, SCOPES).access_token;

    let ours = Tenant::new(TenantId::parse("reg-tenant").unwrap());
    let names = SecretNames::new("/fortsync/test");
    let secrets = Arc::new(MemorySecrets::default());
    let stored = StoredToken {
        access_token: token.clone(),
        refresh_token: None,
        expires_at: time::OffsetDateTime::now_utc().unix_timestamp() + 3600,
        scope: None,
        version: 1,
    };
    secrets
        .put_secret(
            &names.fortnox_token(&ours.id),
            &SecretString::new(serde_json::to_string(&stored).unwrap()),
        )
        .await
        .unwrap();
    let http = FortnoxClient::http_client(Duration::from_secs(10)).unwrap();
    let store = Arc::new(MemoryStore::default());
    let auth = Arc::new(FortnoxOAuth {
        http: http.clone(),
        auth_base: sim.base_url.clone(),
        api_base: sim.base_url.clone(),
        secrets: Arc::new(SecretCache::new(secrets.clone(), Duration::from_secs(60))),
        names: names.clone(),
    });
    let tokens = TokenManager::new(
        secrets,
        store.clone(),
        store,
        auth,
        names,
        Arc::new(SystemClock),
    );
    let connector = FortnoxConnector {
        http,
        api_base: sim.base_url.clone(),
        tokens: Arc::new(tokens),
        throttle: Arc::new(Throttle::new(10_000, Duration::from_secs(5))),
        retry: RetryPolicy::default(),
    };
    let registers = connector.registers(&ours).await.unwrap();
    Env {
        sim,
        tenant,
        token,
        registers,
    }
}

impl Env {
    fn seed(&self, kind: &str, records: Vec<Value>) -> Vec<Value> {
        self.sim.seed(kind, self.tenant, records).unwrap()
    }

    /// Articles `{prefix}00000`… (zero-padded, so text and number order agree).
    fn seed_articles(&self, prefix: &str, count: usize, active: bool) -> Vec<String> {
        let numbers: Vec<String> = (0..count).map(|i| format!("{prefix}{i:05}")).collect();
        let records = numbers
            .iter()
            .map(|n| json!({"ArticleNumber": n, "Description": format!("Artikel {n}"), "Active": active}))
            .collect();
        self.seed("articles", records);
        numbers
    }

    /// A plain client on the same token, to read back what the registers wrote.
    fn client(&self) -> FortnoxClient {
        FortnoxClient::new(
            FortnoxClient::http_client(Duration::from_secs(5)).unwrap(),
            &self.sim.base_url,
            self.token.clone(),
            "check".into(),
            Arc::new(Throttle::new(10_000, Duration::from_secs(5))),
            RetryPolicy::default(),
        )
    }

    /// Every page of the active articles, and the pages' `total_pages`.
    async fn all_articles(&self, since: Option<&str>) -> (Vec<FortnoxArticle>, Vec<u32>) {
        let mut items = Vec::new();
        let mut totals = Vec::new();
        let mut page = 1;
        loop {
            let p = self.registers.articles(since, page).await.unwrap();
            assert_eq!(p.page, page);
            totals.push(p.total_pages);
            items.extend(p.items.iter().cloned());
            if p.is_last() {
                break;
            }
            page += 1;
            assert!(page <= 1000, "paging does not end");
        }
        (items, totals)
    }

    /// Query strings of the GETs of `path`.
    fn queries(&self, path: &str) -> Vec<String> {
        self.sim
            .request_log()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path == path)
            .map(|r| r.query)
            .collect()
    }
}

fn numbers(items: &[FortnoxArticle]) -> Vec<String> {
    items.iter().map(|a| a.number.clone()).collect()
}

#[tokio::test]
async fn articles_1234_come_in_three_pages_of_one_call_each() {
    let e = env().await;
    let seeded = e.seed_articles("A", 1234, true);

    let first = e.registers.articles(None, 1).await.unwrap();
    assert_eq!(first.items.len(), 500);
    assert_eq!(first.total_pages, 3);
    assert!(!first.is_last());
    let third = e.registers.articles(None, 3).await.unwrap();
    assert_eq!(third.items.len(), 234);
    assert!(third.is_last());
    let second = e.registers.articles(None, 2).await.unwrap();
    assert_eq!(second.items.len(), 500);
    assert_eq!(second.total_pages, 3);

    let mut all = first.items.clone();
    all.extend(second.items);
    all.extend(third.items);
    assert_eq!(
        numbers(&all),
        seeded,
        "every article once, in article-number order"
    );
    assert_eq!(e.sim.count("GET", "/3/articles"), 3);
    assert_eq!(e.registers.take_calls().len(), 3);
    for q in e.queries("/3/articles") {
        for part in ["filter=active", "sortby=articlenumber", "limit=500"] {
            assert!(q.contains(part), "{q} lacks {part}");
        }
        assert!(!q.contains("lastmodified"), "{q}");
    }
    // The mapping: the list item's numbers, VAT and flags.
    let a = &first.items[0];
    assert_eq!(a.description, "Artikel A00000");
    assert_eq!(a.vat, Some(dec!(25)));
    assert_eq!(a.quantity_in_stock, Some(Decimal::ZERO));
    assert!(!a.webshop_article);
}

#[tokio::test]
async fn inactive_articles_are_left_out() {
    let e = env().await;
    let active = e.seed_articles("ON", 10, true);
    e.seed_articles("OFF", 5, false);
    let page = e.registers.articles(None, 1).await.unwrap();
    assert_eq!(numbers(&page.items), active);
    assert_eq!(page.total_pages, 1);
    assert!(page.is_last());
}

#[tokio::test]
async fn one_article_is_read_by_number() {
    let e = env().await;
    e.seed_articles("OFF", 1, false);
    e.seed(
        "articles",
        vec![json!({"ArticleNumber": "W/1", "Description": "Webb", "WebshopArticle": true, "VAT": 6})],
    );
    let w = e.registers.article("W/1").await.unwrap().unwrap();
    assert!(w.active && w.webshop_article);
    assert_eq!(w.vat, Some(dec!(6)));
    let off = e.registers.article("OFF00000").await.unwrap().unwrap();
    assert!(!off.active, "a single read tells inactive articles");
    assert_eq!(e.registers.article("SAKNAS").await.unwrap(), None);
    assert_eq!(e.registers.take_calls().len(), 3);
}

#[tokio::test]
async fn lastmodified_returns_only_changed_articles() {
    let e = env().await;
    let seeded = e.seed_articles("M", 20, true);
    // 09:40 in Stockholm two articles get new stock.
    // 40 minutes (the sim's access token lives an hour).
    e.sim.advance(Duration::from_secs(40 * 60));
    e.registers
        .set_article_stock("M00011", dec!(7))
        .await
        .unwrap();
    e.registers
        .set_article_stock("M00003", dec!(12.5))
        .await
        .unwrap();
    assert_eq!(e.sim.count("PUT", "/3/articles/"), 2, "one PUT per stock");
    e.registers.take_calls();

    let changed = e
        .registers
        .articles(Some("2026-01-15 09:30"), 1)
        .await
        .unwrap();
    assert_eq!(numbers(&changed.items), ["M00003", "M00011"]);
    assert_eq!(changed.items[0].quantity_in_stock, Some(dec!(12.5)));
    assert_eq!(changed.items[1].quantity_in_stock, Some(dec!(7)));
    assert_eq!(changed.total_pages, 1);
    assert!(
        e.queries("/3/articles")
            .iter()
            .any(|q| q.contains("lastmodified=2026-01-15+09%3A30")
                || q.contains("lastmodified=2026-01-15%2009%3A30")),
        "{:?}",
        e.queries("/3/articles")
    );
    // Before the seeding everything is new.
    let (all, _) = e.all_articles(Some("2026-01-15 08:59")).await;
    assert_eq!(numbers(&all), seeded);
    assert_eq!(e.registers.take_calls().len(), 2);
}

#[tokio::test]
async fn ten_thousand_articles_take_exactly_twenty_calls() {
    let e = env().await;
    let seeded = e.seed_articles("T", 10_000, true);
    let (all, totals) = e.all_articles(None).await;
    assert_eq!(all.len(), 10_000);
    assert_eq!(numbers(&all), seeded);
    assert_eq!(totals, vec![20; 20]);
    let calls = e.sim.count("GET", "/3/articles");
    println!("10 000 articles: {calls} calls of {PAGE_LIMIT}");
    assert_eq!(calls, 20);
    assert_eq!(e.registers.take_calls().len(), 20);
}

#[tokio::test]
async fn created_articles_are_listed_with_their_stock() {
    let e = env().await;
    e.registers
        .create_article(&NewFortnoxArticle {
            number: "NY-1".into(),
            description: "Ny artikel".into(),
            vat: Some(dec!(12)),
            sales_account: Some(3001),
            quantity_in_stock: Some(dec!(4)),
        })
        .await
        .unwrap();
    let page = e.registers.articles(None, 1).await.unwrap();
    assert_eq!(
        page.items,
        vec![FortnoxArticle {
            number: "NY-1".into(),
            description: "Ny artikel".into(),
            active: true,
            sales_price: None,
            vat: Some(dec!(12)),
            quantity_in_stock: Some(dec!(4)),
            webshop_article: false,
        }]
    );
    let stored = e.sim.articles(e.tenant);
    assert_eq!(stored[0]["StockGoods"], json!(true));
    assert_eq!(e.registers.take_calls().len(), 2);
}

#[tokio::test]
async fn prices_are_read_and_set_in_a_non_default_list() {
    let e = env().await;
    e.seed_articles("P", 3, true);
    e.seed(
        "pricelists",
        vec![
            json!({"Code": "B", "Description": "Återförsäljare"}),
            json!({"Code": "BB", "Description": "Liknande kod"}),
        ],
    );
    e.seed(
        "prices",
        vec![
            json!({"PriceList": "A", "ArticleNumber": "P00000", "Price": 200}),
            json!({"PriceList": "B", "ArticleNumber": "P00000", "Price": 100}),
            json!({"PriceList": "B", "ArticleNumber": "P00000", "FromQuantity": 10, "Price": 90}),
            json!({"PriceList": "BB", "ArticleNumber": "P00001", "Price": 55}),
        ],
    );

    assert_eq!(e.registers.preselected_price_list().await.unwrap(), "A");
    let b = e.registers.prices("B", 1).await.unwrap();
    assert_eq!(
        b.items,
        vec![FortnoxPrice {
            article_number: "P00000".into(),
            price: dec!(100)
        }],
        "tier 0 of list B only"
    );
    assert_eq!(b.total_pages, 1);
    assert_eq!(e.registers.take_calls().len(), 2);

    // An existing row: one PUT.
    e.registers
        .set_price("B", "P00000", dec!(110.50))
        .await
        .unwrap();
    assert_eq!(e.registers.take_calls().len(), 1);
    // A missing row: the PUT's 404, then a POST.
    e.registers
        .set_price("B", "P00001", dec!(75))
        .await
        .unwrap();
    let calls = e.registers.take_calls();
    let shape: Vec<(String, Option<u16>)> =
        calls.iter().map(|c| (c.method.clone(), c.status)).collect();
    assert_eq!(
        shape,
        [
            ("PUT".to_owned(), Some(404)),
            ("POST".to_owned(), Some(201))
        ]
    );

    let b = e.registers.prices("B", 1).await.unwrap();
    assert_eq!(
        b.items,
        vec![
            FortnoxPrice {
                article_number: "P00000".into(),
                price: dec!(110.50)
            },
            FortnoxPrice {
                article_number: "P00001".into(),
                price: dec!(75)
            },
        ]
    );
    // The quantity tier and the other lists are untouched.
    let c = e.client();
    let tier: Price = c.price_tier("B", "P00000", dec!(10)).await.unwrap();
    assert_eq!(tier.price, Some(dec!(90)));
    let bb = e.registers.prices("BB", 1).await.unwrap();
    assert_eq!(bb.items[0].price, dec!(55));
    let articles = e.registers.articles(None, 1).await.unwrap();
    assert_eq!(articles.items[0].sales_price, Some(dec!(200)), "list A");

    // Another pre-selected list becomes the articles' SalesPrice.
    c.update_price_list(
        "B",
        &fortsync_fortnox::models::PriceListWrite {
            pre_selected: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(e.registers.preselected_price_list().await.unwrap(), "B");
    let articles = e.registers.articles(None, 1).await.unwrap();
    assert_eq!(articles.items[0].sales_price, Some(dec!(110.50)));
}

#[tokio::test]
async fn stock_balances_are_per_stock_point() {
    let e = env().await;
    e.seed(
        "articles",
        vec![
            json!({"ArticleNumber": "S1", "Description": "Ett", "StockGoods": true, "QuantityInStock": 3}),
            json!({"ArticleNumber": "S2", "Description": "Två", "StockGoods": true, "QuantityInStock": 8}),
            json!({"ArticleNumber": "S3", "Description": "Tre", "StockGoods": true, "QuantityInStock": 1}),
        ],
    );
    e.seed(
        "stockbalance",
        vec![
            json!({"itemId": "S1", "stockPointCode": "LAGER2", "inStock": 10, "availableStock": 7}),
            json!({"itemId": "S2", "stockPointCode": "LAGER2", "inStock": 4}),
        ],
    );
    let balances = |p: &fortsync_app::registers::RegisterPage<
        fortsync_app::registers::StockBalance,
    >|
     -> Vec<(String, Decimal)> {
        p.items
            .iter()
            .map(|b| (b.article_number.clone(), b.available))
            .collect()
    };

    let lager2 = e.registers.stock_balances("LAGER2", 1).await.unwrap();
    assert_eq!(
        balances(&lager2),
        [("S1".to_owned(), dec!(7)), ("S2".to_owned(), dec!(4))]
    );
    assert!(lager2.is_last());
    let main = e.registers.stock_balances("MAIN", 1).await.unwrap();
    assert_eq!(
        balances(&main),
        [
            ("S1".to_owned(), dec!(3)),
            ("S2".to_owned(), dec!(8)),
            ("S3".to_owned(), dec!(1))
        ]
    );
    assert_eq!(e.registers.take_calls().len(), 2);
    let queries = e.queries("/api/warehouse/status-v1/stockbalance");
    assert_eq!(queries, ["stockPointCodes=LAGER2", "stockPointCodes=MAIN"]);
    // The warehouse API does not page: everything was on page 1.
    let past = e.registers.stock_balances("LAGER2", 2).await.unwrap();
    assert!(past.items.is_empty() && past.is_last());
    assert!(e.registers.take_calls().is_empty());
}

#[tokio::test]
async fn customers_are_created_updated_and_listed_since() {
    let e = env().await;
    e.seed(
        "customers",
        (0..3)
            .map(|i| json!({"Name": format!("Gammal {i}"), "Email": format!("g{i}@example.se")}))
            .collect(),
    );
    // 40 minutes (the sim's access token lives an hour).
    e.sim.advance(Duration::from_secs(40 * 60));

    let number = e
        .registers
        .create_customer(&FortnoxCustomerPatch {
            name: Some("Anna Andersson".into()),
            email: Some("anna@example.se".into()),
            phone: Some("070-1234567".into()),
            address1: Some("Storgatan 1".into()),
            zip: Some("111 22".into()),
            city: Some("Stockholm".into()),
            country_code: Some("se".into()),
            ..FortnoxCustomerPatch::default()
        })
        .await
        .unwrap();
    let stored = |n: &str| -> Value {
        e.sim
            .customers(e.tenant)
            .into_iter()
            .find(|c| c["CustomerNumber"] == json!(n))
            .unwrap()
    };
    let c = stored(&number);
    assert_eq!(c["CountryCode"], json!("SE"));
    assert_eq!(c["Country"], json!("Sverige"));
    assert_eq!(c["EmailInvoice"], json!("anna@example.se"));
    assert_eq!(c["Phone1"], json!("070-1234567"));

    e.registers
        .update_customer(
            &number,
            &FortnoxCustomerPatch {
                city: Some("Malmö".into()),
                zip: Some("211 11".into()),
                phone: Some(String::new()),
                country_code: Some("DK".into()),
                ..FortnoxCustomerPatch::default()
            },
        )
        .await
        .unwrap();
    let c = stored(&number);
    assert_eq!(c["City"], json!("Malmö"));
    assert_eq!(c["ZipCode"], json!("211 11"));
    assert_eq!(c["CountryCode"], json!("DK"));
    assert!(c["Phone1"].is_null() || c["Phone1"] == json!(""), "{c}");
    assert_eq!(c["Name"], json!("Anna Andersson"), "not in the patch");
    assert_eq!(c["Email"], json!("anna@example.se"), "not in the patch");
    assert_eq!(c["Address1"], json!("Storgatan 1"), "not in the patch");
    // An empty patch sends nothing; a nameless customer is refused before Fortnox.
    e.registers
        .update_customer(&number, &FortnoxCustomerPatch::default())
        .await
        .unwrap();
    assert!(
        e.registers
            .create_customer(&FortnoxCustomerPatch {
                email: Some("x@example.se".into()),
                ..FortnoxCustomerPatch::default()
            })
            .await
            .is_err()
    );
    assert_eq!(e.registers.take_calls().len(), 2, "one POST, one PUT");

    let all = e.registers.customers(None, 1).await.unwrap();
    assert_eq!(all.items.len(), 4);
    assert_eq!(all.total_pages, 1);
    let since = e
        .registers
        .customers(Some("2026-01-15 09:30"), 1)
        .await
        .unwrap();
    assert_eq!(since.items.len(), 1);
    let anna = &since.items[0];
    assert_eq!(anna.number, number);
    assert_eq!(anna.name, "Anna Andersson");
    assert_eq!(anna.email.as_deref(), Some("anna@example.se"));
    assert_eq!(anna.city.as_deref(), Some("Malmö"));
    assert_eq!(anna.zip.as_deref(), Some("211 11"));
    assert_eq!(anna.address1.as_deref(), Some("Storgatan 1"));
    assert_eq!(anna.phone, None);
    assert_eq!(e.registers.take_calls().len(), 2);
    for q in e.queries("/3/customers") {
        assert!(
            q.contains("sortby=customernumber") && q.contains("limit=500"),
            "{q}"
        );
    }
}

#[tokio::test]
async fn customer_by_email_is_exact() {
    let e = env().await;
    e.seed(
        "customers",
        vec![
            json!({"Name": "Fel", "Email": "xanna@example.se"}),
            json!({"Name": "Rätt", "Email": "Anna@Example.se", "City": "Lund"}),
            json!({"Name": "Dubblett", "Email": "anna@example.se"}),
        ],
    );
    let found = e
        .registers
        .customer_by_email("anna@example.se")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.name, "Rätt", "exact match, lowest number");
    assert_eq!(found.city.as_deref(), Some("Lund"));
    assert_eq!(
        e.registers
            .customer_by_email("nobody@example.se")
            .await
            .unwrap(),
        None
    );
    assert_eq!(e.registers.take_calls().len(), 2);
}

#[tokio::test]
async fn customers_page_through_1234() {
    let e = env().await;
    e.seed(
        "customers",
        (0..1234)
            .map(|i| json!({"Name": format!("Kund {i}")}))
            .collect(),
    );
    let mut seen = HashSet::new();
    for page in 1..=3 {
        let p = e.registers.customers(None, page).await.unwrap();
        assert_eq!(p.total_pages, 3);
        assert_eq!(p.is_last(), page == 3);
        for c in p.items {
            assert!(seen.insert(c.number), "no customer twice");
        }
    }
    assert_eq!(seen.len(), 1234);
    assert_eq!(e.sim.count("GET", "/3/customers"), 3);
}
