//! The policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy and the two
//! GetContextKeysFor… operations. Any action of any service can be simulated; only the
//! context entries the caller supplies are used, as AWS does.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_testing-policies.html>.

use std::sync::Arc;

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::authz::identity::{self, IDENTITY_SOURCE_KIND, Identity, Loaded};
use crate::policy::eval::Matched;
use crate::policy::model::Policy;
use crate::policy::{self, Caller, Evaluation, PolicyKind, PolicySet, RequestContext, Source};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};

use super::input::{ARN_RULE, Input, Rule};
use super::page::PageRequest;
use super::subject;

const ACTION_RULE: Rule = Rule {
    min: 3,
    max: Some(128),
    pattern: None,
};
const LIST_TYPES: &[&str] = &[
    "stringList",
    "numericList",
    "booleanList",
    "ipList",
    "binaryList",
    "dateList",
];
const TYPES: &[&str] = &[
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
];

/// Simulates the policies of a user, group or role (plus extra ones) for actions and resources.
pub async fn simulate_principal_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let source_arn = input.required("PolicySourceArn", &ARN_RULE);
    let request = read_simulation(ctx, &mut input);
    input.finish()?;
    let request = request?;

    let (identity, caller_default) = source_identity(ctx, &source_arn).await?;
    let mut policies = identity.policies;
    policies.extend(request.extra.iter().cloned());
    let boundary = match request.boundary.clone() {
        Some(b) => Some(b),
        None => identity.boundary,
    };
    let caller_arn = request.caller_arn.clone().or(caller_default);
    run(ctx, &request, &policies, boundary.as_ref(), caller_arn)
}

/// Simulates policies given in the request.
pub async fn simulate_custom_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let request = read_simulation(ctx, &mut input);
    if ctx.params.list("PolicyInputList").is_none() {
        input.required("PolicyInputList", &ARN_RULE);
    }
    input.finish()?;
    let request = request?;
    let boundary = request.boundary.clone();
    let caller_arn = request.caller_arn.clone();
    run(ctx, &request, &request.extra, boundary.as_ref(), caller_arn)
}

/// The context keys a user's, group's or role's policies (and extra ones) reference.
pub async fn get_context_keys_for_principal_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let source_arn = input.required("PolicySourceArn", &ARN_RULE);
    input.finish()?;
    let extra = parse_inputs(ctx, "PolicyInputList", PolicyKind::Inline)?;
    let (identity, _) = source_identity(ctx, &source_arn).await?;
    let all: Vec<&Policy> = identity
        .policies
        .iter()
        .chain(&extra)
        .map(|l| l.policy.as_ref())
        .collect();
    Ok(Reply::Result(context_keys_xml(&all)))
}

/// The context keys the given policies reference.
pub async fn get_context_keys_for_custom_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    if ctx.params.list("PolicyInputList").is_none() {
        input.required("PolicyInputList", &ARN_RULE);
    }
    input.finish()?;
    let policies = parse_inputs(ctx, "PolicyInputList", PolicyKind::Inline)?;
    let all: Vec<&Policy> = policies.iter().map(|l| l.policy.as_ref()).collect();
    Ok(Reply::Result(context_keys_xml(&all)))
}

struct Simulation {
    actions: Vec<String>,
    resources: Vec<String>,
    extra: Vec<Loaded>,
    boundary: Option<Loaded>,
    resource_policy: Option<Loaded>,
    resource_owner: Option<String>,
    caller_arn: Option<String>,
    entries: Vec<(String, Vec<String>, bool)>,
    page: PageRequest,
}

