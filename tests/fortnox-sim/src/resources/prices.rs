//! `/3/pricelists` and `/3/prices`: price lists (list `A` is pre-selected by default) and
//! per-article prices with quantity tiers (`FromQuantity`). `PUT` on a price that does not exist
//! is 404 (create prices with `POST /3/prices`). `/3/prices/sublist/{list}` lists one price
//! list's prices (all articles, all tiers); `/3/prices/sublist/{list}/{article}` one article's.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::customers::json_obj;
use super::{Ctx, full};
use crate::bearer::AuthInfo;
use crate::envelope::{self, Obj, bool_of, dec, dec_or_zero, num, parse_dec, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::lists::{self, ListSpec};
use crate::state::{Record, SimState, Tenant};
use crate::validate::{F, Fields, check_date_field, normalize, parse_body};

const PRICELIST_FIELDS: Fields = &[
    ("@url", F::R),
    ("Code", F::S(100)),
    ("Comments", F::S(1024)),
    ("Description", F::S(50)),
    ("PreSelected", F::B),
];

const PRICE_FIELDS: Fields = &[
    ("@url", F::R),
    ("ArticleNumber", F::S(50)),
    ("Date", F::S(10)),
    ("FromQuantity", F::N),
    ("Percent", F::N),
    ("Price", F::N),
    ("PriceList", F::S(100)),
];

const PRICELIST_SPEC: ListSpec = ListSpec {
    filters: &[],
    sorts: &[],
    search: &[],
    lastmodified: true,
    default_sort: "Code",
};

const PRICE_SPEC: ListSpec = ListSpec {
    filters: &[],
    sorts: &[],
    search: &[
        ("articlenumber", "ArticleNumber"),
        ("pricelist", "PriceList"),
    ],
    lastmodified: true,
    default_sort: "ArticleNumber",
};

fn pricelist_not_found(code_: &str) -> ApiError {
    ApiError::not_found(
        code::NOT_FOUND,
        format!("Kan inte hitta prislistan {code_}."),
    )
}

fn price_not_found() -> ApiError {
    ApiError::not_found(code::NOT_FOUND, "Kan inte hitta priset.")
}

fn refresh_all_articles(t: &mut Tenant, ctx: &Ctx) {
    let numbers: Vec<String> = t.articles.keys().cloned().collect();
    for n in numbers {
        super::articles::refresh_derived(t, &n, ctx.now);
    }
}

fn set_preselected(t: &mut Tenant, code_: &str, ctx: &Ctx) {
    for (c, r) in t.pricelists.iter_mut() {
        let pre = c == code_;
        if bool_of(&r.data, "PreSelected") != pre {
            r.data.insert("PreSelected".into(), json!(pre));
            r.modified = ctx.now;
        }
    }
    refresh_all_articles(t, ctx);
}

pub(crate) fn create_pricelist(t: &mut Tenant, ctx: &Ctx, body: Obj) -> ApiResult<String> {
    let input = normalize(body, PRICELIST_FIELDS)?;
    let Some(code_) = str_of(&input, "Code")
        .filter(|c| !c.trim().is_empty())
        .map(str::to_string)
    else {
        return Err(ApiError::required("Code"));
    };
    if str_of(&input, "Description").is_none_or(|d| d.trim().is_empty()) {
        return Err(ApiError::required("Description"));
    }
    if t.pricelists.contains_key(&code_) {
        return Err(ApiError::invalid("Code", &format!("{code_} används redan")));
    }
    let mut o = json_obj(json!({"PreSelected": false, "Comments": null}));
    o.extend(input);
    let pre = bool_of(&o, "PreSelected");
    t.pricelists.insert(
        code_.clone(),
        Record::new(full(PRICELIST_FIELDS, o), ctx.now),
    );
    if pre {
        set_preselected(t, &code_, ctx);
    }
    Ok(code_)
}

fn render_pricelist(ctx: &Ctx, t: &Tenant, code_: &str) -> ApiResult<Value> {
    let r = t
        .pricelists
        .get(code_)
        .ok_or_else(|| pricelist_not_found(code_))?;
    Ok(super::with_url(&ctx.base, "pricelists", "Code", &r.data))
}

/// Price for `article` in `list` at quantity `qty`: the tier with the highest FromQuantity ≤ qty.
pub(crate) fn price_for(t: &Tenant, list: &str, article: &str, qty: Decimal) -> Option<Decimal> {
    t.prices
        .iter()
        .filter(|p| {
            str_of(&p.data, "PriceList") == Some(list)
                && str_of(&p.data, "ArticleNumber") == Some(article)
        })
        .filter(|p| dec_or_zero(p.data.get("FromQuantity")) <= qty)
        .max_by_key(|p| dec_or_zero(p.data.get("FromQuantity")))
        .and_then(|p| dec(p.data.get("Price")))
}

fn tier_index(t: &Tenant, list: &str, article: &str, from: Option<Decimal>) -> Option<usize> {
    let matching = t.prices.iter().enumerate().filter(|(_, p)| {
        str_of(&p.data, "PriceList") == Some(list)
            && str_of(&p.data, "ArticleNumber") == Some(article)
    });
    match from {
        Some(f) => matching
            .filter(|(_, p)| dec_or_zero(p.data.get("FromQuantity")) == f)
            .map(|(i, _)| i)
            .next(),
        None => matching
            .min_by_key(|(_, p)| dec_or_zero(p.data.get("FromQuantity")))
            .map(|(i, _)| i),
    }
}

fn price_url(base: &str, o: &Obj) -> Value {
    let from = dec_or_zero(o.get("FromQuantity")).normalize().to_string();
    let path = format!(
        "{}/{}/{}",
        str_of(o, "PriceList").unwrap_or(""),
        str_of(o, "ArticleNumber").unwrap_or(""),
        from
    );
    Value::String(format!("{base}/3/prices/{path}"))
}

fn render_price(base: &str, o: &Obj) -> Value {
    let mut o = o.clone();
    o.insert("@url".into(), price_url(base, &o));
    Value::Object(o)
}

pub(crate) fn create_price(t: &mut Tenant, ctx: &Ctx, body: Obj) -> ApiResult<usize> {
    let input = normalize(body, PRICE_FIELDS)?;
    check_date_field(&input, "Date")?;
    let Some(article) = str_of(&input, "ArticleNumber").map(str::to_string) else {
        return Err(ApiError::required("ArticleNumber"));
    };
    let Some(list) = str_of(&input, "PriceList").map(str::to_string) else {
        return Err(ApiError::required("PriceList"));
    };
    if !t.articles.contains_key(&article) {
        return Err(ApiError::bad(
            code::ROW_ARTICLE_NOT_FOUND,
            format!("Kunde inte hitta artikel {article}."),
        ));
    }
    if !t.pricelists.contains_key(&list) {
        return Err(ApiError::bad(
            code::NOT_FOUND,
            format!("Kan inte hitta prislistan {list}."),
        ));
    }
    let from = dec_or_zero(input.get("FromQuantity"));
    if tier_index(t, &list, &article, Some(from)).is_some() {
        return Err(ApiError::invalid("FromQuantity", "priset finns redan"));
    }
    let mut o = json_obj(
        json!({"Date": null, "Percent": num(Decimal::ZERO), "Price": envelope::money(Decimal::ZERO)}),
    );
    o.extend(input);
    o.insert("FromQuantity".into(), num(from.normalize()));
    if let Some(p) = dec(o.get("Price")) {
        o.insert("Price".into(), envelope::money(p));
    }
    t.prices.push(Record::new(full(PRICE_FIELDS, o), ctx.now));
    super::articles::refresh_derived(t, &article, ctx.now);
    Ok(t.prices.len() - 1)
}

fn update_price(t: &mut Tenant, ctx: &Ctx, idx: usize, body: Obj) -> ApiResult<()> {
    let mut input = normalize(body, PRICE_FIELDS)?;
    check_date_field(&input, "Date")?;
    // The key fields come from the path.
    for k in ["ArticleNumber", "PriceList", "FromQuantity"] {
        input.remove(k);
    }
    if let Some(p) = dec(input.get("Price")) {
        input.insert("Price".into(), envelope::money(p));
    }
    let article = {
        let r = &mut t.prices[idx];
        r.data.extend(input);
        r.modified = ctx.now;
        str_of(&r.data, "ArticleNumber").unwrap_or("").to_string()
    };
    super::articles::refresh_derived(t, &article, ctx.now);
    Ok(())
}

fn parse_from(from: &str) -> ApiResult<Decimal> {
    parse_dec(from).ok_or_else(price_not_found)
}

pub(crate) async fn list_pricelists(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &PRICELIST_SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(
        t.pricelists.values(),
        &p,
        &PRICELIST_SPEC,
        |_, _| true,
        |_| true,
    );
    let items = page
        .into_iter()
        .map(|r| super::with_url(&ctx.base, "pricelists", "Code", &r.data))
        .collect();
    Ok(envelope::list("PriceLists", items, meta))
}

pub(crate) async fn get_pricelist(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(code_): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    Ok(envelope::ok(
        "PriceList",
        render_pricelist(&ctx, t, &code_)?,
    ))
}

pub(crate) async fn create_pricelist_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "PriceList")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let code_ = create_pricelist(t, &ctx, input)?;
    Ok(envelope::created(
        "PriceList",
        render_pricelist(&ctx, t, &code_)?,
    ))
}

