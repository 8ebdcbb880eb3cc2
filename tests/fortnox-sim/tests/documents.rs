//! Orders and invoices: totals in both VAT modes, rounding, defaults, validation, bookkeeping,
//! cancel, credit, createinvoice, row updates, sent flags and stock effects.

mod common;

use common::{Env, code, d, dec, message, setup};
use fortnox_sim::Rounding;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

async fn with_catalogue() -> Env {
    let env = setup().await;
    env.customer("Kund AB").await;
    env.article("A", "Artikel A").await;
    env.article("B", "Artikel B").await;
    env.article("C", "Artikel C").await;
    env
}

fn net_mode_invoice() -> Value {
    json!({"Invoice": {
        "CustomerNumber": "1",
        "Freight": 49,
        "InvoiceRows": [
            {"ArticleNumber": "A", "DeliveredQuantity": 2, "Price": 99.90, "Discount": 10, "DiscountType": "PERCENT", "VAT": 25},
            {"ArticleNumber": "B", "DeliveredQuantity": 3, "Price": 33.33, "Discount": 5, "DiscountType": "AMOUNT", "VAT": 12},
            {"ArticleNumber": "C", "DeliveredQuantity": 1, "Price": 10.01, "VAT": 6}
        ]
    }})
}

fn money(v: &Value, key: &str) -> rust_decimal::Decimal {
    d(&v[key])
}

#[tokio::test]
async fn totals_net_mode_with_discounts_freight_and_whole_krona_rounding() {
    let env = with_catalogue().await;
    env.sim.set_rounding(env.tenant, Rounding::WholeKrona);
    let v = env.create("/3/invoices", net_mode_invoice()).await;
    let inv = &v["Invoice"];
    let rows = inv["InvoiceRows"].as_array().unwrap();
    // 2 × 99.90 = 199.80, −10 % = 179.82; 3 × 33.33 = 99.99 − 5.00 = 94.99; 10.01.
    assert_eq!(money(&rows[0], "Total"), dec("179.82"));
    assert_eq!(money(&rows[1], "Total"), dec("94.99"));
    assert_eq!(money(&rows[2], "Total"), dec("10.01"));
    // Net = 179.82 + 94.99 + 10.01 + freight 49 = 333.82.
    assert_eq!(money(inv, "Net"), dec("333.82"));
    // VAT: 25 % of (179.82 + 49) = 57.205 → 57.21; 12 % of 94.99 = 11.3988 → 11.40;
    // 6 % of 10.01 = 0.6006 → 0.60; total 69.21.
    assert_eq!(money(inv, "TotalVAT"), dec("69.21"));
    assert_eq!(money(inv, "FreightVAT"), dec("12.25"));
    // 333.82 + 69.21 = 403.03 → 403, RoundOff −0.03.
    assert_eq!(money(inv, "RoundOff"), dec("-0.03"));
    assert_eq!(money(inv, "Total"), dec("403"));
    assert_eq!(money(inv, "TotalToPay"), dec("403"));
    assert_eq!(money(inv, "Balance"), dec("403"));
    assert_eq!(
        rows[0]["DeliveredQuantity"], "2.00",
        "row quantities are strings"
    );
}

#[tokio::test]
async fn totals_without_rounding() {
    let env = with_catalogue().await;
    let v = env.create("/3/invoices", net_mode_invoice()).await;
    assert_eq!(money(&v["Invoice"], "RoundOff"), dec("0"));
    assert_eq!(money(&v["Invoice"], "Total"), dec("403.03"));
}

