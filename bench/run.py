"""iamd against moto's server, side by side, on this machine.

Run through `bench/run`, which builds iamd and the driver in release mode and installs moto's
server into bench/.venv first. Every workload runs against one server at a time, iamd and moto
alternating run by run; each figure is the median of the runs, shown with min and max. Fixed
requests are signed once with botocore and driven by wrk; CreateUser needs a distinct name, so a
fresh signature, per request and is driven by bench/loadgen instead (marked "loadgen").
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = Path(__file__).resolve().parent.parent


def built(manifest: Path, binary: str) -> Path:
    """The release binary cargo built (bench/run builds it first; this is a no-op build that
    says where it is, which the build target in .cargo/config.toml decides)."""
    output = subprocess.run(
        ["cargo", "build", "--release", "--manifest-path", str(manifest), "--bin", binary,
         "--message-format=json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return Path([m["executable"] for m in map(json.loads, output.splitlines())
                 if m.get("executable")][-1])


# Set by main().
IAMD = LOADGEN = Path()
IAM_VERSION = "2010-05-08"
STS_VERSION = "2011-06-15"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class Signed:
    """One request, signed for one endpoint, ready to send as it is."""

    headers: dict[str, str]
    body: str


@dataclass
class Server:
    """A running iamd or moto, with the root credentials to sign with."""

    kind: str
    proc: subprocess.Popen
    port: int
    data_dir: str | None = None
    key: str = "test"
    secret: str = "test"
    account: str = ""
    startup_ms: float = 0.0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sign(self, service: str, params: dict, key=None, secret=None) -> Signed:
        version = STS_VERSION if service == "sts" else IAM_VERSION
        body = urllib.parse.urlencode({**params, "Version": version})
        request = AWSRequest(
            method="POST", url=self.endpoint + "/", data=body, headers={"Content-Type": FORM}
        )
        credentials = Credentials(key or self.key, secret or self.secret)
        SigV4Auth(credentials, service, "us-east-1").add_auth(request)
        # wrk sends exactly these headers, so the signed Host goes with them.
        headers = {"Host": f"127.0.0.1:{self.port}", **dict(request.headers.items())}
        return Signed(headers, body)

    def send(self, signed: Signed) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            conn.request("POST", "/", body=signed.body, headers=signed.headers)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def call(self, service: str, params: dict, key=None, secret=None) -> str:
        status, text = self.send(self.sign(service, params, key, secret))
        if status != 200:
            raise RuntimeError(f"{self.kind} {params.get('Action')}: HTTP {status}: {text[:400]}")
        return text

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Unsupported(Exception):
    """moto answered a workload's request with an error: it does not implement it."""


