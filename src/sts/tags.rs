//! Session tag rules of STS: keys unique ignoring case, transitive keys among the tags, and
//! no clash with a transitive tag the calling session passes on. AWS answers these with
//! `InvalidParameterValue`.

use crate::protocol::{ApiError, ErrorCode};
use crate::store::tags::Tag;

fn invalid(message: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameterValue, message)
}

/// Checks the tags of a new session.
///
/// # Errors
/// `InvalidParameterValue` with AWS's wording.
pub fn check_session_tags(
    tags: &[Tag],
    transitive: &[String],
    inherited: &[Tag],
) -> Result<(), ApiError> {
    let folded: Vec<String> = tags.iter().map(|t| t.key.to_lowercase()).collect();
    let mut sorted = folded.clone();
    sorted.sort();
    if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(invalid(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ));
    }
    if tags
        .iter()
        .any(|t| t.key.to_ascii_lowercase().starts_with("aws:"))
    {
        return Err(invalid(
            "Tag keys starting with 'aws:' are reserved for internal use.",
        ));
    }
    if transitive
        .iter()
        .any(|k| !folded.contains(&k.to_lowercase()))
    {
        return Err(invalid(
            "The specified transitive tag key must be included in the requested tags.",
        ));
    }
    if inherited
        .iter()
        .any(|t| folded.contains(&t.key.to_lowercase()))
    {
        return Err(invalid(
            "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
        ));
    }
    Ok(())
}
