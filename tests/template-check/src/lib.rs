//! Typed, read-only view of the SAM `template.yaml` at the workspace root.
//!
//! This crate is the single source of truth for local resources: test crates that create
//! the DynamoDB table or the SQS queues in moto read their shape from here
//! ([`Template::table`], [`Template::work_queue`], [`Template::dead_letter_queue`]) instead of
//! repeating key names, GSIs or timeouts. `tests/rules.rs` enforces the template rules that
//! cfn-lint does not check.
//!
//! YAML crate: `serde_yaml_ng` (the maintained fork of `serde_yaml` 0.9, same API). It keeps
//! CloudFormation short-form intrinsics (`!Ref`, `!GetAtt`, `!Sub`, `!If`, ...) as
//! [`Value::Tagged`] instead of rejecting them, so the template parses unchanged; the
//! deprecated `serde_yaml` 0.9 would work identically but receives no fixes.
//!
//! Intrinsic functions are rendered as text in the short form, e.g. `!GetAtt StateTable.Arn`,
//! `!Ref WorkQueue`, `!Sub ${StateTable.Arn}/index/*` (long forms such as
//! `{"Fn::GetAtt": ["StateTable", "Arn"]}` are rendered the same way).

use std::path::{Path, PathBuf};

use serde_yaml_ng::Mapping;
pub use serde_yaml_ng::Value;

/// SAM defaults when neither the function nor `Globals.Function` sets a value.
const SAM_DEFAULT_TIMEOUT: u32 = 3;
const SAM_DEFAULT_MEMORY: u32 = 128;
/// SQS default visibility timeout / retention when a queue does not set them.
const SQS_DEFAULT_VISIBILITY: u32 = 30;
const SQS_DEFAULT_RETENTION: u32 = 345_600;

/// The parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    root: Value,
    path: PathBuf,
}

/// Shape of the DynamoDB state table (`StateTable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    pub hash_key: String,
    pub range_key: String,
    /// `(AttributeName, AttributeType)` from `AttributeDefinitions`, in template order.
    pub attributes: Vec<(String, String)>,
    pub gsis: Vec<GsiSpec>,
    /// TTL attribute when `TimeToLiveSpecification.Enabled` is true.
    pub ttl_attribute: Option<String>,
    pub pitr: bool,
    /// Both `DeletionPolicy` and `UpdateReplacePolicy` are `Retain`.
    pub retain: bool,
    /// `BillingMode` (e.g. `PAY_PER_REQUEST`).
    pub billing_mode: Option<String>,
    /// `SSESpecification.SSEEnabled`.
    pub sse: bool,
}

/// A global secondary index of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GsiSpec {
    pub name: String,
    pub hash_key: String,
    pub range_key: Option<String>,
    /// `Projection.ProjectionType` (e.g. `ALL`).
    pub projection: Option<String>,
}

/// Settings of an `AWS::SQS::Queue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSpec {
    pub logical_id: String,
    /// Seconds (SQS default 30 if unset).
    pub visibility_timeout: u32,
    /// Seconds (SQS default 4 days if unset).
    pub retention_seconds: u32,
    /// `RedrivePolicy.maxReceiveCount`.
    pub max_receive_count: Option<u32>,
    /// Logical id of the dead-letter queue named in `RedrivePolicy.deadLetterTargetArn`.
    pub dead_letter_target: Option<String>,
    /// `KmsMasterKeyId` set or `SqsManagedSseEnabled: true`.
    pub encrypted: bool,
    /// Both `DeletionPolicy` and `UpdateReplacePolicy` are `Retain`.
    pub retain: bool,
    pub fifo: bool,
}

