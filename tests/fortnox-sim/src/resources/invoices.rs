//! `/3/invoices` and its actions: `bookkeep`, `cancel`, `credit`, `externalprint` (PUT) and
//! `email` (GET).
//!
//! - Booked invoices are immutable (PUT → 400) and cannot be cancelled (credit them instead).
//! - `credit` creates one credit invoice (negated rows, `Credit: "true"`,
//!   `CreditInvoiceReference` = the original) and sets the original's `CreditInvoiceReference`
//!   to the credit note's number; it returns the original. A second credit → 400. Crediting
//!   leaves the original's `Balance` unchanged (Fortnox behaviour unverified).
//! - Unset references are `"0"` as in Fortnox (`CreditInvoiceReference`, `OrderReference`).
//! - `email` and `externalprint` set `Sent`.
//! - Changes feed the `invoices` WebSocket topic (`crate::events`): created (also for credit
//!   notes and invoices made from orders), updated (PUT, credit of the original, email,
//!   externalprint), bookkeep, cancelled.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::documents::{
    self, COPIED_HEADER, DocInput, Kind, copy_row, not_found, parse_input, parse_number,
};
use super::{Ctx, list_item, with_url};
use crate::bearer::AuthInfo;
use crate::clock::{fmt_date, parse_date};
use crate::envelope::{self, Obj, bool_of, dec_or_zero, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::events::kind;
use crate::lists::{self, ListParams, ListSpec, bool_param_matches, contains_ci, text};
use crate::state::{SimState, Tenant};
use crate::validate::parse_body;

const KIND: Kind = Kind::Invoice;

const LIST_KEYS: &[&str] = &[
    "Balance",
    "Booked",
    "Cancelled",
    "CostCenter",
    "Currency",
    "CurrencyRate",
    "CurrencyUnit",
    "CustomerName",
    "CustomerNumber",
    "DocumentNumber",
    "DueDate",
    "ExternalInvoiceReference1",
    "ExternalInvoiceReference2",
    "FinalPayDate",
    "InvoiceDate",
    "InvoiceType",
    "NoxFinans",
    "OCR",
    "Project",
    "Sent",
    "TermsOfPayment",
    "Total",
    "VoucherNumber",
    "VoucherSeries",
    "VoucherYear",
    "WayOfDelivery",
];

const SPEC: ListSpec = ListSpec {
    filters: &[
        "cancelled",
        "fullypaid",
        "unpaid",
        "unpaidoverdue",
        "unbooked",
    ],
    sorts: &[
        ("customername", "CustomerName"),
        ("customernumber", "CustomerNumber"),
        ("documentnumber", "DocumentNumber"),
        ("invoicedate", "InvoiceDate"),
        ("ocr", "OCR"),
        ("total", "Total"),
    ],
    search: &[
        ("customername", "CustomerName"),
        ("customernumber", "CustomerNumber"),
        ("documentnumber", "DocumentNumber"),
        ("externalinvoicereference1", "ExternalInvoiceReference1"),
        ("externalinvoicereference2", "ExternalInvoiceReference2"),
        ("costcenter", "CostCenter"),
        ("project", "Project"),
        ("ourreference", "OurReference"),
        ("yourreference", "YourReference"),
        ("ocr", "OCR"),
        ("invoicetype", "InvoiceType"),
        ("currency", "Currency"),
        ("yourordernumber", "YourOrderNumber"),
    ],
    lastmodified: true,
    default_sort: "DocumentNumber",
};

fn filter(name: &str, o: &Obj, today: &str) -> bool {
    let cancelled = bool_of(o, "Cancelled");
    let balance = dec_or_zero(o.get("Balance"));
    match name {
        "cancelled" => cancelled,
        "fullypaid" => !cancelled && balance.is_zero(),
        "unpaid" => !cancelled && !balance.is_zero(),
        "unpaidoverdue" => {
            !cancelled && !balance.is_zero() && str_of(o, "DueDate").is_some_and(|d| d < today)
        }
        "unbooked" => !cancelled && !bool_of(o, "Booked"),
        _ => true,
    }
}

fn in_range(p: &ListParams, from: &str, to: &str, value: Option<&str>) -> bool {
    let v = value.unwrap_or("");
    p.get(from).is_none_or(|f| !v.is_empty() && v >= f)
        && p.get(to).is_none_or(|t| !v.is_empty() && v <= t)
}

/// Search parameters that are not plain field substrings.
fn extra(p: &ListParams, o: &Obj) -> bool {
    let rows: Vec<&Obj> = o
        .get("InvoiceRows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    let account_range = p.get("accountnumberfrom").is_some() || p.get("accountnumberto").is_some();
    in_range(p, "fromdate", "todate", str_of(o, "InvoiceDate"))
        && in_range(
            p,
            "fromfinalpaydate",
            "tofinalpaydate",
            str_of(o, "FinalPayDate"),
        )
        && bool_param_matches(p, "sent", o, "Sent")
        && bool_param_matches(p, "notcompleted", o, "NotCompleted")
        && bool_param_matches(p, "credit", o, "Credit")
        && p.get("articlenumber").is_none_or(|a| {
            rows.iter()
                .any(|r| contains_ci(&text(r.get("ArticleNumber")), a))
        })
        && p.get("articledescription").is_none_or(|a| {
            rows.iter()
                .any(|r| contains_ci(&text(r.get("Description")), a))
        })
        && (!account_range
            || rows.iter().any(|r| {
                let acc = dec_or_zero(r.get("AccountNumber"));
                let from = p.get("accountnumberfrom").and_then(envelope::parse_dec);
                let to = p.get("accountnumberto").and_then(envelope::parse_dec);
                !acc.is_zero() && from.is_none_or(|f| acc >= f) && to.is_none_or(|t| acc <= t)
            }))
}

pub(crate) fn render(ctx: &Ctx, t: &Tenant, number: u64) -> ApiResult<Value> {
    let r = t
        .invoices
        .get(&number)
        .ok_or_else(|| not_found(KIND, &number.to_string()))?;
    Ok(with_url(&ctx.base, "invoices", "DocumentNumber", &r.data))
}

fn get_invoice(t: &Tenant, number: u64) -> ApiResult<Obj> {
    t.invoices
        .get(&number)
        .map(|r| r.data.clone())
        .ok_or_else(|| not_found(KIND, &number.to_string()))
}

fn set_fields(t: &mut Tenant, ctx: &Ctx, number: u64, fields: &[(&str, Value)]) {
    if let Some(r) = t.invoices.get_mut(&number) {
        for (k, v) in fields {
            r.data.insert((*k).into(), v.clone());
        }
        r.modified = ctx.now;
    }
}

pub(crate) fn create(t: &mut Tenant, ctx: &Ctx, input: DocInput) -> ApiResult<u64> {
    documents::create(KIND, t, ctx, input.header, input.rows.unwrap_or_default())
}

fn update(t: &mut Tenant, ctx: &Ctx, number: u64, input: DocInput) -> ApiResult<()> {
    let inv = get_invoice(t, number)?;
    if bool_of(&inv, "Booked") {
        return Err(ApiError::state("Fakturan är bokförd och kan inte ändras."));
    }
    if bool_of(&inv, "Cancelled") {
        return Err(ApiError::state(
            "Fakturan är makulerad och kan inte ändras.",
        ));
    }
    documents::update(KIND, t, ctx, number, input)?;
    ctx.invoice_event(t.id, kind::INVOICE_UPDATED, number);
    Ok(())
}

fn bookkeep(t: &mut Tenant, ctx: &Ctx, number: u64) -> ApiResult<()> {
    let inv = get_invoice(t, number)?;
    if bool_of(&inv, "Cancelled") {
        return Err(ApiError::state(
            "Fakturan är makulerad och kan inte bokföras.",
        ));
    }
    if bool_of(&inv, "Booked") {
        return Err(ApiError::state("Fakturan är redan bokförd."));
    }
    let date = str_of(&inv, "InvoiceDate")
        .and_then(parse_date)
        .unwrap_or(ctx.today);
    let year = t.financial_year_for(date).ok_or_else(|| {
        ApiError::bad(
            code::NO_FINANCIAL_YEAR,
            format!("Räkenskapsår saknas för {}.", fmt_date(date)),
        )
    })?;
    let voucher = t.voucher();
    set_fields(
        t,
        ctx,
        number,
        &[
            ("Booked", json!(true)),
            ("VoucherNumber", json!(voucher)),
            ("VoucherSeries", json!("B")),
            ("VoucherYear", json!(year)),
        ],
    );
    ctx.invoice_event(t.id, kind::INVOICE_BOOKKEEP, number);
    Ok(())
}

fn cancel(t: &mut Tenant, ctx: &Ctx, number: u64) -> ApiResult<()> {
    let inv = get_invoice(t, number)?;
    if bool_of(&inv, "Booked") {
        return Err(ApiError::state(
            "Fakturan är bokförd och kan inte makuleras. Kreditera den i stället.",
        ));
    }
    if bool_of(&inv, "Cancelled") {
        return Err(ApiError::state("Fakturan är redan makulerad."));
    }
    if super::payments::payment_count(t, number) > 0 {
        return Err(ApiError::state(
            "Fakturan har inbetalningar och kan inte makuleras.",
        ));
    }
    documents::stock_effect(KIND, t, &inv, -Decimal::ONE, ctx);
    set_fields(t, ctx, number, &[("Cancelled", json!(true))]);
    ctx.invoice_event(t.id, kind::INVOICE_CANCELLED, number);
    Ok(())
}

fn credit(t: &mut Tenant, ctx: &Ctx, number: u64) -> ApiResult<()> {
    let inv = get_invoice(t, number)?;
    if bool_of(&inv, "Cancelled") {
        return Err(ApiError::state(
            "Fakturan är makulerad och kan inte krediteras.",
        ));
    }
    if str_of(&inv, "Credit") == Some("true") {
        return Err(ApiError::state("En kreditfaktura kan inte krediteras."));
    }
    if str_of(&inv, "CreditInvoiceReference").is_some_and(|r| !r.is_empty() && r != "0") {
        return Err(ApiError::state("Fakturan är redan krediterad."));
    }
    let mut header = envelope::pick(&inv, COPIED_HEADER);
    for key in ["Freight", "AdministrationFee"] {
        header.insert(key.into(), envelope::money(-dec_or_zero(inv.get(key))));
    }
    let inv_date = str_of(&inv, "InvoiceDate")
        .and_then(parse_date)
        .unwrap_or(ctx.today);
    header.insert(
        "InvoiceDate".into(),
        json!(fmt_date(inv_date.max(ctx.today))),
    );
    let rows: Vec<Obj> = inv
        .get("InvoiceRows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|r| copy_row(r, dec_or_zero(r.get("DeliveredQuantity")), true))
        .collect();
    let credit_no = documents::create(KIND, t, ctx, header, rows)?;
    set_fields(
        t,
        ctx,
        credit_no,
        &[
            ("Credit", json!("true")),
            ("CreditInvoiceReference", json!(number.to_string())),
        ],
    );
    set_fields(
        t,
        ctx,
        number,
        &[("CreditInvoiceReference", json!(credit_no.to_string()))],
    );
    ctx.invoice_event(t.id, kind::INVOICE_UPDATED, number);
    Ok(())
}

fn mark_sent(t: &mut Tenant, ctx: &Ctx, number: u64) -> ApiResult<()> {
    let inv = get_invoice(t, number)?;
    if bool_of(&inv, "Cancelled") {
        return Err(ApiError::state("Fakturan är makulerad."));
    }
    if !bool_of(&inv, "Sent") {
        set_fields(t, ctx, number, &[("Sent", json!(true))]);
    }
    ctx.invoice_event(t.id, kind::INVOICE_UPDATED, number);
    Ok(())
}

pub(crate) async fn list(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let today = fmt_date(ctx.today);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(
        t.invoices.values(),
        &p,
        &SPEC,
        |f, o| filter(f, o, &today),
        |o| extra(&p, o),
    );
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, "invoices", "DocumentNumber", &r.data, LIST_KEYS))
        .collect();
    Ok(envelope::list("Invoices", items, meta))
}

pub(crate) async fn get_one(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let number = parse_number(KIND, &number)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    Ok(envelope::ok("Invoice", render(&ctx, t, number)?))
}

pub(crate) async fn create_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_input(KIND, parse_body(&body, "Invoice")?)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let number = create(t, &ctx, input)?;
    Ok(envelope::created("Invoice", render(&ctx, t, number)?))
}

