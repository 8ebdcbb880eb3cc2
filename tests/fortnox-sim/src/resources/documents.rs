//! Shared logic of orders and invoices: header and row validation, customer defaults, row merge
//! on update, totals (see `compute`) and stock effects.
//!
//! - `CustomerNumber` must exist (400, code 2000433 "Kunde inte hitta kund"); row `ArticleNumber`
//!   must exist (2001302); a row `AccountNumber` must be in the chart (2001304); `"API_BLANK"`
//!   makes a text row without account. VAT must be 25, 12, 6 or 0 (2003115).
//! - `Country` / `DeliveryCountry` are country *names*: "Sverige" or an English name;
//!   "Sweden"/"SE" → 400 code 2000586 "Ogiltigt land: Sweden".
//! - Rows on update: a row with `RowId` updates that row (`{"RowId": n}` alone keeps it); when
//!   the body has any `RowId`, a row without one is new; when it has none, a row is merged onto
//!   the existing row at the same position (Fortnox's positional matching), else it is new; rows
//!   left out are deleted; all `RowId`s are regenerated on every update.
//! - Quantities (`DeliveredQuantity`, `OrderedQuantity`) are emitted as strings ("2.00") like
//!   Fortnox; money as JSON numbers with two decimals.
//! - Order totals use `OrderedQuantity`; invoice totals `DeliveredQuantity`.
//! - Stock goods (`StockGoods: true`): an invoice lowers `QuantityInStock` by its delivered
//!   quantities when created (cancel/credit give it back); an order adds its ordered quantities to
//!   `ReservedQuantity` until it is invoiced or cancelled.

use std::collections::BTreeMap;
use std::collections::HashSet;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};
use time::Duration;

