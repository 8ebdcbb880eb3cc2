//! Mutations: variant prices, inventory with idempotency and compare-and-swap, productSet,
//! customers and addresses, metafields, tags and order notes.

mod common;

use common::{gql, sim};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use shopify_sim::{SeedCustomer, SeedOrder, SeedProduct, gid};

const BULK: &str = r#"mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $p, variants: $v) {
    productVariants { id price inventoryItem { tracked } }
    userErrors { field message code }
  }
}"#;

const SET_QTY: &str = r#"mutation($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}"#;

#[tokio::test]
async fn bulk_update_sets_prices_and_tracking_atomically() {
    let sim = sim().await;
    let p = sim.seed_product(SeedProduct::simple("A", "A", dec!(10), None));
    let v = gid("ProductVariant", p.variants[0].id);
    let r = gql(
        &sim,
        BULK,
        json!({"p": gid("Product", p.id), "v": [{"id": v, "price": "12.5", "inventoryItem": {"tracked": true}}]}),
    )
    .await;
    let payload = &r.data()["productVariantsBulkUpdate"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(
        payload["productVariants"],
        json!([{"id": v, "price": "12.50", "inventoryItem": {"tracked": true}}])
    );
    // One bad entry: nothing applied.
    let r = gql(
        &sim,
        BULK,
        json!({"p": gid("Product", p.id), "v": [
            {"id": v, "price": "20"},
            {"id": "gid://shopify/ProductVariant/1", "price": "5"},
            {"id": v, "price": "-1"}]}),
    )
    .await;
    let errs = r.data()["productVariantsBulkUpdate"]["userErrors"]
        .as_array()
        .unwrap()
        .clone();
    let codes: Vec<&str> = errs.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        vec!["PRODUCT_VARIANT_DOES_NOT_EXIST", "GREATER_THAN_OR_EQUAL_TO"]
    );
    assert_eq!(errs[0]["field"], json!(["variants", "1", "id"]));
    assert_eq!(sim.product(p.id).unwrap().variants[0].price, dec!(12.5));
}

#[tokio::test]
async fn bulk_update_rejects_more_than_250_variants() {
    let sim = sim().await;
    let p = sim.seed_product(SeedProduct::simple("A", "A", dec!(10), None));
    let v: Vec<Value> = (0..251)
        .map(|_| json!({"id": gid("ProductVariant", p.variants[0].id)}))
        .collect();
    let r = gql(&sim, BULK, json!({"p": gid("Product", p.id), "v": v})).await;
    assert_eq!(r.error_codes(), vec!["MAX_INPUT_SIZE_EXCEEDED"]);
}

fn qty_input(sim: &shopify_sim::SimHandle, item: u64, quantity: i64, from: Value) -> Value {
    json!({
        "name": "on_hand",
        "reason": "correction",
        "referenceDocumentUri": "gid://fortsync/StockSync/1",
        "quantities": [{
            "inventoryItemId": gid("InventoryItem", item),
            "locationId": gid("Location", sim.primary_location_id()),
            "quantity": quantity,
            "changeFromQuantity": from,
        }],
    })
}

