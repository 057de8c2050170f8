"""Shared fixtures: an isolated home for every test, and a real moto server on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

REPO = Path(__file__).resolve().parent.parent
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may read or write the real ~/.aws: HOME and both AWS files point at tmp_path."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    # One attempt per request keeps the throttling and 5xx tests fast.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    return home


@pytest.fixture
def credentials_file(isolated_home: Path) -> Path:
    return isolated_home / ".aws" / "credentials"


@pytest.fixture
def config_file(isolated_home: Path) -> Path:
    return isolated_home / ".aws" / "config"


@dataclass
class Canned:
    """A response the test server gives instead of moto's, `times` times."""

    status: int
    body: str
    times: int = 1


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

    def fail(self, action: str, status: int, code: str, message: str, times: int = 1) -> None:
        """Answer `action` with an AWS error, as STS and IAM send it."""
        body = (
            f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault</RequestId></ErrorResponse>"
        )
        self.faults[action] = Canned(status, body, times)

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


class _Recorder:
    """WSGI middleware: records each Action, answers configured faults, may skew Date."""

    def __init__(self, app: Any, fake: FakeAws) -> None:
        self.app = app
        self.fake = fake

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        import io

        environ["wsgi.input"] = io.BytesIO(body)
        params = {
            key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()
        }
        action = params.get("Action", "")
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self.app(environ, start_response)
        scope = re.search(
            r"Credential=([^/]+)/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", "")
        )
        self.fake.calls.append(
            Request(
                action, scope.group(1) if scope else "", scope.group(2) if scope else "", params
            )
        )
        fault = self.fake.faults.get(action)
        if fault is not None and fault.times > 0:
            fault.times -= 1
            payload = fault.body.encode()
            start_response(
                f"{fault.status} Canned",
                [("Content-Type", "text/xml"), ("Content-Length", str(len(payload)))],
            )
            return [payload]

        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            if self.fake.date_header is not None:
                # The server's own Date line carries the skewed time (see QuietHandler);
                # a second one from the app would make the header ambiguous.
                headers = [(k, v) for k, v in headers if k.lower() != "date"]
            return start_response(status, headers, *rest)

        return self.app(environ, start)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[FakeAws]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import WSGIRequestHandler, make_server

    fake = FakeAws(endpoint="")

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            # The HTTP server writes the Date line of every answer, refusals included.
            if fake.date_header is not None:
                return fake.date_header
            return str(super().date_time_string(timestamp))

    app = _Recorder(DomainDispatcherApplication(create_backend_app), fake)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    fake.endpoint = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    thread.join()


@dataclass
class IamUser:
    name: str
    arn: str
    access_key_id: str
    secret_access_key: str
    device: str
    seed: bytes


@pytest.fixture
def aws(moto_server: FakeAws, monkeypatch: pytest.MonkeyPatch) -> FakeAws:
    """The moto server, emptied; every AWS call of this test and its children goes there."""
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
    return moto_server


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


@pytest.fixture
def user(aws: FakeAws) -> IamUser:
    return make_user(aws)


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
    """Run the installed command in a child process, as a user's shell would."""
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


@pytest.fixture
def cli() -> Any:
    return run_cli
