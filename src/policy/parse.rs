//! Reading a policy document into the model, held to the rules of its kind, with IAM's
//! `MalformedPolicyDocument` messages. Validation and evaluation share this one parser.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>.

use super::json::{self, Node, Value};
use super::model::{
    Condition, Effect, Policy, PolicyKind, PrincipalEntry, PrincipalType, Statement, Targets,
    Version,
};
use super::operators;

/// Why a document was refused; the text is IAM's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PolicyError(pub String);

const SYNTAX: &str = "Syntax errors in policy.";
const TRUST_JSON: &str = "This policy contains invalid Json";
const LEGACY: &str = "The policy failed legacy parsing";
const NEEDS_2012: &str = "Policy document must be version 2012-10-17 or greater.";
const NO_ACTIONS: &str = "Policy statement must contain actions.";
const NO_RESOURCES: &str = "Policy statement must contain resources.";
const NO_PRINCIPAL_ALLOWED: &str = "Policy document should not specify a principal.";
const RESOURCE_IN_TRUST: &str = "Has prohibited field Resource";
const TRUST_ACTIONS: &str = "AssumeRole policy may only specify STS AssumeRole actions.";
const NO_PRINCIPALS: &str = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: \
    The passed in policy has a statement with no principals!";
const DUPLICATE_SID: &str = "Statement IDs (SID) in a single policy must be unique.";
const NO_VENDOR: &str =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
const ONE_COLON: &str = "Actions/Condition can contain only one colon.";
const VENDOR_REGEX: &str = "Resource vendor must be fully qualified and cannot contain regexes.";
const IAM_RESOURCE_TYPES: &str = "IAM resource path must either be \"*\", root, or start with user/, \
    federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, \
    saml-provider/, oidc-provider/, report/, access-report/.";

const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];
const IAM_RESOURCE_PREFIXES: &[&str] = &[
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];
const TRUST_ACTION_NAMES: &[&str] = &[
    "assumerole",
    "assumerolewithsaml",
    "assumerolewithwebidentity",
    "tagsession",
    "setsourceidentity",
    "setcontext",
];

fn fail<T>(message: &str) -> Result<T, PolicyError> {
    Err(PolicyError(message.to_owned()))
}

/// Parses and validates a document for `kind`.
///
/// # Errors
/// `PolicyError` with IAM's message for the first problem found.
pub fn parse_policy(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    let root = json::parse(text).or_else(|_| {
        fail(if kind == PolicyKind::Trust {
            TRUST_JSON
        } else {
            SYNTAX
        })
    })?;
    let Value::Object(members) = &root.value else {
        return fail(SYNTAX);
    };
    let members = unique_members(members)?;

    let mut version = None;
    let mut id = None;
    let mut statement_node = None;
    for (key, node) in members {
        match key {
            "Version" => version = Some(parse_version(node)?),
            "Id" => id = Some(string_of(node)?.to_owned()),
            "Statement" => statement_node = Some(node),
            _ => return fail(SYNTAX),
        }
    }
    if kind == PolicyKind::Managed && version != Some(Version::V2012) {
        return fail(NEEDS_2012);
    }
    let Some(statement_node) = statement_node else {
        return fail(SYNTAX);
    };
    let statement_nodes: Vec<&Node> = match &statement_node.value {
        Value::Object(_) => vec![statement_node],
        Value::Array(items) if !items.is_empty() => items.iter().collect(),
        _ => return fail(SYNTAX),
    };
    let mut statements = Vec::with_capacity(statement_nodes.len());
    for node in statement_nodes {
        statements.push(parse_statement(node, kind)?);
    }
    let mut sids: Vec<&str> = statements
        .iter()
        .filter_map(|s| s.sid.as_deref())
        .filter(|s| !s.is_empty())
        .collect();
    sids.sort_unstable();
    if sids.windows(2).any(|pair| pair[0] == pair[1]) {
        return fail(DUPLICATE_SID);
    }
    let version = version.unwrap_or(Version::V2008);
    let reads_context = statements.iter().any(|statement| {
        !statement.conditions.is_empty()
            || version == Version::V2012
                && statement
                    .resource
                    .as_ref()
                    .is_some_and(|r| r.items.iter().any(|p| p.contains("${")))
    });
    Ok(Policy {
        version,
        id,
        statements,
        reads_context,
    })
}

