//! Turns a request (`query`, `variables`, `operationName`) into the selected operation with
//! variables substituted and fragments inlined: a tree of [`Sel`] with JSON arguments.
//!
//! Validation is what catches client bugs without a full schema: undeclared or unused
//! variables, missing non-null variables, unknown fragments, several operations without a name.

use std::collections::{HashMap, HashSet};

use async_graphql_parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql_parser::{Positioned, parse_query};
use async_graphql_value::{ConstValue, Name, Value as GqlValue};
use serde_json::{Map, Value};

use super::error::{GqlError, GqlResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpKind {
    Query,
    Mutation,
}

/// One selected field with its arguments resolved to JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sel {
    pub name: String,
    pub alias: Option<String>,
    pub args: Map<String, Value>,
    /// Directives other than @skip/@include, e.g. `@idempotent(key:)`.
    pub directives: Vec<(String, Map<String, Value>)>,
    /// Type condition of the fragment the field came from (`... on ProductVariant`).
    pub on_type: Option<String>,
    pub children: Vec<Sel>,
    pub line: usize,
    pub column: usize,
}

impl Sel {
    /// The key in the response: alias or name.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    pub fn arg(&self, name: &str) -> Option<&Value> {
        self.args.get(name).filter(|v| !v.is_null())
    }

    pub fn directive(&self, name: &str) -> Option<&Map<String, Value>> {
        self.directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a)
    }

    pub fn err(&self, message: impl Into<String>) -> GqlError {
        GqlError::new(message)
            .at(self.line, self.column)
            .path(self.key())
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub kind: OpKind,
    pub name: Option<String>,
    pub fields: Vec<Sel>,
}

pub(crate) fn prepare(
    query: &str,
    operation_name: Option<&str>,
    variables: &Map<String, Value>,
) -> GqlResult<Operation> {
    let doc = parse_query(query).map_err(|e| {
        let mut err = GqlError::new(format!("syntax error: {e}")).code("PARSE_ERROR");
        if let Some(p) = e.positions().next() {
            err = err.at(p.line, p.column);
        }
        err
    })?;
    let (name, op) = select_operation(&doc, operation_name)?;
    let kind = match op.node.ty {
        OperationType::Query => OpKind::Query,
        OperationType::Mutation => OpKind::Mutation,
        OperationType::Subscription => {
            return Err(GqlError::new("Subscriptions are not supported"));
        }
    };
    let label = name.clone().unwrap_or_else(|| "anonymous".into());
    let vars = bind_variables(&op.node, variables)?;
    let mut ctx = Ctx {
        vars: &vars,
        used: HashSet::new(),
        fragments: &doc.fragments,
        visiting: Vec::new(),
    };
    let fields = ctx.selection_set(&op.node.selection_set.node, None)?;
    for v in vars.keys() {
        if !ctx.used.contains(v) {
            return Err(GqlError::new(format!(
                "Variable ${v} is declared by {label} but not used"
            ))
            .code("variableNotUsed"));
        }
    }
    Ok(Operation { kind, name, fields })
}

fn select_operation<'a>(
    doc: &'a ExecutableDocument,
    wanted: Option<&str>,
) -> GqlResult<(Option<String>, &'a Positioned<OperationDefinition>)> {
    match &doc.operations {
        DocumentOperations::Single(op) => Ok((None, op)),
        DocumentOperations::Multiple(ops) => {
            let found = match wanted {
                Some(w) => ops.iter().find(|(n, _)| n.as_str() == w),
                None if ops.len() == 1 => ops.iter().next(),
                None => {
                    return Err(GqlError::new(
                        "An operation name is required when sending multiple operations.",
                    ));
                }
            };
            found
                .map(|(n, op)| (Some(n.to_string()), op))
                .ok_or_else(|| {
                    GqlError::new(format!(
                        "No operation named \"{}\"",
                        wanted.unwrap_or_default()
                    ))
                })
        }
    }
}

/// Declared variables with their values (provided, default or null).
fn bind_variables(
    op: &OperationDefinition,
    provided: &Map<String, Value>,
) -> GqlResult<HashMap<String, ConstValue>> {
    let mut out = HashMap::new();
    for def in &op.variable_definitions {
        let name = def.node.name.node.to_string();
        let ty = &def.node.var_type.node;
        let value = match provided.get(&name) {
            Some(v) if !v.is_null() => ConstValue::from_json(v.clone())
                .map_err(|e| GqlError::new(format!("Variable ${name}: {e}")))?,
            _ => match def.node.default_value() {
                Some(d) => d.clone(),
                None if ty.nullable => ConstValue::Null,
                None => {
                    return Err(GqlError::new(format!(
                        "Variable ${name} of type {ty} was provided invalid value"
                    ))
                    .code("INVALID_VARIABLE"));
                }
            },
        };
        out.insert(name, value);
    }
    Ok(out)
}

struct Ctx<'a> {
    vars: &'a HashMap<String, ConstValue>,
    used: HashSet<String>,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    visiting: Vec<String>,
}

