//! Hourly EventBridge Scheduler tick.

use fortsync_handlers::{schedule, telemetry};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    lambda_runtime::run(service_fn(
        |event: LambdaEvent<schedule::ScheduleInput>| async move {
            Ok::<_, Error>(schedule::handle(event.payload).await)
        },
    ))
    .await
}
