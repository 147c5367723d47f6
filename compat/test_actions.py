"""Action dispatch: every action in botocore's models is known, and one iamd has not
implemented yet says so by name; anything else is InvalidAction."""

import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

SESSION = botocore.session.get_session()


def required_input(model, operation: str) -> list[str]:
    shape = model.operation_model(operation).input_shape
    return shape.required_members if shape else []


def test_unimplemented_iam_action_is_not_implemented_naming_it(iamd, iam, coverage):
    # Take the action from iamd's own table, so the test outlives each one being built.
    model = SESSION.get_service_model("iam")
    candidates = [
        op
        for op in model.operation_names
        if coverage["iam"].get(op) is False and not required_input(model, op)
    ]
    if not candidates:
        pytest.skip("every IAM action without required input is implemented")
    action = candidates[0]

    with pytest.raises(ClientError) as raised:
        getattr(iam, xform_name(action))()

    response = raised.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert action in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize("service", ["iam", "sts"])
def test_every_botocore_operation_is_known_and_answers_as_the_coverage_table_says(
    iamd, coverage, service
):
    model = SESSION.get_service_model(service)
    answers = {}
    for operation in model.operation_names:
        params = {"Action": operation, "Version": model.api_version}
        answers[operation] = iamd.signed_query(service, params)
    codes = {op: a.error()["Code"] if a.status >= 400 else None for op, a in answers.items()}

    unknown = sorted(op for op, code in codes.items() if code == "InvalidAction")
    assert not unknown, f"{len(unknown)} {service} operations iamd does not know: {unknown}"
    not_implemented = {op for op, code in codes.items() if code == "NotImplemented"}
    assert not_implemented == {op for op, done in coverage[service].items() if not done}
    for operation in not_implemented:
        assert answers[operation].status == 501
        assert operation in answers[operation].error()["Message"]


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
