//! `customers`, `customer`, `customerCreate`, `customerUpdate`, `customerAddressCreate`,
//! `customerAddressUpdate`.
//!
//! Assumed Shopify behaviour: a customer needs a name, phone or email; email and phone are
//! unique per shop (email compared case-insensitively); in inputs an explicit `null` clears a
//! field while an absent one keeps it; `countryCode` is a two-letter `CountryCode` enum value.
//! Search fields: `email`, `first_name`, `last_name`, `phone`, `country`, `tag`, `id`,
//! `updated_at`, `created_at`; a bare word matches email or name.

use serde_json::{Map, Value};

use super::products::{num_matches, time_matches};
use super::{UserErr, gid_of, opt_str, payload, req_obj, req_str, search, sort_key, string_list};
use crate::clock::fmt_time;
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::{Address, Customer, Metafield};
use crate::paging::{Row, connection, id_key};
use crate::render;
use crate::search::{Query, text_matches};
use crate::state::World;

fn customer_matches(c: &Customer, q: &Query) -> bool {
    let opt = |v: &Option<String>, cmp, value: &str| {
        v.as_deref().is_some_and(|s| text_matches(s, cmp, value))
    };
    q.eval(&|field, cmp, value| match field {
        Some("email") => opt(&c.email, cmp, value),
        Some("first_name") => opt(&c.first_name, cmp, value),
        Some("last_name") => opt(&c.last_name, cmp, value),
        Some("phone") => opt(&c.phone, cmp, value),
        Some("country") => c
            .default_address()
            .is_some_and(|a| opt(&a.country_code, cmp, value)),
        Some("tag") => c.tags.iter().any(|t| text_matches(t, cmp, value)),
        Some("id") => num_matches(c.id, cmp, value),
        Some("updated_at") => time_matches(c.updated_at, cmp, value),
        Some("created_at") => time_matches(c.created_at, cmp, value),
        None => {
            opt(&c.email, cmp, value)
                || opt(&c.first_name, cmp, value)
                || opt(&c.last_name, cmp, value)
        }
        Some(_) => true,
    })
}

pub(crate) fn customers(w: &World, sel: &Sel) -> GqlResult<Value> {
    let q = search(sel)?;
    let key = sort_key(
        sel,
        &["ID", "UPDATED_AT", "CREATED_AT", "NAME", "RELEVANCE"],
        "ID",
        "CustomerSortKeys",
    )?;
    let rows = w
        .customers
        .values()
        .filter(|c| customer_matches(c, &q))
        .map(|c| Row {
            sort: match key {
                "UPDATED_AT" => fmt_time(c.updated_at),
                "CREATED_AT" => fmt_time(c.created_at),
                "NAME" => format!(
                    "{} {}",
                    c.first_name.as_deref().unwrap_or(""),
                    c.last_name.as_deref().unwrap_or("")
                )
                .to_lowercase(),
                _ => id_key(c.id),
            },
            id: c.id,
            node: render::customer(c),
        })
        .collect();
    connection("CustomerConnection", rows, &sel.args).map_err(|e| e.path(sel.key()))
}

pub(crate) fn customer(w: &World, sel: &Sel) -> GqlResult<Value> {
    let id = gid_of(sel, req_str(sel, "id")?, "Customer")?;
    Ok(w.customers
        .get(&id)
        .map(render::customer)
        .unwrap_or(Value::Null))
}

