//! Read-only reference data: `/3/accounts` (BAS accounts seeded per tenant), `/3/currencies`
//! (SEK, EUR, USD, NOK, DKK; `lastmodified` is rejected with 2000588 like Fortnox) and
//! `/3/financialyears` (one covering the year the tenant was created in; `?date=` filters).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::Value;

use super::{Ctx, with_url};
use crate::bearer::AuthInfo;
use crate::clock::parse_date;
use crate::envelope;
use crate::errors::{ApiError, ApiResult, code};
use crate::lists::{self, ListSpec};
use crate::state::SimState;

const ACCOUNT_SPEC: ListSpec = ListSpec {
    filters: &[],
    sorts: &[("number", "Number")],
    search: &[("description", "Description")],
    lastmodified: true,
    default_sort: "Number",
};

const CURRENCY_SPEC: ListSpec = ListSpec {
    filters: &[],
    sorts: &[("code", "Code")],
    search: &[],
    lastmodified: false,
    default_sort: "Code",
};

const YEAR_SPEC: ListSpec = ListSpec {
    filters: &[],
    sorts: &[],
    search: &[],
    lastmodified: false,
    default_sort: "Id",
};

pub(crate) async fn list_accounts(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &ACCOUNT_SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(
        t.accounts.values(),
        &p,
        &ACCOUNT_SPEC,
        |_, _| true,
        |_| true,
    );
    let items = page
        .into_iter()
        .map(|r| with_url(&ctx.base, "accounts", "Number", &r.data))
        .collect();
    Ok(envelope::list("Accounts", items, meta))
}

pub(crate) async fn get_account(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let r = number
        .trim()
        .parse::<u32>()
        .ok()
        .and_then(|n| t.accounts.get(&n))
        .ok_or_else(|| {
            ApiError::not_found(code::ACCOUNT_GET_NOT_FOUND, "Kan inte hitta kontot.")
        })?;
    Ok(envelope::ok(
        "Account",
        with_url(&ctx.base, "accounts", "Number", &r.data),
    ))
}

pub(crate) async fn list_currencies(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &CURRENCY_SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(
        t.currencies.values(),
        &p,
        &CURRENCY_SPEC,
        |_, _| true,
        |_| true,
    );
    let items = page
        .into_iter()
        .map(|r| with_url(&ctx.base, "currencies", "Code", &r.data))
        .collect();
    Ok(envelope::list("Currencies", items, meta))
}

pub(crate) async fn get_currency(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(code_): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let r = t
        .currencies
        .get(&code_.to_ascii_uppercase())
        .ok_or_else(|| {
            ApiError::not_found(
                code::CURRENCY_NOT_FOUND,
                format!("Valutan {code_} finns inte."),
            )
        })?;
    Ok(envelope::ok(
        "Currency",
        with_url(&ctx.base, "currencies", "Code", &r.data),
    ))
}

pub(crate) async fn list_financial_years(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &YEAR_SPEC)?;
    let date = match p.get("date") {
        Some(d) => Some(parse_date(d).ok_or_else(|| {
            ApiError::bad(code::INVALID_PARAM, format!("Ogiltig parameter: date={d}"))
        })?),
        None => None,
    };
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let covering = date.and_then(|d| t.financial_year_for(d));
    let (page, meta) = lists::select(
        t.financial_years.iter(),
        &p,
        &YEAR_SPEC,
        |_, _| true,
        |o| match date {
            Some(_) => covering.is_some() && o.get("Id").and_then(Value::as_u64) == covering,
            None => true,
        },
    );
    let items = page
        .into_iter()
        .map(|r| with_url(&ctx.base, "financialyears", "Id", &r.data))
        .collect();
    Ok(envelope::list("FinancialYears", items, meta))
}

pub(crate) async fn get_financial_year(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let id = id.trim().parse::<u64>().ok();
    let r = t
        .financial_years
        .iter()
        .find(|r| id.is_some() && r.data.get("Id").and_then(Value::as_u64) == id)
        .ok_or_else(|| ApiError::not_found(code::NOT_FOUND, "Kan inte hitta räkenskapsåret."))?;
    Ok(envelope::ok(
        "FinancialYear",
        with_url(&ctx.base, "financialyears", "Id", &r.data),
    ))
}
