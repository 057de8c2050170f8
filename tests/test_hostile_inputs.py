"""Hostile inputs, as an attacker would try them: out-of-range times, odd sections, special
files, secrets in URLs and commands, a trickling server, interrupts at the worst moment.

Each one ends in one clear message with the documented exit code, nothing written, and no
MFA code spent when the problem could be seen before the request.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, Result, long_term_text, run_cli, run_process

from awsmfa_profiles.errors import MfaProcessError
from awsmfa_profiles.mfa_process import run_mfa_process
from awsmfa_profiles.session import format_expiration, parse_duration, parse_expiration

DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def session_text(name: str, expiration: str) -> str:
    return (
        f"\n[{name}]\naws_access_key_id = ASIAOLD\naws_secret_access_key = oldsecret\n"
        f"aws_session_token = oldtoken\nexpiration = {expiration}\n"
    )


def valid_profile(name: str) -> str:
    until = iso(datetime.now(timezone.utc) + timedelta(hours=5))
    return (
        f"[{name}-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
        f"aws_secret_access_key = s\n" + session_text(name, until) + "\n"
    )


# Item 2: times out of range, from the file, the user and the network.

EDGE_EXPIRATIONS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("expiration", EDGE_EXPIRATIONS)
def test_an_out_of_range_expiration_hides_no_other_profile(
    credentials_file: Path, expiration: str
) -> None:
    credentials_file.write_text(
        valid_profile("good")
        + "[odd-long-term]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
        + session_text("odd", expiration)
    )
    result = run_cli("check")
    assert result.exit_code == 1, result.output
    assert "unexpected" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("good  valid")
    assert lines[1].startswith("odd   missing")
    assert "out of range" in lines[1]
    assert "  run: awsmfa refresh odd" in lines


@pytest.mark.parametrize("expiration", EDGE_EXPIRATIONS)
def test_export_and_doctor_report_an_out_of_range_expiration(
    credentials_file: Path, expiration: str
) -> None:
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
        + session_text("dev", expiration)
    )
    exported = run_cli("export", "dev")
    assert exported.exit_code == 2, exported.output
    assert "out of range" in exported.stderr
    doctor = run_cli("doctor", "dev", "--endpoint-url", "http://127.0.0.1:9")
    assert doctor.exit_code == 1, doctor.output  # AWS cannot be reached, nothing worse
    assert "unexpected" not in doctor.stderr
    assert "out of range" in doctor.stdout


@pytest.mark.parametrize("expiration", EDGE_EXPIRATIONS)
def test_refresh_replaces_an_out_of_range_expiration(
    aws: FakeAws, user: IamUser, credentials_file: Path, expiration: str
) -> None:
    credentials_file.write_text(long_term_text(user) + session_text("dev", expiration))
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert expiration not in credentials_file.read_text()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["check", "--within", "1000000000d"], "--within"),
        (["refresh", "dev", "--within", "1000000000d"], "--within"),
        (["refresh", "dev", "--duration", "99999999999999999999d"], "--duration"),
        (["refresh", "dev", "--duration", "9" * 5000], "--duration"),
    ],
)
def test_huge_durations_are_usage_errors(
    credentials_file: Path, args: list[str], option: str
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert option in result.stderr
    assert "unexpected" not in result.stderr


def test_a_date_header_out_of_range_is_no_crash(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    aws.date_header = "Fri, 31 Dec 9999 23:59:59 -1400"
    result = run_cli("doctor", "dev")
    assert result.exit_code in (0, 1), result.output
    assert "unexpected" not in result.stderr
    assert "AWS accepts the keys" in result.stdout


def test_an_expiration_out_of_range_from_sts_is_an_aws_error(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    aws.respond(
        "GetSessionToken",
        "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
        "<SessionToken>t</SessionToken><Expiration>9999-12-31T23:59:59-14:00</Expiration>"
        "</Credentials>",
    )
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 1, result.output
    assert "unexpected" not in result.stderr
    assert "expiration" in result.stderr
    assert credentials_file.read_bytes() == before


def test_years_before_1000_keep_four_digits() -> None:
    moment = datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert format_expiration(moment) == "0999-01-02T03:04:05Z"
    assert parse_expiration(format_expiration(moment)) == moment


@pytest.mark.parametrize("text", [*EDGE_EXPIRATIONS, "0001-01-01T00:00:00Z", "9999-12-31T23:59Z"])
def test_expirations_no_time_zone_can_show_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        parse_expiration(text)


@pytest.mark.parametrize("text", ["1000000000d", "99999999999999999999d", "9" * 5000, "400d"])
def test_durations_beyond_a_year_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="at most"):
        parse_duration(text)


def test_far_expirations_show_in_the_farthest_time_zones(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000002\naws_secret_access_key = s\n"
        + session_text("dev", "9999-12-30T00:00:00Z")
    )
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        # A child process: the time zone is read when the interpreter starts.
        result = run_process("export", "dev", env={"TZ": zone})
        assert result.exit_code == 0, result.output
        refreshed = run_process("refresh", "dev", env={"TZ": zone})
        assert refreshed.exit_code == 0, refreshed.output
        assert "valid until 9999-12-30T00:00:00Z" in refreshed.stdout


# Item 9: one odd section must not stop the daily check of the others.


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("[ old-long-term]", "' old'"),
        ("[DEFAULT-long-term]", "DEFAULT"),
        ("[a]b-long-term]", "a]b"),
    ],
)
def test_an_odd_long_term_section_is_one_error_line(
    credentials_file: Path, header: str, shown: str
) -> None:
    expired = iso(datetime.now(timezone.utc) - timedelta(hours=1))
    credentials_file.write_text(
        valid_profile("good")
        + f"{header}\naws_access_key_id = AKIAEXAMPLE000000003\naws_secret_access_key = s\n\n"
        + "[late-long-term]\naws_access_key_id = AKIAEXAMPLE000000004\naws_secret_access_key = s\n"
        + session_text("late", expired)
    )
    result = run_cli("check")
    assert result.exit_code == 2, result.output  # the worst of them: an error
    lines = result.stdout.splitlines()
    assert any(line.startswith("good") and "valid" in line for line in lines), lines
    assert any(line.startswith("late") and "expired" in line for line in lines), lines
    errors = [line for line in lines if " error " in line]
    assert len(errors) == 1, lines
    assert header in errors[0] and shown in errors[0]
    assert "  run: awsmfa refresh late" in lines
    report = json.loads(run_cli("check", "--json").stdout)
    assert [entry["status"] for entry in report] == ["valid", "error", "expired"]
    assert shown in report[1]["problem"]


def test_quiet_shows_an_odd_section(credentials_file: Path) -> None:
    credentials_file.write_text(
        valid_profile("good")
        + "[ old-long-term]\naws_access_key_id = AKIAEXAMPLE000000003\naws_secret_access_key = s\n"
    )
    result = run_cli("check", "--quiet")
    assert result.exit_code == 2, result.output
    assert "[ old-long-term]" in result.stdout


# Item 11: a password in the endpoint URL, and hints that quote a command.


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_password_in_the_endpoint_url_is_masked(
    credentials_file: Path, how: str, user: IamUser
) -> None:
    credentials_file.write_text(long_term_text(user))
    url = "http://alice:hunter2secret@127.0.0.1:9"
    args = ["refresh", "dev", "--code", "123456", "--device", DEVICE]
    if how == "option":
        result = run_cli(*args, "--endpoint-url", url)
        doctor = run_cli("doctor", "dev", "--endpoint-url", url)
        bad = run_cli(*args, "--endpoint-url", "http://alice:hunter2secret@[::1")
    else:
        result = run_cli(*args, env={"AWS_ENDPOINT_URL": url})
        doctor = run_cli("doctor", "dev", env={"AWS_ENDPOINT_URL": url})
        bad = run_cli(*args, env={"AWS_ENDPOINT_URL": "http://alice:hunter2secret@[::1"})
    assert result.exit_code == 1, result.output
    assert doctor.exit_code == 1, doctor.output
    assert bad.exit_code == 2, bad.output
    for outcome in (result, doctor, bad):
        assert "hunter2secret" not in outcome.output
    assert "***" in result.stderr


PROFILE = "y;id"
QUOTED = "'y;id'"


def _hints_of(credentials_file: Path, text: str, *args: str) -> str:
    credentials_file.write_text(text)
    result = run_cli(*args)
    return result.output


def test_hints_shell_quote_the_profile_name(credentials_file: Path) -> None:
    keys = "aws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n"
    long_term = f"[{PROFILE}-long-term]\n{keys}"
    expired = iso(datetime.now(timezone.utc) - timedelta(hours=1))
    outputs = [
        # No session yet, an expired one, a broken expiration, a missing token.
        _hints_of(credentials_file, long_term, "export", PROFILE),
        _hints_of(credentials_file, long_term + session_text(PROFILE, expired), "export", PROFILE),
        _hints_of(credentials_file, long_term + session_text(PROFILE, "soon"), "export", PROFILE),
        _hints_of(
            credentials_file,
            long_term + f"[{PROFILE}]\naws_session_token = t\n",
            "export",
            PROFILE,
        ),
        # No terminal to ask a code on.
        _hints_of(credentials_file, long_term, "refresh", PROFILE, "--device", DEVICE),
        # Neither section.
        _hints_of(credentials_file, "[other-long-term]\n" + keys, "refresh", PROFILE),
        _hints_of(credentials_file, "[other-long-term]\n" + keys, "check", PROFILE),
    ]
    for output in outputs:
        assert "awsmfa " in output, output
        for line in output.splitlines():
            if "awsmfa refresh" in line or "awsmfa init" in line or "awsmfa export" in line:
                assert f"awsmfa refresh {PROFILE}" not in line, line
                assert f"awsmfa init {PROFILE}" not in line, line
        assert QUOTED in output, output


def test_the_expiring_note_of_export_quotes_the_name(credentials_file: Path) -> None:
    soon = iso(datetime.now(timezone.utc) + timedelta(minutes=20))
    credentials_file.write_text(
        f"[{PROFILE}-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
        "aws_secret_access_key = s\n" + session_text(PROFILE, soon)
    )
    result = run_cli("export", PROFILE)
    assert result.exit_code == 0, result.output
    assert f"`awsmfa refresh {QUOTED}`" in result.stderr


# Item 1: FIFOs and device files as --output or --dotenv.


def run_bounded(*args: str, timeout: float = 30) -> Result:
    """awsmfa in a child process that may not hang: past `timeout` the test fails."""
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "awsmfa_profiles", *args],
            input="",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"awsmfa {' '.join(args)} still ran after {timeout:.0f} s")
    return Result(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.env"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("fmt", ["env", "dotenv", "json"])
def test_export_refuses_a_fifo(credentials_file: Path, fifo: Path, fmt: str) -> None:
    credentials_file.write_text(valid_profile("dev"))
    result = run_bounded("export", "dev", "--format", fmt, "-o", str(fifo))
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_refresh_refuses_a_fifo_dotenv_before_asking_aws(
    aws: FakeAws, user: IamUser, credentials_file: Path, fifo: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_bounded(
        "refresh", "dev", "--code", "123456", "--device", user.device, "--dotenv", str(fifo)
    )
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.stderr
    assert aws.requests == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a device node")
@pytest.mark.parametrize("fmt", ["dotenv", "json"])
def test_export_never_replaces_a_device_node(
    credentials_file: Path, tmp_path: Path, fmt: str
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    result = run_bounded("export", "dev", "--format", fmt, "-o", str(node))
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.stderr
    assert stat.S_ISCHR(node.stat().st_mode)


def test_a_link_to_a_fifo_is_refused_too(credentials_file: Path, fifo: Path) -> None:
    credentials_file.write_text(valid_profile("dev"))
    link = fifo.with_name("link.env")
    link.symlink_to(fifo)
    result = run_bounded("export", "dev", "-o", str(link))
    assert result.exit_code == 2, result.output
    assert link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)


# Item 6: temporary files beside a .env.


def test_leftover_temp_files_beside_a_dotenv_are_removed(
    credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    target = tmp_path / ".env"
    target.write_text("A=1\n")
    leftovers = [tmp_path / "..env.ab12cd34.awsmfa-tmp", tmp_path / ".env.k2j3h4g5.awsmfa-tmp"]
    for leftover in leftovers:
        leftover.write_text("AWS_SECRET_ACCESS_KEY=old\n")
    neighbours = [tmp_path / ".env.local", tmp_path / ".env.production.x1y2z3w4.awsmfa-tmp"]
    for neighbour in neighbours:
        neighbour.write_text("mine\n")
    result = run_cli("export", "dev", "--format", "dotenv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert not any(leftover.exists() for leftover in leftovers)
    assert all(neighbour.read_text() == "mine\n" for neighbour in neighbours)


def test_a_dotenv_temp_file_matches_common_ignore_patterns(
    credentials_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    target = tmp_path / ".env"
    seen: list[str] = []
    real_fsync = os.fsync

    def watching_fsync(handle: int) -> None:
        seen.extend(name for name in os.listdir(tmp_path) if name.endswith(".awsmfa-tmp"))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", watching_fsync)
    assert run_cli("export", "dev", "--format", "dotenv", "-o", str(target)).exit_code == 0
    assert seen, "no temporary file was seen"
    for name in seen:
        assert fnmatch.fnmatchcase(name, ".env*"), name
        assert fnmatch.fnmatchcase(name, ".env.*"), name


def test_an_interrupt_at_the_fsync_leaves_no_temp_file(
    credentials_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    target = tmp_path / ".env"
    target.write_text("A=1\n")

    def interrupted_fsync(handle: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    result = run_cli("export", "dev", "--format", "dotenv", "-o", str(target))
    assert result.exit_code == 130, result.output
    assert sorted(os.listdir(tmp_path)) == sorted(["home", ".env"])
    assert target.read_text() == "A=1\n"
    assert "nothing was written" in result.stderr


# Item 7: an interrupt right after a file was replaced says so.


def interrupt_after_the_rename(monkeypatch: pytest.MonkeyPatch, *, on_call: int = 1) -> None:
    """Ctrl-C delivered as the directory of the `on_call`th replaced file is fsynced."""
    import awsmfa_profiles.durable as durable

    real = durable._fsync_directory
    calls = []

    def interrupted(directory: Path) -> None:
        calls.append(directory)
        if len(calls) == on_call:
            raise KeyboardInterrupt
        real(directory)

    monkeypatch.setattr(durable, "_fsync_directory", interrupted)


def test_an_interrupt_after_the_export_rename_says_the_file_was_written(
    credentials_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    target = tmp_path / "session.env"
    interrupt_after_the_rename(monkeypatch)
    result = run_cli("export", "dev", "--format", "dotenv", "-o", str(target))
    assert result.exit_code == 130, result.output
    assert "AWS_SESSION_TOKEN=oldtoken" in target.read_text()
    assert "nothing was written" not in result.stderr
    assert str(target) in result.stderr


def test_an_interrupt_after_the_refresh_rename_names_the_credentials_file(
    aws: FakeAws, user: IamUser, credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials_file.write_text(long_term_text(user))
    interrupt_after_the_rename(monkeypatch)
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 130, result.output
    assert "aws_session_token" in credentials_file.read_text()
    assert "nothing was written" not in result.stderr
    assert str(credentials_file) in result.stderr


def test_an_interrupt_between_the_two_files_of_refresh_dotenv(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials_file.write_text(long_term_text(user))
    target = tmp_path / ".env"
    real_fsync = os.fsync
    fsyncs: list[int] = []

    def second_file_interrupted(handle: int) -> None:
        fsyncs.append(handle)
        if any(
            name.endswith(".awsmfa-tmp") and name.startswith(".env")
            for name in os.listdir(tmp_path)
        ):
            raise KeyboardInterrupt
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", second_file_interrupted)
    result = run_cli(
        "refresh", "dev", "--code", "123456", "--device", user.device, "--dotenv", str(target)
    )
    assert result.exit_code == 130, result.output
    assert "aws_session_token" in credentials_file.read_text()
    assert not target.exists()
    assert str(credentials_file) in result.stderr
    assert "nothing else was" in result.stderr
    assert str(target) not in result.stderr


# Item 8: a credentials file that cannot be saved is found out before the code is spent.


@contextlib.contextmanager
def unwritable(directory: Path) -> Iterator[None]:
    """`directory` refuses new files: mode 0500, or for root (who ignores modes) immutable."""
    if os.geteuid() != 0:
        directory.chmod(0o500)
        try:
            yield
        finally:
            directory.chmod(0o700)
        return
    if not shutil.which("chattr"):
        pytest.skip("root ignores modes, and there is no chattr to make a directory immutable")
    made = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i failed here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_an_unwritable_aws_directory_is_refused_before_the_code_is_sent(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    (credentials_file.parent / "credentials.lock").touch()
    before = credentials_file.read_bytes()
    with unwritable(credentials_file.parent):
        result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 2, result.output
    assert aws.requests == []
    assert "no code was used" in result.stderr
    assert str(credentials_file.parent) in result.stderr
    assert credentials_file.read_bytes() == before


def test_an_unwritable_dotenv_directory_is_refused_before_the_code_is_sent(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    place = tmp_path / "project"
    place.mkdir()
    (place / ".env").write_text("A=1\n")
    with unwritable(place):
        result = run_cli(
            "refresh",
            "dev",
            "--code",
            "123456",
            "--device",
            user.device,
            "--dotenv",
            str(place / ".env"),
        )
    assert result.exit_code == 2, result.output
    assert aws.requests == []


def test_a_lock_file_another_user_owns_is_refused_before_the_code_is_sent(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    lock = credentials_file.parent / "credentials.lock"
    lock.touch()
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(lock)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip("cannot make the lock file immutable here")
    else:
        lock.chmod(0o400)
    try:
        result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(lock)], check=True)
    assert result.exit_code == 2, result.output
    assert aws.requests == []


# Item 4: no word of an mfa_process command but its program is ever shown.

SEED = "JBSWY3DPEHPK3PXPSEED"


@pytest.mark.parametrize(
    ("command", "program"),
    [
        (f"TOTP_SEED={SEED} sh -c 'exit 3'", "sh"),
        (f"A=1 B={SEED} false", "false"),
        (f"2>/dev/null SEED={SEED} false", "false"),
        (f"< /dev/null SEED={SEED} false", "false"),
    ],
)
def test_leading_assignments_are_never_shown(command: str, program: str) -> None:
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process(command, source="[dev-long-term]")
    shown = raised.value.message + (raised.value.hint or "")
    assert SEED not in shown
    assert f"mfa_process `{program} …` in [dev-long-term]" in shown


def test_a_seed_pasted_as_the_whole_command_is_never_shown() -> None:
    relayed: list[str] = []
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process(SEED, source="[dev-long-term]", relay=relayed.append)
    shown = raised.value.message + (raised.value.hint or "") + "".join(relayed)
    assert SEED not in shown
    assert "not found" in raised.value.message
    assert "[dev-long-term]" in raised.value.message


def test_an_assigned_secret_echoed_on_stderr_is_masked() -> None:
    relayed: list[str] = []
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process(
            f"TOTP_SEED={SEED} sh -c 'echo \"bad seed $TOTP_SEED\" >&2; exit 1'",
            relay=relayed.append,
        )
    assert SEED not in raised.value.message + "".join(relayed)
    assert "bad seed" in raised.value.message


def test_the_readme_keeps_seeds_off_the_command_line() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    examples = [line for line in readme.splitlines() if "oathtool" in line]
    assert examples, "the README shows how to use oathtool"
    for line in examples:
        assert "SEED" not in line.replace("seed", ""), line
    assert "/proc" in readme


# Item 5: a hardware key's prompt reaches the terminal while the command waits.


def test_the_prompt_of_mfa_process_is_shown_while_it_runs(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    touched = tmp_path / "touched"
    waiting = (
        "echo 'Touch your YubiKey...' >&2; "
        f"i=0; while [ ! -e {touched} ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; "
        f"[ -e {touched} ] && echo 123456"
    )
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nmfa_process = {waiting}\n")
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "awsmfa_profiles", "refresh", "dev"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    seen = []
    try:
        for line in child.stderr:  # ends when awsmfa exits, at the latest after 20 s
            seen.append(line)
            if "Touch your YubiKey" in line:
                touched.touch()
                break
        _, rest = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert touched.exists(), "".join(seen)
    assert child.returncode == 0, "".join(seen) + rest
    assert aws.requests == ["GetSessionToken"]


# Item 10: an overall deadline for what AWS takes to answer.


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """An endpoint that answers every request with one byte every 0.2 s, for 90 s at most:
    no single read ever waits long enough for botocore's read timeout."""
    import socket
    import threading
    import time

    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)

    def trickle(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            request = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    request += chunk
            answer = (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n"
                + b" " * 100000
            )
            ends = time.monotonic() + 90
            for byte in answer:
                if stop.is_set() or time.monotonic() > ends:
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                stop.wait(0.2)

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=trickle, args=(connection,), daemon=True).start()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    server.join(timeout=5)
    listener.close()


