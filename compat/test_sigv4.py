"""SigV4 as real clients send it: header and presigned query, and the ways it fails."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import botocore.auth
import botocore.compat
import pytest
from botocore.exceptions import ClientError


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

    assert result.returncode == 254, result.stderr
    assert "(SignatureDoesNotMatch)" in result.stderr
    assert "GetCallerIdentity operation" in result.stderr


def test_boto3_with_an_unknown_key_is_invalid_client_token_id(iamd):
    sts = iamd.client("sts", key="AKIAUNKNOWNKEY000000")

    code, status, message = client_error(sts.get_caller_identity)

    assert (code, status) == ("InvalidClientTokenId", 403)
    assert message == "The security token included in the request is invalid."


def test_cli_with_an_unknown_key_is_invalid_client_token_id(iamd):
    result = iamd.aws("sts", "get-caller-identity", key="AKIAUNKNOWNKEY000000")

    assert result.returncode == 254, result.stderr
    assert "(InvalidClientTokenId)" in result.stderr


def test_unsigned_post_is_missing_authentication_token_with_a_request_id(iamd):
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    content_type = {"Content-Type": "application/x-www-form-urlencoded"}

    answer = iamd.http("POST", "/", body, content_type)

    assert answer.status == 403
    error = answer.error()
    assert error["Code"] == "MissingAuthenticationToken"
    assert error["Type"] == "Sender"
    assert error["Message"]
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


def test_request_signed_twenty_minutes_ago_is_signature_expired(iamd, monkeypatch):
    past = botocore.compat.get_current_datetime() - timedelta(minutes=20)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *_, **__: past)

    code, status, message = client_error(iamd.client("sts").get_caller_identity)

    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert message.startswith("Signature expired:"), message


def test_advancing_the_server_clock_past_the_skew_window_expires_fresh_signatures(iamd):
    sts = iamd.client("sts")

    status, _ = iamd.admin("POST", "/_iamd/clock", {"advance_seconds": 20 * 60})
    assert status == 200
    code, status, message = client_error(sts.get_caller_identity)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert message.startswith("Signature expired:"), message

    status, clock = iamd.admin("POST", "/_iamd/clock", {"advance_seconds": -20 * 60})
    assert (status, clock["offset_seconds"]) == (200, 0)
    assert sts.get_caller_identity()["Account"] == "000000000000"
