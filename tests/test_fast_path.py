"""The fast path (cli/fast.py) is the typer app's own command line, answered sooner.

Each invocation runs twice, through cli.main() (the fast path, handing over when it
must) and through typer alone, on the same files at the same instant; stdout, stderr
and exit status must agree byte for byte, errors included. And what the fast path reads
of the command line must be what cli/commands.py declares.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers import Result, run_cli

from awsmfa_profiles import export as export_use_case
from awsmfa_profiles.cli import app, check, defaults, export, fast, refresh

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)
# What each command of the fast path calls: its parameters' defaults must be typer's.
ADAPTERS: dict[str, Callable[..., Any]] = {
    "check": check.check,
    "export": export.export_session,
    "refresh": refresh.report_if_still_valid,
}


def session(name: str, expires_at: datetime, *, secret: str = "SESSIONSECRET") -> str:
    return (
        f"[{name}]\naws_access_key_id = ASIAEXAMPLE{name.upper()}\n"
        f"aws_secret_access_key = {secret}\naws_session_token = TOKEN{name}\n"
        f"expiration = {expires_at.strftime('%Y-%m-%dT%H:%M:%SZ')}\n\n"
    )


def long_term(name: str, extra: str = "") -> str:
    return (
        f"[{name}-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
        f"aws_secret_access_key = longtermsecret\n{extra}\n"
    )


@pytest.fixture(autouse=True)
def profiles(credentials_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sessions in every state, and the clock stopped, so that both runs see the same."""
    monkeypatch.setattr(defaults, "utc_now", lambda: NOW)
    credentials_file.write_text(
        "# a comment\n[unrelated]\nregion = eu-west-1\n\n"
        + long_term("dev")
        + session("dev", NOW + timedelta(hours=5))
        + long_term("soon")
        + session("soon", NOW + timedelta(minutes=20))
        + long_term("old")
        + session("old", NOW - timedelta(hours=2))
        + long_term("role", "role_arn = arn:aws:iam::123456789012:role/Admin\n")
        + session("role", NOW + timedelta(minutes=30))
        + long_term("new")
        + long_term("wide", "within = 6h\n")
        + session("wide", NOW + timedelta(hours=5))
        + long_term("prøve")
        + session("prøve", NOW + timedelta(hours=3))
        + "[keys]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = k\n\n"
        + long_term("odd")
        + "[odd]\naws_session_token = t\nexpiration = soon-ish\n\n"
        + long_term("ansi")
        + session("ansi", NOW + timedelta(hours=5), secret="a\x1b[31mred")
    )
    return credentials_file