use super::articles::{adjust_stock, check_vat};
use super::customers::json_obj;
use super::{Ctx, full};
use crate::clock::{fmt_date, parse_date};
use crate::compute::{self, DiscountType, DocumentInput, RowInput};
use crate::envelope::{Obj, bool_of, dec, dec_or_zero, money, num, num_str, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::state::{Record, Tenant};
use crate::validate::{F, Fields, check_country_name, check_date_field, check_enum, normalize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Order,
    Invoice,
}

const L: F = F::S(1024);

/// Header fields common to orders and invoices (rows are handled separately).
macro_rules! common_fields {
    ($($extra:expr),* $(,)?) => {
        &[
            ("@url", F::R), ("@urlTaxReductionList", F::R),
            ("Address1", L), ("Address2", L), ("AdministrationFee", F::N), ("AdministrationFeeVAT", F::R),
            ("BasisTaxReduction", F::R), ("Cancelled", F::R), ("City", L), ("Comments", L),
            ("ContributionPercent", F::R), ("ContributionValue", F::R), ("CostCenter", L),
            ("Country", L), ("Currency", F::S(3)), ("CurrencyRate", F::N), ("CurrencyUnit", F::N),
            ("CustomerName", L), ("CustomerNumber", L), ("DeliveryAddress1", L), ("DeliveryAddress2", L),
            ("DeliveryCity", L), ("DeliveryCountry", L), ("DeliveryDate", F::S(10)), ("DeliveryName", L),
            ("DeliveryZipCode", F::S(10)), ("DocumentNumber", F::R), ("EmailInformation", F::J),
            ("ExternalInvoiceReference1", F::S(80)), ("ExternalInvoiceReference2", F::S(80)),
            ("Freight", F::N), ("FreightVAT", F::R), ("Gross", F::R), ("HouseWork", F::R),
            ("Labels", F::J), ("Language", F::S(2)), ("Net", F::R), ("NotCompleted", F::B),
            ("OfferReference", F::R), ("OrganisationNumber", F::R), ("OurReference", F::S(50)),
            ("OutboundDate", F::S(10)), ("Phone1", L), ("Phone2", L), ("PriceList", L),
            ("PrintTemplate", L), ("Project", L), ("Remarks", L), ("RoundOff", F::R), ("Sent", F::R),
            ("TaxReduction", F::R), ("TaxReductionType", L), ("TermsOfDelivery", L),
            ("TermsOfPayment", L), ("TimeBasisReference", F::R), ("Total", F::R), ("TotalToPay", F::R),
            ("TotalVAT", F::R), ("VATIncluded", F::B), ("WarehouseReady", F::B), ("WayOfDelivery", L),
            ("YourOrderNumber", F::S(75)), ("YourReference", F::S(50)), ("ZipCode", F::S(10)),
            $($extra),*
        ]
    };
}

pub(crate) const INVOICE_FIELDS: Fields = common_fields![
    ("AccountingMethod", L),
    ("Balance", F::R),
    ("Booked", F::R),
    ("ContractReference", F::R),
    ("Credit", F::R),
    ("CreditInvoiceReference", F::R),
    ("DueDate", F::S(10)),
    ("EDIInformation", F::J),
    ("EUQuarterlyReport", F::B),
    ("FinalPayDate", F::R),
    ("InvoiceDate", F::S(10)),
    ("InvoicePeriodEnd", F::S(10)),
    ("InvoicePeriodReference", F::R),
    ("InvoicePeriodStart", F::S(10)),
    ("InvoiceType", L),
    ("LastRemindDate", F::R),
    ("NoxFinans", F::R),
    ("OCR", F::S(100)),
    ("OrderReference", F::R),
    ("PaymentWay", L),
    ("Reminders", F::R),
    ("VoucherNumber", F::R),
    ("VoucherSeries", F::R),
    ("VoucherYear", F::R),
];

pub(crate) const ORDER_FIELDS: Fields = common_fields![
    ("CopyRemarks", F::B),
    ("DeliveryState", L),
    ("InvoiceReference", F::R),
    ("OrderDate", F::S(10)),
    ("OrderType", L),
    ("StockPointCode", L),
    ("StockPointId", L),
];

macro_rules! row_fields {
    ($($extra:expr),* $(,)?) => {
        &[
            ("AccountNumber", F::N), ("ArticleNumber", F::S(50)), ("ContributionPercent", F::R),
            ("ContributionValue", F::R), ("CostCenter", L), ("DeliveredQuantity", F::N),
            ("Description", F::S(255)), ("Discount", F::N), ("DiscountType", L), ("HouseWork", F::B),
            ("HouseWorkHoursToReport", F::N), ("HouseWorkType", L), ("Price", F::N), ("Project", L),
            ("RowId", F::N), ("StockPointCode", L), ("Total", F::R), ("Unit", L), ("VAT", F::N),
            ("VATCode", L),
            $($extra),*
        ]
    };
}

const INVOICE_ROW_FIELDS: Fields =
    row_fields![("PriceExcludingVAT", F::R), ("TotalExcludingVAT", F::R)];
const ORDER_ROW_FIELDS: Fields = row_fields![
    ("OrderedQuantity", F::N),
    ("ReservedQuantity", F::R),
    ("StockPointId", L)
];

impl Kind {
    pub fn rows_key(self) -> &'static str {
        match self {
            Kind::Order => "OrderRows",
            Kind::Invoice => "InvoiceRows",
        }
    }
    pub fn date_key(self) -> &'static str {
        match self {
            Kind::Order => "OrderDate",
            Kind::Invoice => "InvoiceDate",
        }
    }
    /// The row quantity that totals are based on.
    fn qty_key(self) -> &'static str {
        match self {
            Kind::Order => "OrderedQuantity",
            Kind::Invoice => "DeliveredQuantity",
        }
    }
    fn fields(self) -> Fields {
        match self {
            Kind::Order => ORDER_FIELDS,
            Kind::Invoice => INVOICE_FIELDS,
        }
    }
    fn row_fields(self) -> Fields {
        match self {
            Kind::Order => ORDER_ROW_FIELDS,
            Kind::Invoice => INVOICE_ROW_FIELDS,
        }
    }
    pub fn store(self, t: &mut Tenant) -> &mut BTreeMap<u64, Record> {
        match self {
            Kind::Order => &mut t.orders,
            Kind::Invoice => &mut t.invoices,
        }
    }
    pub fn store_ref(self, t: &Tenant) -> &BTreeMap<u64, Record> {
        match self {
            Kind::Order => &t.orders,
            Kind::Invoice => &t.invoices,
        }
    }
    fn counter(self, t: &mut Tenant) -> u64 {
        let c = match self {
            Kind::Order => &mut t.next_order,
            Kind::Invoice => &mut t.next_invoice,
        };
        *c += 1;
        *c
    }
}

/// Validated client input.
pub(crate) struct DocInput {
    pub header: Obj,
    pub rows: Option<Vec<Obj>>,
}

