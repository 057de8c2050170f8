"""Shared fixtures: an isolated home for every test, and a real moto server on loopback."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from helpers import FakeAws, IamUser, Request, make_user


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
        request = Request(
            action, scope.group(1) if scope else "", scope.group(2) if scope else "", params
        )
        self.fake.calls.append(request)
        fault = self.fake.faults.get(action)
        if fault is not None and fault.times > 0 and (fault.only is None or fault.only(request)):
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


@pytest.fixture
def aws(moto_server: FakeAws, monkeypatch: pytest.MonkeyPatch) -> FakeAws:
    """The moto server, emptied; every AWS call of this test and its children goes there."""
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
    return moto_server


@pytest.fixture
def user(aws: FakeAws) -> IamUser:
    return make_user(aws)
