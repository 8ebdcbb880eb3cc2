//! Fortnox error codes → what happened, in English, and what the merchant can do. Fortnox's own
//! messages are Swedish and terse; these are what the audit trail and the order status show.

pub struct CodeInfo {
    pub meaning: &'static str,
    pub advice: &'static str,
}

const CODES: &[(u64, &str, &str)] = &[
    (
        1000003,
        "Fortnox had an internal error",
        "Usually temporary; fortsync retries automatically.",
    ),
    (
        1000030,
        "invalid response type requested",
        "A fortsync bug: please report it.",
    ),
    (
        1000031,
        "invalid content type",
        "A fortsync bug: please report it.",
    ),
    (
        2000106,
        "a value must be alphanumeric",
        "Check the order's text fields for unusual characters.",
    ),
    (
        2000108,
        "a value must be numeric",
        "Check amounts and quantities on the order.",
    ),
    (
        2000134,
        "a value must be true or false",
        "A fortsync bug: please report it.",
    ),
    (2000310, "invalid login", "Reconnect the shop to Fortnox."),
    (
        2000311,
        "credentials missing or expired",
        "Reconnect the shop to Fortnox.",
    ),
    (
        2000359,
        "a text contains characters Fortnox does not accept",
        "Remove emoji or special characters from the order's names, addresses or notes.",
    ),
    (
        2000588,
        "invalid query parameter",
        "A fortsync bug: please report it.",
    ),
    (
        2000637,
        "the customer number is already used (also by deleted customers)",
        "Let Fortnox assign customer numbers, or pick an unused number.",
    ),
    (
        2000729,
        "no valid identifier given",
        "A fortsync bug: please report it.",
    ),
    (
        2000204,
        "the customer was not found in Fortnox",
        "The customer may have been deleted in Fortnox; fortsync will create it again on replay.",
    ),
    (
        2000433,
        "the customer was not found in Fortnox",
        "The customer may have been deleted in Fortnox; fortsync will create it again on replay.",
    ),
    (
        2001302,
        "the article was not found in Fortnox",
        "Create the article in Fortnox or change the product's SKU, then replay the order.",
    ),
    (
        2000428,
        "the article was not found in Fortnox",
        "Create the article in Fortnox or change the product's SKU, then replay the order.",
    ),
    (
        2001101,
        "the Fortnox company has no active licence for this part of the API",
        "Activate the module (e.g. Invoicing) in Fortnox, then replay.",
    ),
    (
        2000663,
        "fortsync has no access to this part of Fortnox (missing scope)",
        "Reconnect the shop to Fortnox and approve every permission asked for.",
    ),
    (
        2001103,
        "the Fortnox company has no API licence",
        "Activate the integration licence in Fortnox.",
    ),
    (
        2001304,
        "an account on the document does not exist in the chart of accounts",
        "Create or activate the account in Fortnox, or change the account in fortsync's settings, then replay.",
    ),
    (
        2001392,
        "the request body was empty or incorrect",
        "A fortsync bug: please report it.",
    ),
    (
        2001399,
        "the request had an unknown field",
        "A fortsync bug: please report it.",
    ),
    (
        2001740,
        "the request body could not be parsed",
        "A fortsync bug: please report it.",
    ),
    (
        2002115,
        "the request body could not be parsed",
        "A fortsync bug: please report it.",
    ),
    (
        2003095,
        "a default account for reverse-charge VAT is missing",
        "Set the predefined reverse-charge VAT accounts in Fortnox's settings.",
    ),
    (
        2003115,
        "a VAT code is missing or invalid",
        "Check the VAT settings in Fortnox for the rates the shop uses.",
    ),
    (
        2003124,
        "only delivered orders can be completed (warehouse module)",
        "Deliver the order in Fortnox Lager first.",
    ),
    (
        2003125,
        "a completed warehouse document cannot be changed",
        "Correct it with a new document in Fortnox.",
    ),
    (
        2003126,
        "the outbound date is in the future (warehouse module)",
        "Check the order date.",
    ),
    (
        2003127,
        "Fortnox Lager rejected the document",
        "Check the warehouse settings in Fortnox.",
    ),
    (
        2003275,
        "no permission for this operation",
        "Reconnect with a Fortnox user who has the needed rights.",
    ),
    (
        2004167,
        "a row needs an account because a custom VAT rate is used",
        "Set sales accounts for every VAT rate in fortsync's settings.",
    ),
    (
        2004344,
        "the currency is not activated in Fortnox",
        "Activate the currency under Fortnox settings, then replay.",
    ),
    (
        2001339,
        "no permission to list invoices",
        "Give the connected Fortnox user access to invoices.",
    ),
    (
        2003977,
        "a row has a quantity but no text or article",
        "Check the order lines have names.",
    ),
];

pub fn lookup(code: u64) -> Option<CodeInfo> {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, meaning, advice)| CodeInfo { meaning, advice })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_merchants_meet_most_are_explained() {
        for code in [
            2000637, 2001103, 2001101, 2000663, 2001304, 2000359, 2004167, 2004344, 2003095,
        ] {
            assert!(lookup(code).is_some(), "{code}");
        }
        assert!(CODES.len() >= 30);
        assert!(lookup(1).is_none());
    }
}