def run_bounded_env(*args: str, env: dict[str, str], timeout: float = 45) -> Result:
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "awsmfa_profiles", *args],
            input="",
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"awsmfa {' '.join(args)} still ran after {timeout:.0f} s")
    return Result(completed.returncode, completed.stdout, completed.stderr)


def test_refresh_gives_up_on_a_trickling_server(
    credentials_file: Path, trickling_server: str
) -> None:
    credentials_file.write_text(valid_profile("dev").replace("[dev]", "[unused]"))
    before = credentials_file.read_bytes()
    result = run_bounded_env(
        "refresh",
        "dev",
        "--code",
        "123456",
        "--device",
        DEVICE,
        env={"AWSMFA_TIMEOUT": "2", "AWS_ENDPOINT_URL": trickling_server},
    )
    assert result.exit_code == 1, result.output
    assert "did not answer" in result.stderr
    assert "AWSMFA_TIMEOUT" in result.stderr
    assert credentials_file.read_bytes() == before


def test_the_deadline_is_an_option_too(credentials_file: Path, trickling_server: str) -> None:
    credentials_file.write_text(valid_profile("dev").replace("[dev]", "[unused]"))
    result = run_bounded_env(
        "refresh",
        "dev",
        "--code",
        "123456",
        "--device",
        DEVICE,
        "--timeout",
        "1s",
        "--endpoint-url",
        trickling_server,
        env={},
    )
    assert result.exit_code == 1, result.output
    assert "within 1s" in result.stderr


