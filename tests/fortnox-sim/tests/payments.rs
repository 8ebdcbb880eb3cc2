//! Invoice payments: Balance, FinalPayDate, dates, delete/bookkeep, write-offs, filters.

mod common;

use common::{Env, code, d, dec, setup};
use fortnox_sim::Rounding;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

/// An invoice dated 2026-03-10 with Total 1250.00 (1000 net + 25 % VAT).
async fn invoice_env() -> Env {
    let env = setup().await;
    env.sim.set_now(datetime!(2026-03-10 10:00 UTC));
    env.customer("Kund AB").await;
    env.create(
        "/3/invoices",
        json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "Tjänst", "DeliveredQuantity": 4, "Price": 250}]}}),
    )
    .await;
    env
}

async fn invoice(env: &Env, n: u64) -> Value {
    let (status, v) = env.get(&format!("/3/invoices/{n}")).await;
    assert_eq!(status, StatusCode::OK);
    v["Invoice"].clone()
}

async fn pay(env: &Env, body: Value) -> (StatusCode, Value) {
    env.post("/3/invoicepayments", json!({"InvoicePayment": body}))
        .await
}

#[tokio::test]
async fn payments_reduce_balance_and_set_final_pay_date() {
    let env = invoice_env().await;
    assert_eq!(d(&invoice(&env, 1).await["Balance"]), dec("1250"));
    let (status, v) = pay(
        &env,
        json!({"InvoiceNumber": 1, "Amount": 1000, "PaymentDate": "2026-03-12"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let p = &v["InvoicePayment"];
    assert_eq!(p["Number"], "1");
    assert_eq!(p["InvoiceNumber"], 1);
    assert_eq!(p["Booked"], false);
    assert_eq!(p["InvoiceCustomerNumber"], "1");
    let inv = invoice(&env, 1).await;
    assert_eq!(d(&inv["Balance"]), dec("250"));
    assert!(inv["FinalPayDate"].is_null());
    let (_, list) = env.get("/3/invoices?filter=unpaid").await;
    assert_eq!(list["Invoices"].as_array().unwrap().len(), 1);

    // Default payment date: today.
    let (status, v) = pay(&env, json!({"InvoiceNumber": 1, "Amount": 250})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(v["InvoicePayment"]["PaymentDate"], "2026-03-10");
    let inv = invoice(&env, 1).await;
    assert_eq!(d(&inv["Balance"]), dec("0"));
    assert_eq!(inv["FinalPayDate"], "2026-03-12", "latest payment date");
    let (_, list) = env.get("/3/invoices?filter=fullypaid").await;
    assert_eq!(list["Invoices"][0]["DocumentNumber"], "1");
    assert_eq!(d(&list["Invoices"][0]["Balance"]), dec("0"));
}

#[tokio::test]
async fn payment_validation() {
    let env = invoice_env().await;
    let (status, v) = pay(
        &env,
        json!({"InvoiceNumber": 1, "Amount": 100, "PaymentDate": "2026-03-09"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "before the invoice date: {v}"
    );
    let (status, _) = pay(&env, json!({"InvoiceNumber": 42, "Amount": 100})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown invoice");
    let (status, _) = pay(&env, json!({"Amount": 100})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "InvoiceNumber is required");
    let (status, _) = pay(&env, json!({"InvoiceNumber": 1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "Amount is required");
    let (status, v) = pay(
        &env,
        json!({"InvoiceNumber": 1, "Amount": 1, "ModeOfPaymentAccount": 1999}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2001304);
    assert_eq!(d(&invoice(&env, 1).await["Balance"]), dec("1250"));
}

#[tokio::test]
async fn deleting_an_unbooked_payment_restores_the_balance() {
    let env = invoice_env().await;
    pay(&env, json!({"InvoiceNumber": 1, "Amount": 1250})).await;
    assert_eq!(invoice(&env, 1).await["FinalPayDate"], "2026-03-10");
    let (status, _) = env.delete("/3/invoicepayments/1").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let inv = invoice(&env, 1).await;
    assert_eq!(d(&inv["Balance"]), dec("1250"));
    assert!(inv["FinalPayDate"].is_null());

    pay(&env, json!({"InvoiceNumber": 1, "Amount": 1250})).await;
    let (status, v) = env.put_empty("/3/invoicepayments/2/bookkeep").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["InvoicePayment"]["Booked"], true);
    assert!(v["InvoicePayment"]["VoucherNumber"].as_u64().is_some());
    assert_eq!(
        env.delete("/3/invoicepayments/2").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        env.put(
            "/3/invoicepayments/2",
            json!({"InvoicePayment": {"Amount": 1}})
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        env.put_empty("/3/invoicepayments/2/bookkeep").await.0,
        StatusCode::BAD_REQUEST
    );
    // A paid invoice cannot be cancelled.
    assert_eq!(
        env.put_empty("/3/invoices/1/cancel").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn updating_an_unbooked_payment() {
    let env = invoice_env().await;
    pay(&env, json!({"InvoiceNumber": 1, "Amount": 1000})).await;
    let (status, v) = env
        .put(
            "/3/invoicepayments/1",
            json!({"InvoicePayment": {"Amount": 1250}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(d(&invoice(&env, 1).await["Balance"]), dec("0"));
}

#[tokio::test]
async fn write_off_settles_the_rounding_difference() {
    let env = setup().await;
    env.sim.set_rounding(env.tenant, Rounding::WholeKrona);
    env.customer("Kund AB").await;
    // 99.60 + 25 % = 124.50 → Total 125.00 with RoundOff 0.50.
    let v = env
        .create(
            "/3/invoices",
            json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "Vara", "DeliveredQuantity": 1, "Price": 99.60}]}}),
        )
        .await;
    assert_eq!(d(&v["Invoice"]["RoundOff"]), dec("0.50"));
    assert_eq!(d(&v["Invoice"]["Total"]), dec("125"));
    // The shop collected 124.50; the öre difference is written off to 3740.
    let (status, v) = pay(
        &env,
        json!({"InvoiceNumber": 1, "Amount": 124.50, "WriteOffs": [{"AccountNumber": 3740, "Amount": 0.50, "Description": "Öresavrundning"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(d(&invoice(&env, 1).await["Balance"]), dec("0"));
    let (_, list) = env.get("/3/invoicepayments").await;
    assert_eq!(list["InvoicePayments"][0]["WriteOffExist"], true);
    let (status, v) =
        pay(&env, json!({"InvoiceNumber": 1, "Amount": 1, "WriteOffs": [{"AccountNumber": 1234, "Amount": 1}]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&v), 2001304);
}

#[tokio::test]
async fn payment_filters_and_invoice_polling() {
    let env = invoice_env().await;
    env.create(
        "/3/invoices",
        json!({"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Description": "Tjänst", "DeliveredQuantity": 1, "Price": 100}]}}),
    )
    .await;
    for n in [1, 2, 1] {
        pay(&env, json!({"InvoiceNumber": n, "Amount": 10})).await;
    }
    let (_, list) = env.get("/3/invoicepayments?invoicenumber=1").await;
    let numbers: Vec<&str> = list["InvoicePayments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["1", "3"]);
    assert_eq!(list["MetaInformation"]["@TotalResources"], 2);

    // A later payment makes the invoice show up in a lastmodified poll.
    env.sim.set_now(datetime!(2026-03-11 10:00 UTC));
    pay(&env, json!({"InvoiceNumber": 2, "Amount": 5})).await;
    let (_, polled) = env.get("/3/invoices?lastmodified=2026-03-11%2000:00").await;
    let docs: Vec<&str> = polled["Invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["DocumentNumber"].as_str().unwrap())
        .collect();
    assert_eq!(docs, ["2"]);
    let (_, polled) = env
        .get("/3/invoicepayments?lastmodified=2026-03-11%2000:00")
        .await;
    assert_eq!(polled["InvoicePayments"].as_array().unwrap().len(), 1);
    let (_, sorted) = env
        .get("/3/invoicepayments?sortby=paymentdate&sortorder=descending")
        .await;
    assert_eq!(sorted["InvoicePayments"][0]["Number"], "4");
}