pub(crate) async fn update_pricelist(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(code_): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "PriceList")?;
    let mut input = normalize(input, PRICELIST_FIELDS)?;
    input.remove("Code");
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let pre = input.get("PreSelected").and_then(Value::as_bool);
    {
        let r = t
            .pricelists
            .get_mut(&code_)
            .ok_or_else(|| pricelist_not_found(&code_))?;
        r.data.extend(input);
        r.modified = ctx.now;
    }
    if pre == Some(true) {
        set_preselected(t, &code_, &ctx);
    } else if pre == Some(false) {
        refresh_all_articles(t, &ctx);
    }
    Ok(envelope::ok(
        "PriceList",
        render_pricelist(&ctx, t, &code_)?,
    ))
}

fn list_item(base: &str, o: &Obj) -> Value {
    let mut item = envelope::pick(o, &["ArticleNumber", "FromQuantity", "Price", "PriceList"]);
    item.insert("@url".into(), price_url(base, o));
    Value::Object(item)
}

pub(crate) async fn list_prices(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &PRICE_SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let (page, meta) = lists::select(t.prices.iter(), &p, &PRICE_SPEC, |_, _| true, |_| true);
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, &r.data))
        .collect();
    Ok(envelope::list("Prices", items, meta))
}

/// `GET /3/prices/sublist/{list}`: every price (all tiers) of one price list, paged. Not in the
/// OpenAPI file, but answered by Fortnox (an integrator's test against a real company, 2026-09:
/// paged like other lists, one row per `FromQuantity`).
pub(crate) async fn sublist_of_list(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(list): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &PRICE_SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    if !t.pricelists.contains_key(&list) {
        return Err(pricelist_not_found(&list));
    }
    let records = t
        .prices
        .iter()
        .filter(|r| str_of(&r.data, "PriceList") == Some(list.as_str()));
    let (page, meta) = lists::select(records, &p, &PRICE_SPEC, |_, _| true, |_| true);
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, &r.data))
        .collect();
    Ok(envelope::list("Prices", items, meta))
}

