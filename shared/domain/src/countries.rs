//! Fortnox documents take a country *name* (Sweden must be "Sverige", others English names),
//! customers take the ISO 3166-1 alpha-2 code. Shops send codes, so we map.

const NAMES: &[(&str, &str)] = &[
    ("SE", "Sverige"),
    ("NO", "Norway"),
    ("DK", "Denmark"),
    ("FI", "Finland"),
    ("IS", "Iceland"),
    ("DE", "Germany"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("NL", "Netherlands"),
    ("BE", "Belgium"),
    ("FR", "France"),
    ("ES", "Spain"),
    ("PT", "Portugal"),
    ("IT", "Italy"),
    ("AT", "Austria"),
    ("CH", "Switzerland"),
    ("PL", "Poland"),
    ("CZ", "Czech Republic"),
    ("SK", "Slovakia"),
    ("HU", "Hungary"),
    ("EE", "Estonia"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("IE", "Ireland"),
    ("LU", "Luxembourg"),
    ("GR", "Greece"),
    ("CY", "Cyprus"),
    ("MT", "Malta"),
    ("SI", "Slovenia"),
    ("HR", "Croatia"),
    ("RO", "Romania"),
    ("BG", "Bulgaria"),
    ("CA", "Canada"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("JP", "Japan"),
    ("CN", "China"),
];

/// EU member states (for VAT type decisions).
const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Fortnox's document country name for an ISO code, if we know it.
pub fn document_country_name(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

pub fn is_eu(code: &str) -> bool {
    EU.contains(&code.trim().to_ascii_uppercase().as_str())
}

/// A plausible ISO alpha-2 code (two ASCII letters).
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweden_is_sverige_on_documents() {
        assert_eq!(document_country_name("se"), Some("Sverige"));
        assert_eq!(document_country_name("GB"), Some("United Kingdom"));
        assert_eq!(document_country_name("XX"), None);
    }

    #[test]
    fn eu_membership() {
        assert!(is_eu("DE"));
        assert!(!is_eu("NO"));
    }
}