pub(crate) fn parse_input(kind: Kind, mut body: Obj) -> ApiResult<DocInput> {
    let raw_rows = body.remove(kind.rows_key());
    let header = normalize(body, kind.fields())?;
    let rows = match raw_rows {
        None => None,
        Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => Some(
            items
                .into_iter()
                .map(|item| match item {
                    Value::Object(o) => normalize(o, kind.row_fields()),
                    other => Err(ApiError::invalid(kind.rows_key(), &other.to_string())),
                })
                .collect::<ApiResult<Vec<Obj>>>()?,
        ),
        Some(other) => return Err(ApiError::invalid(kind.rows_key(), &other.to_string())),
    };
    Ok(DocInput { header, rows })
}

pub(crate) fn not_found(kind: Kind, number: &str) -> ApiError {
    let what = match kind {
        Kind::Order => "ordern",
        Kind::Invoice => "fakturan",
    };
    ApiError::not_found(code::NOT_FOUND, format!("Kan inte hitta {what} {number}."))
}

/// Parses a document number from the path (non-numbers are simply not found).
pub(crate) fn parse_number(kind: Kind, s: &str) -> ApiResult<u64> {
    s.trim().parse::<u64>().map_err(|_| not_found(kind, s))
}

fn customer_not_found(number: &str) -> ApiError {
    ApiError::bad(
        code::DOC_CUSTOMER_NOT_FOUND,
        format!("Kunde inte hitta kund {number}"),
    )
}

/// Header defaults taken from the customer and the company settings.
fn defaults(kind: Kind, t: &Tenant, customer: &Obj, ctx: &Ctx) -> Obj {
    let c = |k: &str| customer.get(k).cloned().unwrap_or(Value::Null);
    let email = customer
        .get("EmailInvoice")
        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        .cloned()
        .unwrap_or_else(|| c("Email"));
    let preselected = t
        .pricelists
        .values()
        .find(|l| bool_of(&l.data, "PreSelected"))
        .and_then(|l| str_of(&l.data, "Code"))
        .unwrap_or("A")
        .to_string();
    let mut o = json_obj(json!({
        "CustomerName": c("Name"),
        "Address1": c("Address1"),
        "Address2": c("Address2"),
        "ZipCode": c("ZipCode"),
        "City": c("City"),
        "Country": c("Country"),
        "Phone1": c("Phone1"),
        "Phone2": c("Phone2"),
        "OrganisationNumber": c("OrganisationNumber"),
        "DeliveryName": c("DeliveryName"),
        "DeliveryAddress1": c("DeliveryAddress1"),
        "DeliveryAddress2": c("DeliveryAddress2"),
        "DeliveryZipCode": c("DeliveryZipCode"),
        "DeliveryCity": c("DeliveryCity"),
        "DeliveryCountry": c("DeliveryCountry"),
        "Currency": customer.get("Currency").filter(|v| v.is_string()).cloned().unwrap_or(json!("SEK")),
        "PriceList": customer.get("PriceList").filter(|v| v.is_string()).cloned().unwrap_or(json!(preselected)),
        "TermsOfPayment": customer.get("TermsOfPayment").filter(|v| v.is_string()).cloned().unwrap_or(json!("30")),
        "TermsOfDelivery": c("TermsOfDelivery"),
        "WayOfDelivery": c("WayOfDelivery"),
        "YourReference": c("YourReference"),
        "OurReference": c("OurReference"),
        "CostCenter": c("CostCenter"),
        "Project": c("Project"),
        "VATIncluded": bool_of(customer, "ShowPriceVATIncluded"),
        "Freight": money(Decimal::ZERO),
        "AdministrationFee": money(Decimal::ZERO),
        "CurrencyUnit": num(Decimal::ONE),
        "Language": "SV",
        "NotCompleted": false,
        "Cancelled": false,
        "Sent": false,
        "HouseWork": false,
        "WarehouseReady": false,
        "Remarks": "",
        "Labels": [],
        "OfferReference": "0",
        "TaxReductionType": "none",
        "EmailInformation": {
            "EmailAddressFrom": null,
            "EmailAddressTo": email,
            "EmailAddressCC": null,
            "EmailAddressBCC": null,
            "EmailSubject": if kind == Kind::Invoice { "Faktura {no} bifogas" } else { "Order {no} bifogas" },
            "EmailBody": " ",
        },
    }));
    o.insert(kind.date_key().into(), json!(fmt_date(ctx.today)));
    match kind {
        Kind::Invoice => o.extend(json_obj(json!({
            "InvoiceType": "INVOICE",
            "AccountingMethod": "ACCRUAL",
            "Booked": false,
            "Credit": "false",
            "CreditInvoiceReference": "0",
            "OrderReference": "0",
            "ContractReference": 0,
            "Reminders": 0,
            "NoxFinans": false,
            "EUQuarterlyReport": false,
        }))),
        Kind::Order => o.extend(json_obj(json!({
            "InvoiceReference": "0",
            "OrderType": "Order",
            "DeliveryState": "registration",
            "CopyRemarks": false,
        }))),
    }
    o
}

