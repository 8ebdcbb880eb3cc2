//! Fortnox quantities are decimals, shop stock is whole units.
//!
//! Fortnox → shop floors and never goes below zero: a shop must not sell what is not there
//! (2.7 in stock sells 2), and a negative Fortnox balance (stock sold before it was received)
//! is "none left", which every shop reads the same way as 0.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The shop stock for a Fortnox sellable quantity.
pub fn shop_stock(fortnox_quantity: Decimal) -> i64 {
    let units = fortnox_quantity.floor().max(Decimal::ZERO);
    // Beyond i64 only on corrupt data; saturate rather than fail the run.
    units.to_i64().unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn floors_and_clamps_at_zero() {
        assert_eq!(shop_stock(dec!(2.7)), 2);
        assert_eq!(shop_stock(dec!(3)), 3);
        assert_eq!(shop_stock(dec!(0.99)), 0);
        assert_eq!(shop_stock(dec!(-8)), 0);
        assert_eq!(shop_stock(dec!(-0.5)), 0);
        assert_eq!(shop_stock(Decimal::MAX), i64::MAX);
    }
}