fn read_simulation(ctx: &RequestCtx<'_>, input: &mut Input<'_>) -> Result<Simulation, ApiError> {
    let params = ctx.params;
    let actions: Vec<String> = params
        .list("ActionNames")
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if params.list("ActionNames").is_none() {
        input.required("ActionNames", &ACTION_RULE);
    } else if actions
        .iter()
        .any(|a| !(3..=128).contains(&a.chars().count()))
    {
        input.push_raw(
            "actionNames",
            &format!("[{}]", actions.join(", ")),
            "satisfy constraint: [Member must have length less than or equal to 128, \
             Member must have length greater than or equal to 3]",
        );
    }
    let resources: Vec<String> = params
        .list("ResourceArns")
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let resource_owner = input.optional("ResourceOwner", &ARN_RULE);
    let caller_arn = input.optional("CallerArn", &ARN_RULE);
    let page = PageRequest::read(input);
    let extra = parse_inputs(ctx, "PolicyInputList", PolicyKind::Inline)?;
    let boundaries = parse_inputs(
        ctx,
        "PermissionsBoundaryPolicyInputList",
        PolicyKind::Inline,
    )?;
    let resource_policy = match params.get("ResourcePolicy") {
        Some(text) => Some(parse_one(text, PolicyKind::Resource, "ResourcePolicy")?),
        None => None,
    };
    let mut entries = Vec::new();
    for entry in params.struct_list("ContextEntries").unwrap_or_default() {
        let name = entry
            .get("ContextKeyName")
            .copied()
            .unwrap_or_default()
            .to_owned();
        if !(5..=256).contains(&name.chars().count()) {
            input.push_raw(
                &format!("contextEntries.{}.member.contextKeyName", entries.len() + 1),
                &name,
                "satisfy constraint: [Member must have length less than or equal to 256, \
                 Member must have length greater than or equal to 5]",
            );
        }
        let kind = entry.get("ContextKeyType").copied().unwrap_or("string");
        if !TYPES.contains(&kind) {
            return Err(ApiError::validation(
                "1 validation error detected: Value at 'contextEntries.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set",
            ));
        }
        let values = context_values(params, entries.len() + 1);
        entries.push((name, values, LIST_TYPES.contains(&kind)));
    }
    Ok(Simulation {
        actions,
        resources,
        extra,
        boundary: boundaries.into_iter().next(),
        resource_policy,
        resource_owner,
        caller_arn,
        entries,
        page,
    })
}

fn context_values(params: &crate::protocol::Params, index: usize) -> Vec<String> {
    let name = format!("ContextEntries.member.{index}.ContextKeyValues");
    params
        .list(&name)
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn parse_inputs(
    ctx: &RequestCtx<'_>,
    member: &str,
    kind: PolicyKind,
) -> Result<Vec<Loaded>, ApiError> {
    let texts = ctx.params.list(member).unwrap_or_default();
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| parse_one(text, kind, &format!("{member}.{}", i + 1)))
        .collect()
}

fn parse_one(text: &str, kind: PolicyKind, id: &str) -> Result<Loaded, ApiError> {
    let policy = policy::parse_policy(text, kind)
        .map_err(|e| ApiError::new(ErrorCode::MalformedPolicyDocument, e.0))?;
    let source_kind = if kind == PolicyKind::Resource {
        "Resource Policy"
    } else {
        IDENTITY_SOURCE_KIND
    };
    Ok(Loaded {
        id: id.to_owned(),
        kind: source_kind.to_owned(),
        policy: Arc::new(policy),
    })
}

/// The policies of the entity a `PolicySourceArn` names, and its user ARN for users.
async fn source_identity(
    ctx: &RequestCtx<'_>,
    arn: &str,
) -> Result<(Identity, Option<String>), ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidInput, format!("Invalid ARN: {arn}"));
    let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    if account != ctx.principal.account_id {
        return Err(invalid());
    }
    let name = resource.rsplit('/').next().unwrap_or_default();
    let app = ctx.app;
    let internal = |e: crate::store::StoreError| ApiError::internal(&e);
    if resource.starts_with("user/") {
        let user = subject::user(ctx, name).await?;
        let identity = identity::of_user(app, &user).await.map_err(internal)?;
        Ok((identity, Some(user.arn())))
    } else if resource.starts_with("group/") {
        let group = subject::group(ctx, name).await?;
        Ok((
            identity::of_group(app, &group.group_id, &group.group_name)
                .await
                .map_err(internal)?,
            None,
        ))
    } else if resource.starts_with("role/") {
        let role = subject::role(ctx, name).await?;
        Ok((identity::of_role(app, &role).await.map_err(internal)?, None))
    } else {
        Err(invalid())
    }
}

