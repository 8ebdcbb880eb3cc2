//! The typed models against hand-written Fortnox JSON: strings for numbers, `null`s, missing
//! fields, `"0"` references, error bodies in both key cases, and what writes put on the wire.

use fortsync_fortnox::api::{ListQuery, SortOrder};
use fortsync_fortnox::models::codec::organisation_digits;
use fortsync_fortnox::models::*;
use fortsync_fortnox::wire::ErrorEnvelope;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use time::macros::{date, datetime};

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

#[test]
fn article_list_items_read_numbers_sent_as_strings() {
    let page: Page<ArticleListItem> = serde_json::from_str(
        r#"{"Articles":[
            {"@url":"https://api.fortnox.se/3/articles/A1","ArticleNumber":"A1","Description":"Mugg",
             "DisposableQuantity":"-3.00","EAN":"","Housework":false,"PurchasePrice":"12.50",
             "QuantityInStock":"-8","ReservedQuantity":"5","SalesPrice":null,"StockPlace":null,
             "StockValue":"0.00","Unit":"st","VAT":"25","WebshopArticle":"true"},
            {"ArticleNumber":17,"Description":null,"QuantityInStock":4,"SalesPrice":"99.90"}],
           "MetaInformation":{"@TotalResources":"2","@TotalPages":"1","@CurrentPage":1}}"#,
    )
    .unwrap();
    let a = &page.items[0];
    assert_eq!(a.quantity_in_stock, Some(dec!(-8)));
    assert_eq!(a.disposable_quantity, Some(dec!(-3)));
    assert_eq!(a.purchase_price, Some(dec!(12.50)));
    assert_eq!(a.vat, Some(dec!(25)));
    assert_eq!(a.sales_price, None);
    assert_eq!(a.ean, None, "empty text reads as None");
    assert!(a.webshop_article, "\"true\" reads as true");
    assert_eq!(
        a.url.as_deref(),
        Some("https://api.fortnox.se/3/articles/A1")
    );
    let b = &page.items[1];
    assert_eq!(b.article_number, "17", "numeric id reads as text");
    assert_eq!(b.description, "");
    assert_eq!(b.sales_price, Some(dec!(99.90)));
    assert!(!b.housework, "missing flag is false");
    let meta = page.meta.unwrap();
    assert_eq!(
        (meta.total_resources, meta.total_pages, meta.current_page),
        (Some(2), Some(1), Some(1))
    );
}

