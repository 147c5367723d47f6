"""Action dispatch: every action in botocore's models is known, others are InvalidAction."""

import botocore.session
import pytest
from botocore.exceptions import ClientError


def test_unimplemented_iam_action_is_not_implemented_naming_it(iam):
    with pytest.raises(ClientError) as raised:
        iam.list_users()

    response = raised.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert "ListUsers" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize("service", ["iam", "sts"])
def test_every_botocore_operation_is_a_known_action(iamd, service):
    model = botocore.session.get_session().get_service_model(service)
    codes = {}
    for operation in model.operation_names:
        params = {"Action": operation, "Version": model.api_version}
        answer = iamd.signed_query(service, params)
        codes[operation] = answer.error()["Code"] if answer.status >= 400 else None

    unknown = sorted(op for op, code in codes.items() if code == "InvalidAction")
    assert not unknown, f"{len(unknown)} {service} operations iamd does not know: {unknown}"
    assert len(codes) >= {"iam": 180, "sts": 11}[service]


@pytest.mark.parametrize(
    ("service", "action", "version"),
    [("iam", "FooBar", "2010-05-08"), ("sts", "ListUsers", "2011-06-15")],
    ids=["unknown-name", "iam-action-with-sts-version"],
)
def test_action_unknown_for_its_version_is_invalid_action(iamd, service, action, version):
    answer = iamd.signed_query(service, {"Action": action, "Version": version})

    assert answer.status == 400, answer.body
    error = answer.error()
    assert error["Code"] == "InvalidAction"
    assert error["Message"] == f"Could not find operation {action} for version {version}"
    assert answer.headers["x-amzn-RequestId"] == error["RequestId"]
