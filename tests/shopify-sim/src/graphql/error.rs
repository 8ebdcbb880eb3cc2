//! GraphQL errors as Shopify renders them: `{message, locations?, path?, extensions: {code}}`.

use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GqlError {
    pub message: String,
    pub code: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub path: Vec<Value>,
}

impl GqlError {
    pub fn new(message: impl Into<String>) -> Self {
        GqlError {
            message: message.into(),
            code: None,
            line: None,
            column: None,
            path: Vec::new(),
        }
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn path(mut self, key: &str) -> Self {
        self.path.insert(0, Value::String(key.into()));
        self
    }

    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("message".into(), json!(self.message));
        if let (Some(line), Some(column)) = (self.line, self.column) {
            o.insert(
                "locations".into(),
                json!([{"line": line, "column": column}]),
            );
        }
        if !self.path.is_empty() {
            o.insert("path".into(), Value::Array(self.path.clone()));
        }
        if let Some(code) = &self.code {
            o.insert("extensions".into(), json!({"code": code}));
        }
        Value::Object(o)
    }
}

pub(crate) type GqlResult<T> = Result<T, GqlError>;
