"""A few runs as a real child process (`python -m awsmfa_profiles`), where the process
itself is the point: its exit status, and what reaches stdout and stderr. Everything
else runs `main(argv)` in-process (helpers.run_cli)."""

from __future__ import annotations

from pathlib import Path

from helpers import FakeAws, IamUser, long_term_text, read_section, run_process

from awsmfa_profiles import __version__


def test_version() -> None:
    result = run_process("--version")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"awsmfa {__version__}\n", "")


def test_refresh_then_check_exit_zero(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user))
    refreshed = run_process("refresh", "dev", "--code", "123456")
    assert refreshed.exit_code == 0, refreshed.output
    assert read_section(credentials_file, "dev")["aws_session_token"]
    checked = run_process("check", "dev")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.split()[:2] == ["dev", "valid"]


def test_configuration_error_is_one_message_and_status_two(credentials_file: Path) -> None:
    result = run_process("check", "nosuch")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("awsmfa: error: ")
    assert "Traceback" not in result.stderr


def test_a_usage_error_is_typers_message_and_status_two() -> None:
    result = run_process("refresh", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option: --no-such-option" in result.stderr