fn email_valid(e: &str) -> bool {
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

/// Lenient phone check: 6–15 digits once spaces, dashes, dots and parentheses are removed,
/// optionally with a leading `+` (Shopify parses local numbers with the shop's country).
fn phone_valid(p: &str) -> bool {
    let compact: String = p
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    (6..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

/// Checks and applies a `CustomerInput` to `c` (a new or existing customer).
fn apply_input(
    w: &mut World,
    sel: &Sel,
    c: &mut Customer,
    input: &Map<String, Value>,
) -> GqlResult<Vec<UserErr>> {
    let mut errors = Vec::new();
    if let Some(email) = opt_str(input, "email") {
        let email = email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty());
        if let Some(e) = &email {
            if !email_valid(e) {
                errors.push(UserErr::new(&["email"], "Email is invalid", "INVALID"));
            } else if w.customers.values().any(|o| {
                o.id != c.id
                    && o.email
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(e))
            }) {
                errors.push(UserErr::new(
                    &["email"],
                    "Email has already been taken",
                    "TAKEN",
                ));
            }
        }
        c.email = email;
    }
    if let Some(phone) = opt_str(input, "phone") {
        let phone = phone.filter(|p| !p.trim().is_empty());
        if let Some(p) = &phone {
            if !phone_valid(p) {
                errors.push(UserErr::new(&["phone"], "Phone is invalid", "INVALID"));
            } else if w
                .customers
                .values()
                .any(|o| o.id != c.id && o.phone.as_deref() == Some(p.as_str()))
            {
                errors.push(UserErr::new(
                    &["phone"],
                    "Phone has already been taken",
                    "TAKEN",
                ));
            }
        }
        c.phone = phone;
    }
    for (key, slot) in [
        ("firstName", &mut c.first_name),
        ("lastName", &mut c.last_name),
        ("note", &mut c.note),
    ] {
        if let Some(v) = opt_str(input, key) {
            *slot = v.filter(|s| !s.is_empty());
        }
    }
    if input.contains_key("tags") {
        c.tags = string_list(input.get("tags"));
    }
    // Older versions take addresses on the customer input; the first becomes the default.
    if let Some(list) = input.get("addresses").and_then(Value::as_array) {
        c.addresses.clear();
        for a in list.iter().filter_map(Value::as_object) {
            let mut addr = Address {
                id: w.new_id(),
                ..Address::default()
            };
            apply_address(sel, &mut addr, a)?;
            c.addresses.push(addr);
        }
        c.default_address_id = c.addresses.first().map(|a| a.id);
    }
    let now = w.now();
    for m in input
        .get("metafields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let mf = Metafield {
            id: w.new_id(),
            namespace: s("namespace"),
            key: s("key"),
            kind: s("type"),
            value: s("value"),
            updated_at: now,
        };
        c.metafields
            .retain(|o| !(o.namespace == mf.namespace && o.key == mf.key));
        c.metafields.push(mf);
    }
    let named = [&c.email, &c.phone, &c.first_name, &c.last_name]
        .iter()
        .any(|f| f.is_some());
    if !named {
        errors.push(UserErr::new(
            &[],
            "Customer must have a name, phone number or email address",
            "BLANK",
        ));
    }
    c.updated_at = now;
    Ok(errors)
}

