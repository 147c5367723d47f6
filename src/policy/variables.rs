//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, the literal escapes
//! `${*}`, `${?}`, `${$}`, and defaults `${key, 'value'}`. Only `Version` 2012-10-17 expands
//! them; with 2008-10-17 the text is literal.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>.

use super::context::{ContextValue, RequestContext};
use super::glob::{LITERAL_QUESTION, LITERAL_STAR};

/// Expands every variable in `text`; `None` when one cannot be resolved (then whatever the
/// text was part of matches nothing).
#[must_use]
pub fn expand(text: &str, ctx: &RequestContext) -> Option<String> {
    if !text.contains("${") {
        return Some(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        out.push_str(&resolve(&after[..end], ctx)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn resolve(inner: &str, ctx: &RequestContext) -> Option<String> {
    match inner {
        "*" => return Some(LITERAL_STAR.to_string()),
        "?" => return Some(LITERAL_QUESTION.to_string()),
        "$" => return Some("$".to_owned()),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''));
            (key.trim(), quoted)
        }
        None => (inner.trim(), None),
    };
    match ctx.get(key) {
        Some(ContextValue::Single(value)) => Some(value.clone()),
        Some(ContextValue::Multi(_)) => None,
        None => default.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::context::Caller;

    fn ctx() -> RequestContext {
        let mut ctx = RequestContext::new("s3:GetObject", "*", Caller::default());
        ctx.set("aws:username", "alice")
            .set("aws:PrincipalTag/team", "red");
        ctx.set_multi("aws:TagKeys", vec!["a".into()]);
        ctx
    }

    #[test]
    fn variables_resolve_case_insensitively_with_defaults_and_escapes() {
        let c = ctx();
        assert_eq!(
            expand("home/${aws:username}/*", &c).as_deref(),
            Some("home/alice/*")
        );
        assert_eq!(expand("${AWS:UserName}", &c).as_deref(), Some("alice"));
        assert_eq!(
            expand("${aws:principaltag/TEAM}", &c).as_deref(),
            Some("red")
        );
        assert_eq!(
            expand("${aws:SourceIdentity, 'none'}", &c).as_deref(),
            Some("none")
        );
        assert_eq!(expand("a${$}b", &c).as_deref(), Some("a$b"));
        assert_eq!(expand("${*}", &c), Some(LITERAL_STAR.to_string()));
    }

    #[test]
    fn unresolvable_or_multi_valued_variables_match_nothing() {
        let c = ctx();
        assert_eq!(expand("${aws:userid}", &c), None);
        assert_eq!(expand("${aws:TagKeys}", &c), None);
    }
}