def test_doctor_gives_up_on_a_trickling_server(
    credentials_file: Path, trickling_server: str
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    result = run_bounded_env(
        "doctor", "dev", "--endpoint-url", trickling_server, env={"AWSMFA_TIMEOUT": "2"}
    )
    assert result.exit_code == 1, result.output
    assert "did not answer" in result.stdout


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--timeout", "0"], {}, "--timeout"),
        (["--timeout", "soon"], {}, "--timeout"),
        ([], {"AWSMFA_TIMEOUT": "2h"}, "AWSMFA_TIMEOUT"),
        ([], {"AWSMFA_TIMEOUT": "never"}, "AWSMFA_TIMEOUT"),
    ],
)
def test_a_bad_deadline_is_a_usage_error_before_any_request(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    args: list[str],
    env: dict[str, str],
    named: str,
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device, *args, env=env)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert aws.requests == []


# The second pass: what the fixes above left open.


@pytest.mark.parametrize(
    "url",
    [
        "alice:hunter2secret@127.0.0.1:9",  # no scheme: botocore's "Invalid endpoint"
        "http://alice:hunter2 secret@127.0.0.1:9",  # a space in the password
        "http://alice:hunter2secret@",
    ],
)
def test_odd_endpoint_urls_are_masked_too(credentials_file: Path, url: str) -> None:
    credentials_file.write_text(valid_profile("dev"))
    result = run_cli(
        "refresh", "dev", "--force", "--code", "123456", "--device", DEVICE, "--endpoint-url", url
    )
    assert result.exit_code in (1, 2), result.output
    assert "hunter2" not in result.output


