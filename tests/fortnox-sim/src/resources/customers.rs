//! `/3/customers`: numbers auto-assigned from a per-tenant counter and never reused (2000637,
//! even after delete); `CountryCode` is ISO-2 and `Country` read-only (sending it is an error).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Ctx, full, list_item, with_url};
use crate::bearer::AuthInfo;
use crate::envelope::{self, Obj, bool_of, str_of};
use crate::errors::{ApiError, ApiResult, code};
use crate::lists::{self, ListSpec};
use crate::state::{Record, SimState, Tenant};
use crate::validate::{F, Fields, check_enum, country_for_code, normalize, parse_body};

const L: F = F::S(1024);

pub(crate) const FIELDS: Fields = &[
    ("@url", F::R),
    ("Active", F::B),
    ("Address1", L),
    ("Address2", L),
    ("City", L),
    ("Comments", L),
    ("CostCenter", L),
    ("Country", F::R),
    ("CountryCode", F::S(2)),
    ("Currency", F::S(3)),
    ("CustomerNumber", L),
    ("DefaultDeliveryTypes", F::J),
    ("DefaultTemplates", F::J),
    ("DeliveryAddress1", L),
    ("DeliveryAddress2", L),
    ("DeliveryCity", L),
    ("DeliveryCountry", F::R),
    ("DeliveryCountryCode", F::S(2)),
    ("DeliveryFax", L),
    ("DeliveryName", L),
    ("DeliveryPhone1", L),
    ("DeliveryPhone2", L),
    ("DeliveryZipCode", F::S(10)),
    ("Email", L),
    ("EmailInvoice", L),
    ("EmailInvoiceBCC", L),
    ("EmailInvoiceCC", L),
    ("EmailOffer", L),
    ("EmailOfferBCC", L),
    ("EmailOfferCC", L),
    ("EmailOrder", L),
    ("EmailOrderBCC", L),
    ("EmailOrderCC", L),
    ("ExternalReference", L),
    ("Fax", L),
    ("GLN", L),
    ("GLNDelivery", L),
    ("InvoiceAdministrationFee", L),
    ("InvoiceDiscount", F::N),
    ("InvoiceFreight", L),
    ("InvoiceRemark", L),
    ("Name", L),
    ("OrganisationNumber", F::S(30)),
    ("OurReference", F::S(50)),
    ("Phone1", L),
    ("Phone2", L),
    ("PriceList", L),
    ("Project", L),
    ("SalesAccount", L),
    ("ShowPriceVATIncluded", F::B),
    ("TermsOfDelivery", L),
    ("TermsOfPayment", L),
    ("Type", L),
    ("VATNumber", L),
    ("VATType", L),
    ("VisitingAddress", L),
    ("VisitingCity", L),
    ("VisitingCountry", F::R),
    ("VisitingCountryCode", F::S(2)),
    ("VisitingZipCode", F::S(10)),
    ("WWW", L),
    ("WayOfDelivery", L),
    ("YourReference", F::S(50)),
    ("ZipCode", F::S(10)),
];

const LIST_KEYS: &[&str] = &[
    "Address1",
    "Address2",
    "City",
    "CustomerNumber",
    "Email",
    "Name",
    "OrganisationNumber",
    "Phone",
    "ZipCode",
];

const SPEC: ListSpec = ListSpec {
    filters: &["active", "inactive"],
    sorts: &[("customernumber", "CustomerNumber"), ("name", "Name")],
    search: &[
        ("customernumber", "CustomerNumber"),
        ("name", "Name"),
        ("zipcode", "ZipCode"),
        ("city", "City"),
        ("email", "Email"),
        ("phone", "Phone1"),
        ("organisationnumber", "OrganisationNumber"),
        ("gln", "GLN"),
        ("glndelivery", "GLNDelivery"),
    ],
    lastmodified: true,
    default_sort: "CustomerNumber",
};

/// `Country` and `DeliveryCountry` are read-only names derived from the codes; Fortnox answers
/// "Ogiltig landskod: SVERIGE" when they are sent.
fn reject_country_names(body: &Obj) -> ApiResult<()> {
    for key in ["Country", "DeliveryCountry"] {
        if let Some(Value::String(s)) = body.get(key)
            && !s.is_empty()
        {
            return Err(ApiError::bad(
                code::INVALID_COUNTRY_CODE,
                format!("Ogiltig landskod: {}", s.to_uppercase()),
            ));
        }
    }
    Ok(())
}

/// Validates enums and codes and fills the derived country names.
fn derive(t: &Tenant, o: &mut Obj) -> ApiResult<()> {
    check_enum(o, "Type", &["PRIVATE", "COMPANY"])?;
    check_enum(
        o,
        "VATType",
        &["SEVAT", "SEREVERSEDVAT", "EUREVERSEDVAT", "EUVAT", "EXPORT"],
    )?;
    for (code_key, name_key) in [
        ("CountryCode", "Country"),
        ("DeliveryCountryCode", "DeliveryCountry"),
        ("VisitingCountryCode", "VisitingCountry"),
    ] {
        let name = match str_of(o, code_key).filter(|c| !c.is_empty()) {
            Some(c) => {
                let up = c.to_ascii_uppercase();
                let name = country_for_code(&up)?;
                o.insert(code_key.into(), json!(up));
                json!(name)
            }
            None => Value::Null,
        };
        o.insert(name_key.into(), name);
    }
    if let Some(c) = str_of(o, "Currency")
        && !t.currencies.contains_key(c)
    {
        return Err(ApiError::bad(
            code::CURRENCY_NOT_FOUND,
            format!("Valutan {c} finns inte."),
        ));
    }
    if let Some(p) = str_of(o, "PriceList")
        && !t.pricelists.contains_key(p)
    {
        return Err(ApiError::invalid("PriceList", p));
    }
    if let Some(d) = o.get("DefaultDeliveryTypes")
        && !d.is_null()
        && !d.is_object()
    {
        return Err(ApiError::invalid("DefaultDeliveryTypes", &d.to_string()));
    }
    Ok(())
}

