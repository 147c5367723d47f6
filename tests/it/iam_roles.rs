//! IAM roles and their trust policies through the AWS SDK for Rust.

use aws_sdk_iam::types::Role;

use crate::common::{
    self, EC2_TRUST, S3_READ, aws_error, create_policy, create_role, decode_document, tag,
};

/// A trust policy with tabs, CR LF, a trailing newline and characters URL encoding must carry.
const SPACED_TRUST: &str = "{\r\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [{\n\t\t\
     \"Effect\": \"Allow\",\n\t\t\"Principal\": {\"Service\": [\"lambda.amazonaws.com\"]},\n\t\t\
     \"Action\": \"sts:AssumeRole\",\n\t\t\"Condition\": {\"StringEquals\": \
     {\"sts:ExternalId\": \"a+b c%d&e=f\"}}\n\t}]\n}\n";

const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

async fn get_role(iam: &aws_sdk_iam::Client, name: &str) -> Role {
    iam.get_role()
        .role_name(name)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
}

async fn role_names(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam.list_roles().send().await.unwrap();
    assert!(!out.is_truncated());
    out.roles()
        .iter()
        .map(|r| r.role_name().to_owned())
        .collect()
}

fn trust_of(role: &Role) -> String {
    decode_document(role.assume_role_policy_document().unwrap())
}

/// A trust policy whose whitespace-free text is `size` characters long, padded with `pad`
/// spaces after every comma.
fn trust_of_size(size: usize, pad: usize) -> String {
    let head = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":""#;
    let tail = r#""}}}]}"#;
    let fill = "x".repeat(size - head.len() - tail.len());
    let compact = format!("{head}{fill}{tail}");
    assert_eq!(compact.len(), size);
    compact.replace(',', &format!(",{}", " ".repeat(pad)))
}

async fn assert_create_role_malformed(document: &str, message: &str) {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_role()
            .role_name("bad")
            .assume_role_policy_document(document)
            .send()
            .await,
    );
    error.assert_is("MalformedPolicyDocument", 400, message);
    assert!(role_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_role_returns_its_path_arn_aroa_id_and_default_session_length() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_role()
        .role_name("app")
        .path("/services/")
        .description("Runs the app")
        .assume_role_policy_document(EC2_TRUST)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(created.role_name(), "app");
    assert_eq!(created.path(), "/services/");
    assert_eq!(created.arn(), "arn:aws:iam::000000000000:role/services/app");
    let id = created.role_id();
    assert!(id.starts_with("AROA") && id.len() == 21, "{id}");
    assert_eq!(trust_of(&created), EC2_TRUST);

    let read = get_role(&iam, "app").await;
    assert_eq!(read.role_id(), id);
    assert_eq!(read.description(), Some("Runs the app"));
    assert_eq!(read.max_session_duration(), Some(3600));
}

#[tokio::test]
async fn get_role_returns_the_trust_policy_exactly_as_submitted() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_role()
        .role_name("fn")
        .assume_role_policy_document(SPACED_TRUST)
        .send()
        .await
        .unwrap();
    assert_eq!(trust_of(&get_role(&iam, "fn").await), SPACED_TRUST);
}

#[tokio::test]
async fn role_names_are_unique_ignoring_case() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_role(&iam, "App").await;
    let error = aws_error(
        iam.create_role()
            .role_name("APP")
            .assume_role_policy_document(LAMBDA_TRUST)
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "Role with name APP already exists.",
    );
    assert_eq!(role_names(&iam).await, ["App"]);
    let read = get_role(&iam, "App").await;
    assert_eq!(read.role_id(), first.role_id());
    assert_eq!(trust_of(&read), EC2_TRUST);
}

#[tokio::test]
async fn get_role_of_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.get_role()
            .role_name("test-nonexistent-role")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name test-nonexistent-role cannot be found.",
    );
}

#[tokio::test]
async fn a_trust_policy_that_is_not_json_is_invalid_json() {
    assert_create_role_malformed("not valid json", "This policy contains invalid Json").await;
}

#[tokio::test]
async fn a_trust_policy_with_a_resource_is_malformed() {
    assert_create_role_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
        "Has prohibited field Resource",
    )
    .await;
}

