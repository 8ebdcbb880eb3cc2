//! The sample orders (shared with the end-to-end tests).

pub const ORDERS: &[(&str, &str)] = &[
    (
        "order-1001-anna",
        include_str!("../../../tests/fixtures/generic/order-1001-anna.json"),
    ),
    (
        "order-1002-berlin",
        include_str!("../../../tests/fixtures/generic/order-1002-berlin.json"),
    ),
    (
        "order-1003-anna-again",
        include_str!("../../../tests/fixtures/generic/order-1003-anna-again.json"),
    ),
    (
        "order-1004-emoji",
        include_str!("../../../tests/fixtures/generic/order-1004-emoji.json"),
    ),
    (
        "order-1005-unknown-vat",
        include_str!("../../../tests/fixtures/generic/order-1005-unknown-vat.json"),
    ),
];