@pytest.mark.parametrize("which", ["credentials", "config", "link to credentials"])
@pytest.mark.parametrize("command", ["export", "refresh"])
def test_the_aws_files_are_never_a_dotenv_target(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    config_file: Path,
    tmp_path: Path,
    which: str,
    command: str,
) -> None:
    until = iso(datetime.now(timezone.utc) + timedelta(hours=5))
    credentials_file.write_text(long_term_text(user) + session_text("dev", until))
    config_file.write_text("[profile dev]\nregion = us-east-1\n")
    target = config_file if which == "config" else credentials_file
    if which.startswith("link"):
        link = tmp_path / "notebook.env"
        link.symlink_to(credentials_file)
        target = link
    before = (credentials_file.read_bytes(), config_file.read_bytes())
    if command == "export":
        result = run_cli("export", "dev", "--format", "dotenv", "-o", str(target))
    else:
        result = run_cli(
            "refresh",
            "dev",
            "--force",
            "--code",
            "123456",
            "--device",
            user.device,
            "--dotenv",
            str(target),
        )
    assert result.exit_code == 2, result.output
    assert "AWS" in result.stderr
    assert (credentials_file.read_bytes(), config_file.read_bytes()) == before
    assert aws.requests == []


def test_a_fifo_as_the_config_file_is_refused_not_waited_on(
    credentials_file: Path, fifo: Path
) -> None:
    credentials_file.write_text(valid_profile("dev"))
    for args in (
        ["refresh", "dev", "--force", "--code", "123456", "--device", DEVICE],
        ["doctor", "dev"],
    ):
        result = run_bounded_env(
            *args, "--endpoint-url", "http://127.0.0.1:9", env={"AWS_CONFIG_FILE": str(fifo)}
        )
        assert result.exit_code in (1, 2), result.output
        assert "not a regular file" in result.output


