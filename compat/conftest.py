"""Fixtures for the compat suite: the built iamd binary, servers on port 0, and
the real clients (boto3 and the AWS CLI v1) pointed at them.

Every test gets its own server (it starts in milliseconds), so no test sees
another's state. A failing test's report carries the log of each server it
started.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REPO_ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ROOT_KEY_ID = "test"
ROOT_SECRET = "test"
READY_PREFIX = "iamd listening on "
STARTUP_TIMEOUT_S = 10
SHUTDOWN_TIMEOUT_S = 5
HTTP_TIMEOUT_S = 10

# One attempt per call: an error reaches the test exactly as iamd sent it.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})

SERVERS = pytest.StashKey[list]()


@dataclass
class Response:
    """A raw HTTP answer, for what an SDK hides (headers, the XML error body)."""

    status: int
    headers: Message
    body: str

    def error(self) -> dict[str, str]:
        """The leaf fields of an AWS Query `ErrorResponse` (Type, Code, Message, RequestId)."""
        root = ET.fromstring(self.body)
        assert local_name(root.tag) == "ErrorResponse", self.body
        return {local_name(e.tag): e.text or "" for e in root.iter() if len(e) == 0}


def local_name(tag: str) -> str:
    """An XML tag without its `{namespace}`."""
    return tag.rpartition("}")[2]


def http(method: str, url: str, body: bytes | None = None, headers=None) -> Response:
    """Sends one request and returns the answer whatever its status."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as answer:
            return Response(answer.status, answer.headers, answer.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read().decode())


