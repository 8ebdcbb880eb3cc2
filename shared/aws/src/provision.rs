//! Creates the state table and the queues for local stacks and tests. The shapes come from
//! `template.yaml` (callers read them with the `template-check` crate), so tests run against
//! exactly what is deployed.

use crate::describe;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;

#[derive(Debug, Clone)]
pub struct TableDef {
    pub hash_key: String,
    pub range_key: String,
    /// (name, type) with type "S" or "N".
    pub attributes: Vec<(String, String)>,
    /// (index name, hash key, range key).
    pub gsis: Vec<(String, String, Option<String>)>,
    pub ttl_attribute: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QueueDef {
    pub visibility_timeout: u32,
    pub max_receive_count: u32,
}

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, String> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| e.to_string())
}

pub async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
    def: &TableDef,
) -> Result<(), String> {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(&def.hash_key, KeyType::Hash)?)
        .key_schema(key(&def.range_key, KeyType::Range)?);
    for (attr, kind) in &def.attributes {
        let t = if kind == "N" {
            ScalarAttributeType::N
        } else {
            ScalarAttributeType::S
        };
        req = req.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(t)
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    for (index, hash, range) in &def.gsis {
        let mut g = GlobalSecondaryIndex::builder()
            .index_name(index)
            .key_schema(key(hash, KeyType::Hash)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            );
        if let Some(r) = range {
            g = g.key_schema(key(r, KeyType::Range)?);
        }
        req = req.global_secondary_indexes(g.build().map_err(|e| e.to_string())?);
    }
    req.send().await.map_err(|e| describe(&e))?;
    if let Some(ttl) = &def.ttl_attribute {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(ttl)
                    .enabled(true)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .send()
            .await
            .map_err(|e| describe(&e))?;
    }
    Ok(())
}

/// Creates `name` and `name-dlq` with the redrive policy; returns (queue url, dlq url).
pub async fn create_queues(
    client: &aws_sdk_sqs::Client,
    name: &str,
    def: &QueueDef,
) -> Result<(String, String), String> {
    let dlq = client
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let dlq_url = dlq.queue_url.ok_or("no dlq url")?;
    let attrs = client
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let dlq_arn = attrs
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .ok_or("no dlq arn")?;
    let redrive = serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": def.max_receive_count.to_string()});
    let q = client
        .create_queue()
        .queue_name(name)
        .attributes(
            QueueAttributeName::VisibilityTimeout,
            def.visibility_timeout.to_string(),
        )
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    Ok((q.queue_url.ok_or("no queue url")?, dlq_url))
}