def element(xml: str, tag: str) -> str:
    match = re.search(f"<{tag}>([^<]*)</{tag}>", xml)
    if not match:
        raise RuntimeError(f"no <{tag}> in {xml[:300]}")
    return match.group(1)


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.python = Path(sys.executable)
        # results[workload][server] -> list of run figures (dicts)
        self.results: dict[str, dict[str, list[dict]]] = {}
        # unsupported[workload][server] -> what the server answered instead
        self.unsupported: dict[str, dict[str, str]] = {}

    # ---- servers -------------------------------------------------------------------------

    def start(self, kind: str, mode: str = "strict", store: str = "file", data_dir=None) -> Server:
        port = free_port()
        if kind == "iamd":
            if store == "memory":
                store_args, data_dir = ["--in-memory"], None
            else:
                data_dir = data_dir or tempfile.mkdtemp(prefix="iamd-", dir=self.workdir)
                store_args = ["--data-dir", data_dir]
            command = [str(IAMD), "--listen", f"127.0.0.1:{port}", "--auth-mode", mode, *store_args]
            env = {"RUST_LOG": "warn", **os.environ}
        else:
            command = [str(self.python), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
            env = {**os.environ}
        server = Server(kind, None, port, data_dir)  # type: ignore[arg-type]
        # Signed before exec, so signing is not counted in the start-up time.
        probe = server.sign("sts", {"Action": "GetCallerIdentity"})
        started = time.perf_counter()
        server.proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=None if os.environ.get("BENCH_SERVER_LOG") else subprocess.DEVNULL
        )
        deadline = started + 60
        while True:
            try:
                status, text = server.send(probe)
                if status == 200:
                    break
                raise RuntimeError(f"{kind} start-up probe: HTTP {status}: {text[:300]}")
            except (ConnectionError, OSError):
                if time.perf_counter() > deadline or server.proc.poll() is not None:
                    raise RuntimeError(f"{kind} did not start: {command}")
                time.sleep(0.0002)
        server.startup_ms = (time.perf_counter() - started) * 1000
        server.account = element(text, "Account")
        return server

    # ---- recording -----------------------------------------------------------------------

    def record(self, workload: str, kind: str, figure) -> None:
        """Records one run's figure; `figure` may be a callable, which moto may fail."""
        if callable(figure):
            try:
                figure = figure()
            except Unsupported as e:
                self.results.setdefault(workload, {})
                self.unsupported.setdefault(workload, {})[kind] = str(e)
                print(f"  {kind:5} {workload:40} cannot run it: {e}", flush=True)
                return
        self.results.setdefault(workload, {}).setdefault(kind, []).append(figure)
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in figure.items())
        print(f"  {kind:5} {workload:40} {shown}", flush=True)

    # ---- load ----------------------------------------------------------------------------

    def wrk(self, server: Server, requests: list[Signed], concurrency: int) -> dict:
        """Drives `requests` in turn from `concurrency` connections for the configured time."""
        for signed in requests:
            status, text = server.send(signed)
            if status != 200 and server.kind == "moto":
                raise Unsupported(f"HTTP {status}")
            if status != 200:
                raise RuntimeError(f"{server.kind}: request answered {status}: {text[:300]}")
        script = self.workdir / "requests.lua"
        lines = ["local requests = {"]
        for signed in requests:
            headers = ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in signed.headers.items())
            lines.append(f'  wrk.format("POST", "/", {{{headers}}}, {lua(signed.body)}),')
        lines += [
            "}",
            "local i = 0",
            "request = function()",
            "  i = i % #requests + 1",
            "  return requests[i]",
            "end",
        ]
        script.write_text("\n".join(lines) + "\n")
        threads = min(concurrency, 2)
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{self.args.seconds}s", "--latency",
             "--timeout", "30s", "-s", str(script), server.endpoint + "/"],
            check=True, capture_output=True, text=True,
        ).stdout
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        errors = re.search(r"Socket errors: (.*)", output)
        if bad or errors:
            raise RuntimeError(f"{server.kind}: wrk saw failures:\n{output}")
        completed = int(re.search(r"(\d+) requests in", output).group(1))
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            # With no completed request there is no latency to report.
            "p50_ms": percentile_ms(output, "50") if completed else None,
            "p99_ms": percentile_ms(output, "99") if completed else None,
        }

    def loadgen(self, server: Server, command: list[str], concurrency: int, prefix: str,
                key=None, secret=None, tags: int = 0) -> dict:
        done = subprocess.run(
            [str(LOADGEN), "--endpoint", server.endpoint, "--key", key or server.key,
             "--secret", secret or server.secret, "--concurrency", str(concurrency),
             "--prefix", prefix, "--tags", str(tags), *command],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{server.kind}: loadgen failed: {done.stderr.strip()[-1000:]}")
        figure = json.loads(done.stdout)
        # The first failure, as the driver reported it.
        figure["first_error"] = done.stderr.strip()[-1000:]
        return figure

    def create_users(self, server: Server, concurrency: int, prefix: str) -> dict:
        figure = self.loadgen(
            server, ["measure", "--seconds", str(self.args.seconds)], concurrency, prefix
        )
        if figure["errors"]:
            exited = server.proc.poll()
            state = "running" if exited is None else f"exited with {exited}"
            raise RuntimeError(f"{server.kind} ({state}): CreateUser failed {figure['errors']} "
                               f"times; first: {figure['first_error']}")
        return {k: figure[k] for k in ("rps", "p50_ms", "p99_ms")}

    def populate(self, server: Server, users: int, prefix: str, tags: int = 0,
                 keys: bool = False) -> dict:
        command = ["populate", "--users", str(users)] + (["--keys"] if keys else [])
        return self.loadgen(server, command, 8, prefix, tags=tags)

    # ---- fixtures ------------------------------------------------------------------------

    def fixtures(self, server: Server) -> dict:
        """Users, policies and a role the throughput workloads act on."""
        acct = server.account
        iam = lambda **p: server.call("iam", p)  # noqa: E731
        iam(Action="CreateUser", UserName="bench-target")
        policy = element(iam(Action="CreatePolicy", PolicyName="bench-policy",
                             PolicyDocument=ALLOW_ALL), "Arn")
        iam(Action="CreateUser", UserName="bench-attach")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
            "Action": "sts:AssumeRole"}]})
        role = element(iam(Action="CreateRole", RoleName="bench-role",
                           AssumeRolePolicyDocument=trust), "Arn")
        # Roles cannot be assumed with root credentials: a user with every permission does it.
        iam(Action="CreateUser", UserName="bench-assumer")
        iam(Action="AttachUserPolicy", UserName="bench-assumer", PolicyArn=policy)
        key = iam(Action="CreateAccessKey", UserName="bench-assumer")
        assumer = (element(key, "AccessKeyId"), element(key, "SecretAccessKey"))
        iam(Action="CreateUser", UserName="bench-sim")
        for i in range(1, 6):
            document = json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": [f"iam:Get*", f"iam:List*"],
                 "Resource": f"arn:aws:iam::{acct}:user/team{i}/*"},
                {"Effect": "Deny", "Action": "iam:Delete*",
                 "Resource": f"arn:aws:iam::{acct}:user/team{i}/admin*"},
                {"Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::bucket-{i}/*",
                 "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}},
            ]})
            arn = element(iam(Action="CreatePolicy", PolicyName=f"bench-sim-{i}",
                              PolicyDocument=document), "Arn")
            iam(Action="AttachUserPolicy", UserName="bench-sim", PolicyArn=arn)
        return {"policy": policy, "role": role, "assumer": assumer, "sim": f"arn:aws:iam::{acct}:user/bench-sim"}

    def enforcement_user(self, server: Server) -> tuple[str, str]:
        """A user with 10 attached policies, the last of which allows iam:GetUser."""
        acct = server.account
        server.call("iam", {"Action": "CreateUser", "UserName": "bench-enforced"})
        for i in range(1, 11):
            action = "iam:GetUser" if i == 10 else f"iam:List{'ABCDEFGHIJ'[i - 1]}*"
            document = json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": action,
                 "Resource": f"arn:aws:iam::{acct}:user/*"},
                {"Effect": "Deny", "Action": "iam:DeleteUser",
                 "Resource": f"arn:aws:iam::{acct}:user/protected-{i}"},
            ]})
            arn = element(server.call("iam", {"Action": "CreatePolicy",
                                              "PolicyName": f"bench-enforced-{i}",
                                              "PolicyDocument": document}), "Arn")
            server.call("iam", {"Action": "AttachUserPolicy", "UserName": "bench-enforced",
                                "PolicyArn": arn})
        xml = server.call("iam", {"Action": "CreateAccessKey", "UserName": "bench-enforced"})
        return element(xml, "AccessKeyId"), element(xml, "SecretAccessKey")

    # ---- one run against one server ------------------------------------------------------

    def run_main(self, run: int) -> None:
        """Start-up, memory and the throughput workloads: both servers are started and set up,
        then measured alternately, point by point (see `alternate`)."""
        args = self.args
        kinds = args.servers if run % 2 == 0 else args.servers[::-1]
        servers, fixtures = {}, {}
        try:
            for kind in kinds:
                server = servers[kind] = self.start(kind)
                self.record("start-up (ms, exec to first signed GetCallerIdentity)", kind,
                            {"value": server.startup_ms})
                time.sleep(1)
                self.record("RSS idle (MiB)", kind, {"value": rss_kib(server.proc.pid) / 1024})
                self.populate(server, args.users, f"pop{run}", tags=2)
                time.sleep(1)
                self.record(f"RSS after {args.users:,} users x 2 tags (MiB)", kind,
                            {"value": rss_kib(server.proc.pid) / 1024})
                fixtures[kind] = self.fixtures(server)
            for c in args.concurrency:
                for name, measure in self.main_points(c, run):
                    for kind in kinds:
                        self.record(name, kind, lambda kind=kind: measure(servers[kind],
                                                                          fixtures[kind]))
        finally:
            for server in servers.values():
                server.stop()
                if server.data_dir:
                    shutil.rmtree(server.data_dir, ignore_errors=True)

    def main_points(self, c: int, run: int) -> list:
        """The throughput workloads at concurrency `c`: (row name, measure(server, fixtures))."""
        def fixed(service: str, params: dict, caller: str | None = None):
            def measure(server: Server, fx: dict) -> dict:
                credentials = fx[caller] if caller else ()
                return self.wrk(server, [server.sign(service, params, *credentials)], c)
            return measure

        def attach_and_list(server: Server, fx: dict) -> dict:
            return self.wrk(server, [
                server.sign("iam", {"Action": "AttachUserPolicy", "UserName": "bench-attach",
                                    "PolicyArn": fx["policy"]}),
                server.sign("iam", {"Action": "ListAttachedUserPolicies",
                                    "UserName": "bench-attach"})], c)

        def assume_role(server: Server, fx: dict) -> dict:
            return fixed("sts", {"Action": "AssumeRole", "RoleArn": fx["role"],
                                 "RoleSessionName": "bench"}, "assumer")(server, fx)

        def simulate(server: Server, fx: dict) -> dict:
            params = {"Action": "SimulatePrincipalPolicy", "PolicySourceArn": fx["sim"]}
            for i, action in enumerate(SIM_ACTIONS, 1):
                params[f"ActionNames.member.{i}"] = action
            for i in range(1, 6):
                params[f"ResourceArns.member.{i}"] = (
                    f"arn:aws:iam::{server.account}:user/team{i}/admin-{i}")
            return fixed("iam", params)(server, fx)

        return [
            (f"GetCallerIdentity c={c}", fixed("sts", {"Action": "GetCallerIdentity"})),
            (f"GetUser c={c}", fixed("iam", {"Action": "GetUser", "UserName": "bench-target"})),
            (f"ListUsers 100/page of {self.args.users:,} c={c}",
             fixed("iam", {"Action": "ListUsers", "MaxItems": "100"})),
            (f"AttachUserPolicy+ListAttachedUserPolicies c={c}", attach_and_list),
            (f"AssumeRole c={c}", assume_role),
            (f"SimulatePrincipalPolicy 10x5 c={c}", simulate),
            (f"CreateUser c={c} (loadgen)",
             lambda server, fx: self.create_users(server, c, f"r{run}c{c}")),
        ]

    def alternate(self, subjects: dict, points: list) -> None:
        """Measures every point on every subject, the subjects taking turns point by point (in
        reverse order every other run): this machine's speed drifts from minute to minute, and
        figures that are compared must see the same drift. One server is under load at a time.
        A point is (row name with `{label}` for the subject's label, measure(subject, run))."""
        labels = list(subjects)
        for run in range(self.args.runs):
            order = labels if run % 2 == 0 else labels[::-1]
            for name, measure in points:
                for label in order:
                    self.record(name.format(label=label), "iamd", measure(subjects[label], run))

    def run_enforcement(self) -> None:
        """GetUser by a user with 10 attached policies, on a server in `strict` mode and on one
        in `off` mode started from a copy of the same data; and by the root user under
        `strict`, which is authenticated but never authorized: against it, the user's figure
        shows what deciding the policies costs apart from checking signatures."""
        setup = self.start("iamd")
        setup.call("iam", {"Action": "CreateUser", "UserName": "bench-target"})
        key, secret = self.enforcement_user(setup)
        setup.stop()
        copy = Path(tempfile.mkdtemp(prefix="iamd-off-", dir=self.workdir)) / "data"
        shutil.copytree(setup.data_dir, copy)
        strict = self.start("iamd", data_dir=setup.data_dir)
        off = self.start("iamd", mode="off", data_dir=str(copy))
        try:
            params = {"Action": "GetUser", "UserName": "bench-target"}
            subjects = {
                "GetUser, 10 policies, strict": (strict, strict.sign("iam", params, key, secret)),
                "GetUser as root, strict": (strict, strict.sign("iam", params)),
                "GetUser, 10 policies, off": (off, off.sign("iam", params, key, secret)),
            }
            self.alternate(subjects, [
                (f"enforcement: {{label}} c={c}",
                 lambda subject, run, c=c: self.wrk(subject[0], [subject[1]], c))
                for c in self.args.concurrency])
        finally:
            strict.stop()
            off.stop()

    def run_persistence(self) -> None:
        """CreateUser on a fresh SQLite file versus a fresh in-memory store."""
        subjects = {"file": self.start("iamd", store="file"),
                    "memory": self.start("iamd", store="memory")}
        try:
            self.alternate(subjects, [
                (f"persistence: CreateUser, {{label}} store c={c} (loadgen)",
                 lambda server, run, c=c: self.create_users(server, c, f"p{run}c{c}"))
                for c in self.args.concurrency])
        finally:
            for server in subjects.values():
                server.stop()


