//! The policy-evaluation corpus: every file in `tests/fixtures/policy` is one request with the
//! policies that judge it and what AWS decides (see the README there). All cases run; every
//! failure is reported at once. Cases named in `KNOWN_ENGINE_BUGS.txt` are expected to fail
//! until the engine is fixed; one that passes must be taken off that list.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use iamd::policy::{
    Caller, Decision, Layer, Policy, PolicyKind, PolicySet, RequestContext, Source, evaluate,
    parse_policy,
};
use serde::Deserialize;

/// The corpus must not shrink below this.
const MIN_CASES: usize = 200;
const KNOWN_BUGS_FILE: &str = "KNOWN_ENGINE_BUGS.txt";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    policies: Policies,
    request: Request,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Policies {
    #[serde(default)]
    identity: Vec<PolicyEntry>,
    boundary: Option<Vec<PolicyEntry>>,
    session: Option<Vec<PolicyEntry>>,
    resource: Option<ResourceEntry>,
    resource_account: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyEntry {
    id: String,
    #[serde(default = "identity_kind")]
    kind: String,
    document: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceEntry {
    #[serde(default = "resource_id")]
    id: String,
    #[serde(default = "resource_kind")]
    kind: String,
    document: serde_json::Value,
    #[serde(default)]
    trust: bool,
}

fn identity_kind() -> String {
    "IAM Policy".to_owned()
}

fn resource_id() -> String {
    "ResourcePolicy".to_owned()
}

fn resource_kind() -> String {
    "resource".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    action: String,
    resource: String,
    caller: CallerSpec,
    #[serde(default)]
    context: BTreeMap<String, ContextSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerSpec {
    account: String,
    #[serde(default)]
    arn: String,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    federated: Option<String>,
    #[serde(default)]
    is_root: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ContextSpec {
    Single(String),
    Multi(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    decision: ExpectedDecision,
    #[serde(default)]
    denied_by: Option<ExpectedLayer>,
    #[serde(default)]
    matched: Option<Vec<StatementRef>>,
    #[serde(default)]
    missing: Option<Vec<String>>,
    #[serde(default)]
    boundary_allowed: Option<bool>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum ExpectedDecision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum ExpectedLayer {
    Identity,
    Boundary,
    Session,
    Resource,
    Trust,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementRef {
    policy: String,
    statement: usize,
}

impl ExpectedDecision {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::ExplicitDeny => "explicitDeny",
            Self::ImplicitDeny => "implicitDeny",
        }
    }
}

impl ExpectedLayer {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Boundary => "boundary",
            Self::Session => "session",
            Self::Resource => "resource",
            Self::Trust => "trust",
        }
    }
}

const fn layer_name(layer: Layer) -> &'static str {
    match layer {
        Layer::Identity => "identity",
        Layer::Boundary => "boundary",
        Layer::Session => "session",
        Layer::Resource => "resource",
        Layer::Trust => "trust",
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy")
}

/// File name → reason, from `KNOWN_ENGINE_BUGS.txt` (`name.json  # reason`).
fn known_bugs(dir: &Path) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(dir.join(KNOWN_BUGS_FILE)) else {
        return BTreeMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let (name, reason) = line.split_once('#').unwrap_or((line, ""));
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_owned(), reason.trim().to_owned()))
        })
        .collect()
}

/// A parsed policy of the case, for naming matched statements by index.
struct Parsed {
    id: String,
    kind: String,
    policy: Policy,
}

fn parse_entry(
    id: &str,
    kind: &str,
    document: &serde_json::Value,
    policy_kind: PolicyKind,
) -> Result<Parsed, String> {
    let text = serde_json::to_string_pretty(document).map_err(|e| e.to_string())?;
    let policy = parse_policy(&text, policy_kind)
        .map_err(|e| format!("policy {id} does not parse as {policy_kind:?}: {e}"))?;
    Ok(Parsed {
        id: id.to_owned(),
        kind: kind.to_owned(),
        policy,
    })
}

fn parse_entries(entries: &[PolicyEntry], kind: PolicyKind) -> Result<Vec<Parsed>, String> {
    entries
        .iter()
        .map(|e| parse_entry(&e.id, &e.kind, &e.document, kind))
        .collect()
}

fn sources(parsed: &[Parsed]) -> Vec<Source<'_>> {
    parsed
        .iter()
        .map(|p| Source {
            id: &p.id,
            kind: &p.kind,
            policy: &p.policy,
        })
        .collect()
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

