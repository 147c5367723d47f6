"""SigV4 as real clients send it: header and presigned query, and the ways it fails."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import botocore.auth
import botocore.compat
import pytest
from botocore.exceptions import ClientError

# AWS CLI v1 exits 255 for any failed command, service errors included (v2 uses 254).
CLI_V1_ERROR_EXIT = 255


def client_error(call) -> tuple[str, int, str]:
    """Runs a boto3 call that must fail; returns its error code, HTTP status and message."""
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    error = response["Error"]
    return error["Code"], response["ResponseMetadata"]["HTTPStatusCode"], error["Message"]


def test_boto3_with_a_wrong_secret_is_signature_does_not_match(iamd):
    sts = iamd.client("sts", secret="not-the-secret")

    code, status, message = client_error(sts.get_caller_identity)

    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert "signature we calculated does not match" in message


def test_cli_with_a_wrong_secret_is_signature_does_not_match(iamd):
    result = iamd.aws("sts", "get-caller-identity", secret="not-the-secret")

    assert result.returncode == CLI_V1_ERROR_EXIT, result.stderr
    assert "(SignatureDoesNotMatch)" in result.stderr
    assert "GetCallerIdentity operation" in result.stderr


def test_boto3_with_an_unknown_key_is_invalid_client_token_id(iamd):
    sts = iamd.client("sts", key="AKIAUNKNOWNKEY000000")

    code, status, message = client_error(sts.get_caller_identity)

    assert (code, status) == ("InvalidClientTokenId", 403)
    assert message == "The security token included in the request is invalid."


def test_cli_with_an_unknown_key_is_invalid_client_token_id(iamd):
    result = iamd.aws("sts", "get-caller-identity", key="AKIAUNKNOWNKEY000000")

    assert result.returncode == CLI_V1_ERROR_EXIT, result.stderr
    assert "(InvalidClientTokenId)" in result.stderr


def test_unsigned_post_is_missing_authentication_token_with_a_request_id(iamd):
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    content_type = {"Content-Type": "application/x-www-form-urlencoded"}

    answer = iamd.http("POST", "/", body, content_type)

    assert answer.status == 403
    error = answer.error()
    assert error["Code"] == "MissingAuthenticationToken"
    assert error["Type"] == "Sender"
    assert error["Message"] == "Request is missing Authentication Token"
    assert error["RequestId"]
    assert answer.headers["x-amzn-RequestId"] == error["RequestId"]


def test_presigned_get_caller_identity_url_works_over_plain_http(iamd, sts):
    url = sts.generate_presigned_url("get_caller_identity", HttpMethod="GET")
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["Action"] == "GetCallerIdentity"
    assert query["X-Amz-Signature"]

    answer = iamd.http("GET", url)

    assert answer.status == 200, answer.body
    assert "<Arn>arn:aws:iam::000000000000:root</Arn>" in answer.body
    assert answer.headers["x-amzn-RequestId"]


def flip_signature(query: dict) -> None:
    last = query["X-Amz-Signature"][-1]
    query["X-Amz-Signature"] = query["X-Amz-Signature"][:-1] + ("0" if last != "0" else "1")


def change_action(query: dict) -> None:
    query["Action"] = "GetSessionToken"


@pytest.mark.parametrize("tamper", [flip_signature, change_action], ids=["signature", "action"])
def test_tampered_presigned_url_is_signature_does_not_match(iamd, sts, tamper):
    url = urlsplit(sts.generate_presigned_url("get_caller_identity", HttpMethod="GET"))
    query = dict(parse_qsl(url.query))
    tamper(query)

    answer = iamd.http("GET", url._replace(query=urlencode(query)).geturl())

    assert answer.status == 403, answer.body
    assert answer.error()["Code"] == "SignatureDoesNotMatch"


def shift_signing_clock(monkeypatch, minutes: int) -> None:
    """Makes botocore sign as if its clock were `minutes` off (negative: in the past)."""
    then = botocore.compat.get_current_datetime() + timedelta(minutes=minutes)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *_, **__: then)


@pytest.mark.parametrize(
    ("minutes", "prefix"),
    [(-20, "Signature expired: "), (20, "Signature not yet current: ")],
    ids=["past", "future"],
)
def test_request_signed_twenty_minutes_off_is_outside_the_skew_window(
    iamd, monkeypatch, minutes, prefix
):
    shift_signing_clock(monkeypatch, minutes)

    code, status, message = client_error(iamd.client("sts").get_caller_identity)

    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert message.startswith(prefix), message


def test_presigned_url_signed_twenty_minutes_ago_is_signature_expired(iamd, monkeypatch):
    # STS holds presigned URLs to the 15-minute window whatever X-Amz-Expires says.
    shift_signing_clock(monkeypatch, -20)
    sts = iamd.client("sts")
    url = sts.generate_presigned_url("get_caller_identity", HttpMethod="GET", ExpiresIn=3600)

    answer = iamd.http("GET", url)

    assert answer.status == 403, answer.body
    assert answer.error()["Code"] == "SignatureDoesNotMatch"
    assert answer.error()["Message"].startswith("Signature expired: ")


def test_advancing_the_server_clock_leaves_signature_skew_on_the_wall_clock(iamd):
    # The clock endpoint moves iamd's notion of now (for expiring temporary
    # credentials); SigV4 skew stays measured against real time, so a client
    # signing with its own clock keeps working.
    status, clock = iamd.admin("POST", "/_iamd/clock", {"advance_seconds": 20 * 60})
    assert (status, clock["offset_seconds"]) == (200, 20 * 60)

    identity = iamd.client("sts").get_caller_identity()

    assert identity["Account"] == "000000000000"
    assert iamd.admin("GET", "/_iamd/clock")[1]["offset_seconds"] == 20 * 60
