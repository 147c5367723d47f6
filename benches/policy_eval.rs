//! Policy evaluation speed: one request against 10 policies of 20 statements each, with
//! wildcards, variables and conditions, the shape of a busy account's user.

use criterion::{Criterion, criterion_group, criterion_main};
use iamd::policy::{self, Caller, PolicyKind, PolicySet, RequestContext, Source};

fn statement(policy: usize, index: usize) -> String {
    format!(
        r#"{{"Sid":"S{policy}x{index}","Effect":"Allow","Action":["s3:Get*","s3:List*","dynamodb:Query","ec2:Describe*"],
            "Resource":["arn:aws:s3:::bucket-{policy}-{index}/*","arn:aws:s3:::home/${{aws:username}}/*"],
            "Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"team-{index}"}},"IpAddress":{{"aws:SourceIp":"10.{policy}.0.0/16"}}}}}}"#
    )
}

fn policies() -> Vec<policy::Policy> {
    (0..10)
        .map(|p| {
            let statements: Vec<String> = (0..20).map(|s| statement(p, s)).collect();
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                statements.join(",")
            );
            policy::parse_policy(&text, PolicyKind::Managed).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

fn evaluation(c: &mut Criterion) {
    let policies = policies();
    let ids: Vec<String> = (0..policies.len()).map(|i| format!("p{i}")).collect();
    let set = PolicySet {
        identity: policies
            .iter()
            .zip(&ids)
            .map(|(policy, id)| Source {
                id,
                kind: "IAM Policy",
                policy,
            })
            .collect(),
        ..PolicySet::default()
    };
    let caller = Caller {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/alice".into(),
        ..Caller::default()
    };
    let mut request =
        RequestContext::new("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt", caller);
    request
        .set("aws:username", "alice")
        .set("aws:PrincipalTag/team", "team-19")
        .set("aws:SourceIp", "10.9.1.2");
    assert_eq!(
        policy::evaluate(&set, &request).decision,
        policy::Decision::Allowed
    );
    c.bench_function("evaluate 10 policies x 20 statements", |b| {
        b.iter(|| policy::evaluate(&set, &request))
    });

    let denied = request.with_target("s3:PutObject", "arn:aws:s3:::home/alice/notes.txt");
    c.bench_function(
        "evaluate 10 x 20, implicit deny (every statement tried)",
        |b| {
            b.iter(|| policy::evaluate(&set, &denied));
        },
    );
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
