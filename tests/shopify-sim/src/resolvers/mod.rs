//! Root fields of the Admin API subset fortsync uses. Query resolvers return full records as
//! JSON (see `render`); mutation resolvers return their payload object. Both are projected
//! through the client's selection by the executor.

mod customers;
mod inventory;
mod metafields;
mod orders;
mod product_set;
mod products;
mod shop;
mod variants_update;

use serde_json::{Map, Value, json};

use crate::graphql::doc::Sel;
use crate::graphql::error::GqlResult;
use crate::model::split_gid;
use crate::state::World;

/// Per-request facts resolvers may depend on.
pub(crate) struct Ctx<'a> {
    /// The API version of the request path, e.g. "2026-10".
    pub version: &'a str,
}

impl Ctx<'_> {
    /// Whether the request's version is `v` or newer ("YYYY-MM" compares as text).
    pub fn at_least(&self, v: &str) -> bool {
        self.version >= v
    }
}

/// The access scope a root field needs (Shopify answers `ACCESS_DENIED` without it).
pub(crate) fn required_scope(field: &str) -> Option<&'static str> {
    Some(match field {
        "productVariants" | "productVariant" | "products" | "product" => "read_products",
        "productVariantsBulkUpdate" | "productSet" | "productCreate" => "write_products",
        "inventorySetQuantities" => "write_inventory",
        "locations" | "location" => "read_locations",
        "customers" | "customer" => "read_customers",
        "customerCreate" | "customerUpdate" | "customerAddressCreate" | "customerAddressUpdate" => {
            "write_customers"
        }
        "order" | "orders" => "read_orders",
        "orderUpdate" => "write_orders",
        _ => return None,
    })
}

pub(crate) fn query(w: &World, sel: &Sel, _ctx: &Ctx) -> GqlResult<Value> {
    match sel.name.as_str() {
        "shop" => Ok(shop::shop(w)),
        "locations" => shop::locations(w, sel),
        "location" => shop::location(w, sel),
        "productVariants" => products::product_variants(w, sel),
        "productVariant" => products::product_variant(w, sel),
        "products" => products::products(w, sel),
        "product" => products::product(w, sel),
        "nodes" => shop::nodes(w, sel),
        "node" => shop::node(w, sel),
        "customers" => customers::customers(w, sel),
        "customer" => customers::customer(w, sel),
        "orders" => orders::orders(w, sel),
        "order" => orders::order(w, sel),
        other => Err(sel
            .err(format!("Field '{other}' doesn't exist on type 'QueryRoot'"))
            .code("undefinedField")),
    }
}

pub(crate) fn mutation(w: &mut World, sel: &Sel, ctx: &Ctx) -> GqlResult<Value> {
    match sel.name.as_str() {
        "productVariantsBulkUpdate" => variants_update::variants_bulk_update(w, sel),
        "productSet" => product_set::product_set(w, sel),
        "productCreate" => product_set::product_create(w, sel),
        "inventorySetQuantities" => inventory::set_quantities(w, sel, ctx),
        "customerCreate" => customers::create(w, sel),
        "customerUpdate" => customers::update(w, sel),
        "customerAddressCreate" => customers::address_create(w, sel),
        "customerAddressUpdate" => customers::address_update(w, sel),
        "metafieldsSet" => metafields::set(w, sel),
        "metafieldsDelete" => metafields::delete(w, sel),
        "tagsAdd" => orders::tags_add(w, sel),
        "tagsRemove" => orders::tags_remove(w, sel),
        "orderUpdate" => orders::order_update(w, sel),
        other => Err(sel
            .err(format!("Field '{other}' doesn't exist on type 'Mutation'"))
            .code("undefinedField")),
    }
}

/// Payload fields of each mutation besides `userErrors`, and whether its user errors carry a
/// `code` (typed user errors) or are plain `UserError`s (`field` and `message` only).
fn payload_shape(field: &str) -> (&'static [&'static str], bool) {
    match field {
        "productVariantsBulkUpdate" => (&["product", "productVariants"], true),
        "productSet" => (&["product", "productSetOperation"], true),
        "productCreate" => (&["product"], false),
        "inventorySetQuantities" => (&["inventoryAdjustmentGroup"], true),
        "customerCreate" | "customerUpdate" => (&["customer"], false),
        "customerAddressCreate" | "customerAddressUpdate" => (&["address"], false),
        "metafieldsSet" => (&["metafields"], true),
        "metafieldsDelete" => (&["deletedMetafields"], false),
        "tagsAdd" | "tagsRemove" => (&["node"], false),
        "orderUpdate" => (&["order"], false),
        _ => (&[], false),
    }
}

