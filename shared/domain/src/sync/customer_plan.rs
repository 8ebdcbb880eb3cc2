//! One customer pair → the field writes each side needs.
//!
//! Rules:
//! - A field set to `off` (and the Fortnox-only organisation and VAT numbers) is never
//!   written, not even when creating, and is left out of the snapshot.
//! - Values that already agree ([`CustomerField::same`]: e-mail case, zip spaces, phone
//!   spelling…) are not written.
//! - One-way fields: the source is the master (see `resolve::decide`); an empty source only
//!   clears the target after it was really cleared since the snapshot.
//! - `both`: the side that changed since `last` is copied; when both changed the newest
//!   record (`fortnox_modified` vs `shop_modified`) wins and the loser is listed in
//!   `conflicts`. Equal or unreadable times let Fortnox win: it is the bookkeeping record.
//! - Fortnox requires `Name`, so a plan never clears it.
//! - Creating: only for a customer never synced (`last` is `None` — a pair that was synced
//!   and lost a side was deleted there, and deleting should stick), when the rules allow it.
//!   Shop customers without a name are not created in Fortnox (usually newsletter sign-ups;
//!   the order sync creates buyers from their billing address); Fortnox customers without an
//!   e-mail are not created in the shop. The caller runs [`super::find_duplicate`] first and
//!   links instead of creating when it finds one.

use super::customer_fields::{CustomerField, CustomerFields, FieldChanges};
use super::resolve::{Conflict, Observed, Outcome, Side, decide};
use super::rules::{CustomerRules, Direction};
use super::timestamp::shop_is_newer;
use serde::{Deserialize, Serialize};

/// What to do for one customer pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerPlan {
    /// Values to write to the Fortnox customer (already in Fortnox's character set).
    pub to_fortnox: FieldChanges,
    /// Values to write to the shop customer.
    pub to_shop: FieldChanges,
    /// Create the Fortnox customer from `to_fortnox`.
    pub create_in_fortnox: bool,
    /// Create the shop customer from `to_shop`.
    pub create_in_shop: bool,
    /// Values lost to the newest-wins rule.
    pub conflicts: Vec<Conflict<CustomerField>>,
    /// The synced fields as both sides hold them once the plan is applied: store it as the next
    /// sync's `last` after every write succeeded.
    pub snapshot: CustomerFields,
}

impl CustomerPlan {
    /// Nothing to write or create.
    pub fn is_noop(&self) -> bool {
        self.to_fortnox.is_empty()
            && self.to_shop.is_empty()
            && !self.create_in_fortnox
            && !self.create_in_shop
    }
}

fn synced_fields(rules: &CustomerRules) -> impl Iterator<Item = CustomerField> + '_ {
    CustomerField::ALL
        .into_iter()
        .filter(|f| rules.direction(*f) != Direction::Off)
}

/// Plans one customer. `fortnox` / `shop` are `None` when that side has no such customer;
/// `last` is the snapshot stored after the previous sync of this pair (`None` = never synced).
/// The times are the records' last-modified times, RFC 3339 or Fortnox `YYYY-MM-DD HH:MM`.
pub fn plan_customer(
    fortnox: Option<&CustomerFields>,
    shop: Option<&CustomerFields>,
    last: Option<&CustomerFields>,
    fortnox_modified: Option<&str>,
    shop_modified: Option<&str>,
    rules: &CustomerRules,
) -> CustomerPlan {
    match (fortnox, shop) {
        (Some(f), Some(s)) => plan_pair(f, s, last, fortnox_modified, shop_modified, rules),
        (Some(f), None) if last.is_none() && rules.create_in_shop => create_in_shop(f, rules),
        (None, Some(s)) if last.is_none() && rules.create_in_fortnox => create_in_fortnox(s, rules),
        _ => CustomerPlan::default(),
    }
}

