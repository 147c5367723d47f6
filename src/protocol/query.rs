//! Decoding of AWS Query requests: form-encoded POST bodies and GET query strings, with
//! `X.member.N` lists and `X.entry.N.key`/`X.entry.N.value` maps flattened by position.
//! See <https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>.

use std::collections::BTreeMap;

/// The parameters of one request, from the query string and the form body together.
#[derive(Clone, Debug, Default)]
pub struct Params {
    // INVARIANT: when a name appears twice, the later value (body over query) wins.
    values: BTreeMap<String, String>,
}

impl Params {
    /// Decodes the URL query and, when present, a form-encoded body.
    #[must_use]
    pub fn parse(query: Option<&str>, form_body: Option<&[u8]>) -> Self {
        let mut values = BTreeMap::new();
        if let Some(query) = query {
            values.extend(form_urlencoded::parse(query.as_bytes()).into_owned());
        }
        if let Some(body) = form_body {
            values.extend(form_urlencoded::parse(body).into_owned());
        }
        Self { values }
    }

    /// Parameters from explicit pairs (tests and internal callers).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let values = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Self { values }
    }

    /// One scalar parameter.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Every parameter, ordered by name.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The `Action` parameter.
    #[must_use]
    pub fn action(&self) -> Option<&str> {
        self.get("Action")
    }

    /// The `Version` parameter.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.get("Version")
    }

    /// A list of scalars sent as `name.member.1`, `name.member.2`, … in index order.
    /// `None` when the list was not sent at all; an empty `name=` means an empty list.
    #[must_use]
    pub fn list(&self, name: &str) -> Option<Vec<&str>> {
        let mut items: Vec<(u32, &str)> = self
            .with_prefix(format!("{name}.member."))
            .filter_map(|(rest, value)| rest.parse().ok().map(|index| (index, value)))
            .collect();
        if items.is_empty() {
            return self.get(name).map(|_| Vec::new());
        }
        items.sort_by_key(|(index, _)| *index);
        Some(items.into_iter().map(|(_, value)| value).collect())
    }

    /// A list of structures sent as `name.member.N.Field`; each item maps field to value.
    #[must_use]
    pub fn struct_list(&self, name: &str) -> Option<Vec<BTreeMap<&str, &str>>> {
        self.grouped(format!("{name}.member."), name)
    }

    /// A map sent as `name.entry.N.key` / `name.entry.N.value`, in index order.
    #[must_use]
    pub fn map(&self, name: &str) -> Option<Vec<(&str, &str)>> {
        let entries = self.grouped(format!("{name}.entry."), name)?;
        Some(
            entries
                .into_iter()
                .map(|e| {
                    (
                        e.get("key").copied().unwrap_or(""),
                        e.get("value").copied().unwrap_or(""),
                    )
                })
                .collect(),
        )
    }

    fn grouped(&self, prefix: String, name: &str) -> Option<Vec<BTreeMap<&str, &str>>> {
        let mut items: BTreeMap<u32, BTreeMap<&str, &str>> = BTreeMap::new();
        for (rest, value) in self.with_prefix(prefix) {
            let Some((index, field)) = rest.split_once('.') else {
                continue;
            };
            let Ok(index) = index.parse::<u32>() else {
                continue;
            };
            items.entry(index).or_default().insert(field, value);
        }
        if items.is_empty() {
            return self.get(name).map(|_| Vec::new());
        }
        Some(items.into_values().collect())
    }

    fn with_prefix(&self, prefix: String) -> impl Iterator<Item = (&str, &str)> {
        let skip = prefix.len();
        self.values
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix.as_str()))
            .map(move |(k, v)| (&k[skip..], v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_and_query_are_merged_and_decoded() {
        let p = Params::parse(
            Some("Action=GetUser"),
            Some(b"UserName=a%2Bb&Path=%2Fx+y%2F"),
        );
        assert_eq!(p.action(), Some("GetUser"));
        assert_eq!(p.get("UserName"), Some("a+b"));
        assert_eq!(p.get("Path"), Some("/x y/"));
    }

    #[test]
    fn member_lists_come_back_in_index_order_not_text_order() {
        let p = Params::parse(None, Some(b"A.member.10=ten&A.member.2=two&A.member.1=one"));
        assert_eq!(p.list("A"), Some(vec!["one", "two", "ten"]));
        assert_eq!(p.list("B"), None);
        assert_eq!(Params::parse(None, Some(b"B=")).list("B"), Some(vec![]));
    }

    #[test]
    fn structure_lists_group_fields_by_index() {
        let p = Params::parse(
            None,
            Some(b"Tags.member.2.Key=b&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Value="),
        );
        let tags = p.struct_list("Tags").unwrap_or_default();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].get("Key"), Some(&"a"));
        assert_eq!(tags[0].get("Value"), Some(&"1"));
        assert_eq!(tags[1].get("Value"), Some(&""));
    }

    #[test]
    fn maps_read_key_and_value_entries() {
        let p = Params::parse(None, Some(b"M.entry.1.key=k&M.entry.1.value=v"));
        assert_eq!(p.map("M"), Some(vec![("k", "v")]));
    }
}
