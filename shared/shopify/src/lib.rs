//! Shopify Admin GraphQL adapter of the Shop port.
