//! Shopify's search syntax for the `query` argument of list fields, e.g.
//! `sku:A-1 OR sku:"B 2"`, `updated_at:>='2026-11-01T00:00:00Z'`, `email:anna@example.com`.
//!
//! Supported: `field:value` terms with `:`, `:>`, `:>=`, `:<`, `:<=`; single or double quoted
//! values with backslash escapes; `OR`, `AND` (implicit between terms), `NOT` / leading `-`,
//! parentheses; a trailing `*` for prefix match; bare words match the default field (title).
//! Text matches are case-insensitive and exact (Shopify tokenises some fields more loosely;
//! clients should filter exact matches themselves). Unknown fields are ignored, as Shopify does.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Query {
    All,
    Term {
        field: Option<String>,
        cmp: Cmp,
        value: String,
    },
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Or,
    And,
    Not,
    Term {
        field: Option<String>,
        cmp: Cmp,
        value: String,
    },
}

pub(crate) fn parse(s: &str) -> Result<Query, String> {
    let toks = tokenize(s)?;
    if toks.is_empty() {
        return Ok(Query::All);
    }
    let mut p = Parser { toks, pos: 0 };
    let q = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!("unexpected token in search query: {s}"));
    }
    Ok(q)
}

impl Query {
    /// Evaluates with `term(field, cmp, value)` deciding each term.
    pub fn eval(&self, term: &dyn Fn(Option<&str>, Cmp, &str) -> bool) -> bool {
        match self {
            Query::All => true,
            Query::Term { field, cmp, value } => term(field.as_deref(), *cmp, value),
            Query::And(qs) => qs.iter().all(|q| q.eval(term)),
            Query::Or(qs) => qs.iter().any(|q| q.eval(term)),
            Query::Not(q) => !q.eval(term),
        }
    }
}

/// Case-insensitive text comparison; `*` at the end of the pattern means prefix.
pub(crate) fn text_matches(actual: &str, cmp: Cmp, pattern: &str) -> bool {
    let a = actual.to_lowercase();
    let p = pattern.to_lowercase();
    match cmp {
        Cmp::Eq => match p.strip_suffix('*') {
            Some(prefix) => a.starts_with(prefix),
            None => a == p,
        },
        Cmp::Lt => a < p,
        Cmp::Le => a <= p,
        Cmp::Gt => a > p,
        Cmp::Ge => a >= p,
    }
}

/// Ordered comparison of `actual` against the parsed term value.
pub(crate) fn ord_matches<T: PartialOrd>(actual: T, cmp: Cmp, wanted: T) -> bool {
    match cmp {
        Cmp::Eq => actual == wanted,
        Cmp::Lt => actual < wanted,
        Cmp::Le => actual <= wanted,
        Cmp::Gt => actual > wanted,
        Cmp::Ge => actual >= wanted,
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn or(&mut self) -> Result<Query, String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Query, String> {
        let mut parts = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                    parts.push(self.unary()?);
                }
                Some(Tok::Open | Tok::Not | Tok::Term { .. }) => parts.push(self.unary()?),
                _ => break,
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Query, String> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Not) => {
                self.pos += 1;
                Ok(Query::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Open) => {
                self.pos += 1;
                let q = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err("unbalanced parentheses in search query".into());
                }
                self.pos += 1;
                Ok(q)
            }
            Some(Tok::Term { field, cmp, value }) => {
                self.pos += 1;
                Ok(Query::Term { field, cmp, value })
            }
            _ => Err("search query ends unexpectedly".into()),
        }
    }
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == '-' && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
            out.push(Tok::Not);
            i += 1;
        } else {
            let (tok, next) = term(&chars, i)?;
            out.push(tok);
            i = next;
        }
    }
    Ok(out)
}

