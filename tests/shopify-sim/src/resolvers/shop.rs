//! `shop`, `locations`, `location`, `nodes`, `node`.

use serde_json::Value;

use super::{gid_of, req_str};
use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::split_gid;
use crate::paging::{Row, connection, id_key};
use crate::render;
use crate::state::World;

/// Largest `ids` list `nodes` accepts.
const MAX_NODES: usize = 250;

pub(crate) fn shop(w: &World) -> Value {
    render::shop(w)
}

/// Locations in id order (the primary one first); inactive ones only with `includeInactive`.
pub(crate) fn locations(w: &World, sel: &Sel) -> GqlResult<Value> {
    let inactive = sel
        .arg("includeInactive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let rows = w
        .locations
        .values()
        .filter(|l| l.active || inactive)
        .map(|l| Row {
            sort: id_key(l.id),
            id: l.id,
            node: render::location(l),
        })
        .collect();
    connection("LocationConnection", rows, &sel.args).map_err(|e| e.path(sel.key()))
}

/// `location(id:)`; without an id, the shop's primary location.
pub(crate) fn location(w: &World, sel: &Sel) -> GqlResult<Value> {
    let id = match sel.arg("id").and_then(Value::as_str) {
        Some(g) => gid_of(sel, g, "Location")?,
        None => w.primary_location(),
    };
    Ok(w.locations
        .get(&id)
        .map(render::location)
        .unwrap_or(Value::Null))
}

fn lookup(w: &World, g: &str) -> Value {
    let Some((kind, id)) = split_gid(g) else {
        return Value::Null;
    };
    let found = match kind {
        "ProductVariant" => w.variant(id).map(|(p, v)| render::variant(w, p, v)),
        "Product" => w.products.get(&id).map(|p| render::product(w, p, true)),
        "InventoryItem" => w
            .variant_of_item(id)
            .and_then(|vid| w.variant(vid))
            .and_then(|(p, v)| render::variant(w, p, v).get("inventoryItem").cloned()),
        "Customer" => w.customers.get(&id).map(render::customer),
        "Order" => w.orders.get(&id).map(render::order),
        "Location" => w.locations.get(&id).map(render::location),
        _ => None,
    };
    found.unwrap_or(Value::Null)
}

pub(crate) fn nodes(w: &World, sel: &Sel) -> GqlResult<Value> {
    let ids = sel.arg("ids").and_then(Value::as_array).ok_or_else(|| {
        sel.err("Field 'nodes' is missing required argument 'ids'")
            .code("missingRequiredArguments")
    })?;
    if ids.len() > MAX_NODES {
        return Err(sel
            .err(format!("The ids argument accepts at most {MAX_NODES} ids"))
            .code("BAD_REQUEST"));
    }
    Ok(Value::Array(
        ids.iter()
            .map(|g| g.as_str().map(|g| lookup(w, g)).unwrap_or(Value::Null))
            .collect(),
    ))
}

pub(crate) fn node(w: &World, sel: &Sel) -> GqlResult<Value> {
    Ok(lookup(w, req_str(sel, "id")?))
}
