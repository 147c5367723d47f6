//! Service-linked roles through the AWS SDK for Rust: named and placed by their service,
//! trusted only by it, and changed or deleted only through the service-linked operations.

use aws_sdk_iam::types::{DeletionTaskStatusType, Role};

use crate::common::{self, S3_READ, aws_error, create_policy, decode_document};

const BATCH: &str = "batch.amazonaws.com";
const BATCH_ROLE: &str = "AWSServiceRoleForBatch";

fn protected(name: &str) -> String {
    format!(
        "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
    )
}

async fn create_service_linked_role(iam: &aws_sdk_iam::Client, service: &str) -> Role {
    iam.create_service_linked_role()
        .aws_service_name(service)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
}

async fn get_role(iam: &aws_sdk_iam::Client, name: &str) -> Role {
    iam.get_role()
        .role_name(name)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
}

#[tokio::test]
async fn a_service_linked_role_is_named_and_placed_by_its_service() {
    let server = common::spawn().await;
    let iam = server.iam();
    let role = create_service_linked_role(&iam, BATCH).await;
    assert_eq!(role.role_name(), BATCH_ROLE);
    assert_eq!(role.path(), "/aws-service-role/batch.amazonaws.com/");
    assert_eq!(
        role.arn(),
        "arn:aws:iam::000000000000:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
    );
    assert!(role.role_id().starts_with("AROA"));
    assert_eq!(get_role(&iam, BATCH_ROLE).await.role_id(), role.role_id());
}

#[tokio::test]
async fn a_service_linked_role_is_trusted_by_its_service_only() {
    let server = common::spawn().await;
    let iam = server.iam();
    let role = create_service_linked_role(&iam, BATCH).await;
    let trust = decode_document(role.assume_role_policy_document().unwrap());
    let json: serde_json::Value = serde_json::from_str(&trust).unwrap();
    let statements = json["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let statement = &statements[0];
    assert_eq!(statement["Effect"], "Allow");
    let service = &statement["Principal"]["Service"];
    assert!(
        *service == BATCH || *service == serde_json::json!([BATCH]),
        "{service}"
    );
    let action = &statement["Action"];
    assert!(
        *action == "sts:AssumeRole" || *action == serde_json::json!(["sts:AssumeRole"]),
        "{action}"
    );
}

#[tokio::test]
async fn the_elastic_beanstalk_role_is_named_as_aws_names_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    let role = create_service_linked_role(&iam, "elasticbeanstalk.amazonaws.com").await;
    assert_eq!(role.role_name(), "AWSServiceRoleForElasticBeanstalk");
    assert_eq!(
        role.path(),
        "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    );
}

#[tokio::test]
async fn a_description_given_at_creation_is_kept() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_service_linked_role()
        .aws_service_name(BATCH)
        .description("Batch compute environments")
        .send()
        .await
        .unwrap();
    assert_eq!(
        get_role(&iam, BATCH_ROLE).await.description(),
        Some("Batch compute environments")
    );
}

#[tokio::test]
async fn creating_the_same_service_linked_role_again_is_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_service_linked_role(&iam, BATCH).await;
    let error = aws_error(
        iam.create_service_linked_role()
            .aws_service_name(BATCH)
            .send()
            .await,
    );
    error.assert_is(
        "InvalidInput",
        400,
        "Service role name AWSServiceRoleForBatch has been taken in this account, please try a different suffix.",
    );
    assert_eq!(get_role(&iam, BATCH_ROLE).await.role_id(), first.role_id());
}

#[tokio::test]
async fn a_custom_suffix_for_a_service_that_does_not_allow_one_is_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_service_linked_role()
            .aws_service_name("elasticbeanstalk.amazonaws.com")
            .custom_suffix("mine")
            .send()
            .await,
    );
    error.assert_is(
        "InvalidInput",
        400,
        "Custom suffix is not allowed for elasticbeanstalk.amazonaws.com",
    );
    let out = iam.list_roles().send().await.unwrap();
    assert!(out.roles().is_empty());
}

