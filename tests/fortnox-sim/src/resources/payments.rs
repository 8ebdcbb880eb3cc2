//! `/3/invoicepayments`: payments reduce the invoice's `Balance` by `Amount` plus the sum of
//! `WriteOffs[].Amount`; when the balance reaches 0 the invoice's `FinalPayDate` is the latest
//! payment date. Unbooked payments can be changed or deleted (restoring the balance); booked
//! ones cannot. `invoicenumber` filters exactly (not by substring).
//!
//! Bookkeeping and deleting a payment feed the `invoices` WebSocket topic
//! (`invoicepayment-bookkeep-v1`, `invoicepayment-deleted-v1`, entityId = `Number`); creating
//! or changing one emits nothing (`crate::events`).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};

use super::customers::json_obj;
use super::{Ctx, full, list_item, with_url};
use crate::bearer::AuthInfo;
use crate::clock::{fmt_date, parse_date};
use crate::envelope::{self, Obj, bool_of, dec, dec_or_zero, money, num, num_str, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::events::kind;
use crate::lists::{self, ListSpec};
use crate::state::{Record, SimState, Tenant};
use crate::validate::{F, Fields, normalize, parse_body};

const FIELDS: Fields = &[
    ("@url", F::R),
    ("Amount", F::N),
    ("AmountCurrency", F::N),
    ("Booked", F::R),
    ("Currency", F::R),
    ("CurrencyRate", F::N),
    ("CurrencyUnit", F::N),
    ("ExternalInvoiceReference1", F::R),
    ("ExternalInvoiceReference2", F::R),
    ("InvoiceCustomerName", F::R),
    ("InvoiceCustomerNumber", F::R),
    ("InvoiceDueDate", F::R),
    ("InvoiceNumber", F::N),
    ("InvoiceOCR", F::R),
    ("InvoiceTotal", F::R),
    ("ModeOfPayment", F::S(100)),
    ("ModeOfPaymentAccount", F::N),
    ("Number", F::R),
    ("PaymentDate", F::S(10)),
    ("Source", F::R),
    ("VoucherNumber", F::R),
    ("VoucherSeries", F::R),
    ("VoucherYear", F::R),
    ("WriteOffs", F::J),
];

const LIST_KEYS: &[&str] = &[
    "Amount",
    "Booked",
    "Currency",
    "CurrencyRate",
    "CurrencyUnit",
    "InvoiceNumber",
    "Number",
    "PaymentDate",
    "Source",
    "WriteOffExist",
];

const SPEC: ListSpec = ListSpec {
    filters: &[],
    sorts: &[("paymentdate", "PaymentDate")],
    search: &[],
    lastmodified: true,
    default_sort: "Number",
};

fn not_found(number: &str) -> ApiError {
    ApiError::not_found(
        code::NOT_FOUND,
        format!("Kan inte hitta inbetalningen {number}."),
    )
}

fn parse_number(s: &str) -> ApiResult<u64> {
    s.trim().parse::<u64>().map_err(|_| not_found(s))
}

/// Amount a payment settles on its invoice: `Amount` + Σ `WriteOffs[].Amount`.
fn settled(p: &Obj) -> Decimal {
    let write_offs: Decimal = p
        .get("WriteOffs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|w| dec_or_zero(w.get("Amount")))
        .sum();
    dec_or_zero(p.get("Amount")) + write_offs
}

/// Recomputes `Balance` and `FinalPayDate` of an invoice from its payments.
pub(crate) fn recalc_balance(t: &mut Tenant, invoice: u64, ctx: &Ctx) {
    let inv_dec = Decimal::from(invoice);
    let payments: Vec<&Record> = t
        .payments
        .values()
        .filter(|p| dec(p.data.get("InvoiceNumber")) == Some(inv_dec))
        .collect();
    let paid: Decimal = payments.iter().map(|p| settled(&p.data)).sum();
    let last_date = payments
        .iter()
        .filter_map(|p| str_of(&p.data, "PaymentDate").map(str::to_string))
        .max();
    let Some(r) = t.invoices.get_mut(&invoice) else {
        return;
    };
    let balance = dec_or_zero(r.data.get("Total")) - paid;
    let final_pay = match last_date {
        Some(d) if balance.is_zero() => json!(d),
        _ => Value::Null,
    };
    let new_balance = money(balance);
    if r.data.get("Balance") != Some(&new_balance) || r.data.get("FinalPayDate") != Some(&final_pay)
    {
        r.data.insert("Balance".into(), new_balance);
        r.data.insert("FinalPayDate".into(), final_pay);
        r.modified = ctx.now;
    }
}

/// Number of payments registered on an invoice.
pub(crate) fn payment_count(t: &Tenant, invoice: u64) -> usize {
    let inv_dec = Decimal::from(invoice);
    t.payments
        .values()
        .filter(|p| dec(p.data.get("InvoiceNumber")) == Some(inv_dec))
        .count()
}

fn check_accounts(t: &Tenant, o: &Obj) -> ApiResult<()> {
    let mut accounts: Vec<Value> = o.get("ModeOfPaymentAccount").into_iter().cloned().collect();
    if let Some(w) = o.get("WriteOffs") {
        let Some(list) = w.as_array() else {
            return Err(ApiError::invalid("WriteOffs", &w.to_string()));
        };
        for item in list {
            if dec(item.get("Amount")).is_none() {
                return Err(ApiError::required("WriteOffs.Amount"));
            }
            accounts.push(item.get("AccountNumber").cloned().unwrap_or(Value::Null));
        }
    }
    for a in accounts.iter().filter(|a| !a.is_null()) {
        let ok = dec(Some(a)).is_some_and(|d| t.accounts.keys().any(|n| Decimal::from(*n) == d));
        if !ok {
            return Err(ApiError::bad(
                code::ACCOUNT_NOT_FOUND,
                format!("Kunde inte hitta konto {}", lists::text(Some(a))),
            ));
        }
    }
    Ok(())
}

/// Payment date must be a date, not before the invoice date, inside a financial year.
fn check_date(t: &Tenant, o: &Obj, invoice: &Obj) -> ApiResult<()> {
    let Some(s) = str_of(o, "PaymentDate") else {
        return Err(ApiError::required("PaymentDate"));
    };
    let date = parse_date(s).ok_or_else(|| ApiError::invalid("PaymentDate", s))?;
    if let Some(inv_date) = str_of(invoice, "InvoiceDate").and_then(parse_date)
        && date < inv_date
    {
        return Err(ApiError::bad(
            code::PAYMENT_DATE,
            format!(
                "Betalningsdatum {s} kan inte vara före fakturadatum {}.",
                fmt_date(inv_date)
            ),
        ));
    }
    if t.financial_year_for(date).is_none() {
        return Err(ApiError::bad(
            code::NO_FINANCIAL_YEAR,
            format!("Räkenskapsår saknas för datum {s}."),
        ));
    }
    Ok(())
}

pub(crate) fn create(t: &mut Tenant, ctx: &Ctx, body: Obj) -> ApiResult<u64> {
    let input = normalize(body, FIELDS)?;
    let Some(inv_dec) = dec(input.get("InvoiceNumber")) else {
        return Err(ApiError::required("InvoiceNumber"));
    };
    let invoice_number = Some(inv_dec)
        .filter(|d| d.fract().is_zero())
        .and_then(|d| d.to_u64());
    let invoice = invoice_number
        .and_then(|n| t.invoices.get(&n))
        .map(|r| r.data.clone())
        .ok_or_else(|| {
            ApiError::bad(
                code::NOT_FOUND,
                format!("Kan inte hitta fakturan {inv_dec}."),
            )
        })?;
    let invoice_number = invoice_number.unwrap_or_default();
    if dec(input.get("Amount")).is_none() {
        return Err(ApiError::required("Amount"));
    }
    if bool_of(&invoice, "Cancelled") {
        return Err(ApiError::state("Fakturan är makulerad."));
    }
    let amount = dec_or_zero(input.get("Amount"));
    let mut o = json_obj(json!({
        "AmountCurrency": money(amount),
        "Booked": false,
        "Currency": invoice.get("Currency"),
        "CurrencyRate": num(Decimal::ONE),
        "CurrencyUnit": num(Decimal::ONE),
        "ExternalInvoiceReference1": invoice.get("ExternalInvoiceReference1"),
        "ExternalInvoiceReference2": invoice.get("ExternalInvoiceReference2"),
        "InvoiceCustomerName": invoice.get("CustomerName"),
        "InvoiceCustomerNumber": invoice.get("CustomerNumber"),
        "InvoiceDueDate": invoice.get("DueDate"),
        "InvoiceOCR": invoice.get("OCR"),
        "InvoiceTotal": num_str(dec_or_zero(invoice.get("Total"))),
        "ModeOfPayment": null,
        "ModeOfPaymentAccount": 1930,
        "PaymentDate": fmt_date(ctx.today),
        "Source": "direct",
        "WriteOffs": [],
    }));
    o.extend(input);
    o.insert("Amount".into(), money(amount));
    o.insert("InvoiceNumber".into(), json!(invoice_number));
    check_date(t, &o, &invoice)?;
    check_accounts(t, &o)?;
    t.next_payment += 1;
    let number = t.next_payment;
    o.insert("Number".into(), json!(number.to_string()));
    let write_off = o
        .get("WriteOffs")
        .and_then(Value::as_array)
        .is_some_and(|w| !w.is_empty());
    o.insert("WriteOffExist".into(), json!(write_off));
    t.payments
        .insert(number, Record::new(full(FIELDS, o), ctx.now));
    recalc_balance(t, invoice_number, ctx);
    Ok(number)
}

fn update(t: &mut Tenant, ctx: &Ctx, number: u64, body: Obj) -> ApiResult<()> {
    let mut input = normalize(body, FIELDS)?;
    input.remove("InvoiceNumber");
    let mut o = t
        .payments
        .get(&number)
        .map(|r| r.data.clone())
        .ok_or_else(|| not_found(&number.to_string()))?;
    if bool_of(&o, "Booked") {
        return Err(ApiError::state(
            "Inbetalningen är bokförd och kan inte ändras.",
        ));
    }
    if let Some(a) = dec(input.get("Amount")) {
        input.insert("Amount".into(), money(a));
    }
    o.extend(input);
    let invoice_number = dec(o.get("InvoiceNumber"))
        .and_then(|d| d.to_u64())
        .unwrap_or_default();
    let invoice = t
        .invoices
        .get(&invoice_number)
        .map(|r| r.data.clone())
        .unwrap_or_default();
    check_date(t, &o, &invoice)?;
    check_accounts(t, &o)?;
    let write_off = o
        .get("WriteOffs")
        .and_then(Value::as_array)
        .is_some_and(|w| !w.is_empty());
    o.insert("WriteOffExist".into(), json!(write_off));
    if let Some(r) = t.payments.get_mut(&number) {
        r.data = o;
        r.modified = ctx.now;
    }
    recalc_balance(t, invoice_number, ctx);
    Ok(())
}

fn render(ctx: &Ctx, t: &Tenant, number: u64) -> ApiResult<Value> {
    let r = t
        .payments
        .get(&number)
        .ok_or_else(|| not_found(&number.to_string()))?;
    let mut v = with_url(&ctx.base, "invoicepayments", "Number", &r.data);
    if let Value::Object(o) = &mut v {
        o.remove("WriteOffExist");
    }
    Ok(v)
}

pub(crate) async fn list(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &SPEC)?;
    let invoice = p.get("invoicenumber").map(envelope::parse_dec);
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(
        t.payments.values(),
        &p,
        &SPEC,
        |_, _| true,
        |o| match invoice {
            Some(n) => n.is_some() && dec(o.get("InvoiceNumber")) == n,
            None => true,
        },
    );
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, "invoicepayments", "Number", &r.data, LIST_KEYS))
        .collect();
    Ok(envelope::list("InvoicePayments", items, meta))
}