fn plan_pair(
    fortnox: &CustomerFields,
    shop: &CustomerFields,
    last: Option<&CustomerFields>,
    fortnox_modified: Option<&str>,
    shop_modified: Option<&str>,
    rules: &CustomerRules,
) -> CustomerPlan {
    let newer = if shop_is_newer(fortnox_modified, shop_modified) {
        Side::Shop
    } else {
        Side::Fortnox
    };
    let mut plan = CustomerPlan::default();
    for field in synced_fields(rules) {
        let direction = rules.direction(field);
        let (f, s) = (fortnox.get(field), shop.get(field));
        let seen = Observed {
            equal: field.same(f, s),
            fortnox_empty: f.is_none(),
            shop_empty: s.is_none(),
            changed: last.map(|l| {
                let was = l.get(field);
                (!field.same(f, was), !field.same(s, was))
            }),
        };
        let outcome = match decide(direction, seen, newer) {
            Outcome::Conflict { winner } => {
                plan.conflicts.push(Conflict {
                    field,
                    fortnox_value: f.unwrap_or_default().to_owned(),
                    shop_value: s.unwrap_or_default().to_owned(),
                    winner,
                });
                match winner {
                    Side::Fortnox => Outcome::ToShop,
                    Side::Shop => Outcome::ToFortnox,
                }
            }
            other => other,
        };
        let agreed = match outcome {
            Outcome::ToFortnox if field == CustomerField::Name && s.is_none() => f,
            Outcome::ToFortnox => {
                plan.to_fortnox
                    .insert(field, field.fortnox_form(s.unwrap_or_default()));
                s
            }
            Outcome::ToShop => {
                plan.to_shop
                    .insert(field, f.unwrap_or_default().trim().to_owned());
                f
            }
            // Kept unequal only when a one-way source is empty: the source's "no value".
            Outcome::Keep if !seen.equal && direction.writes_fortnox() => s,
            Outcome::Keep | Outcome::Conflict { .. } => f,
        };
        if let Some(v) = agreed {
            plan.snapshot.set(field, field.fortnox_form(v));
        }
    }
    plan
}

fn create_in_shop(fortnox: &CustomerFields, rules: &CustomerRules) -> CustomerPlan {
    let mut plan = CustomerPlan::default();
    if fortnox.get(CustomerField::Email).is_none() || !rules.email.writes_shop() {
        return plan;
    }
    for field in synced_fields(rules).filter(|f| rules.direction(*f).writes_shop()) {
        if let Some(v) = fortnox.get(field) {
            plan.to_shop.insert(field, v.trim().to_owned());
            plan.snapshot.set(field, field.fortnox_form(v));
        }
    }
    plan.create_in_shop = true;
    plan
}

fn create_in_fortnox(shop: &CustomerFields, rules: &CustomerRules) -> CustomerPlan {
    let mut plan = CustomerPlan::default();
    let has_name = shop
        .get(CustomerField::Name)
        .is_some_and(|n| !CustomerField::Name.fortnox_form(n).is_empty());
    if !has_name || !rules.name.writes_fortnox() {
        return plan;
    }
    for field in synced_fields(rules).filter(|f| rules.direction(*f).writes_fortnox()) {
        if let Some(v) = shop.get(field) {
            let value = field.fortnox_form(v);
            plan.snapshot.set(field, value.clone());
            plan.to_fortnox.insert(field, value);
        }
    }
    plan.create_in_fortnox = true;
    plan
}

#[cfg(test)]
mod tests {
    use super::CustomerField as F;
    use super::*;

    fn all(direction: Direction) -> CustomerRules {
        CustomerRules {
            email: direction,
            name: direction,
            phone: direction,
            address1: direction,
            address2: direction,
            zip: direction,
            city: direction,
            country_code: direction,
            create_in_fortnox: false,
            create_in_shop: false,
        }
    }

    #[test]
    fn off_fields_are_never_written() {
        let rules = CustomerRules {
            city: Direction::ShopToFortnox,
            ..Default::default()
        };
        let f = CustomerFields::from([(F::Phone, "08-1"), (F::City, "Lund")]);
        let s = CustomerFields::from([(F::Phone, "08-2"), (F::City, "Malmö")]);
        let plan = plan_customer(Some(&f), Some(&s), None, None, None, &rules);
        assert_eq!(plan.to_fortnox.get(F::City), Some("Malmö"));
        assert!(!plan.to_fortnox.contains(F::Phone));
        assert!(plan.to_shop.is_empty());
        assert_eq!(plan.snapshot.get(F::Phone), None);
        assert_eq!(plan.snapshot.get(F::City), Some("Malmö"));
    }