/// An `AWS::Serverless::Function` with `Globals.Function` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSpec {
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary` (empty if missing).
    pub binary: String,
    /// `Metadata.BuildMethod` (e.g. `rust-cargolambda`).
    pub build_method: Option<String>,
    /// Seconds: own `Timeout`, else `Globals.Function.Timeout`, else the SAM default (3).
    pub timeout: u32,
    /// MB: own `MemorySize`, else Globals, else the SAM default (128).
    pub memory: u32,
    pub reserved_concurrency: Option<u32>,
    pub events: Vec<EventSpec>,
    /// Inline policy statements plus expansions of known SAM policy templates.
    pub statements: Vec<PolicyStatement>,
    /// Names of SAM policy templates / managed policies listed under `Policies`
    /// (e.g. `SQSPollerPolicy`); inline documents are not listed here.
    pub policy_templates: Vec<String>,
    /// Environment variables, Globals merged with the function's own (own wins), rendered.
    pub environment: Vec<(String, String)>,
}

/// One entry of a function's `Events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    /// Event name (key under `Events`).
    pub name: String,
    /// `HttpApi`, `SQS`, `ScheduleV2`, ...
    pub kind: String,
    pub path: Option<String>,
    pub method: Option<String>,
    pub function_response_types: Vec<String>,
    /// Logical id of the referenced queue (SQS events).
    pub queue: Option<String>,
    /// Logical id of the referenced API (HttpApi events with `ApiId`).
    pub api: Option<String>,
    pub batch_size: Option<u32>,
    pub maximum_batching_window: Option<u32>,
    /// `ScalingConfig.MaximumConcurrency`.
    pub maximum_concurrency: Option<u32>,
    /// `ScheduleExpression` (Schedule/ScheduleV2).
    pub schedule: Option<String>,
    /// `Input` (Schedule/ScheduleV2), rendered.
    pub input: Option<String>,
    /// `RetryPolicy` present (ScheduleV2).
    pub has_retry_policy: bool,
}

/// An IAM statement, rendered to strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyStatement {
    pub sid: Option<String>,
    /// `Allow` or `Deny` (`Allow` if missing).
    pub effect: String,
    pub actions: Vec<String>,
    /// Rendered resources; intrinsics kept as text like `"!GetAtt StateTable.Arn"`.
    pub resources: Vec<String>,
}

/// `<workspace root>` (two levels above this crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

impl Template {
    /// Reads and parses `<workspace root>/template.yaml`.
    pub fn load() -> Result<Template, String> {
        Self::load_from(&workspace_root().join("template.yaml"))
    }