fn validate_header(t: &Tenant, o: &Obj) -> ApiResult<()> {
    for key in ["Country", "DeliveryCountry"] {
        if let Some(name) = str_of(o, key).filter(|s| !s.trim().is_empty()) {
            check_country_name(name)?;
        }
    }
    if let Some(c) = str_of(o, "Currency")
        && !t.currencies.contains_key(c)
    {
        return Err(ApiError::bad(
            code::CURRENCY_NOT_FOUND,
            format!("Valutan {c} finns inte eller är inte aktiverad."),
        ));
    }
    if let Some(p) = str_of(o, "PriceList")
        && !t.pricelists.contains_key(p)
    {
        return Err(ApiError::invalid("PriceList", p));
    }
    for key in [
        "InvoiceDate",
        "OrderDate",
        "DueDate",
        "DeliveryDate",
        "InvoicePeriodStart",
        "InvoicePeriodEnd",
        "OutboundDate",
    ] {
        check_date_field(o, key)?;
    }
    check_enum(
        o,
        "InvoiceType",
        &[
            "INVOICE",
            "AGREEMENTINVOICE",
            "INTRESTINVOICE",
            "SUMMARYINVOICE",
            "CASHINVOICE",
        ],
    )?;
    check_enum(o, "Language", &["SV", "EN"])?;
    check_enum(o, "AccountingMethod", &["ACCRUAL", "CASH"])?;
    check_enum(o, "PaymentWay", &["CASH", "CARD", "AG"])?;
    check_enum(o, "TaxReductionType", &["none", "rot", "rut", "green"])?;
    check_enum(
        o,
        "DeliveryState",
        &["registration", "reservation", "delivery"],
    )?;
    Ok(())
}

fn default_account(vat: Decimal) -> u32 {
    match vat.normalize().to_string().as_str() {
        "12" => 3002,
        "6" => 3003,
        "0" => 3004,
        _ => 3001,
    }
}

