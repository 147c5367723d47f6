//! GetAccountAuthorizationDetails through the AWS SDK for Rust: every user, group, role and
//! policy with its documents and attachments, filtered and paged.

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::EntityType;

use crate::common::{
    self, S3_READ, create_group, create_instance_profile, create_policy, create_role, create_user,
    decode_document, tag,
};

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// An inline document with tabs and newlines, kept verbatim.
const INLINE: &str = "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [{\"Effect\": \"Allow\", \
     \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}]\n}\n";

/// A second policy version, laid out differently from the first.
const SECOND: &str = "{ \"Version\" : \"2012-10-17\" , \"Statement\" : [ { \"Effect\" : \"Deny\" , \
     \"Action\" : \"s3:DeleteObject\" , \"Resource\" : \"*\" } ] }";

/// A trust policy for Lambda with spacing of its own.
const LAMBDA_TRUST: &str = "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \
     \"Principal\": {\"Service\": \"lambda.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]}";

/// An account with one of everything: user `alice` in group `devs`, role `app` in instance
/// profile `web`, customer policy `shared` (two versions) attached to all three, inline
/// policies on each, and AdministratorAccess attached to the group.
async fn populate(iam: &aws_sdk_iam::Client) -> String {
    let shared = create_policy(iam, "shared", S3_READ).await.arn.unwrap();
    iam.create_policy_version()
        .policy_arn(&shared)
        .policy_document(SECOND)
        .send()
        .await
        .unwrap();
    create_user(iam, "alice").await;
    create_group(iam, "devs").await;
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(LAMBDA_TRUST)
        .permissions_boundary(&shared)
        .tags(tag("team", "core"))
        .send()
        .await
        .unwrap();
    create_instance_profile(iam, "web").await;
    iam.add_role_to_instance_profile()
        .instance_profile_name("web")
        .role_name("app")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("devs")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(&shared)
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("devs")
        .policy_arn(&shared)
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("devs")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("app")
        .policy_arn(&shared)
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("alice-inline")
        .policy_document(INLINE)
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("devs")
        .policy_name("devs-inline")
        .policy_document(INLINE)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("app")
        .policy_name("app-inline")
        .policy_document(INLINE)
        .send()
        .await
        .unwrap();
    shared
}

async fn details(
    iam: &aws_sdk_iam::Client,
    filter: &[EntityType],
) -> GetAccountAuthorizationDetailsOutput {
    let out = iam
        .get_account_authorization_details()
        .set_filter((!filter.is_empty()).then(|| filter.to_vec()))
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    out
}

fn counts(out: &GetAccountAuthorizationDetailsOutput) -> [usize; 4] {
    [
        out.user_detail_list().len(),
        out.group_detail_list().len(),
        out.role_detail_list().len(),
        out.policies().len(),
    ]
}

#[tokio::test]
async fn without_a_filter_every_kind_of_entity_is_returned() {
    let server = common::spawn().await;
    let iam = server.iam();
    populate(&iam).await;
    let out = details(&iam, &[]).await;
    assert_eq!(out.user_detail_list()[0].user_name(), Some("alice"));
    assert_eq!(out.group_detail_list()[0].group_name(), Some("devs"));
    assert_eq!(out.role_detail_list()[0].role_name(), Some("app"));
    let mut arns: Vec<&str> = out.policies().iter().map(|p| p.arn().unwrap()).collect();
    arns.sort_unstable();
    assert_eq!(arns, [common::policy_arn("shared").as_str(), ADMIN]);
    assert_eq!(counts(&out), [1, 1, 1, 2]);
}

#[tokio::test]
async fn a_user_detail_carries_groups_inline_documents_and_attachments() {
    let server = common::spawn().await;
    let iam = server.iam();
    let shared = populate(&iam).await;
    let out = details(&iam, &[EntityType::User]).await;
    assert_eq!(counts(&out), [1, 0, 0, 0]);
    let user = &out.user_detail_list()[0];
    assert_eq!(user.arn(), Some("arn:aws:iam::000000000000:user/alice"));
    assert!(user.user_id().unwrap().starts_with("AIDA"));
    assert_eq!(user.group_list(), ["devs"]);
    let [inline] = user.user_policy_list() else {
        panic!("one inline policy: {:?}", user.user_policy_list())
    };
    assert_eq!(inline.policy_name(), Some("alice-inline"));
    assert_eq!(decode_document(inline.policy_document().unwrap()), INLINE);
    let attached: Vec<&str> = user
        .attached_managed_policies()
        .iter()
        .map(|p| p.policy_arn().unwrap())
        .collect();
    assert_eq!(attached, [shared.as_str()]);
}

#[tokio::test]
async fn a_group_detail_carries_inline_documents_and_attachments() {
    let server = common::spawn().await;
    let iam = server.iam();
    let shared = populate(&iam).await;
    let out = details(&iam, &[EntityType::Group]).await;
    assert_eq!(counts(&out), [0, 1, 0, 0]);
    let group = &out.group_detail_list()[0];
    assert!(group.group_id().unwrap().starts_with("AGPA"));
    let [inline] = group.group_policy_list() else {
        panic!("one inline policy: {:?}", group.group_policy_list())
    };
    assert_eq!(inline.policy_name(), Some("devs-inline"));
    assert_eq!(decode_document(inline.policy_document().unwrap()), INLINE);
    let mut attached: Vec<&str> = group
        .attached_managed_policies()
        .iter()
        .map(|p| p.policy_arn().unwrap())
        .collect();
    attached.sort_unstable();
    assert_eq!(attached, [shared.as_str(), ADMIN]);
}

