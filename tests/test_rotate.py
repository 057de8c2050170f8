"""`awsmfa rotate`: a new long-term key into [NAME-long-term], the old one retired, and
never a moment without a working key in the file."""

from __future__ import annotations

import configparser
import dataclasses
import fcntl
import io
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pexpect
import pytest
from helpers import (
    FakeAws,
    IamKey,
    IamUser,
    caller_arn,
    finish,
    iam_keys,
    make_user,
    run_cli,
)

from awsmfa_profiles.aws import connect
from awsmfa_profiles.errors import AwsmfaError, Interrupted, KeyRotationError
from awsmfa_profiles.keys import AccessKeyInfo, mask
from awsmfa_profiles.rotate import (
    NOTE_SETTING,
    OURS_WITHIN,
    PROVE_LIMIT,
    Declined,
    DryRun,
    LeftoverKind,
    Progress,
    Rotated,
    RotateEnvironment,
    RotateOptions,
    RotationNote,
    Step,
    assess,
    rotate,
)

MUTATING = {"CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"}
# Comments, odd spacing and other profiles: none of it may move.
AROUND = "# my keys\n[ci-bot]\naws_access_key_id = AKIACIBOT\naws_secret_access_key = cibot\n\n"


def long_term(user: IamUser, extra: str = "") -> str:
    return (
        "[dev-long-term]\n"
        "# from the IAM console\n"
        f"aws_access_key_id   =  {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
        f"aws_mfa_device = {user.device}\n"
        f"{extra}"
        "; notes about [dev] below\n"
    )


@pytest.fixture
def ready(aws: FakeAws, user: IamUser, credentials_file: Path) -> str:
    """Keys, a device, a valid session: rotate needs no code. Returns the file's text."""
    credentials_file.write_text(AROUND + long_term(user))
    credentials_file.chmod(0o600)
    refreshed = run_cli("refresh", "dev", "--code", "123456")
    assert refreshed.exit_code == 0, refreshed.output
    aws.calls.clear()
    return credentials_file.read_text()


def long_term_keys(path: Path) -> tuple[str, str]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    section = parser["dev-long-term"]
    return section["aws_access_key_id"], section["aws_secret_access_key"]


def session_key(path: Path) -> str:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return parser["dev"]["aws_access_key_id"]


def assert_works(fake: FakeAws, user: IamUser, path: Path) -> IamKey:
    """The file's long-term keys are an active key of the user that AWS accepts."""
    key_id, secret = long_term_keys(path)
    held = IamKey(key_id, secret, active=True)
    assert held in iam_keys(user.name)
    assert caller_arn(fake, key_id, secret) == user.arn
    return held


def rotated_text(before: str, user: IamUser, new: IamKey, created: str) -> str:
    """`before` with only the key's two values changed and its date recorded."""
    return (
        before.replace(user.access_key_id, new.access_key_id)
        .replace(user.secret_access_key, new.secret_access_key)
        .replace(
            f"aws_mfa_device = {user.device}\n",
            f"aws_mfa_device = {user.device}\naws_access_key_created = {created}\n",
        )
    )


def recorded_created(path: Path) -> str:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return parser["dev-long-term"]["aws_access_key_created"]


# The whole rotation, end to end against the moto server.