fn build_rows(
    kind: Kind,
    t: &mut Tenant,
    doc: &Obj,
    incoming: Vec<Obj>,
    existing: &[Value],
) -> ApiResult<Vec<Value>> {
    let pricelist = str_of(doc, "PriceList").unwrap_or("A").to_string();
    let qkey = kind.qty_key();
    let mut out = Vec::with_capacity(incoming.len());
    // With any RowId in the body rows are matched by id and a row without one is new; without
    // any, Fortnox matches rows by position.
    let by_id = incoming.iter().any(|r| r.get("RowId").is_some());
    for (i, inc) in incoming.into_iter().enumerate() {
        let mut row: Obj = match dec(inc.get("RowId")) {
            Some(id) => existing
                .iter()
                .filter_map(Value::as_object)
                .find(|r| dec(r.get("RowId")) == Some(id))
                .cloned()
                .ok_or_else(|| ApiError::invalid("RowId", &id.to_string()))?,
            None if by_id => Obj::default(),
            None => existing
                .get(i)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        };
        let given: HashSet<String> = inc.keys().cloned().collect();
        let new_article = str_of(&inc, "ArticleNumber").map(str::to_string);
        let article_changed =
            new_article.is_some() && new_article.as_deref() != str_of(&row, "ArticleNumber");
        row.extend(inc);
        row.remove("RowId");
        if let Some(a) = &new_article {
            let art = t.articles.get(a).map(|r| r.data.clone()).ok_or_else(|| {
                ApiError::bad(
                    code::ROW_ARTICLE_NOT_FOUND,
                    format!("Kunde inte hitta artikel {a}"),
                )
            })?;
            if article_changed {
                for key in ["Description", "VAT", "Unit"] {
                    if !given.contains(key) {
                        row.insert(key.into(), art.get(key).cloned().unwrap_or(Value::Null));
                    }
                }
                if !given.contains("Price") {
                    let q = dec_or_zero(row.get(qkey));
                    let price = super::prices::price_for(t, &pricelist, a, q)
                        .or_else(|| dec(art.get("SalesPrice")))
                        .unwrap_or(Decimal::ZERO);
                    row.insert("Price".into(), money(price));
                }
            }
        }
        let vat = dec(row.get("VAT")).unwrap_or(Decimal::from(25));
        check_vat(row.get("VAT"))?;
        if !row.contains_key("AccountNumber") {
            row.insert("AccountNumber".into(), json!(default_account(vat)));
        }
        if let Some(acc) = row.get("AccountNumber").filter(|v| !v.is_null()) {
            let n = dec(Some(acc))
                .filter(|d| d.fract().is_zero())
                .and_then(|d| d.to_u32());
            match n {
                Some(n) if t.accounts.contains_key(&n) => {
                    row.insert("AccountNumber".into(), json!(n));
                }
                _ => {
                    return Err(ApiError::bad(
                        code::ACCOUNT_NOT_FOUND,
                        format!("Kunde inte hitta konto {}", crate::lists::text(Some(acc))),
                    ));
                }
            }
        }
        check_enum(&row, "DiscountType", &["AMOUNT", "PERCENT"])?;
        if kind == Kind::Order && !row.contains_key("DeliveredQuantity") {
            row.insert(
                "DeliveredQuantity".into(),
                row.get("OrderedQuantity").cloned().unwrap_or(Value::Null),
            );
        }
        let q = dec_or_zero(row.get(qkey));
        let has_text = str_of(&row, "Description").is_some_and(|d| !d.trim().is_empty());
        if !q.is_zero() && !has_text && str_of(&row, "ArticleNumber").is_none() {
            return Err(ApiError::bad(
                code::ROW_WITHOUT_TEXT,
                "Raden har antal men saknar text eller artikel.",
            ));
        }
        row.insert("VAT".into(), num(vat.normalize()));
        row.insert("Price".into(), money(dec_or_zero(row.get("Price"))));
        row.insert(
            "Discount".into(),
            num(dec_or_zero(row.get("Discount")).normalize()),
        );
        if !matches!(row.get("DiscountType"), Some(Value::String(_))) {
            row.insert("DiscountType".into(), json!("PERCENT"));
        }
        for key in ["DeliveredQuantity", "OrderedQuantity"] {
            if kind == Kind::Invoice && key == "OrderedQuantity" {
                continue;
            }
            row.insert(key.into(), num_str(dec_or_zero(row.get(key))));
        }
        if kind == Kind::Order {
            row.insert("ReservedQuantity".into(), num_str(Decimal::ZERO));
        }
        if !matches!(row.get("HouseWork"), Some(Value::Bool(_))) {
            row.insert("HouseWork".into(), json!(false));
        }
        row.insert("RowId".into(), json!(t.row_id()));
        out.push(Value::Object(full(kind.row_fields(), row)));
    }
    Ok(out)
}

/// Recomputes row and document totals per `compute`.
fn apply_totals(kind: Kind, t: &Tenant, doc: &mut Obj) {
    let vat_included = bool_of(doc, "VATIncluded");
    let qkey = kind.qty_key();
    let mut rows: Vec<Value> = doc
        .get(kind.rows_key())
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let inputs: Vec<RowInput> = rows
        .iter()
        .filter_map(Value::as_object)
        .map(|r| RowInput {
            quantity: dec_or_zero(r.get(qkey)),
            price: dec_or_zero(r.get("Price")),
            discount: dec_or_zero(r.get("Discount")),
            discount_type: if str_of(r, "DiscountType") == Some("AMOUNT") {
                DiscountType::Amount
            } else {
                DiscountType::Percent
            },
            vat: dec_or_zero(r.get("VAT")),
        })
        .collect();
    let totals = compute::compute(&DocumentInput {
        vat_included,
        freight: dec_or_zero(doc.get("Freight")),
        administration_fee: dec_or_zero(doc.get("AdministrationFee")),
        rows: inputs.clone(),
        rounding: t.rounding,
    });
    for ((row, input), total) in rows.iter_mut().zip(&inputs).zip(&totals.row_totals) {
        if let Value::Object(r) = row {
            r.insert("Total".into(), money(*total));
            if kind == Kind::Invoice {
                r.insert(
                    "TotalExcludingVAT".into(),
                    money(compute::excluding_vat(*total, input.vat, vat_included)),
                );
                r.insert(
                    "PriceExcludingVAT".into(),
                    money(compute::excluding_vat(input.price, input.vat, vat_included)),
                );
            }
        }
    }
    doc.insert(kind.rows_key().into(), Value::Array(rows));
    for (key, v) in [
        ("Net", totals.net),
        ("Gross", totals.gross),
        ("TotalVAT", totals.total_vat),
        ("RoundOff", totals.round_off),
        ("Total", totals.total),
        ("TotalToPay", totals.total_to_pay),
        ("FreightVAT", totals.freight_vat),
        ("AdministrationFeeVAT", totals.administration_fee_vat),
        ("Freight", dec_or_zero(doc.get("Freight"))),
        (
            "AdministrationFee",
            dec_or_zero(doc.get("AdministrationFee")),
        ),
    ] {
        doc.insert(key.into(), money(v));
    }
}