#[tokio::test]
async fn a_trust_policy_with_a_non_sts_action_is_malformed() {
    assert_create_role_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]}"#,
        "AssumeRole policy may only specify STS AssumeRole actions.",
    )
    .await;
}

#[tokio::test]
async fn a_trust_policy_over_2048_characters_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_role()
            .role_name("big")
            .assume_role_policy_document(trust_of_size(2049, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for ACLSizePerRole: 2048",
    );
    assert!(role_names(&iam).await.is_empty());
}

#[tokio::test]
async fn whitespace_does_not_count_towards_the_trust_policy_size() {
    let server = common::spawn().await;
    let iam = server.iam();
    let document = trust_of_size(2048, 1000);
    assert!(document.len() > 4000);
    iam.create_role()
        .role_name("airy")
        .assume_role_policy_document(&document)
        .send()
        .await
        .unwrap();
    assert_eq!(trust_of(&get_role(&iam, "airy").await), document);
}

#[tokio::test]
async fn a_max_session_duration_outside_one_to_twelve_hours_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_role()
            .role_name("short")
            .assume_role_policy_document(EC2_TRUST)
            .max_session_duration(3599)
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    let error = aws_error(
        iam.create_role()
            .role_name("long")
            .assume_role_policy_document(EC2_TRUST)
            .max_session_duration(43201)
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    assert!(role_names(&iam).await.is_empty());
}

#[tokio::test]
async fn update_role_changes_the_session_length_and_description() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    iam.update_role()
        .role_name("app")
        .max_session_duration(43200)
        .description("twelve hours")
        .send()
        .await
        .unwrap();
    let read = get_role(&iam, "app").await;
    assert_eq!(read.max_session_duration(), Some(43200));
    assert_eq!(read.description(), Some("twelve hours"));
    assert_eq!(trust_of(&read), EC2_TRUST);
}

#[tokio::test]
async fn update_role_with_a_session_length_over_twelve_hours_changes_nothing() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    let error = aws_error(
        iam.update_role()
            .role_name("app")
            .max_session_duration(43201)
            .description("too long")
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    let read = get_role(&iam, "app").await;
    assert_eq!(read.max_session_duration(), Some(3600));
    assert_eq!(read.description(), None);
}

#[tokio::test]
async fn update_role_of_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.update_role()
            .role_name("test-nonexistent-role")
            .description("test")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name test-nonexistent-role cannot be found.",
    );
}

#[tokio::test]
async fn update_role_description_returns_the_updated_role() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = create_role(&iam, "app").await;
    let updated = iam
        .update_role_description()
        .role_name("app")
        .description("new words")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(updated.role_name(), "app");
    assert_eq!(updated.role_id(), created.role_id());
    assert_eq!(updated.description(), Some("new words"));
    assert_eq!(trust_of(&updated), EC2_TRUST);
    assert_eq!(get_role(&iam, "app").await.description(), Some("new words"));
}

#[tokio::test]
async fn update_assume_role_policy_replaces_the_trust_policy() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    iam.update_assume_role_policy()
        .role_name("app")
        .policy_document(SPACED_TRUST)
        .send()
        .await
        .unwrap();
    assert_eq!(trust_of(&get_role(&iam, "app").await), SPACED_TRUST);
}

#[tokio::test]
async fn update_assume_role_policy_with_a_bad_policy_keeps_the_old_one() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    let cases = [
        ("not valid json", "This policy contains invalid Json"),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"iam:PassRole"}]}"#,
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
            "Has prohibited field Resource",
        ),
    ];
    for (document, message) in cases {
        let error = aws_error(
            iam.update_assume_role_policy()
                .role_name("app")
                .policy_document(document)
                .send()
                .await,
        );
        error.assert_is("MalformedPolicyDocument", 400, message);
    }
    assert_eq!(trust_of(&get_role(&iam, "app").await), EC2_TRUST);
}