pub(crate) async fn sublist(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((list, article)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let p = lists::parse(&q, &PRICE_SPEC)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let records = t.prices.iter().filter(|r| {
        str_of(&r.data, "PriceList") == Some(list.as_str())
            && str_of(&r.data, "ArticleNumber") == Some(article.as_str())
    });
    let (page, meta) = lists::select(records, &p, &PRICE_SPEC, |_, _| true, |_| true);
    let items = page
        .into_iter()
        .map(|r| list_item(&ctx.base, &r.data))
        .collect();
    Ok(envelope::list("Prices", items, meta))
}

pub(crate) async fn create_price_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "Price")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let idx = create_price(t, &ctx, input)?;
    Ok(envelope::created(
        "Price",
        render_price(&ctx.base, &t.prices[idx].data),
    ))
}

async fn get_price(
    st: SimState,
    auth: AuthInfo,
    list: String,
    article: String,
    from: Option<Decimal>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let idx = tier_index(t, &list, &article, from).ok_or_else(price_not_found)?;
    Ok(envelope::ok(
        "Price",
        render_price(&ctx.base, &t.prices[idx].data),
    ))
}

async fn put_price(
    st: SimState,
    auth: AuthInfo,
    list: String,
    article: String,
    from: Option<Decimal>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "Price")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let idx = tier_index(t, &list, &article, from).ok_or_else(price_not_found)?;
    update_price(t, &ctx, idx, input)?;
    Ok(envelope::ok(
        "Price",
        render_price(&ctx.base, &t.prices[idx].data),
    ))
}

pub(crate) async fn get_first(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((list, article)): Path<(String, String)>,
) -> ApiResult<Response> {
    get_price(st, auth, list, article, None).await
}

pub(crate) async fn put_first(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((list, article)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    put_price(st, auth, list, article, None, body).await
}

pub(crate) async fn get_tier(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((list, article, from)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let from = parse_from(&from)?;
    get_price(st, auth, list, article, Some(from)).await
}

pub(crate) async fn put_tier(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((list, article, from)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let from = parse_from(&from)?;
    put_price(st, auth, list, article, Some(from), body).await
}

pub(crate) async fn delete_tier(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path((list, article, from)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let from = parse_from(&from)?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let idx = tier_index(t, &list, &article, Some(from)).ok_or_else(price_not_found)?;
    t.prices.remove(idx);
    super::articles::refresh_derived(t, &article, ctx.now);
    Ok(envelope::no_content())
}