#[tokio::test]
async fn totals_vat_included_mode() {
    let env = with_catalogue().await;
    env.sim.set_rounding(env.tenant, Rounding::WholeKrona);
    let v = env
        .create(
            "/3/invoices",
            json!({"Invoice": {
                "CustomerNumber": "1",
                "VATIncluded": true,
                "Freight": 59,
                "AdministrationFee": 25,
                "InvoiceRows": [
                    {"ArticleNumber": "A", "DeliveredQuantity": 1, "Price": 125, "VAT": 25},
                    {"ArticleNumber": "B", "DeliveredQuantity": 2, "Price": 56, "Discount": 10, "VAT": 12}
                ]
            }}),
        )
        .await;
    let inv = &v["Invoice"];
    let rows = inv["InvoiceRows"].as_array().unwrap();
    assert_eq!(money(&rows[1], "Total"), dec("100.80"));
    assert_eq!(money(&rows[0], "TotalExcludingVAT"), dec("100"));
    assert_eq!(money(&rows[1], "TotalExcludingVAT"), dec("90"));
    assert_eq!(money(&rows[1], "PriceExcludingVAT"), dec("50"));
    // 25 % group gross 125 + 59 + 25 = 209 → VAT 209 × 25/125 = 41.80; 12 %: 100.80 × 12/112 = 10.80.
    assert_eq!(money(inv, "TotalVAT"), dec("52.60"));
    assert_eq!(money(inv, "Gross"), dec("309.80"));
    assert_eq!(money(inv, "Net"), dec("257.20"));
    assert_eq!(money(inv, "FreightVAT"), dec("11.80"));
    assert_eq!(money(inv, "AdministrationFeeVAT"), dec("5"));
    assert_eq!(money(inv, "RoundOff"), dec("0.20"));
    assert_eq!(money(inv, "Total"), dec("310"));
}

#[tokio::test]
async fn invoice_defaults() {
    let env = with_catalogue().await;
    env.sim.set_now(datetime!(2026-03-10 10:00 UTC));
    let v = env
        .create(
            "/3/invoices",
            json!({"Invoice": {
                "CustomerNumber": "1",
                "ExternalInvoiceReference1": "shop-order-1001",
                "YourOrderNumber": "1001",
                "InvoiceRows": [{"ArticleNumber": "A", "DeliveredQuantity": 1, "Price": 100}]
            }}),
        )
        .await;
    let inv = &v["Invoice"];
    assert_eq!(inv["InvoiceDate"], "2026-03-10");
    assert_eq!(inv["DueDate"], "2026-04-09");
    assert_eq!(inv["Currency"], "SEK");
    assert_eq!(inv["Country"], "Sverige");
    assert_eq!(inv["CustomerName"], "Kund AB");
    assert_eq!(inv["DocumentNumber"], "1");
    assert!(
        inv["OCR"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit())
    );
    assert_eq!(inv["Booked"], false);
    assert_eq!(inv["Sent"], false);
    assert_eq!(inv["Cancelled"], false);
    assert_eq!(inv["Credit"], "false");
    assert_eq!(inv["CreditInvoiceReference"], "0");
    assert!(inv["FinalPayDate"].is_null());
    let row = &inv["InvoiceRows"][0];
    assert_eq!(row["Description"], "Artikel A");
    assert_eq!(row["VAT"], 25);
    assert_eq!(row["AccountNumber"], 3001);
    assert_eq!(money(inv, "Total"), dec("125"));
    assert_eq!(inv["@url"], format!("{}/3/invoices/1", env.sim.base_url));
    // Idempotency lookup by external reference (substring match).
    let (_, list) = env
        .get("/3/invoices?externalinvoicereference1=order-100")
        .await;
    assert_eq!(list["Invoices"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["Invoices"][0]["ExternalInvoiceReference1"],
        "shop-order-1001"
    );
    let (status, _) = env
        .post(
            "/3/invoices",
            json!({"Invoice": {"CustomerNumber": "1", "ExternalInvoiceReference1": "x".repeat(81)}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(env.sim.invoices(env.tenant).len(), 1);
}

#[tokio::test]
async fn unknown_references_are_rejected() {
    let env = with_catalogue().await;
    let (status, v) = env
        .post("/3/invoices", json!({"Invoice": {"CustomerNumber": "99"}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2000433);
    assert!(message(&v).starts_with("Kunde inte hitta kund"));
    let (status, v) = env
        .post("/3/orders", json!({"Order": {"CustomerNumber": "1", "OrderRows": [{"ArticleNumber": "NOPE", "OrderedQuantity": 1}]}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2001302);
    let (status, v) = env
        .post(
            "/3/invoices",
            json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "x", "DeliveredQuantity": 1, "Price": 1, "AccountNumber": 3999}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2001304);
    let (status, v) = env
        .post(
            "/3/invoices",
            json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"ArticleNumber": "A", "DeliveredQuantity": 1, "VAT": 13}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2003115);
    let (status, _) = env
        .post("/3/invoices", json!({"Invoice": {"InvoiceRows": []}}))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "CustomerNumber is required"
    );
    let (status, v) = env
        .post("/3/invoices", json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"DeliveredQuantity": 1, "Price": 5}]}}))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "quantity without text or article: {v}"
    );
    assert!(env.sim.invoices(env.tenant).is_empty());
}

