//! Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole, and the service-linked role operations.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::ids::{self, IdPrefix};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::StoreError;
use crate::store::roles::{Role, RoleChanges};
use crate::store::tags::Tag;

use super::documents::{self, DOCUMENT_RULE};
use super::input::{
    ARN_RULE, Input, NAME, PATH_PREFIX_RULE, PATH_RULE, ROLE_DESCRIPTION, ROLE_NAME, Rule,
};
use super::page::{Page, PageRequest};
use super::{boundary, errors, subject, tags};

/// `roleMaxSessionDurationType`.
const MAX_SESSION: (i64, i64) = (3600, 43200);

/// Creates a role with its trust policy.
pub async fn create_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    let path = input
        .optional("Path", &PATH_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let trust = input.required("AssumeRolePolicyDocument", &DOCUMENT_RULE);
    let description = input.optional("Description", &ROLE_DESCRIPTION);
    let max_session = input.integer("MaxSessionDuration", MAX_SESSION.0, MAX_SESSION.1);
    let boundary_arn = input.optional("PermissionsBoundary", &ARN_RULE);
    let new_tags = input.tags("Tags").unwrap_or_default();
    input.finish()?;
    tags::check_new(&new_tags)?;
    if path.starts_with("/aws-service-role/") {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles",
        ));
    }
    let parsed = documents::validate_trust(&trust)?;
    documents::check_trust_principals(ctx, &parsed).await?;
    if let Some(arn) = &boundary_arn {
        boundary::check(ctx, arn).await?;
    }

    let role = Role {
        role_id: ids::unique_id(IdPrefix::Role),
        account_id: ctx.principal.account_id.clone(),
        role_name: name,
        path,
        created_at: ctx.app.clock.now(),
        assume_role_policy: trust,
        description,
        max_session_duration: max_session.unwrap_or(MAX_SESSION.0),
        permissions_boundary_arn: boundary_arn,
        last_used_at: None,
        last_used_region: None,
    };
    create(ctx, &role, &new_tags).await
}

async fn create(ctx: &RequestCtx<'_>, role: &Role, new_tags: &[Tag]) -> HandlerResult {
    ctx.app
        .store
        .create_role(role, new_tags)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::role_exists(&role.role_name),
            other => errors::store(other),
        })?;
    let mut w = XmlWriter::new();
    w.element("Role", |w| write_role(w, role, View::Created(new_tags)));
    Ok(Reply::Result(w.finish()))
}

/// A role with tags, boundary and last use.
pub async fn get_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    input.finish()?;
    // RoleLastUsed is shown: write out the uses recorded since the last flush first.
    ctx.app
        .store
        .flush_role_usage()
        .await
        .map_err(errors::store)?;
    let role = subject::role(ctx, &name).await?;
    let role_tags = ctx
        .app
        .store
        .tags(&role.role_id)
        .await
        .map_err(errors::store)?;
    let mut w = XmlWriter::new();
    w.element("Role", |w| write_role(w, &role, View::Full(&role_tags)));
    Ok(Reply::Result(w.finish()))
}