/// OCR reference: document number, a length digit and a Luhn check digit.
pub(crate) fn ocr(number: u64) -> String {
    let base = format!("{number}{}", (number.to_string().len() + 2) % 10);
    let sum: u32 = base
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    format!("{base}{}", (10 - sum % 10) % 10)
}

/// Stock effect of a document's rows (see module doc); `sign` +1 applies, -1 reverts.
pub(crate) fn stock_effect(kind: Kind, t: &mut Tenant, doc: &Obj, sign: Decimal, ctx: &Ctx) {
    let (field, qkey, factor) = match kind {
        Kind::Invoice => ("QuantityInStock", "DeliveredQuantity", -Decimal::ONE),
        Kind::Order => ("ReservedQuantity", "OrderedQuantity", Decimal::ONE),
    };
    let rows: Vec<(String, Decimal)> = doc
        .get(kind.rows_key())
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .filter_map(|r| {
            Some((
                str_of(r, "ArticleNumber")?.to_string(),
                dec_or_zero(r.get(qkey)),
            ))
        })
        .collect();
    for (article, q) in rows {
        adjust_stock(t, &article, field, sign * factor * q, ctx.now);
    }
}

/// Creates a document from validated header fields and rows; returns its number.
pub(crate) fn create(
    kind: Kind,
    t: &mut Tenant,
    ctx: &Ctx,
    header: Obj,
    rows: Vec<Obj>,
) -> ApiResult<u64> {
    let Some(customer_number) = str_of(&header, "CustomerNumber").map(str::to_string) else {
        return Err(ApiError::required("CustomerNumber"));
    };
    let customer = t
        .customers
        .get(&customer_number)
        .map(|r| r.data.clone())
        .ok_or_else(|| customer_not_found(&customer_number))?;
    let mut doc = defaults(kind, t, &customer, ctx);
    let due_given = header.get("DueDate").is_some_and(|v| !v.is_null());
    let rate_given = header.get("CurrencyRate").is_some_and(|v| !v.is_null());
    doc.extend(header);
    validate_header(t, &doc)?;
    if !rate_given {
        let rate = str_of(&doc, "Currency")
            .and_then(|c| t.currencies.get(c))
            .and_then(|c| dec(c.data.get("SellRate")))
            .unwrap_or(Decimal::ONE);
        doc.insert("CurrencyRate".into(), num(rate));
    }
    if kind == Kind::Invoice && !due_given {
        let date = str_of(&doc, "InvoiceDate")
            .and_then(parse_date)
            .unwrap_or(ctx.today);
        let days = str_of(&doc, "TermsOfPayment")
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or(30);
        doc.insert(
            "DueDate".into(),
            json!(fmt_date(date + Duration::days(days))),
        );
    }
    let rows = build_rows(kind, t, &doc, rows, &[])?;
    doc.insert(kind.rows_key().into(), Value::Array(rows));
    let number = kind.counter(t);
    doc.insert("DocumentNumber".into(), json!(number.to_string()));
    if kind == Kind::Invoice && str_of(&doc, "OCR").is_none_or(str::is_empty) {
        doc.insert("OCR".into(), json!(ocr(number)));
    }
    if let Some(Value::Object(email)) = doc.get_mut("EmailInformation")
        && let Some(Value::String(subject)) = email.get_mut("EmailSubject")
    {
        *subject = subject.replace("{no}", &number.to_string());
    }
    apply_totals(kind, t, &mut doc);
    if kind == Kind::Invoice {
        doc.insert(
            "Balance".into(),
            doc.get("Total").cloned().unwrap_or(Value::Null),
        );
        doc.insert("FinalPayDate".into(), Value::Null);
    }
    let doc = full(kind.fields(), doc);
    stock_effect(kind, t, &doc, Decimal::ONE, ctx);
    kind.store(t).insert(number, Record::new(doc, ctx.now));
    if kind == Kind::Invoice {
        ctx.invoice_event(t.id, crate::events::kind::INVOICE_CREATED, number);
    }
    Ok(number)
}

