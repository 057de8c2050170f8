"""A few runs as a real child process (`python -m awsmfa_profiles`), where the process
itself is the point: its exit status, and what reaches stdout and stderr. Everything
else runs `main(argv)` in-process (helpers.run_cli)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, long_term_text, read_section, run_process

from awsmfa_profiles import __version__

ROOT = Path(__file__).resolve().parent.parent


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


# Prints, as the interpreter is about to finalize, whether the collector was on and
# whether the objects left were frozen; runs awsmfa as `python -m awsmfa_profiles` does.
_COLLECTOR_PROBE = """
import atexit, gc, runpy, sys
atexit.register(lambda: print("COLLECTOR", gc.isenabled(), gc.get_freeze_count() > 0,
                              file=sys.stderr))
sys.argv = ["awsmfa", *sys.argv[1:]]
runpy.run_module("awsmfa_profiles", run_name="__main__")
"""


@pytest.mark.parametrize(
    "args", [["--version"], ["refresh", "dev", "--code", "123456"]], ids=" ".join
)
def test_the_command_runs_without_the_cyclic_collector_and_leaves_it_nothing_at_exit(
    args: list[str], aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    """Structural: the collector's passes over botocore's models, the last ones at exit,
    were a quarter of a forced refresh (README, Performance)."""
    credentials_file.write_text(long_term_text(user))
    completed = subprocess.run(
        [sys.executable, "-c", _COLLECTOR_PROBE, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.splitlines()[-1] == "COLLECTOR False True"


def test_the_installed_command_is_the_process_entry_point() -> None:
    """The console script pip generates calls console(), as `python -m` does."""
    if sys.version_info < (3, 11):
        pytest.skip("tomllib is new in Python 3.11")
    else:
        import tomllib

        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        assert project["scripts"] == {"awsmfa": "awsmfa_profiles.cli:console"}