/// One page of roles, by name, filtered by path prefix.
pub async fn list_roles(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let store = &ctx.app.store;
    let rows = store
        .list_roles(
            &ctx.principal.account_id,
            &prefix,
            after.as_deref(),
            page.fetch_limit(),
        )
        .await
        .map_err(errors::store)?;
    let page = Page::from_rows(rows, &page, |r| r.role_name.clone());
    let mut w = XmlWriter::new();
    w.list("Roles", &page.items, |w, role| {
        write_role(w, role, View::Listed)
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// Changes a role's description and/or maximum session duration.
pub async fn update_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    let description = input.optional("Description", &ROLE_DESCRIPTION);
    let max_session = input.integer("MaxSessionDuration", MAX_SESSION.0, MAX_SESSION.1);
    input.finish()?;
    let role = modifiable_role(ctx, &name).await?;
    let changes = RoleChanges {
        description: description.as_deref(),
        max_session_duration: max_session,
        ..RoleChanges::default()
    };
    update(ctx, &role, &changes).await?;
    // UpdateRole has an (empty) output shape, so AWS sends an empty `<UpdateRoleResult/>`;
    // SDKs (boto3, Terraform's) fail without it.
    Ok(Reply::Result(String::new()))
}

/// Changes a role's description and answers with the role.
pub async fn update_role_description(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    let description = input.required("Description", &ROLE_DESCRIPTION);
    input.finish()?;
    let role = modifiable_role(ctx, &name).await?;
    update(
        ctx,
        &role,
        &RoleChanges {
            description: Some(&description),
            ..RoleChanges::default()
        },
    )
    .await?;
    ctx.app
        .store
        .flush_role_usage()
        .await
        .map_err(errors::store)?;
    let role = subject::role(ctx, &name).await?;
    let mut w = XmlWriter::new();
    w.element("Role", |w| write_role(w, &role, View::Full(&[])));
    Ok(Reply::Result(w.finish()))
}

/// Replaces a role's trust policy.
pub async fn update_assume_role_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    let document = input.required("PolicyDocument", &DOCUMENT_RULE);
    input.finish()?;
    let parsed = documents::validate_trust(&document)?;
    let role = modifiable_role(ctx, &name).await?;
    documents::check_trust_principals(ctx, &parsed).await?;
    update(
        ctx,
        &role,
        &RoleChanges {
            assume_role_policy: Some(&document),
            ..RoleChanges::default()
        },
    )
    .await?;
    Ok(Reply::Empty)
}

/// Deletes a role with no policies and no instance profiles.
pub async fn delete_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    input.finish()?;
    let role = modifiable_role(ctx, &name).await?;
    ctx.app
        .store
        .delete_role(&role.role_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_role(&name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Creates the service-linked role of an AWS service, trusting that service.
pub async fn create_service_linked_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let service = input.required("AWSServiceName", &Rule::new(1, 128, &NAME));
    let description = input.optional("Description", &ROLE_DESCRIPTION);
    let suffix = input.optional("CustomSuffix", &Rule::new(1, 64, &NAME));
    input.finish()?;
    if !service.ends_with(".amazonaws.com") {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Service name {service} is not a valid service name."),
        ));
    }
    if suffix.is_some() && !ALLOWS_SUFFIX.contains(&service.as_str()) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Custom suffix is not allowed for {service}"),
        ));
    }
    let mut name = format!("AWSServiceRoleFor{}", service_role_stem(&service));
    if let Some(suffix) = &suffix {
        name = format!("{name}_{suffix}");
    }
    if subject::role(ctx, &name).await.is_ok() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "Service role name {name} has been taken in this account, please try a different suffix."
            ),
        ));
    }
    let trust = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":[\"{service}\"]}},\"Action\":[\"sts:AssumeRole\"]}}]}}"
    );
    let role = Role {
        role_id: ids::unique_id(IdPrefix::Role),
        account_id: ctx.principal.account_id.clone(),
        role_name: name,
        path: format!("/aws-service-role/{service}/"),
        created_at: ctx.app.clock.now(),
        assume_role_policy: trust,
        description,
        max_session_duration: MAX_SESSION.0,
        permissions_boundary_arn: None,
        last_used_at: None,
        last_used_region: None,
    };
    create(ctx, &role, &[]).await
}

/// Deletes a service-linked role; iamd finishes the deletion task at once.
pub async fn delete_service_linked_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    input.finish()?;
    let role = subject::role(ctx, &name).await?;
    let Some(service) = service_of(&role) else {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Role {name} is not a service-linked role."),
        ));
    };
    ctx.app
        .store
        .delete_role(&role.role_id)
        .await
        .map_err(errors::store)?;
    let task = format!(
        "task/aws-service-role/{service}/{}/{}",
        role.role_name,
        uuid::Uuid::new_v4()
    );
    if let Ok(mut tasks) = ctx.app.deletion_tasks.lock() {
        tasks.insert(task.clone());
    }
    let mut w = XmlWriter::new();
    w.text("DeletionTaskId", &task);
    Ok(Reply::Result(w.finish()))
}

/// The status of a deletion task: iamd's tasks are done when created.
pub async fn get_service_linked_role_deletion_status(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let task = input.required(
        "DeletionTaskId",
        &Rule {
            min: 1,
            max: Some(1000),
            pattern: None,
        },
    );
    input.finish()?;
    let known = ctx
        .app
        .deletion_tasks
        .lock()
        .is_ok_and(|tasks| tasks.contains(&task));
    if !known {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Deletion task {task} cannot be found."),
        ));
    }
    let mut w = XmlWriter::new();
    w.text("Status", "SUCCEEDED");
    Ok(Reply::Result(w.finish()))
}

/// Services that accept a custom suffix on their service-linked role.
const ALLOWS_SUFFIX: &[&str] = &[
    "autoscaling.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
];