impl Ctx<'_> {
    fn selection_set(&mut self, set: &SelectionSet, on_type: Option<&str>) -> GqlResult<Vec<Sel>> {
        let mut out = Vec::new();
        for item in &set.items {
            if !self.included(item.node.directives())? {
                continue;
            }
            match &item.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let mut args = Map::new();
                    for (n, v) in &f.arguments {
                        args.insert(n.node.to_string(), self.value(&v.node)?);
                    }
                    let mut directives = Vec::new();
                    for d in &f.directives {
                        let name = d.node.name.node.to_string();
                        if name == "skip" || name == "include" {
                            continue;
                        }
                        let mut dargs = Map::new();
                        for (n, v) in &d.node.arguments {
                            dargs.insert(n.node.to_string(), self.value(&v.node)?);
                        }
                        directives.push((name, dargs));
                    }
                    let children = self.selection_set(&f.selection_set.node, None)?;
                    out.push(Sel {
                        name: f.name.node.to_string(),
                        alias: f.alias.as_ref().map(|a| a.node.to_string()),
                        args,
                        directives,
                        on_type: on_type.map(str::to_string),
                        children,
                        line: f.name.pos.line,
                        column: f.name.pos.column,
                    });
                }
                Selection::InlineFragment(frag) => {
                    let cond = frag
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.to_string());
                    let cond = cond.as_deref().or(on_type);
                    out.extend(self.selection_set(&frag.node.selection_set.node, cond)?);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.to_string();
                    let Some(def) = self.fragments.get(spread.node.fragment_name.node.as_str())
                    else {
                        return Err(GqlError::new(format!(
                            "Fragment {name} was used, but not defined"
                        ))
                        .at(spread.pos.line, spread.pos.column));
                    };
                    if self.visiting.contains(&name) {
                        return Err(GqlError::new(format!(
                            "Fragment {name} contains an infinite loop"
                        )));
                    }
                    self.visiting.push(name);
                    let cond = def.node.type_condition.node.on.node.to_string();
                    let inner = self.selection_set(&def.node.selection_set.node, Some(&cond));
                    self.visiting.pop();
                    out.extend(inner?);
                }
            }
        }
        Ok(out)
    }

    fn included(
        &mut self,
        directives: &[Positioned<async_graphql_parser::types::Directive>],
    ) -> GqlResult<bool> {
        for d in directives {
            let name = d.node.name.node.as_str();
            if name != "skip" && name != "include" {
                continue;
            }
            let cond = match d.node.get_argument("if") {
                Some(v) => self.value(&v.node)?,
                None => Value::Bool(false),
            };
            let flag = cond.as_bool().unwrap_or(false);
            if (name == "skip" && flag) || (name == "include" && !flag) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn value(&mut self, v: &GqlValue) -> GqlResult<Value> {
        let mut undeclared = None;
        let vars = self.vars;
        let used = &mut self.used;
        let c = v.clone().into_const_with(|name: Name| {
            let key = name.to_string();
            match vars.get(&key) {
                Some(val) => {
                    used.insert(key);
                    Ok(val.clone())
                }
                None => {
                    undeclared = Some(key);
                    Err(())
                }
            }
        });
        match c {
            Ok(c) => c
                .into_json()
                .map_err(|e| GqlError::new(format!("invalid value: {e}"))),
            Err(()) => Err(GqlError::new(format!(
                "Variable ${} is used but not declared",
                undeclared.unwrap_or_default()
            ))
            .code("undefinedVariable")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(o) => o,
            _ => Map::new(),
        }
    }

    #[test]
    fn substitutes_variables_and_inlines_fragments() {
        let q = r#"query Q($first: Int!, $q: String) {
            productVariants(first: $first, query: $q) { nodes { ...V } }
        }
        fragment V on ProductVariant { id sku a: price }"#;
        let op = prepare(q, None, &vars(json!({"first": 5, "q": "sku:A"}))).unwrap();
        assert_eq!(op.kind, OpKind::Query);
        let f = &op.fields[0];
        assert_eq!(f.args["first"], json!(5));
        assert_eq!(f.args["query"], json!("sku:A"));
        let nodes = &f.children[0];
        assert_eq!(nodes.children.len(), 3);
        assert_eq!(nodes.children[2].key(), "a");
        assert_eq!(nodes.children[0].on_type.as_deref(), Some("ProductVariant"));
    }

    #[test]
    fn rejects_unused_and_missing_variables() {
        let e = prepare("query($a: Int) { shop { name } }", None, &Map::new()).unwrap_err();
        assert!(e.message.contains("not used"), "{}", e.message);
        let e = prepare(
            "query($a: Int!) { locations(first: $a) { nodes { id } } }",
            None,
            &Map::new(),
        )
        .unwrap_err();
        assert!(e.message.contains("invalid value"), "{}", e.message);
        let e = prepare(
            "{ locations(first: $x) { nodes { id } } }",
            None,
            &Map::new(),
        )
        .unwrap_err();
        assert!(e.message.contains("not declared"), "{}", e.message);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let e = prepare("query { shop { name }", None, &Map::new()).unwrap_err();
        assert_eq!(e.code.as_deref(), Some("PARSE_ERROR"));
        assert!(e.line.is_some());
    }

    #[test]
    fn keeps_custom_directives_and_honours_skip() {
        let q = r#"mutation($k: String!, $no: Boolean!) {
            inventorySetQuantities(input: {name: "on_hand"}) @idempotent(key: $k) { userErrors { message } }
            tagsAdd(id: "x", tags: []) @skip(if: $no) { userErrors { message } }
        }"#;
        let op = prepare(q, None, &vars(json!({"k": "abc", "no": true}))).unwrap();
        assert_eq!(op.kind, OpKind::Mutation);
        assert_eq!(op.fields.len(), 1);
        assert_eq!(
            op.fields[0].directive("idempotent").unwrap()["key"],
            json!("abc")
        );
    }
}
