"""`awsmfa refresh NAME...` and `refresh --all`: every account in one run, one code per
MFA device and request, against the moto server."""

from __future__ import annotations

import json
import math
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import (
    AWSMFA,
    FakeAws,
    IamUser,
    finish,
    long_term_text,
    make_role,
    make_user,
    read_section,
    run_cli,
    session_text,
    spawn,
)

from awsmfa_profiles import refresh_many as many
from awsmfa_profiles.aws import connect
from awsmfa_profiles.durable import locked
from awsmfa_profiles.errors import ExitStatus, Interrupted, MfaProcessError
from awsmfa_profiles.refresh import Environment, Refreshed, RefreshOptions, StillValid
from awsmfa_profiles.refresh_many import ProfileResult, Progress, refresh_many

MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. "


def known(user: IamUser, name: str, extra: str = "") -> str:
    """[NAME-long-term] with the user's keys and device, after a blank line."""
    return "\n" + long_term_text(user, name=name, extra=f"aws_mfa_device = {user.device}\n{extra}")


@pytest.fixture
def second(aws: FakeAws, user: IamUser) -> IamUser:
    """Another IAM user, with its own keys and MFA device."""
    return make_user(aws, name="jane.roe")


def tokens(aws: FakeAws) -> list[tuple[str, str]]:
    """(action, code) of each request that spent a code."""
    return [
        (call.action, call.params["TokenCode"]) for call in aws.calls if "TokenCode" in call.params
    ]


# Through the command line.


