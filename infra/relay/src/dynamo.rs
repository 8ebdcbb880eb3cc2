//! [`OffsetStore`] on the state table: item `pk = "RELAY#<topic>"`, `sk = "OFFSET"`,
//! attributes `offset` and `updated_at` (epoch seconds). Needs `dynamodb:GetItem` and
//! `dynamodb:PutItem` on the table.

use async_trait::async_trait;
use fortsync_aws::dynamo_client::Client;
use fortsync_aws::dynamo_client::error::DisplayErrorContext;
use fortsync_aws::dynamo_client::types::AttributeValue;

use crate::offsets::{OffsetError, OffsetStore};

const SORT_KEY: &str = "OFFSET";
const OFFSET_ATTRIBUTE: &str = "offset";

#[derive(Debug, Clone)]
pub struct DynamoOffsets {
    client: Client,
    table: String,
}

impl DynamoOffsets {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The item's partition key for `topic`.
    pub fn partition_key(topic: &str) -> String {
        format!("RELAY#{topic}")
    }
}

fn unavailable<E: std::error::Error>(e: E) -> OffsetError {
    OffsetError::Unavailable(DisplayErrorContext(e).to_string())
}

#[async_trait]
impl OffsetStore for DynamoOffsets {
    async fn load(&self, topic: &str) -> Result<Option<String>, OffsetError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(
                fortsync_aws::dynamo::HASH_KEY,
                AttributeValue::S(Self::partition_key(topic)),
            )
            .key(
                fortsync_aws::dynamo::RANGE_KEY,
                AttributeValue::S(SORT_KEY.into()),
            )
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        match item.get(OFFSET_ATTRIBUTE) {
            Some(AttributeValue::S(s)) if !s.is_empty() => Ok(Some(s.clone())),
            _ => Err(OffsetError::Corrupt(format!(
                "{} has no string attribute {OFFSET_ATTRIBUTE}",
                Self::partition_key(topic)
            ))),
        }
    }

    async fn save(&self, topic: &str, offset: &str) -> Result<(), OffsetError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.client
            .put_item()
            .table_name(&self.table)
            .item(
                fortsync_aws::dynamo::HASH_KEY,
                AttributeValue::S(Self::partition_key(topic)),
            )
            .item(
                fortsync_aws::dynamo::RANGE_KEY,
                AttributeValue::S(SORT_KEY.into()),
            )
            .item(OFFSET_ATTRIBUTE, AttributeValue::S(offset.to_string()))
            .item("updated_at", AttributeValue::N(now.to_string()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