#[tokio::test]
async fn inventory_set_is_idempotent_per_key_and_checks_change_from() {
    let sim = sim().await;
    let p = sim.seed_product(SeedProduct::simple("A", "A", dec!(10), Some(3)));
    let item = p.variants[0].inventory_item_id;
    let loc = sim.primary_location_id();
    let r = gql(
        &sim,
        SET_QTY,
        json!({"input": qty_input(&sim, item, 8, Value::Null), "key": "k1"}),
    )
    .await;
    let payload = &r.data()["inventorySetQuantities"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(
        payload["inventoryAdjustmentGroup"]["changes"][1],
        json!({"name": "on_hand", "delta": 5, "quantityAfterChange": 8})
    );
    // Someone sells 2 meanwhile; a replay of k1 must not reset to 8.
    {
        let r = gql(
            &sim,
            SET_QTY,
            json!({"input": qty_input(&sim, item, 6, json!(8)), "key": "k2"}),
        )
        .await;
        assert_eq!(r.data()["inventorySetQuantities"]["userErrors"], json!([]));
    }
    let r = gql(
        &sim,
        SET_QTY,
        json!({"input": qty_input(&sim, item, 8, Value::Null), "key": "k1"}),
    )
    .await;
    assert_eq!(r.data()["inventorySetQuantities"]["userErrors"], json!([]));
    assert_eq!(sim.product(p.id).unwrap().variants[0].on_hand[&loc], 6);
    // Stale compare-and-swap.
    let r = gql(
        &sim,
        SET_QTY,
        json!({"input": qty_input(&sim, item, 1, json!(99)), "key": "k3"}),
    )
    .await;
    let errs = &r.data()["inventorySetQuantities"]["userErrors"];
    assert_eq!(errs[0]["code"], "CHANGE_FROM_QUANTITY_STALE");
    assert_eq!(sim.product(p.id).unwrap().variants[0].on_hand[&loc], 6);
}

#[tokio::test]
async fn inventory_set_requires_idempotent_and_change_from_since_2026_04() {
    let sim = sim().await;
    let p = sim.seed_product(SeedProduct::simple("A", "A", dec!(10), Some(3)));
    let item = p.variants[0].inventory_item_id;
    let no_key = r#"mutation($input: InventorySetQuantitiesInput!) {
      inventorySetQuantities(input: $input) { userErrors { message } } }"#;
    let r = gql(
        &sim,
        no_key,
        json!({"input": qty_input(&sim, item, 1, Value::Null)}),
    )
    .await;
    assert_eq!(r.error_codes(), vec!["BAD_REQUEST"]);
    let mut input = qty_input(&sim, item, 1, Value::Null);
    input["quantities"][0]
        .as_object_mut()
        .unwrap()
        .remove("changeFromQuantity");
    let r = gql(&sim, SET_QTY, json!({"input": input, "key": "k"})).await;
    assert_eq!(r.error_codes(), vec!["INVALID_VARIABLE"]);
    assert_eq!(
        sim.product(p.id).unwrap().variants[0]
            .on_hand
            .values()
            .sum::<i64>(),
        3
    );
}

#[tokio::test]
async fn product_set_creates_a_tracked_variant_with_stock() {
    let sim = sim().await;
    let q = r#"mutation($input: ProductSetInput!) {
      productSet(input: $input, synchronous: true) {
        product { id status variants(first: 5) { nodes { id sku price inventoryItem { tracked } } } }
        userErrors { field message code }
      }
    }"#;
    let input = json!({
        "title": "Mugg", "status": "DRAFT",
        "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [{
            "optionValues": [{"optionName": "Title", "name": "Default Title"}],
            "sku": "MUG-1", "price": "89.00",
            "inventoryItem": {"tracked": true},
            "inventoryQuantities": [{"locationId": gid("Location", sim.primary_location_id()), "name": "on_hand", "quantity": 12}],
        }],
    });
    let r = gql(&sim, q, json!({"input": input})).await;
    let p = &r.data()["productSet"];
    assert_eq!(p["userErrors"], json!([]), "{}", r.body);
    assert_eq!(p["product"]["status"], "DRAFT");
    assert_eq!(p["product"]["variants"]["nodes"][0]["sku"], "MUG-1");
    let (_, v) = sim.variant_by_sku("MUG-1").unwrap();
    assert_eq!(v.price, dec!(89));
    assert!(v.tracked);
    assert_eq!(v.on_hand[&sim.primary_location_id()], 12);
    // Blank title is a user error.
    let r = gql(&sim, q, json!({"input": {"title": " ", "variants": []}})).await;
    assert_eq!(r.data()["productSet"]["userErrors"][0]["code"], "BLANK");
}

