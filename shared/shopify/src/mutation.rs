//! Builds one mutation document out of several aliased root fields (one per product, order
//! part or metafield chunk), so N changes cost few HTTP calls. Root fields of a mutation run
//! in document order, which the stock update relies on (tracking is switched on before
//! quantities are set).

use fortsync_app::shop::ShopError;
use serde_json::{Map, Value};

use crate::client::Call;
use crate::wire::UserError;

/// Shopify's cost of one mutation root field.
pub(crate) const MUTATION_COST: u32 = 10;

pub(crate) struct MutationDoc {
    name: &'static str,
    vars: Vec<(String, &'static str)>,
    values: Map<String, Value>,
    /// (alias, label used in error messages, field text)
    fields: Vec<(String, String, String)>,
}

impl MutationDoc {
    pub fn new(name: &'static str) -> Self {
        MutationDoc {
            name,
            vars: Vec::new(),
            values: Map::new(),
            fields: Vec::new(),
        }
    }

    /// Declares a variable of GraphQL type `ty`; returns its reference (`$v3`).
    pub fn var(&mut self, ty: &'static str, value: Value) -> String {
        let name = format!("v{}", self.vars.len());
        self.vars.push((name.clone(), ty));
        self.values.insert(name.clone(), value);
        format!("${name}")
    }

    /// Adds a root field, e.g. `tagsAdd(id: $v0, tags: $v1) { userErrors { field message } }`.
    pub fn field(&mut self, label: impl Into<String>, text: String) {
        let alias = format!("m{}", self.fields.len());
        self.fields.push((alias, label.into(), text));
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn call(&self) -> Call {
        let decl = self
            .vars
            .iter()
            .map(|(n, t)| format!("${n}: {t}"))
            .collect::<Vec<_>>()
            .join(", ");
        let decl = if decl.is_empty() {
            String::new()
        } else {
            format!("({decl})")
        };
        let body = self
            .fields
            .iter()
            .map(|(alias, _, text)| format!("  {alias}: {text}"))
            .collect::<Vec<_>>()
            .join("\n");
        let query = format!("mutation {}{decl} {{\n{body}\n}}", self.name);
        Call::new(
            self.name,
            query,
            Value::Object(self.values.clone()),
            MUTATION_COST * self.fields.len() as u32,
        )
        .exact_cost()
    }

    /// The user errors of every field, labelled.
    pub fn user_errors(&self, data: &Value) -> Vec<(String, UserError)> {
        let mut out = Vec::new();
        for (alias, label, _) in &self.fields {
            let errs = data[alias.as_str()]["userErrors"].clone();
            if let Ok(list) = serde_json::from_value::<Vec<UserError>>(errs) {
                out.extend(list.into_iter().map(|e| (label.clone(), e)));
            }
        }
        out
    }
}

/// `Ok` when there are no user errors; `NotFound` when all say the target is missing;
/// otherwise `Invalid` with (up to 20) messages.
pub(crate) fn check(errors: &[(String, UserError)]) -> Result<(), ShopError> {
    if errors.is_empty() {
        return Ok(());
    }
    let text = errors
        .iter()
        .take(20)
        .map(|(label, e)| format!("{label}: {}", e.describe()))
        .collect::<Vec<_>>()
        .join("; ");
    let more = errors.len().saturating_sub(20);
    let text = if more > 0 {
        format!("{text}; and {more} more")
    } else {
        text
    };
    if errors.iter().all(|(_, e)| e.is_not_found()) {
        Err(ShopError::NotFound(text))
    } else {
        Err(ShopError::Invalid(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_aliased_fields_with_declared_variables() {
        let mut d = MutationDoc::new("FortsyncTest");
        let id = d.var("ID!", json!("gid://shopify/Order/1"));
        let tags = d.var("[String!]!", json!(["a"]));
        d.field(
            "order 1",
            format!("tagsAdd(id: {id}, tags: {tags}) {{ userErrors {{ field message }} }}"),
        );
        let call = d.call();
        assert_eq!(
            call.query,
            "mutation FortsyncTest($v0: ID!, $v1: [String!]!) {\n  m0: tagsAdd(id: $v0, tags: $v1) { userErrors { field message } }\n}"
        );
        assert_eq!(call.cost, 10);
        assert_eq!(call.variables["v1"], json!(["a"]));
        let data = json!({"m0": {"userErrors": [{"field": ["id"], "message": "Resource does not exist"}]}});
        let errs = d.user_errors(&data);
        assert_eq!(errs.len(), 1);
        assert!(
            matches!(check(&errs), Err(ShopError::NotFound(m)) if m == "order 1: id: Resource does not exist")
        );
    }
}