#[test]
fn invoice_record_tolerates_strings_nulls_zero_references_and_missing_fields() {
    let inv: Envelope<Invoice> = serde_json::from_str(
        r#"{"Invoice":{
            "@url":"https://api.fortnox.se/3/invoices/12","DocumentNumber":"12",
            "CustomerNumber":7,"CustomerName":"Anna","InvoiceDate":"2026-11-20","DueDate":"2026-12-20",
            "FinalPayDate":null,"Balance":"1250.50","Total":1250.5,"TotalVAT":"250.10","RoundOff":0,
            "Booked":false,"Cancelled":"false","Sent":null,"Credit":"false",
            "CreditInvoiceReference":"0","OrderReference":0,"ContractReference":"","OfferReference":null,
            "VoucherNumber":null,"VoucherYear":"","CurrencyRate":"1","CurrencyUnit":1,
            "InvoiceType":"INVOICE","AccountingMethod":"ACCRUAL","VATIncluded":true,"OCR":"1234",
            "EmailInformation":{"EmailAddressTo":"anna@example.se","EmailAddressCC":null},
            "Labels":null,
            "InvoiceRows":[
              {"RowId":"5","ArticleNumber":null,"Description":"T-shirt","DeliveredQuantity":"2.00",
               "Price":199.9,"Discount":"0","DiscountType":"PERCENT","VAT":25,"AccountNumber":"3001",
               "Total":"399.80","PriceExcludingVAT":"159.92","TotalExcludingVAT":319.84},
              {"Description":"Text only","AccountNumber":null,"DeliveredQuantity":"0.00","Price":null}
            ],
            "SomeFutureField":{"x":1}}}"#,
    )
    .unwrap();
    let inv = inv.into_inner();
    assert_eq!(inv.document_number, "12");
    assert_eq!(inv.customer_number, "7");
    assert_eq!(inv.invoice_date, Some(date!(2026 - 11 - 20)));
    assert_eq!(inv.final_pay_date, None);
    assert_eq!(inv.balance, dec!(1250.50));
    assert_eq!(inv.total, dec!(1250.5));
    assert_eq!(inv.total_vat, dec!(250.10));
    assert!(!inv.booked && !inv.cancelled && !inv.sent && !inv.credit);
    assert_eq!(
        inv.credit_invoice_reference, None,
        "\"0\" means no credit note"
    );
    assert_eq!(inv.order_reference, None, "0 means no order");
    assert_eq!(inv.contract_reference, None);
    assert_eq!(inv.offer_reference, None);
    assert_eq!(inv.voucher_number, None);
    assert_eq!(inv.voucher_year, None);
    assert_eq!(inv.currency_rate, Some(dec!(1)));
    assert_eq!(inv.invoice_type, Some(InvoiceType::Invoice));
    assert_eq!(inv.accounting_method, Some(AccountingMethod::Accrual));
    assert!(inv.vat_included);
    assert_eq!(inv.ocr.as_deref(), Some("1234"));
    assert_eq!(inv.administration_fee, dec!(0), "missing amount is zero");
    assert!(inv.labels.is_empty());
    let email = inv.email_information.as_ref().unwrap();
    assert_eq!(email.email_address_to.as_deref(), Some("anna@example.se"));
    assert_eq!(email.email_address_cc, None);
    let r = &inv.invoice_rows[0];
    assert_eq!(r.row_id, Some(5));
    assert_eq!(r.delivered_quantity, dec!(2.00));
    assert_eq!(r.price, dec!(199.9));
    assert_eq!(r.discount_type, Some(DiscountType::Percent));
    assert_eq!(r.account_number, Some(3001));
    assert_eq!(r.total_excluding_vat, dec!(319.84));
    let text = &inv.invoice_rows[1];
    assert_eq!(text.account_number, None);
    assert_eq!(text.price, dec!(0));
    assert_eq!(inv.status(), InvoiceStatus::Created);
}

#[test]
fn credit_references_and_status() {
    let read = |v: Value| -> Invoice {
        serde_json::from_value::<Envelope<Invoice>>(json!({ "Invoice": v }))
            .unwrap()
            .into_inner()
    };
    let credited = read(
        json!({"DocumentNumber": "1", "CreditInvoiceReference": "17",
        "Booked": true, "Total": "100", "Balance": "100"}),
    );
    assert_eq!(credited.credit_invoice_reference.as_deref(), Some("17"));
    assert_eq!(credited.status(), InvoiceStatus::Credited);
    let note = read(
        json!({"DocumentNumber": 17, "Credit": "true", "CreditInvoiceReference": 1,
        "Total": "-100", "Balance": "-100"}),
    );
    assert!(note.credit);
    assert_eq!(note.credit_invoice_reference.as_deref(), Some("1"));
    assert_ne!(
        note.status(),
        InvoiceStatus::Credited,
        "a credit note is not itself credited"
    );
    let paid = read(json!({"DocumentNumber": 2, "Total": 447, "Balance": "0.00",
        "FinalPayDate": "2026-11-21", "Booked": true, "Sent": true}));
    assert_eq!(paid.status(), InvoiceStatus::Paid);
    let partly = read(json!({"DocumentNumber": 3, "Total": 447, "Balance": 47, "Booked": true}));
    assert_eq!(partly.status(), InvoiceStatus::PartlyPaid);
    let cancelled = read(json!({"DocumentNumber": 4, "Cancelled": true, "Total": 1, "Balance": 1}));
    assert_eq!(cancelled.status(), InvoiceStatus::Cancelled);
}

