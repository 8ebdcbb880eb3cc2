//! What the code names must be what template.yaml grants: secret names against each function's
//! IAM resources, environment variables against what `Config::from_env` reads. A mismatch here
//! would only show in AWS, as AccessDenied or a function failing at INIT.

use fortsync_app::secrets::SecretNames;
use fortsync_domain::TenantId;
use fortsync_handlers::config;
use template_check::Template;

/// `*` matches any run of characters (as in IAM resource patterns).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| glob(tail, &text[head.len() + i..]))
        }
    }
}

fn arn(secret_name: &str) -> String {
    // Secrets Manager appends a random six-character suffix to every secret ARN.
    format!("arn:aws:secretsmanager:eu-north-1:123456789012:secret:{secret_name}-Ab12Cd")
}

fn granted(template: &Template, function: &str, action: &str, secret_name: &str) -> bool {
    let prefix = template
        .parameter_default("SecretPrefix")
        .expect("SecretPrefix default");
    let f = template
        .function(function)
        .unwrap_or_else(|| panic!("{function} in template"));
    f.resources_for(action).iter().any(|r| {
        let pattern = r
            .trim_start_matches("!Sub ")
            .replace("${AWS::Partition}", "aws")
            .replace("${AWS::Region}", "eu-north-1")
            .replace("${AWS::AccountId}", "123456789012")
            .replace("${SecretPrefix}", &prefix);
        glob(&pattern, &arn(secret_name))
    })
}

#[test]
fn glob_matches_like_iam() {
    assert!(glob("a/*/b-*", "a/x/b-123"));
    assert!(!glob("a/*/b-*", "a/x/c-123"));
    assert!(glob("abc", "abc") && !glob("abc", "abcd"));
}

#[test]
fn each_function_can_read_exactly_the_secrets_the_code_names() {
    let template = Template::load().unwrap();
    let names = SecretNames::new(template.parameter_default("SecretPrefix").unwrap());
    let t = TenantId::parse("acme").unwrap();
    let get = "secretsmanager:GetSecretValue";
    assert!(granted(
        &template,
        "OrderWebhookFunction",
        get,
        &names.webhook(&t)
    ));
    assert!(!granted(
        &template,
        "OrderWebhookFunction",
        get,
        &names.fortnox_token(&t)
    ));
    assert!(granted(
        &template,
        "WorkerFunction",
        get,
        &names.fortnox_token(&t)
    ));
    assert!(granted(
        &template,
        "WorkerFunction",
        get,
        &names.fortnox_app()
    ));
    assert!(!granted(
        &template,
        "WorkerFunction",
        get,
        &names.webhook(&t)
    ));
    assert!(granted(
        &template,
        "OAuthCallbackFunction",
        "secretsmanager:PutSecretValue",
        &names.fortnox_token(&t)
    ));
    // The token lifecycle and the connect flow.
    let put = "secretsmanager:PutSecretValue";
    assert!(granted(
        &template,
        "WorkerFunction",
        put,
        &names.fortnox_token(&t)
    ));
    assert!(granted(
        &template,
        "OAuthCallbackFunction",
        "secretsmanager:DeleteSecret",
        &names.fortnox_token(&t)
    ));
    assert!(granted(
        &template,
        "OAuthStartFunction",
        get,
        &names.admin()
    ));
    assert!(granted(
        &template,
        "OAuthStartFunction",
        get,
        &names.fortnox_app()
    ));
    assert!(granted(
        &template,
        "OAuthCallbackFunction",
        get,
        &names.admin()
    ));
    assert!(!granted(
        &template,
        "OAuthStartFunction",
        get,
        &names.fortnox_token(&t)
    ));
}

#[test]
fn every_function_gets_the_environment_config_reads() {
    let template = Template::load().unwrap();
    for f in template.functions() {
        let env: Vec<String> = f.environment.iter().map(|(k, _)| k.clone()).collect();
        for required in [
            config::TABLE,
            config::QUEUE_URL,
            config::SECRET_PREFIX,
            config::FORTNOX_API_BASE,
        ] {
            assert!(
                env.iter().any(|k| k == required),
                "{} lacks {required}: {env:?}",
                f.logical_id
            );
        }
    }
}
