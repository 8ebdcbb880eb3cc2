//! `order`, `orders`, `orderUpdate`, `tagsAdd`, `tagsRemove`.
//!
//! Assumed Shopify behaviour: `orderUpdate` replaces the note (null clears it) and, when
//! given, the tag list; `tagsAdd` adds to the tags of an order, customer or product, ignoring
//! ones already present (compared case-insensitively) and accepting a comma-separated string.

use serde_json::Value;

use super::products::time_matches;
use super::{UserErr, gid_of, opt_str, payload, req_obj, req_str, search, string_list};
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::{Metafield, split_gid};
use crate::paging::{Row, connection, id_key};
use crate::render;
use crate::search::text_matches;
use crate::state::World;

pub(crate) fn order(w: &World, sel: &Sel) -> GqlResult<Value> {
    let id = gid_of(sel, req_str(sel, "id")?, "Order")?;
    Ok(w.orders.get(&id).map(render::order).unwrap_or(Value::Null))
}

/// Orders by id; search fields `name`, `tag`, `updated_at`, `email`.
pub(crate) fn orders(w: &World, sel: &Sel) -> GqlResult<Value> {
    let q = search(sel)?;
    let rows = w
        .orders
        .values()
        .filter(|o| {
            q.eval(&|field, cmp, value| match field {
                Some("name") | None => text_matches(&o.name, cmp, value),
                Some("tag") => o.tags.iter().any(|t| text_matches(t, cmp, value)),
                Some("email") => o
                    .email
                    .as_deref()
                    .is_some_and(|e| text_matches(e, cmp, value)),
                Some("updated_at") => time_matches(o.updated_at, cmp, value),
                Some(_) => true,
            })
        })
        .map(|o| Row {
            sort: id_key(o.id),
            id: o.id,
            node: render::order(o),
        })
        .collect();
    connection("OrderConnection", rows, &sel.args).map_err(|e| e.path(sel.key()))
}

pub(crate) fn order_update(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    let name = "orderUpdate";
    let input = req_obj(sel, "input")?;
    let id = gid_of(
        sel,
        input.get("id").and_then(Value::as_str).unwrap_or(""),
        "Order",
    )?;
    let now = w.now();
    let mut new_metafields = Vec::new();
    for m in input
        .get("metafields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        new_metafields.push((s("namespace"), s("key"), s("type"), s("value")));
    }
    let mut ids = Vec::new();
    for _ in &new_metafields {
        ids.push(w.new_id());
    }
    let Some(o) = w.orders.get_mut(&id) else {
        let e = UserErr::new(&["id"], "Order does not exist", "NOT_FOUND");
        return Ok(Value::Object(payload(name, &[e])));
    };
    if let Some(note) = opt_str(input, "note") {
        o.note = note.filter(|n| !n.is_empty());
    }
    if let Some(email) = opt_str(input, "email") {
        o.email = email;
    }
    if input.contains_key("tags") {
        o.tags = dedupe(string_list(input.get("tags")));
    }
    for ((namespace, key, kind, value), id) in new_metafields.into_iter().zip(ids) {
        o.metafields
            .retain(|m| !(m.namespace == namespace && m.key == key));
        o.metafields.push(Metafield {
            id,
            namespace,
            key,
            kind,
            value,
            updated_at: now,
        });
    }
    o.updated_at = now;
    let mut out = payload(name, &[]);
    out.insert("order".into(), render::order(o));
    Ok(Value::Object(out))
}

fn dedupe(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_string();
        if !t.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    out
}

/// The tag list of the order, customer or product with GID `g`.
fn tags_of<'a>(
    w: &'a mut World,
    g: &str,
) -> Option<(&'a mut Vec<String>, &'a mut time::OffsetDateTime)> {
    let (kind, id) = split_gid(g)?;
    match kind {
        "Order" => w
            .orders
            .get_mut(&id)
            .map(|o| (&mut o.tags, &mut o.updated_at)),
        "Customer" => w
            .customers
            .get_mut(&id)
            .map(|c| (&mut c.tags, &mut c.updated_at)),
        "Product" => w
            .products
            .get_mut(&id)
            .map(|p| (&mut p.tags, &mut p.updated_at)),
        _ => None,
    }
}

fn change_tags(w: &mut World, sel: &Sel, add: bool) -> GqlResult<Value> {
    let name = if add { "tagsAdd" } else { "tagsRemove" };
    let g = req_str(sel, "id")?.to_string();
    let tags = string_list(sel.arg("tags"));
    let now = w.now();
    let Some((list, updated)) = tags_of(w, &g) else {
        let e = UserErr::new(&["id"], "Resource does not exist", "NOT_FOUND");
        return Ok(Value::Object(payload(name, &[e])));
    };
    let before = list.clone();
    if add {
        let mut all = list.clone();
        all.extend(tags);
        *list = dedupe(all);
    } else {
        list.retain(|t| !tags.iter().any(|r| r.trim().eq_ignore_ascii_case(t)));
    }
    if *list != before {
        *updated = now;
    }
    let mut out = payload(name, &[]);
    out.insert(
        "node".into(),
        serde_json::json!({"__typename": "Node", "id": g}),
    );
    Ok(Value::Object(out))
}

pub(crate) fn tags_add(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    change_tags(w, sel, true)
}

pub(crate) fn tags_remove(w: &mut World, sel: &Sel) -> GqlResult<Value> {
    change_tags(w, sel, false)
}