#[test]
fn error_information_in_both_key_cases() {
    let lower: ErrorEnvelope = serde_json::from_str(
        r#"{"ErrorInformation":{"error":1,"message":"Kan inte hitta kontot.","code":2000423}}"#,
    )
    .unwrap();
    assert_eq!(lower.error_information.code, Some(2000423));
    assert_eq!(
        lower.error_information.message.as_deref(),
        Some("Kan inte hitta kontot.")
    );
    let upper: ErrorEnvelope = serde_json::from_str(
        r#"{"ErrorInformation":{"Error":1,"Message":"Ogiltigt fältnamn","Code":"2001399"}}"#,
    )
    .unwrap();
    assert_eq!(upper.error_information.code, Some(2001399));
    assert_eq!(
        upper.error_information.message.as_deref(),
        Some("Ogiltigt fältnamn")
    );
    // An error body is not a record: the typed envelope refuses it instead of reading defaults.
    assert!(
        serde_json::from_str::<Envelope<Customer>>(
            r#"{"ErrorInformation":{"error":1,"message":"x","code":2000204}}"#
        )
        .is_err()
    );
}

#[test]
fn envelopes_and_pages() {
    // Missing list key is an error, never an empty page.
    assert!(serde_json::from_str::<Page<CustomerListItem>>(r#"{"Invoices":[]}"#).is_err());
    let p: Page<CustomerListItem> =
        serde_json::from_str(r#"{"Customers":null,"Extra":[1,2]}"#).unwrap();
    assert!(p.items.is_empty());
    assert_eq!(p.meta, None);
    let c: Envelope<Customer> = serde_json::from_str(
        r#"{"Customer":{"CustomerNumber":"5","Name":"Anna","Active":true,"Type":"PRIVATE",
            "VATType":"EUREVERSEDVAT","VATNumber":"DE123","ShowPriceVATIncluded":"false",
            "InvoiceDiscount":"2.5","DefaultDeliveryTypes":{"Invoice":"EMAIL","Order":"PRINT","Offer":null},
            "EmailInvoiceCC":"","WWW":"https://x.se","GLN":null,"CountryCode":"SE","Country":"Sverige"}}"#,
    )
    .unwrap();
    let c = c.into_inner();
    assert_eq!(c.kind, Some(CustomerType::Private));
    assert_eq!(c.vat_type, Some(VatType::EuReversedVat));
    assert_eq!(c.vat_number.as_deref(), Some("DE123"));
    assert_eq!(c.invoice_discount, Some(dec!(2.5)));
    assert_eq!(c.www.as_deref(), Some("https://x.se"));
    assert_eq!(c.email_invoice_cc, None);
    let d = c.default_delivery_types.unwrap();
    assert_eq!(d.invoice, Some(DeliveryType::Email));
    assert_eq!(d.offer, None);
    assert_eq!(c.country.as_deref(), Some("Sverige"));
}

#[test]
fn unknown_enum_values_are_kept() {
    let v: Envelope<Customer> =
        serde_json::from_str(r#"{"Customer":{"CustomerNumber":"1","VATType":"NEWVAT"}}"#).unwrap();
    assert_eq!(
        v.into_inner().vat_type,
        Some(VatType::Other("NEWVAT".into()))
    );
    assert_eq!(
        InvoiceType::parse("intrestinvoice"),
        InvoiceType::InterestInvoice
    );
    assert_eq!(InvoiceType::InterestInvoice.to_string(), "INTRESTINVOICE");
}

#[test]
fn payments_and_write_offs() {
    let p: Envelope<InvoicePayment> = serde_json::from_str(
        r#"{"InvoicePayment":{"Number":"3","InvoiceNumber":"12","Amount":"446.50",
            "AmountCurrency":446.5,"PaymentDate":"2026-11-21","Booked":true,
            "ModeOfPaymentAccount":"1930","InvoiceTotal":"447.00","InvoiceOCR":"1234",
            "VoucherNumber":"9","VoucherSeries":"C","VoucherYear":1,
            "WriteOffs":[{"AccountNumber":3740,"Amount":"0.50","Description":"Öresutjämning"}]}}"#,
    )
    .unwrap();
    let p = p.into_inner();
    assert_eq!(p.invoice_number, 12);
    assert_eq!(p.amount, dec!(446.50));
    assert_eq!(p.mode_of_payment_account, Some(1930));
    assert_eq!(p.invoice_total, Some(dec!(447)));
    assert_eq!(p.voucher_number, Some(9));
    assert_eq!(p.write_offs[0].amount, dec!(0.50));
    assert_eq!(p.write_offs[0].account_number, Some(3740));
    assert_eq!(p.invoice_ocr.as_deref(), Some("1234"));
}

