//! The AWS Query protocol: request parameters in, XML documents out, and the error type.

pub mod error;
pub mod query;
pub mod xml;

pub use error::{ApiError, ErrorCode, Fault};
pub use query::Params;
pub use xml::XmlWriter;

/// The AWS service a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// IAM, API version `2010-05-08`.
    Iam,
    /// STS, API version `2011-06-15`.
    Sts,
}

impl Service {
    /// The XML namespace of the service's documents.
    #[must_use]
    pub const fn namespace(self) -> &'static str {
        match self {
            Self::Iam => "https://iam.amazonaws.com/doc/2010-05-08/",
            Self::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
        }
    }

    /// The `Version` parameter the service expects.
    #[must_use]
    pub const fn api_version(self) -> &'static str {
        match self {
            Self::Iam => "2010-05-08",
            Self::Sts => "2011-06-15",
        }
    }

    /// The name used in SigV4 credential scopes and IAM action prefixes.
    #[must_use]
    pub const fn signing_name(self) -> &'static str {
        match self {
            Self::Iam => "iam",
            Self::Sts => "sts",
        }
    }

    /// The service whose signing name this is.
    #[must_use]
    pub fn from_signing_name(name: &str) -> Option<Self> {
        match name {
            "iam" => Some(Self::Iam),
            "sts" => Some(Self::Sts),
            _ => None,
        }
    }

    /// The service whose API version this is.
    #[must_use]
    pub fn from_api_version(version: &str) -> Option<Self> {
        match version {
            "2010-05-08" => Some(Self::Iam),
            "2011-06-15" => Some(Self::Sts),
            _ => None,
        }
    }
}