#[tokio::test]
async fn a_role_detail_carries_trust_profiles_inline_documents_boundary_and_tags() {
    let server = common::spawn().await;
    let iam = server.iam();
    let shared = populate(&iam).await;
    let out = details(&iam, &[EntityType::Role]).await;
    assert_eq!(counts(&out), [0, 0, 1, 0]);
    let role = &out.role_detail_list()[0];
    assert!(role.role_id().unwrap().starts_with("AROA"));
    assert_eq!(
        decode_document(role.assume_role_policy_document().unwrap()),
        LAMBDA_TRUST
    );
    let profiles: Vec<&str> = role
        .instance_profile_list()
        .iter()
        .map(|p| p.instance_profile_name())
        .collect();
    assert_eq!(profiles, ["web"]);
    let [inline] = role.role_policy_list() else {
        panic!("one inline policy: {:?}", role.role_policy_list())
    };
    assert_eq!(inline.policy_name(), Some("app-inline"));
    assert_eq!(decode_document(inline.policy_document().unwrap()), INLINE);
    let attached: Vec<&str> = role
        .attached_managed_policies()
        .iter()
        .map(|p| p.policy_arn().unwrap())
        .collect();
    assert_eq!(attached, [shared.as_str()]);
    let boundary = role.permissions_boundary().unwrap();
    assert_eq!(boundary.permissions_boundary_arn(), Some(shared.as_str()));
    let tags: Vec<(&str, &str)> = role.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "core")]);
}

#[tokio::test]
async fn a_local_policy_detail_lists_every_version_with_its_document() {
    let server = common::spawn().await;
    let iam = server.iam();
    let shared = populate(&iam).await;
    let out = details(&iam, &[EntityType::LocalManagedPolicy]).await;
    assert_eq!(counts(&out), [0, 0, 0, 1]);
    let policy = &out.policies()[0];
    assert_eq!(policy.arn(), Some(shared.as_str()));
    assert_eq!(policy.default_version_id(), Some("v1"));
    assert_eq!(policy.attachment_count(), Some(3));
    assert_eq!(policy.permissions_boundary_usage_count(), Some(1));
    assert!(policy.is_attachable());
    let mut versions: Vec<(&str, bool, String)> = policy
        .policy_version_list()
        .iter()
        .map(|v| {
            (
                v.version_id().unwrap(),
                v.is_default_version(),
                decode_document(v.document().unwrap()),
            )
        })
        .collect();
    versions.sort();
    assert_eq!(
        versions,
        [
            ("v1", true, S3_READ.to_owned()),
            ("v2", false, SECOND.to_owned())
        ]
    );
}

#[tokio::test]
async fn only_attached_aws_policies_are_listed_with_their_default_version() {
    let server = common::spawn().await;
    let iam = server.iam();
    populate(&iam).await;
    let out = details(&iam, &[EntityType::AwsManagedPolicy]).await;
    assert_eq!(counts(&out), [0, 0, 0, 1]);
    let policy = &out.policies()[0];
    assert_eq!(policy.arn(), Some(ADMIN));
    assert_eq!(policy.policy_name(), Some("AdministratorAccess"));
    assert_eq!(policy.attachment_count(), Some(1));
    let [version] = policy.policy_version_list() else {
        panic!("one version: {:?}", policy.policy_version_list())
    };
    assert_eq!(version.version_id(), Some("v1"));
    assert!(version.is_default_version());
    let document = decode_document(version.document().unwrap());
    let json: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(json["Statement"][0]["Action"], "*");
}

#[tokio::test]
async fn filters_combine_to_return_each_named_kind() {
    let server = common::spawn().await;
    let iam = server.iam();
    populate(&iam).await;
    let out = details(&iam, &[EntityType::User, EntityType::Role]).await;
    assert_eq!(counts(&out), [1, 0, 1, 0]);
    let out = details(
        &iam,
        &[EntityType::LocalManagedPolicy, EntityType::AwsManagedPolicy],
    )
    .await;
    assert_eq!(counts(&out), [0, 0, 0, 2]);
}

#[tokio::test]
async fn an_empty_account_has_empty_lists() {
    let server = common::spawn().await;
    let iam = server.iam();
    let out = details(&iam, &[]).await;
    assert_eq!(counts(&out), [0, 0, 0, 0]);
    assert!(out.marker().is_none());
}

#[tokio::test]
async fn paging_with_max_items_returns_every_entity_exactly_once() {
    let server = common::spawn().await;
    let iam = server.iam();
    for i in 0..4 {
        create_user(&iam, &format!("user{i}")).await;
        create_group(&iam, &format!("group{i}")).await;
        create_role(&iam, &format!("role{i}")).await;
        create_policy(&iam, &format!("policy{i}"), S3_READ).await;
    }
    let mut names = Vec::new();
    let mut pages = 0;
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .get_account_authorization_details()
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(
            counts(&out).iter().sum::<usize>() <= 3,
            "{:?}",
            counts(&out)
        );
        names.extend(
            out.user_detail_list()
                .iter()
                .map(|u| u.user_name().unwrap().to_owned()),
        );
        names.extend(
            out.group_detail_list()
                .iter()
                .map(|g| g.group_name().unwrap().to_owned()),
        );
        names.extend(
            out.role_detail_list()
                .iter()
                .map(|r| r.role_name().unwrap().to_owned()),
        );
        names.extend(
            out.policies()
                .iter()
                .map(|p| p.policy_name().unwrap().to_owned()),
        );
        if !out.is_truncated() {
            assert!(out.marker().is_none());
            break;
        }
        marker = Some(out.marker().unwrap().to_owned());
    }
    assert!(pages >= 6, "{pages} pages");
    names.sort();
    let mut expected: Vec<String> = (0..4)
        .flat_map(|i| {
            [
                format!("user{i}"),
                format!("group{i}"),
                format!("role{i}"),
                format!("policy{i}"),
            ]
        })
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}