/// A user error as the mutation's error type renders it.
#[derive(Debug, Clone)]
pub(crate) struct UserErr {
    pub field: Vec<String>,
    pub message: String,
    pub code: Option<String>,
}

impl UserErr {
    pub fn new(field: &[&str], message: impl Into<String>, code: &str) -> Self {
        UserErr {
            field: field.iter().map(|s| s.to_string()).collect(),
            message: message.into(),
            code: Some(code.into()),
        }
    }
}

/// The payload of mutation `field` with all result fields null and these user errors.
pub(crate) fn payload(field: &str, errors: &[UserErr]) -> Map<String, Value> {
    let (keys, typed) = payload_shape(field);
    let mut p = Map::new();
    for k in keys {
        p.insert((*k).into(), Value::Null);
    }
    let errs: Vec<Value> = errors
        .iter()
        .map(|e| {
            let mut o = json!({
                "__typename": if typed { "TypedUserError" } else { "UserError" },
                "field": if e.field.is_empty() { Value::Null } else { json!(e.field) },
                "message": e.message,
            });
            if typed {
                o["code"] = json!(e.code);
            }
            o
        })
        .collect();
    p.insert("userErrors".into(), Value::Array(errs));
    p
}

/// A string argument that must be present.
pub(crate) fn req_str<'a>(sel: &'a Sel, name: &str) -> GqlResult<&'a str> {
    sel.arg(name).and_then(Value::as_str).ok_or_else(|| {
        sel.err(format!(
            "Field '{}' is missing required argument '{name}'",
            sel.name
        ))
        .code("missingRequiredArguments")
    })
}

/// An object argument that must be present.
pub(crate) fn req_obj<'a>(sel: &'a Sel, name: &str) -> GqlResult<&'a Map<String, Value>> {
    sel.arg(name).and_then(Value::as_object).ok_or_else(|| {
        sel.err(format!(
            "Field '{}' is missing required argument '{name}'",
            sel.name
        ))
        .code("missingRequiredArguments")
    })
}

/// The numeric id of a GID argument of `kind`; malformed ids are a top-level error as in
/// Shopify ("Invalid global id").
pub(crate) fn gid_of(sel: &Sel, value: &str, kind: &str) -> GqlResult<u64> {
    match split_gid(value) {
        Some((k, id)) if k == kind => Ok(id),
        _ => Err(sel
            .err(format!("Invalid global id '{value}'"))
            .code("argumentLiteralsIncompatible")),
    }
}

/// An optional string field of an input object: `None` = absent, `Some(None)` = explicit null
/// (clears), `Some(Some(s))` = set.
pub(crate) fn opt_str(input: &Map<String, Value>, key: &str) -> Option<Option<String>> {
    match input.get(key)? {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        other => Some(Some(other.to_string())),
    }
}

/// A list of strings (`[String!]`), also accepting one comma-separated string as Shopify does
/// for tags.
pub(crate) fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// Rejects a `sortKey` outside `allowed`, as GraphQL enum validation would.
pub(crate) fn sort_key<'a>(
    sel: &'a Sel,
    allowed: &[&str],
    default: &'a str,
    enum_name: &str,
) -> GqlResult<&'a str> {
    let key = sel
        .arg("sortKey")
        .and_then(Value::as_str)
        .unwrap_or(default);
    if allowed.contains(&key) {
        Ok(key)
    } else {
        Err(sel
            .err(format!(
                "Argument 'sortKey' on Field '{}' has an invalid value ({key}). Expected type '{enum_name}'.",
                sel.name
            ))
            .code("argumentLiteralsIncompatible"))
    }
}

/// Parses the `query` argument (Shopify search syntax).
pub(crate) fn search(sel: &Sel) -> GqlResult<crate::search::Query> {
    let q = sel.arg("query").and_then(Value::as_str).unwrap_or("");
    crate::search::parse(q).map_err(|e| sel.err(e).code("BAD_REQUEST"))
}
