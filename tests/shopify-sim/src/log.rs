//! Request log of the Admin API endpoint (the control API is not logged): one entry per HTTP
//! request with its GraphQL operation, root fields, variables, cost and outcome. Tokens are
//! never logged.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    /// The `{version}` of `/admin/api/{version}/graphql.json`.
    pub api_version: Option<String>,
    pub status: u16,
    /// `query` or `mutation` (None when the document did not parse).
    pub kind: Option<String>,
    pub operation_name: Option<String>,
    /// Root field names in document order (aliases resolved), e.g. `["productVariantsBulkUpdate",
    /// "productVariantsBulkUpdate", "inventorySetQuantities"]`.
    pub root_fields: Vec<String>,
    pub variables: Value,
    pub requested_cost: Option<u32>,
    pub actual_cost: Option<u32>,
    /// Answered with `THROTTLED` (bucket short or injected).
    pub throttled: bool,
    /// `extensions.code` of top-level errors.
    pub error_codes: Vec<String>,
    /// Kind of the injected fault that shaped the answer, if any.
    pub fault: Option<String>,
    /// Simulator time (RFC 3339).
    pub at: String,
}

impl LoggedRequest {
    pub(crate) fn new(path: &str) -> Self {
        LoggedRequest {
            method: "POST".into(),
            path: path.into(),
            api_version: None,
            status: 0,
            kind: None,
            operation_name: None,
            root_fields: Vec::new(),
            variables: Value::Null,
            requested_cost: None,
            actual_cost: None,
            throttled: false,
            error_codes: Vec::new(),
            fault: None,
            at: String::new(),
        }
    }

    /// Whether the request reached the resolvers and succeeded at the HTTP and GraphQL level.
    pub fn served(&self) -> bool {
        self.status == 200 && !self.throttled && self.error_codes.is_empty()
    }
}
