//! The SQS consumer: one job per message, partial batch failures for retries.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use fortsync_handlers::{Config, sqs, telemetry, wiring::Ports};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let config = Config::from_env()?;
    let ports = Ports::from_config(&config).await;
    let deps = ports.worker_for(&config)?;
    let (deps, queue) = (&deps, ports.consumer.as_ref());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        let records = event.payload;
        let (response, _) = sqs::handle_batch(deps, records.clone()).await;
        sqs::back_off_failures(queue, &records, &response).await;
        Ok::<SqsBatchResponse, Error>(response)
    }))
    .await
}
