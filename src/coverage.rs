//! The coverage table: which IAM and STS actions iamd implements, as the README shows it.

use std::fmt::Write;

use crate::iam::{self, IamAction};
use crate::sts::{self, StsAction};

/// The Markdown table of every action, one row each, with a count per service.
#[must_use]
pub fn markdown() -> String {
    let iam_done = IamAction::ALL
        .iter()
        .filter(|a| iam::is_implemented(**a))
        .count();
    let sts_done = StsAction::ALL
        .iter()
        .filter(|a| sts::is_implemented(**a))
        .count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "IAM: {iam_done} of {} actions implemented. STS: {sts_done} of {} actions implemented.\n",
        IamAction::ALL.len(),
        StsAction::ALL.len()
    );
    out.push_str("| service | action | implemented |\n|---|---|---|\n");
    let rows = StsAction::ALL
        .iter()
        .map(|a| ("STS", a.as_str(), sts::is_implemented(*a)))
        .chain(
            IamAction::ALL
                .iter()
                .map(|a| ("IAM", a.as_str(), iam::is_implemented(*a))),
        );
    for (service, action, done) in rows {
        let mark = if done { "yes" } else { "no" };
        let _ = writeln!(out, "| {service} | {action} | {mark} |");
    }
    out
}
