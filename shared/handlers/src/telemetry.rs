/// Structured logs: JSON when Lambda asks for it (`AWS_LAMBDA_LOG_FORMAT=JSON`), level from
/// `AWS_LAMBDA_LOG_LEVEL`/`RUST_LOG`. Handlers never log bodies, tokens or signatures.
pub fn init() {
    lambda_runtime::tracing::init_default_subscriber();
}