/// Service-linked role names AWS spells other than by capitalising the service's name parts.
const KNOWN_STEMS: &[(&str, &str)] = &[
    ("autoscaling.amazonaws.com", "AutoScaling"),
    ("elasticbeanstalk.amazonaws.com", "ElasticBeanstalk"),
    ("elasticloadbalancing.amazonaws.com", "ElasticLoadBalancing"),
    ("elasticache.amazonaws.com", "ElastiCache"),
    ("elasticmapreduce.amazonaws.com", "EMRCleanup"),
    ("elasticfilesystem.amazonaws.com", "AmazonElasticFileSystem"),
    ("ecs.amazonaws.com", "ECS"),
    ("eks.amazonaws.com", "AmazonEKS"),
    ("eks-nodegroup.amazonaws.com", "AmazonEKSNodegroup"),
    ("rds.amazonaws.com", "RDS"),
    (
        "dynamodb.application-autoscaling.amazonaws.com",
        "ApplicationAutoScaling_DynamoDBTable",
    ),
    (
        "ecs.application-autoscaling.amazonaws.com",
        "ApplicationAutoScaling_ECSService",
    ),
    ("cloudtrail.amazonaws.com", "CloudTrail"),
    ("config.amazonaws.com", "Config"),
    ("guardduty.amazonaws.com", "AmazonGuardDuty"),
    ("organizations.amazonaws.com", "Organizations"),
    ("ssm.amazonaws.com", "AmazonSSM"),
    ("support.amazonaws.com", "Support"),
    ("trustedadvisor.amazonaws.com", "TrustedAdvisor"),
    ("batch.amazonaws.com", "Batch"),
    ("lambda.amazonaws.com", "Lambda"),
    ("spot.amazonaws.com", "EC2Spot"),
    ("spotfleet.amazonaws.com", "EC2SpotFleet"),
    ("ec2scheduled.amazonaws.com", "EC2Scheduled"),
    ("acm.amazonaws.com", "CertificateManager"),
    ("kafka.amazonaws.com", "Kafka"),
    ("redshift.amazonaws.com", "Redshift"),
    ("es.amazonaws.com", "AmazonElasticsearchService"),
    ("opensearchservice.amazonaws.com", "AmazonOpenSearchService"),
];

fn service_role_stem(service: &str) -> String {
    if let Some((_, stem)) = KNOWN_STEMS.iter().find(|(name, _)| *name == service) {
        return (*stem).to_owned();
    }
    let head = service.trim_end_matches(".amazonaws.com");
    head.split(['.', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn service_of(role: &Role) -> Option<&str> {
    role.path
        .strip_prefix("/aws-service-role/")?
        .strip_suffix('/')
}

/// A role the caller may change: service-linked roles belong to their service.
async fn modifiable_role(ctx: &RequestCtx<'_>, name: &str) -> Result<Role, ApiError> {
    let role = subject::role(ctx, name).await?;
    check_modifiable(&role)?;
    Ok(role)
}

/// Refuses changes to a service-linked role.
///
/// # Errors
/// `UnmodifiableEntity` with AWS's wording.
pub fn check_modifiable(role: &Role) -> Result<(), ApiError> {
    if service_of(role).is_none() {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::UnmodifiableEntity,
        format!(
            "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
            role.role_name
        ),
    ))
}

async fn update(
    ctx: &RequestCtx<'_>,
    role: &Role,
    changes: &RoleChanges<'_>,
) -> Result<(), ApiError> {
    ctx.app
        .store
        .update_role(&role.role_id, changes)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_role(&role.role_name),
            other => errors::store(other),
        })
}

/// How much of a role to write.
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    /// CreateRole's answer.
    Created(&'a [Tag]),
    /// GetRole: tags, boundary, last use.
    Full(&'a [Tag]),
    /// ListRoles and instance profile role lists.
    Listed,
}

/// The members of a `Role` element.
pub fn write_role(w: &mut XmlWriter, role: &Role, view: View<'_>) {
    w.text("Path", &role.path);
    w.text("RoleName", &role.role_name);
    w.text("RoleId", &role.role_id);
    w.text("Arn", &role.arn());
    w.timestamp("CreateDate", role.created_at);
    w.text(
        "AssumeRolePolicyDocument",
        &documents::encode(&role.assume_role_policy),
    );
    w.opt_text(
        "Description",
        role.description.as_deref().filter(|d| !d.is_empty()),
    );
    w.number("MaxSessionDuration", role.max_session_duration);
    if matches!(view, View::Listed) {
        return;
    }
    if let Some(arn) = &role.permissions_boundary_arn {
        boundary::write(w, arn);
    }
    if let View::Created(t) | View::Full(t) = view
        && !t.is_empty()
    {
        tags::write(w, t);
    }
    if let View::Full(_) = view {
        w.element("RoleLastUsed", |w| {
            if let Some(at) = role.last_used_at {
                w.timestamp("LastUsedDate", at);
            }
            w.opt_text("Region", role.last_used_region.as_deref());
        });
    }
}