fn unique_members(members: &[(String, Node)]) -> Result<Vec<(&str, &Node)>, PolicyError> {
    let mut seen: Vec<&str> = Vec::with_capacity(members.len());
    for (key, _) in members {
        if seen.contains(&key.as_str()) {
            return fail(SYNTAX);
        }
        seen.push(key);
    }
    Ok(members.iter().map(|(k, v)| (k.as_str(), v)).collect())
}

fn parse_version(node: &Node) -> Result<Version, PolicyError> {
    match string_of(node)? {
        "2012-10-17" => Ok(Version::V2012),
        "2008-10-17" => Ok(Version::V2008),
        _ => fail(SYNTAX),
    }
}

fn string_of(node: &Node) -> Result<&str, PolicyError> {
    match &node.value {
        Value::String(s) => Ok(s),
        _ => fail(SYNTAX),
    }
}

/// A string or a list of strings.
fn strings_of(node: &Node) -> Result<Vec<String>, PolicyError> {
    match &node.value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| string_of(item).map(str::to_owned))
            .collect(),
        _ => fail(SYNTAX),
    }
}

fn parse_statement(node: &Node, kind: PolicyKind) -> Result<Statement, PolicyError> {
    let Value::Object(members) = &node.value else {
        return fail(SYNTAX);
    };
    let members = unique_members(members)?;
    let (mut sid, mut effect, mut principal, mut action, mut resource, mut conditions) =
        (None, None, None, None, None, Vec::new());
    for (key, value) in members {
        match key {
            "Sid" => sid = Some(string_of(value)?.to_owned()),
            "Effect" => effect = Some(parse_effect(value)?),
            "Principal" | "NotPrincipal" => {
                if principal.is_some() {
                    return fail(SYNTAX);
                }
                principal = Some(parse_principal(value, key == "NotPrincipal", kind)?);
            }
            "Action" | "NotAction" => {
                if action.is_some() {
                    return fail(SYNTAX);
                }
                action = Some(Targets {
                    negated: key == "NotAction",
                    items: strings_of(value)?,
                });
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return fail(SYNTAX);
                }
                resource = Some(Targets {
                    negated: key == "NotResource",
                    items: strings_of(value)?,
                });
            }
            "Condition" => conditions = parse_conditions(value)?,
            _ => return fail(SYNTAX),
        }
    }
    let Some(effect) = effect else {
        return fail(SYNTAX);
    };
    check_principal_rules(principal.as_ref(), kind)?;
    let action = match action {
        Some(action) if !action.items.is_empty() => action,
        _ => return fail(NO_ACTIONS),
    };
    for pattern in &action.items {
        check_action(pattern)?;
    }
    if kind == PolicyKind::Trust {
        if resource.is_some() {
            return fail(RESOURCE_IN_TRUST);
        }
        if action.negated || !action.items.iter().all(|a| is_trust_action(a)) {
            return fail(TRUST_ACTIONS);
        }
    } else {
        match &resource {
            Some(r) if !r.items.is_empty() => r.items.iter().try_for_each(|r| check_resource(r))?,
            _ => return fail(NO_RESOURCES),
        }
    }
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
        start: node.start,
        end: node.end,
    })
}

fn parse_effect(node: &Node) -> Result<Effect, PolicyError> {
    match string_of(node)? {
        "Allow" => Ok(Effect::Allow),
        "Deny" => Ok(Effect::Deny),
        _ => fail(LEGACY),
    }
}

fn parse_principal(
    node: &Node,
    negated: bool,
    kind: PolicyKind,
) -> Result<Targets<PrincipalEntry>, PolicyError> {
    if matches!(
        kind,
        PolicyKind::Inline | PolicyKind::Managed | PolicyKind::Session
    ) {
        return fail(NO_PRINCIPAL_ALLOWED);
    }
    let items = match &node.value {
        Value::String(s) if s == "*" => vec![PrincipalEntry::Everyone],
        Value::Object(members) => {
            let mut items = Vec::new();
            for (key, value) in unique_members(members)? {
                let kind = match key {
                    "AWS" => PrincipalType::Aws,
                    "Service" => PrincipalType::Service,
                    "Federated" => PrincipalType::Federated,
                    "CanonicalUser" => PrincipalType::CanonicalUser,
                    _ => return fail(SYNTAX),
                };
                for name in strings_of(value)? {
                    check_principal_value(key, kind, &name)?;
                    items.push(PrincipalEntry::Named(kind, name));
                }
            }
            items
        }
        _ => return fail(SYNTAX),
    };
    Ok(Targets { negated, items })
}

