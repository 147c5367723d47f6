//! IAM's wildcard match: `*` is any run of characters (also none), `?` exactly one; nothing
//! else is special. Iterative with one backtrack point, so no input can make it slow.
//!
//! Policy variables `${*}` and `${?}` stand for a literal `*` and `?`; expansion writes them
//! as `LITERAL_STAR` and `LITERAL_QUESTION`, which match only those characters.

/// A `*` that matches only a `*` (from `${*}`).
pub const LITERAL_STAR: char = '\u{E000}';
/// A `?` that matches only a `?` (from `${?}`).
pub const LITERAL_QUESTION: char = '\u{E001}';

/// Whether `text` matches `pattern`, case-sensitively.
#[must_use]
pub fn matches(text: &str, pattern: &str) -> bool {
    if text.is_ascii() && pattern.is_ascii() {
        // The escaped wildcards are not ASCII, so no byte stands for them here.
        return match_units(text.as_bytes(), pattern.as_bytes(), b'*', b'?', |t, p| {
            t == p
        });
    }
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    match_units(&text, &pattern, '*', '?', |t, p| t == literal(p))
}

/// Whether `text` matches `pattern`, ignoring ASCII case (how IAM compares action names).
#[must_use]
pub fn matches_ignoring_ascii_case(text: &str, pattern: &str) -> bool {
    if text.is_ascii() && pattern.is_ascii() {
        return match_units(text.as_bytes(), pattern.as_bytes(), b'*', b'?', |t, p| {
            t.eq_ignore_ascii_case(&p)
        });
    }
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    match_units(&text, &pattern, '*', '?', |t, p| {
        t.eq_ignore_ascii_case(&literal(p))
    })
}

/// The matcher over bytes or chars: `star` and `question` are the wildcards, `same` compares
/// a text unit with a literal pattern unit.
fn match_units<T: Copy + PartialEq>(
    text: &[T],
    pattern: &[T],
    star: T,
    question: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == question => {
                t += 1;
                p += 1;
            }
            Some(&c) if same(text[t], c) => {
                t += 1;
                p += 1;
            }
            _ => match backtrack {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    backtrack = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == star)
}

fn literal(c: char) -> char {
    match c {
        LITERAL_STAR => '*',
        LITERAL_QUESTION => '?',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::{LITERAL_STAR, matches};

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("iam:CreateUser", "iam:*"));
        assert!(matches("iam:CreateUser", "iam:Create*"));
        assert!(matches("GetUser", "Get?ser"));
        assert!(!matches("GetUsers", "Get?ser"));
        assert!(matches("", "*"));
        assert!(!matches("a", ""));
        assert!(matches("abcabc", "*b*c"));
        assert!(!matches("abc", "ABC"));
    }

    #[test]
    fn non_ascii_text_matches_by_character() {
        assert!(matches("ümlaut-ß", "?mlaut-*"));
        assert!(!matches("ümlaut", "??mlaut"));
        assert!(super::matches_ignoring_ascii_case(
            "IAM:GetÜser",
            "iam:get?ser"
        ));
        assert!(!super::matches_ignoring_ascii_case(
            "iam:getüser",
            "iam:getÜser"
        ));
    }

    #[test]
    fn escaped_wildcards_match_only_themselves() {
        let pattern = format!("a{LITERAL_STAR}b");
        assert!(matches("a*b", &pattern));
        assert!(!matches("axb", &pattern));
    }

    #[test]
    fn a_pathological_pattern_stays_fast() {
        let text = "a".repeat(5000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!matches(&text, &pattern));
    }

    // Agrees with a naive recursive matcher on small inputs.
    #[test]
    fn agrees_with_the_naive_definition() {
        fn naive(t: &[u8], p: &[u8]) -> bool {
            match (p.first(), t.first()) {
                (None, _) => t.is_empty(),
                (Some(b'*'), _) => naive(t, &p[1..]) || (!t.is_empty() && naive(&t[1..], p)),
                (Some(b'?'), Some(_)) => naive(&t[1..], &p[1..]),
                (Some(c), Some(d)) if c == d => naive(&t[1..], &p[1..]),
                _ => false,
            }
        }
        let alphabet = [
            "", "a", "b", "ab", "ba", "aab", "abb", "*", "?", "a*", "*b", "?b", "a?", "**", "*a*",
        ];
        for t in alphabet.iter().filter(|s| !s.contains(['*', '?'])) {
            for p in alphabet {
                assert_eq!(
                    matches(t, p),
                    naive(t.as_bytes(), p.as_bytes()),
                    "{t:?} vs {p:?}"
                );
            }
        }
    }
}