/// Reads one word or `field:value` term starting at `i`.
fn term(chars: &[char], mut i: usize) -> Result<(Tok, usize), String> {
    let start = i;
    // A bare word (possibly quoted) or a field name up to ':'.
    if chars[i] == '"' || chars[i] == '\'' {
        let (v, next) = quoted(chars, i)?;
        return Ok((
            Tok::Term {
                field: None,
                cmp: Cmp::Eq,
                value: v,
            },
            next,
        ));
    }
    while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ':' && chars[i] != ')' {
        i += 1;
    }
    let word: String = chars[start..i].iter().collect();
    if i >= chars.len() || chars[i] != ':' {
        let tok = match word.as_str() {
            "OR" => Tok::Or,
            "AND" => Tok::And,
            "NOT" => Tok::Not,
            _ => Tok::Term {
                field: None,
                cmp: Cmp::Eq,
                value: word,
            },
        };
        return Ok((tok, i));
    }
    i += 1; // ':'
    let (cmp, skip) = match (chars.get(i), chars.get(i + 1)) {
        (Some('>'), Some('=')) => (Cmp::Ge, 2),
        (Some('<'), Some('=')) => (Cmp::Le, 2),
        (Some('>'), _) => (Cmp::Gt, 1),
        (Some('<'), _) => (Cmp::Lt, 1),
        _ => (Cmp::Eq, 0),
    };
    i += skip;
    let (value, next) = match chars.get(i) {
        Some('"' | '\'') => quoted(chars, i)?,
        _ => {
            let vs = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ')' {
                i += 1;
            }
            (chars[vs..i].iter().collect(), i)
        }
    };
    Ok((
        Tok::Term {
            field: Some(word.to_lowercase()),
            cmp,
            value,
        },
        next,
    ))
}

fn quoted(chars: &[char], i: usize) -> Result<(String, usize), String> {
    let q = chars[i];
    let mut j = i + 1;
    let mut out = String::new();
    while j < chars.len() {
        match chars[j] {
            '\\' if j + 1 < chars.len() => {
                out.push(chars[j + 1]);
                j += 2;
            }
            c if c == q => return Ok((out, j + 1)),
            c => {
                out.push(c);
                j += 1;
            }
        }
    }
    Err("unterminated quote in search query".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(field: &str, cmp: Cmp, value: &str) -> Query {
        Query::Term {
            field: Some(field.into()),
            cmp,
            value: value.into(),
        }
    }

    #[test]
    fn parses_or_of_skus_and_dates() {
        assert_eq!(
            parse("sku:A-1 OR sku:\"B 2\" OR sku:'C\\'3'").unwrap(),
            Query::Or(vec![
                t("sku", Cmp::Eq, "A-1"),
                t("sku", Cmp::Eq, "B 2"),
                t("sku", Cmp::Eq, "C'3"),
            ])
        );
        assert_eq!(
            parse("updated_at:>='2026-11-01T00:00:00Z'").unwrap(),
            t("updated_at", Cmp::Ge, "2026-11-01T00:00:00Z")
        );
        assert_eq!(parse("  ").unwrap(), Query::All);
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let q = parse("status:active sku:A OR -sku:B").unwrap();
        assert_eq!(
            q,
            Query::Or(vec![
                Query::And(vec![t("status", Cmp::Eq, "active"), t("sku", Cmp::Eq, "A")]),
                Query::Not(Box::new(t("sku", Cmp::Eq, "B"))),
            ])
        );
        let q = parse("(sku:A OR sku:B) AND updated_at:<2026-01-01").unwrap();
        assert!(matches!(q, Query::And(ref v) if v.len() == 2));
    }

    #[test]
    fn rejects_broken_queries() {
        assert!(parse("sku:\"open").is_err());
        assert!(parse("(sku:A").is_err());
        assert!(parse("sku:A OR").is_err());
    }

    #[test]
    fn text_match_rules() {
        assert!(text_matches("ABC-1", Cmp::Eq, "abc-1"));
        assert!(!text_matches("ABC-10", Cmp::Eq, "abc-1"));
        assert!(text_matches("ABC-10", Cmp::Eq, "abc*"));
    }
}