/// Partial update of a document (state checks are done by the caller).
pub(crate) fn update(
    kind: Kind,
    t: &mut Tenant,
    ctx: &Ctx,
    number: u64,
    input: DocInput,
) -> ApiResult<()> {
    let old = kind
        .store_ref(t)
        .get(&number)
        .map(|r| r.data.clone())
        .ok_or_else(|| not_found(kind, &number.to_string()))?;
    let mut doc = old.clone();
    if let Some(c) = str_of(&input.header, "CustomerNumber")
        && !t.customers.contains_key(c)
    {
        return Err(customer_not_found(c));
    }
    if input
        .header
        .get("CustomerNumber")
        .is_some_and(Value::is_null)
    {
        return Err(ApiError::required("CustomerNumber"));
    }
    doc.extend(input.header);
    validate_header(t, &doc)?;
    let existing: Vec<Value> = old
        .get(kind.rows_key())
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let incoming: Vec<Obj> = match input.rows {
        Some(rows) => rows,
        // Rows not sent: keep them (their RowIds are still regenerated).
        None => existing
            .iter()
            .filter_map(Value::as_object)
            .map(|r| {
                let mut r = r.clone();
                r.remove("RowId");
                r
            })
            .collect(),
    };
    let rows = build_rows(kind, t, &doc, incoming, &existing)?;
    doc.insert(kind.rows_key().into(), Value::Array(rows));
    apply_totals(kind, t, &mut doc);
    stock_effect(kind, t, &old, -Decimal::ONE, ctx);
    stock_effect(kind, t, &doc, Decimal::ONE, ctx);
    if let Some(r) = kind.store(t).get_mut(&number) {
        r.data = doc;
        r.modified = ctx.now;
    }
    if kind == Kind::Invoice {
        super::payments::recalc_balance(t, number, ctx);
    }
    Ok(())
}

/// Header fields copied when one document is made from another (order → invoice, credit).
pub(crate) const COPIED_HEADER: &[&str] = &[
    "CustomerNumber",
    "CustomerName",
    "Address1",
    "Address2",
    "ZipCode",
    "City",
    "Country",
    "Phone1",
    "Phone2",
    "DeliveryName",
    "DeliveryAddress1",
    "DeliveryAddress2",
    "DeliveryZipCode",
    "DeliveryCity",
    "DeliveryCountry",
    "DeliveryDate",
    "Currency",
    "CurrencyRate",
    "CurrencyUnit",
    "VATIncluded",
    "PriceList",
    "TermsOfPayment",
    "TermsOfDelivery",
    "WayOfDelivery",
    "YourReference",
    "OurReference",
    "YourOrderNumber",
    "ExternalInvoiceReference1",
    "ExternalInvoiceReference2",
    "Remarks",
    "Comments",
    "CostCenter",
    "Project",
    "Language",
    "Freight",
    "AdministrationFee",
];

/// Row fields copied from one document to another; the quantity is passed separately.
pub(crate) fn copy_row(row: &Obj, qty: Decimal, negate: bool) -> Obj {
    let mut r = crate::envelope::pick(
        row,
        &[
            "ArticleNumber",
            "Description",
            "Price",
            "Discount",
            "DiscountType",
            "VAT",
            "AccountNumber",
            "Unit",
            "CostCenter",
            "Project",
        ],
    );
    // Keep text rows without account (null AccountNumber) as they are.
    r.insert(
        "DeliveredQuantity".into(),
        num_str(if negate { -qty } else { qty }),
    );
    if negate && str_of(row, "DiscountType") == Some("AMOUNT") {
        r.insert("Discount".into(), num(-dec_or_zero(row.get("Discount"))));
    }
    r
}
