//! Before creating a customer: does the other side already have it? Keys in order of
//! trust — e-mail, then organisation number, then (only when allowed) the exact name, which
//! is not unique among private buyers.

use super::customer_fields::{CustomerField, CustomerFields};
use serde::{Deserialize, Serialize};

/// Which key found the duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Email,
    OrganisationNumber,
    Name,
}

/// A customer in `existing` that is the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    /// Index into `existing`.
    pub index: usize,
    pub by: MatchedBy,
}

/// Digits of an organisation or personal number, comparable across spellings: `556677-8899`,
/// `5566778899` and `16556677-8899` all give `5566778899`; `19800101-1234` and `800101-1234`
/// give `8001011234` (a 12-digit form with a century or the `16` prefix is cut to 10). The
/// same rule as the Fortnox client's customer lookup.
pub fn organisation_digits(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 12
        && ["16", "18", "19", "20"]
            .iter()
            .any(|p| digits.starts_with(p))
    {
        digits[2..].to_owned()
    } else {
        digits
    }
}

fn email_key(c: &CustomerFields) -> Option<String> {
    c.get(CustomerField::Email)
        .map(|e| e.trim().to_lowercase())
        .filter(|e| e.contains('@'))
}

fn organisation_key(c: &CustomerFields) -> Option<String> {
    c.get(CustomerField::OrganisationNumber)
        .map(organisation_digits)
        .filter(|d| !d.is_empty())
}

/// Exact name: only surrounding and repeated whitespace is ignored ("Anna  Ek " = "Anna Ek"),
/// case is not.
fn name_key(c: &CustomerFields) -> Option<String> {
    c.get(CustomerField::Name)
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty())
}

fn first_match(
    candidate: &CustomerFields,
    existing: &[CustomerFields],
    key: fn(&CustomerFields) -> Option<String>,
    by: MatchedBy,
) -> Option<Duplicate> {
    let wanted = key(candidate)?;
    existing
        .iter()
        .position(|c| key(c).as_deref() == Some(wanted.as_str()))
        .map(|index| Duplicate { index, by })
}

/// The first of `existing` with the candidate's e-mail (case-insensitive), else its
/// organisation number (digits compared). Blank keys never match. Name matching is left out;
/// use [`find_duplicate_by`] where the tenant allows it.
pub fn find_duplicate(candidate: &CustomerFields, existing: &[CustomerFields]) -> Option<usize> {
    find_duplicate_by(candidate, existing, false).map(|d| d.index)
}

/// [`find_duplicate`], then — when `by_name` (the tenant's `link_existing_by_name`) — the exact
/// name. Each key is tried across all of `existing` before the next one.
pub fn find_duplicate_by(
    candidate: &CustomerFields,
    existing: &[CustomerFields],
    by_name: bool,
) -> Option<Duplicate> {
    first_match(candidate, existing, email_key, MatchedBy::Email)
        .or_else(|| {
            first_match(
                candidate,
                existing,
                organisation_key,
                MatchedBy::OrganisationNumber,
            )
        })
        .or_else(|| {
            by_name
                .then(|| first_match(candidate, existing, name_key, MatchedBy::Name))
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::CustomerField as F;
    use super::*;

    #[test]
    fn organisation_numbers_compare_by_digits() {
        assert_eq!(organisation_digits("556677-8899"), "5566778899");
        assert_eq!(organisation_digits("16556677-8899"), "5566778899");
        assert_eq!(organisation_digits("19800101-1234"), "8001011234");
        assert_eq!(organisation_digits("NO 912 345 678"), "912345678");
    }

    #[test]
    fn email_beats_organisation_number_beats_name() {
        let existing = vec![
            CustomerFields::from([(F::Name, "Ek AB"), (F::OrganisationNumber, "5566778899")]),
            CustomerFields::from([(F::Name, "Other"), (F::Email, "info@ek.se")]),
        ];
        let candidate = CustomerFields::from([
            (F::Name, "Ek AB"),
            (F::Email, "INFO@ek.se"),
            (F::OrganisationNumber, "556677-8899"),
        ]);
        assert_eq!(
            find_duplicate_by(&candidate, &existing, true),
            Some(Duplicate {
                index: 1,
                by: MatchedBy::Email
            })
        );
        let no_email = candidate.clone().with(F::Email, "");
        assert_eq!(
            find_duplicate_by(&no_email, &existing, true).map(|d| d.by),
            Some(MatchedBy::OrganisationNumber)
        );
    }

    #[test]
    fn blank_keys_never_match() {
        let existing = vec![CustomerFields::from([(F::Phone, "1")])];
        assert_eq!(find_duplicate(&CustomerFields::new(), &existing), None);
        let dashes = CustomerFields::from([(F::OrganisationNumber, "-")]);
        let other = vec![CustomerFields::from([(F::OrganisationNumber, "--")])];
        assert_eq!(find_duplicate(&dashes, &other), None);
    }
}