    /// Reads and parses a template file.
    pub fn load_from(path: &Path) -> Result<Template, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut t = Self::parse(&text)?;
        t.path = path.to_path_buf();
        Ok(t)
    }

    /// Parses template text (used by rule tests on modified copies).
    pub fn parse(text: &str) -> Result<Template, String> {
        let root: Value =
            serde_yaml_ng::from_str(text).map_err(|e| format!("template.yaml: {e}"))?;
        if !matches!(root.get("Resources"), Some(Value::Mapping(_))) {
            return Err("template.yaml: no Resources mapping".into());
        }
        Ok(Template {
            root,
            path: PathBuf::new(),
        })
    }

    /// Path the template was loaded from (empty for [`Template::parse`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw parsed document.
    pub fn raw(&self) -> &Value {
        &self.root
    }

    /// A resource by logical id.
    pub fn resource(&self, logical_id: &str) -> Option<&Value> {
        self.root.get("Resources")?.get(logical_id)
    }

    /// Logical ids of all resources of a type, in template order.
    pub fn resources_of_type(&self, ty: &str) -> Vec<String> {
        let Some(Value::Mapping(res)) = self.root.get("Resources") else {
            return Vec::new();
        };
        res.iter()
            .filter(|(_, v)| str_at(v, &["Type"]) == Some(ty))
            .filter_map(|(k, _)| k.as_str().map(str::to_owned))
            .collect()
    }

    /// `Parameters.<name>.Default`, rendered.
    pub fn parameter_default(&self, name: &str) -> Option<String> {
        self.root
            .get("Parameters")?
            .get(name)?
            .get("Default")
            .map(render)
    }

    /// `Globals.Function.<key>`.
    pub fn global_function(&self, key: &str) -> Option<&Value> {
        self.root.get("Globals")?.get("Function")?.get(key)
    }

    /// `Outputs.<name>.Value`, rendered.
    pub fn output(&self, name: &str) -> Option<String> {
        self.root
            .get("Outputs")?
            .get(name)?
            .get("Value")
            .map(render)
    }

    /// The state table (`StateTable`). Panics if it is missing: every consumer needs it.
    pub fn table(&self) -> TableSpec {
        self.table_spec("StateTable")
            .unwrap_or_else(|e| panic!("template.yaml: {e}"))
    }

    /// A DynamoDB table by logical id.
    pub fn table_spec(&self, logical_id: &str) -> Result<TableSpec, String> {
        let res = self
            .resource(logical_id)
            .ok_or_else(|| format!("no resource {logical_id}"))?;
        let props = res
            .get("Properties")
            .ok_or_else(|| format!("{logical_id} has no Properties"))?;
        let (hash_key, range_key) = key_schema(props.get("KeySchema"));
        let hash_key = hash_key.ok_or_else(|| format!("{logical_id}: no HASH key"))?;
        let attributes = seq(props.get("AttributeDefinitions"))
            .iter()
            .filter_map(|a| {
                Some((
                    str_at(a, &["AttributeName"])?.to_owned(),
                    str_at(a, &["AttributeType"])?.to_owned(),
                ))
            })
            .collect();
        let gsis = seq(props.get("GlobalSecondaryIndexes"))
            .iter()
            .filter_map(|g| {
                let (h, r) = key_schema(g.get("KeySchema"));
                Some(GsiSpec {
                    name: str_at(g, &["IndexName"])?.to_owned(),
                    hash_key: h?,
                    range_key: r,
                    projection: str_at(g, &["Projection", "ProjectionType"]).map(str::to_owned),
                })
            })
            .collect();
        let ttl_attribute = props.get("TimeToLiveSpecification").and_then(|t| {
            if bool_at(t, &["Enabled"]) == Some(true) {
                str_at(t, &["AttributeName"]).map(str::to_owned)
            } else {
                None
            }
        });
        Ok(TableSpec {
            hash_key,
            range_key: range_key.unwrap_or_default(),
            attributes,
            gsis,
            ttl_attribute,
            pitr: bool_at(
                props,
                &[
                    "PointInTimeRecoverySpecification",
                    "PointInTimeRecoveryEnabled",
                ],
            ) == Some(true),
            retain: is_retained(res),
            billing_mode: str_at(props, &["BillingMode"]).map(str::to_owned),
            sse: bool_at(props, &["SSESpecification", "SSEEnabled"]) == Some(true),
        })
    }

    /// The work queue (`WorkQueue`). Panics if it is missing.
    pub fn work_queue(&self) -> QueueSpec {
        self.queue("WorkQueue")
            .unwrap_or_else(|e| panic!("template.yaml: {e}"))
    }

    /// The dead-letter queue (`DeadLetterQueue`). Panics if it is missing.
    pub fn dead_letter_queue(&self) -> QueueSpec {
        self.queue("DeadLetterQueue")
            .unwrap_or_else(|e| panic!("template.yaml: {e}"))
    }

    /// An SQS queue by logical id.
    pub fn queue(&self, logical_id: &str) -> Result<QueueSpec, String> {
        let res = self
            .resource(logical_id)
            .ok_or_else(|| format!("no resource {logical_id}"))?;
        if str_at(res, &["Type"]) != Some("AWS::SQS::Queue") {
            return Err(format!("{logical_id} is not an AWS::SQS::Queue"));
        }
        let empty = Value::Mapping(Mapping::new());
        let props = res.get("Properties").unwrap_or(&empty);
        let redrive = props.get("RedrivePolicy");
        Ok(QueueSpec {
            logical_id: logical_id.to_owned(),
            visibility_timeout: u32_at(props, &["VisibilityTimeout"])
                .unwrap_or(SQS_DEFAULT_VISIBILITY),
            retention_seconds: u32_at(props, &["MessageRetentionPeriod"])
                .unwrap_or(SQS_DEFAULT_RETENTION),
            max_receive_count: redrive.and_then(|r| u32_at(r, &["maxReceiveCount"])),
            dead_letter_target: redrive
                .and_then(|r| r.get("deadLetterTargetArn"))
                .and_then(referenced_logical_id),
            encrypted: props
                .get("KmsMasterKeyId")
                .is_some_and(|v| !render(v).is_empty())
                || bool_at(props, &["SqsManagedSseEnabled"]) == Some(true),
            retain: is_retained(res),
            fifo: bool_at(props, &["FifoQueue"]) == Some(true),
        })
    }

    /// A serverless function by logical id, with Globals applied.
    pub fn function(&self, logical_id: &str) -> Option<FunctionSpec> {
        let res = self.resource(logical_id)?;
        if str_at(res, &["Type"]) != Some("AWS::Serverless::Function") {
            return None;
        }
        Some(self.function_spec(logical_id, res))
    }

    /// All serverless functions, in template order.
    pub fn functions(&self) -> Vec<FunctionSpec> {
        self.resources_of_type("AWS::Serverless::Function")
            .iter()
            .filter_map(|id| self.function(id))
            .collect()
    }

    /// The function whose `Metadata.BuildProperties.Binary` is `binary`.
    pub fn function_by_binary(&self, binary: &str) -> Option<FunctionSpec> {
        self.functions().into_iter().find(|f| f.binary == binary)
    }

    fn function_spec(&self, logical_id: &str, res: &Value) -> FunctionSpec {
        let empty = Value::Mapping(Mapping::new());
        let props = res.get("Properties").unwrap_or(&empty);
        let own_or_global = |key: &str| -> Option<u32> {
            u32_at(props, &[key]).or_else(|| self.global_function(key).and_then(as_u32))
        };

        let mut environment: Vec<(String, String)> = Vec::new();
        let globals_env = self
            .global_function("Environment")
            .and_then(|e| e.get("Variables"));
        for vars in [
            globals_env,
            props.get("Environment").and_then(|e| e.get("Variables")),
        ]
        .into_iter()
        .flatten()
        {
            if let Value::Mapping(m) = vars {
                for (k, v) in m {
                    let Some(k) = k.as_str() else { continue };
                    let v = render(v);
                    match environment.iter_mut().find(|(name, _)| name == k) {
                        Some(slot) => slot.1 = v,
                        None => environment.push((k.to_owned(), v)),
                    }
                }
            }
        }

        let mut events = Vec::new();
        if let Some(Value::Mapping(evs)) = props.get("Events") {
            for (name, ev) in evs {
                events.push(event_spec(name.as_str().unwrap_or_default(), ev));
            }
        }

        let mut statements = Vec::new();
        let mut policy_templates = Vec::new();
        policies(
            props.get("Policies"),
            &mut statements,
            &mut policy_templates,
        );

        FunctionSpec {
            logical_id: logical_id.to_owned(),
            binary: str_at(res, &["Metadata", "BuildProperties", "Binary"])
                .unwrap_or_default()
                .to_owned(),
            build_method: str_at(res, &["Metadata", "BuildMethod"]).map(str::to_owned),
            timeout: own_or_global("Timeout").unwrap_or(SAM_DEFAULT_TIMEOUT),
            memory: own_or_global("MemorySize").unwrap_or(SAM_DEFAULT_MEMORY),
            reserved_concurrency: u32_at(props, &["ReservedConcurrentExecutions"]),
            events,
            statements,
            policy_templates,
            environment,
        }
    }
}