@dataclass
class Iamd:
    """One running iamd process and the ways to talk to it."""

    process: subprocess.Popen
    url: str
    log: Path

    def client(
        self, service: str, key: str = ROOT_KEY_ID, secret: str = ROOT_SECRET, token: str | None = None
    ):
        """A boto3 client for `iam` or `sts` that never retries (with a session token for
        temporary credentials)."""
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=NO_RETRIES,
        )

    def session_client(self, service: str, credentials: dict):
        """A boto3 client signing with the `Credentials` an STS call returned."""
        return self.client(
            service, credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
        )

    def advance_clock(self, seconds: int) -> dict:
        """Moves iamd's lifetime clock (credential expiry) forward."""
        status, body = self.admin("POST", "/_iamd/clock", {"advance_seconds": seconds})
        assert status == 200, body
        return body

    def http(self, method: str, target: str, body: bytes | None = None, headers=None):
        """A raw request to a path on this server (or to a full URL, as a presigned one)."""
        url = self.url + target if target.startswith("/") else target
        return http(method, url, body, headers)

    def admin(self, method: str, path: str, payload: dict | None = None) -> tuple[int, dict]:
        """Calls an admin endpoint; returns the status and the decoded JSON body."""
        body = None if payload is None else json.dumps(payload).encode()
        answer = self.http(method, path, body, {"Content-Type": "application/json"})
        return answer.status, json.loads(answer.body)

    def signed_query(
        self, service: str, params: dict, key: str = ROOT_KEY_ID, secret: str = ROOT_SECRET
    ) -> Response:
        """POSTs Query parameters signed with SigV4 by botocore, bypassing the service model."""
        body = urllib.parse.urlencode(params)
        content_type = "application/x-www-form-urlencoded; charset=utf-8"
        request = AWSRequest("POST", self.url + "/", data=body, headers={"Content-Type": content_type})
        SigV4Auth(Credentials(key, secret), service, REGION).add_auth(request)
        return http("POST", request.url, body.encode(), dict(request.headers.items()))

    def aws(self, *args: str, key: str = ROOT_KEY_ID, secret: str = ROOT_SECRET):
        """Runs the AWS CLI v1 of this virtualenv against this server, with JSON output."""
        cli = Path(sys.executable).with_name("aws")
        assert cli.exists(), f"no AWS CLI at {cli}: run the suite with compat/test-all"
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
        }
        command = [cli, "--endpoint-url", self.url, "--output", "json", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    def stop(self) -> int:
        """Sends SIGTERM and returns the exit code; fails if iamd outlives the timeout."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"iamd did not exit within {SHUTDOWN_TIMEOUT_S}s of SIGTERM")


def launch(binary: Path, log: Path, flags: tuple[str, ...]) -> Iamd:
    """Starts iamd on an ephemeral port and waits for its one `listening` line."""
    # Each setting also has an IAMD_* variable: keep the caller's out of the server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("IAMD_")}
    env.setdefault("RUST_LOG", "info,iamd=debug")
    command = [binary, "--listen", "127.0.0.1:0", *flags]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env)
    ready, _, _ = select.select([process.stdout], [], [], STARTUP_TIMEOUT_S)
    line = process.stdout.readline().decode() if ready else ""
    if not line.startswith(READY_PREFIX):
        process.kill()
        process.wait()
        raise RuntimeError(f"iamd {flags} did not start: {line!r}\n{log.read_text()}")
    return Iamd(process, line.removeprefix(READY_PREFIX).strip(), log)


@pytest.fixture(scope="session", autouse=True)
def hermetic_aws_env(tmp_path_factory):
    """Keeps the user's AWS settings, profiles and proxies away from every client."""
    absent = tmp_path_factory.mktemp("aws-config")
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            patch.delenv(name)
        patch.setenv("AWS_CONFIG_FILE", str(absent / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(absent / "credentials"))
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="session")
def iamd_binary() -> Path:
    """`$IAMD_BIN`, or the release binary, built once per session."""
    if override := os.environ.get("IAMD_BIN"):
        binary = Path(override).resolve()
        assert binary.is_file(), f"IAMD_BIN={override} is not a file"
        return binary
    build = subprocess.run(
        ["cargo", "build", "--release", "--bin", "iamd", "--message-format=json"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True,
    )
    if build.returncode != 0:
        pytest.exit(f"cargo build --release failed with exit code {build.returncode}", 1)
    # Where the binary lands depends on the build target (.cargo/config.toml): ask cargo.
    executables = [m["executable"] for m in map(json.loads, build.stdout.splitlines())
                   if m.get("executable")]
    return Path(executables[-1]).resolve()


@pytest.fixture(scope="session")
def coverage(iamd_binary) -> dict[str, dict[str, bool]]:
    """`iamd coverage` read back: {"iam"|"sts": {action: implemented}}."""
    table = subprocess.run(
        [iamd_binary, "coverage"], capture_output=True, text=True, check=True
    ).stdout
    services: dict[str, dict[str, bool]] = {"iam": {}, "sts": {}}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] in ("yes", "no"):
            services[cells[0].lower()][cells[1]] = cells[2] == "yes"
    assert services["iam"] and services["sts"], f"unexpected `iamd coverage` output:\n{table}"
    return services


@pytest.fixture
def start_iamd(request, iamd_binary, tmp_path):
    """Starts iamd with extra flags (in memory unless `--data-dir` is given).

    Every server still running at teardown gets SIGTERM and must exit in time.
    """
    servers = request.node.stash.setdefault(SERVERS, [])

    def start(*flags: str) -> Iamd:
        if "--data-dir" not in flags:
            flags = ("--in-memory", *flags)
        server = launch(iamd_binary, tmp_path / f"iamd-{len(servers)}.log", flags)
        servers.append(server)
        return server

    yield start
    stuck = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as error:
            stuck.append(str(error))
    assert not stuck, stuck


@pytest.fixture
def iamd(start_iamd) -> Iamd:
    """A strict-mode, in-memory iamd with the default account and key test/test."""
    return start_iamd()


@pytest.fixture
def sts(iamd):
    """boto3 STS client signed with test/test."""
    return iamd.client("sts")


@pytest.fixture
def iam(iamd):
    """boto3 IAM client signed with test/test."""
    return iamd.client("iam")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches each server's log to the report of a failed test phase."""
    report = yield
    if report.failed:
        for server in item.stash.get(SERVERS, []):
            log = server.log.read_text(errors="replace")
            report.sections.append((f"iamd log {server.url} ({report.when})", log))
    return report
