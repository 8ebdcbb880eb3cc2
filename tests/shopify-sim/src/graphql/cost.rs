//! Calculated query cost, after Shopify's published rules: scalars and enums 0, objects 1,
//! connections 2 plus `first` (or `last`) times the cost of one node, mutations 10 per root
//! field. The requested cost uses the page sizes asked for; the actual cost recounts root
//! connections with the nodes really returned, and the difference is refunded to the bucket.

use serde_json::Value;

use super::doc::{OpKind, Operation, Sel};

pub(crate) const MUTATION_COST: u32 = 10;

pub(crate) fn requested(op: &Operation) -> u32 {
    match op.kind {
        OpKind::Mutation => MUTATION_COST.saturating_mul(op.fields.len() as u32),
        OpKind::Query => op.fields.iter().map(|f| field_cost(f, None)).sum(),
    }
}

/// Cost with root connections counted by the nodes in `data`.
pub(crate) fn actual(op: &Operation, data: &Value) -> u32 {
    match op.kind {
        OpKind::Mutation => requested(op),
        OpKind::Query => op
            .fields
            .iter()
            .map(|f| {
                let v = data.get(f.key());
                let returned = v.and_then(|v| {
                    v.get("nodes")
                        .or_else(|| v.get("edges"))
                        .and_then(Value::as_array)
                        .map(Vec::len)
                });
                field_cost(f, returned)
            })
            .sum(),
    }
}

fn is_connection(f: &Sel) -> bool {
    f.args.contains_key("first") || f.args.contains_key("last")
}

fn field_cost(f: &Sel, returned: Option<usize>) -> u32 {
    if f.children.is_empty() {
        return 0;
    }
    if f.name == "nodes" && f.args.contains_key("ids") {
        let ids = f
            .args
            .get("ids")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let n = returned.unwrap_or(ids) as u32;
        return n.saturating_mul(object_cost(&f.children));
    }
    if is_connection(f) {
        let asked = f
            .args
            .get("first")
            .or_else(|| f.args.get("last"))
            .and_then(Value::as_u64)
            .unwrap_or(0) as u32;
        let n = returned.map_or(asked, |r| r as u32);
        let node = f
            .children
            .iter()
            .map(|c| match c.name.as_str() {
                "nodes" => object_cost(&c.children),
                "edges" => c
                    .children
                    .iter()
                    .filter(|e| e.name == "node")
                    .map(|e| object_cost(&e.children))
                    .sum(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        return 2 + n.saturating_mul(node);
    }
    object_cost(&f.children)
}

fn object_cost(children: &[Sel]) -> u32 {
    1 + children.iter().map(|c| field_cost(c, None)).sum::<u32>()
}

#[cfg(test)]
mod tests {
    use super::super::doc::prepare;
    use super::*;
    use serde_json::{Map, json};

    fn cost(q: &str) -> u32 {
        requested(&prepare(q, None, &Map::new()).unwrap())
    }

    #[test]
    fn follows_the_published_examples() {
        // 2 + 10 x 1 (one object per node).
        assert_eq!(
            cost("{ products(first: 10) { edges { node { title } } } }"),
            12
        );
        // Nested object per node: 2 + 250 x 2.
        assert_eq!(
            cost(
                "{ productVariants(first: 250) { nodes { id product { id } } pageInfo { hasNextPage } } }"
            ),
            502
        );
        assert_eq!(cost("{ shop { name } }"), 1);
        assert_eq!(
            cost(
                "mutation { a: tagsAdd(id: \"x\", tags: []) { node { id } } b: tagsAdd(id: \"y\", tags: []) { node { id } } }"
            ),
            20
        );
    }

    #[test]
    fn actual_cost_counts_returned_nodes() {
        let op = prepare(
            "{ productVariants(first: 250) { nodes { id } } }",
            None,
            &Map::new(),
        )
        .unwrap();
        let data = json!({"productVariants": {"nodes": [{"id": 1}, {"id": 2}]}});
        assert_eq!(requested(&op), 252);
        assert_eq!(actual(&op, &data), 4);
    }
}