def test_all_refreshes_every_profile_that_needs_it_keeping_everything_else(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    valid_until = datetime.now(timezone.utc) + timedelta(hours=5)
    original = (
        "# my accounts\n"
        + known(user, "dev", "mfa_process = printf 111111\n")
        + "\n; production, careful\n"
        + known(second, "prod", "mfa_process = printf 222222\n")
        + known(second, "kept")
        + session_text("kept", valid_until)
        + "\n[other]\nregion = eu-west-1\n"
    )
    credentials_file.write_text(original)
    result = run_cli("refresh", "--all")
    assert result.exit_code == 0, result.output
    assert tokens(aws) == [("GetSessionToken", "111111"), ("GetSessionToken", "222222")]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[kept] is valid until")  # decided before any request
    assert lines[1].startswith("[dev] refreshed: valid until")
    assert lines[2].startswith("[prod] refreshed: valid until")
    assert len(lines) == 3
    # Both sessions are new sections at the end: every byte before them is as it was.
    text = credentials_file.read_text()
    assert text.startswith(original)
    assert read_section(credentials_file, "dev")["aws_session_token"]
    assert read_section(credentials_file, "prod")["aws_session_token"]
    assert {call.access_key_id for call in aws.calls} == {
        user.access_key_id,
        second.access_key_id,
    }


def test_several_names_are_refreshed_in_the_order_given(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        known(user, "dev", "mfa_process = printf 111111\n")
        + known(second, "prod", "mfa_process = printf 222222\n")
    )
    result = run_cli("refresh", "prod", "dev")
    assert result.exit_code == 0, result.output
    assert tokens(aws) == [("GetSessionToken", "222222"), ("GetSessionToken", "111111")]


def test_sections_with_the_same_keys_share_one_request_and_one_code(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(known(user, "eu") + known(user, "us"))
    config_file.write_text("[profile eu]\nregion = eu-west-1\n[profile us]\nregion = us-east-1\n")
    result = run_cli("refresh", "eu", "us", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    eu, us = read_section(credentials_file, "eu"), read_section(credentials_file, "us")
    assert eu["aws_session_token"] == us["aws_session_token"]
    assert eu["expiration"] == us["expiration"]
    assert "[eu] refreshed" in result.stdout and "[us] refreshed" in result.stdout


def test_one_failure_does_not_stop_the_others_and_the_exit_code_is_the_worst(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        known(user, "dev", "mfa_process = printf 111111\n")
        + known(user, "typo", "duration = soon\n")
        + known(second, "prod", "mfa_process = printf 222222\n")
    )
    aws.fail("GetSessionToken", 403, "AccessDenied", MFA_FAILED, times=1)
    result = run_cli("refresh", "dev", "typo", "prod")
    # typo's configuration error (2) is worse than dev's refusal by AWS (1).
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[typo] not refreshed: [typo-long-term] duration")
    assert lines[1].startswith("[dev] not refreshed: AWS rejected the MFA code")
    assert lines[2].startswith("[prod] refreshed")
    assert "dev" not in read_section_names(credentials_file)
    assert read_section(credentials_file, "prod")["aws_session_token"]


def read_section_names(path: Path) -> list[str]:
    import configparser

    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return parser.sections()


def test_json_is_a_list_like_check_json(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    valid_until = datetime.now(timezone.utc) + timedelta(hours=5)
    credentials_file.write_text(
        known(user, "dev", "mfa_process = printf 111111\n")
        + known(second, "kept")
        + session_text("kept", valid_until)
        + known(second, "bad", "within = x\n")
    )
    result = run_cli("refresh", "--all", "--json")
    assert result.exit_code == 2, result.output
    entries = json.loads(result.stdout)
    assert [(entry["profile"], entry["status"]) for entry in entries] == [
        ("dev", "refreshed"),
        ("kept", "valid"),
        ("bad", "failed"),
    ]
    for entry in entries:
        assert set(entry) == {"profile", "status", "expires_at", "seconds_left", "error"}
    assert 11 * 3600 < entries[0]["seconds_left"] <= 12 * 3600
    assert entries[0]["error"] is None
    assert entries[1]["expires_at"] == valid_until.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert entries[2]["expires_at"] is None and entries[2]["seconds_left"] is None
    assert "[bad-long-term] within" in entries[2]["error"]


def test_json_with_one_name_is_a_list_of_one(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(known(user, "dev"))
    result = run_cli("refresh", "dev", "--code", "123456", "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert (entry["profile"], entry["status"]) == ("dev", "refreshed")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["dev", "prod", "--code", "123456"],
            "--code is one code, but dev, prod use 2 MFA devices",
        ),
        (["dev", "prod", "--role-arn", "arn:aws:iam::123456789012:role/A"], "--role-arn applies"),
        (["dev", "prod", "--dotenv", ".env"], "--dotenv applies to one profile"),
        (["--all", "dev"], "--all and profile names cannot be used together"),
    ],
)
def test_what_cannot_apply_to_several_profiles_is_refused_before_any_request(
    aws: FakeAws,
    user: IamUser,
    second: IamUser,
    credentials_file: Path,
    args: list[str],
    fragment: str,
) -> None:
    credentials_file.write_text(known(user, "dev") + known(second, "prod"))
    before = credentials_file.read_bytes()
    result = run_cli("refresh", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


def test_one_code_for_one_device_that_needs_two_requests_is_refused(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    role = make_role(aws)
    credentials_file.write_text(known(user, "dev") + known(user, "admin", f"role_arn = {role}\n"))
    result = run_cli("refresh", "dev", "admin", "--code", "123456")
    assert result.exit_code == 2
    assert "need 2 requests, each with a new code" in result.stderr
    assert aws.requests == []


def test_code_applies_when_a_single_device_is_involved(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    valid_until = datetime.now(timezone.utc) + timedelta(hours=5)
    # prod is still valid, so only dev's device is involved.
    credentials_file.write_text(
        known(user, "dev") + known(second, "prod") + session_text("prod", valid_until)
    )
    result = run_cli("refresh", "--all", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert tokens(aws) == [("GetSessionToken", "123456")]


def test_all_without_any_long_term_section(credentials_file: Path) -> None:
    credentials_file.write_text("[other]\nk = v\n")
    result = run_cli("refresh", "--all")
    assert result.exit_code == 2
    assert "no [NAME-long-term] section" in result.stderr


def test_a_discovered_device_is_found_once_per_key_and_remembered_in_each_section(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        "\n" + long_term_text(user, name="eu") + "\n" + long_term_text(user, name="us")
    )
    result = run_cli("refresh", "eu", "us", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetCallerIdentity", "ListMFADevices", "GetSessionToken"]
    for name in ("eu", "us"):
        assert read_section(credentials_file, f"{name}-long-term")["aws_mfa_device"] == user.device
    assert result.stderr.count("Remembered MFA device") == 2


# The use case itself, with a clock and prompts of the test's own.


@dataclass
class Clock:
    """A clock that moves only when slept on."""

    moment: datetime
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)


@dataclass
class Terminal:
    """Answers prompts from a list, and records what was asked and reported."""

    answers: list[str]
    asked: list[tuple[str, str | None]] = field(default_factory=list)
    waits: list[tuple[str, float, list[str]]] = field(default_factory=list)
    results: list[ProfileResult] = field(default_factory=list)
    # A person takes this long to read a code and type it, on this clock.
    typing: tuple[Clock, timedelta] | None = None

    def ask(self, label: str, problem: str | None) -> str:
        self.asked.append((label, problem))
        if self.typing is not None:
            clock, takes = self.typing
            clock.moment += takes
        answer = self.answers.pop(0)
        if answer == "^C":
            raise KeyboardInterrupt
        return answer

    def waiting(self, device: str, seconds: float, names: list[str]) -> None:
        self.waits.append((device, seconds, names))


def five_seconds_into_a_window() -> Clock:
    start = math.floor(time.time() / 30) * 30 + 5
    return Clock(datetime.fromtimestamp(start, timezone.utc))


def run(
    names: list[str] | None,
    credentials_file: Path,
    terminal: Terminal | None,
    clock: Clock,
    options: RefreshOptions | None = None,
) -> list[ProfileResult]:
    env = Environment(
        credentials_path=credentials_file,
        config_path=credentials_file.parent / "config",
        now=clock.now,
        connect=connect,
        ask_code=None if terminal is None else terminal.ask,
    )
    sink = terminal or Terminal([])
    progress = Progress(sink.results.append, sink.waiting, clock.sleep)
    return refresh_many(names, options or RefreshOptions(), env, progress)


def test_one_prompt_per_device_names_the_profiles_it_serves(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(known(user, "eu") + known(user, "us") + known(second, "prod"))
    terminal = Terminal(["111111", "222222"])
    results = run(None, credentials_file, terminal, five_seconds_into_a_window())
    assert [label for label, _ in terminal.asked] == [
        f"{user.device} (eu, us)",
        f"{second.device} (prod)",
    ]
    assert tokens(aws) == [("GetSessionToken", "111111"), ("GetSessionToken", "222222")]
    assert [result.profile for result in results] == ["eu", "us", "prod"]
    assert all(isinstance(result.outcome, Refreshed) for result in results)
    assert terminal.waits == []


def test_a_second_code_for_a_device_waits_for_its_next_window(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    role = make_role(aws)
    credentials_file.write_text(known(user, "dev") + known(user, "admin", f"role_arn = {role}\n"))
    clock = five_seconds_into_a_window()
    terminal = Terminal(["111111", "222222"])
    results = run(None, credentials_file, terminal, clock)
    assert tokens(aws) == [("GetSessionToken", "111111"), ("AssumeRole", "222222")]
    # Told, then waited (on the test's clock) until a second into the next window.
    assert terminal.waits == [(user.device, 26.0, ["admin"])]
    assert clock.slept == [26.0]
    assert [label for label, _ in terminal.asked] == [
        f"{user.device} (dev)",
        f"{user.device} (admin)",
    ]
    assert [result.exit_status for result in results] == [0, 0]
    assert read_section(credentials_file, "admin")["aws_access_key_id"].startswith("ASIA")


def test_a_device_whose_window_has_passed_is_not_waited_for(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    role = make_role(aws)
    credentials_file.write_text(
        known(user, "dev") + known(second, "prod") + known(user, "admin", f"role_arn = {role}\n")
    )
    clock = five_seconds_into_a_window()
    terminal = Terminal(["111111", "222222", "333333"], typing=(clock, timedelta(seconds=20)))
    run(None, credentials_file, terminal, clock)
    # The device's second use was put after prod's, and by then its window had passed.
    assert [label for label, _ in terminal.asked] == [
        f"{user.device} (dev)",
        f"{second.device} (prod)",
        f"{user.device} (admin)",
    ]
    assert terminal.waits == []
    assert clock.slept == []


def test_the_same_code_twice_for_a_device_is_refused_without_a_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    role = make_role(aws)
    credentials_file.write_text(known(user, "dev") + known(user, "admin", f"role_arn = {role}\n"))
    terminal = Terminal(["111111", "111111", "222222"])
    run(None, credentials_file, terminal, five_seconds_into_a_window())
    assert tokens(aws) == [("GetSessionToken", "111111"), ("AssumeRole", "222222")]
    problem = terminal.asked[2][1]
    assert problem is not None and "just used" in problem


def test_mfa_process_is_asked_again_after_the_window(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    role = make_role(aws)
    counter = tmp_path / "count"
    # Prints 000001, then 000002: a new code each time, as after a new window.
    process = (
        f"mfa_process = n=$(cat {counter} 2>/dev/null || echo 0); n=$((n + 1)); "
        f"echo $n > {counter}; printf '%06d' $n\n"
    )
    credentials_file.write_text(
        known(user, "dev", process) + known(user, "admin", f"role_arn = {role}\n{process}")
    )
    clock = five_seconds_into_a_window()
    terminal = Terminal([])
    results = run(None, credentials_file, terminal, clock)
    assert tokens(aws) == [("GetSessionToken", "000001"), ("AssumeRole", "000002")]
    assert terminal.waits == [(user.device, 26.0, ["admin"])]
    assert terminal.asked == []
    assert [result.exit_status for result in results] == [0, 0]


def test_an_mfa_process_that_repeats_its_code_fails_that_request_only(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    role = make_role(aws)
    credentials_file.write_text(
        known(user, "dev", "mfa_process = printf 424242\n")
        + known(user, "admin", f"role_arn = {role}\nmfa_process = printf 424242\n")
    )
    results = run(None, credentials_file, None, five_seconds_into_a_window())
    assert tokens(aws) == [("GetSessionToken", "424242")]
    assert results[0].exit_status == ExitStatus.OK
    assert isinstance(results[1].error, MfaProcessError)
    assert "printed the code just used" in results[1].error.message


def test_the_file_is_locked_once_for_every_write(
    aws: FakeAws,
    user: IamUser,
    second: IamUser,
    credentials_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials_file.write_text(known(user, "dev") + known(second, "prod"))
    taken: list[Path] = []

    def counting(path: Path) -> AbstractContextManager[None]:
        taken.append(path)
        return locked(path)

    monkeypatch.setattr(many, "locked", counting)
    results = run(
        None, credentials_file, Terminal(["111111", "222222"]), five_seconds_into_a_window()
    )
    assert [result.exit_status for result in results] == [0, 0]
    assert taken == [credentials_file]


def test_nothing_valid_is_locked_or_asked(
    aws: FakeAws, user: IamUser, credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    valid_until = datetime.now(timezone.utc) + timedelta(hours=5)
    credentials_file.write_text(known(user, "dev") + session_text("dev", valid_until))
    monkeypatch.setattr(many, "locked", None)  # would fail if called
    (result,) = run(None, credentials_file, None, five_seconds_into_a_window())
    assert isinstance(result.outcome, StillValid)
    assert aws.requests == []


def test_an_interruption_says_what_was_saved(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(known(user, "dev") + known(second, "prod"))
    terminal = Terminal(["111111", "^C"])
    with pytest.raises(Interrupted) as raised:
        run(None, credentials_file, terminal, five_seconds_into_a_window())
    assert raised.value.message == "interrupted; saved [dev]; not refreshed: [prod]"
    assert read_section(credentials_file, "dev")["aws_session_token"]
    assert "prod" not in read_section_names(credentials_file)


def test_a_rejected_code_is_asked_again_for_that_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(known(user, "dev"))
    aws.fail("GetSessionToken", 403, "AccessDenied", MFA_FAILED, times=1)
    terminal = Terminal(["111111", "222222"])
    (result,) = run(["dev"], credentials_file, terminal, five_seconds_into_a_window())
    assert result.exit_status == 0
    problem = terminal.asked[1][1]
    assert problem is not None and "attempt 2 of 3" in problem
    assert tokens(aws) == [("GetSessionToken", "111111"), ("GetSessionToken", "222222")]


# On a real terminal.


def test_prompts_name_the_profiles_and_results_go_to_stdout(
    aws: FakeAws, user: IamUser, second: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(known(user, "dev") + known(user, "eu") + known(second, "prod"))
    child = spawn(f"{AWSMFA} refresh --all > out.txt", tmp_path)
    child.expect_exact(f"MFA code for {user.device} (dev, eu): ")
    child.sendline("111111")
    child.expect_exact(f"MFA code for {second.device} (prod): ")
    child.sendline("222222")
    assert finish(child) == 0
    lines = (tmp_path / "out.txt").read_text().splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        ["[dev]", "refreshed:"],
        ["[eu]", "refreshed:"],
        ["[prod]", "refreshed:"],
    ]
    assert tokens(aws) == [("GetSessionToken", "111111"), ("GetSessionToken", "222222")]


def test_the_command_says_why_it_waits(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import types

    from awsmfa_profiles.cli import refresh as command

    slept: list[float] = []
    monkeypatch.setattr(command, "time", types.SimpleNamespace(sleep=slept.append))
    role = make_role(aws)
    counter = tmp_path / "count"
    process = (
        f"mfa_process = n=$(cat {counter} 2>/dev/null || echo 0); n=$((n + 1)); "
        f"echo $n > {counter}; printf '%06d' $n\n"
    )
    credentials_file.write_text(
        known(user, "dev", process) + known(user, "admin", f"role_arn = {role}\n{process}")
    )
    result = run_cli("refresh", "dev", "admin")
    assert result.exit_code == 0, result.output
    assert len(slept) == 1 and 1 <= slept[0] <= 31
    assert (
        f"for the next code of {user.device} (admin): AWS accepts each code only once."
        in result.stderr
    )


def test_json_without_a_name_takes_the_profile_from_the_environment(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(known(user, "fresh"))
    result = run_cli("refresh", "--json", "--code", "123456", env={"AWS_PROFILE": "fresh"})
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert (entry["profile"], entry["status"]) == ("fresh", "refreshed")