/// Creates a customer from a posted record (already unwrapped); returns its number.
pub(crate) fn create(t: &mut Tenant, ctx: &Ctx, body: Obj) -> ApiResult<String> {
    reject_country_names(&body)?;
    let input = normalize(body, FIELDS)?;
    if str_of(&input, "Name").is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::required("Name"));
    }
    let number = match str_of(&input, "CustomerNumber")
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => {
            if t.used_customer_numbers.contains(n) {
                return Err(ApiError::bad(
                    code::CUSTOMER_NUMBER_USED,
                    format!(
                        "Kundnummer {n} är redan använt. Ett kundnummer kan inte återanvändas."
                    ),
                ));
            }
            if let Ok(v) = n.parse::<u64>() {
                t.next_customer = t.next_customer.max(v);
            }
            n.to_string()
        }
        None => loop {
            t.next_customer += 1;
            let n = t.next_customer.to_string();
            if !t.used_customer_numbers.contains(&n) {
                break n;
            }
        },
    };
    let mut o = json_obj(json!({
        "Active": true,
        "Currency": "SEK",
        "PriceList": "A",
        "Type": "COMPANY",
        "VATType": "SEVAT",
        "ShowPriceVATIncluded": false,
        "TermsOfPayment": "30",
        "DefaultDeliveryTypes": {"Invoice": "PRINT", "Order": "PRINT", "Offer": "PRINT"},
        "DefaultTemplates": {
            "Invoice": "DEFAULTTEMPLATE", "Order": "DEFAULTTEMPLATE",
            "Offer": "DEFAULTTEMPLATE", "CashInvoice": "DEFAULTTEMPLATE"
        },
    }));
    o.extend(input);
    o.insert("CustomerNumber".into(), json!(number));
    derive(t, &mut o)?;
    t.used_customer_numbers.insert(number.clone());
    t.customers
        .insert(number.clone(), Record::new(full(FIELDS, o), ctx.now));
    Ok(number)
}

pub(crate) fn json_obj(v: Value) -> Obj {
    match v {
        Value::Object(o) => o,
        _ => Obj::new(),
    }
}

fn update(t: &mut Tenant, ctx: &Ctx, number: &str, body: Obj) -> ApiResult<()> {
    reject_country_names(&body)?;
    let mut input = normalize(body, FIELDS)?;
    input.remove("CustomerNumber");
    let mut o = t
        .customers
        .get(number)
        .map(|r| r.data.clone())
        .ok_or_else(|| not_found(number))?;
    if input
        .get("Name")
        .is_some_and(|n| n.as_str().is_none_or(|s| s.trim().is_empty()))
    {
        return Err(ApiError::required("Name"));
    }
    o.extend(input);
    derive(t, &mut o)?;
    if let Some(r) = t.customers.get_mut(number) {
        r.data = o;
        r.modified = ctx.now;
    }
    Ok(())
}

fn not_found(number: &str) -> ApiError {
    ApiError::not_found(
        code::CUSTOMER_NOT_FOUND,
        format!("Kan inte hitta kunden {number}."),
    )
}

fn render(ctx: &Ctx, t: &Tenant, number: &str) -> ApiResult<Value> {
    let r = t.customers.get(number).ok_or_else(|| not_found(number))?;
    Ok(with_url(&ctx.base, "customers", "CustomerNumber", &r.data))
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
        t.customers.values(),
        &p,
        &SPEC,
        |f, o| match f {
            "active" => bool_of(o, "Active"),
            _ => !bool_of(o, "Active"),
        },
        |_| true,
    );
    let items = page
        .into_iter()
        .map(|r| {
            let mut d = r.data.clone();
            d.insert(
                "Phone".into(),
                d.get("Phone1").cloned().unwrap_or(Value::Null),
            );
            list_item(&ctx.base, "customers", "CustomerNumber", &d, LIST_KEYS)
        })
        .collect();
    Ok(envelope::list("Customers", items, meta))
}

pub(crate) async fn get_one(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    Ok(envelope::ok("Customer", render(&ctx, t, &number)?))
}

pub(crate) async fn create_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "Customer")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    let number = create(t, &ctx, input)?;
    Ok(envelope::created("Customer", render(&ctx, t, &number)?))
}

pub(crate) async fn update_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body, "Customer")?;
    let mut w = st.lock();
    let ctx = Ctx::new(&st, &w);
    let t = w.tenant_mut(auth.tenant)?;
    update(t, &ctx, &number, input)?;
    Ok(envelope::ok("Customer", render(&ctx, t, &number)?))
}

pub(crate) async fn delete_handler(
    State(st): State<SimState>,
    Extension(auth): Extension<AuthInfo>,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let mut w = st.lock();
    let t = w.tenant_mut(auth.tenant)?;
    t.customers
        .remove(&number)
        .ok_or_else(|| not_found(&number))?;
    Ok(envelope::no_content())
}
