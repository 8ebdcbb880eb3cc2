//! Rules for `template.yaml` that cfn-lint does not enforce (cfn-lint runs separately via
//! `infra/lint.sh`). Each rule is a function returning its violations so the same rule can be
//! checked against the real template and against deliberately broken copies.

use std::collections::{BTreeMap, BTreeSet};

use template_check::{FunctionSpec, Template, workspace_root};

fn template() -> Template {
    Template::load().unwrap_or_else(|e| panic!("{e}"))
}

/// The real template with one textual replacement (the replaced text must exist).
fn mutated(from: &str, to: &str) -> Template {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).unwrap();
    assert!(
        text.contains(from),
        "template.yaml no longer contains {from:?}"
    );
    Template::parse(&text.replacen(from, to, 1)).unwrap()
}

fn function(t: &Template, id: &str) -> FunctionSpec {
    t.function(id)
        .unwrap_or_else(|| panic!("{id} is missing from template.yaml"))
}

fn assert_no_violations(rule: &str, violations: Vec<String>) {
    assert!(
        violations.is_empty(),
        "{rule} violated:\n  - {}",
        violations.join("\n  - ")
    );
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

/// Every queue that triggers a function: VisibilityTimeout >= 6 x (function timeout) +
/// MaximumBatchingWindowInSeconds (AWS: "at least six times the function timeout"; the
/// batching window is added as headroom because records wait in the window while invisible).
fn visibility_violations(t: &Template) -> Vec<String> {
    let mut out = Vec::new();
    let mut sqs_triggers = 0;
    for f in t.functions() {
        for ev in f.events_of("SQS") {
            sqs_triggers += 1;
            let Some(queue_id) = &ev.queue else {
                out.push(format!(
                    "{}: SQS event without a queue reference",
                    f.logical_id
                ));
                continue;
            };
            let q = match t.queue(queue_id) {
                Ok(q) => q,
                Err(e) => {
                    out.push(format!("{}: {e}", f.logical_id));
                    continue;
                }
            };
            let window = ev.maximum_batching_window.unwrap_or(0);
            let required = 6 * f.timeout + window;
            if q.visibility_timeout < required {
                out.push(format!(
                    "{queue_id}.VisibilityTimeout = {} < 6 x {} ({} Timeout) + {window} (batching window) = {required}",
                    q.visibility_timeout, f.timeout, f.logical_id
                ));
            }
        }
    }
    if sqs_triggers == 0 {
        out.push("no function has an SQS event".into());
    }
    out
}

/// Queues feeding functions redrive to an existing, encrypted, retained DLQ of the same type
/// after >= 5 receives (fewer sends throttled messages to the DLQ).
fn redrive_violations(t: &Template) -> Vec<String> {
    let mut out = Vec::new();
    let q = match t.queue("WorkQueue") {
        Ok(q) => q,
        Err(e) => return vec![e],
    };
    match q.max_receive_count {
        Some(n) if n >= 5 => {}
        other => out.push(format!("WorkQueue maxReceiveCount {other:?} (need >= 5)")),
    }
    let Some(dlq_id) = &q.dead_letter_target else {
        out.push("WorkQueue has no RedrivePolicy.deadLetterTargetArn".into());
        return out;
    };
    match t.queue(dlq_id) {
        Ok(dlq) => {
            if !dlq.encrypted {
                out.push(format!("{dlq_id} is not encrypted"));
            }
            if dlq.fifo != q.fifo {
                out.push(format!("{dlq_id} FIFO-ness differs from WorkQueue"));
            }
            if !dlq.retain {
                out.push(format!("{dlq_id} lacks Retain policies"));
            }
            if dlq.retention_seconds < q.retention_seconds {
                out.push(format!(
                    "{dlq_id} retention {} < WorkQueue retention {}",
                    dlq.retention_seconds, q.retention_seconds
                ));
            }
        }
        Err(e) => out.push(format!("dead-letter target: {e}")),
    }
    if !q.encrypted {
        out.push("WorkQueue is not encrypted".into());
    }
    if !q.retain {
        out.push("WorkQueue lacks Retain policies".into());
    }
    out
}

/// IAM actions that are wildcards (`*`, `service:*`, `service:Get*`).
fn is_wildcard_action(a: &str) -> bool {
    a.contains('*')
}

/// No `*` actions and no `Resource: "*"` in any function's statements. AWS requires `*` only
/// for a few actions (X-Ray segments, CloudWatch PutMetricData); X-Ray comes from
/// `Tracing: Active` (SAM adds the managed policy), so nothing here needs an exception.
const STAR_RESOURCE_ALLOWED_ACTIONS: &[&str] = &[
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "cloudwatch:PutMetricData",
];

fn wildcard_violations(t: &Template) -> Vec<String> {
    let mut out = Vec::new();
    for f in t.functions() {
        for st in &f.statements {
            if st.actions.is_empty() || st.resources.is_empty() {
                out.push(format!(
                    "{} statement {:?} lacks Action or Resource (NotAction/NotResource?)",
                    f.logical_id, st.sid
                ));
            }
            for a in &st.actions {
                if is_wildcard_action(a) {
                    out.push(format!("{}: wildcard action {a}", f.logical_id));
                }
            }
            for r in &st.resources {
                if r.trim() == "*" {
                    let all_allowed = st
                        .actions
                        .iter()
                        .all(|a| STAR_RESOURCE_ALLOWED_ACTIONS.contains(&a.as_str()));
                    if !all_allowed {
                        out.push(format!(
                            "{}: Resource \"*\" for {:?}",
                            f.logical_id, st.actions
                        ));
                    }
                }
            }
        }
    }
    out
}

/// SAM policy templates / managed policies that may appear under `Policies`. Broad templates
/// such as DynamoDBCrudPolicy (adds Scan and batch calls) are deliberately not on this list.
const ALLOWED_POLICY_TEMPLATES: &[&str] = &["SQSPollerPolicy"];

fn policy_template_violations(t: &Template) -> Vec<String> {
    let mut out = Vec::new();
    for f in t.functions() {
        for p in &f.policy_templates {
            if !ALLOWED_POLICY_TEMPLATES.contains(&p.as_str()) {
                out.push(format!(
                    "{}: policy template/managed policy {p}",
                    f.logical_id
                ));
            }
        }
    }
    out
}

const SENSITIVE_WORDS: &[&str] = &["SECRET", "TOKEN", "PASSWORD", "PASSWD", "PRIVATE", "KEY"];
const IDENTIFIER_SUFFIXES: &[&str] = &["_PREFIX", "_NAME", "_ARN", "_ID"];

/// A literal that names a secret rather than being one: path-like (`fortsync/prod`) or an ARN,
/// no whitespace, from the Secrets Manager name alphabet.
fn is_name_like(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 512
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-:${}*".contains(c))
        && (v.contains('/') || v.starts_with("arn:"))
}

/// Environment variables never carry secret values: names mentioning SECRET/TOKEN/PASSWORD/...
/// must be identifiers (`*_PREFIX`, `*_NAME`, `*_ARN`, `*_ID`) whose value is a reference or a
/// name-like literal; no variable resolves a secret dynamically.
fn secret_env_violations(t: &Template) -> Vec<String> {
    let mut out = Vec::new();
    for f in t.functions() {
        for (name, value) in &f.environment {
            let lower = value.to_ascii_lowercase();
            if lower.contains("{{resolve:secretsmanager") || lower.contains("{{resolve:ssm-secure")
            {
                out.push(format!(
                    "{}: {name} resolves a secret into the environment",
                    f.logical_id
                ));
            }
            let upper = name.to_ascii_uppercase();
            if !SENSITIVE_WORDS.iter().any(|w| upper.contains(w)) {
                continue;
            }
            if !IDENTIFIER_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
                out.push(format!(
                    "{}: {name} looks like a secret value (use *_PREFIX/*_NAME/*_ARN and read Secrets Manager)",
                    f.logical_id
                ));
                continue;
            }
            let literal = if let Some(param) = value.strip_prefix("!Ref ") {
                // A parameter: judge its default; a resource reference (e.g. a secret ARN) is fine.
                match t.raw().get("Parameters").and_then(|p| p.get(param)) {
                    Some(p) => {
                        if p.get("NoEcho").is_some() {
                            out.push(format!(
                                "{}: {name} = !Ref {param}, a NoEcho (secret) parameter",
                                f.logical_id
                            ));
                        }
                        t.parameter_default(param)
                    }
                    None => None,
                }
            } else if value.starts_with('!') {
                None
            } else {
                Some(value.clone())
            };
            if let Some(lit) = literal {
                if !is_name_like(&lit) {
                    out.push(format!(
                        "{}: {name} has literal value {lit:?}, not a secret name/prefix",
                        f.logical_id
                    ));
                }
            }
        }
    }
    out
}