fn check_principal_rules(
    principal: Option<&Targets<PrincipalEntry>>,
    kind: PolicyKind,
) -> Result<(), PolicyError> {
    match (kind, principal) {
        (PolicyKind::Trust, Some(p)) if p.negated => fail(SYNTAX),
        (PolicyKind::Trust | PolicyKind::Resource, None) => fail(NO_PRINCIPALS),
        (PolicyKind::Trust | PolicyKind::Resource, Some(p)) if p.items.is_empty() => {
            fail(NO_PRINCIPALS)
        }
        _ => Ok(()),
    }
}

/// Principal values IAM accepts: `*`, a 12-digit account, or an IAM/STS principal ARN for
/// `AWS`; any non-empty text for the other types.
fn check_principal_value(key: &str, kind: PrincipalType, value: &str) -> Result<(), PolicyError> {
    let valid = match kind {
        PrincipalType::Aws => {
            value == "*"
                || (value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()))
                || is_principal_arn(value)
        }
        _ => !value.is_empty() && !value.contains('*') || value == "*",
    };
    if valid {
        Ok(())
    } else {
        Err(PolicyError(format!(
            "Invalid principal in policy: \"{key}\":\"{value}\""
        )))
    }
}

fn is_principal_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let resource_ok = match *service {
        "iam" => *resource == "root" || ["user/", "role/"].iter().any(|p| resource.starts_with(p)),
        "sts" => ["assumed-role/", "federated-user/"]
            .iter()
            .any(|p| resource.starts_with(p)),
        _ => false,
    };
    *arn == "arn"
        && PARTITIONS.contains(partition)
        && region.is_empty()
        && account_ok
        && resource_ok
        && !resource.contains('*')
}

fn parse_conditions(node: &Node) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(operators) = &node.value else {
        return fail(SYNTAX);
    };
    let mut conditions = Vec::new();
    for (operator, block) in unique_members(operators)? {
        let parsed =
            operators::Operator::parse(operator).ok_or_else(|| PolicyError(SYNTAX.to_owned()))?;
        let Value::Object(keys) = &block.value else {
            return fail(SYNTAX);
        };
        if keys.is_empty() {
            return fail(SYNTAX);
        }
        for (key, values) in unique_members(keys)? {
            if !key.contains(':') {
                return fail(NO_VENDOR);
            }
            let values = condition_values(values)?;
            if parsed.is_date() && !values.iter().all(|v| operators::parse_date(v).is_some()) {
                return fail(LEGACY);
            }
            conditions.push(Condition {
                operator: operator.to_owned(),
                key: key.to_owned(),
                values,
            });
        }
    }
    Ok(conditions)
}

fn condition_values(node: &Node) -> Result<Vec<String>, PolicyError> {
    let scalar = |node: &Node| match &node.value {
        Value::String(s) | Value::Number(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => fail(SYNTAX),
    };
    match &node.value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        _ => scalar(node).map(|v| vec![v]),
    }
}