def test_rotate_replaces_the_key_and_nothing_else(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 0, result.output
    calls = list(aws.calls)
    new = assert_works(aws, user, credentials_file)
    assert new.access_key_id != user.access_key_id
    assert iam_keys(user.name) == [new]
    created = recorded_created(credentials_file)
    assert credentials_file.read_text() == rotated_text(ready, user, new, created)
    assert abs(
        datetime.fromisoformat(created.replace("Z", "+00:00")) - datetime.now(timezone.utc)
    ) < timedelta(minutes=5)
    assert credentials_file.stat().st_mode & 0o777 == 0o600
    assert not list(credentials_file.parent.glob("*.awsmfa-tmp"))
    assert [call.action for call in calls] == [
        "GetCallerIdentity",
        "ListAccessKeys",
        "CreateAccessKey",
        "GetCallerIdentity",
        "UpdateAccessKey",
        "DeleteAccessKey",
    ]
    # Who owns the key: asked with the key itself. The key calls: signed with the MFA
    # session. The proof: signed with the new key.
    session = session_key(credentials_file)
    assert [call.access_key_id for call in calls] == [
        user.access_key_id,
        session,
        session,
        new.access_key_id,
        session,
        session,
    ]
    assert calls[4].params["Status"] == "Inactive"
    assert calls[5].params["AccessKeyId"] == user.access_key_id
    old, fresh = mask(user.access_key_id), mask(new.access_key_id)
    assert f"Rotated: [dev-long-term] holds the new access key {fresh}; {old} is deleted." in (
        result.stdout
    )
    for step in (
        f"Created access key {fresh}.",
        f"AWS accepts {fresh}.",
        f"Saved {fresh} and its secret in [dev-long-term].",
        f"Deactivated {old}.",
        f"Deleted {old}.",
    ):
        assert step in result.stderr
    # Secrets and whole key IDs are never shown.
    for secret in (new.secret_access_key, user.secret_access_key):
        assert secret not in result.output
    assert new.access_key_id not in result.output and user.access_key_id not in result.output


def test_the_session_is_refreshed_first_when_it_is_not_good(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term(user))
    result = run_cli("rotate", "dev", "--yes", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests[0] == "GetSessionToken"
    assert "[dev] refreshed: valid until" in result.stdout
    assert_works(aws, user, credentials_file)
    assert len(iam_keys(user.name)) == 1


def test_the_next_refresh_signs_with_the_new_key(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    assert run_cli("rotate", "dev", "--yes").exit_code == 0
    new = assert_works(aws, user, credentials_file)
    aws.calls.clear()
    assert run_cli("refresh", "dev", "--force", "--code", "123456").exit_code == 0
    assert [call.access_key_id for call in aws.calls] == [new.access_key_id]


def test_two_keys_are_refused_before_anything_changes(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    import boto3

    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=aws.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    other = iam.create_access_key(UserName=user.name)["AccessKey"]["AccessKeyId"]
    aws.calls.clear()
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 1, result.output
    assert (
        f"IAM user john.doe already has two access keys: {mask(user.access_key_id)}, the one in "
        f"[dev-long-term] of {credentials_file}, and {mask(other)}, which is not in the file"
    ) in result.stderr
    assert f"If nothing uses {mask(other)} any more, delete it" in result.stderr
    assert not MUTATING & set(aws.requests)
    assert credentials_file.read_text() == ready
    assert {key.access_key_id for key in iam_keys(user.name)} == {user.access_key_id, other}


def test_dry_run_changes_no_key_and_masks_them(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    result = run_cli("rotate", "dev", "--dry-run")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetCallerIdentity", "ListAccessKeys"]
    assert credentials_file.read_text() == ready
    assert iam_keys(user.name) == [IamKey(user.access_key_id, user.secret_access_key, True)]
    old = mask(user.access_key_id)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"[dev-long-term] in {credentials_file} holds access key {old} of IAM user john.doe, "
        "created "
    )
    assert lines[1:] == [
        "Would:",
        "  1. create a new access key for IAM user john.doe",
        "  2. check that AWS accepts it (sts:GetCallerIdentity), waiting up to 60 s while IAM "
        "spreads it",
        f"  3. write its ID and secret over {old}'s in [dev-long-term], and its date as "
        "aws_access_key_created",
        f"  4. deactivate and delete {old}",
        "Nothing was changed (--dry-run).",
    ]
    assert user.access_key_id not in result.output


def test_without_a_terminal_it_needs_yes(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    result = run_cli("rotate", "dev")
    assert result.exit_code == 2
    assert "there is no terminal to ask on" in result.stderr
    assert "--yes" in result.stderr and "awsmfa rotate dev --dry-run" in result.stderr
    assert aws.requests == []
    assert credentials_file.read_text() == ready


def test_a_role_profile_is_refused_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term(user, extra="role_arn = arn:aws:iam::123456789012:role/Admin\n")
    )
    result = run_cli("rotate", "dev", "--yes", "--code", "123456")
    assert result.exit_code == 2
    assert "assumes the role arn:aws:iam::123456789012:role/Admin" in result.stderr
    assert aws.requests == []


def test_another_rotation_running_is_refused(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    with open(credentials_file.with_name("credentials.rotate.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 1
    assert f"another awsmfa rotate is running on {credentials_file}" in result.stderr
    assert aws.requests == []


# On a terminal: the plan is shown and only an explicit yes goes ahead.


def spawn_rotate(*args: str) -> tuple[pexpect.spawn, io.StringIO]:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsmfa_profiles", "rotate", "dev", *args],
        env=dict(os.environ),
        encoding="utf-8",
        timeout=60,
    )
    transcript = io.StringIO()
    child.logfile_read = transcript
    return child, transcript


@pytest.mark.parametrize("answer", ["", "n", "no thanks"])
def test_anything_but_yes_on_the_terminal_changes_nothing(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str, answer: str
) -> None:
    child, transcript = spawn_rotate()
    child.expect("awsmfa will:")
    child.expect(r"Go ahead\? \[y/N\]: ")
    child.sendline(answer)
    assert finish(child) == 1, transcript.getvalue()
    assert "Nothing was changed." in transcript.getvalue()
    assert not MUTATING & set(aws.requests)
    assert credentials_file.read_text() == ready


def test_yes_on_the_terminal_rotates(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    child, transcript = spawn_rotate()
    child.expect(r"Go ahead\? \[y/N\]: ")
    child.sendline("y")
    assert finish(child) == 0, transcript.getvalue()
    new = assert_works(aws, user, credentials_file)
    assert new.access_key_id != user.access_key_id
    assert new.secret_access_key not in transcript.getvalue()


# What moto cannot do: canned refusals.


def test_create_access_key_denied_leaves_everything_as_it_was(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    aws.fail("CreateAccessKey", 403, "AccessDenied", "User is not authorized")
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 1
    assert "permission missing: iam:CreateAccessKey was denied" in result.stderr
    assert "nothing was changed" in result.stderr
    assert "Ask an administrator to allow iam:CreateAccessKey" in result.stderr
    assert credentials_file.read_text() == ready
    assert iam_keys(user.name) == [IamKey(user.access_key_id, user.secret_access_key, True)]


def test_limit_exceeded_says_a_key_was_made_meanwhile(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    aws.fail(
        "CreateAccessKey", 409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2"
    )
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 1
    assert "IAM user john.doe already has two access keys (LimitExceeded)" in result.stderr
    assert "awsmfa doctor dev" in result.stderr
    assert credentials_file.read_text() == ready


# IAM's eventual consistency: the use case with a sleep that does not wait.


def environment(
    credentials_file: Path, slept: list[float], shown: list[Progress], **changes: Any
) -> RotateEnvironment:
    env = RotateEnvironment(
        credentials_path=credentials_file,
        config_path=credentials_file.with_name("config"),
        now=lambda: datetime.now(timezone.utc),
        connect=connect,
        sleep=slept.append,
        progress=shown.append,
    )
    return dataclasses.replace(env, **changes)


def test_a_new_key_not_yet_accepted_is_tried_again_with_a_shown_wait(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    aws.fail(
        "GetCallerIdentity",
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        times=3,
        only=lambda request: request.access_key_id not in (user.access_key_id, ""),
    )
    slept: list[float] = []
    shown: list[Progress] = []
    outcome = rotate("dev", RotateOptions(), environment(credentials_file, slept, shown))
    assert isinstance(outcome, Rotated)
    assert slept == [1.0, 2.0, 4.0]
    waits = [event for event in shown if event.step is Step.WAITING]
    assert [(event.wait.total_seconds(), event.waited.total_seconds()) for event in waits] == [
        (1, 0),
        (2, 1),
        (4, 3),
    ]
    assert_works(aws, user, credentials_file)


def test_the_wait_is_bounded_and_the_new_key_is_then_deleted(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    aws.fail(
        "GetCallerIdentity",
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        times=1000,
        only=lambda request: request.access_key_id not in (user.access_key_id, ""),
    )
    slept: list[float] = []
    shown: list[Progress] = []
    with pytest.raises(KeyRotationError) as raised:
        rotate("dev", RotateOptions(), environment(credentials_file, slept, shown))
    assert sum(slept) == PROVE_LIMIT.total_seconds()
    assert max(slept) == 8.0
    message = raised.value.message
    assert "AWS did not accept the new key" in message and "within 60 s" in message
    assert f"was deleted and [dev-long-term] still holds {mask(user.access_key_id)}" in message
    assert credentials_file.read_text() == ready
    assert iam_keys(user.name) == [IamKey(user.access_key_id, user.secret_access_key, True)]


def test_the_cli_shows_the_wait(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    ready: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from awsmfa_profiles.cli import defaults

    slept: list[float] = []
    monkeypatch.setattr(defaults, "sleep", slept.append)
    aws.fail(
        "GetCallerIdentity",
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        only=lambda request: request.access_key_id not in (user.access_key_id, ""),
    )
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 0, result.output
    assert slept == [1.0]
    assert (
        "IAM takes a few seconds to spread a new key); trying again in 1 s (0 s of at most 60 s"
        in (result.stderr)
    )


def test_ctrl_c_while_waiting_says_what_the_file_holds(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    aws.fail(
        "GetCallerIdentity",
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        only=lambda request: request.access_key_id not in (user.access_key_id, ""),
    )

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as raised:
        rotate(
            "dev",
            RotateOptions(),
            environment(credentials_file, [], [], sleep=interrupted),
        )
    assert raised.value.message == (
        f"interrupted; [dev-long-term] holds {mask(user.access_key_id)}, which works; "
        "`awsmfa rotate dev` finishes or undoes what was begun"
    )
    assert_works(aws, user, credentials_file)
    # The next run deletes the key this one made but never saved, then rotates.
    again = run_cli("rotate", "dev", "--yes")
    assert again.exit_code == 0, again.output
    assert "its secret was never saved, so nothing used it" in again.stderr
    new = assert_works(aws, user, credentials_file)
    assert iam_keys(user.name) == [new]


def test_declining_changes_nothing(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    outcome = rotate(
        "dev",
        RotateOptions(),
        environment(credentials_file, [], [], confirm=lambda plan: False),
    )
    assert isinstance(outcome, Declined)
    assert not MUTATING & set(aws.requests)
    assert credentials_file.read_text() == ready


def test_a_dry_run_of_the_use_case_returns_the_plan(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    outcome = rotate("dev", RotateOptions(dry_run=True), environment(credentials_file, [], []))
    assert isinstance(outcome, DryRun)
    assert outcome.plan.current.access_key_id == user.access_key_id
    assert outcome.plan.user_name == "john.doe"
    assert outcome.plan.leftover is None and outcome.plan.creates_key


def test_a_failed_write_of_the_new_key_deletes_it(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    ready: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    real_mkstemp = tempfile.mkstemp
    writes: list[int] = []

    def full_disk_on_the_second_write(*args: object, **kwargs: object) -> tuple[int, str]:
        # The first temporary file is the check that the file can be written at all,
        # made before any key; the second write is the one that records the new key.
        writes.append(1)
        if len(writes) == 3:
            raise OSError(28, "No space left on device")
        return real_mkstemp(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", full_disk_on_the_second_write)
    with pytest.raises(AwsmfaError) as raised:
        rotate("dev", RotateOptions(), environment(credentials_file, [], []))
    message = raised.value.message
    assert "the new access key could not be saved" in message
    assert "No space left on device" in message
    assert f"was deleted and [dev-long-term] still holds {mask(user.access_key_id)}" in message
    assert credentials_file.read_text() == ready
    assert iam_keys(user.name) == [IamKey(user.access_key_id, user.secret_access_key, True)]


# Killed at each step: the file always holds a working key, and the next run tidies up.

KILL_AFTER = ["created", "proven", "saved", "deactivated", "deleted"]


def rotate_killed_after(step: str) -> subprocess.CompletedProcess[str]:
    """Run `awsmfa rotate dev --yes` as a real process that SIGKILLs itself as soon as
    `step` is done (reported), with no chance to tidy up."""
    probe = f"""
import os, signal, sys
from awsmfa_profiles.cli import render
shown = render.rotation_step
def step_then_die(event, section):
    line = shown(event, section)
    if event.step.value == {step!r}:
        sys.stderr.write(f"{{line}}\\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return line
render.rotation_step = step_then_die
from awsmfa_profiles.cli import main
sys.argv = ["awsmfa", "rotate", "dev", "--yes"]
sys.exit(main())
"""
    return subprocess.run(
        [sys.executable, "-c", probe],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# What the next run says it did, for each moment of the kill.
FINISHED = {
    "created": "Deleted {new}: its secret was never saved, so nothing used it.",
    "proven": "Deleted {new}: its secret was never saved, so nothing used it.",
    "saved": "Deactivated {old}.\nDeleted {old}.",
    "deactivated": "Deleted {old}.",
    "deleted": "",
}
FOUND = {
    "created": "An interrupted rotation created {new} and was stopped before saving it",
    "proven": "An interrupted rotation created {new} and was stopped before saving it",
    "saved": "An interrupted rotation replaced {old} with {new} in the file; {old} is still in "
    "IAM (active).",
    "deactivated": "An interrupted rotation replaced {old} with {new} in the file; {old} is "
    "still in IAM (inactive).",
    "deleted": "An interrupted rotation replaced {old} with {new}; {old} is gone from IAM.",
}


@pytest.mark.parametrize("step", KILL_AFTER)
def test_a_kill_at_each_step_leaves_a_working_key_and_the_next_run_tidies_up(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str, step: str
) -> None:
    killed = rotate_killed_after(step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    made = [key for key in iam_keys(user.name) if key.access_key_id != user.access_key_id]
    assert len(made) == 1
    new = made[0]

    # The file holds a key that works, and no secret was shown or left in a temp file.
    held = assert_works(aws, user, credentials_file)
    switched = KILL_AFTER.index(step) >= KILL_AFTER.index("saved")
    assert held.access_key_id == (new.access_key_id if switched else user.access_key_id)
    assert new.secret_access_key not in killed.stdout + killed.stderr
    assert not list(credentials_file.parent.glob("*.awsmfa-tmp"))
    assert f"{NOTE_SETTING} = {user.access_key_id} since " in credentials_file.read_text()

    # doctor finds the half-done rotation, says what rotate will do, and changes nothing.
    names = {"old": mask(user.access_key_id), "new": mask(new.access_key_id)}
    before = credentials_file.read_bytes()
    doctor = run_cli("doctor", "dev")
    assert "warn  a key rotation of [dev-long-term] was interrupted: " in doctor.stdout
    found = FOUND[step].format(**names).removeprefix("An interrupted rotation ").rstrip(".")
    assert f"was interrupted: it {found}" in doctor.stdout
    assert "fix: awsmfa rotate dev   (it will " in doctor.stdout
    assert credentials_file.read_bytes() == before

    # The next rotate finishes or undoes it, saying what it found and what it did.
    again = run_cli("rotate", "dev", "--yes")
    assert again.exit_code == 0, again.output
    assert FOUND[step].format(**names) in again.stdout
    assert FINISHED[step].format(**names) in again.stderr
    final = assert_works(aws, user, credentials_file)
    assert iam_keys(user.name) == [final]
    if switched:
        assert final == new
        assert "Finished the interrupted rotation" in again.stdout
    else:
        # The orphan was deleted and a rotation made a key of its own.
        assert final.access_key_id not in (user.access_key_id, new.access_key_id)
        assert "Rotated: [dev-long-term] holds the new access key" in again.stdout
    text = credentials_file.read_text()
    assert NOTE_SETTING not in text
    assert text == rotated_text(ready, user, final, recorded_created(credentials_file))
    assert not list(credentials_file.parent.glob("*.awsmfa-tmp"))


# The reading of a half-done rotation, on its own.

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
OLD, NEW, OTHER = "AKIAOLDOLDOLDOLD0001", "AKIANEWNEWNEWNEW0002", "AKIAOTHEROTHER000003"


def key(
    key_id: str, created: datetime = NOW - timedelta(days=100), active: bool = True
) -> AccessKeyInfo:
    return AccessKeyInfo(key_id, active, created)


def test_assess_without_a_note_counts_the_other_keys() -> None:
    state = assess(OLD, None, [key(OLD), key(OTHER)])
    assert state.in_file == key(OLD) and state.leftover is None and state.others == [key(OTHER)]
    assert assess(OLD, None, [key(OTHER)]).in_file is None


@pytest.mark.parametrize(
    ("offset", "ours"),
    [
        (timedelta(0), True),
        (OURS_WITHIN, True),
        (-OURS_WITHIN, True),
        (OURS_WITHIN + timedelta(seconds=1), False),
        (-OURS_WITHIN - timedelta(seconds=1), False),
    ],
)
def test_assess_takes_only_a_key_made_right_after_the_note_for_the_runs(
    offset: timedelta, ours: bool
) -> None:
    note = RotationNote(OLD, NOW)
    state = assess(OLD, note, [key(OLD), key(NEW, NOW + offset)])
    assert state.leftover is not None
    if ours:
        assert state.leftover.kind is LeftoverKind.ORPHAN and state.others == []
    else:
        # Someone else's key: never deleted, and rotate refuses as for any second key.
        assert state.leftover.kind is LeftoverKind.NOTE_ONLY
        assert state.others == [key(NEW, NOW + offset)]


def test_assess_after_the_file_took_the_new_key() -> None:
    note = RotationNote(OLD, NOW)
    state = assess(NEW, note, [key(NEW, NOW), key(OLD, active=False)])
    assert state.leftover is not None and state.leftover.kind is LeftoverKind.OLD_KEY
    assert state.leftover.key == key(OLD, active=False) and state.others == []
    gone = assess(NEW, note, [key(NEW, NOW)])
    assert gone.leftover is not None and gone.leftover.kind is LeftoverKind.NOTE_ONLY
    assert gone.leftover.switched


def test_a_malformed_note_is_refused_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term(user, extra=f"{NOTE_SETTING} = whenever\n"))
    result = run_cli("rotate", "dev", "--yes", "--code", "123456")
    assert result.exit_code == 2
    assert f"{NOTE_SETTING} is not `KEY since TIME`" in result.stderr
    assert aws.requests == []


def test_check_json_tells_the_age_recorded_by_rotate(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    assert run_cli("rotate", "dev", "--yes").exit_code == 0
    aws.calls.clear()
    report = json.loads(run_cli("check", "dev", "--json").stdout)[0]
    assert report["key_created_at"] == recorded_created(credentials_file)
    assert report["key_age_days"] == 0
    assert report["key_rotation_due"] is False
    assert aws.requests == []


def test_every_section_with_the_same_key_gets_the_new_one(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    # The old key is deleted: a section left holding it would stop working.
    shared = (
        f"aws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
    )
    credentials_file.write_text(
        long_term(user)
        + "\n[dev-admin-long-term]\n"
        + shared
        + f"aws_mfa_device = {user.device}\nrole_arn = arn:aws:iam::123456789012:role/Admin\n"
        + "\n# used by a build script\n[ci-bot]\n"
        + shared
    )
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    before = credentials_file.read_text()
    dry = run_cli("rotate", "dev", "--dry-run")
    assert (
        f"write its ID and secret over {mask(user.access_key_id)}'s in [dev-long-term], "
        "[dev-admin-long-term], [ci-bot], and its date as aws_access_key_created"
    ) in dry.stdout
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 0, result.output
    new = assert_works(aws, user, credentials_file)
    assert (
        "Rotated: [dev-long-term], [dev-admin-long-term], [ci-bot] hold the new access key "
        f"{mask(new.access_key_id)}"
    ) in result.stdout
    created = recorded_created(credentials_file)
    # awsmfa's date goes into its own sections only; [ci-bot] changes in its two values.
    device = f"aws_mfa_device = {user.device}\n"
    role = "role_arn = arn:aws:iam::123456789012:role/Admin\n"
    expected = (
        before.replace(user.access_key_id, new.access_key_id)
        .replace(user.secret_access_key, new.secret_access_key)
        .replace(device, f"{device}aws_access_key_created = {created}\n", 1)
        .replace(role, f"{role}aws_access_key_created = {created}\n")
    )
    assert credentials_file.read_text() == expected
    assert iam_keys(user.name) == [new]


def test_two_keys_both_in_the_file_are_named_where_they_are(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    import boto3

    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=aws.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    other = iam.create_access_key(UserName=user.name)["AccessKey"]
    credentials_file.write_text(
        ready + f"\n[laptop-long-term]\naws_access_key_id = {other['AccessKeyId']}\n"
        f"aws_secret_access_key = {other['SecretAccessKey']}\n"
    )
    before = credentials_file.read_text()
    aws.calls.clear()
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 1
    assert (
        f"{credentials_file} uses both: {mask(user.access_key_id)} in [dev-long-term]; "
        f"{mask(other['AccessKeyId'])} in [laptop-long-term]"
    ) in result.stderr
    assert not MUTATING & set(aws.requests)
    assert credentials_file.read_text() == before


def test_a_section_the_new_key_cannot_be_written_into_is_found_before_iam_makes_one(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term(user)
        + "\n[dev-admin-long-term]\n"
        + f"aws_access_key_id = {user.access_key_id}\n"
        + f"aws_secret_access_key = {user.secret_access_key}\n"
        + "region = us-east-1\n; old default:\n\n  us-west-2\n"
    )
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    before = credentials_file.read_text()
    aws.calls.clear()
    result = run_cli("rotate", "dev", "--yes")
    assert result.exit_code == 2
    assert "[dev-admin-long-term] is laid out in a way awsmfa cannot change safely" in (
        result.stderr
    )
    assert not MUTATING & set(aws.requests)
    assert credentials_file.read_text() == before


def test_a_second_user_is_not_touched(
    aws: FakeAws, user: IamUser, credentials_file: Path, ready: str
) -> None:
    other = make_user(aws, name="jane.roe", devices=0)
    assert run_cli("rotate", "dev", "--yes").exit_code == 0
    assert iam_keys("jane.roe") == [IamKey(other.access_key_id, other.secret_access_key, True)]
