//! `GET /api/warehouse/status-v1/stockbalance?itemIds=A,B&stockPointCodes=…` → a plain JSON
//! array `[{itemId, stockPointCode, availableStock, inStock}]`. Stock per (article, stock point)
//! can be seeded (`/__sim/seed/stockbalance`); stock point "MAIN" otherwise mirrors the article's
//! `QuantityInStock` (available = in stock − reserved).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::bearer::AuthInfo;
use crate::envelope::{Obj, dec, dec_or_zero, num, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::state::{SimState, Tenant};

pub const DEFAULT_STOCK_POINT: &str = "MAIN";

/// Values of a repeated and/or comma-separated parameter (case-insensitive name).
fn multi(q: &[(String, String)], name: &str) -> Option<Vec<String>> {
    let values: Vec<String> = q
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    (!values.is_empty()).then_some(values)
}

pub(crate) fn balances(
    t: &Tenant,
    items: Option<&[String]>,
    points: Option<&[String]>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (number, article) in &t.articles {
        if items.is_some_and(|i| !i.contains(number)) {
            continue;
        }
        let mut per_point: Vec<(String, Decimal, Decimal)> = t
            .stock
            .iter()
            .filter(|((a, _), _)| a == number)
            .map(|((_, p), (in_stock, available))| (p.clone(), *in_stock, *available))
            .collect();
        if !per_point.iter().any(|(p, _, _)| p == DEFAULT_STOCK_POINT) {
            let q = dec_or_zero(article.data.get("QuantityInStock"));
            let reserved = dec_or_zero(article.data.get("ReservedQuantity"));
            per_point.push((DEFAULT_STOCK_POINT.into(), q, q - reserved));
        }
        per_point.sort_by(|a, b| a.0.cmp(&b.0));
        for (point, in_stock, available) in per_point {
            if points.is_some_and(|p| !p.contains(&point)) {
                continue;
            }
            out.push(json!({
                "itemId": number,
                "stockPointCode": point,
                "availableStock": num(available.normalize()),
                "inStock": num(in_stock.normalize()),
            }));
        }
    }
    out
}

/// Seeds one stock balance record `{itemId, stockPointCode?, inStock, availableStock?}`.
pub(crate) fn seed(t: &mut Tenant, o: &Obj) -> ApiResult<()> {
    let item = str_of(o, "itemId").ok_or_else(|| ApiError::required("itemId"))?;
    if !t.articles.contains_key(item) {
        return Err(ApiError::bad(
            code::ROW_ARTICLE_NOT_FOUND,
            format!("Kunde inte hitta artikel {item}"),
        ));
    }
    let point = str_of(o, "stockPointCode")
        .unwrap_or(DEFAULT_STOCK_POINT)
        .to_string();
    let in_stock = dec(o.get("inStock")).ok_or_else(|| ApiError::required("inStock"))?;
    let available = dec(o.get("availableStock")).unwrap_or(in_stock);
    t.stock
        .insert((item.to_string(), point), (in_stock, available));
    Ok(())
}

pub(crate) async fn stockbalance(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let items = multi(&q, "itemIds");
    let points = multi(&q, "stockPointCodes");
    let mut w = st.lock();
    let t = w.tenant_mut(auth.tenant)?;
    Ok(Json(balances(t, items.as_deref(), points.as_deref())).into_response())
}
