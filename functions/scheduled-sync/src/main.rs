//! Hourly EventBridge Scheduler tick: fans the register sync out onto the work queue.

use fortsync_handlers::{Config, schedule, telemetry, wiring::Ports};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let config = Config::from_env()?;
    let ports = Ports::from_config(&config).await;
    let worker = ports.worker_for(&config)?;
    let sync = worker.sync.ok_or("the register sync is not wired")?;
    let sync = &sync;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<schedule::ScheduleInput>| async move {
            schedule::handle(sync, event.payload)
                .await
                .map_err(Error::from)
        },
    ))
    .await
}
