//! The per-value decision shared by customer fields, article titles and prices: given a
//! direction, whether the two sides already agree and which of them changed since the last
//! sync, which way (if any) to copy the value.

use super::rules::Direction;
use serde::{Deserialize, Serialize};

/// One side of the sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Fortnox,
    Shop,
}

impl Side {
    pub fn other(self) -> Self {
        match self {
            Self::Fortnox => Self::Shop,
            Self::Shop => Self::Fortnox,
        }
    }
}

/// Both sides changed the same value since the last sync: `winner`'s value was kept and
/// written to the other side; the other value is lost and reported here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict<F> {
    pub field: F,
    /// As Fortnox had it (`""` = empty).
    pub fortnox_value: String,
    /// As the shop had it (`""` = empty).
    pub shop_value: String,
    pub winner: Side,
}

impl<F> Conflict<F> {
    pub fn loser(&self) -> Side {
        self.winner.other()
    }
}

/// What one value looks like on both sides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Observed {
    /// The two values are the same value.
    pub equal: bool,
    pub fortnox_empty: bool,
    pub shop_empty: bool,
    /// Whether (Fortnox, shop) differ from the last sync's snapshot; `None` without one.
    pub changed: Option<(bool, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Keep,
    /// Copy the shop's value to Fortnox.
    ToFortnox,
    /// Copy Fortnox's value to the shop.
    ToShop,
    /// Both changed; `winner`'s value is copied to the other side.
    Conflict {
        winner: Side,
    },
}

/// - `off` or equal values: keep.
/// - One way: the source is the master, so the target is overwritten when it differs — except
///   that an empty source only clears the target when the snapshot shows the source was
///   cleared (without a snapshot an empty source is "never filled in", not "deleted").
/// - `both`: the side that changed since the snapshot is copied; both changed → conflict,
///   `newer` wins. Without a snapshot an empty side is filled from the other, and two
///   different values are a conflict (nothing says which one is right).
pub(crate) fn decide(direction: Direction, v: Observed, newer: Side) -> Outcome {
    if v.equal {
        return Outcome::Keep;
    }
    match direction {
        Direction::Off => Outcome::Keep,
        Direction::ShopToFortnox => {
            let never_filled = v.shop_empty && !matches!(v.changed, Some((_, true)));
            if never_filled {
                Outcome::Keep
            } else {
                Outcome::ToFortnox
            }
        }
        Direction::FortnoxToShop => {
            let never_filled = v.fortnox_empty && !matches!(v.changed, Some((true, _)));
            if never_filled {
                Outcome::Keep
            } else {
                Outcome::ToShop
            }
        }
        Direction::Both => match v.changed {
            Some((true, false)) => Outcome::ToShop,
            Some((false, true)) => Outcome::ToFortnox,
            None if v.fortnox_empty => Outcome::ToFortnox,
            None if v.shop_empty => Outcome::ToShop,
            _ => Outcome::Conflict { winner: newer },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(changed: Option<(bool, bool)>) -> Observed {
        Observed {
            equal: false,
            fortnox_empty: false,
            shop_empty: false,
            changed,
        }
    }

    #[test]
    fn off_and_equal_keep() {
        assert_eq!(
            decide(Direction::Off, seen(None), Side::Shop),
            Outcome::Keep
        );
        let equal = Observed {
            equal: true,
            ..seen(Some((true, true)))
        };
        assert_eq!(decide(Direction::Both, equal, Side::Shop), Outcome::Keep);
    }

    #[test]
    fn one_way_overwrites_but_only_clears_after_a_real_clear() {
        assert_eq!(
            decide(
                Direction::ShopToFortnox,
                seen(Some((true, false))),
                Side::Fortnox
            ),
            Outcome::ToFortnox
        );
        let empty_source = Observed {
            shop_empty: true,
            ..seen(None)
        };
        assert_eq!(
            decide(Direction::ShopToFortnox, empty_source, Side::Fortnox),
            Outcome::Keep
        );
        let cleared = Observed {
            shop_empty: true,
            ..seen(Some((false, true)))
        };
        assert_eq!(
            decide(Direction::ShopToFortnox, cleared, Side::Fortnox),
            Outcome::ToFortnox
        );
        let fortnox_cleared = Observed {
            fortnox_empty: true,
            ..seen(Some((true, false)))
        };
        assert_eq!(
            decide(Direction::FortnoxToShop, fortnox_cleared, Side::Fortnox),
            Outcome::ToShop
        );
    }

    #[test]
    fn both_copies_the_changed_side_or_lets_the_newest_win() {
        let d = Direction::Both;
        assert_eq!(
            decide(d, seen(Some((true, false))), Side::Shop),
            Outcome::ToShop
        );
        assert_eq!(
            decide(d, seen(Some((false, true))), Side::Fortnox),
            Outcome::ToFortnox
        );
        assert_eq!(
            decide(d, seen(Some((true, true))), Side::Shop),
            Outcome::Conflict { winner: Side::Shop }
        );
        assert_eq!(
            decide(d, seen(None), Side::Fortnox),
            Outcome::Conflict {
                winner: Side::Fortnox
            }
        );
        let fill = Observed {
            shop_empty: true,
            ..seen(None)
        };
        assert_eq!(decide(d, fill, Side::Shop), Outcome::ToShop);
    }
}
