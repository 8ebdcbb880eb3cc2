//! WooCommerce REST v3 adapter of the Shop port.