impl FunctionSpec {
    /// Events of one kind (`HttpApi`, `SQS`, `ScheduleV2`, ...).
    pub fn events_of(&self, kind: &str) -> Vec<&EventSpec> {
        self.events.iter().filter(|e| e.kind == kind).collect()
    }

    /// All `(action, resource)` pairs this function is allowed.
    pub fn allowed(&self) -> Vec<(String, String)> {
        self.statements
            .iter()
            .filter(|s| s.effect == "Allow")
            .flat_map(|s| {
                s.actions
                    .iter()
                    .flat_map(move |a| s.resources.iter().map(move |r| (a.clone(), r.clone())))
            })
            .collect()
    }

    /// Resources on which `action` (exact, case-insensitive) is allowed.
    pub fn resources_for(&self, action: &str) -> Vec<String> {
        self.allowed()
            .into_iter()
            .filter(|(a, _)| a.eq_ignore_ascii_case(action))
            .map(|(_, r)| r)
            .collect()
    }

    /// The value of an environment variable (rendered).
    pub fn env(&self, name: &str) -> Option<&str> {
        self.environment
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl TableSpec {
    /// The type (`S`, `N`, `B`) of an attribute in `AttributeDefinitions`.
    pub fn attribute_type(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    /// A GSI by name.
    pub fn gsi(&self, name: &str) -> Option<&GsiSpec> {
        self.gsis.iter().find(|g| g.name == name)
    }
}

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

fn event_spec(name: &str, ev: &Value) -> EventSpec {
    let empty = Value::Mapping(Mapping::new());
    let p = ev.get("Properties").unwrap_or(&empty);
    EventSpec {
        name: name.to_owned(),
        kind: str_at(ev, &["Type"]).unwrap_or_default().to_owned(),
        path: str_at(p, &["Path"]).map(str::to_owned),
        method: str_at(p, &["Method"]).map(|m| m.to_ascii_uppercase()),
        function_response_types: seq(p.get("FunctionResponseTypes"))
            .iter()
            .map(render)
            .collect(),
        queue: p.get("Queue").and_then(referenced_logical_id),
        api: p.get("ApiId").and_then(referenced_logical_id),
        batch_size: u32_at(p, &["BatchSize"]),
        maximum_batching_window: u32_at(p, &["MaximumBatchingWindowInSeconds"]),
        maximum_concurrency: u32_at(p, &["ScalingConfig", "MaximumConcurrency"]),
        schedule: p.get("ScheduleExpression").map(render),
        input: p.get("Input").map(render),
        has_retry_policy: p.get("RetryPolicy").is_some(),
    }
}

/// SAM policy templates we know how to expand (actions from SAM's policy_templates.json).
fn expand_policy_template(name: &str, args: &Value) -> Option<PolicyStatement> {
    match name {
        "SQSPollerPolicy" => {
            let queue = args.get("QueueName")?;
            // `!GetAtt Q.QueueName` names the same queue as `!GetAtt Q.Arn`.
            let resource = match referenced_logical_id(queue) {
                Some(id) => format!("!GetAtt {id}.Arn"),
                None => format!(
                    "!Sub arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{}",
                    render(queue)
                ),
            };
            Some(PolicyStatement {
                sid: Some(name.to_owned()),
                effect: "Allow".into(),
                actions: [
                    "sqs:ChangeMessageVisibility",
                    "sqs:ChangeMessageVisibilityBatch",
                    "sqs:DeleteMessage",
                    "sqs:DeleteMessageBatch",
                    "sqs:GetQueueAttributes",
                    "sqs:ReceiveMessage",
                ]
                .map(str::to_owned)
                .to_vec(),
                resources: vec![resource],
            })
        }
        _ => None,
    }
}

fn policies(v: Option<&Value>, statements: &mut Vec<PolicyStatement>, names: &mut Vec<String>) {
    let items: Vec<Value> = match v {
        None => return,
        Some(Value::Sequence(s)) => s.clone(),
        Some(other) => vec![other.clone()],
    };
    for item in &items {
        match item {
            // Managed policy name or ARN.
            Value::String(s) => names.push(s.clone()),
            Value::Mapping(m) if m.contains_key("Statement") => {
                let sts = match m.get("Statement") {
                    Some(Value::Sequence(s)) => s.clone(),
                    Some(other) => vec![other.clone()],
                    None => Vec::new(),
                };
                for st in &sts {
                    statements.push(PolicyStatement {
                        sid: str_at(st, &["Sid"]).map(str::to_owned),
                        effect: str_at(st, &["Effect"]).unwrap_or("Allow").to_owned(),
                        actions: string_list(st.get("Action")),
                        resources: string_list(st.get("Resource")),
                    });
                }
            }
            // `- SQSPollerPolicy: {QueueName: ...}`
            Value::Mapping(m) => {
                for (k, args) in m {
                    let Some(name) = k.as_str() else { continue };
                    names.push(name.to_owned());
                    if let Some(st) = expand_policy_template(name, args) {
                        statements.push(st);
                    }
                }
            }
            other => names.push(render(other)),
        }
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Value::Sequence(s)) => s.iter().map(render).collect(),
        Some(other) => vec![render(other)],
    }
}

fn key_schema(v: Option<&Value>) -> (Option<String>, Option<String>) {
    let mut hash = None;
    let mut range = None;
    for k in seq(v) {
        let name = str_at(k, &["AttributeName"]).map(str::to_owned);
        match str_at(k, &["KeyType"]) {
            Some("HASH") => hash = name,
            Some("RANGE") => range = name,
            _ => {}
        }
    }
    (hash, range)
}

fn is_retained(res: &Value) -> bool {
    str_at(res, &["DeletionPolicy"]) == Some("Retain")
        && str_at(res, &["UpdateReplacePolicy"]) == Some("Retain")
}

fn seq(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Sequence(s)) => s,
        _ => &[],
    }
}

