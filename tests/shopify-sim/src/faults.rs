//! Fault injection: the next `count` requests naming a root field (or any request, `"*"`) get
//! an HTTP error (429 with `Retry-After`, 5xx), a `THROTTLED` answer, a user error in the
//! mutation payload, or a delay.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::World;

fn one() -> usize {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Root field the fault applies to (e.g. `productVariantsBulkUpdate`), or `"*"` for any.
    pub operation: String,
    /// How many matching requests are affected.
    #[serde(default = "one")]
    pub count: usize,
    #[serde(flatten)]
    pub kind: FaultKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this HTTP status instead of serving the request.
    Status {
        status: u16,
        /// `Retry-After` header value in seconds (e.g. "2.0").
        #[serde(default)]
        retry_after: Option<String>,
        /// Body; default `{"errors": "<reason>"}`.
        #[serde(default)]
        body: Option<Value>,
    },
    /// 200 with `errors: [{message: "Throttled", extensions: {code: "THROTTLED"}}]`.
    Throttled,
    /// The mutation is not applied; its payload's `userErrors` holds this error.
    UserError {
        message: String,
        #[serde(default)]
        field: Vec<String>,
        #[serde(default)]
        code: Option<String>,
    },
    /// Wait this long, then serve normally.
    Delay { ms: u64 },
}

impl Fault {
    fn new(operation: &str, kind: FaultKind) -> Self {
        Fault {
            operation: operation.into(),
            count: 1,
            kind,
        }
    }
    pub fn status(operation: &str, status: u16) -> Self {
        Self::new(
            operation,
            FaultKind::Status {
                status,
                retry_after: None,
                body: None,
            },
        )
    }
    /// 429 with `Retry-After: {seconds}`.
    pub fn too_many_requests(operation: &str, retry_after: &str) -> Self {
        Self::new(
            operation,
            FaultKind::Status {
                status: 429,
                retry_after: Some(retry_after.into()),
                body: None,
            },
        )
    }
    pub fn throttled(operation: &str) -> Self {
        Self::new(operation, FaultKind::Throttled)
    }
    pub fn user_error(operation: &str, message: &str) -> Self {
        Self::new(
            operation,
            FaultKind::UserError {
                message: message.into(),
                field: Vec::new(),
                code: None,
            },
        )
    }
    pub fn delay(operation: &str, ms: u64) -> Self {
        Self::new(operation, FaultKind::Delay { ms })
    }
    pub fn times(mut self, count: usize) -> Self {
        self.count = count;
        self
    }
    fn matches(&self, root_fields: &[String]) -> bool {
        self.operation == "*" || root_fields.contains(&self.operation)
    }
}

impl World {
    /// Takes one use of the first fault matching any of `root_fields`.
    pub(crate) fn take_fault(&mut self, root_fields: &[String]) -> Option<Fault> {
        let i = self
            .faults
            .iter()
            .position(|f| f.count > 0 && f.matches(root_fields))?;
        let f = self.faults[i].clone();
        self.faults[i].count -= 1;
        if self.faults[i].count == 0 {
            self.faults.remove(i);
        }
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serde_shape_is_flat() {
        let f = Fault::too_many_requests("tagsAdd", "2.0").times(3);
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            v,
            json!({"operation": "tagsAdd", "count": 3, "kind": "status", "status": 429,
                   "retry_after": "2.0", "body": null})
        );
        let back: Fault =
            serde_json::from_value(json!({"operation": "*", "kind": "throttled"})).unwrap();
        assert_eq!(back, Fault::throttled("*"));
    }
}