    #[test]
    fn equal_spellings_are_not_written() {
        let f = CustomerFields::from([(F::Email, "anna@x.se"), (F::Zip, "111 22")]);
        let s = CustomerFields::from([(F::Email, "Anna@X.se"), (F::Zip, "11122")]);
        let plan = plan_customer(Some(&f), Some(&s), None, None, None, &all(Direction::Both));
        assert!(plan.is_noop(), "{plan:?}");
        assert!(plan.conflicts.is_empty());
    }

    #[test]
    fn both_copies_the_side_that_changed() {
        let last = CustomerFields::from([(F::City, "Lund"), (F::Phone, "0701")]);
        let f = CustomerFields::from([(F::City, "Malmö"), (F::Phone, "0701")]);
        let s = CustomerFields::from([(F::City, "Lund"), (F::Phone, "0702")]);
        let plan = plan_customer(
            Some(&f),
            Some(&s),
            Some(&last),
            None,
            None,
            &all(Direction::Both),
        );
        assert_eq!(plan.to_shop.get(F::City), Some("Malmö"));
        assert_eq!(plan.to_fortnox.get(F::Phone), Some("0702"));
        assert_eq!(plan.to_shop.len(), 1);
        assert_eq!(plan.to_fortnox.len(), 1);
        assert!(plan.conflicts.is_empty());
        assert_eq!(plan.snapshot.get(F::City), Some("Malmö"));
        assert_eq!(plan.snapshot.get(F::Phone), Some("0702"));
    }

    #[test]
    fn a_clear_propagates_only_after_a_real_clear() {
        let rules = all(Direction::ShopToFortnox);
        let f = CustomerFields::from([(F::Address2, "c/o Ek")]);
        let s = CustomerFields::new();
        let never = plan_customer(Some(&f), Some(&s), None, None, None, &rules);
        assert!(never.to_fortnox.is_empty());
        let last = CustomerFields::from([(F::Address2, "c/o Ek")]);
        let cleared = plan_customer(Some(&f), Some(&s), Some(&last), None, None, &rules);
        assert_eq!(cleared.to_fortnox.get(F::Address2), Some(""));
    }

    #[test]
    fn the_fortnox_name_is_never_cleared() {
        let last = CustomerFields::from([(F::Name, "Anna")]);
        let f = CustomerFields::from([(F::Name, "Anna")]);
        let s = CustomerFields::new();
        let plan = plan_customer(
            Some(&f),
            Some(&s),
            Some(&last),
            None,
            None,
            &all(Direction::Both),
        );
        assert!(plan.to_fortnox.is_empty());
        assert_eq!(plan.snapshot.get(F::Name), Some("Anna"));
    }

    #[test]
    fn creation_respects_rules_history_and_required_fields() {
        let mut rules = all(Direction::Both);
        rules.phone = Direction::FortnoxToShop;
        let s = CustomerFields::from([(F::Name, "Anna 😎"), (F::Phone, "0701")]);
        assert!(plan_customer(None, Some(&s), None, None, None, &rules).is_noop());
        rules.create_in_fortnox = true;
        let plan = plan_customer(None, Some(&s), None, None, None, &rules);
        assert!(plan.create_in_fortnox);
        assert_eq!(plan.to_fortnox.get(F::Name), Some("Anna"));
        assert!(!plan.to_fortnox.contains(F::Phone));
        // Synced before: the Fortnox side was deleted, not missing.
        let last = CustomerFields::from([(F::Name, "Anna")]);
        assert!(plan_customer(None, Some(&s), Some(&last), None, None, &rules).is_noop());
        // No name: not created.
        let nameless = CustomerFields::from([(F::Email, "a@b.se")]);
        assert!(plan_customer(None, Some(&nameless), None, None, None, &rules).is_noop());
    }

    #[test]
    fn create_in_shop_needs_an_email() {
        let rules = CustomerRules {
            create_in_shop: true,
            ..all(Direction::FortnoxToShop)
        };
        let f = CustomerFields::from([(F::Name, "Ek AB"), (F::OrganisationNumber, "556677-8899")]);
        assert!(plan_customer(Some(&f), None, None, None, None, &rules).is_noop());
        let f = f.with(F::Email, "info@ek.se");
        let plan = plan_customer(Some(&f), None, None, None, None, &rules);
        assert!(plan.create_in_shop);
        assert_eq!(plan.to_shop.get(F::Email), Some("info@ek.se"));
        assert!(!plan.to_shop.contains(F::OrganisationNumber));
    }
}
