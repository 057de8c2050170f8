"""Structural speed facts: the offline commands never load the AWS SDK or configupdater,
and the invocations the fast path answers (cli/fast.py) never load typer either.

`check` runs from cron and shell prompts, `export` as a credential_process and a no-op
`refresh` from login scripts, so each start must stay cheap; botocore alone costs more
than the whole of `check`, and typer was most of what was left.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

HEAVY = ("boto3", "botocore", "configupdater")


@pytest.fixture
def valid_profile(credentials_file: Path) -> None:
    until = (datetime.now(timezone.utc) + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n"
        # check --json tells the key's age from this, and must stay as light.
        "aws_access_key_created = 2026-01-01T00:00:00Z\nmax_key_age = 180d\n\n"
        "[dev]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\n"
        f"aws_session_token = t\nexpiration = {until}\n"
    )


@pytest.mark.usefixtures("valid_profile")
@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "dev", "--json"],
        ["export", "dev"],
        ["export", "dev", "--format", "json"],
        ["--help"],
        ["--version"],
        ["refresh", "--help"],
        ["check", "--help"],
        ["export", "--help"],
        ["rotate", "--help"],
    ],
    ids=" ".join,
)
def test_offline_commands_load_no_heavy_module(args: list[str]) -> None:
    probe = (
        "import sys\n"
        "from awsmfa_profiles.cli import main\n"
        f"sys.argv = ['awsmfa', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert "LOADED []" in completed.stderr, completed.stderr
    assert "Traceback" not in completed.stderr


# Never loaded on the fast path: typer (with the click it bundles), what the offline
# commands never load, and the standard library's heavier modules that only writing,
# prompting or other commands need (dataclasses alone pulls in inspect and ast).
NEVER_FAST = {
    *HEAVY,
    "typer",
    "click",
    "dataclasses",
    "inspect",
    "ast",
    "tempfile",
    "shutil",
    "random",
    "subprocess",
    "configparser",
    "copy",
    "json",
}
# Each invocation the fast path answers, and what of NEVER_FAST it may load all the same.
FAST = [
    (["check", "dev"], set()),
    (["check", "dev", "--json"], {"json"}),
    (["check", "--quiet", "--within", "2h"], set()),
    (["refresh", "dev"], set()),
    (["export", "dev", "--format", "json"], {"json"}),
    (["export", "dev", "--format", "env"], set()),
    (["export", "dev", "--format", "dotenv"], set()),
    (["--version"], set()),
]


@pytest.mark.usefixtures("valid_profile")
@pytest.mark.parametrize(("args", "allowed"), FAST, ids=[" ".join(args) for args, _ in FAST])
def test_the_fast_path_loads_neither_typer_nor_what_it_does_not_use(
    args: list[str], allowed: set[str]
) -> None:
    probe = (
        "import sys\n"
        "from awsmfa_profiles.cli import main\n"
        f"status = main({args!r})\n"
        "print('STATUS', status, file=sys.stderr)\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert "STATUS 0" in completed.stderr, completed.stderr
    loaded = set(ast.literal_eval(completed.stderr.split("LOADED ", 1)[1]))
    assert sorted((NEVER_FAST - allowed) & loaded) == []


def test_version_loads_not_even_the_file_model() -> None:
    probe = (
        "import sys\n"
        "from awsmfa_profiles.cli import main\n"
        "main(['--version'])\n"
        "print(sorted(sys.modules), file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    loaded = set(ast.literal_eval(completed.stderr))
    assert "awsmfa_profiles.cli.fast" in loaded
    assert {"awsmfa_profiles.credentials_file", "awsmfa_profiles.ini"}.isdisjoint(loaded)


def test_the_probe_would_see_botocore(valid_profile: None) -> None:
    """The same probe on a refresh does load botocore: the test above can fail."""
    probe = (
        "import sys\n"
        "from awsmfa_profiles.cli import main\n"
        "sys.argv = ['awsmfa', 'refresh', 'dev', '--force', '--code', '123456',"
        " '--endpoint-url', 'http://127.0.0.1:9', '--device', "
        "'arn:aws:iam::123456789012:mfa/x']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('BOTOCORE', 'botocore' in sys.modules, file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert "BOTOCORE True" in completed.stderr, completed.stderr