/// Runs one case; `Ok(())` when the engine agrees, else the differences.
fn run_case(case: &Case) -> Result<(), String> {
    let policies = &case.policies;
    let identity = parse_entries(&policies.identity, PolicyKind::Inline)?;
    let boundary = policies
        .boundary
        .as_deref()
        .map(|b| parse_entries(b, PolicyKind::Managed))
        .transpose()?;
    let session = policies
        .session
        .as_deref()
        .map(|s| parse_entries(s, PolicyKind::Session))
        .transpose()?;
    let resource = policies
        .resource
        .as_ref()
        .map(|r| {
            let kind = if r.trust {
                PolicyKind::Trust
            } else {
                PolicyKind::Resource
            };
            parse_entry(&r.id, &r.kind, &r.document, kind)
        })
        .transpose()?;

    let all: Vec<&Parsed> = identity
        .iter()
        .chain(boundary.iter().flatten())
        .chain(session.iter().flatten())
        .chain(resource.iter())
        .collect();
    let mut ids = HashSet::new();
    if let Some(dup) = all.iter().find(|p| !ids.insert(p.id.as_str())) {
        return Err(format!("bad case: policy id {} is used twice", dup.id));
    }
    let by_id: HashMap<&str, &Policy> = all.iter().map(|p| (p.id.as_str(), &p.policy)).collect();

    let expect = &case.expect;
    match (expect.decision, expect.denied_by) {
        (ExpectedDecision::Allowed, Some(_)) => {
            return Err("bad case: an allowed case names denied_by".to_owned());
        }
        (ExpectedDecision::ExplicitDeny | ExpectedDecision::ImplicitDeny, None) => {
            return Err("bad case: a denial must name denied_by".to_owned());
        }
        _ => {}
    }
    let mut expected_matched = Vec::new();
    for r in expect.matched.iter().flatten() {
        match by_id.get(r.policy.as_str()) {
            Some(p) if r.statement < p.statements.len() => {
                expected_matched.push(format!("{}#{}", r.policy, r.statement));
            }
            _ => {
                return Err(format!(
                    "bad case: matched names {}#{}, which does not exist",
                    r.policy, r.statement
                ));
            }
        }
    }

    let set = PolicySet {
        identity: sources(&identity),
        boundary: boundary.as_deref().map(sources),
        session: session.as_deref().map(sources),
        resource: resource.as_ref().map(|r| Source {
            id: &r.id,
            kind: &r.kind,
            policy: &r.policy,
        }),
        resource_is_trust: policies.resource.as_ref().is_some_and(|r| r.trust),
        resource_account: policies.resource_account.clone(),
    };
    let request = &case.request;
    let caller = Caller {
        account: request.caller.account.clone(),
        arn: request.caller.arn.clone(),
        role_arn: request.caller.role_arn.clone(),
        service: request.caller.service.clone(),
        federated: request.caller.federated.clone(),
        is_root: request.caller.is_root,
    };
    let mut ctx = RequestContext::new(&request.action, &request.resource, caller);
    for (key, value) in &request.context {
        match value {
            ContextSpec::Single(v) => ctx.set(key, v.clone()),
            ContextSpec::Multi(vs) => ctx.set_multi(key, vs.clone()),
        };
    }

    let evaluation = evaluate(&set, &ctx);

    let mut problems = String::new();
    let decision = match evaluation.decision {
        Decision::Allowed => ExpectedDecision::Allowed,
        Decision::ExplicitDeny => ExpectedDecision::ExplicitDeny,
        Decision::ImplicitDeny => ExpectedDecision::ImplicitDeny,
    };
    if decision != expect.decision {
        let _ = writeln!(
            problems,
            "  decision:   expected {}, got {}",
            expect.decision.as_str(),
            decision.as_str()
        );
    }
    let denied_by = evaluation.denied_by.map(layer_name);
    if denied_by != expect.denied_by.map(ExpectedLayer::as_str) {
        let _ = writeln!(
            problems,
            "  denied_by:  expected {:?}, got {denied_by:?}",
            expect.denied_by.map(ExpectedLayer::as_str)
        );
    }
    if expect.matched.is_some() {
        let actual = sorted(
            evaluation
                .matched
                .iter()
                .map(|m| {
                    let index = by_id
                        .get(m.source_id.as_str())
                        .and_then(|p| p.statements.iter().position(|s| s.start == m.start));
                    match index {
                        Some(i) => format!("{}#{i}", m.source_id),
                        None => format!(
                            "{}@{}:{} (no such statement)",
                            m.source_id, m.start.line, m.start.column
                        ),
                    }
                })
                .collect(),
        );
        let expected = sorted(expected_matched);
        if actual != expected {
            let _ = writeln!(
                problems,
                "  matched:    expected {expected:?}, got {actual:?}"
            );
        }
    }
    if let Some(missing) = &expect.missing {
        let expected = sorted(missing.clone());
        let actual = sorted(evaluation.missing_keys.clone());
        if actual != expected {
            let _ = writeln!(
                problems,
                "  missing:    expected {expected:?}, got {actual:?}"
            );
        }
    }
    if expect.boundary_allowed.is_some() && expect.boundary_allowed != evaluation.boundary_allowed {
        let _ = writeln!(
            problems,
            "  boundary_allowed: expected {:?}, got {:?}",
            expect.boundary_allowed, evaluation.boundary_allowed
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[test]
fn every_policy_case_decides_like_aws() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut known = known_bugs(&dir);

    let mut failures = Vec::new();
    let mut now_passing = Vec::new();
    let mut passed = 0;
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                serde_json::from_str::<Case>(&text).map_err(|e| format!("bad case file: {e}"))
            })
            .and_then(|case| run_case(&case).map_err(|p| format!("{}\n{p}", case.description)));
        match (outcome, known.remove(&name)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => now_passing.push(name),
            (Err(problems), None) => failures.push(format!("{name}: {problems}")),
            (Err(_), Some(_)) => {}
        }
    }

    let mut report = String::new();
    for failure in &failures {
        let _ = writeln!(report, "{}", failure.trim_end());
    }
    for name in &now_passing {
        let _ = writeln!(report, "{name}: passes now; take it off {KNOWN_BUGS_FILE}");
    }
    for name in known.keys() {
        let _ = writeln!(
            report,
            "{name}: listed in {KNOWN_BUGS_FILE} but there is no such case"
        );
    }
    assert!(
        files.len() >= MIN_CASES,
        "only {} cases in {}; the corpus keeps at least {MIN_CASES}",
        files.len(),
        dir.display()
    );
    assert!(
        report.is_empty(),
        "{} of {} policy cases disagree with AWS, {} known-bug entries are stale ({passed} pass):\n{report}",
        failures.len(),
        files.len(),
        now_passing.len() + known.len()
    );
}
