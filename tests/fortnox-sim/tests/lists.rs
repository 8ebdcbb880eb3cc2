//! Lists: paging, MetaInformation, limit bounds, substring search, lastmodified, sort, filter.

mod common;

use common::{code, setup};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

fn meta(v: &Value) -> (u64, u64, u64) {
    let m = &v["MetaInformation"];
    (
        m["@TotalResources"].as_u64().expect("TotalResources"),
        m["@TotalPages"].as_u64().expect("TotalPages"),
        m["@CurrentPage"].as_u64().expect("CurrentPage"),
    )
}

fn names(v: &Value) -> Vec<String> {
    v["Customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn paging_with_limit_500() {
    let env = setup().await;
    let records: Vec<Value> = (1..=501)
        .map(|i| json!({"Name": format!("Kund {i:03}")}))
        .collect();
    env.sim
        .seed("customers", env.tenant, records)
        .expect("seed");

    let (status, v) = env.get("/3/customers?limit=500").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["Customers"].as_array().unwrap().len(), 500);
    assert_eq!(meta(&v), (501, 2, 1));
    let (_, v) = env.get("/3/customers?limit=500&page=2").await;
    assert_eq!(v["Customers"].as_array().unwrap().len(), 1);
    assert_eq!(meta(&v), (501, 2, 2));
    assert_eq!(v["Customers"][0]["CustomerNumber"], "501");

    // Default limit is 100.
    let (_, v) = env.get("/3/customers").await;
    assert_eq!(v["Customers"].as_array().unwrap().len(), 100);
    assert_eq!(meta(&v), (501, 6, 1));
    // offset skips within the page start.
    let (_, v) = env.get("/3/customers?limit=2&page=1&offset=3").await;
    assert_eq!(v["Customers"][0]["CustomerNumber"], "4");
}