def test_dev_null_as_the_config_file_still_reads_as_empty(credentials_file: Path) -> None:
    credentials_file.write_text(valid_profile("dev"))
    result = run_cli(
        "doctor", "dev", "--endpoint-url", "http://127.0.0.1:9", env={"AWS_CONFIG_FILE": os.devnull}
    )
    assert "not a regular file" not in result.output
    assert "could not reach AWS" in result.stdout


def test_a_flood_on_stdout_is_not_kept_whole() -> None:
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process("head -c 20000000 /dev/zero | tr '\\0' 7")
    assert "more than" in raised.value.message
    assert "20000000" not in raised.value.message


def test_a_relay_that_fails_does_not_stop_the_command() -> None:
    def broken(text: str) -> None:
        raise BrokenPipeError

    # More than a pipe holds: unread, the command would block until the timeout.
    command = "echo 'Touch your YubiKey...' >&2; head -c 300000 /dev/zero >&2 && echo 123456"
    assert run_mfa_process(command, relay=broken, timeout=10) == "123456"


def test_hints_for_a_name_with_a_leading_dash_can_be_run(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[-dev-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n"
    )
    checked = run_cli("check")
    assert "  run: awsmfa refresh -- -dev" in checked.stdout.splitlines()
    assert "`awsmfa refresh -- -dev`" in run_cli("export", "--", "-dev").stderr
    hinted = run_cli("refresh", "--device", DEVICE, "--", "-dev").stderr
    assert "awsmfa refresh --code 123456 -- -dev" in hinted
    # What the hint says parses as it says: this one gets as far as asking AWS.
    ran = run_cli(
        "refresh",
        "--device",
        DEVICE,
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--code",
        "123456",
        "--",
        "-dev",
    )
    assert ran.exit_code == 1 and "could not reach AWS" in ran.stderr, ran.output


def test_a_section_name_cannot_drive_the_terminal(credentials_file: Path) -> None:
    credentials_file.write_text(
        valid_profile("good")
        + "[\x1b]0;pwned\x07-long-term]\naws_access_key_id = AKIAEXAMPLE000000003\n"
        "aws_secret_access_key = s\n"
    )
    result = run_cli("check")
    assert result.exit_code == 2, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned\\x07" in result.stdout


def test_an_interrupt_after_init_recorded_the_device_says_so(
    aws: FakeAws, user: IamUser, credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials_file.write_text(
        f"[dev]\naws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
    )
    interrupt_after_the_rename(monkeypatch, on_call=2)  # the device's save, after the rename
    result = run_cli("init", "dev")
    assert result.exit_code == 130, result.output
    assert f"aws_mfa_device = {user.device}" in credentials_file.read_text()
    assert "the first refresh will look up" not in result.stderr
    assert "the MFA device are saved" in result.stderr


# rotate, which main gained meanwhile, makes a key before it writes: the same checks apply.


@pytest.fixture
def ready_to_rotate(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    aws.calls.clear()


@pytest.mark.usefixtures("ready_to_rotate")
def test_rotate_makes_no_key_it_could_not_save(aws: FakeAws, credentials_file: Path) -> None:
    before = credentials_file.read_bytes()
    with unwritable(credentials_file.parent):
        result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 2, result.output
    assert "CreateAccessKey" not in aws.requests
    assert credentials_file.read_bytes() == before


@pytest.mark.usefixtures("ready_to_rotate")
def test_rotate_takes_the_deadline_too(aws: FakeAws) -> None:
    result = run_cli("rotate", "dev", "--yes", env={"AWSMFA_TIMEOUT": "never"})
    assert result.exit_code == 2, result.output
    assert "AWSMFA_TIMEOUT" in result.stderr
    assert aws.requests == []