/// Secret families (`app/admin`, `tenants/*/fortnox`, ...) a function may read or write,
/// from resources of the form `!Sub arn:...:secret:${SecretPrefix}/<family>-*`.
fn secret_families(f: &FunctionSpec) -> BTreeSet<String> {
    f.allowed()
        .iter()
        .filter(|(a, _)| a.to_ascii_lowercase().starts_with("secretsmanager:"))
        .map(|(_, r)| {
            let family = r
                .split_once(":secret:${SecretPrefix}/")
                .map(|(_, rest)| rest.trim_end_matches('*').trim_end_matches('-'))
                .unwrap_or(r);
            family.to_owned()
        })
        .collect()
}

const SECRET_ARN_PREFIX: &str = "!Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${SecretPrefix}/";

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------
// Tests: SQS worker
// ---------------------------------------------------------------------------

#[test]
fn work_queue_visibility_timeout_is_at_least_six_worker_timeouts_plus_batching_window() {
    let t = template();
    assert_no_violations("visibility timeout", visibility_violations(&t));
    // The worker's timeout is its own 60 s, not the 10 s global.
    let worker = function(&t, "WorkerFunction");
    assert_eq!(worker.timeout, 60);
    let window = worker.events_of("SQS")[0]
        .maximum_batching_window
        .unwrap_or(0);
    assert!(t.work_queue().visibility_timeout >= 6 * worker.timeout + window);
}