pub(crate) async fn update_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let number = parse_number(KIND, &number)?;
    let input = parse_input(KIND, parse_body(&body, "Invoice")?)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    update(t, &ctx, number, input)?;
    Ok(envelope::ok("Invoice", render(&ctx, t, number)?))
}

fn no_such_action() -> ApiError {
    ApiError::not_found(2000762, "No such route")
}

pub(crate) async fn put_action(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((number, action)): Path<(String, String)>,
) -> ApiResult<Response> {
    let number = parse_number(KIND, &number)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    match action.as_str() {
        "bookkeep" => bookkeep(t, &ctx, number)?,
        "cancel" => cancel(t, &ctx, number)?,
        "credit" => credit(t, &ctx, number)?,
        "externalprint" => mark_sent(t, &ctx, number)?,
        _ => return Err(no_such_action()),
    }
    Ok(envelope::ok("Invoice", render(&ctx, t, number)?))
}

pub(crate) async fn get_action(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((number, action)): Path<(String, String)>,
) -> ApiResult<Response> {
    let number = parse_number(KIND, &number)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    match action.as_str() {
        "email" => mark_sent(t, &ctx, number)?,
        _ => return Err(no_such_action()),
    }
    Ok(envelope::ok("Invoice", render(&ctx, t, number)?))
}
