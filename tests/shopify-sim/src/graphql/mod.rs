//! Executes a prepared operation against the shop: cost check and bucket, scopes, resolvers,
//! projection, refund of unused points, and the `extensions.cost` block.

pub(crate) mod cost;
pub(crate) mod doc;
pub(crate) mod error;
pub(crate) mod project;

use serde_json::{Map, Value, json};

use crate::config::AccessToken;
use crate::faults::FaultKind;
use crate::log::LoggedRequest;
use crate::resolvers::{self, Ctx, UserErr, payload, required_scope};
use crate::state::World;
use doc::{OpKind, Operation, Sel};
use error::GqlError;

const RATE_LIMIT_DOCS: &str = "https://shopify.dev/api/usage/rate-limits";

fn cost_block(w: &mut World, token: &str, requested: u32, actual: Option<u32>) -> Value {
    let status = w.throttle_status(token);
    json!({"cost": {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": status.to_json(),
    }})
}

/// The `THROTTLED` answer (HTTP 200). `drained` reports an empty bucket (injected throttles).
pub(crate) fn throttled(w: &mut World, token: &str, requested: u32, drained: bool) -> Value {
    let mut ext = cost_block(w, token, requested, None);
    if drained {
        ext["cost"]["throttleStatus"]["currentlyAvailable"] = json!(0);
    }
    json!({
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_LIMIT_DOCS}}],
        "extensions": ext,
    })
}

/// Runs `op` for `token`; returns the response body (always HTTP 200).
pub(crate) fn execute(
    w: &mut World,
    token: &AccessToken,
    version: &str,
    op: &Operation,
    injected: Option<&FaultKind>,
    entry: &mut LoggedRequest,
) -> Value {
    let requested = cost::requested(op);
    entry.requested_cost = Some(requested);
    let max = w.config.max_query_cost;
    if requested > max {
        entry.error_codes.push("MAX_COST_EXCEEDED".into());
        let ext = cost_block(w, &token.token, requested, None);
        return json!({
            "errors": [{
                "message": format!("Query cost is {requested}, which exceeds the single query max cost limit ({max}). See {RATE_LIMIT_DOCS} for more information on how the cost of a query is calculated. To query larger amounts of data with fewer limits, bulk operations should be used instead."),
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": max},
            }],
            "extensions": ext,
        });
    }
    if !w.take_points(&token.token, requested) {
        entry.throttled = true;
        return throttled(w, &token.token, requested, false);
    }
    let ctx = Ctx { version };
    let mut data = Map::new();
    let mut errors: Vec<GqlError> = Vec::new();
    let mut injected = injected;
    for sel in &op.fields {
        let result = match denied(token, sel) {
            Some(e) => Err(e),
            None => run_field(w, sel, op.kind, &ctx, &mut injected),
        };
        match result {
            Ok(v) => {
                data.insert(sel.key().to_string(), v);
            }
            Err(e) => {
                data.insert(sel.key().to_string(), Value::Null);
                errors.push(e);
            }
        }
    }
    let data = Value::Object(data);
    let actual = cost::actual(op, &data).min(requested);
    w.refund_points(&token.token, requested - actual);
    entry.actual_cost = Some(actual);
    entry.error_codes = errors.iter().filter_map(|e| e.code.clone()).collect();
    let mut body =
        json!({"data": data, "extensions": cost_block(w, &token.token, requested, Some(actual))});
    if !errors.is_empty() {
        body["errors"] = Value::Array(errors.iter().map(GqlError::to_json).collect());
    }
    body
}

/// `ACCESS_DENIED` when the token lacks the field's scope.
fn denied(token: &AccessToken, sel: &Sel) -> Option<GqlError> {
    let needed = required_scope(&sel.name)?;
    let scopes = token.scopes.as_ref()?;
    // A write scope implies the read scope of the same resource.
    let write = needed.replacen("read_", "write_", 1);
    if scopes.iter().any(|s| s == needed || *s == write) {
        return None;
    }
    Some(
        sel.err(format!(
            "Access denied for {} field. Required access: `{needed}` access scope.",
            sel.name
        ))
        .code("ACCESS_DENIED"),
    )
}

fn run_field(
    w: &mut World,
    sel: &Sel,
    kind: OpKind,
    ctx: &Ctx,
    injected: &mut Option<&FaultKind>,
) -> Result<Value, GqlError> {
    let full = match kind {
        OpKind::Query => resolvers::query(w, sel, ctx)?,
        OpKind::Mutation => {
            check_payload_selection(sel)?;
            match injected.take() {
                Some(FaultKind::UserError {
                    message,
                    field,
                    code,
                }) => {
                    let e = UserErr {
                        field: field.clone(),
                        message: message.clone(),
                        code: Some(code.clone().unwrap_or_else(|| "INVALID".into())),
                    };
                    Value::Object(payload(&sel.name, &[e]))
                }
                other => {
                    *injected = other;
                    resolvers::mutation(w, sel, ctx)?
                }
            }
        }
    };
    if sel.children.is_empty() {
        return Ok(full);
    }
    match &full {
        Value::Null => Ok(Value::Null),
        Value::Array(items) => items
            .iter()
            .map(|i| project::project(i, &sel.children))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
            .map_err(|e| e.path(sel.key())),
        _ => project::project(&full, &sel.children).map_err(|e| e.path(sel.key())),
    }
}

/// Rejects unknown payload fields before a mutation runs, so a client typo does not leave a
/// change applied behind an error (Shopify validates the whole document first).
fn check_payload_selection(sel: &Sel) -> Result<(), GqlError> {
    let known = payload(&sel.name, &[]);
    if known.len() < 2 {
        // Not a mutation the simulator knows; the resolver reports it.
        return Ok(());
    }
    for c in &sel.children {
        if c.name != "__typename" && !known.contains_key(&c.name) {
            return Err(c
                .err(format!(
                    "Field '{}' doesn't exist on the payload of '{}'",
                    c.name, sel.name
                ))
                .code("undefinedField")
                .path(sel.key()));
        }
    }
    Ok(())
}