SIM_ACTIONS = [
    "iam:GetUser", "iam:ListUsers", "iam:DeleteUser", "iam:CreateUser", "iam:GetRole",
    "iam:ListRoles", "s3:GetObject", "s3:PutObject", "sts:AssumeRole", "iam:DeleteRole",
]


def lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def percentile_ms(output: str, percent: str) -> float | None:
    found = re.search(rf"\s{percent}%\s+(\S+)", output)
    return latency_ms(found.group(1)) if found else None


def latency_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


SCALE_WORKLOADS = ("GetCallerIdentity, last key", "GetUser", "ListUsers page")


def scale_request(server: Server, workload: str, populated: dict, user: str) -> Signed:
    """The request of a scale workload: the caller is the last-created key's user, the user
    fetched is the last one created."""
    if workload == "GetCallerIdentity, last key":
        return server.sign("sts", {"Action": "GetCallerIdentity"},
                           populated["last_key_id"], populated["last_secret"])
    if workload == "GetUser":
        return server.sign("iam", {"Action": "GetUser", "UserName": user})
    return server.sign("iam", {"Action": "ListUsers", "MaxItems": "100"})


def run_scale(bench: Bench) -> None:
    """GetCallerIdentity with the last-created key, GetUser and one ListUsers page, against a
    small store and a store of the scale size. Each kind of server runs twice, once per size,
    and the two are measured alternately, point by point: this machine's speed drifts from
    minute to minute, and both sizes must see the same drift. Only one server is under load
    at once."""
    args = bench.args
    sizes = {"iamd": args.scale_users, "moto": args.moto_scale_users or args.scale_users}
    labels = ("small", "large")
    servers = {(kind, label): bench.start(kind) for kind in args.servers for label in labels}
    try:
        stores = {}
        for (kind, label), server in servers.items():
            users = args.small_users if label == "small" else sizes[kind]
            populated = bench.populate(server, users, "s0", keys=True)
            stores[kind, label] = (populated, f"s0-{users - 1}", f"{users:,} users+keys")
            print(f"  {kind:5} {label} store holds {users:,} users and keys "
                  f"({populated['seconds']:.0f} s to add them)", flush=True)
        for run in range(args.runs):
            order = labels if run % 2 == 0 else tuple(reversed(labels))
            for kind in args.servers:
                for c in args.concurrency:
                    for workload in SCALE_WORKLOADS:
                        for label in order:
                            server = servers[kind, label]
                            populated, user, size = stores[kind, label]
                            request = scale_request(server, workload, populated, user)
                            bench.record(f"scale {label}: {workload}, {size} c={c}", kind,
                                         bench.wrk(server, [request], c))
    finally:
        for server in servers.values():
            server.stop()