@pytest.fixture
def typer_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The argument lists cli.main() handed to typer."""
    calls: list[list[str]] = []
    real = app.run

    def spy(args: list[str], invocation: Any) -> int:
        calls.append(list(args))  # click consumes the list it parses
        return real(args, invocation)

    monkeypatch.setattr(app, "run", spy)
    yield calls


def typer_alone(args: list[str], monkeypatch: pytest.MonkeyPatch) -> Result:
    with monkeypatch.context() as patch:
        patch.setattr(fast, "answer", lambda args: None)
        return run_cli(*args)


ANSWERED = [
    ["--version"],
    ["check"],
    ["check", "dev"],
    ["check", "dev", "--json"],
    ["check", "--json", "dev", "soon", "old"],
    ["check", "-q", "dev"],
    ["check", "--quiet", "dev", "old"],
    ["check", "--within", "6h", "dev", "role"],
    ["check", "odd", "dev"],
    ["check", "prøve"],
    ["check", "keys", "new"],
    ["export", "dev"],
    ["export", "dev", "--format", "json"],
    ["export", "--format", "dotenv", "dev"],
    ["export", "dev", "--format", " JSON "],
    ["export", "soon", "--format", "env"],
    ["export", "ansi"],
    ["refresh", "dev"],
    ["refresh", "role"],
    ["refresh", "dev", "--within", "4h"],
    ["check", "wide", "dev"],
]
HANDED_OVER = [
    # Errors, which typer's path reports.
    ["check", "nosuch"],
    ["check", "dev", "--within", "soon"],
    ["check", "DEFAULT"],
    ["check", ""],
    ["check", "dev-long-term"],
    ["export", "old"],
    ["export", "new"],
    ["export", "keys"],
    ["export", "dev", "--format", "xml"],
    ["export", "nosuch"],
    ["refresh", "nosuch"],
    ["refresh", "dev", "--within", "x"],
    # Work to do: no code to be had here, so a usage error.
    ["refresh", "old"],
    ["refresh", "soon"],
    ["refresh", "dev", "--within", "6h"],
    ["refresh", "wide"],  # its own margin, 6h, is more than is left
    # aws-mfa's section names.
    ["refresh", "dev", "--long-term-suffix", "long-term"],
    # Several profiles, --all, --json: refresh_many's.
    ["refresh", "dev", "role"],
    ["refresh", "--all"],
    ["refresh", "dev", "--json"],
    ["refresh", "--timeout", "30s", "dev"],
    # What the fast path leaves to typer.
    [],
    ["--help"],
    ["check", "--help"],
    ["check", "-h"],
    ["check", "--json", "--json"],
    ["check", "--within=2h"],
    ["check", "--within"],
    ["check", "--within", "-1h"],
    ["check", "--", "dev"],
    ["check", "-qj"],
    ["check", "--bogus"],
    ["export", "dev", "extra"],
    ["export", "dev", "--output"],
    ["refresh", "dev", "--force", "--code", "12345"],
    ["refresh", "dev", "--dotenv", "/nonexistent/dir/.env"],
    ["--version", "check"],
    ["--debug", "check", "dev"],
    ["remind", "--at", "25:00"],
]


@pytest.mark.parametrize("args", ANSWERED, ids=repr)
def test_the_fast_path_answers_as_typer_would(
    args: list[str], typer_calls: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_result = run_cli(*args)
    assert typer_calls == [], "the fast path handed this over"
    assert fast_result == typer_alone(args, monkeypatch)


@pytest.mark.parametrize("args", HANDED_OVER, ids=repr)
def test_what_the_fast_path_hands_over_typer_answers(
    args: list[str], typer_calls: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_result = run_cli(*args)
    assert typer_calls == [args]
    assert fast_result == typer_alone(args, monkeypatch)


@pytest.mark.parametrize(
    "environment",
    [
        {"AWS_PROFILE": "dev"},
        {"AWS_DEFAULT_PROFILE": "soon"},
        {"AWS_PROFILE": "typo"},  # an error naming the variable
        {"AWS_SESSION_TOKEN": "old", "AWS_ACCESS_KEY_ID": "ASIAOLD"},  # refresh's note
        {"_AWSMFA_COMPLETE": "bash_complete"},  # shell completion is typer's
        {"AWSMFA_TIMEOUT": "30s"},
        {"AWSMFA_TIMEOUT": "forever"},  # refresh refuses it before anything else
        # aws-mfa's variables, which refresh reads where no option or file says.
        {"MFA_STS_DURATION": "3600"},
        {"MFA_STS_DURATION": "an hour"},
        {"MFA_ASSUME_ROLE": "arn:aws:iam::123456789012:role/Other"},
        {"MFA_ASSUME_ROLE": "not an arn"},
    ],
    ids=repr,
)
@pytest.mark.parametrize(
    "args", [["export"], ["refresh"], ["refresh", "dev"], ["check", "dev"]], ids=repr
)
def test_both_paths_read_the_environment_alike(
    args: list[str],
    environment: dict[str, str],
    typer_calls: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    fast_result = run_cli(*args)
    # Had the fast path read the environment wrongly, typer could have hidden it.
    answered = fast_result.exit_code == 0 and "_AWSMFA_COMPLETE" not in environment
    assert (typer_calls == []) is answered
    assert fast_result == typer_alone(args, monkeypatch)


def test_an_unreadable_file_is_reported_alike(
    profiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profiles.write_text("key_before = any section\n")
    for args in (["check"], ["export", "dev"], ["refresh", "dev"]):
        assert run_cli(*args) == typer_alone(args, monkeypatch)
    profiles.unlink()
    for args in (["check"], ["export", "dev"], ["refresh", "dev"]):
        assert run_cli(*args) == typer_alone(args, monkeypatch)


def test_an_error_after_output_started_prints_nothing_twice(
    monkeypatch: pytest.MonkeyPatch, typer_calls: list[list[str]]
) -> None:
    """The fast path holds its output until it is done, so a handed-over run starts clean."""
    real_render = export_use_case.render

    def fails_the_first_time(*args: Any) -> str:
        # export has written its note on stderr by now.
        monkeypatch.setattr(export_use_case, "render", real_render)
        raise RuntimeError("a bug")

    monkeypatch.setattr(export_use_case, "render", fails_the_first_time)
    result = run_cli("export", "soon")
    assert typer_calls == [["export", "soon"]]
    assert result == typer_alone(["export", "soon"], monkeypatch)
    assert result.stderr.count("expires in") == 1


# What the fast path reads of the command line is what cli/commands.py declares.


def declared(command: str) -> Any:
    group = typer.main.get_command(app.app)
    return group.commands[command]  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", sorted(fast.SHAPES))
def test_shapes_are_the_declared_command_line(command: str) -> None:
    shape, declaration = fast.SHAPES[command], declared(command)
    options = {
        token: param
        for param in declaration.params
        if param.param_type_name == "option"
        for token in (*param.opts, *param.secondary_opts)
    }
    for token, name in shape.flags.items():
        assert options[token].name == name and options[token].is_flag, token
    for token, name in shape.values.items():
        assert options[token].name == name, token
        assert not options[token].is_flag and options[token].nargs == 1, token
    [argument] = [p for p in declaration.params if p.param_type_name == "argument"]
    if shape.most_arguments is None:
        assert argument.nargs == -1
    else:
        assert argument.nargs in (1, -1) and shape.most_arguments == 1
    # Options left out get the adapter's defaults: typer's own.
    adapter = inspect.signature(ADAPTERS[command]).parameters
    for token, name in {**shape.flags, **shape.values}.items():
        assert adapter[name].default == options[token].default, token


@pytest.mark.parametrize("command", sorted(fast.SHAPES))
def test_every_other_option_is_handed_to_typer(command: str) -> None:
    shape = fast.SHAPES[command]
    for param in declared(command).params:
        for token in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            if token.startswith("-") and token not in shape.flags and token not in shape.values:
                assert fast.parse(shape, [token, "value"]) is None, token


# In real processes: the streams are the process's own, and stderr and stdout share one
# pipe, so their order shows too.

PROCESS = (
    "import sys\n"
    "from awsmfa_profiles.cli import defaults, fast, main\n"
    "from datetime import datetime, timezone\n"
    "defaults.utc_now = lambda: datetime(2026, 11, 28, 12, tzinfo=timezone.utc)\n"
    "if sys.argv[1] == 'typer':\n"
    "    fast.answer = lambda args: None\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


@pytest.mark.parametrize(
    "args", [["export", "soon"], ["check"], ["refresh", "dev"], ["export", "ansi"]], ids=repr
)
def test_a_process_prints_the_same_bytes_in_the_same_order(args: list[str]) -> None:
    def run(path: str) -> tuple[int, bytes]:
        completed = subprocess.run(
            [sys.executable, "-c", PROCESS, path, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        return completed.returncode, completed.stdout

    assert run("fast") == run("typer")