#[test]
fn stock_balance_is_a_plain_array() {
    let v: Vec<StockBalance> = serde_json::from_str(
        r#"[{"itemId":"A1","stockPointCode":"MAIN","availableStock":"7","inStock":10},
            {"itemId":2,"stockPointCode":"B","availableStock":0.5,"inStock":"1.5"}]"#,
    )
    .unwrap();
    assert_eq!(v[0].item_id, "A1");
    assert_eq!(v[0].reserved(), dec!(3));
    assert_eq!(v[1].item_id, "2");
    assert_eq!(v[1].in_stock, dec!(1.5));
}

#[test]
fn reference_data() {
    let fy: Page<FinancialYear> = serde_json::from_str(
        r#"{"FinancialYears":[{"Id":1,"FromDate":"2026-01-01","ToDate":"2026-12-31",
            "AccountChartType":"BAS 2024","AccountingMethod":"ACCRUAL"}],
            "MetaInformation":{"@TotalResources":1,"@TotalPages":1,"@CurrentPage":1}}"#,
    )
    .unwrap();
    assert!(fy.items[0].covers(date!(2026 - 06 - 30)));
    assert!(!fy.items[0].covers(date!(2027 - 01 - 01)));
    let a: Envelope<Account> = serde_json::from_str(
        r#"{"Account":{"Number":"3001","Description":"Försäljning","Active":true,"VATCode":"MP1",
            "SRU":0,"BalanceBroughtForward":"0","Year":1}}"#,
    )
    .unwrap();
    assert_eq!(a.0.number, 3001);
    assert_eq!(a.0.vat_code.as_deref(), Some("MP1"));
    let c: Envelope<Currency> = serde_json::from_str(
        r#"{"Currency":{"Code":"EUR","SellRate":"11.50","BuyRate":11.5,"Unit":1,"Date":"2026-11-22","IsAutomatic":true}}"#,
    )
    .unwrap();
    assert_eq!(c.0.sell_rate, Some(dec!(11.50)));
    let ci: Envelope<CompanyInformation> = serde_json::from_str(
        r#"{"CompanyInformation":{"CompanyName":"Demo AB","OrganizationNumber":"556001-0001","DatabaseNumber":1000001}}"#,
    )
    .unwrap();
    assert_eq!(ci.0.database_number.as_deref(), Some("1000001"));
}

