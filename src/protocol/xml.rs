//! XML output of the AWS Query protocol: a tiny element writer, the success envelope
//! (`<XResponse><XResult>…</XResult><ResponseMetadata>`) and the `<ErrorResponse>` document.
//!
//! Element order and `<member>` wrappers are written out explicitly by each caller, as AWS
//! clients are strict about both. See
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf> (Query API responses).

use chrono::{DateTime, Datelike, Timelike, Utc};
use quick_xml::escape::escape;

use super::Service;
use super::error::ApiError;

/// Builds an XML fragment element by element.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    /// An empty fragment.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `<name>…</name>` with the children `body` writes.
    pub fn element(&mut self, name: &str, body: impl FnOnce(&mut Self)) -> &mut Self {
        self.open(name);
        body(self);
        self.close(name);
        self
    }

    /// `<name>text</name>`, text escaped.
    pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.open(name);
        self.buf.push_str(&escape(xml_safe(value).as_ref()));
        self.close(name);
        self
    }

    /// `<name>text</name>` when there is a value; nothing otherwise (AWS omits absent members).
    pub fn opt_text(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.text(name, value);
        }
        self
    }

    /// A timestamp in AWS's ISO-8601 form, `2024-01-02T03:04:05Z`.
    pub fn timestamp(&mut self, name: &str, at: DateTime<Utc>) -> &mut Self {
        self.text(name, &format_timestamp(at))
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, name: &str, value: bool) -> &mut Self {
        self.text(name, if value { "true" } else { "false" })
    }

    /// An integer.
    pub fn number(&mut self, name: &str, value: i64) -> &mut Self {
        self.text(name, &value.to_string())
    }

    /// `<name><member>…</member>…</name>`, or `<name/>` for an empty list.
    pub fn list<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut member: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            self.buf.push('<');
            self.buf.push_str(name);
            self.buf.push_str("/>");
            return self;
        }
        self.element(name, |w| {
            for item in items {
                w.element("member", |w| member(w, item));
            }
        })
    }

    /// A fragment another writer produced, inserted as it is.
    pub fn raw(&mut self, fragment: &str) -> &mut Self {
        self.buf.push_str(fragment);
        self
    }

    /// Escaped text directly inside the current element (a list member of scalars).
    pub fn buf_text(&mut self, value: &str) -> &mut Self {
        self.buf.push_str(&escape(xml_safe(value).as_ref()));
        self
    }

    /// The fragment written so far.
    #[must_use]
    pub fn finish(self) -> String {
        self.buf
    }

    fn open(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
    }

    fn close(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }
}

/// Text with the characters XML 1.0 cannot carry (C0 controls other than tab, line feed and
/// carriage return) replaced by U+FFFD, so a client can always parse the document.
fn xml_safe(value: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if value.chars().any(forbidden) {
        value
            .chars()
            .map(|c| if forbidden(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        value.into()
    }
}

/// Formats a timestamp the way IAM and STS send them: UTC, second precision, `Z`.
#[must_use]
pub fn format_timestamp(at: DateTime<Utc>) -> String {
    let (year, month, day) = (at.year(), at.month(), at.day());
    if !(0..=9999).contains(&year) {
        // Four digits cannot hold it; chrono writes the sign and every digit.
        return at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    // Written directly: a list page formats several timestamps per item, and going through a
    // format string parses it again for every one.
    let (hour, minute, second) = (at.hour(), at.minute(), at.second());
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The whole success document for `action`, wrapping `result` (if the action has one).
#[must_use]
pub fn success_document(
    service: Service,
    action: &str,
    result: Option<&str>,
    request_id: &str,
) -> String {
    let mut doc = String::with_capacity(256 + result.map_or(0, str::len));
    doc.push('<');
    doc.push_str(action);
    doc.push_str("Response xmlns=\"");
    doc.push_str(service.namespace());
    doc.push_str("\">");
    if let Some(result) = result {
        doc.push('<');
        doc.push_str(action);
        doc.push_str("Result>");
        doc.push_str(result);
        doc.push_str("</");
        doc.push_str(action);
        doc.push_str("Result>");
    }
    doc.push_str("<ResponseMetadata><RequestId>");
    doc.push_str(request_id);
    doc.push_str("</RequestId></ResponseMetadata></");
    doc.push_str(action);
    doc.push_str("Response>");
    doc
}

/// The `<ErrorResponse>` document; `RequestId` is a sibling of `<Error>`, as AWS sends it.
#[must_use]
pub fn error_document(service: Service, error: &ApiError, request_id: &str) -> String {
    let mut w = XmlWriter::new();
    w.element("Error", |w| {
        w.text("Type", error.code().fault().as_str());
        w.text("Code", error.code().as_str());
        w.text("Message", error.message());
    });
    w.text("RequestId", request_id);
    format!(
        "<ErrorResponse xmlns=\"{}\">{}</ErrorResponse>",
        service.namespace(),
        w.finish()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::error::ErrorCode;

    #[test]
    fn success_document_wraps_the_result_in_the_action_envelope() {
        let mut w = XmlWriter::new();
        w.text("Account", "000000000000");
        let doc = success_document(Service::Sts, "GetCallerIdentity", Some(&w.finish()), "r-1");
        assert_eq!(
            doc,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Account>000000000000</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>"
        );
    }

    #[test]
    fn actions_without_output_send_only_the_metadata() {
        let doc = success_document(Service::Iam, "DeleteUser", None, "r-2");
        assert!(doc.starts_with("<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata>"));
        assert!(!doc.contains("DeleteUserResult"));
    }

    #[test]
    fn error_document_escapes_the_message_and_puts_the_request_id_beside_the_error() {
        let error = ApiError::new(
            ErrorCode::NoSuchEntity,
            "The user with name <a&b> cannot be found.",
        );
        let doc = error_document(Service::Iam, &error, "r-3");
        assert_eq!(
            doc,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>\
             <Type>Sender</Type><Code>NoSuchEntity</Code>\
             <Message>The user with name &lt;a&amp;b&gt; cannot be found.</Message></Error>\
             <RequestId>r-3</RequestId></ErrorResponse>"
        );
    }

    #[test]
    fn empty_lists_are_self_closing_and_items_are_members() {
        let mut w = XmlWriter::new();
        w.list("Users", Vec::<&str>::new(), |w, name| {
            w.text("UserName", name);
        });
        w.list("Groups", ["a", "b"], |w, name| {
            w.text("GroupName", name);
        });
        assert_eq!(
            w.finish(),
            "<Users/><Groups><member><GroupName>a</GroupName></member>\
             <member><GroupName>b</GroupName></member></Groups>"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        let mut w = XmlWriter::new();
        w.text("M", "a\u{1}b\tc");
        assert_eq!(w.finish(), "<M>a\u{FFFD}b\tc</M>");
    }

    #[test]
    fn timestamps_have_second_precision_and_a_z() {
        let at = DateTime::from_timestamp(1_704_164_645, 500_000_000).unwrap_or_default();
        assert_eq!(format_timestamp(at), "2024-01-02T03:04:05Z");
        let at = DateTime::from_timestamp(946_684_799, 999_999_999).unwrap_or_default();
        assert_eq!(format_timestamp(at), "1999-12-31T23:59:59Z");
        let at = DateTime::from_timestamp(-62_135_596_800, 0).unwrap_or_default();
        assert_eq!(format_timestamp(at), "0001-01-01T00:00:00Z");
        let at = DateTime::from_timestamp(253_402_300_800, 0).unwrap_or_default();
        assert_eq!(format_timestamp(at), "+10000-01-01T00:00:00Z");
    }
}