#[tokio::test]
async fn list_roles_leaves_out_tags_boundary_and_last_use_that_get_role_shows() {
    let server = common::spawn().await;
    let iam = server.iam();
    let boundary = create_policy(&iam, "boundary", S3_READ).await.arn.unwrap();
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(EC2_TRUST)
        .permissions_boundary(&boundary)
        .tags(tag("team", "core"))
        .send()
        .await
        .unwrap();

    let out = iam.list_roles().send().await.unwrap();
    let [listed] = out.roles() else {
        panic!("one role: {:?}", out.roles())
    };
    assert!(listed.tags().is_empty());
    assert!(listed.permissions_boundary().is_none());
    assert!(listed.role_last_used().is_none());
    assert_eq!(trust_of(listed), EC2_TRUST);

    let read = get_role(&iam, "app").await;
    let tags: Vec<(&str, &str)> = read.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "core")]);
    let attached = read.permissions_boundary().unwrap();
    assert_eq!(attached.permissions_boundary_arn(), Some(boundary.as_str()));
    assert!(read.role_last_used().is_some());
}

#[tokio::test]
async fn list_roles_pages_through_every_role_once_and_filters_by_path() {
    let server = common::spawn().await;
    let iam = server.iam();
    for (name, path) in [("d", "/svc/"), ("a", "/svc/"), ("c", "/"), ("b", "/svc/x/")] {
        iam.create_role()
            .role_name(name)
            .path(path)
            .assume_role_policy_document(EC2_TRUST)
            .send()
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_roles()
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        seen.extend(out.roles().iter().map(|r| r.role_name().to_owned()));
        if !out.is_truncated() {
            break;
        }
        marker = Some(out.marker().unwrap().to_owned());
    }
    assert_eq!(seen, ["a", "b", "c", "d"]);

    let out = iam.list_roles().path_prefix("/svc/").send().await.unwrap();
    let names: Vec<&str> = out.roles().iter().map(Role::role_name).collect();
    assert_eq!(names, ["a", "b", "d"]);
}

#[tokio::test]
async fn a_permissions_boundary_that_does_not_exist_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = "arn:aws:iam::000000000000:policy/nonexistent-policy";
    let error = aws_error(
        iam.create_role()
            .role_name("bounded")
            .assume_role_policy_document(EC2_TRUST)
            .permissions_boundary(arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Scope ARN: {arn} does not exist or is not attachable."),
    );
    assert!(role_names(&iam).await.is_empty());
}

#[tokio::test]
async fn a_permissions_boundary_that_is_not_a_policy_arn_is_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = "arn:aws:iam::000000000000:not_a_policy/invalid";
    let error = aws_error(
        iam.create_role()
            .role_name("bounded")
            .assume_role_policy_document(EC2_TRUST)
            .permissions_boundary(arn)
            .send()
            .await,
    );
    error.assert_is("InvalidInput", 400, &format!("ARN {arn} is not valid."));
    assert!(role_names(&iam).await.is_empty());
}

#[tokio::test]
async fn role_tags_are_added_listed_and_removed() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(EC2_TRUST)
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    iam.tag_role()
        .role_name("app")
        .tags(tag("team", "core"))
        .send()
        .await
        .unwrap();
    iam.untag_role()
        .role_name("app")
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let out = iam.list_role_tags().role_name("app").send().await.unwrap();
    let tags: Vec<(&str, &str)> = out.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "core")]);
}

#[tokio::test]
async fn duplicate_tag_keys_on_create_role_are_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_role()
            .role_name("app")
            .assume_role_policy_document(EC2_TRUST)
            .tags(tag("mykey", "val1"))
            .tags(tag("MyKey", "val2"))
            .send()
            .await,
    );
    error.assert_is(
        "InvalidInput",
        400,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
    assert!(role_names(&iam).await.is_empty());
}

#[tokio::test]
async fn tagging_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.tag_role()
            .role_name("test-nonexistent-role")
            .tags(tag("somekey", "somevalue"))
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name test-nonexistent-role cannot be found.",
    );
}

#[tokio::test]
async fn deleting_a_role_removes_it_and_frees_its_name() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_role(&iam, "app").await;
    iam.delete_role().role_name("app").send().await.unwrap();
    let error = aws_error(iam.get_role().role_name("app").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name app cannot be found.",
    );
    assert!(role_names(&iam).await.is_empty());
    let again = create_role(&iam, "app").await;
    assert_ne!(again.role_id(), first.role_id());
}

#[tokio::test]
async fn deleting_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.delete_role()
            .role_name("test-nonexistent-role")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name test-nonexistent-role cannot be found.",
    );
}
