//! Customers (WordPress users with WooCommerce data): model, JSON shape, writes and the list.
//!
//! From `WC_REST_Customers_V1_Controller` / `WC_REST_Customers_Controller`:
//! - The list takes `page`, `per_page`, `search`, `include`, `exclude`, `email` (exact,
//!   case-insensitive: `WP_User_Query` on `user_email`), `role` (default `customer`, or `all`),
//!   `orderby` (`id`, `include`, `name`, `registered_date`; default `name`) and `order`
//!   (default `asc`). There is **no `modified_after`**: WordPress ignores unknown parameters,
//!   so a client asking for changed customers gets all of them and must filter on
//!   `date_modified_gmt` itself.
//! - Create needs `email` (400 `rest_missing_callback_param`); a registered address is 400
//!   `registration-error-email-exists`; changing to another user's address is 400
//!   `woocommerce_rest_customer_invalid_email`; `username` cannot change.
//! - Every save moves `date_modified`.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::fields::{self, Obj};
use crate::clock::{fmt_at, fmt_gmt, parse_wp_date};
use crate::errors::{ApiError, ApiResult};
use crate::meta::{self, Meta};
use crate::query::Params;
use crate::state::World;

const BILLING_KEYS: &[&str] = &[
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
];
const SHIPPING_KEYS: &[&str] = &[
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "phone",
];
const ROLES: &[&str] = &[
    "all",
    "administrator",
    "editor",
    "author",
    "contributor",
    "subscriber",
    "customer",
    "shop_manager",
];

#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub id: u64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub username: String,
    pub role: String,
    pub billing: Map<String, Value>,
    pub shipping: Map<String, Value>,
    pub meta: Vec<Meta>,
    pub created: OffsetDateTime,
    pub modified: OffsetDateTime,
}

fn blank(keys: &[&str]) -> Map<String, Value> {
    keys.iter().map(|k| (k.to_string(), json!(""))).collect()
}

impl Customer {
    fn new(id: u64, now: OffsetDateTime) -> Self {
        Customer {
            id,
            email: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            username: String::new(),
            role: "customer".into(),
            billing: blank(BILLING_KEYS),
            shipping: blank(SHIPPING_KEYS),
            meta: Vec::new(),
            created: now,
            modified: now,
        }
    }
}

pub(crate) fn customer_json(c: &Customer, w: &World) -> Value {
    let off = w.site_offset();
    json!({
        "id": c.id,
        "date_created": fmt_at(c.created, off),
        "date_created_gmt": fmt_gmt(c.created),
        "date_modified": fmt_at(c.modified, off),
        "date_modified_gmt": fmt_gmt(c.modified),
        "email": c.email,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "role": c.role,
        "username": c.username,
        "billing": c.billing,
        "shipping": c.shipping,
        "is_paying_customer": false,
        "avatar_url": "https://secure.gravatar.com/avatar/?s=96",
        "meta_data": meta::render(&c.meta),
        "_links": {
            "self": [{"href": w.api_url(&format!("/customers/{}", c.id))}],
            "collection": [{"href": w.api_url("/customers")}],
        },
    })
}

fn valid_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !e.contains(' ')
        }
        None => false,
    }
}

fn email_taken(w: &World, email: &str, except: u64) -> bool {
    w.customers
        .values()
        .any(|c| c.id != except && c.email.eq_ignore_ascii_case(email))
}

fn address(target: &mut Map<String, Value>, o: &Obj, name: &str, keys: &[&str]) -> ApiResult<()> {
    let Some(v) = o.get(name) else {
        return Ok(());
    };
    let Some(given) = v.as_object() else {
        return Err(ApiError::not_of_type(name, "object"));
    };
    for (k, val) in given {
        if !keys.contains(&k.as_str()) {
            continue;
        }
        match val {
            Value::String(_) => {
                target.insert(k.clone(), val.clone());
            }
            _ => return Err(ApiError::not_of_type(&format!("{name}[{k}]"), "string")),
        }
    }
    Ok(())
}

fn apply(c: &mut Customer, o: &Obj, w: &mut World) -> ApiResult<()> {
    if let Some(email) = fields::string(o, "email")? {
        let email = email.trim().to_string();
        if !valid_email(&email) {
            return Err(ApiError::new(
                400,
                "registration-error-invalid-email",
                "Please provide a valid email address.",
            ));
        }
        if email_taken(w, &email, c.id) {
            return Err(ApiError::new(
                400,
                "woocommerce_rest_customer_invalid_email",
                "Email address is invalid.",
            ));
        }
        c.email = email;
    }
    if let Some(v) = fields::string(o, "first_name")? {
        c.first_name = v;
    }
    if let Some(v) = fields::string(o, "last_name")? {
        c.last_name = v;
    }
    address(&mut c.billing, o, "billing", BILLING_KEYS)?;
    address(&mut c.shipping, o, "shipping", SHIPPING_KEYS)?;
    if let Some(m) = o.get("meta_data") {
        meta::apply(&mut c.meta, m, &mut w.ids)?;
    }
    Ok(())
}

fn unique_username(w: &World, email: &str) -> String {
    let base = email.split('@').next().unwrap_or("customer").to_lowercase();
    let mut name = base.clone();
    let mut n = 1;
    while w.customers.values().any(|c| c.username == name) {
        n += 1;
        name = format!("{base}{n}");
    }
    name
}

