"""The one error boundary, cli.app.main(): each kind of outcome becomes its exit status
and one message, whichever command it comes from."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import run_cli, session_text

from awsmfa_profiles import check
from awsmfa_profiles.errors import ExitStatus

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def one_profile(credentials_file: Path) -> Path:
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
        f"aws_secret_access_key = {SECRET}\n"
    )
    return credentials_file


def fails_with(error: BaseException) -> object:
    def run(*args: object, **kwargs: object) -> object:
        raise error

    return run


@pytest.mark.usefixtures("one_profile")
def test_an_unexpected_error_names_its_type_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "check", fails_with(KeyError(SECRET)))
    result = run_cli("check")
    assert result.exit_code == 70
    assert result.stderr == (
        "awsmfa: unexpected error (KeyError); nothing was written\n"
        "Run again with --debug for the traceback, and please report it.\n"
    )
    assert SECRET not in result.output


@pytest.mark.usefixtures("one_profile")
def test_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch) -> None:
    from awsmfa_profiles.cli import main

    monkeypatch.setattr(check, "check", fails_with(KeyError("boom")))
    with pytest.raises(KeyError, match="boom"):
        main(["--debug", "check"])


@pytest.mark.usefixtures("one_profile")
@pytest.mark.parametrize("interruption", [KeyboardInterrupt(), EOFError()])
def test_an_interruption_is_130_and_says_what_was_written(
    monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    monkeypatch.setattr(check, "check", fails_with(interruption))
    result = run_cli("check")
    assert result.exit_code == 130
    assert result.stderr == "\nawsmfa: interrupted; nothing was written\n"


def test_a_usage_error_is_typers_message_and_status_two() -> None:
    result = run_cli("check", "--no-such-option")
    assert result.exit_code == ExitStatus.USAGE
    assert "No such option: --no-such-option" in result.stderr
    assert result.stdout == ""


def test_help_and_version_exit_zero() -> None:
    assert run_cli("--help").exit_code == 0
    assert run_cli("check", "--help").exit_code == 0
    assert run_cli("--version").exit_code == 0


def test_the_profile_variable_is_named_when_it_chose_a_missing_profile(
    one_profile: Path,
) -> None:
    result = run_cli("export", env={"AWS_PROFILE": "typo"})
    assert result.exit_code == ExitStatus.USAGE
    assert "(The profile name came from $AWS_PROFILE" in result.stderr
    typed = run_cli("export", "typo", env={"AWS_PROFILE": "typo"})
    assert "came from" not in typed.stderr


def test_a_reader_that_goes_away_ends_the_run_quietly(one_profile: Path) -> None:
    # `awsmfa check --json | true`: stdout's reader is gone before anything is written.
    # The session is valid, so only the broken pipe can make the status 1.
    with one_profile.open("a") as file:
        file.write(session_text("dev", datetime.now(timezone.utc) + timedelta(hours=5)))
    assert run_cli("check", "--json").exit_code == 0
    reader, writer = os.pipe()
    os.close(reader)
    completed = subprocess.run(
        [sys.executable, "-m", "awsmfa_profiles", "check", "--json"],
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    os.close(writer)
    assert completed.returncode == ExitStatus.FAILED
    assert completed.stderr == ""


def test_init_interrupted_while_looking_up_the_device_says_the_keys_are_saved(
    credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from awsmfa_profiles import init

    credentials_file.write_text(
        f"[dev]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = {SECRET}\n"
    )
    monkeypatch.setattr(init, "record_device", fails_with(KeyboardInterrupt()))
    result = run_cli("init", "dev")
    assert result.exit_code == 130
    assert result.stderr.endswith(
        "\nawsmfa: interrupted; the keys are saved, and the first refresh will look up the "
        "MFA device\n"
    )
    assert credentials_file.read_text().startswith("[dev-long-term]\n")


def test_warnings_reach_stderr_as_in_a_child_process(
    one_profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    def warns(*args: object, **kwargs: object) -> object:
        warnings.warn("a library complained", UserWarning, stacklevel=1)
        return []

    monkeypatch.setattr(check, "check", warns)
    assert "UserWarning: a library complained" in run_cli("check").stderr