#[test]
fn visibility_rule_rejects_a_queue_shorter_than_six_worker_timeouts() {
    let t = mutated("VisibilityTimeout: 366", "VisibilityTimeout: 360");
    let v = visibility_violations(&t);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("WorkQueue.VisibilityTimeout = 360"), "{v:?}");
    // A longer worker timeout is caught too.
    let t = mutated("      Timeout: 60\n", "      Timeout: 120\n");
    assert!(!visibility_violations(&t).is_empty());
}

#[test]
fn work_queue_redrives_to_an_encrypted_retained_dead_letter_queue_after_at_least_five_receives() {
    let t = template();
    assert_no_violations("redrive", redrive_violations(&t));
    let q = t.work_queue();
    assert_eq!(q.dead_letter_target.as_deref(), Some("DeadLetterQueue"));
    assert_eq!(q.retention_seconds, 1_209_600);
    let dlq = t.dead_letter_queue();
    assert!(dlq.encrypted && dlq.retain);
    assert_eq!(dlq.retention_seconds, 14 * 24 * 3600);
    assert_eq!(
        dlq.max_receive_count, None,
        "the DLQ itself must not redrive"
    );
}

#[test]
fn redrive_rule_rejects_fewer_than_five_receives() {
    let t = mutated("maxReceiveCount: 8", "maxReceiveCount: 3");
    let v = redrive_violations(&t);
    assert!(v.iter().any(|m| m.contains("maxReceiveCount")), "{v:?}");
}

