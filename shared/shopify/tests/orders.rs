//! `annotate_order` through the adapter.

mod common;

use std::collections::BTreeMap;

use common::{calls, setup};
use fortsync_app::shop::{OrderAnnotation, Shop, ShopError};
use shopify_sim::{SeedOrder, gid};

fn paid(order_id: String) -> OrderAnnotation {
    OrderAnnotation {
        order_id,
        note: "Fortnox invoice 1042 paid 2026-11-20".into(),
        tags: vec!["fortnox-invoiced".into(), "fortnox-paid".into()],
        fields: BTreeMap::from([
            ("invoice_number".to_string(), "1042".to_string()),
            ("ocr".to_string(), "104215".to_string()),
            ("status".to_string(), "paid".to_string()),
            ("paid_date".to_string(), "2026-11-20".to_string()),
        ]),
        status: Some("completed".into()),
    }
}

#[tokio::test]
async fn writes_tags_fields_and_note_in_two_calls() {
    let (sim, shop) = setup().await;
    let o = sim.seed_order(SeedOrder {
        note: Some("Gift wrap please".into()),
        tags: vec!["VIP".into(), "Fortnox-Invoiced".into()],
        ..Default::default()
    });
    shop.annotate_order(&paid(o.id.to_string())).await.unwrap();
    let stored = sim.order(o.id).unwrap();
    assert_eq!(
        stored.note.as_deref(),
        Some("Gift wrap please\nFortnox invoice 1042 paid 2026-11-20")
    );
    assert_eq!(stored.tags, vec!["VIP", "Fortnox-Invoiced", "fortnox-paid"]);
    assert_eq!(stored.metafield("fortsync", "invoice_number"), Some("1042"));
    assert_eq!(stored.metafield("fortsync", "ocr"), Some("104215"));
    assert_eq!(
        stored.metafield("fortsync", "paid_date"),
        Some("2026-11-20")
    );
    let log = sim.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[1].root_fields,
        vec!["tagsAdd", "metafieldsSet", "orderUpdate"]
    );
    assert_eq!(
        log[1].variables["v1"],
        serde_json::json!(["fortnox-paid"]),
        "only the missing tag"
    );
}

#[tokio::test]
async fn repeating_an_annotation_changes_nothing() {
    let (sim, shop) = setup().await;
    let o = sim.seed_order(SeedOrder::default());
    shop.annotate_order(&paid(gid("Order", o.id)))
        .await
        .unwrap();
    let first = sim.order(o.id).unwrap();
    sim.clear_log();
    shop.annotate_order(&paid(o.id.to_string())).await.unwrap();
    assert_eq!(sim.order(o.id).unwrap(), first);
    assert_eq!(sim.request_log().len(), 1, "read only");
    assert_eq!(calls(&sim, "FortsyncAnnotateOrder"), 0);
    // A new status line and a changed field: only those are written.
    let mut next = paid(o.id.to_string());
    next.note = "Fortnox invoice 1042 credited".into();
    next.fields.insert("status".into(), "credited".into());
    next.fields.insert("ocr".into(), String::new());
    shop.annotate_order(&next).await.unwrap();
    let o2 = sim.order(o.id).unwrap();
    assert_eq!(
        o2.note.as_deref(),
        Some("Fortnox invoice 1042 paid 2026-11-20\nFortnox invoice 1042 credited")
    );
    assert_eq!(o2.metafield("fortsync", "status"), Some("credited"));
    assert_eq!(o2.metafield("fortsync", "ocr"), None);
    let last = sim.request_log().pop().unwrap();
    assert_eq!(
        last.root_fields,
        vec!["metafieldsSet", "metafieldsDelete", "orderUpdate"]
    );
    assert_eq!(last.variables["v0"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn unknown_and_malformed_orders() {
    let (_sim, shop) = setup().await;
    let err = shop.annotate_order(&paid("42".into())).await.unwrap_err();
    assert!(matches!(err, ShopError::NotFound(_)), "{err:?}");
    let err = shop
        .annotate_order(&paid("#1001".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn a_refused_metafield_is_invalid() {
    let (sim, shop) = setup().await;
    let o = sim.seed_order(SeedOrder::default());
    sim.inject_fault(shopify_sim::Fault::user_error(
        "metafieldsSet",
        "Value is invalid for type date",
    ));
    let err = shop
        .annotate_order(&paid(o.id.to_string()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ShopError::Invalid(ref m) if m.contains("invalid for type")),
        "{err:?}"
    );
}
