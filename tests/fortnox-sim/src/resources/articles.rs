//! `/3/articles`: immutable `ArticleNumber` (≤50 of letters, digits and `_ - / \ + $`);
//! `SalesPrice` is read-only and mirrors the first-tier price in the pre-selected price list;
//! `DisposableQuantity` = `QuantityInStock − ReservedQuantity`; `StockValue` =
//! `QuantityInStock × PurchasePrice`. List items type the numbers as strings, like Fortnox.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::customers::json_obj;
use super::{Ctx, full, with_url};
use crate::bearer::AuthInfo;
use crate::envelope::{self, Obj, bool_of, dec, dec_or_zero, num, num_str, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::lists::{self, ListSpec, bool_param_matches};
use crate::state::{Record, SimState, Tenant};
use crate::validate::{F, Fields, check_article_number, check_enum, normalize, parse_body};

const L: F = F::S(1024);

pub(crate) const FIELDS: Fields = &[
    ("@url", F::R),
    ("Active", F::B),
    ("ArticleNumber", F::S(50)),
    ("Bulky", F::B),
    ("ConstructionAccount", F::N),
    ("CostCalculationMethod", L),
    ("DefaultStockLocation", L),
    ("DefaultStockPoint", L),
    ("Depth", F::N),
    ("Description", F::S(200)),
    ("DirectCost", F::N),
    ("DisposableQuantity", F::R),
    ("EAN", F::S(30)),
    ("EUAccount", F::N),
    ("EUVATAccount", F::N),
    ("Expired", F::B),
    ("ExportAccount", F::N),
    ("FreightCost", F::N),
    ("Height", F::N),
    ("Housework", F::B),
    ("HouseworkType", L),
    ("Manufacturer", F::S(50)),
    ("ManufacturerArticleNumber", F::S(50)),
    ("Note", F::S(10000)),
    ("OtherCost", F::N),
    ("PurchaseAccount", F::N),
    ("PurchasePrice", F::N),
    ("QuantityInStock", F::N),
    ("ReservedQuantity", F::R),
    ("SalesAccount", F::N),
    ("SalesPrice", F::R),
    ("StockAccount", F::N),
    ("StockChangeAccount", F::N),
    ("StockGoods", F::B),
    ("StockPlace", F::S(100)),
    ("StockValue", F::R),
    ("StockWarning", F::N),
    ("SupplierName", F::R),
    ("SupplierNumber", L),
    ("Type", L),
    ("Unit", L),
    ("VAT", F::N),
    ("WebshopArticle", F::B),
    ("Weight", F::N),
    ("Width", F::N),
];

const SPEC: ListSpec = ListSpec {
    filters: &["active", "inactive"],
    sorts: &[
        ("articlenumber", "ArticleNumber"),
        ("quantityinstock", "QuantityInStock"),
        ("reservedquantity", "ReservedQuantity"),
        ("stockvalue", "StockValue"),
    ],
    search: &[
        ("articlenumber", "ArticleNumber"),
        ("description", "Description"),
        ("ean", "EAN"),
        ("suppliernumber", "SupplierNumber"),
        ("manufacturer", "Manufacturer"),
        ("manufacturerarticlenumber", "ManufacturerArticleNumber"),
    ],
    lastmodified: true,
    default_sort: "ArticleNumber",
};

pub(crate) const VAT_RATES: &[i64] = &[25, 12, 6, 0];

pub(crate) fn check_vat(v: Option<&Value>) -> ApiResult<()> {
    match v {
        None | Some(Value::Null) => Ok(()),
        Some(x) => {
            let ok = dec(Some(x)).is_some_and(|d| VAT_RATES.iter().any(|r| Decimal::from(*r) == d));
            if ok {
                Ok(())
            } else {
                Err(ApiError::bad(
                    code::INVALID_VAT,
                    format!("Ogiltig momssats: {}", lists::text(Some(x))),
                ))
            }
        }
    }
}

fn check_account(t: &Tenant, o: &Obj, key: &str) -> ApiResult<()> {
    match dec(o.get(key)) {
        Some(a) if !t.accounts.keys().any(|n| Decimal::from(*n) == a) => Err(ApiError::bad(
            code::ACCOUNT_NOT_FOUND,
            format!("Kunde inte hitta konto {a} ({key})."),
        )),
        _ => Ok(()),
    }
}

fn validate(t: &Tenant, o: &Obj) -> ApiResult<()> {
    check_vat(o.get("VAT"))?;
    check_enum(o, "Type", &["STOCK", "SERVICE"])?;
    for key in ["SalesAccount", "PurchaseAccount"] {
        check_account(t, o, key)?;
    }
    Ok(())
}

/// First-tier price of the article in the pre-selected price list.
pub(crate) fn sales_price(t: &Tenant, article: &str) -> Option<Decimal> {
    let list = t
        .pricelists
        .values()
        .find(|l| bool_of(&l.data, "PreSelected"))?;
    let code_ = str_of(&list.data, "Code")?;
    super::prices::price_for(t, code_, article, Decimal::ZERO)
}

/// Recomputes the read-only fields; bumps `modified` when they changed.
pub(crate) fn refresh_derived(t: &mut Tenant, article: &str, now: OffsetDateTime) {
    let price = sales_price(t, article);
    let Some(r) = t.articles.get_mut(article) else {
        return;
    };
    let qty = dec_or_zero(r.data.get("QuantityInStock"));
    let reserved = dec_or_zero(r.data.get("ReservedQuantity"));
    let purchase = dec_or_zero(r.data.get("PurchasePrice"));
    let updates = [
        (
            "SalesPrice",
            price.map(envelope::money).unwrap_or(Value::Null),
        ),
        ("DisposableQuantity", num(qty - reserved)),
        ("StockValue", envelope::money(qty * purchase)),
    ];
    for (k, v) in updates {
        if r.data.get(k) != Some(&v) {
            r.data.insert(k.into(), v);
            r.modified = now;
        }
    }
}

/// Changes stock fields by `delta` (for `QuantityInStock` or `ReservedQuantity`) on stock goods.
pub(crate) fn adjust_stock(
    t: &mut Tenant,
    article: &str,
    field: &str,
    delta: Decimal,
    now: OffsetDateTime,
) {
    let Some(r) = t.articles.get_mut(article) else {
        return;
    };
    if delta.is_zero() || !bool_of(&r.data, "StockGoods") {
        return;
    }
    let v = dec_or_zero(r.data.get(field)) + delta;
    r.data.insert(field.into(), num(v.normalize()));
    r.modified = now;
    refresh_derived(t, article, now);
}

pub(crate) fn create(t: &mut Tenant, ctx: &Ctx, body: Obj) -> ApiResult<String> {
    if let Some(Value::String(n)) = body.get("ArticleNumber") {
        check_article_number(n)?;
    }
    let input = normalize(body, FIELDS)?;
    if str_of(&input, "Description").is_none_or(|d| d.trim().is_empty()) {
        return Err(ApiError::required("Description"));
    }
    let number = match str_of(&input, "ArticleNumber").filter(|n| !n.is_empty()) {
        Some(n) => {
            check_article_number(n)?;
            if t.articles.contains_key(n) {
                return Err(ApiError::bad(
                    code::ARTICLE_NUMBER_USED,
                    format!("Artikelnummer {n} används redan."),
                ));
            }
            n.to_string()
        }
        None => loop {
            t.next_article += 1;
            let n = t.next_article.to_string();
            if !t.articles.contains_key(&n) {
                break n;
            }
        },
    };
    let mut o = json_obj(json!({
        "Active": true,
        "Bulky": false,
        "Expired": false,
        "Housework": false,
        "StockGoods": false,
        "WebshopArticle": false,
        "Type": "STOCK",
        "VAT": 25,
        "SalesAccount": 3001,
        "PurchaseAccount": 4000,
        "PurchasePrice": num(Decimal::ZERO),
        "QuantityInStock": num(Decimal::ZERO),
        "ReservedQuantity": num(Decimal::ZERO),
        "StockWarning": num(Decimal::ZERO),
    }));
    o.extend(input);
    o.insert("ArticleNumber".into(), json!(number));
    validate(t, &o)?;
    t.articles
        .insert(number.clone(), Record::new(full(FIELDS, o), ctx.now));
    refresh_derived(t, &number, ctx.now);
    Ok(number)
}

fn update(t: &mut Tenant, ctx: &Ctx, number: &str, body: Obj) -> ApiResult<()> {
    let mut input = normalize(body, FIELDS)?;
    let mut o = t
        .articles
        .get(number)
        .map(|r| r.data.clone())
        .ok_or_else(|| not_found(number))?;
    if let Some(n) = input.remove("ArticleNumber")
        && n.as_str() != Some(number)
    {
        return Err(ApiError::invalid(
            "ArticleNumber",
            "artikelnumret kan inte ändras",
        ));
    }
    if input
        .get("Description")
        .is_some_and(|d| d.as_str().is_none_or(|s| s.trim().is_empty()))
    {
        return Err(ApiError::required("Description"));
    }
    o.extend(input);
    validate(t, &o)?;
    if let Some(r) = t.articles.get_mut(number) {
        r.data = o;
        r.modified = ctx.now;
    }
    refresh_derived(t, number, ctx.now);
    Ok(())
}

fn not_found(number: &str) -> ApiError {
    ApiError::not_found(
        code::ARTICLE_NOT_FOUND,
        format!("Kan inte hitta artikeln {number}."),
    )
}

fn render(ctx: &Ctx, t: &Tenant, number: &str) -> ApiResult<Value> {
    let r = t.articles.get(number).ok_or_else(|| not_found(number))?;
    Ok(with_url(&ctx.base, "articles", "ArticleNumber", &r.data))
}

/// List item: numbers as strings where Fortnox types them so (incl. `QuantityInStock`, which
/// real responses send as a string).
fn list_item(base: &str, o: &Obj) -> Value {
    let s = |k: &str| match dec(o.get(k)) {
        Some(d) => num_str(d),
        None => Value::Null,
    };
    let vat = dec(o.get("VAT"))
        .map(|d| Value::String(d.normalize().to_string()))
        .unwrap_or(Value::Null);
    json!({
        "@url": envelope::url(base, "articles", str_of(o, "ArticleNumber").unwrap_or("")),
        "ArticleNumber": o.get("ArticleNumber"),
        "Description": o.get("Description"),
        "DisposableQuantity": s("DisposableQuantity"),
        "EAN": o.get("EAN"),
        "Housework": o.get("Housework"),
        "PurchasePrice": s("PurchasePrice"),
        "QuantityInStock": s("QuantityInStock"),
        "ReservedQuantity": s("ReservedQuantity"),
        "SalesPrice": s("SalesPrice"),
        "StockPlace": o.get("StockPlace"),
        "StockValue": s("StockValue"),
        "Unit": o.get("Unit"),
        "VAT": vat,
        "WebshopArticle": o.get("WebshopArticle"),
    })
}

pub(crate) async fn list(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(
        t.articles.values(),
        &p,
        &SPEC,
        |f, o| match f {
            "active" => bool_of(o, "Active"),
            _ => !bool_of(o, "Active"),
        },
        |o| bool_param_matches(&p, "webshop", o, "WebshopArticle"),
    );
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, &r.data))
        .collect();
    Ok(envelope::list("Articles", items, meta))
}

pub(crate) async fn get_one(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    Ok(envelope::ok("Article", render(&ctx, t, &number)?))
}

pub(crate) async fn create_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "Article")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let number = create(t, &ctx, input)?;
    Ok(envelope::created("Article", render(&ctx, t, &number)?))
}

pub(crate) async fn update_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "Article")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    update(t, &ctx, &number, input)?;
    Ok(envelope::ok("Article", render(&ctx, t, &number)?))
}

pub(crate) async fn delete_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let t = w.tenant_mut(auth.tenant)?;
    t.articles
        .remove(&number)
        .ok_or_else(|| not_found(&number))?;
    t.prices
        .retain(|p| str_of(&p.data, "ArticleNumber") != Some(number.as_str()));
    Ok(envelope::no_content())
}
