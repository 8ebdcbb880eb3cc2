//! Projects a resolved object (the full record as JSON, with `__typename`) through a selection
//! set: picks and aliases fields, applies type conditions, turns lists into connections when
//! `nodes`/`edges`/`pageInfo` are selected, and resolves the few fields with arguments below
//! the root (`metafield(namespace, key)`, `metafields(namespace)`, `inventoryLevel(locationId)`,
//! `quantities(names)`). A field the record lacks is an error, as in a schema-checked server.

use serde_json::{Map, Value, json};

use super::doc::Sel;
use super::error::GqlResult;
use crate::paging::{Row, connection, id_key};

/// Concrete types the simulator renders; a type condition naming another type is treated as an
/// interface (`Node`, `HasMetafields`, ...) and always applies.
const CONCRETE: &[&str] = &[
    "Product",
    "ProductVariant",
    "InventoryItem",
    "InventoryLevel",
    "Customer",
    "MailingAddress",
    "Order",
    "Location",
    "Metafield",
    "Shop",
];

pub(crate) fn project(value: &Value, sels: &[Sel]) -> GqlResult<Value> {
    let Value::Object(obj) = value else {
        return Ok(value.clone());
    };
    let typename = obj.get("__typename").and_then(Value::as_str).unwrap_or("");
    let mut out = Map::new();
    for sel in sels {
        if let Some(cond) = &sel.on_type {
            if cond != typename && CONCRETE.contains(&cond.as_str()) {
                continue;
            }
        }
        let v = field(obj, typename, sel)?;
        let rendered = render(&v, sel, typename)?;
        merge(&mut out, sel.key(), rendered);
    }
    Ok(Value::Object(out))
}

fn merge(out: &mut Map<String, Value>, key: &str, v: Value) {
    match (out.get_mut(key), v) {
        (Some(Value::Object(a)), Value::Object(b)) => {
            for (k, bv) in b {
                merge(a, &k, bv);
            }
        }
        (_, v) => {
            out.insert(key.to_string(), v);
        }
    }
}

fn field(obj: &Map<String, Value>, typename: &str, sel: &Sel) -> GqlResult<Value> {
    match sel.name.as_str() {
        "__typename" => return Ok(json!(typename)),
        "metafield" if obj.contains_key("metafields") => {
            let ns = sel.arg("namespace").and_then(Value::as_str);
            let key = sel.arg("key").and_then(Value::as_str);
            let found = obj
                .get("metafields")
                .and_then(Value::as_array)
                .and_then(|list| {
                    list.iter().find(|m| {
                        m.get("key").and_then(Value::as_str) == key
                            && (ns.is_none() || m.get("namespace").and_then(Value::as_str) == ns)
                    })
                });
            return Ok(found.cloned().unwrap_or(Value::Null));
        }
        "inventoryLevel" if typename == "InventoryItem" => {
            let loc = sel.arg("locationId").and_then(Value::as_str);
            let found = obj
                .get("inventoryLevels")
                .and_then(Value::as_array)
                .and_then(|list| {
                    list.iter()
                        .find(|l| l.pointer("/location/id").and_then(Value::as_str) == loc)
                });
            return Ok(found.cloned().unwrap_or(Value::Null));
        }
        _ => {}
    }
    obj.get(&sel.name).cloned().ok_or_else(|| {
        sel.err(format!(
            "Field '{}' doesn't exist on type '{typename}'",
            sel.name
        ))
        .code("undefinedField")
    })
}

