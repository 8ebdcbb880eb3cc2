//! Fortnox rejects text outside a whitelist (error 2000359) and article numbers outside
//! letters, digits and `_ - / \ + $`. Checking before sending turns a failed API call into a
//! clear message, and sanitising free text keeps an order flowing.

/// Characters Fortnox accepts in text fields (beyond letters and digits).
const PUNCTUATION: &str = " \n\r\t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~€£§½´¨°";

pub fn is_allowed_char(c: char) -> bool {
    c.is_alphanumeric() || PUNCTUATION.contains(c)
}

pub fn is_allowed_text(s: &str) -> bool {
    s.chars().all(is_allowed_char)
}

/// Replace characters Fortnox would reject (emoji, control characters…) with a space and
/// collapse the result; used for names, addresses and row descriptions.
pub fn sanitize_text(s: &str) -> String {
    let replaced: String = s
        .chars()
        .map(|c| if is_allowed_char(c) { c } else { ' ' })
        .collect();
    replaced
        .split(' ')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Article numbers: at most 50 of letters, digits and `_ - / \ + $`, no spaces.
pub fn is_valid_article_number(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 50
        && s.chars()
            .all(|c| c.is_alphanumeric() || "_-/\\+$".contains(c))
}

/// Cut to at most `max` characters (Fortnox limits are in characters).
pub fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_and_punctuation_are_allowed() {
        assert!(is_allowed_text("Åsa Öberg, Storgatan 1 (3 tr) 50% €"));
        assert!(!is_allowed_text("Cool 😎"));
    }

    #[test]
    fn sanitize_drops_emoji_and_collapses_spaces() {
        assert_eq!(sanitize_text("T-shirt 😎 röd"), "T-shirt röd");
    }

    #[test]
    fn article_numbers_follow_fortnox_rules() {
        assert!(is_valid_article_number("TS-RED/L+1"));
        assert!(!is_valid_article_number("TS RED"));
        assert!(!is_valid_article_number(""));
        assert!(!is_valid_article_number(&"A".repeat(51)));
    }
}
