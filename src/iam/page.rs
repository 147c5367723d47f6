//! Pagination as IAM does it: `MaxItems` (1–1000, default 100) and an opaque `Marker` in,
//! `IsTruncated` (always) and `Marker` (when truncated) out. A marker is the sort key of the
//! last item returned, so the next page is one indexed range query.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/Welcome.html> (pagination).

use data_encoding::BASE64URL_NOPAD;

use super::input::{Input, MARKER_RULE};
use crate::protocol::{ApiError, XmlWriter};

/// The page a caller asked for.
#[derive(Debug, Clone)]
pub struct PageRequest {
    /// At most this many items.
    pub max_items: usize,
    /// The raw marker, decoded by `after` once validation passed.
    marker: Option<String>,
}

impl PageRequest {
    /// Reads `MaxItems` and `Marker` (their violations go into `input`).
    pub fn read(input: &mut Input<'_>) -> Self {
        let max_items = input
            .integer("MaxItems", 1, 1000)
            .unwrap_or(100)
            .clamp(1, 1000);
        let marker = input.optional("Marker", &MARKER_RULE);
        Self {
            max_items: usize::try_from(max_items).unwrap_or(100),
            marker,
        }
    }

    /// The sort key to continue after, if a marker was sent.
    ///
    /// # Errors
    /// `ValidationError` "Invalid Marker." when the marker is not one iamd issued.
    pub fn after(&self) -> Result<Option<String>, ApiError> {
        let Some(marker) = &self.marker else {
            return Ok(None);
        };
        BASE64URL_NOPAD
            .decode(marker.as_bytes())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(Some)
            .ok_or_else(|| ApiError::validation("Invalid Marker."))
    }

    /// How many rows to fetch: one more than asked, to learn whether more follow.
    #[must_use]
    pub fn fetch_limit(&self) -> i64 {
        i64::try_from(self.max_items).unwrap_or(1000) + 1
    }
}

/// One page of results and the marker of the next, if any.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The marker to send for the next page.
    pub next_marker: Option<String>,
}

impl<T> Page<T> {
    /// Cuts `rows` (fetched with `fetch_limit`) to the page size; `key` gives an item's sort key.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Self {
        let truncated = rows.len() > request.max_items;
        rows.truncate(request.max_items);
        let next_marker = if truncated {
            rows.last().map(|last| encode(&key(last)))
        } else {
            None
        };
        Self {
            items: rows,
            next_marker,
        }
    }

    /// Writes `IsTruncated` and, when truncated, `Marker`.
    pub fn write_tail(&self, w: &mut XmlWriter) {
        w.boolean("IsTruncated", self.next_marker.is_some());
        w.opt_text("Marker", self.next_marker.as_deref());
    }
}

fn encode(key: &str) -> String {
    BASE64URL_NOPAD.encode(key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Params, Service};

    #[test]
    fn a_page_keeps_max_items_and_marks_the_last_one() {
        let params = Params::parse(None, Some(b"MaxItems=2"));
        let mut input = Input::new(&params, Service::Iam);
        let request = PageRequest::read(&mut input);
        let page = Page::from_rows(vec!["a", "b", "c"], &request, |s| (*s).to_owned());
        assert_eq!(page.items, vec!["a", "b"]);
        let marker = page.next_marker.clone().unwrap_or_default();
        let params = Params::parse(None, Some(format!("Marker={marker}").as_bytes()));
        let next = PageRequest::read(&mut Input::new(&params, Service::Iam));
        assert_eq!(next.after().ok().flatten().as_deref(), Some("b"));
    }

    #[test]
    fn a_marker_iamd_did_not_issue_is_invalid() {
        let params = Params::parse(None, Some(b"Marker=%21%21"));
        let request = PageRequest::read(&mut Input::new(&params, Service::Iam));
        assert_eq!(
            request
                .after()
                .err()
                .map(|e| e.message().to_owned())
                .as_deref(),
            Some("Invalid Marker.")
        );
    }
}
