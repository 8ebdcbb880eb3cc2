//! BatchGetItem / BatchWriteItem over the state table, with DynamoDB's unprocessed items
//! asked for again (after a short pause) and an error when some still remain, so a throttled
//! batch is retried by the caller instead of silently losing items.

use crate::dynamo::{DynamoStore, unavailable};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, PutRequest, WriteRequest};
use fortsync_app::StoreError;
use std::collections::HashMap;
use std::time::Duration;

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Rounds per batch before giving up on unprocessed items.
const ROUNDS: u32 = 5;

fn leftover(what: &str) -> StoreError {
    StoreError::Unavailable(format!(
        "DynamoDB left {what} unprocessed after {ROUNDS} rounds"
    ))
}

impl DynamoStore {
    /// Every item found for `keys` (100 per call), with only `projection` when given.
    pub(crate) async fn batch_get(
        &self,
        keys: Vec<Item>,
        projection: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(100) {
            let mut request = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .set_projection_expression(projection.map(str::to_owned))
                    .build()
                    .map_err(unavailable)?,
            );
            let mut round = 0;
            while let Some(keys) = request.take() {
                if round == ROUNDS {
                    return Err(leftover("keys"));
                }
                if round > 0 {
                    tokio::time::sleep(Duration::from_millis(50 << round)).await;
                }
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, keys)
                    .send()
                    .await
                    .map_err(unavailable)?;
                found.extend(
                    out.responses
                        .unwrap_or_default()
                        .remove(&self.table)
                        .unwrap_or_default(),
                );
                round += 1;
                request = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys.is_empty());
            }
        }
        Ok(found)
    }

    /// Put every item (25 per call).
    pub(crate) async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        for chunk in items.chunks(25) {
            let mut writes = Vec::with_capacity(chunk.len());
            for item in chunk {
                let put = PutRequest::builder()
                    .set_item(Some(item.clone()))
                    .build()
                    .map_err(unavailable)?;
                writes.push(WriteRequest::builder().put_request(put).build());
            }
            let mut pending = Some(writes);
            let mut round = 0;
            while let Some(batch) = pending.take() {
                if round == ROUNDS {
                    return Err(leftover("writes"));
                }
                if round > 0 {
                    tokio::time::sleep(Duration::from_millis(50 << round)).await;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, batch)
                    .send()
                    .await
                    .map_err(unavailable)?;
                round += 1;
                pending = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|b| !b.is_empty());
            }
        }
        Ok(())
    }
}