#[tokio::test]
async fn customers_create_update_and_addresses() {
    let sim = sim().await;
    sim.seed_customer(SeedCustomer {
        email: Some("taken@example.se".into()),
        ..Default::default()
    });
    let create = r#"mutation($input: CustomerInput!) {
      customerCreate(input: $input) { customer { id defaultEmailAddress { emailAddress } } userErrors { field message } } }"#;
    let r = gql(
        &sim,
        create,
        json!({"input": {"email": "TAKEN@example.se"}}),
    )
    .await;
    assert_eq!(
        r.data()["customerCreate"]["userErrors"],
        json!([{"field": ["email"], "message": "Email has already been taken"}])
    );
    let r = gql(&sim, create, json!({"input": {"email": "anna@example.se", "firstName": "Anna", "phone": "+46701234567"}})).await;
    let id = r.data()["customerCreate"]["customer"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = r#"mutation($c: ID!, $a: MailingAddressInput!) {
      customerAddressCreate(customerId: $c, address: $a, setAsDefault: true) { address { id city } userErrors { message } } }"#;
    let r = gql(&sim, add, json!({"c": id, "a": {"address1": "Storgatan 1", "city": "Lund", "zip": "222 22", "countryCode": "SE", "company": "Anna AB"}})).await;
    let addr = r.data()["customerAddressCreate"]["address"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let upd_addr = r#"mutation($c: ID!, $id: ID!, $a: MailingAddressInput!) {
      customerAddressUpdate(customerId: $c, addressId: $id, address: $a, setAsDefault: true) { address { city company } userErrors { message } } }"#;
    let r = gql(
        &sim,
        upd_addr,
        json!({"c": id, "id": addr, "a": {"city": "Malmö", "company": null}}),
    )
    .await;
    assert_eq!(
        r.data()["customerAddressUpdate"]["address"],
        json!({"city": "Malmö", "company": null})
    );
    let update = r#"mutation($input: CustomerInput!) {
      customerUpdate(input: $input) { customer { lastName phone } userErrors { message } } }"#;
    let r = gql(
        &sim,
        update,
        json!({"input": {"id": id, "lastName": "Berg", "phone": null}}),
    )
    .await;
    assert_eq!(
        r.data()["customerUpdate"]["customer"],
        json!({"lastName": "Berg", "phone": null})
    );
    let num = shopify_sim::parse_gid(&id, "Customer").unwrap();
    let c = sim.customer(num).unwrap();
    let a = c.default_address().unwrap();
    assert_eq!(a.city.as_deref(), Some("Malmö"));
    assert_eq!(a.address1.as_deref(), Some("Storgatan 1"));
    assert_eq!(a.country_code.as_deref(), Some("SE"));
    // Bad country code fails as an enum value would.
    let r = gql(&sim, add, json!({"c": id, "a": {"countryCode": "Sweden"}})).await;
    assert_eq!(r.error_codes(), vec!["INVALID_VARIABLE"]);
}