#[tokio::test]
async fn limit_out_of_range_is_400() {
    let env = setup().await;
    for q in ["limit=501", "limit=0", "limit=abc", "page=0"] {
        let (status, v) = env.get(&format!("/3/invoices?{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(code(&v), 2000588, "{q}");
    }
}

#[tokio::test]
async fn meta_information_on_every_list() {
    let env = setup().await;
    for (path, key) in [
        ("/3/customers", "Customers"),
        ("/3/articles", "Articles"),
        ("/3/pricelists", "PriceLists"),
        ("/3/prices", "Prices"),
        ("/3/orders", "Orders"),
        ("/3/invoices", "Invoices"),
        ("/3/invoicepayments", "InvoicePayments"),
        ("/3/accounts", "Accounts"),
        ("/3/currencies", "Currencies"),
        ("/3/financialyears", "FinancialYears"),
    ] {
        let (status, v) = env.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(v[key].is_array(), "{path}: {v}");
        let (_, pages, current) = meta(&v);
        assert!(pages >= 1 && current == 1, "{path}");
    }
    let (_, v) = env.get("/3/accounts").await;
    assert_eq!(meta(&v).0, 18, "the seeded BAS accounts");
    let (_, v) = env.get("/3/currencies").await;
    let codes: Vec<&str> = v["Currencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DKK", "EUR", "NOK", "SEK", "USD"]);
}

#[tokio::test]
async fn search_is_a_case_insensitive_substring_match() {
    let env = setup().await;
    env.sim
        .seed(
            "customers",
            env.tenant,
            vec![
                json!({"Name": "Exakt", "Email": "a@b.se"}),
                json!({"Name": "Prefix", "Email": "xa@b.se"}),
                json!({"Name": "Versaler", "Email": "A@B.SE"}),
                json!({"Name": "Annan", "Email": "c@d.se"}),
            ],
        )
        .unwrap();
    let (_, v) = env.get("/3/customers?email=a@b.se").await;
    assert_eq!(names(&v), ["Exakt", "Prefix", "Versaler"]);
    let (_, v) = env.get("/3/customers?name=AN").await;
    assert_eq!(names(&v), ["Annan"]);
}

#[tokio::test]
async fn unknown_parameters_are_ignored() {
    let env = setup().await;
    let (status, _) = env.get("/3/customers?foo=bar&Name=x").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn lastmodified_is_stockholm_local_time() {
    let env = setup().await;
    // 10:00 UTC = 11:00 in Stockholm (winter time).
    env.sim.set_now(datetime!(2026-01-15 10:00 UTC));
    let old = env.customer("Gammal").await;
    let other = env.customer("Ändrad").await;
    env.sim.set_now(datetime!(2026-01-15 12:00 UTC));
    env.customer("Ny").await;
    let (status, _) = env
        .put(
            &format!("/3/customers/{other}"),
            json!({"Customer": {"City": "Malmö"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // 12:30 Stockholm = 11:30 UTC: after the first two, before the changes.
    let (_, v) = env
        .get("/3/customers?lastmodified=2026-01-15%2012:30")
        .await;
    assert_eq!(names(&v), ["Ändrad", "Ny"]);
    let (_, v) = env
        .get("/3/customers?lastmodified=2026-01-15%2013:00:01")
        .await;
    assert!(
        names(&v).is_empty(),
        "13:00:01 Stockholm is after every change"
    );
    let (_, v) = env.get("/3/customers?lastmodified=2026-01-15").await;
    assert_eq!(meta(&v).0, 3);
    let (status, v) = env.get("/3/customers?lastmodified=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2000588);
    let _ = old;
}

#[tokio::test]
async fn currencies_reject_lastmodified() {
    let env = setup().await;
    let (status, v) = env
        .get("/3/currencies?lastmodified=2026-01-01%2000:00")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2000588);
}

#[tokio::test]
async fn sort_and_filter() {
    let env = setup().await;
    env.sim
        .seed(
            "customers",
            env.tenant,
            vec![
                json!({"Name": "Berit"}),
                json!({"Name": "Adam", "Active": false}),
                json!({"Name": "Cesar"}),
            ],
        )
        .unwrap();
    let (_, v) = env.get("/3/customers?sortby=name").await;
    assert_eq!(names(&v), ["Adam", "Berit", "Cesar"]);
    let (_, v) = env
        .get("/3/customers?sortby=name&sortorder=descending")
        .await;
    assert_eq!(names(&v), ["Cesar", "Berit", "Adam"]);
    let (_, v) = env
        .get("/3/customers?sortby=customernumber&sortorder=descending")
        .await;
    assert_eq!(names(&v), ["Cesar", "Adam", "Berit"]);
    let (_, v) = env.get("/3/customers?filter=inactive").await;
    assert_eq!(names(&v), ["Adam"]);
    let (_, v) = env.get("/3/customers?filter=active&sortby=name").await;
    assert_eq!(names(&v), ["Berit", "Cesar"]);
    for q in ["sortby=email", "sortorder=up", "filter=unpaid"] {
        let (status, v) = env.get(&format!("/3/customers?{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(code(&v), 2000588);
    }
}

#[tokio::test]
async fn numbers_sort_numerically() {
    let env = setup().await;
    let records: Vec<Value> = (1..=12).map(|i| json!({"Name": format!("K{i}")})).collect();
    env.sim.seed("customers", env.tenant, records).unwrap();
    let (_, v) = env.get("/3/customers?limit=3&sortorder=descending").await;
    let nums: Vec<&str> = v["Customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CustomerNumber"].as_str().unwrap())
        .collect();
    assert_eq!(nums, ["12", "11", "10"]);
}

#[tokio::test]
async fn list_items_are_thinner_than_records() {
    let env = setup().await;
    env.sim
        .seed(
            "customers",
            env.tenant,
            vec![json!({"Name": "Kund", "Phone1": "08-123", "VATType": "SEVAT"})],
        )
        .unwrap();
    let (_, v) = env.get("/3/customers").await;
    let item = v["Customers"][0].as_object().unwrap();
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "@url",
            "Address1",
            "Address2",
            "City",
            "CustomerNumber",
            "Email",
            "Name",
            "OrganisationNumber",
            "Phone",
            "ZipCode"
        ]
    );
    assert_eq!(item["Phone"], "08-123");
    assert_eq!(item["@url"], format!("{}/3/customers/1", env.sim.base_url));
}

#[tokio::test]
async fn article_list_numbers_are_strings() {
    let env = setup().await;
    env.sim
        .seed(
            "articles",
            env.tenant,
            vec![json!({"ArticleNumber": "A1", "Description": "Mugg", "QuantityInStock": 7, "PurchasePrice": 12.5, "StockGoods": true})],
        )
        .unwrap();
    let (_, v) = env.get("/3/articles").await;
    let a = &v["Articles"][0];
    for key in [
        "QuantityInStock",
        "PurchasePrice",
        "DisposableQuantity",
        "ReservedQuantity",
        "StockValue",
        "VAT",
    ] {
        assert!(a[key].is_string(), "{key} should be a string: {a}");
    }
    assert_eq!(a["QuantityInStock"], "7.00");
    assert_eq!(a["StockValue"], "87.50");
    assert_eq!(a["VAT"], "25");
    // The full record uses JSON numbers.
    let (_, v) = env.get("/3/articles/A1").await;
    assert!(v["Article"]["QuantityInStock"].is_number());
}
