//! Simulator of the WooCommerce REST v3 API used as fortsync's test bed.
