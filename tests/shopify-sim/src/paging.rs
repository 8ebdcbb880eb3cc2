//! Cursor pagination (`first`/`after`, `last`/`before`, `reverse`) as Shopify does it: opaque
//! base64 cursors naming the last row's sort value and id, at most 250 rows per page.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::graphql::error::{GqlError, GqlResult};

/// Largest `first`/`last` Shopify accepts.
pub(crate) const MAX_PAGE: u64 = 250;

/// A row to page over: its sort value (lexicographically ordered) and id.
pub(crate) struct Row {
    pub sort: String,
    pub id: u64,
    pub node: Value,
}

pub(crate) fn encode_cursor(sort: &str, id: u64) -> String {
    STANDARD.encode(json!({"last_id": id, "last_value": sort}).to_string())
}

fn decode_cursor(c: &str) -> Option<(String, u64)> {
    let bytes = STANDARD.decode(c).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    Some((
        v.get("last_value")?.as_str()?.to_string(),
        v.get("last_id")?.as_u64()?,
    ))
}

/// The page size requested by `first`/`last`, validated.
pub(crate) fn page_size(args: &Map<String, Value>) -> GqlResult<(u64, bool)> {
    let first = args.get("first").and_then(Value::as_u64);
    let last = args.get("last").and_then(Value::as_u64);
    let (n, backwards) = match (first, last) {
        (Some(n), None) => (n, false),
        (None, Some(n)) => (n, true),
        (None, None) => {
            return Err(GqlError::new("you must provide one of first or last").code("BAD_REQUEST"));
        }
        (Some(_), Some(_)) => {
            return Err(
                GqlError::new("providing both first and last is not supported").code("BAD_REQUEST"),
            );
        }
    };
    if n > MAX_PAGE {
        return Err(GqlError::new(format!(
            "The {} argument must be at most {MAX_PAGE}",
            if backwards { "last" } else { "first" }
        ))
        .code("MAX_PAGE_SIZE_EXCEEDED"));
    }
    Ok((n, backwards))
}

/// Sorts `rows` and cuts the page described by `args`; returns a `...Connection` object with
/// `nodes`, `edges` and `pageInfo`.
pub(crate) fn connection(
    typename: &str,
    mut rows: Vec<Row>,
    args: &Map<String, Value>,
) -> GqlResult<Value> {
    let (n, backwards) = page_size(args)?;
    rows.sort_by(|a, b| (&a.sort, a.id).cmp(&(&b.sort, b.id)));
    let reversed = args
        .get("reverse")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if reversed {
        rows.reverse();
    }
    // Index of the first row past the cursor (`strict`) or at/past it, in the current order.
    let position = |c: &str, strict: bool| -> GqlResult<usize> {
        let (sort, id) =
            decode_cursor(c).ok_or_else(|| GqlError::new("Invalid cursor").code("BAD_REQUEST"))?;
        let key = (sort.as_str(), id);
        Ok(rows
            .iter()
            .position(|r| {
                let k = (r.sort.as_str(), r.id);
                match (reversed, strict) {
                    (false, true) => k > key,
                    (false, false) => k >= key,
                    (true, true) => k < key,
                    (true, false) => k <= key,
                }
            })
            .unwrap_or(rows.len()))
    };
    let mut start = 0;
    let mut end = rows.len();
    if let Some(c) = args.get("after").and_then(Value::as_str) {
        start = position(c, true)?;
    }
    if let Some(c) = args.get("before").and_then(Value::as_str) {
        end = position(c, false)?.max(start);
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let (from, to) = if backwards {
        (end.saturating_sub(n).max(start), end)
    } else {
        (start, (start + n).min(end))
    };
    let page = &rows[from..to];
    let edges: Vec<Value> = page
        .iter()
        .map(|r| json!({"cursor": encode_cursor(&r.sort, r.id), "node": r.node}))
        .collect();
    let nodes: Vec<Value> = page.iter().map(|r| r.node.clone()).collect();
    let cursor = |r: Option<&Row>| r.map(|r| encode_cursor(&r.sort, r.id));
    Ok(json!({
        "__typename": typename,
        "nodes": nodes,
        "edges": edges,
        "pageInfo": {
            "__typename": "PageInfo",
            "hasNextPage": to < end || (backwards && end < rows.len()),
            "hasPreviousPage": from > start || (!backwards && start > 0),
            "startCursor": cursor(page.first()),
            "endCursor": cursor(page.last()),
        },
    }))
}

/// Sort value for ids: zero-padded so text order is numeric order.
pub(crate) fn id_key(id: u64) -> String {
    format!("{id:020}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: u64) -> Vec<Row> {
        (1..=n)
            .map(|i| Row {
                sort: id_key(i),
                id: i,
                node: json!({"id": i}),
            })
            .collect()
    }

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn ids(c: &Value) -> Vec<u64> {
        c["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_u64().unwrap())
            .collect()
    }

    #[test]
    fn pages_forward_to_the_end() {
        let c = connection("X", rows(5), &args(json!({"first": 2}))).unwrap();
        assert_eq!(ids(&c), vec![1, 2]);
        assert_eq!(c["pageInfo"]["hasNextPage"], json!(true));
        let after = c["pageInfo"]["endCursor"].as_str().unwrap().to_string();
        let c = connection("X", rows(5), &args(json!({"first": 3, "after": after}))).unwrap();
        assert_eq!(ids(&c), vec![3, 4, 5]);
        assert_eq!(c["pageInfo"]["hasNextPage"], json!(false));
    }

    #[test]
    fn reverse_and_last() {
        let c = connection("X", rows(5), &args(json!({"first": 2, "reverse": true}))).unwrap();
        assert_eq!(ids(&c), vec![5, 4]);
        let after = c["pageInfo"]["endCursor"].as_str().unwrap().to_string();
        let c = connection(
            "X",
            rows(5),
            &args(json!({"first": 2, "reverse": true, "after": after})),
        )
        .unwrap();
        assert_eq!(ids(&c), vec![3, 2]);
        let c = connection("X", rows(5), &args(json!({"last": 2}))).unwrap();
        assert_eq!(ids(&c), vec![4, 5]);
    }

    #[test]
    fn limits_and_bad_cursors() {
        assert!(connection("X", rows(1), &args(json!({"first": 251}))).is_err());
        assert!(connection("X", rows(1), &args(json!({}))).is_err());
        assert!(connection("X", rows(1), &args(json!({"first": 1, "after": "nope"}))).is_err());
    }
}
