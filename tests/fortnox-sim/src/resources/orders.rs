//! `/3/orders` and its actions: `createinvoice`, `cancel`, `externalprint` (PUT), `email` (GET).
//!
//! `createinvoice` creates an invoice billing each row's `DeliveredQuantity` (which defaults to
//! `OrderedQuantity`), sets the invoice's `OrderReference` and the order's `InvoiceReference`,
//! and returns `{"Invoice": …}`. Invoiced or cancelled orders cannot be changed.

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
use crate::clock::fmt_date;
use crate::envelope::{self, Obj, bool_of, dec_or_zero, str_of};
use crate::errors::{ApiError, ApiResult};
use crate::lists::{self, ListParams, ListSpec, bool_param_matches};
use crate::state::{SimState, Tenant};
use crate::validate::parse_body;

const KIND: Kind = Kind::Order;

const LIST_KEYS: &[&str] = &[
    "Cancelled",
    "Currency",
    "CustomerName",
    "CustomerNumber",
    "DeliveryDate",
    "DocumentNumber",
    "ExternalInvoiceReference1",
    "ExternalInvoiceReference2",
    "OrderDate",
    "OrderType",
    "Project",
    "Sent",
    "Total",
];

const SPEC: ListSpec = ListSpec {
    filters: &[
        "cancelled",
        "expired",
        "invoicecreated",
        "invoicenotcreated",
    ],
    sorts: &[
        ("customername", "CustomerName"),
        ("customernumber", "CustomerNumber"),
        ("orderdate", "OrderDate"),
        ("documentnumber", "DocumentNumber"),
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
        ("ordertype", "OrderType"),
    ],
    lastmodified: true,
    default_sort: "DocumentNumber",
};

fn invoiced(o: &Obj) -> bool {
    str_of(o, "InvoiceReference").is_some_and(|r| !r.is_empty() && r != "0")
}

fn filter(name: &str, o: &Obj, today: &str) -> bool {
    let cancelled = bool_of(o, "Cancelled");
    match name {
        "cancelled" => cancelled,
        "invoicecreated" => invoiced(o),
        "invoicenotcreated" => !cancelled && !invoiced(o),
        // Not invoiced, not cancelled, delivery date passed.
        "expired" => {
            !cancelled && !invoiced(o) && str_of(o, "DeliveryDate").is_some_and(|d| d < today)
        }
        _ => true,
    }
}

fn extra(p: &ListParams, o: &Obj) -> bool {
    let date = str_of(o, "OrderDate").unwrap_or("");
    p.get("fromdate").is_none_or(|f| date >= f)
        && p.get("todate").is_none_or(|t| date <= t)
        && bool_param_matches(p, "sent", o, "Sent")
        && bool_param_matches(p, "notcompleted", o, "NotCompleted")
}

fn render(ctx: &Ctx, t: &Tenant, number: u64) -> ApiResult<Value> {
    let r = t
        .orders
        .get(&number)
        .ok_or_else(|| not_found(KIND, &number.to_string()))?;
    Ok(with_url(&ctx.base, "orders", "DocumentNumber", &r.data))
}

fn get_order(t: &Tenant, number: u64) -> ApiResult<Obj> {
    t.orders
        .get(&number)
        .map(|r| r.data.clone())
        .ok_or_else(|| not_found(KIND, &number.to_string()))
}

fn set_fields(t: &mut Tenant, ctx: &Ctx, number: u64, fields: &[(&str, Value)]) {
    if let Some(r) = t.orders.get_mut(&number) {
        for (k, v) in fields {
            r.data.insert((*k).into(), v.clone());
        }
        r.modified = ctx.now;
    }
}

fn check_open(o: &Obj) -> ApiResult<()> {
    if bool_of(o, "Cancelled") {
        return Err(ApiError::state("Ordern är makulerad."));
    }
    if invoiced(o) {
        return Err(ApiError::state("Ordern är redan fakturerad."));
    }
    Ok(())
}

pub(crate) fn create(t: &mut Tenant, ctx: &Ctx, input: DocInput) -> ApiResult<u64> {
    documents::create(KIND, t, ctx, input.header, input.rows.unwrap_or_default())
}

fn create_invoice(t: &mut Tenant, ctx: &Ctx, number: u64) -> ApiResult<u64> {
    let order = get_order(t, number)?;
    check_open(&order)?;
    let header = envelope::pick(&order, COPIED_HEADER);
    let rows: Vec<Obj> = order
        .get("OrderRows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|r| copy_row(r, dec_or_zero(r.get("DeliveredQuantity")), false))
        .collect();
    let invoice = documents::create(Kind::Invoice, t, ctx, header, rows)?;
    if let Some(r) = t.invoices.get_mut(&invoice) {
        r.data
            .insert("OrderReference".into(), json!(number.to_string()));
    }
    documents::stock_effect(KIND, t, &order, -Decimal::ONE, ctx);
    set_fields(
        t,
        ctx,
        number,
        &[("InvoiceReference", json!(invoice.to_string()))],
    );
    Ok(invoice)
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
        t.orders.values(),
        &p,
        &SPEC,
        |f, o| filter(f, o, &today),
        |o| extra(&p, o),
    );
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, "orders", "DocumentNumber", &r.data, LIST_KEYS))
        .collect();
    Ok(envelope::list("Orders", items, meta))
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
    Ok(envelope::ok("Order", render(&ctx, t, number)?))
}

pub(crate) async fn create_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_input(KIND, parse_body(&body, "Order")?)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let number = create(t, &ctx, input)?;
    Ok(envelope::created("Order", render(&ctx, t, number)?))
}

pub(crate) async fn update_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let number = parse_number(KIND, &number)?;
    let input = parse_input(KIND, parse_body(&body, "Order")?)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    check_open(&get_order(t, number)?)?;
    documents::update(KIND, t, &ctx, number, input)?;
    Ok(envelope::ok("Order", render(&ctx, t, number)?))
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
        "createinvoice" => {
            let invoice = create_invoice(t, &ctx, number)?;
            return Ok(envelope::ok(
                "Invoice",
                super::invoices::render(&ctx, t, invoice)?,
            ));
        }
        "cancel" => {
            let order = get_order(t, number)?;
            check_open(&order)?;
            documents::stock_effect(KIND, t, &order, -Decimal::ONE, &ctx);
            set_fields(t, &ctx, number, &[("Cancelled", json!(true))]);
        }
        "externalprint" => {
            if bool_of(&get_order(t, number)?, "Cancelled") {
                return Err(ApiError::state("Ordern är makulerad."));
            }
            set_fields(t, &ctx, number, &[("Sent", json!(true))]);
        }
        _ => return Err(no_such_action()),
    }
    Ok(envelope::ok("Order", render(&ctx, t, number)?))
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
        "email" => {
            get_order(t, number)?;
            set_fields(t, &ctx, number, &[("Sent", json!(true))]);
        }
        _ => return Err(no_such_action()),
    }
    Ok(envelope::ok("Order", render(&ctx, t, number)?))
}