fn render(v: &Value, sel: &Sel, parent: &str) -> GqlResult<Value> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Array(items) => {
            let items = filter(items, sel);
            if sel.children.is_empty() {
                return Ok(Value::Array(items));
            }
            let is_connection = sel
                .children
                .iter()
                .any(|c| matches!(c.name.as_str(), "nodes" | "edges" | "pageInfo"));
            if is_connection {
                let rows = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, node)| Row {
                        sort: id_key(i as u64),
                        id: i as u64,
                        node,
                    })
                    .collect();
                let conn = connection("Connection", rows, &sel.args).map_err(|e| {
                    let mut e = e.at(sel.line, sel.column);
                    e.path.insert(0, json!(sel.key()));
                    e
                })?;
                return project(&conn, &sel.children);
            }
            items
                .iter()
                .map(|i| project(i, &sel.children))
                .collect::<GqlResult<Vec<_>>>()
                .map(Value::Array)
        }
        Value::Object(_) => {
            if sel.children.is_empty() {
                return Err(sel
                    .err(format!(
                        "Field '{}' of type on '{parent}' must have a selection of subfields",
                        sel.name
                    ))
                    .code("selectionMismatch"));
            }
            project(v, &sel.children).map_err(|mut e| {
                e.path.insert(0, json!(sel.key()));
                e
            })
        }
        scalar => {
            if !sel.children.is_empty() {
                return Err(sel
                    .err(format!(
                        "Selections can't be made on scalars (field '{}')",
                        sel.name
                    ))
                    .code("selectionMismatch"));
            }
            Ok(scalar.clone())
        }
    }
}

/// List arguments that filter rather than page: `namespace`, `keys` (`ns.key`), `names`.
fn filter(items: &[Value], sel: &Sel) -> Vec<Value> {
    let ns = sel.arg("namespace").and_then(Value::as_str);
    let strings = |name: &str| -> Option<Vec<String>> {
        sel.arg(name).and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
    };
    let keys = strings("keys");
    let names = strings("names");
    items
        .iter()
        .filter(|i| {
            let s = |k: &str| i.get(k).and_then(Value::as_str).unwrap_or("");
            ns.is_none_or(|ns| s("namespace") == ns)
                && keys
                    .as_ref()
                    .is_none_or(|ks| ks.contains(&format!("{}.{}", s("namespace"), s("key"))))
                && names
                    .as_ref()
                    .is_none_or(|ns| ns.iter().any(|n| n == s("name")))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::doc::prepare;
    use super::*;

    fn sels(q: &str) -> Vec<Sel> {
        prepare(q, None, &Map::new()).unwrap().fields[0]
            .children
            .clone()
    }

    fn variant() -> Value {
        json!({
            "__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/1", "sku": "A",
            "inventoryItem": {"__typename": "InventoryItem", "id": "gid://shopify/InventoryItem/2",
                "inventoryLevels": [{"__typename": "InventoryLevel",
                    "location": {"__typename": "Location", "id": "gid://shopify/Location/3"},
                    "quantities": [{"name": "available", "quantity": 4}, {"name": "on_hand", "quantity": 5}]}]},
            "metafields": [{"__typename": "Metafield", "namespace": "fortsync", "key": "a", "value": "1"},
                           {"__typename": "Metafield", "namespace": "other", "key": "b", "value": "2"}],
        })
    }

    #[test]
    fn picks_aliases_and_computed_fields() {
        let s = sels(
            r#"{ x { code: sku ... on ProductVariant { id } ... on Order { name }
            inventoryItem { inventoryLevel(locationId: "gid://shopify/Location/3") {
                quantities(names: ["on_hand"]) { quantity } } }
            mf: metafield(namespace: "fortsync", key: "a") { value }
            metafields(first: 5, namespace: "fortsync") { nodes { key } pageInfo { hasNextPage } } } }"#,
        );
        let out = project(&variant(), &s).unwrap();
        assert_eq!(out["code"], json!("A"));
        assert_eq!(out["id"], json!("gid://shopify/ProductVariant/1"));
        assert!(out.get("name").is_none());
        assert_eq!(
            out["inventoryItem"]["inventoryLevel"]["quantities"],
            json!([{"quantity": 5}])
        );
        assert_eq!(out["mf"]["value"], json!("1"));
        assert_eq!(out["metafields"]["nodes"], json!([{"key": "a"}]));
        assert_eq!(out["metafields"]["pageInfo"]["hasNextPage"], json!(false));
    }

    #[test]
    fn unknown_fields_and_missing_selections_are_errors() {
        let e = project(&variant(), &sels("{ x { colour } }")).unwrap_err();
        assert!(e.message.contains("doesn't exist"), "{}", e.message);
        let e = project(&variant(), &sels("{ x { inventoryItem } }")).unwrap_err();
        assert!(e.message.contains("subfields"), "{}", e.message);
    }
}