fn get_path<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, key| cur.get(*key))
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    get_path(v, path)?.as_str()
}

fn bool_at(v: &Value, path: &[&str]) -> Option<bool> {
    match get_path(v, path)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn u32_at(v: &Value, path: &[&str]) -> Option<u32> {
    as_u32(get_path(v, path)?)
}

fn as_u32(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The logical id named by `!Ref X`, `!GetAtt X.Attr`, `!GetAtt [X, Attr]` or the long forms.
pub fn referenced_logical_id(v: &Value) -> Option<String> {
    let (func, arg) = intrinsic(v)?;
    match func.as_str() {
        "Ref" => arg.as_str().map(str::to_owned),
        "GetAtt" => match arg {
            Value::String(s) => s.split('.').next().map(str::to_owned),
            Value::Sequence(parts) => parts.first().and_then(Value::as_str).map(str::to_owned),
            _ => None,
        },
        _ => None,
    }
}

/// `(function name without "Fn::"/"!", argument)` for short- or long-form intrinsics.
fn intrinsic(v: &Value) -> Option<(String, &Value)> {
    match v {
        Value::Tagged(t) => Some((
            t.tag.to_string().trim_start_matches('!').to_owned(),
            &t.value,
        )),
        Value::Mapping(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next()?;
            let k = k.as_str()?;
            if k == "Ref" {
                Some(("Ref".to_owned(), arg))
            } else {
                k.strip_prefix("Fn::").map(|f| (f.to_owned(), arg))
            }
        }
        _ => None,
    }
}

/// Renders a value as text; intrinsics in short form (`!Ref X`, `!GetAtt X.Y`, `!Sub ...`).
pub fn render(v: &Value) -> String {
    if let Some((func, arg)) = intrinsic(v) {
        return match (func.as_str(), arg) {
            ("Ref", a) => format!("!Ref {}", render(a)),
            ("GetAtt", Value::Sequence(parts)) => format!(
                "!GetAtt {}",
                parts.iter().map(render).collect::<Vec<_>>().join(".")
            ),
            ("GetAtt", a) => format!("!GetAtt {}", render(a)),
            // `!Sub [template, {vars}]`: the template string is what matters for checks.
            ("Sub", Value::Sequence(parts)) if !parts.is_empty() => {
                format!("!Sub {}", render(&parts[0]))
            }
            ("Sub", a) => format!("!Sub {}", render(a)),
            (f, a) => format!("!{f} {}", render(a)),
        };
    }
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Sequence(s) => format!("[{}]", s.iter().map(render).collect::<Vec<_>>().join(", ")),
        Value::Mapping(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", render(k), render(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Tagged(t) => format!("{} {}", t.tag, render(&t.value)),
    }
}