#[test]
fn worker_sqs_event_reports_batch_item_failures_with_capped_concurrency() {
    let t = template();
    let worker = function(&t, "WorkerFunction");
    let sqs = worker.events_of("SQS");
    assert_eq!(sqs.len(), 1, "worker must have exactly one SQS event");
    let ev = sqs[0];
    assert_eq!(ev.queue.as_deref(), Some("WorkQueue"));
    assert!(
        ev.function_response_types
            .iter()
            .any(|r| r == "ReportBatchItemFailures"),
        "without ReportBatchItemFailures one bad message retries the whole batch"
    );
    assert_eq!(ev.batch_size, Some(10));
    assert_eq!(ev.maximum_batching_window, Some(1));
    // Protects Fortnox's rate limit; reserved concurrency would throttle instead.
    assert_eq!(ev.maximum_concurrency, Some(5));
    assert_eq!(worker.reserved_concurrency, None);
    assert_eq!(worker.memory, 512);
    // Every SQS-triggered function reports partial failures.
    for f in t.functions() {
        for ev in f.events_of("SQS") {
            assert!(
                ev.function_response_types
                    .contains(&"ReportBatchItemFailures".to_owned()),
                "{} SQS event lacks ReportBatchItemFailures",
                f.logical_id
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Tests: functions, routes, schedule
// ---------------------------------------------------------------------------

#[test]
fn every_function_folder_is_a_cargolambda_function_in_the_template_and_vice_versa() {
    let t = template();
    let dir = workspace_root().join("functions");
    let folders: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!folders.is_empty(), "no crates under {}", dir.display());

    let functions = t.functions();
    let binaries: BTreeSet<String> = functions.iter().map(|f| f.binary.clone()).collect();
    assert_eq!(
        binaries.len(),
        functions.len(),
        "two functions share a Binary (or one lacks it)"
    );
    for f in &functions {
        assert_eq!(
            f.build_method.as_deref(),
            Some("rust-cargolambda"),
            "{} Metadata.BuildMethod",
            f.logical_id
        );
    }
    let missing: Vec<_> = folders.difference(&binaries).collect();
    let extra: Vec<_> = binaries.difference(&folders).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "functions/* without a template function: {missing:?}; template binaries without a functions/* crate: {extra:?}"
    );

    // `cargo lambda build --bin <Binary>` needs a binary of that name in the crate.
    for bin in &folders {
        let manifest = std::fs::read_to_string(dir.join(bin).join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("name = \"{bin}\"")),
            "functions/{bin}/Cargo.toml does not define a package or [[bin]] named {bin}"
        );
    }
}

#[test]
fn function_binaries_match_the_documented_logical_ids() {
    let t = template();
    let expected = [
        ("OAuthStartFunction", "oauth-start"),
        ("OAuthCallbackFunction", "oauth-callback"),
        ("OrderWebhookFunction", "order-webhook"),
        ("InvoiceStatusFunction", "invoice-status"),
        ("WorkerFunction", "worker"),
        ("ScheduledSyncFunction", "scheduled-sync"),
    ];
    for (id, bin) in expected {
        assert_eq!(function(&t, id).binary, bin, "{id}");
        assert_eq!(
            t.function_by_binary(bin).map(|f| f.logical_id),
            Some(id.to_owned())
        );
    }
    assert_eq!(t.functions().len(), expected.len());
}

#[test]
fn each_http_route_exists_once_with_the_right_method_on_the_single_http_api() {
    let t = template();
    let apis = t.resources_of_type("AWS::Serverless::HttpApi");
    assert_eq!(apis, vec!["HttpApi".to_owned()], "exactly one HttpApi");
    let expected: BTreeMap<(&str, &str), &str> = [
        (("GET", "/connect"), "OAuthStartFunction"),
        (("GET", "/oauth/callback"), "OAuthCallbackFunction"),
        (("POST", "/disconnect"), "OAuthCallbackFunction"),
        (
            ("POST", "/webhooks/{tenant}/{platform}"),
            "OrderWebhookFunction",
        ),
        (
            ("POST", "/callbacks/{tenant}/invoice-status"),
            "InvoiceStatusFunction",
        ),
    ]
    .into_iter()
    .collect();

    let mut found: BTreeMap<(String, String), String> = BTreeMap::new();
    for f in t.functions() {
        for ev in f.events_of("HttpApi") {
            assert_eq!(
                ev.api.as_deref(),
                Some("HttpApi"),
                "{} event {} must attach to HttpApi (not the implicit API)",
                f.logical_id,
                ev.name
            );
            let key = (
                ev.method.clone().unwrap_or_default(),
                ev.path.clone().unwrap_or_default(),
            );
            assert!(
                found.insert(key.clone(), f.logical_id.clone()).is_none(),
                "route {key:?} defined twice"
            );
        }
    }
    let found: BTreeMap<(&str, &str), &str> = found
        .iter()
        .map(|((m, p), f)| ((m.as_str(), p.as_str()), f.as_str()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn order_webhook_is_latency_tuned_with_512_mb() {
    let t = template();
    assert_eq!(function(&t, "OrderWebhookFunction").memory, 512);
}

#[test]
fn scheduled_sync_runs_hourly_with_explicit_input_retry_policy_and_no_overlap() {
    let t = template();
    let f = function(&t, "ScheduledSyncFunction");
    let evs = f.events_of("ScheduleV2");
    assert_eq!(evs.len(), 1, "exactly one ScheduleV2 event");
    let ev = evs[0];
    assert_eq!(ev.schedule.as_deref(), Some("rate(1 hour)"));
    let input = ev
        .input
        .as_deref()
        .expect("Scheduler delivers Input, not an envelope");
    assert_eq!(input, r#"{"kind":"hourly"}"#);
    assert!(ev.has_retry_policy, "RetryPolicy");
    assert_eq!(f.reserved_concurrency, Some(1), "no overlapping runs");
    assert_eq!(f.timeout, 300);
}

// ---------------------------------------------------------------------------
// Tests: state table
// ---------------------------------------------------------------------------

#[test]
fn state_table_has_pitr_retain_policies_ttl_expires_at_pk_sk_keys_and_gsi1() {
    let table = template().table();
    assert_eq!(table.hash_key, "pk");
    assert_eq!(table.range_key, "sk");
    assert!(table.pitr, "PointInTimeRecoveryEnabled");
    assert!(
        table.retain,
        "DeletionPolicy and UpdateReplacePolicy Retain"
    );
    assert_eq!(table.ttl_attribute.as_deref(), Some("expires_at"));
    assert_eq!(table.billing_mode.as_deref(), Some("PAY_PER_REQUEST"));
    assert!(table.sse, "SSESpecification.SSEEnabled");
    let gsi = table.gsi("gsi1").expect("GSI gsi1");
    assert_eq!(gsi.hash_key, "gsi1pk");
    assert_eq!(gsi.range_key.as_deref(), Some("gsi1sk"));
    assert_eq!(gsi.projection.as_deref(), Some("ALL"));
    assert_eq!(table.gsis.len(), 1);
    // AttributeDefinitions list exactly the key attributes, all strings (E3039 covers part).
    let attrs: BTreeSet<(String, String)> = table.attributes.iter().cloned().collect();
    let expected: BTreeSet<(String, String)> = ["pk", "sk", "gsi1pk", "gsi1sk"]
        .iter()
        .map(|a| ((*a).to_owned(), "S".to_owned()))
        .collect();
    assert_eq!(attrs, expected);
}

// ---------------------------------------------------------------------------
// Tests: IAM
// ---------------------------------------------------------------------------

#[test]
fn no_function_is_granted_wildcard_actions_or_all_resources() {
    assert_no_violations("wildcards", wildcard_violations(&template()));
}

#[test]
fn wildcard_rule_rejects_star_actions_and_star_resources() {
    let t = mutated(
        "                - sqs:SendMessage\n",
        "                - sqs:*\n",
    );
    assert!(!wildcard_violations(&t).is_empty());
    let t = mutated(
        "              Resource: !GetAtt WorkQueue.Arn\n",
        "              Resource: \"*\"\n",
    );
    let v = wildcard_violations(&t);
    assert!(v.iter().any(|m| m.contains("Resource \"*\"")), "{v:?}");
}

#[test]
fn functions_use_inline_statements_not_broad_sam_policy_templates() {
    let t = template();
    assert_no_violations("policy templates", policy_template_violations(&t));
    for f in t.functions() {
        assert!(!f.statements.is_empty(), "{} has no policy", f.logical_id);
    }
    // The worker states its poller permissions explicitly, scoped to the work queue.
    let worker = function(&t, "WorkerFunction");
    assert!(
        worker
            .policy_templates
            .contains(&"SQSPollerPolicy".to_owned())
    );
    assert_eq!(
        worker.resources_for("sqs:ReceiveMessage"),
        vec!["!GetAtt WorkQueue.Arn".to_owned()]
    );
    let t = mutated(
        "        - SQSPollerPolicy:\n",
        "        - DynamoDBCrudPolicy:\n            TableName: !Ref StateTable\n        - SQSPollerPolicy:\n",
    );
    assert!(!policy_template_violations(&t).is_empty());
}

#[test]
fn each_function_is_granted_exactly_its_documented_actions() {
    let t = template();
    let table = "!GetAtt StateTable.Arn";
    let index = "!Sub ${StateTable.Arn}/index/*";
    let queue = "!GetAtt WorkQueue.Arn";
    let expected: &[(&str, &[&str], &[&str])] = &[
        (
            "OAuthStartFunction",
            &["dynamodb:GetItem", "dynamodb:PutItem"],
            &[table],
        ),
        (
            "OAuthCallbackFunction",
            &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
                "sqs:SendMessage",
            ],
            &[table, index, queue],
        ),
        (
            "OrderWebhookFunction",
            &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "sqs:SendMessage",
            ],
            &[table, queue],
        ),
        (
            "InvoiceStatusFunction",
            &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:DeleteItem",
                "sqs:SendMessage",
            ],
            &[table, queue],
        ),
        (
            "WorkerFunction",
            &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
                "dynamodb:ConditionCheckItem",
                "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
                "sqs:SendMessage",
            ],
            &[table, index, queue],
        ),
        (
            "ScheduledSyncFunction",
            &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
                "sqs:SendMessage",
            ],
            &[table, index, queue],
        ),
    ];
    for (id, actions, resources) in expected {
        let f = function(&t, id);
        let allowed = f.allowed();
        let got_actions: BTreeSet<String> = allowed
            .iter()
            .filter(|(a, _)| !a.starts_with("secretsmanager:"))
            .map(|(a, _)| a.clone())
            .collect();
        assert_eq!(got_actions, set(actions), "{id} non-secret actions");
        let got_resources: BTreeSet<String> = allowed
            .iter()
            .filter(|(a, _)| !a.starts_with("secretsmanager:"))
            .map(|(_, r)| r.clone())
            .collect();
        assert_eq!(got_resources, set(resources), "{id} non-secret resources");
        // Table-level actions never reach the index ARN unless they are Query.
        for (a, r) in &allowed {
            if r == index {
                assert_ne!(a, "dynamodb:Scan", "{id}: Scan on indexes");
            }
        }
    }
}

