//! `DynamoOffsets` against moto (run under `make test` or `infra/with-moto.sh cargo test`):
//! item `pk = "RELAY#<topic>"`, `sk = "OFFSET"`, attribute `offset`.

use fortsync_aws::dynamo_client::types::AttributeValue;
use fortsync_aws::provision::{TableDef, create_table};
use fortsync_relay::{DynamoOffsets, OffsetError, OffsetStore};

/// Fails loudly instead of skipping, like the other moto-backed tests.
fn require_moto() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "AWS_ENDPOINT_URL is not set: run with `make test` (or infra/with-moto.sh cargo test)"
    );
}

#[tokio::test]
async fn offsets_round_trip_on_the_state_table() {
    require_moto();
    let sdk = fortsync_aws::load_config().await;
    let client = fortsync_aws::dynamo_client::Client::new(&sdk);
    let table = format!(
        "relay-offsets-{}",
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    );
    let def = TableDef {
        hash_key: "pk".into(),
        range_key: "sk".into(),
        attributes: vec![("pk".into(), "S".into()), ("sk".into(), "S".into())],
        gsis: Vec::new(),
        ttl_attribute: None,
    };
    create_table(&client, &table, &def).await.unwrap();
    let store = DynamoOffsets::new(client.clone(), table.clone());

    assert_eq!(store.load("invoices").await.unwrap(), None);
    store.save("invoices", "000000000a").await.unwrap();
    store.save("invoices", "000000000b").await.unwrap();
    store.save("orders", "0000000001").await.unwrap();
    assert_eq!(
        store.load("invoices").await.unwrap().as_deref(),
        Some("000000000b")
    );
    assert_eq!(
        store.load("orders").await.unwrap().as_deref(),
        Some("0000000001")
    );

    let item = client
        .get_item()
        .table_name(&table)
        .key("pk", AttributeValue::S("RELAY#invoices".into()))
        .key("sk", AttributeValue::S("OFFSET".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(
        item.get("offset"),
        Some(&AttributeValue::S("000000000b".into()))
    );

    // An item without the attribute is reported, not taken for "no offset".
    client
        .put_item()
        .table_name(&table)
        .item("pk", AttributeValue::S("RELAY#customers".into()))
        .item("sk", AttributeValue::S("OFFSET".into()))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        store.load("customers").await,
        Err(OffsetError::Corrupt(_))
    ));

    // An unreachable table is retryable.
    let missing = DynamoOffsets::new(client, "no-such-table");
    assert!(matches!(
        missing.load("invoices").await,
        Err(OffsetError::Unavailable(_))
    ));
}