fn run(
    ctx: &RequestCtx<'_>,
    request: &Simulation,
    policies: &[Loaded],
    boundary: Option<&Loaded>,
    caller_arn: Option<String>,
) -> HandlerResult {
    let account = ctx.principal.account_id.clone();
    let caller = Caller {
        account: caller_arn
            .as_deref()
            .and_then(account_of)
            .unwrap_or_else(|| account.clone()),
        arn: caller_arn.unwrap_or_default(),
        ..Caller::default()
    };
    let resource_owner = request
        .resource_owner
        .as_deref()
        .and_then(account_of)
        .or_else(|| Some(account.clone()));
    let set = PolicySet {
        identity: policies.iter().map(source).collect(),
        boundary: boundary.map(|b| vec![source(b)]),
        session: None,
        resource: request.resource_policy.as_ref().map(source),
        resource_is_trust: false,
        resource_account: request.resource_policy.as_ref().and(resource_owner),
    };
    let resources: Vec<&str> = if request.resources.is_empty() {
        vec!["*"]
    } else {
        request.resources.iter().map(String::as_str).collect()
    };
    let start: usize = match request.page.after()? {
        Some(position) => position
            .parse()
            .map_err(|_| ApiError::validation("Invalid Marker."))?,
        None => 0,
    };
    // Results run action by action, each over every resource; only the page asked for is
    // evaluated.
    let total = request.actions.len() * resources.len();
    let end = start.saturating_add(request.page.max_items).min(total);
    let results: Vec<_> = (start.min(end)..end)
        .map(|index| {
            let action = request.actions[index / resources.len()].as_str();
            let resource = resources[index % resources.len()];
            let mut context = RequestContext::new(action, resource, caller.clone());
            for (key, values, multi) in &request.entries {
                if *multi {
                    context.set_multi(key, values.clone());
                } else if let Some(first) = values.first() {
                    context.set(key, first.clone());
                }
            }
            (action, resource, policy::evaluate(&set, &context))
        })
        .collect();
    let specific = !request.resources.is_empty();
    let mut w = XmlWriter::new();
    w.list(
        "EvaluationResults",
        &results,
        |w, (action, resource, evaluation)| {
            write_result(w, action, resource, evaluation, specific);
        },
    );
    let truncated = end < total;
    w.boolean("IsTruncated", truncated);
    if truncated {
        w.text(
            "Marker",
            &data_encoding::BASE64URL_NOPAD.encode(end.to_string().as_bytes()),
        );
    }
    Ok(Reply::Result(w.finish()))
}

fn source(loaded: &Loaded) -> Source<'_> {
    Source {
        id: &loaded.id,
        kind: &loaded.kind,
        policy: loaded.policy.as_ref(),
    }
}

fn account_of(arn: &str) -> Option<String> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    fields
        .get(4)
        .filter(|a| a.len() == 12)
        .map(|a| (*a).to_owned())
}

fn write_result(
    w: &mut XmlWriter,
    action: &str,
    resource: &str,
    evaluation: &Evaluation,
    specific: bool,
) {
    w.text("EvalActionName", action);
    w.text("EvalResourceName", resource);
    w.text("EvalDecision", evaluation.decision.as_str());
    write_matched(w, &evaluation.matched);
    let missing: &[String] = if specific {
        &[]
    } else {
        &evaluation.missing_keys
    };
    w.list("MissingContextValues", missing, |w, key| {
        w.buf_text(key);
    });
    if let Some(allowed) = evaluation.boundary_allowed {
        w.element("PermissionsBoundaryDecisionDetail", |w| {
            w.boolean("AllowedByPermissionsBoundary", allowed);
        });
    }
    if specific {
        w.list("ResourceSpecificResults", [evaluation], |w, evaluation| {
            w.text("EvalResourceName", resource);
            w.text("EvalResourceDecision", evaluation.decision.as_str());
            write_matched(w, &evaluation.matched);
            w.list(
                "MissingContextValues",
                &evaluation.missing_keys,
                |w, key| {
                    w.buf_text(key);
                },
            );
            if let Some(allowed) = evaluation.boundary_allowed {
                w.element("PermissionsBoundaryDecisionDetail", |w| {
                    w.boolean("AllowedByPermissionsBoundary", allowed);
                });
            }
        });
    }
}

fn write_matched(w: &mut XmlWriter, matched: &[Matched]) {
    w.list("MatchedStatements", matched, |w, m| {
        w.text("SourcePolicyId", &m.source_id);
        w.text("SourcePolicyType", &m.source_kind);
        // AWS reports columns one past the braces.
        w.element("StartPosition", |w| {
            w.number("Line", i64::from(m.start.line));
            w.number("Column", i64::from(m.start.column) + 1);
        });
        w.element("EndPosition", |w| {
            w.number("Line", i64::from(m.end.line));
            w.number("Column", i64::from(m.end.column));
        });
    });
}

/// Every distinct condition key and policy variable the policies reference, in first-seen order.
fn context_keys_xml(policies: &[&Policy]) -> String {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: &str| {
        if !keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            keys.push(key.to_owned());
        }
    };
    for policy in policies {
        for statement in &policy.statements {
            let texts = statement.resource.iter().flat_map(|r| r.items.iter());
            for text in texts {
                for variable in variables_in(text) {
                    add(&variable);
                }
            }
            for condition in &statement.conditions {
                add(&condition.key);
                for value in &condition.values {
                    for variable in variables_in(value) {
                        add(&variable);
                    }
                }
            }
        }
    }
    let mut w = XmlWriter::new();
    w.list("ContextKeyNames", &keys, |w, key| {
        w.buf_text(key);
    });
    w.finish()
}

fn variables_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = after[..end].split(',').next().unwrap_or_default().trim();
        if inner.contains(':') {
            found.push(inner.to_owned());
        }
        rest = &after[end + 1..];
    }
    found
}
