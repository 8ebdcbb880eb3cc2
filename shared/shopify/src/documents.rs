//! The fixed GraphQL documents. Mutations built per call (aliases per product, order or
//! metafield chunk) are assembled in [`crate::mutation`].

/// A variant with what [`fortsync_app::shop::ShopProduct`] needs; on-hand stock at `$location`.
pub(crate) const VARIANT_FIELDS: &str = r#"
fragment VariantFields on ProductVariant {
  id title displayName sku price updatedAt
  product { id title status updatedAt }
  inventoryItem { id tracked
    inventoryLevel(locationId: $location) { quantities(names: ["on_hand"]) { name quantity } } }
}"#;

/// Variant page; Admin `ProductVariantSortKeys` has no `UPDATED_AT`, so pages follow ids.
pub(crate) const VARIANTS_PAGE: &str = r#"
query FortsyncVariantsPage($first: Int!, $after: String, $query: String, $location: ID!) {
  productVariants(first: $first, after: $after, query: $query, sortKey: ID) {
    nodes { ...VariantFields }
    pageInfo { hasNextPage endCursor }
  }
}"#;

pub(crate) const VARIANT_REFS: &str = r#"
query FortsyncVariantRefs($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id product { id } inventoryItem { id tracked } } }
}"#;

pub(crate) const PRIMARY_LOCATION: &str = r#"
query FortsyncPrimaryLocation { locations(first: 1) { nodes { id } } }"#;

pub(crate) const CREATE_PRODUCT: &str = r#"
mutation FortsyncCreateProduct($input: ProductSetInput!, $location: ID!) {
  productSet(input: $input, synchronous: true) {
    product { variants(first: 1) { nodes { ...VariantFields } } }
    userErrors { field message code }
  }
}"#;

pub(crate) const CUSTOMER_FIELDS: &str = r#"
fragment CustomerFields on Customer {
  id firstName lastName updatedAt
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber { phoneNumber }
  defaultAddress { company address1 address2 zip city countryCodeV2 }
}"#;

pub(crate) const CUSTOMERS_PAGE: &str = r#"
query FortsyncCustomersPage($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ...CustomerFields }
    pageInfo { hasNextPage endCursor }
  }
}"#;

pub(crate) const CUSTOMER_CREATE: &str = r#"
mutation FortsyncCustomerCreate($input: CustomerInput!) {
  customerCreate(input: $input) { customer { ...CustomerFields } userErrors { field message } }
}"#;

pub(crate) const CUSTOMER_UPDATE: &str = r#"
mutation FortsyncCustomerUpdate($input: CustomerInput!) {
  customerUpdate(input: $input) { customer { id defaultAddress { id } } userErrors { field message } }
}"#;

pub(crate) const CUSTOMER_ADDRESS: &str = r#"
query FortsyncCustomerAddress($id: ID!) { customer(id: $id) { id defaultAddress { id } } }"#;

pub(crate) const ADDRESS_FIELDS: &str = "company address1 address2 zip city countryCodeV2";

pub(crate) const ORDER_ANNOTATIONS: &str = r#"
query FortsyncOrderAnnotations($id: ID!) {
  order(id: $id) { id note tags metafields(first: 100, namespace: "fortsync") { nodes { key value } } }
}"#;

/// `query` + the fragment it uses.
pub(crate) fn with(query: &str, fragment: &str) -> String {
    format!("{query}\n{fragment}")
}
