use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use std::time::Duration;

/// Shared SDK configuration. Timeouts are set explicitly (the SDK sets none for API calls) and
/// stay well below the Lambda timeouts so a handler can still report what failed.
/// `AWS_ENDPOINT_URL` (moto in tests) is honoured by the default chain.
pub async fn load() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(3))
                .operation_timeout(Duration::from_secs(8))
                .build(),
        )
        .load()
        .await
}
