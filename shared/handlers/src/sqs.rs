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
        Ok(JobOutcome::Synced(summary)) => {
            tracing::info!(job = %key, summary = %summary, "register sync");
            Disposition::Done(format!("{key}: {summary}"))
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

/// Seconds until a failed message is tried again: 20 s doubling per receive, at most 15 min
/// (the queue's redrive sends it to the DLQ after maxReceiveCount receives).
pub fn backoff_secs(receive_count: u32) -> u32 {
    let exp = receive_count.saturating_sub(1).min(10);
    (20u32 << exp).min(900)
}

/// Give every failed message of the batch its backoff (instead of the queue's fixed
/// visibility timeout). Errors are logged: the message then simply returns sooner or later.
pub async fn back_off_failures(
    queue: &dyn fortsync_app::QueueConsumer,
    event: &SqsEvent,
    response: &SqsBatchResponse,
) {
    for failure in &response.batch_item_failures {
        let Some(message) = event
            .records
            .iter()
            .find(|m| m.message_id.as_deref() == Some(failure.item_identifier.as_str()))
        else {
            continue;
        };
        let receives = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        if let Some(receipt) = &message.receipt_handle
            && let Err(e) = queue.retry_after(receipt, backoff_secs(receives)).await
        {
            tracing::warn!(message_id = %failure.item_identifier, error = %e, "could not set the retry backoff");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use fortsync_app::{QueueConsumer, QueueError, ReceivedMessage};
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(String, u32)>>);

    #[async_trait]
    impl QueueConsumer for Recorder {
        async fn receive(&self, _max: usize) -> Result<Vec<ReceivedMessage>, QueueError> {
            Ok(Vec::new())
        }
        async fn delete(&self, _receipt: &str) -> Result<(), QueueError> {
            Ok(())
        }
        async fn retry_after(&self, receipt: &str, delay_secs: u32) -> Result<(), QueueError> {
            self.0
                .lock()
                .unwrap()
                .push((receipt.to_owned(), delay_secs));
            Ok(())
        }
        async fn dead_letters(&self) -> Result<Vec<String>, QueueError> {
            Ok(Vec::new())
        }
    }

    fn message(id: &str, receives: &str) -> SqsMessage {
        let mut m = SqsMessage::default();
        m.message_id = Some(id.into());
        m.receipt_handle = Some(format!("receipt-{id}"));
        m.attributes
            .insert("ApproximateReceiveCount".into(), receives.into());
        m
    }

    #[tokio::test]
    async fn only_failed_messages_get_a_backoff_by_their_receive_count() {
        let mut event = SqsEvent::default();
        event.records = vec![message("a", "1"), message("b", "3"), message("c", "2")];
        let mut response = SqsBatchResponse::default();
        for id in ["b", "c"] {
            let mut f = BatchItemFailure::default();
            f.item_identifier = id.into();
            response.batch_item_failures.push(f);
        }
        let queue = Recorder::default();
        back_off_failures(&queue, &event, &response).await;
        let calls = queue.0.lock().unwrap().clone();
        assert_eq!(
            calls,
            [("receipt-b".to_owned(), 80), ("receipt-c".to_owned(), 40)]
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(1), 20);
        assert_eq!(backoff_secs(2), 40);
        assert_eq!(backoff_secs(4), 160);
        assert_eq!(backoff_secs(6), 640);
        assert_eq!(backoff_secs(7), 900);
        assert_eq!(backoff_secs(50), 900);
    }
}
