use crate::ports::{JobQueue, QueueConsumer, QueueError, ReceivedMessage};
use async_trait::async_trait;
use fortsync_domain::job::Job;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Message {
    id: String,
    body: String,
    receives: u32,
    visible_at: Instant,
    receipt: Option<String>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    messages: Vec<Message>,
    dead: Vec<String>,
}

/// An SQS-like queue: received messages are invisible for `visibility`, come back if not
/// deleted, and move to a dead-letter list after `max_receives`.
pub struct MemoryQueue {
    inner: Mutex<Inner>,
    visibility: Duration,
    max_receives: u32,
}

impl MemoryQueue {
    pub fn new(visibility: Duration, max_receives: u32) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            visibility,
            max_receives,
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>, QueueError> {
        self.inner.lock().map_err(|_| QueueError("poisoned".into()))
    }

    /// Messages waiting (visible or in flight).
    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.messages.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl JobQueue for MemoryQueue {
    async fn send(&self, job: &Job) -> Result<(), QueueError> {
        let body = serde_json::to_string(job).map_err(|e| QueueError(e.to_string()))?;
        let mut i = self.lock()?;
        i.next_id += 1;
        let id = format!("msg-{}", i.next_id);
        i.messages.push(Message {
            id,
            body,
            receives: 0,
            visible_at: Instant::now(),
            receipt: None,
        });
        Ok(())
    }
}

#[async_trait]
impl QueueConsumer for MemoryQueue {
    async fn receive(&self, max: usize) -> Result<Vec<ReceivedMessage>, QueueError> {
        let mut i = self.lock()?;
        let now = Instant::now();
        // Redrive first, as SQS does, so a poison message cannot loop forever.
        let max_receives = self.max_receives;
        let (dead, live): (Vec<Message>, Vec<Message>) = i
            .messages
            .drain(..)
            .partition(|m| m.visible_at <= now && m.receives >= max_receives);
        i.messages = live;
        i.dead.extend(dead.into_iter().map(|m| m.body));
        let mut out = Vec::new();
        let mut counter = i.next_id;
        for m in i
            .messages
            .iter_mut()
            .filter(|m| m.visible_at <= now)
            .take(max)
        {
            counter += 1;
            m.receives += 1;
            m.visible_at = now + self.visibility;
            let receipt = format!("{}#{counter}", m.id);
            m.receipt = Some(receipt.clone());
            out.push(ReceivedMessage {
                message_id: m.id.clone(),
                receipt,
                body: m.body.clone(),
                receive_count: m.receives,
            });
        }
        i.next_id = counter;
        Ok(out)
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.lock()?
            .messages
            .retain(|m| m.receipt.as_deref() != Some(receipt));
        Ok(())
    }

    async fn retry_after(&self, receipt: &str, delay_secs: u32) -> Result<(), QueueError> {
        let mut i = self.lock()?;
        if let Some(m) = i
            .messages
            .iter_mut()
            .find(|m| m.receipt.as_deref() == Some(receipt))
        {
            m.visible_at = Instant::now() + Duration::from_secs(u64::from(delay_secs));
        }
        Ok(())
    }

    async fn dead_letters(&self) -> Result<Vec<String>, QueueError> {
        Ok(self.lock()?.dead.clone())
    }
}