#[test]
fn writes_send_only_set_writable_fields_with_exact_amounts() {
    let c = Envelope(CustomerWrite {
        email: Some("anna@example.se".into()),
        kind: Some(CustomerType::Private),
        vat_type: Some(VatType::SeVat),
        country_code: Some("SE".into()),
        ..CustomerWrite::new("Anna")
    });
    assert_eq!(
        to_json(&c),
        json!({"Customer": {"Name": "Anna", "Type": "PRIVATE", "VATType": "SEVAT",
            "CountryCode": "SE", "Email": "anna@example.se"}})
    );

    let row = InvoiceRowWrite {
        description: Some("T-shirt".into()),
        delivered_quantity: Some(dec!(2)),
        price: Some(dec!(199.90)),
        vat: Some(dec!(25)),
        account_number: Some(RowAccount::Number(3001)),
        discount_type: Some(DiscountType::Amount),
        ..Default::default()
    };
    let text_row = InvoiceRowWrite {
        description: Some("Tack för ditt köp".into()),
        account_number: Some(RowAccount::Blank),
        ..Default::default()
    };
    let inv = InvoiceWrite {
        invoice_date: Some(date!(2026 - 11 - 20)),
        vat_included: Some(true),
        external_invoice_reference1: Some("fortsync:acme:1001".into()),
        ..InvoiceWrite::new("7", vec![row, text_row])
    };
    let text = serde_json::to_string(&Envelope(inv)).unwrap();
    assert!(text.contains(r#""Price":199.9"#), "{text}");
    assert!(text.contains(r#""DeliveredQuantity":2"#), "{text}");
    assert!(text.contains(r#""AccountNumber":"API_BLANK""#), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let body = &v["Invoice"];
    assert_eq!(body["InvoiceDate"], "2026-11-20");
    assert_eq!(body["VATIncluded"], true);
    assert_eq!(body["InvoiceRows"][0]["VAT"], 25);
    assert_eq!(body["InvoiceRows"][0]["AccountNumber"], 3001);
    assert_eq!(body["InvoiceRows"][0]["DiscountType"], "AMOUNT");
    for read_only in [
        "Total",
        "Balance",
        "Booked",
        "DocumentNumber",
        "Cancelled",
        "Sent",
    ] {
        assert!(body.get(read_only).is_none(), "{read_only} sent");
    }
    assert!(body.get("OrderRows").is_none());

    let pay = InvoicePaymentWrite {
        write_offs: Some(vec![WriteOffWrite::new(3740, dec!(0.50))]),
        ..InvoicePaymentWrite::new(12, dec!(446.50), date!(2026 - 11 - 21))
    };
    let text = serde_json::to_string(&Envelope(pay)).unwrap();
    assert_eq!(
        text,
        r#"{"InvoicePayment":{"InvoiceNumber":12,"Amount":446.5,"PaymentDate":"2026-11-21","WriteOffs":[{"AccountNumber":3740,"Amount":0.5}]}}"#
    );

    // An article write never carries the read-only stock and price fields.
    let a = to_json(&Envelope(ArticleWrite {
        quantity_in_stock: Some(dec!(10)),
        purchase_price: Some(dec!(12.5)),
        ..ArticleWrite::new(Some("A1".into()), "Mugg")
    }));
    assert_eq!(
        a,
        json!({"Article": {"ArticleNumber": "A1", "Description": "Mugg",
            "QuantityInStock": 10, "PurchasePrice": 12.5}})
    );
}

#[test]
fn organisation_numbers_compare_by_digits() {
    assert_eq!(organisation_digits("556677-8899"), "5566778899");
    assert_eq!(organisation_digits(" 5566778899 "), "5566778899");
    assert_eq!(organisation_digits("16556677-8899"), "5566778899");
    assert_eq!(organisation_digits("19800101-1234"), "8001011234");
    assert_ne!(organisation_digits("556677-8898"), "5566778899");
}

#[test]
fn list_query_parameters() {
    let q = ListQuery::new()
        .last_modified(datetime!(2026-11-20 06:05:59))
        .filter("unpaid")
        .filter("fullypaid")
        .sort_by("invoicedate")
        .sort_order(SortOrder::Descending)
        .param("Email", "a@b.se")
        .param("page", "7")
        .param("LIMIT", "10")
        .param("offset", "3");
    assert_eq!(q.get("lastmodified"), Some("2026-11-20 06:05"));
    assert_eq!(q.get("filter"), Some("fullypaid"), "one filter at a time");
    assert_eq!(q.get("email"), Some("a@b.se"));
    assert_eq!(q.get("sortorder"), Some("descending"));
    assert_eq!(q.get("page"), None, "paging belongs to the listing");
    assert_eq!(q.get("limit"), None);
    assert_eq!(q.get("offset"), None);
    assert_eq!(q.params().len(), 5);
}