pub(crate) fn create(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "customerCreate";
    let input = req_obj(sel, "input")?;
    let now = w.now();
    let mut c = Customer {
        id: w.new_id(),
        email: None,
        first_name: None,
        last_name: None,
        phone: None,
        note: None,
        tags: Vec::new(),
        addresses: Vec::new(),
        default_address_id: None,
        metafields: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    let errors = apply_input(w, sel, &mut c, input)?;
    if !errors.is_empty() {
        return Ok(Value::Object(payload(name, &errors)));
    }
    let mut out = payload(name, &[]);
    out.insert("customer".into(), render::customer(&c));
    w.customers.insert(c.id, c);
    Ok(Value::Object(out))
}

pub(crate) fn update(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "customerUpdate";
    let input = req_obj(sel, "input")?;
    let id = gid_of(
        sel,
        input.get("id").and_then(Value::as_str).unwrap_or(""),
        "Customer",
    )?;
    let Some(mut c) = w.customers.get(&id).cloned() else {
        let e = UserErr::new(&["id"], "Customer does not exist", "NOT_FOUND");
        return Ok(Value::Object(payload(name, &[e])));
    };
    let errors = apply_input(w, sel, &mut c, input)?;
    if !errors.is_empty() {
        return Ok(Value::Object(payload(name, &errors)));
    }
    let mut out = payload(name, &[]);
    out.insert("customer".into(), render::customer(&c));
    w.customers.insert(id, c);
    Ok(Value::Object(out))
}

/// Applies a `MailingAddressInput`: present keys replace (null clears), absent keys stay.
fn apply_address(sel: &Sel, a: &mut Address, input: &Map<String, Value>) -> GqlResult<()> {
    let fields: [(&str, &mut Option<String>); 9] = [
        ("firstName", &mut a.first_name),
        ("lastName", &mut a.last_name),
        ("company", &mut a.company),
        ("address1", &mut a.address1),
        ("address2", &mut a.address2),
        ("zip", &mut a.zip),
        ("city", &mut a.city),
        ("provinceCode", &mut a.province_code),
        ("phone", &mut a.phone),
    ];
    for (key, slot) in fields {
        if let Some(v) = opt_str(input, key) {
            *slot = v.filter(|s| !s.is_empty());
        }
    }
    if let Some(cc) = opt_str(input, "countryCode") {
        if let Some(code) = &cc {
            let ok = code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase());
            if !ok {
                return Err(sel
                    .err(format!(
                        "Variable address.countryCode has an invalid value: {code} is not a valid CountryCode"
                    ))
                    .code("INVALID_VARIABLE"));
            }
        }
        a.country_code = cc;
    }
    Ok(())
}

fn address_payload(name: &str, a: &Address) -> Value {
    let mut out = payload(name, &[]);
    out.insert("address".into(), render::address(a));
    Value::Object(out)
}

pub(crate) fn address_create(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "customerAddressCreate";
    let cid = gid_of(sel, req_str(sel, "customerId")?, "Customer")?;
    let input = req_obj(sel, "address")?;
    let set_default = sel
        .arg("setAsDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !w.customers.contains_key(&cid) {
        let e = UserErr::new(&["customerId"], "Customer does not exist", "NOT_FOUND");
        return Ok(Value::Object(payload(name, &[e])));
    }
    let mut a = Address {
        id: w.new_id(),
        ..Address::default()
    };
    apply_address(sel, &mut a, input)?;
    let now = w.now();
    if let Some(c) = w.customers.get_mut(&cid) {
        c.addresses.push(a.clone());
        if set_default || c.default_address_id.is_none() {
            c.default_address_id = Some(a.id);
        }
        c.updated_at = now;
    }
    Ok(address_payload(name, &a))
}

pub(crate) fn address_update(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "customerAddressUpdate";
    let cid = gid_of(sel, req_str(sel, "customerId")?, "Customer")?;
    let aid = gid_of(sel, req_str(sel, "addressId")?, "MailingAddress")?;
    let input = req_obj(sel, "address")?;
    let set_default = sel
        .arg("setAsDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let now = w.now();
    let Some(c) = w.customers.get_mut(&cid) else {
        let e = UserErr::new(&["customerId"], "Customer does not exist", "NOT_FOUND");
        return Ok(Value::Object(payload(name, &[e])));
    };
    let Some(a) = c.addresses.iter_mut().find(|a| a.id == aid) else {
        let e = UserErr::new(&["addressId"], "Address does not exist", "NOT_FOUND");
        return Ok(Value::Object(payload(name, &[e])));
    };
    apply_address(sel, a, input)?;
    let a = a.clone();
    if set_default {
        c.default_address_id = Some(aid);
    }
    c.updated_at = now;
    Ok(address_payload(name, &a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_email_and_phone() {
        assert!(email_valid("anna@example.se"));
        assert!(!email_valid("anna@example"));
        assert!(!email_valid("anna example.se"));
        assert!(phone_valid("+46 8-123 45 67"));
        assert!(phone_valid("08-123 45 67"));
        assert!(!phone_valid("call me"));
        assert!(!phone_valid("12"));
    }
}