#[test]
fn each_function_reaches_only_its_own_secret_families() {
    let t = template();
    let expected: &[(&str, &[&str])] = &[
        ("OAuthStartFunction", &["app/admin", "app/fortnox"]),
        (
            "OAuthCallbackFunction",
            // app/admin: the disconnect link is verified here.
            &["app/admin", "app/fortnox", "tenants/*/fortnox"],
        ),
        ("OrderWebhookFunction", &["tenants/*/webhook"]),
        ("InvoiceStatusFunction", &["tenants/*/callback"]),
        (
            "WorkerFunction",
            // tenants/*/shop: the register sync reads the shop's API credentials.
            &["app/fortnox", "tenants/*/fortnox", "tenants/*/shop"],
        ),
        ("ScheduledSyncFunction", &[]),
    ];
    for (id, families) in expected {
        let f = function(&t, id);
        assert_eq!(secret_families(&f), set(families), "{id} secret families");
        for (a, r) in f.allowed() {
            if a.starts_with("secretsmanager:") {
                assert!(
                    r.starts_with(SECRET_ARN_PREFIX) && r.ends_with("-*"),
                    "{id}: {a} on {r} (expected {SECRET_ARN_PREFIX}<family>-*)"
                );
            }
        }
    }
    // Only the OAuth callback creates tenant token secrets; only it and the worker write them.
    for f in t.functions() {
        let creates = !f.resources_for("secretsmanager:CreateSecret").is_empty();
        let writes = !f.resources_for("secretsmanager:PutSecretValue").is_empty();
        assert_eq!(
            creates,
            f.logical_id == "OAuthCallbackFunction",
            "{}",
            f.logical_id
        );
        assert_eq!(
            writes,
            ["OAuthCallbackFunction", "WorkerFunction"].contains(&f.logical_id.as_str()),
            "{}",
            f.logical_id
        );
    }
}