#[tokio::test]
async fn document_country_must_be_a_name() {
    let env = with_catalogue().await;
    for bad in ["Sweden", "SE"] {
        let (status, v) = env
            .post(
                "/3/invoices",
                json!({"Invoice": {"CustomerNumber": "1", "Country": bad}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(message(&v), format!("Ogiltigt land: {bad}"));
        assert_eq!(code(&v), 2000586);
    }
    let (status, _) = env
        .post(
            "/3/orders",
            json!({"Order": {"CustomerNumber": "1", "DeliveryCountry": "Sweden"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for good in ["Sverige", "United Kingdom", "Czech Republic", "Norway"] {
        let v = env
            .create("/3/invoices", json!({"Invoice": {"CustomerNumber": "1", "Country": good, "DeliveryCountry": good}}))
            .await;
        assert_eq!(v["Invoice"]["Country"], good);
    }
}

#[tokio::test]
async fn booked_invoices_are_immutable() {
    let env = with_catalogue().await;
    env.create("/3/invoices", net_mode_invoice()).await;
    let (status, v) = env.put_empty("/3/invoices/1/bookkeep").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let inv = &v["Invoice"];
    assert_eq!(inv["Booked"], true);
    assert!(inv["VoucherNumber"].as_u64().is_some());
    assert_eq!(inv["VoucherSeries"], "B");
    assert_eq!(inv["VoucherYear"], 1);
    let (status, v) = env
        .put("/3/invoices/1", json!({"Invoice": {"Remarks": "ändrad"}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&v).contains("bokförd"));
    assert_eq!(
        env.put_empty("/3/invoices/1/cancel").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        env.put_empty("/3/invoices/1/bookkeep").await.0,
        StatusCode::BAD_REQUEST
    );
    let (_, list) = env.get("/3/invoices?filter=unbooked").await;
    assert!(list["Invoices"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn cancel_an_unbooked_invoice() {
    let env = with_catalogue().await;
    env.create("/3/invoices", net_mode_invoice()).await;
    env.create("/3/invoices", net_mode_invoice()).await;
    let (status, v) = env.put_empty("/3/invoices/2/cancel").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["Invoice"]["Cancelled"], true);
    assert_eq!(
        env.put("/3/invoices/2", json!({"Invoice": {"Remarks": "x"}}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (_, list) = env.get("/3/invoices?filter=cancelled").await;
    assert_eq!(list["Invoices"].as_array().unwrap().len(), 1);
    assert_eq!(list["Invoices"][0]["DocumentNumber"], "2");
    let (_, list) = env.get("/3/invoices?filter=unpaid").await;
    assert_eq!(list["Invoices"][0]["DocumentNumber"], "1");
}

#[tokio::test]
async fn one_credit_invoice_per_invoice() {
    let env = with_catalogue().await;
    env.create("/3/invoices", net_mode_invoice()).await;
    env.put_empty("/3/invoices/1/bookkeep").await;
    let (status, v) = env.put_empty("/3/invoices/1/credit").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["Invoice"]["DocumentNumber"], "1");
    assert_eq!(v["Invoice"]["CreditInvoiceReference"], "2");
    let (_, credit) = env.get("/3/invoices/2").await;
    let c = &credit["Invoice"];
    assert_eq!(c["Credit"], "true");
    assert_eq!(c["CreditInvoiceReference"], "1");
    assert_eq!(money(c, "Total"), dec("-403.03"));
    assert_eq!(money(c, "Freight"), dec("-49"));
    assert_eq!(c["InvoiceRows"][0]["DeliveredQuantity"], "-2.00");
    assert_eq!(money(&c["InvoiceRows"][1], "Total"), dec("-94.99"));
    let (status, v) = env.put_empty("/3/invoices/1/credit").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "second credit: {v}");
    assert_eq!(
        env.put_empty("/3/invoices/2/credit").await.0,
        StatusCode::BAD_REQUEST,
        "credit of a credit note"
    );
    let (_, list) = env.get("/3/invoices?credit=true").await;
    assert_eq!(list["Invoices"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn order_createinvoice_bills_delivered_quantities() {
    let env = with_catalogue().await;
    let v = env
        .create(
            "/3/orders",
            json!({"Order": {
                "CustomerNumber": "1",
                "YourOrderNumber": "WEB-7",
                "Freight": 29,
                "OrderRows": [
                    {"ArticleNumber": "A", "OrderedQuantity": 3, "DeliveredQuantity": 2, "Price": 100},
                    {"ArticleNumber": "B", "OrderedQuantity": 1, "Price": 50, "VAT": 12},
                    {"AccountNumber": "API_BLANK", "Description": "Tack för din beställning!"}
                ]
            }}),
        )
        .await;
    let order = &v["Order"];
    assert_eq!(order["InvoiceReference"], "0");
    assert_eq!(
        order["OrderRows"][1]["DeliveredQuantity"], "1.00",
        "delivered defaults to ordered"
    );
    assert!(order["OrderRows"][2]["AccountNumber"].is_null());
    // Order totals use the ordered quantities: 300 + 50 + 29 = 379 net.
    assert_eq!(money(order, "Net"), dec("379"));

    let (status, v) = env.put_empty("/3/orders/1/createinvoice").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let inv = &v["Invoice"];
    assert_eq!(inv["OrderReference"], "1");
    assert_eq!(inv["YourOrderNumber"], "WEB-7");
    assert_eq!(inv["InvoiceRows"][0]["DeliveredQuantity"], "2.00");
    assert_eq!(inv["InvoiceRows"][1]["DeliveredQuantity"], "1.00");
    assert_eq!(inv["InvoiceRows"][1]["VAT"], 12);
    assert!(inv["InvoiceRows"][2]["AccountNumber"].is_null());
    // 200 + 50 + 29 = 279 net; VAT 25 % of 229 = 57.25, 12 % of 50 = 6 → 342.25.
    assert_eq!(money(inv, "Total"), dec("342.25"));
    let invoice_no = inv["DocumentNumber"].as_str().unwrap().to_string();

    let (_, v) = env.get("/3/orders/1").await;
    assert_eq!(v["Order"]["InvoiceReference"], invoice_no);
    assert_eq!(
        env.put_empty("/3/orders/1/createinvoice").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        env.put("/3/orders/1", json!({"Order": {"Remarks": "x"}}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        env.put_empty("/3/orders/1/cancel").await.0,
        StatusCode::BAD_REQUEST
    );
    let (_, list) = env.get("/3/orders?filter=invoicecreated").await;
    assert_eq!(list["Orders"].as_array().unwrap().len(), 1);
    let (_, list) = env.get("/3/orders?filter=invoicenotcreated").await;
    assert!(list["Orders"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn cancel_an_order() {
    let env = with_catalogue().await;
    env.create(
        "/3/orders",
        json!({"Order": {"CustomerNumber": "1", "OrderRows": []}}),
    )
    .await;
    let (status, v) = env.put_empty("/3/orders/1/cancel").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["Order"]["Cancelled"], true);
    assert_eq!(
        env.put_empty("/3/orders/1/createinvoice").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn row_updates_regenerate_row_ids() {
    let env = with_catalogue().await;
    let v = env
        .create(
            "/3/invoices",
            json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [
                {"ArticleNumber": "A", "DeliveredQuantity": 1, "Price": 10},
                {"ArticleNumber": "B", "DeliveredQuantity": 1, "Price": 20, "VAT": 12}
            ]}}),
        )
        .await;
    let ids: Vec<u64> = v["Invoice"]["InvoiceRows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RowId"].as_u64().unwrap())
        .collect();
    // Keep the second row by RowId, drop the first, add a new one.
    let (status, v) = env
        .put(
            "/3/invoices/1",
            json!({"Invoice": {"InvoiceRows": [
                {"RowId": ids[1]},
                {"ArticleNumber": "C", "DeliveredQuantity": 2, "Price": 5}
            ]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let rows = v["Invoice"]["InvoiceRows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["ArticleNumber"], "B");
    assert_eq!(rows[0]["VAT"], 12);
    assert_eq!(rows[1]["ArticleNumber"], "C");
    assert!(
        rows.iter()
            .all(|r| !ids.contains(&r["RowId"].as_u64().unwrap())),
        "new RowIds"
    );
    // 20 @12 % + 10 @25 % → 22.40 + 12.50.
    assert_eq!(money(&v["Invoice"], "Total"), dec("34.90"));
    // Header-only update keeps rows but still renumbers them.
    let before: Vec<u64> = rows.iter().map(|r| r["RowId"].as_u64().unwrap()).collect();
    let (_, v) = env
        .put(
            "/3/invoices/1",
            json!({"Invoice": {"OurReference": "Anna"}}),
        )
        .await;
    let after: Vec<u64> = v["Invoice"]["InvoiceRows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RowId"].as_u64().unwrap())
        .collect();
    assert_eq!(after.len(), 2);
    assert_ne!(before, after);
    assert_eq!(v["Invoice"]["OurReference"], "Anna");
    let (status, _) = env
        .put(
            "/3/invoices/1",
            json!({"Invoice": {"InvoiceRows": [{"RowId": 999999}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn externalprint_and_email_set_sent() {
    let env = with_catalogue().await;
    env.create("/3/invoices", net_mode_invoice()).await;
    env.create("/3/invoices", net_mode_invoice()).await;
    let (status, v) = env.put_empty("/3/invoices/1/externalprint").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["Invoice"]["Sent"], true);
    let (status, v) = env.get("/3/invoices/2/email").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["Invoice"]["Sent"], true);
    assert_eq!(
        env.put_empty("/3/invoices/1/unknownaction").await.0,
        StatusCode::NOT_FOUND
    );
    let (status, v) = env.get("/3/invoices/77").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v["ErrorInformation"]["error"], 1);
}

#[tokio::test]
async fn invoices_move_stock_of_stock_goods() {
    let env = setup().await;
    env.customer("Kund AB").await;
    env.create(
        "/3/articles",
        json!({"Article": {"ArticleNumber": "LAGER", "Description": "Lagervara", "StockGoods": true, "QuantityInStock": 10}}),
    )
    .await;
    env.create(
        "/3/orders",
        json!({"Order": {"CustomerNumber": "1", "OrderRows": [{"ArticleNumber": "LAGER", "OrderedQuantity": 2, "Price": 1}]}}),
    )
    .await;
    let (_, a) = env.get("/3/articles/LAGER").await;
    assert_eq!(d(&a["Article"]["ReservedQuantity"]), dec("2"));
    assert_eq!(d(&a["Article"]["DisposableQuantity"]), dec("8"));
    env.put_empty("/3/orders/1/createinvoice").await;
    let (_, a) = env.get("/3/articles/LAGER").await;
    assert_eq!(d(&a["Article"]["QuantityInStock"]), dec("8"));
    assert_eq!(d(&a["Article"]["ReservedQuantity"]), dec("0"));
    let (_, stock) = env
        .get("/api/warehouse/status-v1/stockbalance?itemIds=LAGER")
        .await;
    assert_eq!(
        stock,
        json!([{"itemId": "LAGER", "stockPointCode": "MAIN", "availableStock": 8, "inStock": 8}])
    );
    env.put_empty("/3/invoices/1/cancel").await;
    let (_, a) = env.get("/3/articles/LAGER").await;
    assert_eq!(d(&a["Article"]["QuantityInStock"]), dec("10"));
}