pub(crate) fn create(w: &mut World, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "customer")?;
    let Some(email) = fields::string(o, "email")? else {
        return Err(ApiError::missing_param("email"));
    };
    if email_taken(w, email.trim(), 0) {
        return Err(ApiError::new(
            400,
            "registration-error-email-exists",
            "An account is already registered with your email address. <a href=\"#\" class=\"showlogin\">Please log in.</a>",
        ));
    }
    let now = w.now();
    let mut c = Customer::new(0, now);
    apply(&mut c, o, w)?;
    c.username = match fields::string(o, "username")? {
        Some(u) if !u.is_empty() => {
            if w.customers.values().any(|x| x.username == u) {
                return Err(ApiError::new(
                    400,
                    "registration-error-username-exists",
                    "An account is already registered with that username. Please choose another.",
                ));
            }
            u
        }
        _ => unique_username(w, &c.email),
    };
    c.id = w.ids.user();
    let id = c.id;
    w.customers.insert(id, c);
    Ok(id)
}

pub(crate) fn update(w: &mut World, id: u64, input: &Value) -> ApiResult<()> {
    let o = fields::object(input, "customer")?;
    let Some(mut c) = w.customers.get(&id).cloned() else {
        return Err(ApiError::new(
            400,
            "woocommerce_rest_invalid_id",
            "Invalid resource ID.",
        ));
    };
    if let Some(u) = fields::string(o, "username")?
        && !u.is_empty()
        && u != c.username
    {
        return Err(ApiError::new(
            400,
            "woocommerce_rest_customer_invalid_argument",
            "Username isn't editable.",
        ));
    }
    apply(&mut c, o, w)?;
    c.modified = w.now();
    w.customers.insert(id, c);
    Ok(())
}

fn seed_date(w: &World, o: &Obj, name: &str) -> Option<OffsetDateTime> {
    let gmt = o.get(&format!("{name}_gmt")).and_then(Value::as_str);
    let local = o.get(name).and_then(Value::as_str);
    match (gmt, local) {
        (Some(v), _) => parse_wp_date(v, time::UtcOffset::UTC),
        (None, Some(v)) => parse_wp_date(v, w.site_offset()),
        _ => None,
    }
}

/// Seeds a customer as given (id, dates, role and username kept when present).
pub(crate) fn seed(w: &mut World, input: &Value) -> ApiResult<u64> {
    let o = fields::object(input, "customer")?;
    let now = w.now();
    let id = match fields::id_of(o.get("id")) {
        Some(id) if w.customers.contains_key(&id) => {
            return Err(ApiError::new(
                400,
                "sim_id_taken",
                format!("customer {id} exists"),
            ));
        }
        Some(id) => w.ids.saw_user(id),
        None => w.ids.user(),
    };
    let mut c = Customer::new(id, now);
    apply(&mut c, o, w)?;
    if let Some(m) = o.get("meta_data") {
        c.meta = meta::from_seed(m, &mut w.ids);
    }
    c.role = fields::string(o, "role")?.unwrap_or_else(|| "customer".into());
    c.username = match fields::string(o, "username")? {
        Some(u) if !u.is_empty() => u,
        _ => unique_username(w, &c.email),
    };
    let created = seed_date(w, o, "date_created");
    c.created = created.unwrap_or(now);
    c.modified = seed_date(w, o, "date_modified").or(created).unwrap_or(now);
    w.customers.insert(id, c);
    Ok(id)
}

/// The customers matching the list parameters, ordered.
pub(crate) fn select<'w>(w: &'w World, params: &Params) -> ApiResult<Vec<&'w Customer>> {
    let role = params.one_of("role", ROLES, "customer")?;
    let orderby = params.one_of(
        "orderby",
        &["id", "include", "name", "registered_date"],
        "name",
    )?;
    let ascending = params.ascending("asc")?;
    let include = params.ids("include");
    let exclude = params.ids("exclude");
    let email = params.get("email").map(str::trim);
    let search = params
        .get("search")
        .map(|s| s.trim_matches('*').to_lowercase());
    let mut found: Vec<&Customer> = w
        .customers
        .values()
        .filter(|c| role == "all" || c.role == role)
        .filter(|c| include.is_empty() || include.contains(&c.id))
        .filter(|c| !exclude.contains(&c.id))
        .filter(|c| email.is_none_or(|e| c.email.eq_ignore_ascii_case(e)))
        .filter(|c| {
            search.as_ref().is_none_or(|s| {
                [&c.email, &c.username, &c.first_name, &c.last_name]
                    .iter()
                    .any(|f| f.to_lowercase().contains(s))
            })
        })
        .collect();
    let pos = |id: u64| include.iter().position(|x| *x == id).unwrap_or(usize::MAX);
    found.sort_by(|a, b| {
        let o = match orderby {
            "id" => a.id.cmp(&b.id),
            "include" => pos(a.id).cmp(&pos(b.id)),
            "registered_date" => a.created.cmp(&b.created),
            _ => a.username.to_lowercase().cmp(&b.username.to_lowercase()),
        };
        let o = if ascending { o } else { o.reverse() };
        o.then(a.id.cmp(&b.id))
    });
    Ok(found)
}
