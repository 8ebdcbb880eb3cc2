//! Simulator of the Shopify Admin GraphQL API used as fortsync's test bed.
