//! `productVariants` paging and search, `nodes`, inventory levels, `products`, `locations`.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{gql, seed_many, sim};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use shopify_sim::{ProductStatus, Seed, SeedProduct, SeedVariant, gid};

const PAGE: &str = r#"query Page($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    nodes { id sku price updatedAt product { id status } }
    pageInfo { hasNextPage endCursor }
  }
}"#;

fn skus(v: &Value) -> Vec<String> {
    v["productVariants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["sku"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn pages_through_1100_variants_with_cursors() {
    let sim = sim().await;
    seed_many(&sim, 1100);
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = gql(&sim, PAGE, json!({"first": 250, "after": after})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let page = skus(r.data());
        pages += 1;
        seen.extend(page);
        let info = &r.data()["productVariants"]["pageInfo"];
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = Some(info["endCursor"].as_str().unwrap().to_string());
        // Let the bucket refill instead of waiting (5 pages x 502 points > 2000).
        sim.advance(Duration::from_secs(10));
    }
    assert_eq!(pages, 5);
    assert_eq!(seen.len(), 1100);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 1100);
    assert_eq!(seen[0], "SKU-0000");
    assert_eq!(seen[1099], "SKU-1099");
}

#[tokio::test]
async fn page_size_is_limited_to_250() {
    let sim = sim().await;
    let r = gql(&sim, PAGE, json!({"first": 251})).await;
    assert_eq!(r.error_codes(), vec!["MAX_PAGE_SIZE_EXCEEDED"]);
    assert_eq!(r.data()["productVariants"], Value::Null);
}

#[tokio::test]
async fn searches_skus_with_or_and_quotes() {
    let sim = sim().await;
    seed_many(&sim, 20);
    sim.seed_product(SeedProduct::simple("AB 12", "Spaced", dec!(5), None));
    let q = "sku:SKU-0003 OR sku:'sku-0007' OR sku:\"AB 12\" OR sku:NOPE";
    let r = gql(&sim, PAGE, json!({"first": 50, "query": q})).await;
    let mut got = skus(r.data());
    got.sort();
    assert_eq!(got, vec!["AB 12", "SKU-0003", "SKU-0007"]);
    let r = gql(&sim, PAGE, json!({"first": 50, "query": "sku:SKU-001*"})).await;
    assert_eq!(skus(r.data()).len(), 10);
}

#[tokio::test]
async fn filters_by_updated_at_and_reflects_price_changes() {
    let sim = sim().await;
    let t0 = time::macros::datetime!(2026-11-01 10:00 UTC);
    sim.set_now(t0);
    seed_many(&sim, 5);
    sim.advance(Duration::from_secs(3600));
    let (pid, v) = sim.variant_by_sku("SKU-0002").unwrap();
    let update = r#"mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) {
      productVariantsBulkUpdate(productId: $p, variants: $v) { userErrors { field message code } }
    }"#;
    let r = gql(
        &sim,
        update,
        json!({"p": gid("Product", pid), "v": [{"id": gid("ProductVariant", v.id), "price": "99.50"}]}),
    )
    .await;
    assert_eq!(
        r.data()["productVariantsBulkUpdate"]["userErrors"],
        json!([])
    );
    let r = gql(
        &sim,
        PAGE,
        json!({"first": 50, "query": "updated_at:>='2026-11-01T10:30:00Z'"}),
    )
    .await;
    let nodes = r.data()["productVariants"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    assert_eq!(nodes[0]["sku"], "SKU-0002");
    assert_eq!(nodes[0]["price"], "99.50");
    assert_eq!(nodes[0]["updatedAt"], "2026-11-01T11:00:00Z");
    // Inclusive bound on the exact second.
    let r = gql(
        &sim,
        PAGE,
        json!({"first": 50, "query": "updated_at:>=2026-11-01T11:00:00Z"}),
    )
    .await;
    assert_eq!(skus(r.data()), vec!["SKU-0002"]);
    let r = gql(
        &sim,
        PAGE,
        json!({"first": 50, "query": "updated_at:<'2026-11-01T10:30:00Z'"}),
    )
    .await;
    assert_eq!(skus(r.data()).len(), 4);
}

#[tokio::test]
async fn variants_cannot_be_sorted_by_updated_at() {
    let sim = sim().await;
    let q = "{ productVariants(first: 5, sortKey: UPDATED_AT) { nodes { id } } }";
    let r = gql(&sim, q, json!({})).await;
    assert_eq!(r.error_codes(), vec!["argumentLiteralsIncompatible"]);
    let q = "{ productVariants(first: 5, sortKey: SKU, reverse: true) { nodes { sku } } }";
    seed_many(&sim, 3);
    let r = gql(&sim, q, json!({})).await;
    assert_eq!(
        r.data()["productVariants"]["nodes"],
        json!([{"sku": "SKU-0002"}, {"sku": "SKU-0001"}, {"sku": "SKU-0000"}])
    );
}

#[tokio::test]
async fn nodes_lookup_with_inline_fragments_and_inventory_level() {
    let sim = sim().await;
    let seeded = sim.seed(Seed {
        products: vec![SeedProduct {
            title: "Tee".into(),
            status: ProductStatus::Draft,
            tags: vec![],
            variants: vec![
                SeedVariant {
                    sku: "TEE-S".into(),
                    price: dec!(199),
                    title: Some("S".into()),
                    tracked: true,
                    on_hand: Some(7),
                },
                SeedVariant {
                    sku: "TEE-M".into(),
                    price: dec!(199),
                    title: Some("M".into()),
                    tracked: false,
                    on_hand: None,
                },
            ],
            updated_at: None,
        }],
        ..Default::default()
    });
    let p = &seeded.products[0];
    let loc = gid("Location", sim.primary_location_id());
    let q = r#"query($ids: [ID!]!, $loc: ID!) { nodes(ids: $ids) { __typename ... on ProductVariant {
        id displayName price product { id status }
        inventoryItem { id tracked inventoryLevel(locationId: $loc) { quantities(names: ["on_hand"]) { name quantity } } } } } }"#;
    let ids = json!([
        gid("ProductVariant", p.variants[0].id),
        gid("ProductVariant", p.variants[1].id),
        "gid://shopify/ProductVariant/1"
    ]);
    let r = gql(&sim, q, json!({"ids": ids, "loc": loc})).await;
    let nodes = r.data()["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert_eq!(nodes[0]["displayName"], "Tee - S");
    assert_eq!(nodes[0]["price"], "199.00");
    assert_eq!(nodes[0]["product"]["status"], "DRAFT");
    assert_eq!(
        nodes[0]["inventoryItem"]["inventoryLevel"]["quantities"],
        json!([{"name": "on_hand", "quantity": 7}])
    );
    assert_eq!(nodes[1]["inventoryItem"]["tracked"], false);
    assert_eq!(nodes[1]["inventoryItem"]["inventoryLevel"], Value::Null);
    assert_eq!(nodes[2], Value::Null);
}

#[tokio::test]
async fn locations_list_primary_first() {
    let sim = sim().await;
    let extra = sim.add_location("Butik");
    let r = gql(
        &sim,
        "{ locations(first: 1) { nodes { id name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        r.data()["locations"]["nodes"],
        json!([{"id": gid("Location", sim.primary_location_id()), "name": "Huvudlager"}])
    );
    let r = gql(
        &sim,
        "{ locations(first: 5) { edges { cursor node { name } } } }",
        json!({}),
    )
    .await;
    let edges = r.data()["locations"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2);
    assert_eq!(edges[1]["node"]["name"], extra.name);
    assert!(edges[1]["cursor"].is_string());
}
