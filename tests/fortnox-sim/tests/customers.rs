//! Customers, articles and prices: numbering, validation (charset, countries, unknown fields,
//! body errors), partial update, price lists.

mod common;

use common::{code, d, dec, message, setup};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn customer_numbers_are_never_reused() {
    let env = setup().await;
    assert_eq!(env.customer("Ett AB").await, "1");
    assert_eq!(env.customer("Två AB").await, "2");
    let (status, body) = env.delete("/3/customers/2").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(body.is_null());
    assert_eq!(env.get("/3/customers/2").await.0, StatusCode::NOT_FOUND);
    for n in ["2", "1"] {
        let (status, v) = env
            .post(
                "/3/customers",
                json!({"Customer": {"Name": "Igen", "CustomerNumber": n}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{n}");
        assert_eq!(code(&v), 2000637);
    }
    assert_eq!(
        env.customer("Tre AB").await,
        "3",
        "deleted numbers are skipped"
    );
    let v = env
        .create(
            "/3/customers",
            json!({"Customer": {"Name": "Egen", "CustomerNumber": "K-100"}}),
        )
        .await;
    assert_eq!(v["Customer"]["CustomerNumber"], "K-100");
}

#[tokio::test]
async fn country_code_not_country() {
    let env = setup().await;
    let (status, v) = env
        .post(
            "/3/customers",
            json!({"Customer": {"Name": "A", "Country": "Sverige"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(message(&v), "Ogiltig landskod: SVERIGE");
    let (status, _) = env
        .post(
            "/3/customers",
            json!({"Customer": {"Name": "A", "CountryCode": "XX"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v = env
        .create(
            "/3/customers",
            json!({"Customer": {"Name": "A", "CountryCode": "se"}}),
        )
        .await;
    assert_eq!(v["Customer"]["CountryCode"], "SE");
    assert_eq!(v["Customer"]["Country"], "Sverige");
    let v = env
        .create(
            "/3/customers",
            json!({"Customer": {"Name": "B", "CountryCode": "GB"}}),
        )
        .await;
    assert_eq!(v["Customer"]["Country"], "United Kingdom");
}

#[tokio::test]
async fn characters_outside_the_whitelist_are_rejected() {
    let env = setup().await;
    let (status, v) = env
        .post(
            "/3/customers",
            json!({"Customer": {"Name": "Glad kund 😀"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2000359);
    let v = env
        .create(
            "/3/customers",
            json!({"Customer": {"Name": "Åsa Öberg & Söner, Crème € 5 £", "Address1": "Gatan 1\nLgh 2"}}),
        )
        .await;
    assert_eq!(v["Customer"]["Name"], "Åsa Öberg & Söner, Crème € 5 £");
}

#[tokio::test]
async fn body_errors() {
    let env = setup().await;
    let (status, v) = env
        .post(
            "/3/customers",
            json!({"Customer": {"Name": "A", "Nickname": "x"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2001399);
    // Known read-only fields are ignored.
    let v = env
        .create(
            "/3/customers",
            json!({"Customer": {"Name": "A", "@url": "x", "VisitingCountry": "y"}}),
        )
        .await;
    assert_eq!(v["Customer"]["VisitingCountry"], serde_json::Value::Null);

    let raw = |body: &'static str| {
        env.http
            .post(env.url("/3/customers"))
            .bearer_auth(&env.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let resp = raw("{\"Customer\": {\"Name\": ").await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(code(&resp.json().await.unwrap()), 2002115);
    let resp = raw("").await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(code(&resp.json().await.unwrap()), 2001392);
    let (status, v) = env
        .post("/3/customers", json!({"Customer": {"Email": "a@b.se"}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "Name is required: {v}");
    let (status, _) = env
        .post(
            "/3/customers",
            json!({"Customer": {"Name": "A", "Type": "PERSON"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn update_is_partial() {
    let env = setup().await;
    let n = env.customer("Kund AB").await;
    let (status, v) = env
        .put(
            &format!("/3/customers/{n}"),
            json!({"Customer": {"Email": "ny@kund.se", "Type": "PRIVATE"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let c = &v["Customer"];
    assert_eq!(c["Name"], "Kund AB");
    assert_eq!(c["Email"], "ny@kund.se");
    assert_eq!(c["Type"], "PRIVATE");
    assert_eq!(c["CountryCode"], "SE");
    let (status, v) = env.get("/3/customers/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&v), 2000204);
    let full = &env.sim.customers(env.tenant)[0];
    assert_eq!(full["Email"], "ny@kund.se");
    assert_eq!(
        full["@url"],
        format!("{}/3/customers/{n}", env.sim.base_url)
    );
}

#[tokio::test]
async fn article_numbers() {
    let env = setup().await;
    for bad in ["A B", "A.B", "Å1"] {
        let (status, v) = env
            .post(
                "/3/articles",
                json!({"Article": {"ArticleNumber": bad, "Description": "x"}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(code(&v), 2000359, "{bad}");
    }
    let long = "X".repeat(51);
    let (status, _) = env
        .post(
            "/3/articles",
            json!({"Article": {"ArticleNumber": long, "Description": "x"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    env.article("SKU_1-2/3\\4+5$", "Tillåtna tecken").await;
    let (status, v) = env
        .put(
            "/3/articles/SKU_1-2%2F3%5C4+5$",
            json!({"Article": {"ArticleNumber": "NYTT"}}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "article numbers are immutable: {v}"
    );
    let (status, _) = env
        .post("/3/articles", json!({"Article": {"ArticleNumber": "A1"}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "Description is required");
    let v = env
        .create("/3/articles", json!({"Article": {"Description": "Auto"}}))
        .await;
    assert_eq!(v["Article"]["ArticleNumber"], "1");
    let (status, v) = env.get("/3/articles/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&v), 2000428);
    assert_eq!(env.delete("/3/articles/1").await.0, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn sales_price_comes_from_the_preselected_price_list() {
    let env = setup().await;
    let v = env
        .create(
            "/3/articles",
            json!({"Article": {"ArticleNumber": "MUGG", "Description": "Mugg", "SalesPrice": 999}}),
        )
        .await;
    assert!(
        v["Article"]["SalesPrice"].is_null(),
        "SalesPrice is read-only"
    );
    let (_, lists) = env.get("/3/pricelists").await;
    assert_eq!(lists["PriceLists"][0]["Code"], "A");
    assert_eq!(lists["PriceLists"][0]["PreSelected"], true);

    let v = env
        .create(
            "/3/prices",
            json!({"Price": {"ArticleNumber": "MUGG", "PriceList": "A", "Price": 79}}),
        )
        .await;
    assert_eq!(d(&v["Price"]["Price"]), dec("79"));
    assert_eq!(
        v["Price"]["@url"],
        format!("{}/3/prices/A/MUGG/0", env.sim.base_url)
    );
    let (_, v) = env.get("/3/articles/MUGG").await;
    assert_eq!(d(&v["Article"]["SalesPrice"]), dec("79"));

    let (status, v) = env
        .put("/3/prices/A/MUGG", json!({"Price": {"Price": 89.5}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, v) = env.get("/3/articles/MUGG").await;
    assert_eq!(d(&v["Article"]["SalesPrice"]), dec("89.5"));

    // Quantity tiers.
    env.create("/3/prices", json!({"Price": {"ArticleNumber": "MUGG", "PriceList": "A", "FromQuantity": 10, "Price": 70}}))
        .await;
    let (_, v) = env.get("/3/prices/A/MUGG/10").await;
    assert_eq!(d(&v["Price"]["Price"]), dec("70"));
    let (_, v) = env.get("/3/prices/sublist/A/MUGG").await;
    assert_eq!(v["Prices"].as_array().unwrap().len(), 2);
    assert_eq!(
        env.delete("/3/prices/A/MUGG/10").await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        env.get("/3/prices/A/MUGG/10").await.0,
        StatusCode::NOT_FOUND
    );

    // A second list that becomes the default.
    env.create(
        "/3/pricelists",
        json!({"PriceList": {"Code": "B", "Description": "Butik"}}),
    )
    .await;
    env.create(
        "/3/prices",
        json!({"Price": {"ArticleNumber": "MUGG", "PriceList": "B", "Price": 100}}),
    )
    .await;
    let (status, _) = env
        .put(
            "/3/pricelists/B",
            json!({"PriceList": {"PreSelected": true}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, v) = env.get("/3/articles/MUGG").await;
    assert_eq!(d(&v["Article"]["SalesPrice"]), dec("100"));
    let (_, v) = env.get("/3/pricelists/A").await;
    assert_eq!(v["PriceList"]["PreSelected"], false);

    let (status, v) = env
        .post(
            "/3/prices",
            json!({"Price": {"ArticleNumber": "NOPE", "PriceList": "A", "Price": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2001302);
}

#[tokio::test]
async fn company_information_and_reference_data() {
    let env = setup().await;
    let (_, v) = env.get("/3/companyinformation").await;
    let c = &v["CompanyInformation"];
    assert_eq!(c["CompanyName"], "Testbolaget AB");
    assert_eq!(c["DatabaseNumber"].as_u64(), Some(env.tenant));
    assert_eq!(c["CountryCode"], "SE");
    let (_, v) = env.get("/3/settings/company").await;
    assert_eq!(
        v["CompanySettings"]["DatabaseNumber"],
        env.tenant.to_string()
    );
    let (_, v) = env.get("/3/accounts/3740").await;
    assert_eq!(v["Account"]["Number"], 3740);
    let (status, v) = env.get("/3/accounts/9999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&v), 2000423);
    let (_, v) = env.get("/3/currencies/EUR").await;
    assert_eq!(v["Currency"]["Code"], "EUR");
    let year = env.sim.now().year();
    let (_, v) = env
        .get(&format!("/3/financialyears?date={year}-06-01"))
        .await;
    assert_eq!(v["FinancialYears"][0]["FromDate"], format!("{year}-01-01"));
    let (_, v) = env.get("/3/financialyears?date=1999-06-01").await;
    assert!(v["FinancialYears"].as_array().unwrap().is_empty());
}