# ---- report ----------------------------------------------------------------------------------

LOWER_IS_BETTER = ("start-up", "RSS")


def summary(figures: list[dict], key: str) -> dict:
    values = [f[key] for f in figures if f[key] is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "runs": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def headline(workload: str) -> str:
    return "value" if workload.startswith(LOWER_IS_BETTER) else "rps"


def medians(results: dict) -> dict:
    out = {}
    for workload, by_kind in results.items():
        out[workload] = {}
        for kind, figures in by_kind.items():
            if figures:
                out[workload][kind] = {k: summary(figures, k) for k in figures[0]}
    return out


def ratio(workload: str, row: dict) -> float | None:
    """iamd's advantage; None where it cannot be computed, including where moto completed
    no request at all in the load time (see `stalled`)."""
    if "iamd" not in row or "moto" not in row:
        return None
    key = headline(workload)
    iamd, moto = row["iamd"][key]["median"], row["moto"][key]["median"]
    if not iamd or not moto:
        return None
    if workload.startswith(LOWER_IS_BETTER):
        return moto / iamd
    return iamd / moto


def stalled(workload: str, row: dict) -> bool:
    """Whether moto completed no request in the load time while iamd did (no finite ratio)."""
    if workload.startswith(LOWER_IS_BETTER) or "iamd" not in row or "moto" not in row:
        return False
    return row["moto"]["rps"]["median"] == 0 and bool(row["iamd"]["rps"]["median"])


def find(summ: dict, prefix: str, kind: str = "iamd") -> float | None:
    for workload, row in summ.items():
        if workload.startswith(prefix) and kind in row:
            return row[kind][headline(workload)]["median"]
    return None


def targets(summ: dict, concurrency: list[int], unsupported: dict, seconds: float) -> list[dict]:
    """The issue's floors, each with the measured figure."""
    checks = []
    for workload, kinds in unsupported.items():
        if "moto" in kinds:
            checks.append({"target": f"{workload}: iamd / moto >= 10", "measured": None,
                           "met": None, "note": f"moto cannot run it ({kinds['moto']})"})

    def check(name: str, measured: float | None, floor: float, above: bool = True) -> None:
        if measured is None:
            checks.append({"target": name, "measured": None, "met": False})
            return
        met = measured >= floor if above else measured < floor
        checks.append({"target": name, "measured": round(measured, 3), "met": met})

    for workload, row in summ.items():
        r = ratio(workload, row)
        if stalled(workload, row) and not workload.startswith(("RSS", "scale")):
            floor = 40 if workload.startswith("GetCallerIdentity c=") else 10
            checks.append({"target": f"{workload}: iamd / moto >= {floor}", "measured": None,
                           "met": True, "note": f"moto completed no request in {seconds} s"})
            continue
        if r is None:
            continue
        if workload.startswith("start-up"):
            check("start-up: moto / iamd >= 20", r, 20)
        elif workload.startswith("RSS idle"):
            check("idle RSS: moto / iamd >= 10", r, 10)
        elif workload.startswith("GetCallerIdentity c="):
            check(f"{workload}: iamd / moto >= 40", r, 40)
        elif not workload.startswith(("RSS", "scale")):
            check(f"{workload}: iamd / moto >= 10", r, 10)
    check("start-up: iamd < 20 ms", find(summ, "start-up"), 20, above=False)
    check("idle RSS: iamd < 10 MiB", find(summ, "RSS idle"), 10, above=False)
    for c in concurrency:
        for name in SCALE_WORKLOADS:
            small = large = None
            for workload, row in summ.items():
                # moto's large store may be smaller, which makes its rows separate ones.
                if "iamd" not in row or not workload.endswith(f"c={c}"):
                    continue
                if workload.startswith(f"scale small: {name}"):
                    small = row["iamd"]["rps"]["median"]
                if workload.startswith(f"scale large: {name}"):
                    large = row["iamd"]["rps"]["median"]
            check(f"scale: {name} c={c}, large / small >= 0.9",
                  large / small if small and large else None, 0.9)
        strict = find(summ, f"enforcement: GetUser, 10 policies, strict c={c}")
        off = find(summ, f"enforcement: GetUser, 10 policies, off c={c}")
        check(f"enforcement c={c}: strict / off >= 0.9",
              strict / off if strict and off else None, 0.9)
        # Not one of the floors: the share of that cost which is authorization.
        root = find(summ, f"enforcement: GetUser as root, strict c={c}")
        check(f"(breakdown) authorization alone c={c}: strict user / strict root >= 0.9",
              strict / root if strict and root else None, 0.9)
        file = find(summ, f"persistence: CreateUser, file store c={c}")
        memory = find(summ, f"persistence: CreateUser, memory store c={c}")
        check(f"persistence c={c}: file / memory > 1/3",
              file / memory if file and memory else None, 1 / 3)
    return checks


def cell(row: dict, kind: str, workload: str, unsupported: dict) -> str:
    if kind in unsupported.get(workload, {}):
        return f"cannot run it ({unsupported[workload][kind]})"
    if kind not in row:
        return "–"
    key = headline(workload)
    s = row[kind][key]
    text = f"{s['median']:,.1f} ({s['min']:,.1f}–{s['max']:,.1f})"
    if key == "rps":
        p50, p99 = row[kind]["p50_ms"]["median"], row[kind]["p99_ms"]["median"]
        if p50 is None or p99 is None:
            text += "<br>no request completed"
        else:
            text += f"<br>p50 {p50:.2f} / p99 {p99:.2f} ms"
    return text


def shown_ratio(workload: str, row: dict, r: float | None) -> str:
    if stalled(workload, row):
        return "∞ (moto completed none)"
    return f"{r:,.1f}×" if r else "–"


def markdown(report: dict) -> str:
    summ = report["summary"]
    lines = [
        f"Measured {report['date']} on {report['machine']['description']}, "
        f"{report['runs']} runs per figure (median, with min–max), {report['seconds']} s per "
        f"load point; throughput in requests/s. wrk drives fixed signed requests; "
        f"\"(loadgen)\" rows use bench/loadgen (a distinct name, so a fresh signature, per "
        f"request). Ratio: iamd over moto for throughput, moto over iamd for time and memory.",
        "",
        "| workload | iamd | moto | ratio |",
        "|---|---|---|---|",
    ]
    for workload, row in summ.items():
        r = ratio(workload, row)
        unsupported = report["unsupported"]
        lines.append(f"| {workload} | {cell(row, 'iamd', workload, unsupported)} | "
                     f"{cell(row, 'moto', workload, unsupported)} | {shown_ratio(workload, row, r)} |")
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    for t in report["targets"]:
        if t.get("note"):
            lines.append(f"| {t['target']} | {t['note']} | {'yes' if t['met'] else '–'} |")
            continue
        measured = "not measured" if t["measured"] is None else f"{t['measured']:,.3g}"
        lines.append(f"| {t['target']} | {measured} | {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    cores = os.cpu_count()
    return {"cpu": cpu, "cores": cores, "memory_gib": round(memory / 2**20),
            "kernel": platform.release(),
            "description": f"{cores} × {cpu}, {round(memory / 2**20)} GiB, Linux {platform.release()}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true",
                        help="one short run of everything at small sizes, to check the harness")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="per load point")
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--users", type=int, default=10_000, help="users for memory and ListUsers")
    parser.add_argument("--small-users", type=int, default=100,
                        help="the scale baseline (100: a full ListUsers page)")
    parser.add_argument("--scale-users", type=int, default=100_000)
    parser.add_argument("--moto-scale-users", type=int, default=0,
                        help="moto's scale size if smaller (it takes minutes to fill)")
    parser.add_argument("--only", default="main,enforcement,persistence,scale")
    parser.add_argument("--servers", default="iamd,moto")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    for name in ("runs", "seconds", "users", "small_users", "scale_users"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.smoke:
        args.runs, args.seconds, args.users = 1, 1, 300
        args.small_users, args.scale_users, args.moto_scale_users = 20, 400, 400
        if args.out == parser.get_default("out"):
            args.out = tempfile.mkdtemp(prefix="iamd-bench-smoke-")
    if min(args.scale_users, args.moto_scale_users or args.scale_users) <= args.small_users:
        parser.error("the scale sizes must exceed --small-users")
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    if not all(c >= 1 for c in args.concurrency):
        parser.error("--concurrency takes positive numbers, such as 1,32")
    args.servers = args.servers.split(",")
    phases = args.only.split(",")
    if not set(args.servers) <= {"iamd", "moto"} or not set(phases) <= {
            "main", "enforcement", "persistence", "scale"}:
        parser.error("--servers takes iamd,moto and --only main,enforcement,persistence,scale")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run bench/run, which installs it")
    global IAMD, LOADGEN
    IAMD = built(ROOT / "Cargo.toml", "iamd")
    LOADGEN = built(ROOT / "bench" / "loadgen" / "Cargo.toml", "iamd-loadgen")

    with tempfile.TemporaryDirectory(prefix="iamd-bench-") as workdir:
        bench = Bench(args, Path(workdir))
        if "main" in phases:
            for run in range(args.runs):
                print(f"== run {run + 1}/{args.runs}", flush=True)
                bench.run_main(run)
        if "enforcement" in phases:
            print("== iamd enforcement", flush=True)
            bench.run_enforcement()
        if "persistence" in phases:
            print("== iamd persistence", flush=True)
            bench.run_persistence()
        if "scale" in phases:
            print("== scale", flush=True)
            run_scale(bench)

    Path(args.out).mkdir(parents=True, exist_ok=True)
    try:
        write_report(args, bench.results, bench.unsupported)
    except Exception:
        # An hour of figures is not lost to a failure in making the report from them.
        raw = Path(args.out) / "latest-raw.json"
        raw.write_text(json.dumps(
            {"raw": bench.results, "unsupported": bench.unsupported}, indent=2) + "\n")
        print(f"the report failed; the figures are in {raw}", file=sys.stderr)
        raise


def write_report(args: argparse.Namespace, results: dict, unsupported: dict) -> None:
    """Summarizes the figures, checks the targets, and writes the JSON and the table."""
    summ = medians(results)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "runs": args.runs,
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "users": args.users,
        "scale_users": {"iamd": args.scale_users,
                        "moto": args.moto_scale_users or args.scale_users},
        "summary": summ,
        "unsupported": unsupported,
        "raw": results,
    }
    report["targets"] = targets(summ, args.concurrency, unsupported, args.seconds)
    out = Path(args.out)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (out / "latest.md").write_text(table)
    print()
    print(table)
    print(f"written: {out / 'latest.json'}, {out / 'latest.md'}")
    if args.update_readme:
        readme = ROOT / "README.md"
        text = readme.read_text()
        start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(head + start + table + end + tail)
        print("README.md updated")


if __name__ == "__main__":
    main()