fn check_action(action: &str) -> Result<(), PolicyError> {
    if action == "*" {
        return Ok(());
    }
    let mut parts = action.split(':');
    let vendor = parts.next().unwrap_or_default();
    let Some(_name) = parts.next() else {
        return fail(NO_VENDOR);
    };
    if parts.next().is_some() {
        return fail(ONE_COLON);
    }
    let vendor_ok = vendor == "*"
        || (!vendor.is_empty()
            && vendor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !vendor_ok {
        return Err(PolicyError(format!("Vendor {vendor} is not valid")));
    }
    Ok(())
}

fn is_trust_action(action: &str) -> bool {
    let Some((vendor, name)) = action.split_once(':') else {
        return false;
    };
    vendor.eq_ignore_ascii_case("sts")
        && TRUST_ACTION_NAMES
            .iter()
            .any(|allowed| super::glob::matches(allowed, &name.to_ascii_lowercase()))
}

fn check_resource(resource: &str) -> Result<(), PolicyError> {
    if resource == "*" {
        return Ok(());
    }
    let not_arn = || {
        let shown = if resource.is_empty() {
            String::new()
        } else {
            format!("{resource} ")
        };
        Err(PolicyError(format!(
            "Resource {shown}must be in ARN format or \"*\"."
        )))
    };
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let [arn, partition, service, region, account, rest] = parts.as_slice() else {
        if resource.starts_with("arn:") && parts.len() >= 2 && !PARTITIONS.contains(&parts[1]) {
            return Err(partition_error(parts[1], resource));
        }
        return not_arn();
    };
    if *arn != "arn" {
        return not_arn();
    }
    if !PARTITIONS.contains(partition) {
        return Err(partition_error(partition, resource));
    }
    if service.contains(['*', '?']) {
        return fail(VENDOR_REGEX);
    }
    match *service {
        "iam" => {
            if !region.is_empty() {
                return Err(PolicyError(format!(
                    "IAM resource {resource} cannot contain region information."
                )));
            }
            let type_ok = *rest == "*"
                || *rest == "root"
                || IAM_RESOURCE_PREFIXES.iter().any(|p| rest.starts_with(p));
            if !type_ok {
                return fail(IAM_RESOURCE_TYPES);
            }
        }
        // Buckets and objects carry neither region nor account; access points and other
        // account-owned S3 resources carry both.
        "s3" if !region.is_empty() && account.is_empty() => {
            return Err(PolicyError(format!(
                "Resource {resource} can not contain region information."
            )));
        }
        _ => {}
    }
    Ok(())
}

fn partition_error(partition: &str, resource: &str) -> PolicyError {
    PolicyError(format!(
        "Partition \"{partition}\" is not valid for resource \"{resource}\"."
    ))
}

/// The size IAM counts against quotas: characters outside JSON strings that are not
/// whitespace, plus every character inside strings.
#[must_use]
pub fn counted_size(text: &str) -> usize {
    let mut size = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            size += 1;
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            size += 1;
            in_string = c == '"';
        }
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str, kind: PolicyKind) -> String {
        parse_policy(text, kind)
            .err()
            .map(|e| e.0)
            .unwrap_or_else(|| "accepted".to_owned())
    }

    fn identity(statement: &str) -> String {
        error(
            &format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
            PolicyKind::Managed,
        )
    }

    fn trust(statement: &str) -> String {
        error(
            &format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
            PolicyKind::Trust,
        )
    }

    #[test]
    fn a_valid_identity_policy_parses_with_positions() {
        let text = "{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\"],\"Resource\":\"*\"}}";
        let policy = parse_policy(text, PolicyKind::Managed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy.statements.len(), 1);
        let statement = &policy.statements[0];
        assert_eq!((statement.start.line, statement.start.column), (2, 13));
        assert_eq!(statement.action.items, vec!["s3:Get*"]);
    }

    #[test]
    fn json_errors_differ_between_identity_and_trust_policies() {
        assert_eq!(
            error("{\"Version\":", PolicyKind::Inline),
            "Syntax errors in policy."
        );
        assert_eq!(
            error("{\"Version\":", PolicyKind::Trust),
            "This policy contains invalid Json"
        );
        assert_eq!(error("[]", PolicyKind::Inline), "Syntax errors in policy.");
    }

    #[test]
    fn structure_errors_are_syntax_errors() {
        let syntax = "Syntax errors in policy.";
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}"#),
            syntax
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":"s3:*","Action":"s3:*","Resource":"*"}"#),
            syntax
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":5,"Resource":"*"}"#),
            syntax
        );
        assert_eq!(identity(r#"{"Action":"s3:*","Resource":"*"}"#), syntax);
        assert_eq!(
            identity(
                r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bogus":{"a:b":"c"}}}"#
            ),
            syntax
        );
        assert_eq!(
            error(
                r#"{"Version":"2012-10-17","Statement":[]}"#,
                PolicyKind::Inline
            ),
            syntax
        );
        assert_eq!(
            error(r#"{"Version":"2012-10-17"}"#, PolicyKind::Inline),
            syntax
        );
    }

    #[test]
    fn managed_policies_need_the_2012_version() {
        let statement = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
        let message = "Policy document must be version 2012-10-17 or greater.";
        assert_eq!(
            error(
                &format!(r#"{{"Statement":{statement}}}"#),
                PolicyKind::Managed
            ),
            message
        );
        assert_eq!(
            error(
                &format!(r#"{{"Version":"2008-10-17","Statement":{statement}}}"#),
                PolicyKind::Managed
            ),
            message
        );
        assert_eq!(
            error(
                &format!(r#"{{"Statement":{statement}}}"#),
                PolicyKind::Inline
            ),
            "accepted"
        );
    }

    #[test]
    fn actions_resources_and_effects_follow_iams_rules() {
        assert_eq!(
            identity(r#"{"Effect":"Allow","Resource":"*"}"#),
            "Policy statement must contain actions."
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#),
            "Policy statement must contain actions."
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":"s3:*"}"#),
            "Policy statement must contain resources."
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":"getobject","Resource":"*"}"#),
            NO_VENDOR
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}"#),
            ONE_COLON
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Action":"a a:b","Resource":"*"}"#),
            "Vendor a a is not valid"
        );
        assert_eq!(
            identity(r#"{"Effect":"allow","Action":"s3:*","Resource":"*"}"#),
            "The policy failed legacy parsing"
        );
        assert_eq!(
            identity(r#"{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}"#),
            NO_PRINCIPAL_ALLOWED
        );
    }

    #[test]
    fn resources_must_be_well_formed_arns() {
        let r = |resource: &str| {
            identity(&format!(
                r#"{{"Effect":"Allow","Action":"s3:*","Resource":"{resource}"}}"#
            ))
        };
        assert_eq!(
            r("bucket"),
            "Resource bucket must be in ARN format or \"*\"."
        );
        assert_eq!(
            r("arn:b:c:d:e:f:g:h"),
            "Partition \"b\" is not valid for resource \"arn:b:c:d:e:f:g:h\"."
        );
        assert_eq!(
            r("arn:aws:iam:us-east-1:123456789012:user/x"),
            "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information."
        );
        assert_eq!(
            r("arn:aws:s3:us-east-1::bucket"),
            "Resource arn:aws:s3:us-east-1::bucket can not contain region information."
        );
        assert_eq!(
            r("arn:aws:s3:us-east-1:123456789012:accesspoint/ap"),
            "accepted"
        );
        assert_eq!(r("arn:aws:iam::123456789012:thing/x"), IAM_RESOURCE_TYPES);
        assert_eq!(r("arn:aws:s3*:::bucket"), VENDOR_REGEX);
        assert_eq!(r("arn:aws:logs:*:*:*"), "accepted");
        assert_eq!(r("arn:aws:iam::*:user/${aws:username}"), "accepted");
    }

    #[test]
    fn sids_must_be_unique_and_dates_must_parse() {
        let twice = r#"{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}"#;
        assert_eq!(identity(twice), DUPLICATE_SID);
        let bad_date = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"soon"}}}"#;
        assert_eq!(identity(bad_date), "The policy failed legacy parsing");
        let mfa = r#"{"Effect":"Deny","NotAction":["iam:*"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":false}}}"#;
        assert_eq!(identity(mfa), "accepted");
    }

    #[test]
    fn trust_policies_need_principals_and_only_sts_actions() {
        assert_eq!(
            trust(
                r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#
            ),
            "accepted"
        );
        assert_eq!(
            trust(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"sts:ExternalId":"x"}}}"#
            ),
            "accepted"
        );
        assert_eq!(
            trust(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:*"}"#),
            "accepted"
        );
        assert_eq!(
            trust(
                r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}"#
            ),
            TRUST_ACTIONS
        );
        assert_eq!(
            trust(r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}"#),
            RESOURCE_IN_TRUST
        );
        assert_eq!(
            trust(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#),
            NO_PRINCIPALS
        );
        assert_eq!(
            trust(r#"{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}"#),
            "Invalid principal in policy: \"AWS\":\"bob\""
        );
    }

    #[test]
    fn size_counts_everything_but_whitespace_outside_strings() {
        assert_eq!(
            counted_size("{ \"a b\" : [ 1 , 2 ] }"),
            "{\"a b\":[1,2]}".len()
        );
        assert_eq!(counted_size("\"x\\\" y\""), 7);
    }
}
