"""Helpers shared by the tests: the fake AWS's record, IAM users with MFA devices, and
ways to run awsmfa (in this process by default, in a child process where that matters)."""

from __future__ import annotations

import configparser
import contextlib
import io
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ACCOUNT = "123456789012"  # moto's account


@dataclass
class Canned:
    """A response the test server gives instead of moto's, `times` times."""

    status: int
    body: str
    times: int = 1
    # Only requests this accepts get the canned answer; the others go to moto.
    only: Callable[[Request], bool] | None = None


@dataclass(frozen=True)
class Request:
    action: str
    access_key_id: str
    region: str
    params: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass
class FakeAws:
    """The moto server, plus what it was asked and any faults to answer with instead."""

    endpoint: str
    calls: list[Request] = field(default_factory=list)
    faults: dict[str, Canned] = field(default_factory=dict)
    date_header: str | None = None

    def fail(
        self,
        action: str,
        status: int,
        code: str,
        message: str,
        times: int = 1,
        only: Callable[[Request], bool] | None = None,
    ) -> None:
        """Answer `action` with an AWS error, as STS and IAM send it."""
        body = (
            f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault</RequestId></ErrorResponse>"
        )
        self.faults[action] = Canned(status, body, times, only)

    def respond(self, action: str, result_xml: str, times: int = 1) -> None:
        """Answer `action` with a successful result moto would not give."""
        body = (
            f"<{action}Response><{action}Result>{result_xml}</{action}Result>"
            f"<ResponseMetadata><RequestId>canned</RequestId></ResponseMetadata></{action}Response>"
        )
        self.faults[action] = Canned(200, body, times)

    @property
    def requests(self) -> list[str]:
        """The actions asked for, in order."""
        return [call.action for call in self.calls]

    def reset(self) -> None:
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", b""))
        self.calls.clear()
        self.faults.clear()
        self.date_header = None


@dataclass
class IamUser:
    name: str
    arn: str
    access_key_id: str
    secret_access_key: str
    device: str
    seed: bytes


def make_user(fake: FakeAws, name: str = "john.doe", path: str = "/", devices: int = 1) -> IamUser:
    import base64

    import boto3

    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=fake.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    user = iam.create_user(UserName=name, Path=path)["User"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    serials, seed = [], b""
    for number in range(devices):
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-{number}")[
            "VirtualMFADevice"
        ]
        seed = base64.b32decode(device["Base32StringSeed"])
        iam.enable_mfa_device(
            UserName=name,
            SerialNumber=device["SerialNumber"],
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
        serials.append(device["SerialNumber"])
    fake.calls.clear()
    return IamUser(
        name=name,
        arn=user["Arn"],
        access_key_id=key["AccessKeyId"],
        secret_access_key=key["SecretAccessKey"],
        device=serials[0] if serials else "",
        seed=seed,
    )


# A trust policy as an administrator writes it for users who must have used MFA.
MFA_TRUST_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole", '
    '"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}'
)


def make_role(
    fake: FakeAws, name: str = "Admin", path: str = "/ops/", max_session: int = 7200
) -> str:
    """A role in the fake account that the account's users may assume with MFA; its ARN."""
    import boto3

    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=fake.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    arn = iam.create_role(
        RoleName=name,
        Path=path,
        AssumeRolePolicyDocument=MFA_TRUST_POLICY,
        MaxSessionDuration=max_session,
    )["Role"]["Arn"]
    fake.calls.clear()
    return str(arn)


def long_term_text(user: IamUser, name: str = "dev", extra: str = "") -> str:
    return (
        f"[{name}-long-term]\n"
        f"aws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
        f"{extra}"
    )


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run awsmfa in this process, as `main(argv)`, as a child process would run it.

    Its own stdin (not a terminal, as piped input is), stdout and stderr; sys.argv as the
    installed command sets it; warnings printed on stderr as Python prints them, so that
    a test of what reaches stderr sees them too; `env` added for the run only.
    """
    from awsmfa_profiles.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        with (
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
            _replaced(sys, "stdin", io.StringIO(input or "")),
            _replaced(sys, "argv", ["awsmfa", *args]),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("default")
            warnings.showwarning = _warning_to(stderr)
            try:
                status = main(list(args))
            except SystemExit as done:  # as the interpreter maps sys.exit()'s argument
                status = 0 if done.code is None else done.code if isinstance(done.code, int) else 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return Result(status, stdout.getvalue(), stderr.getvalue())


@contextlib.contextmanager
def _replaced(owner: object, name: str, value: object) -> Iterator[None]:
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def _warning_to(stream: io.StringIO) -> Callable[..., None]:
    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        stream.write(warnings.formatwarning(message, category, filename, lineno, line))

    return show


def run_process(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the installed command in a child process, as a user's shell would: for what
    only a real process shows (its imports, signals, exit status, a terminal)."""
    completed = subprocess.run(
        [sys.executable, "-m", "awsmfa_profiles", *args],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


AWSMFA = f"{sys.executable} -m awsmfa_profiles"


def spawn(command: str, cwd: Path) -> Any:
    """Run a shell command on a pseudo-terminal, as a person at a terminal would."""
    import pexpect

    return pexpect.spawn(
        "/bin/sh",
        ["-c", f"exec {command}"],
        env=dict(os.environ),
        cwd=str(cwd),
        encoding="utf-8",
        timeout=30,
    )


def finish(child: Any) -> int:
    """Wait for a spawned command to end; its exit status."""
    import pexpect

    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, child.signalstatus
    return int(child.exitstatus)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def session_text(
    name: str, expires_at: datetime, *, secret: str = "oldsecret", token: str = "oldtoken"
) -> str:
    """A [NAME] section holding a session that expires at `expires_at`, after a blank line."""
    return (
        f"\n[{name}]\naws_access_key_id = ASIAOLD\naws_secret_access_key = {secret}\n"
        f"aws_session_token = {token}\nexpiration = {iso(expires_at)}\n"
    )


def read_section(path: Path, name: str) -> dict[str, str]:
    """[NAME] as configparser, and so botocore, reads it from the file."""
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return dict(parser.items(name))


@dataclass(frozen=True)
class IamKey:
    access_key_id: str
    secret_access_key: str
    active: bool


def iam_keys(user_name: str) -> list[IamKey]:
    """The user's access keys as the moto server holds them, secrets included: what AWS
    itself would accept. The server runs in this process (conftest.moto_server)."""
    from moto.iam.models import iam_backends

    user = iam_backends[ACCOUNT]["aws"].users[user_name]
    return [
        IamKey(key.access_key_id, key.secret_access_key, key.status == "Active")
        for key in user.access_keys
    ]


def caller_arn(fake: FakeAws, access_key_id: str, secret_access_key: str) -> str:
    """sts:GetCallerIdentity signed with these keys, by boto3 rather than by awsmfa."""
    import boto3

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=fake.endpoint,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
    )
    return str(sts.get_caller_identity()["Arn"])