#[tokio::test]
async fn a_custom_suffix_follows_the_role_name_after_an_underscore() {
    let server = common::spawn().await;
    let iam = server.iam();
    let role = iam
        .create_service_linked_role()
        .aws_service_name("autoscaling.amazonaws.com")
        .custom_suffix("mysuffix")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.role_name(), "AWSServiceRoleForAutoScaling_mysuffix");
    assert_eq!(role.path(), "/aws-service-role/autoscaling.amazonaws.com/");
}

#[tokio::test]
async fn deleting_a_service_linked_role_reports_a_task_that_succeeds() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_service_linked_role(&iam, BATCH).await;
    let task = iam
        .delete_service_linked_role()
        .role_name(BATCH_ROLE)
        .send()
        .await
        .unwrap()
        .deletion_task_id;
    assert!(
        task.starts_with("task/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch/"),
        "{task}"
    );
    let status = iam
        .get_service_linked_role_deletion_status()
        .deletion_task_id(&task)
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), &DeletionTaskStatusType::Succeeded);
    let error = aws_error(iam.get_role().role_name(BATCH_ROLE).send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name AWSServiceRoleForBatch cannot be found.",
    );
}

#[tokio::test]
async fn delete_role_on_a_service_linked_role_is_unmodifiable_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let role = create_service_linked_role(&iam, BATCH).await;
    let error = aws_error(iam.delete_role().role_name(BATCH_ROLE).send().await);
    error.assert_is("UnmodifiableEntity", 400, &protected(BATCH_ROLE));
    assert_eq!(get_role(&iam, BATCH_ROLE).await.role_id(), role.role_id());
}

#[tokio::test]
async fn update_role_on_a_service_linked_role_is_unmodifiable_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_service_linked_role(&iam, BATCH).await;
    let error = aws_error(
        iam.update_role()
            .role_name(BATCH_ROLE)
            .max_session_duration(7200)
            .send()
            .await,
    );
    error.assert_is("UnmodifiableEntity", 400, &protected(BATCH_ROLE));
    assert_eq!(
        get_role(&iam, BATCH_ROLE).await.max_session_duration(),
        Some(3600)
    );
}

#[tokio::test]
async fn replacing_the_trust_policy_of_a_service_linked_role_is_unmodifiable_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let role = create_service_linked_role(&iam, BATCH).await;
    let error = aws_error(
        iam.update_assume_role_policy()
            .role_name(BATCH_ROLE)
            .policy_document(common::EC2_TRUST)
            .send()
            .await,
    );
    error.assert_is("UnmodifiableEntity", 400, &protected(BATCH_ROLE));
    let read = get_role(&iam, BATCH_ROLE).await;
    assert_eq!(
        read.assume_role_policy_document(),
        role.assume_role_policy_document()
    );
}

#[tokio::test]
async fn attaching_or_putting_policies_on_a_service_linked_role_is_unmodifiable_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_service_linked_role(&iam, BATCH).await;
    let arn = create_policy(&iam, "extra", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.attach_role_policy()
            .role_name(BATCH_ROLE)
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is("UnmodifiableEntity", 400, &protected(BATCH_ROLE));
    let error = aws_error(
        iam.put_role_policy()
            .role_name(BATCH_ROLE)
            .policy_name("extra")
            .policy_document(S3_READ)
            .send()
            .await,
    );
    error.assert_is("UnmodifiableEntity", 400, &protected(BATCH_ROLE));
    let attached = iam
        .list_attached_role_policies()
        .role_name(BATCH_ROLE)
        .send()
        .await
        .unwrap();
    assert!(attached.attached_policies().is_empty());
    let inline = iam
        .list_role_policies()
        .role_name(BATCH_ROLE)
        .send()
        .await
        .unwrap();
    assert!(inline.policy_names().is_empty());
}