#[test]
fn order_webhook_cannot_read_fortnox_token_secrets() {
    let f = function(&template(), "OrderWebhookFunction");
    for st in &f.statements {
        for r in &st.resources {
            assert!(
                !r.contains("/fortnox"),
                "order-webhook statement {:?} mentions /fortnox: {r}",
                st.sid
            );
        }
    }
}

#[test]
fn worker_cannot_read_webhook_or_callback_secrets() {
    let f = function(&template(), "WorkerFunction");
    for st in &f.statements {
        for r in &st.resources {
            assert!(
                !r.contains("/webhook") && !r.contains("/callback") && !r.contains("/admin"),
                "worker statement {:?} mentions a webhook/callback/admin secret: {r}",
                st.sid
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Tests: environment, globals, outputs
// ---------------------------------------------------------------------------

#[test]
fn no_environment_variable_holds_a_secret_value() {
    let t = template();
    assert_no_violations("secret env", secret_env_violations(&t));
    for f in t.functions() {
        assert_eq!(
            f.env("FORTSYNC_SECRET_PREFIX"),
            Some("!Ref SecretPrefix"),
            "{}",
            f.logical_id
        );
    }
}

#[test]
fn secret_env_rule_rejects_literal_tokens_and_resolved_secrets() {
    let t = mutated(
        "        FORTNOX_API_BASE: !Ref FortnoxApiBase\n",
        "        FORTNOX_API_BASE: !Ref FortnoxApiBase\n        FORTNOX_CLIENT_SECRET: s3cr3t-value\n",
    );
    assert!(!secret_env_violations(&t).is_empty());
    let t = mutated(
        "        FORTSYNC_SECRET_PREFIX: !Ref SecretPrefix\n",
        "        FORTSYNC_SECRET_PREFIX: \"hunter2 value\"\n",
    );
    assert!(!secret_env_violations(&t).is_empty());
    let t = mutated(
        "        FORTNOX_API_BASE: !Ref FortnoxApiBase\n",
        "        FORTNOX_API_BASE: '{{resolve:secretsmanager:fortsync/prod/app/fortnox}}'\n",
    );
    assert!(!secret_env_violations(&t).is_empty());
}

#[test]
fn every_function_gets_the_common_environment_from_globals() {
    let t = template();
    let expected = [
        ("FORTSYNC_TABLE", "!Ref StateTable"),
        ("FORTSYNC_QUEUE_URL", "!Ref WorkQueue"),
        ("FORTSYNC_SECRET_PREFIX", "!Ref SecretPrefix"),
        ("FORTNOX_API_BASE", "!Ref FortnoxApiBase"),
        ("FORTNOX_AUTH_BASE", "!Ref FortnoxAuthBase"),
    ];
    for f in t.functions() {
        for (k, v) in expected {
            assert_eq!(f.env(k), Some(v), "{} {k}", f.logical_id);
        }
    }
    assert_eq!(
        t.parameter_default("SecretPrefix").as_deref(),
        Some("fortsync/prod")
    );
    assert_eq!(t.parameter_default("Stage").as_deref(), Some("prod"));
    assert_eq!(
        t.parameter_default("FortnoxApiBase").as_deref(),
        Some("https://api.fortnox.se")
    );
    assert_eq!(
        t.parameter_default("FortnoxAuthBase").as_deref(),
        Some("https://apps.fortnox.se")
    );
    assert_eq!(t.parameter_default("AlarmEmail").as_deref(), Some(""));
}

#[test]
fn globals_target_arm64_al2023_with_json_logs_and_active_tracing() {
    let t = template();
    let g = |k: &str| {
        t.global_function(k)
            .map(template_check::render)
            .unwrap_or_default()
    };
    assert_eq!(g("Runtime"), "provided.al2023");
    assert_eq!(g("Handler"), "bootstrap");
    assert_eq!(g("Architectures"), "[arm64]");
    assert_eq!(g("Tracing"), "Active");
    let logging = t.global_function("LoggingConfig").expect("LoggingConfig");
    assert_eq!(
        logging.get("LogFormat").and_then(|v| v.as_str()),
        Some("JSON")
    );
    for f in t.functions() {
        let res = t.resource(&f.logical_id).unwrap();
        let props = res.get("Properties").unwrap();
        assert_eq!(
            props.get("CodeUri").and_then(|v| v.as_str()),
            Some("./"),
            "{}",
            f.logical_id
        );
        for k in ["Runtime", "Handler", "Architectures"] {
            assert!(
                props.get(k).is_none(),
                "{} overrides Globals {k}",
                f.logical_id
            );
        }
    }
}

#[test]
fn dead_letter_queue_has_an_alarm_that_notifies_the_alarm_topic() {
    let t = template();
    let alarms = t.resources_of_type("AWS::CloudWatch::Alarm");
    let dlq_alarm = alarms
        .iter()
        .filter_map(|id| t.resource(id))
        .find(|a| {
            let p = a.get("Properties").unwrap();
            p.get("MetricName").and_then(|v| v.as_str())
                == Some("ApproximateNumberOfMessagesVisible")
                && p.get("Dimensions")
                    .and_then(|d| d.get(0))
                    .and_then(|d| d.get("Value"))
                    .map(template_check::render)
                    .as_deref()
                    == Some("!GetAtt DeadLetterQueue.QueueName")
        })
        .expect("an alarm on the DLQ depth");
    let p = dlq_alarm.get("Properties").unwrap();
    assert_eq!(
        p.get("ComparisonOperator").and_then(|v| v.as_str()),
        Some("GreaterThanThreshold")
    );
    assert_eq!(p.get("Threshold").and_then(|v| v.as_u64()), Some(0));
    let actions = p.get("AlarmActions").map(template_check::render);
    assert_eq!(actions.as_deref(), Some("[!Ref AlarmTopic]"));
    let sub = t
        .resource("AlarmEmailSubscription")
        .expect("AlarmEmailSubscription");
    assert_eq!(
        sub.get("Condition").and_then(|v| v.as_str()),
        Some("HasAlarmEmail"),
        "the e-mail subscription only exists when AlarmEmail is set"
    );
}

#[test]
fn outputs_expose_the_api_urls_and_resource_names() {
    let t = template();
    let base = "!Sub https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}";
    let expected = [
        ("ApiUrl", format!("{base}/")),
        ("ConnectUrl", format!("{base}/connect")),
        (
            "WebhookUrlTemplate",
            format!("{base}/webhooks/{{tenant}}/{{shopify|woocommerce|generic}}"),
        ),
        (
            "InvoiceStatusCallbackUrlTemplate",
            format!("{base}/callbacks/{{tenant}}/invoice-status"),
        ),
        ("OAuthRedirectUri", format!("{base}/oauth/callback")),
        ("TableName", "!Ref StateTable".to_owned()),
        ("WorkQueueUrl", "!Ref WorkQueue".to_owned()),
        ("DeadLetterQueueUrl", "!Ref DeadLetterQueue".to_owned()),
    ];
    for (name, value) in expected {
        assert_eq!(t.output(name), Some(value), "output {name}");
    }
}

#[test]
fn library_exposes_local_resource_shapes_for_other_test_crates() {
    let t = template();
    let table = t.table();
    assert_eq!(table.attribute_type("pk"), Some("S"));
    assert_eq!(table.attribute_type("gsi1sk"), Some("S"));
    let q = t.work_queue();
    assert!(q.encrypted && q.retain && !q.fifo);
    assert_eq!(q.max_receive_count, Some(8));
    let worker = t.function_by_binary("worker").unwrap();
    assert_eq!(worker.logical_id, "WorkerFunction");
    assert_eq!(
        worker.resources_for("dynamodb:Query"),
        vec![
            "!GetAtt StateTable.Arn".to_owned(),
            "!Sub ${StateTable.Arn}/index/*".to_owned()
        ]
    );
    // Long-form intrinsics render like the short forms.
    let long = Template::parse(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy:\n        deadLetterTargetArn: {\"Fn::GetAtt\": [D, Arn]}\n        maxReceiveCount: 5\n",
    )
    .unwrap();
    assert_eq!(
        long.queue("Q").unwrap().dead_letter_target.as_deref(),
        Some("D")
    );
    assert!(t.path().ends_with("template.yaml"));
}
