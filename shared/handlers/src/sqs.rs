//! The worker's SQS handler. Requires `FunctionResponseTypes: [ReportBatchItemFailures]` on the
//! event source: only the failed message ids are retried, the rest are deleted.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use fortsync_app::worker::{JobOutcome, WorkerDeps, run_job};
use fortsync_domain::job::Job;

/// What became of one message (for logs and the local runner's report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Done(String),
    Retry(String),
}

/// Each record is its own error boundary: a poison message fails alone (and reaches the DLQ
/// after maxReceiveCount), never the whole batch. Records run one after another: they share
/// the tenant's Fortnox rate budget, so parallelism would only buy 429s.
pub async fn handle_batch(
    deps: &WorkerDeps,
    event: SqsEvent,
) -> (SqsBatchResponse, Vec<Disposition>) {
    let mut response = SqsBatchResponse::default();
    let mut dispositions = Vec::new();
    for message in event.records {
        let d = handle_message(deps, &message).await;
        if let Disposition::Retry(_) = &d {
            // A record without an id cannot be reported alone; an empty identifier would fail
            // the whole batch, which is still better than losing it.
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message.message_id.clone().unwrap_or_default();
            response.batch_item_failures.push(failure);
        }
        dispositions.push(d);
    }
    (response, dispositions)
}

async fn handle_message(deps: &WorkerDeps, message: &SqsMessage) -> Disposition {
    let id = message.message_id.as_deref().unwrap_or("-");
    let job: Job = match message.body.as_deref().map(serde_json::from_str) {
        Some(Ok(job)) => job,
        _ => {
            tracing::error!(
                message_id = id,
                "unreadable job: left for the dead-letter queue"
            );
            return Disposition::Retry("unreadable job".into());
        }
    };
    let key = job.idempotency_key();
    match run_job(deps, &job).await {
        Ok(JobOutcome::Completed { state, document }) => {
            tracing::info!(job = %key, state = state.as_str(), document = ?document, "job completed");
            Disposition::Done(format!("{key}: {}", state.as_str()))
        }
        Ok(JobOutcome::AlreadyDone) => Disposition::Done(format!("{key}: already done")),
        Ok(JobOutcome::Parked) => {
            tracing::warn!(job = %key, "order parked until the tenant reconnects to Fortnox");
            Disposition::Done(format!("{key}: parked"))
        }
        Ok(JobOutcome::Failed(f)) => {
            tracing::warn!(job = %key, code = ?f.code, reason = %f.message, "job failed permanently; recorded on the order");
            Disposition::Done(format!("{key}: failed: {}", f.message))
        }
        Ok(JobOutcome::Dropped(why)) => {
            tracing::warn!(job = %key, reason = %why, "job dropped");
            Disposition::Done(format!("{key}: dropped: {why}"))
        }
        Err(e) => {
            tracing::warn!(job = %key, reason = %e, "job will be retried");
            Disposition::Retry(format!("{key}: {e}"))
        }
    }
}
