//! The error every AWS-facing handler returns, and its wire form.
//!
//! `ErrorCode` is closed: each code has one row in `as_str`, `status` and `fault`, so adding a
//! code forces a decision about all three. Messages follow AWS's wording and are built by the
//! constructors next to the domain that raises them, not here.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html>.

use http::StatusCode;

/// Who AWS blames for an error: `Sender` for 4xx, `Receiver` for 5xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The request was wrong.
    Sender,
    /// The server failed.
    Receiver,
}

impl Fault {
    /// The `<Type>` element's text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sender => "Sender",
            Self::Receiver => "Receiver",
        }
    }
}

/// Every error code iamd can answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    ExpiredToken,
    IncompleteSignature,
    InternalFailure,
    InvalidAction,
    InvalidAuthenticationCode,
    InvalidAuthorizationMessageException,
    InvalidClientTokenId,
    InvalidInput,
    InvalidParameterValue,
    InvalidUserType,
    LimitExceeded,
    MalformedPolicyDocument,
    MalformedQueryString,
    MissingAction,
    MissingAuthenticationToken,
    NoSuchEntity,
    /// An action AWS has and iamd does not implement yet.
    NotImplemented,
    PackedPolicyTooLarge,
    PasswordPolicyViolation,
    PolicyNotAttachable,
    UnmodifiableEntity,
    RequestEntityTooLarge,
    RequestTimeout,
    SignatureDoesNotMatch,
    ValidationError,
}

impl ErrorCode {
    /// The `<Code>` element's text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AccessDenied => "AccessDenied",
            Self::DeleteConflict => "DeleteConflict",
            Self::EntityAlreadyExists => "EntityAlreadyExists",
            Self::ExpiredToken => "ExpiredToken",
            Self::IncompleteSignature => "IncompleteSignature",
            Self::InternalFailure => "InternalFailure",
            Self::InvalidAction => "InvalidAction",
            Self::InvalidAuthenticationCode => "InvalidAuthenticationCode",
            Self::InvalidAuthorizationMessageException => "InvalidAuthorizationMessageException",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::InvalidInput => "InvalidInput",
            Self::InvalidParameterValue => "InvalidParameterValue",
            Self::InvalidUserType => "InvalidUserType",
            Self::LimitExceeded => "LimitExceeded",
            Self::MalformedPolicyDocument => "MalformedPolicyDocument",
            Self::MalformedQueryString => "MalformedQueryString",
            Self::MissingAction => "MissingAction",
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::NoSuchEntity => "NoSuchEntity",
            Self::NotImplemented => "NotImplemented",
            Self::PackedPolicyTooLarge => "PackedPolicyTooLarge",
            Self::PasswordPolicyViolation => "PasswordPolicyViolation",
            Self::PolicyNotAttachable => "PolicyNotAttachable",
            Self::UnmodifiableEntity => "UnmodifiableEntity",
            Self::RequestEntityTooLarge => "RequestEntityTooLarge",
            Self::RequestTimeout => "RequestTimeout",
            Self::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            Self::ValidationError => "ValidationError",
        }
    }

    /// The HTTP status AWS sends with this code.
    #[must_use]
    pub const fn status(self) -> StatusCode {
        match self {
            Self::IncompleteSignature
            | Self::InvalidAction
            | Self::InvalidAuthorizationMessageException
            | Self::InvalidInput
            | Self::InvalidParameterValue
            | Self::InvalidUserType
            | Self::MalformedPolicyDocument
            | Self::MalformedQueryString
            | Self::MissingAction
            | Self::PackedPolicyTooLarge
            | Self::PasswordPolicyViolation
            | Self::PolicyNotAttachable
            | Self::UnmodifiableEntity
            | Self::ValidationError => StatusCode::BAD_REQUEST,
            Self::AccessDenied
            | Self::InvalidAuthenticationCode
            | Self::ExpiredToken
            | Self::InvalidClientTokenId
            | Self::MissingAuthenticationToken
            | Self::SignatureDoesNotMatch => StatusCode::FORBIDDEN,
            Self::NoSuchEntity => StatusCode::NOT_FOUND,
            Self::DeleteConflict | Self::EntityAlreadyExists | Self::LimitExceeded => {
                StatusCode::CONFLICT
            }
            Self::RequestEntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
            Self::NotImplemented => StatusCode::NOT_IMPLEMENTED,
        }
    }

    /// Whether the caller or the server is to blame.
    #[must_use]
    pub fn fault(self) -> Fault {
        if self.status().is_server_error() {
            Fault::Receiver
        } else {
            Fault::Sender
        }
    }
}

/// An error as AWS reports it: a code and a message. Boxed to keep `Result`s small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    code: ErrorCode,
    message: String,
}

impl ApiError {
    /// An error with AWS's code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            code,
            message: message.into(),
        }))
    }

    /// An internal failure: the cause is logged here and never sent to the client.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(next) = source {
            chain.push_str(": ");
            chain.push_str(&next.to_string());
            source = next.source();
        }
        tracing::error!(cause = %chain, "internal failure");
        Self::new(ErrorCode::InternalFailure, "An internal error occurred.")
    }

    /// `ValidationError` with a message of the caller's making.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message)
    }

    /// The error code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The message text, as AWS words it.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code.as_str(), self.0.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_are_the_receivers_fault_and_the_rest_the_senders() {
        assert_eq!(ErrorCode::InternalFailure.fault(), Fault::Receiver);
        assert_eq!(ErrorCode::NotImplemented.fault(), Fault::Receiver);
        assert_eq!(ErrorCode::NoSuchEntity.fault(), Fault::Sender);
        assert_eq!(
            ErrorCode::SignatureDoesNotMatch.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            ErrorCode::IncompleteSignature.status(),
            StatusCode::BAD_REQUEST
        );
    }
}
