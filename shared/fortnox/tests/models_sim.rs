//! The typed API against the Fortnox simulator in-process: paging, exact-match searches, a round
//! trip per resource, the invoice life cycle and the read-back through the models.

use std::sync::Arc;
use std::time::Duration;

use fortnox_sim::{Fault, SimConfig, SimHandle};
use fortsync_fortnox::api::{ListQuery, PAGE_LIMIT};
use fortsync_fortnox::models::*;
use fortsync_fortnox::{FortnoxClient, FortnoxError, RetryPolicy, Throttle};
use futures::TryStreamExt;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use time::macros::datetime;

const SCOPES: &[&str] = &[
    "customer",
    "article",
    "order",
    "invoice",
    "payment",
    "price",
    "companyinformation",
    "settings",
    "bookkeeping",
    "currency",
    "warehouse",
];

struct Env {
    sim: SimHandle,
    tenant: u64,
    client: FortnoxClient,
}

async fn env() -> Env {
    let sim = fortnox_sim::spawn(SimConfig {
        rate_limit_requests: 100_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let tenant = sim.add_tenant("Modellbolaget AB");
    let token = sim.issue_token("demo-client", tenant, SCOPES);
    let client = FortnoxClient::new(
        FortnoxClient::http_client(Duration::from_secs(5)).unwrap(),
        &sim.base_url,
        token.access_token,
        "t".into(),
        Arc::new(Throttle::new(10_000, Duration::from_secs(5))),
        RetryPolicy::default(),
    );
    Env {
        sim,
        tenant,
        client,
    }
}

impl Env {
    fn seed(&self, kind: &str, records: Vec<Value>) -> Vec<Value> {
        self.sim.seed(kind, self.tenant, records).unwrap()
    }

    /// A customer in Sweden; returns its number.
    fn customer(&self, name: &str, email: &str) -> String {
        let created = self.seed(
            "customers",
            vec![json!({"Name": name, "Email": email, "CountryCode": "SE",
                "Address1": "Storgatan 1", "ZipCode": "111 22", "City": "Stockholm"})],
        );
        created[0].as_str().unwrap().to_owned()
    }
}

fn row(description: &str, qty: Decimal, price: Decimal) -> InvoiceRowWrite {
    InvoiceRowWrite {
        description: Some(description.into()),
        delivered_quantity: Some(qty),
        price: Some(price),
        vat: Some(dec!(25)),
        account_number: Some(RowAccount::Number(3001)),
        ..Default::default()
    }
}

#[tokio::test]
async fn all_1234_customers_come_back_in_three_pages() {
    let e = env().await;
    let records: Vec<Value> = (0..1234)
        .map(|i| json!({"Name": format!("Kund {i}"), "Email": format!("k{i}@example.se")}))
        .collect();
    e.seed("customers", records);

    let all = e
        .client
        .customers(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1234);
    let mut numbers: Vec<&str> = all.iter().map(|c| c.customer_number.as_str()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 1234, "no customer twice");
    assert_eq!(
        e.sim.count("GET", "/3/customers"),
        3,
        "pages of {PAGE_LIMIT}"
    );
    assert!(
        e.sim
            .request_log()
            .iter()
            .all(|r| !r.path.starts_with("/3/customers") || r.status == 200)
    );
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let e = env().await;
    let records: Vec<Value> = (0..501).map(|i| json!({"Name": format!("K{i}")})).collect();
    e.seed("customers", records);
    let q = ListQuery::new();
    let mut s = e.client.customers(&q);
    let first = s.try_next().await.unwrap().unwrap();
    assert_eq!(first.customer_number, "1");
    assert_eq!(
        e.sim.count("GET", "/3/customers"),
        1,
        "second page not fetched yet"
    );
    let rest: Vec<CustomerListItem> = s.try_collect().await.unwrap();
    assert_eq!(rest.len(), 500);
    assert_eq!(e.sim.count("GET", "/3/customers"), 2);
}

#[tokio::test]
async fn email_search_returns_exact_matches_only() {
    let e = env().await;
    let a = e.customer("A", "a@b.se");
    e.customer("XA", "xa@b.se");
    e.customer("A2", "a@b.se.example");
    let upper = e.customer("A upper", "A@B.SE");

    // Fortnox's own search finds all four.
    let raw = e
        .client
        .customers(&ListQuery::new().param("email", "a@b.se"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(raw.len(), 4);

    let found = e.client.find_customers_by_email("a@b.se").await.unwrap();
    let numbers: Vec<&str> = found.iter().map(|c| c.customer_number.as_str()).collect();
    assert_eq!(numbers, vec![a.as_str(), upper.as_str()]);
    assert!(
        e.client
            .find_customers_by_email("  ")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        e.client
            .find_customers_by_email("nobody@b.se")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn organisation_number_match_ignores_the_dash() {
    let e = env().await;
    let created = e.seed(
        "customers",
        vec![
            json!({"Name": "Med streck", "OrganisationNumber": "556677-8899"}),
            json!({"Name": "Utan streck", "OrganisationNumber": "5566778899"}),
            json!({"Name": "Annan", "OrganisationNumber": "556677-8898"}),
            json!({"Name": "Längre", "OrganisationNumber": "5566778899-1"}),
        ],
    );
    for query in ["5566778899", "556677-8899"] {
        let found = e
            .client
            .find_customers_by_organisation_number(query)
            .await
            .unwrap();
        let numbers: Vec<Value> = found.iter().map(|c| json!(c.customer_number)).collect();
        assert_eq!(numbers, created[..2].to_vec(), "query {query}");
    }
}

#[tokio::test]
async fn customer_round_trip() {
    let e = env().await;
    let created = e
        .client
        .create_customer(&CustomerWrite {
            email: Some("lisa@example.se".into()),
            kind: Some(CustomerType::Company),
            vat_type: Some(VatType::SeVat),
            organisation_number: Some("556001-0001".into()),
            country_code: Some("se".into()),
            address1: Some("Storgatan 1".into()),
            zip_code: Some("111 22".into()),
            city: Some("Stockholm".into()),
            phone1: Some("08-123 45".into()),
            default_delivery_types: Some(DefaultDeliveryTypes {
                invoice: Some(DeliveryType::Email),
                ..Default::default()
            }),
            ..CustomerWrite::new("Lisa AB")
        })
        .await
        .unwrap();
    assert_eq!(created.country_code.as_deref(), Some("SE"));
    assert_eq!(created.country.as_deref(), Some("Sverige"));
    assert!(created.active);

    let got = e.client.customer(&created.customer_number).await.unwrap();
    assert_eq!(got, created);
    assert_eq!(
        got.default_delivery_types.and_then(|d| d.invoice),
        Some(DeliveryType::Email)
    );

    let updated = e
        .client
        .update_customer(
            &created.customer_number,
            &CustomerWrite {
                customer_number: Some("999".into()),
                city: Some("Göteborg".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.city.as_deref(), Some("Göteborg"));
    assert_eq!(updated.name, "Lisa AB", "partial update keeps the rest");

    let listed = e
        .client
        .customers(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].customer_number, created.customer_number);
    assert_eq!(listed[0].phone.as_deref(), Some("08-123 45"));
    assert_eq!(
        listed[0].organisation_number.as_deref(),
        Some("556001-0001")
    );

    let missing = e.client.customer("4711").await.unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.code(), Some(2000204));
}

#[tokio::test]
async fn article_and_price_round_trip() {
    let e = env().await;
    let article = e
        .client
        .create_article(&ArticleWrite {
            quantity_in_stock: Some(dec!(12)),
            purchase_price: Some(dec!(12.50)),
            stock_goods: Some(true),
            unit: Some("st".into()),
            ean: Some("7310000000001".into()),
            ..ArticleWrite::new(Some("TS-RED/L".into()), "T-shirt röd L")
        })
        .await
        .unwrap();
    assert_eq!(article.article_number, "TS-RED/L");
    assert_eq!(article.sales_price, None, "no price yet");
    assert_eq!(article.stock_value, Some(dec!(150)));

    // The list item carries its numbers as strings in the simulator; they read as decimals.
    let items = e
        .client
        .articles(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.quantity_in_stock, Some(dec!(12)));
    assert_eq!(item.purchase_price, Some(dec!(12.50)));
    assert_eq!(item.disposable_quantity, Some(dec!(12)));
    assert_eq!(item.vat, Some(dec!(25)));
    assert_eq!(item.ean.as_deref(), Some("7310000000001"));

    // Prices: list A is there; create a price, read it, change it.
    let lists = e
        .client
        .price_lists(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert!(lists.iter().any(|l| l.code == "A" && l.pre_selected));
    let b = e
        .client
        .create_price_list(&PriceListWrite {
            code: Some("B".into()),
            description: Some("Återförsäljare".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!b.pre_selected);
    let b = e
        .client
        .update_price_list(
            "B",
            &PriceListWrite {
                comments: Some("Grossist".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(b.comments.as_deref(), Some("Grossist"));
    assert_eq!(e.client.price_list("B").await.unwrap(), b);

    let p = e
        .client
        .create_price(&PriceWrite::new("A", "TS-RED/L", dec!(199.00)))
        .await
        .unwrap();
    assert_eq!(p.price, Some(dec!(199)));
    e.client
        .create_price(&PriceWrite {
            from_quantity: Some(dec!(10)),
            ..PriceWrite::new("A", "TS-RED/L", dec!(179.00))
        })
        .await
        .unwrap();
    let first = e.client.price("A", "TS-RED/L").await.unwrap();
    assert_eq!(
        (first.from_quantity, first.price),
        (dec!(0), Some(dec!(199)))
    );
    let changed = e
        .client
        .update_price(
            "A",
            "TS-RED/L",
            &PriceWrite {
                price: Some(dec!(189.50)),
                article_number: Some("ignored".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.price, Some(dec!(189.50)));
    let tier = e
        .client
        .price_tier("A", "TS-RED/L", dec!(10))
        .await
        .unwrap();
    assert_eq!(tier.price, Some(dec!(179)));
    let tier = e
        .client
        .update_price_tier(
            "A",
            "TS-RED/L",
            dec!(10),
            &PriceWrite {
                price: Some(dec!(169)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(tier.price, Some(dec!(169)));
    let all = e
        .client
        .prices(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let tiers = e
        .client
        .article_prices("A", "TS-RED/L")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(tiers.len(), 2);

    // SalesPrice follows the pre-selected list; the update never sends the number.
    let article = e
        .client
        .update_article(
            "TS-RED/L",
            &ArticleWrite {
                stock_warning: Some(dec!(2)),
                ..ArticleWrite::new(Some("TS-RED/L".into()), "T-shirt röd, L")
            },
        )
        .await
        .unwrap();
    assert_eq!(article.sales_price, Some(dec!(189.50)));
    assert_eq!(article.description, "T-shirt röd, L");
    assert_eq!(e.client.article("TS-RED/L").await.unwrap(), article);
}

#[tokio::test]
async fn order_round_trip_and_invoice_from_order() {
    let e = env().await;
    let customer = e.customer("Anna", "anna@example.se");
    e.seed(
        "articles",
        vec![
            json!({"ArticleNumber": "MUG", "Description": "Mugg", "StockGoods": true,
            "QuantityInStock": 10}),
        ],
    );
    e.seed(
        "prices",
        vec![json!({"PriceList": "A", "ArticleNumber": "MUG", "Price": 80})],
    );
    let order = e
        .client
        .create_order(&OrderWrite {
            your_order_number: Some("#1001".into()),
            external_invoice_reference1: Some("fortsync:t:1001".into()),
            ..OrderWrite::new(
                customer.clone(),
                vec![OrderRowWrite {
                    article_number: Some("MUG".into()),
                    ordered_quantity: Some(dec!(3)),
                    ..Default::default()
                }],
            )
        })
        .await
        .unwrap();
    assert_eq!(order.invoice_reference, None, "\"0\" reads as None");
    assert_eq!(order.order_rows.len(), 1);
    let r = &order.order_rows[0];
    assert_eq!(
        (r.ordered_quantity, r.delivered_quantity, r.price),
        (dec!(3), dec!(3), dec!(80))
    );
    assert_eq!(order.total, dec!(300), "3 × 80 + 25 % VAT");
    assert_eq!(e.client.order(&order.document_number).await.unwrap(), order);

    let empty = e
        .client
        .create_order(&OrderWrite {
            customer_number: Some(customer.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(empty.order_rows.is_empty());
    let cancelled = e.client.cancel_order(&empty.document_number).await.unwrap();
    assert!(cancelled.cancelled);

    let updated = e
        .client
        .update_order(
            &order.document_number,
            &OrderWrite {
                remarks: Some("Lämnas vid dörren".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.remarks.as_deref(), Some("Lämnas vid dörren"));
    assert_eq!(updated.order_rows.len(), 1, "rows not sent are kept");

    let listed = e
        .client
        .orders(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let open = e
        .client
        .orders(&ListQuery::new().filter("invoicenotcreated"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        e.client
            .find_orders_by_external_reference("fortsync:t:1001")
            .await
            .unwrap()
            .len(),
        1
    );

    let invoice = e
        .client
        .create_invoice_from_order(&order.document_number)
        .await
        .unwrap();
    assert_eq!(
        invoice.order_reference.as_deref(),
        Some(order.document_number.as_str())
    );
    assert_eq!(invoice.total, dec!(300));
    assert_eq!(invoice.invoice_rows[0].delivered_quantity, dec!(3));
    let order = e.client.order(&order.document_number).await.unwrap();
    assert_eq!(
        order.invoice_reference.as_deref(),
        Some(invoice.document_number.as_str())
    );
    let email = e.client.email_order(&order.document_number).await.unwrap();
    assert!(email.sent);
}

#[tokio::test]
async fn invoice_flow_create_bookkeep_pay() {
    let e = env().await;
    let customer = e.customer("Anna", "anna@example.se");
    let created = e
        .client
        .create_invoice(&InvoiceWrite {
            vat_included: Some(true),
            external_invoice_reference1: Some("fortsync:t:1".into()),
            country: Some("Sverige".into()),
            ..InvoiceWrite::new(
                customer,
                vec![
                    row("T-shirt", dec!(2), dec!(199.00)),
                    row("Frakt", dec!(1), dec!(49.00)),
                    InvoiceRowWrite {
                        description: Some("Tack för ditt köp!".into()),
                        account_number: Some(RowAccount::Blank),
                        ..Default::default()
                    },
                ],
            )
        })
        .await
        .unwrap();
    assert_eq!(created.total, dec!(447));
    assert_eq!(created.balance, dec!(447));
    assert!(created.vat_included);
    assert_eq!(created.invoice_rows.len(), 3);
    assert_eq!(created.invoice_rows[2].account_number, None);
    assert_eq!(created.credit_invoice_reference, None);
    assert_eq!(created.final_pay_date, None);
    assert_eq!(created.status(), InvoiceStatus::Created);
    let number: u64 = created.document_number.parse().unwrap();

    let booked = e.client.bookkeep_invoice(number).await.unwrap();
    assert!(booked.booked);
    assert!(booked.voucher_number.is_some());
    assert!(booked.voucher_year.is_some());
    assert_eq!(booked.status(), InvoiceStatus::Booked);
    let refused = e
        .client
        .update_invoice(
            number,
            &InvoiceWrite {
                remarks: Some("x".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400), "booked invoices are immutable");

    let date = created.invoice_date.unwrap();
    let part = e
        .client
        .create_invoice_payment(&InvoicePaymentWrite::new(number, dec!(400), date))
        .await
        .unwrap();
    assert_eq!(part.invoice_number, number);
    assert_eq!(part.amount, dec!(400));
    assert_eq!(
        e.client.invoice(number).await.unwrap().status(),
        InvoiceStatus::PartlyPaid
    );
    let rest = e
        .client
        .create_invoice_payment(&InvoicePaymentWrite {
            write_offs: Some(vec![WriteOffWrite {
                description: Some("Öresutjämning".into()),
                ..WriteOffWrite::new(3740, dec!(0.50))
            }]),
            ..InvoicePaymentWrite::new(number, dec!(46.50), date)
        })
        .await
        .unwrap();
    assert_eq!(rest.write_offs.len(), 1);
    assert_eq!(rest.write_offs[0].amount, dec!(0.50));
    let rest = e
        .client
        .bookkeep_invoice_payment(&rest.number)
        .await
        .unwrap();
    assert!(rest.booked);

    let paid = e.client.invoice(number).await.unwrap();
    assert_eq!(paid.balance, Decimal::ZERO);
    assert_eq!(paid.final_pay_date, Some(date));
    assert_eq!(paid.status(), InvoiceStatus::Paid);

    let item = e
        .client
        .find_invoices_by_external_reference("fortsync:t:1")
        .await
        .unwrap();
    assert_eq!(item.len(), 1);
    assert_eq!(item[0].balance, Decimal::ZERO);
    assert_eq!(item[0].final_pay_date, Some(date));
    assert!(item[0].booked);
    assert_eq!(item[0].status(), InvoiceStatus::Paid);

    let payments = e.client.payments_for_invoice(number).await.unwrap();
    assert_eq!(payments.len(), 2);
    assert!(payments.iter().any(|p| p.write_off_exist));
    let again = e.client.invoice_payment(&part.number).await.unwrap();
    assert_eq!(again, part);
    let fully_paid = e
        .client
        .invoices(&ListQuery::new().filter("fullypaid"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(fully_paid.len(), 1);
}

#[tokio::test]
async fn credit_sets_the_reference_and_other_actions() {
    let e = env().await;
    let customer = e.customer("Anna", "anna@example.se");
    let inv = e
        .client
        .create_invoice(&InvoiceWrite::new(
            customer.clone(),
            vec![row("Vara", dec!(1), dec!(100))],
        ))
        .await
        .unwrap();
    assert_eq!(inv.credit_invoice_reference, None);
    assert!(!inv.credit);
    e.client
        .bookkeep_invoice(&inv.document_number)
        .await
        .unwrap();

    let original = e.client.credit_invoice(&inv.document_number).await.unwrap();
    let note_number = original
        .credit_invoice_reference
        .clone()
        .expect("credit note referenced");
    assert_eq!(original.status(), InvoiceStatus::Credited);
    let note = e.client.invoice(&note_number).await.unwrap();
    assert!(note.credit);
    assert_eq!(
        note.credit_invoice_reference.as_deref(),
        Some(inv.document_number.as_str())
    );
    assert_eq!(note.total, dec!(-125));
    let twice = e
        .client
        .credit_invoice(&inv.document_number)
        .await
        .unwrap_err();
    assert_eq!(twice.status(), Some(400), "one credit note per invoice");

    let other = e
        .client
        .create_invoice(&InvoiceWrite::new(
            customer.clone(),
            vec![row("Vara", dec!(1), dec!(10))],
        ))
        .await
        .unwrap();
    let sent = e
        .client
        .external_print_invoice(&other.document_number)
        .await
        .unwrap();
    assert!(sent.sent);
    assert_eq!(sent.status(), InvoiceStatus::Sent);
    let cancelled = e
        .client
        .cancel_invoice(&other.document_number)
        .await
        .unwrap();
    assert!(cancelled.cancelled);
    assert_eq!(cancelled.status(), InvoiceStatus::Cancelled);

    let third = e
        .client
        .create_invoice(&InvoiceWrite::new(
            customer,
            vec![row("Vara", dec!(1), dec!(10))],
        ))
        .await
        .unwrap();
    let updated = e
        .client
        .update_invoice(
            &third.document_number,
            &InvoiceWrite {
                invoice_rows: Some(vec![
                    InvoiceRowWrite {
                        row_id: third.invoice_rows[0].row_id,
                        ..Default::default()
                    },
                    row("Till", dec!(2), dec!(5)),
                ]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.invoice_rows.len(), 2);
    assert_eq!(updated.total, dec!(25));
    assert!(
        e.client
            .email_invoice(&third.document_number)
            .await
            .unwrap()
            .sent
    );
}

#[tokio::test]
async fn external_reference_search_is_exact() {
    let e = env().await;
    let customer = e.customer("Anna", "anna@example.se");
    for key in ["fortsync:t:1", "fortsync:t:10", "fortsync:t:100"] {
        e.client
            .create_invoice(&InvoiceWrite {
                external_invoice_reference1: Some(key.into()),
                ..InvoiceWrite::new(customer.clone(), vec![row("Vara", dec!(1), dec!(1))])
            })
            .await
            .unwrap();
    }
    let found = e
        .client
        .find_invoices_by_external_reference("fortsync:t:1")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].external_invoice_reference1.as_deref(),
        Some("fortsync:t:1")
    );
    assert!(
        e.client
            .find_invoices_by_external_reference("fortsync:t:2")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn stock_balance_parses() {
    let e = env().await;
    e.seed(
        "articles",
        vec![
            json!({"ArticleNumber": "A1", "Description": "Stock", "StockGoods": true, "QuantityInStock": 7}),
            json!({"ArticleNumber": "A2", "Description": "Other", "StockGoods": true, "QuantityInStock": 2}),
        ],
    );
    e.seed(
        "stockbalance",
        vec![json!({"itemId": "A1", "stockPointCode": "LAGER2", "inStock": 5, "availableStock": 3.5})],
    );
    let all = e.client.stock_balance(&[], &[]).await.unwrap();
    assert_eq!(all.len(), 3);
    let a1 = e.client.stock_balance(&["A1"], &[]).await.unwrap();
    assert_eq!(a1.len(), 2);
    let second = a1.iter().find(|b| b.stock_point_code == "LAGER2").unwrap();
    assert_eq!(
        (second.in_stock, second.available_stock, second.reserved()),
        (dec!(5), dec!(3.5), dec!(1.5))
    );
    let main = e
        .client
        .stock_balance(&["A1", "A2"], &["MAIN"])
        .await
        .unwrap();
    assert_eq!(main.len(), 2);
    assert!(main.iter().all(|b| b.stock_point_code == "MAIN"));
    assert_eq!(main[0].in_stock, dec!(7));
}

#[tokio::test]
async fn reference_data_reads() {
    let e = env().await;
    let company = e.client.company_information().await.unwrap();
    assert_eq!(company.company_name, "Modellbolaget AB");
    assert_eq!(company.database_number, Some(e.tenant.to_string()));

    let accounts = e
        .client
        .accounts(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert!(accounts.iter().any(|a| a.number == 3740));
    let sales = e.client.account(3001).await.unwrap();
    assert_eq!(sales.vat_code.as_deref(), Some("MP1"));
    assert_eq!(
        e.client.account(9999).await.unwrap_err().code(),
        Some(2000423)
    );

    let currencies = e
        .client
        .currencies(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert!(currencies.iter().any(|c| c.code == "EUR"));
    let eur = e.client.currency("EUR").await.unwrap();
    assert_eq!(eur.sell_rate, Some(dec!(11.50)));
    // Fortnox refuses lastmodified on currencies (2000588); the error ends the stream.
    let err = e
        .client
        .currencies(&ListQuery::new().last_modified(datetime!(2020-01-01 00:00)))
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(2000588));

    let years = e
        .client
        .financial_years(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(years.len(), 1);
    let today = e.sim.now().date();
    let covering = e.client.financial_year_for(today).await.unwrap().unwrap();
    assert_eq!(covering, years[0]);
    assert_eq!(
        e.client.financial_year(covering.id).await.unwrap(),
        covering
    );
    assert_eq!(covering.accounting_method, Some(AccountingMethod::Accrual));
}

#[tokio::test]
async fn last_modified_filter_and_sort_reach_fortnox() {
    let e = env().await;
    e.seed(
        "customers",
        vec![
            json!({"Name": "Bertil"}),
            json!({"Name": "Adam"}),
            json!({"Name": "Cecilia"}),
        ],
    );
    let later = e
        .client
        .customers(&ListQuery::new().last_modified(datetime!(2100-01-01 00:00)))
        .collect_all()
        .await
        .unwrap();
    assert!(later.is_empty());
    let sorted = e
        .client
        .customers(
            &ListQuery::new()
                .last_modified(datetime!(2000-01-01 00:00))
                .sort_by("name")
                .sort_order(fortsync_fortnox::api::SortOrder::Descending),
        )
        .collect_all()
        .await
        .unwrap();
    let names: Vec<&str> = sorted.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Cecilia", "Bertil", "Adam"]);
    let bad = e
        .client
        .customers(&ListQuery::new().filter("nonsense"))
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(
        bad,
        FortnoxError::Api {
            status: 400,
            code: Some(2000588),
            ..
        }
    ));
}

#[tokio::test]
async fn a_server_that_ignores_page_is_an_error_not_a_repeat() {
    let e = env().await;
    let page_one = json!({"Customers": [{"CustomerNumber": "1", "Name": "A"}],
        "MetaInformation": {"@TotalResources": 2, "@TotalPages": 2, "@CurrentPage": 1}});
    e.sim.inject_fault(
        Fault::status("GET", "/3/customers", 200)
            .with_body(page_one)
            .times(2),
    );
    let err = e
        .client
        .customers(&ListQuery::new())
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, FortnoxError::Decode(_)), "{err}");
}

#[tokio::test]
async fn without_meta_information_paging_goes_on_until_an_empty_page() {
    let e = env().await;
    let records: Vec<Value> = (0..3).map(|i| json!({"Name": format!("K{i}")})).collect();
    e.seed("customers", records);
    // Page 1 comes back short and without MetaInformation (e.g. a server capping at 100);
    // the listing does not assume it was the last page.
    e.sim.inject_fault(
        Fault::status("GET", "/3/customers", 200)
            .with_body(json!({"Customers": [{"CustomerNumber": "1", "Name": "K0"}]})),
    );
    let all = e
        .client
        .customers(&ListQuery::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "page 2 of the real list is empty");
    assert_eq!(e.sim.count("GET", "/3/customers"), 2);
}