pub(crate) async fn get_one(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let number = parse_number(&number)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    Ok(envelope::ok("InvoicePayment", render(&ctx, t, number)?))
}

pub(crate) async fn create_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "InvoicePayment")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let number = create(t, &ctx, input)?;
    Ok(envelope::created(
        "InvoicePayment",
        render(&ctx, t, number)?,
    ))
}

pub(crate) async fn update_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let number = parse_number(&number)?;
    let input = parse_body(&body, "InvoicePayment")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    update(t, &ctx, number, input)?;
    Ok(envelope::ok("InvoicePayment", render(&ctx, t, number)?))
}

pub(crate) async fn delete_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let number = parse_number(&number)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let p = t
        .payments
        .get(&number)
        .ok_or_else(|| not_found(&number.to_string()))?;
    if bool_of(&p.data, "Booked") {
        return Err(ApiError::state(
            "Inbetalningen är bokförd och kan inte tas bort.",
        ));
    }
    let invoice = dec(p.data.get("InvoiceNumber"))
        .and_then(|d| d.to_u64())
        .unwrap_or_default();
    t.payments.remove(&number);
    recalc_balance(t, invoice, &ctx);
    ctx.invoice_event(t.id, kind::PAYMENT_DELETED, number);
    Ok(envelope::no_content())
}

pub(crate) async fn bookkeep(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let number = parse_number(&number)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let p = t
        .payments
        .get(&number)
        .ok_or_else(|| not_found(&number.to_string()))?;
    if bool_of(&p.data, "Booked") {
        return Err(ApiError::state("Inbetalningen är redan bokförd."));
    }
    let date = str_of(&p.data, "PaymentDate")
        .and_then(parse_date)
        .unwrap_or(ctx.today);
    let year = t.financial_year_for(date).ok_or_else(|| {
        ApiError::bad(
            code::NO_FINANCIAL_YEAR,
            "Räkenskapsår saknas för betalningsdatumet.",
        )
    })?;
    let voucher = t.voucher();
    if let Some(r) = t.payments.get_mut(&number) {
        r.data.insert("Booked".into(), json!(true));
        r.data.insert("VoucherNumber".into(), json!(voucher));
        r.data.insert("VoucherSeries".into(), json!("C"));
        r.data.insert("VoucherYear".into(), json!(year));
        r.modified = ctx.now;
    }
    ctx.invoice_event(t.id, kind::PAYMENT_BOOKKEEP, number);
    Ok(envelope::ok("InvoicePayment", render(&ctx, t, number)?))
}