#[tokio::test]
async fn customers_search_by_email_and_updated_at_sorted() {
    let sim = sim().await;
    let t0 = time::macros::datetime!(2026-11-01 10:00 UTC);
    sim.seed_customer(SeedCustomer {
        email: Some("b@x.se".into()),
        updated_at: Some(t0 + time::Duration::hours(2)),
        ..Default::default()
    });
    sim.seed_customer(SeedCustomer {
        email: Some("a@x.se".into()),
        updated_at: Some(t0 + time::Duration::hours(1)),
        ..Default::default()
    });
    sim.seed_customer(SeedCustomer {
        email: Some("old@x.se".into()),
        updated_at: Some(t0),
        ..Default::default()
    });
    let q = r#"query($q: String) { customers(first: 10, query: $q, sortKey: UPDATED_AT) {
        nodes { defaultEmailAddress { emailAddress } updatedAt } } }"#;
    let r = gql(&sim, q, json!({"q": "updated_at:>='2026-11-01T10:30:00Z'"})).await;
    let emails: Vec<&str> = r.data()["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["defaultEmailAddress"]["emailAddress"].as_str().unwrap())
        .collect();
    assert_eq!(emails, vec!["a@x.se", "b@x.se"]);
    let r = gql(&sim, q, json!({"q": "email:OLD@x.se"})).await;
    assert_eq!(r.data()["customers"]["nodes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn order_annotations_tags_metafields_and_note() {
    let sim = sim().await;
    let o = sim.seed_order(SeedOrder {
        note: Some("Gift wrap".into()),
        tags: vec!["vip".into()],
        ..Default::default()
    });
    let id = gid("Order", o.id);
    let m = r#"mutation($id: ID!, $tags: [String!]!, $mf: [MetafieldsSetInput!]!, $note: String) {
      tagsAdd(id: $id, tags: $tags) { userErrors { field message } }
      metafieldsSet(metafields: $mf) { metafields { key value } userErrors { field message code } }
      orderUpdate(input: {id: $id, note: $note}) { order { note } userErrors { field message } }
    }"#;
    let mf = json!([
        {"ownerId": id, "namespace": "fortsync", "key": "invoice_number", "type": "single_line_text_field", "value": "1042"},
        {"ownerId": id, "namespace": "fortsync", "key": "paid_date", "type": "date", "value": "2026-11-20"},
    ]);
    let r = gql(&sim, m, json!({"id": id, "tags": ["fortnox-paid", "VIP"], "mf": mf, "note": "Gift wrap\nFortnox invoice 1042 paid"})).await;
    assert_eq!(r.status, 200);
    assert!(r.body.get("errors").is_none(), "{}", r.body);
    assert_eq!(r.cost()["requestedQueryCost"], 30);
    let o = sim.order(o.id).unwrap();
    assert_eq!(o.tags, vec!["vip", "fortnox-paid"]);
    assert_eq!(
        o.note.as_deref(),
        Some("Gift wrap\nFortnox invoice 1042 paid")
    );
    assert_eq!(o.metafield("fortsync", "invoice_number"), Some("1042"));
    assert_eq!(o.metafield("fortsync", "paid_date"), Some("2026-11-20"));
    // Read back through the API.
    let q = r#"query($id: ID!) { order(id: $id) { note tags
        metafields(first: 10, namespace: "fortsync") { nodes { key value } } } }"#;
    let r = gql(&sim, q, json!({"id": id})).await;
    assert_eq!(
        r.data()["order"]["metafields"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Invalid metafields: nothing written.
    let bad = json!([
        {"ownerId": id, "namespace": "fortsync", "key": "ocr", "type": "single_line_text_field", "value": "123"},
        {"ownerId": id, "namespace": "fortsync", "key": "x", "type": "number_integer", "value": "abc"},
    ]);
    let set = r#"mutation($mf: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $mf) { userErrors { field code } } }"#;
    let r = gql(&sim, set, json!({"mf": bad})).await;
    let errs = r.data()["metafieldsSet"]["userErrors"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        sim.order(o.id)
            .unwrap()
            .metafield("fortsync", "ocr")
            .is_none()
    );
}

#[tokio::test]
async fn plain_user_errors_have_no_code_field() {
    let sim = sim().await;
    let q = r#"mutation { orderUpdate(input: {id: "gid://shopify/Order/1", note: "x"}) { userErrors { field message code } } }"#;
    let r = gql(&sim, q, json!({})).await;
    assert_eq!(r.error_codes(), vec!["undefinedField"]);
    let q = r#"mutation { orderUpdate(input: {id: "gid://shopify/Order/1", note: "x"}) { userErrors { field message } } }"#;
    let r = gql(&sim, q, json!({})).await;
    assert_eq!(
        r.data()["orderUpdate"]["userErrors"],
        json!([{"field": ["id"], "message": "Order does not exist"}])
    );
}

#[tokio::test]
async fn payload_typos_fail_before_the_mutation_runs() {
    let sim = sim().await;
    let o = sim.seed_order(SeedOrder::default());
    let q = r#"mutation($id: ID!) { orderUpdate(input: {id: $id, note: "changed"}) { ordr { id } userErrors { message } } }"#;
    let r = gql(&sim, q, json!({"id": gid("Order", o.id)})).await;
    assert_eq!(r.error_codes(), vec!["undefinedField"]);
    assert_eq!(sim.order(o.id).unwrap().note, None);
}
