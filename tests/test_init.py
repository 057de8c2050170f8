"""`awsmfa init` end to end: rename in place, ask on a real pseudo-terminal, private modes."""

from __future__ import annotations

import configparser
import io
import os
import stat
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest
from helpers import FakeAws, IamUser, finish, long_term_text, run_cli

from awsmfa_profiles.errors import AwsError, UsageError
from awsmfa_profiles.keys import AccessKeyInfo, check_access_key_id, check_secret_access_key

GOLDEN = Path(__file__).parent / "golden" / "rename"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
UNREACHABLE = "http://127.0.0.1:9"


def read_section(path: Path, name: str) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return dict(parser.items(name))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def keys_in(name: str, key_id: str = KEY_ID, secret: str = SECRET) -> str:
    return f"[{name}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"


# [NAME] holds the keys: renamed where it stands.


@pytest.mark.parametrize("case", ["comments_and_spacing", "crlf", "header_whitespace"])
def test_keys_in_the_profile_section_are_renamed_byte_for_byte(
    credentials_file: Path, case: str
) -> None:
    credentials_file.write_bytes((GOLDEN / f"{case}.before.ini").read_bytes())
    result = run_cli("init", "dev", "--no-discover")
    assert result.exit_code == 0, result.output
    assert credentials_file.read_bytes() == (GOLDEN / f"{case}.after.ini").read_bytes()
    assert "Renamed [dev] to [dev-long-term]" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "Next: awsmfa refresh dev"
    assert "wJalrXUtnFEMI" not in result.output


def test_running_init_twice_changes_nothing_the_second_time(credentials_file: Path) -> None:
    credentials_file.write_text("# mine\n" + keys_in("dev"))
    credentials_file.chmod(0o644)
    first = run_cli("init", "dev", "--no-discover")
    assert first.exit_code == 0, first.output
    assert mode(credentials_file) == 0o600
    before = credentials_file.read_bytes()
    mtime = credentials_file.stat().st_mtime_ns
    second = run_cli("init", "dev", "--no-discover")
    assert second.exit_code == 0, second.output
    assert "[dev-long-term]" in second.stdout and "is ready" in second.stdout
    assert "nothing to change" in second.stdout
    assert "Tightened" not in second.stderr
    assert second.stdout.rstrip().splitlines()[-1] == "Next: awsmfa refresh dev"
    assert credentials_file.read_bytes() == before
    assert credentials_file.stat().st_mtime_ns == mtime


def test_a_ready_profile_is_left_alone_and_aws_is_not_asked(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user) + "\n[dev]\nregion = x\n")
    before = credentials_file.read_bytes()
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert "is ready" in result.stdout
    assert credentials_file.read_bytes() == before
    assert aws.requests == []


def test_the_device_is_discovered_and_recorded(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        keys_in("dev", user.access_key_id, user.secret_access_key) + "\n[other]\nk = v\n"
    )
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetCallerIdentity", "ListMFADevices", "ListAccessKeys"]
    recorded = read_section(credentials_file, "dev-long-term")
    assert recorded["aws_mfa_device"] == user.device
    assert f"Recorded MFA device {user.device}" in result.stderr
    # When the key was made, for doctor and check --json to tell its age.
    created = datetime.fromisoformat(recorded["aws_access_key_created"].replace("Z", "+00:00"))
    assert abs(created - datetime.now(timezone.utc)) < timedelta(minutes=5)
    assert "as aws_access_key_created" in result.stderr
    assert credentials_file.read_text().endswith("\n[other]\nk = v\n")
    # The first refresh then needs a single request.
    aws.calls.clear()
    refreshed = run_cli("refresh", "dev", "--code", "123456")
    assert refreshed.exit_code == 0, refreshed.output
    assert aws.requests == ["GetSessionToken"]


def test_a_device_named_in_the_config_file_is_not_looked_up(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(keys_in("dev", user.access_key_id, user.secret_access_key))
    config_file.write_text(f"[profile dev]\nmfa_serial = {user.device}\n")
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert aws.requests == []
    assert "aws_mfa_device" not in read_section(credentials_file, "dev-long-term")


@pytest.mark.parametrize(
    ("fault", "fragment"),
    [
        (("GetCallerIdentity", 403, "InvalidClientTokenId", "bad"), "rejected the long-term keys"),
        (("ListMFADevices", 403, "AccessDenied", "no"), "permission missing: iam:ListMFADevices"),
    ],
)
def test_an_aws_refusal_does_not_fail_init(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    fault: tuple[str, int, str, str],
    fragment: str,
) -> None:
    credentials_file.write_text(keys_in("dev", user.access_key_id, user.secret_access_key))
    aws.fail(*fault)
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert "Could not look up the MFA device" in result.stderr
    assert fragment in result.stderr
    assert "awsmfa doctor dev" in result.stderr
    section = read_section(credentials_file, "dev-long-term")
    assert section["aws_access_key_id"] == user.access_key_id
    assert "aws_mfa_device" not in section
    assert result.stdout.rstrip().splitlines()[-1] == "Next: awsmfa refresh dev"


def test_no_device_does_not_fail_init(aws: FakeAws, credentials_file: Path) -> None:
    from helpers import make_user

    bare = make_user(aws, name="no.device", devices=0)
    credentials_file.write_text(keys_in("dev", bare.access_key_id, bare.secret_access_key))
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert "has no MFA device" in result.stderr
    assert "Assign MFA device" in result.stderr


def test_an_unreachable_aws_does_not_fail_init(credentials_file: Path) -> None:
    credentials_file.write_text(keys_in("dev"))
    result = run_cli("init", "dev", "--endpoint-url", UNREACHABLE)
    assert result.exit_code == 0, result.output
    assert "could not reach AWS" in result.stderr
    assert read_section(credentials_file, "dev-long-term")["aws_access_key_id"] == KEY_ID


def test_several_devices_without_a_terminal_are_listed_not_chosen(
    aws: FakeAws, credentials_file: Path
) -> None:
    from helpers import make_user

    two = make_user(aws, name="two.devices", devices=2)
    credentials_file.write_text(keys_in("dev", two.access_key_id, two.secret_access_key))
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert "has 2 MFA devices" in result.stderr
    assert "aws_mfa_device" not in read_section(credentials_file, "dev-long-term")


# Modes, as the guide's best practices ask.


def test_loose_modes_are_tightened_with_a_notice(credentials_file: Path) -> None:
    credentials_file.parent.chmod(0o755)
    credentials_file.write_text(keys_in("dev"))
    credentials_file.chmod(0o644)
    result = run_cli("init", "dev", "--no-discover")
    assert result.exit_code == 0, result.output
    assert mode(credentials_file.parent) == 0o700
    assert mode(credentials_file) == 0o600
    assert f"Tightened {credentials_file.parent} from 0755 to 0700" in result.stderr
    assert f"Tightened {credentials_file} from 0644 to 0600" in result.stderr


def test_a_ready_file_is_tightened_without_being_rewritten(credentials_file: Path) -> None:
    credentials_file.write_text("; keep\n" + keys_in("dev-long-term"))
    credentials_file.chmod(0o640)
    before = credentials_file.read_bytes()
    inode = credentials_file.stat().st_ino
    result = run_cli("init", "dev")
    assert result.exit_code == 0, result.output
    assert mode(credentials_file) == 0o600
    assert "from 0640 to 0600" in result.stderr
    assert credentials_file.read_bytes() == before
    assert credentials_file.stat().st_ino == inode


def test_a_directory_that_is_not_dot_aws_keeps_its_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    path = shared / "credentials"
    path.write_text(keys_in("dev"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(path))
    result = run_cli("init", "dev", "--no-discover")
    assert result.exit_code == 0, result.output
    assert mode(shared) == 0o755
    assert mode(path) == 0o600


# Refusals: exit 2, nothing written, nothing asked.


def assert_refused(credentials_file: Path, args: list[str], fragments: list[str]) -> None:
    before = credentials_file.read_bytes() if credentials_file.exists() else None
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert (credentials_file.read_bytes() if credentials_file.exists() else None) == before


def test_without_a_terminal_it_says_how_to_go_on(
    isolated_home: Path, credentials_file: Path
) -> None:
    (isolated_home / ".aws").rmdir()
    assert_refused(
        credentials_file,
        ["init", "dev"],
        ["no terminal", "awsmfa init dev` in a terminal", "[dev-long-term]", "aws_access_key_id"],
    )
    assert not (isolated_home / ".aws").exists()


def test_a_session_in_the_profile_is_not_taken_for_long_term_keys(
    credentials_file: Path,
) -> None:
    credentials_file.write_text(
        "[dev]\naws_access_key_id = ASIAXXXXXXXXXXXXXXXX\naws_secret_access_key = s\n"
        "aws_session_token = t\nexpiration = 2026-01-01T00:00:00Z\n"
    )
    assert_refused(
        credentials_file,
        ["init", "dev"],
        ["[dev] holds no long-term keys and [dev-long-term] is not in", "no terminal"],
    )


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (keys_in("dev") + keys_in("dev-long-term"), ["both [dev] and [dev-long-term]"]),
        (
            keys_in("dev-long-term").replace(f"aws_secret_access_key = {SECRET}\n", ""),
            ["[dev-long-term]", "no aws_secret_access_key"],
        ),
        ("[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", ["no aws_secret_access_key"]),
        (keys_in("dev", key_id="ASIAIOSFODNN7EXAMPLE"), ["temporary access key", "****MPLE"]),
        ("[dev\n", ["line 1"]),
    ],
)
def test_a_profile_it_cannot_set_up_is_left_as_it_is(
    credentials_file: Path, text: str, fragments: list[str]
) -> None:
    credentials_file.write_text(text)
    assert_refused(credentials_file, ["init", "dev", "--no-discover"], fragments)


@pytest.mark.parametrize(
    ("name", "fragment"), [("dev-long-term", "without -long-term"), ("a]b", "cannot be")]
)
def test_bad_names(credentials_file: Path, name: str, fragment: str) -> None:
    assert_refused(credentials_file, ["init", name], [fragment])


def test_name_defaults_to_aws_profile(credentials_file: Path) -> None:
    credentials_file.write_text(keys_in("fresh"))
    result = run_cli("init", "--no-discover", env={"AWS_PROFILE": "fresh"})
    assert result.exit_code == 0, result.output
    assert "Renamed [fresh] to [fresh-long-term]" in result.stdout


# On a terminal: the keys are asked for, the secret is never echoed.


def spawn_init(*args: str) -> tuple[pexpect.spawn, io.StringIO]:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsmfa_profiles", "init", *args],
        env=dict(os.environ),
        encoding="utf-8",
        timeout=60,
    )
    transcript = io.StringIO()
    child.logfile_read = transcript
    return child, transcript


def test_keys_are_asked_for_and_the_secret_is_not_echoed(
    isolated_home: Path, credentials_file: Path
) -> None:
    (isolated_home / ".aws").rmdir()
    child, transcript = spawn_init("dev", "--no-discover")
    child.expect("AWS access key ID: ")
    child.sendline(KEY_ID)
    child.expect(r"AWS secret access key \(not shown\): ")
    child.sendline(SECRET)
    assert finish(child) == 0, transcript.getvalue()
    output = transcript.getvalue()
    assert SECRET not in output
    assert "Wrote access key ****MPLE and its secret to [dev-long-term]" in output
    assert "Next: awsmfa refresh dev" in output
    assert read_section(credentials_file, "dev-long-term") == {
        "aws_access_key_id": KEY_ID,
        "aws_secret_access_key": SECRET,
    }
    assert mode(isolated_home / ".aws") == 0o700
    assert mode(credentials_file) == 0o600


def test_keys_are_asked_for_beside_a_session_and_the_session_is_kept(
    credentials_file: Path,
) -> None:
    session = (
        "[dev]\naws_access_key_id = ASIAXXXXXXXXXXXXXXXX\naws_secret_access_key = s\n"
        "aws_session_token = t\nexpiration = 2026-01-01T00:00:00Z\n"
    )
    credentials_file.write_text(session)
    child, transcript = spawn_init("dev", "--no-discover")
    child.expect("AWS access key ID: ")
    child.sendline(KEY_ID)
    child.expect(r"\(not shown\): ")
    child.sendline(SECRET)
    assert finish(child) == 0, transcript.getvalue()
    assert credentials_file.read_text() == session + "\n" + keys_in("dev-long-term")


def test_wrong_keys_are_asked_for_again(credentials_file: Path) -> None:
    credentials_file.write_text("# other profiles\n[other]\nk = v\n")
    child, transcript = spawn_init("dev", "--no-discover")
    child.expect("AWS access key ID: ")
    child.sendline("ASIAIOSFODNN7EXAMPLE")
    child.expect("temporary access key")
    child.expect("AWS access key ID: ")
    child.sendline("akia-not-a-key")
    child.expect("an access key ID is AKIA")
    child.expect("AWS access key ID: ")
    child.sendline(KEY_ID)
    child.expect(r"\(not shown\): ")
    child.sendline(KEY_ID)
    child.expect("an access key ID again")
    child.expect(r"\(not shown\): ")
    child.sendline("too short")
    child.expect("40 characters")
    child.expect(r"\(not shown\): ")
    child.sendline(SECRET)
    assert finish(child) == 0, transcript.getvalue()
    assert "too short" not in transcript.getvalue()
    assert credentials_file.read_text() == (
        "# other profiles\n[other]\nk = v\n\n" + keys_in("dev-long-term")
    )


def test_keys_typed_in_are_checked_with_aws_and_the_device_recorded(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    child, transcript = spawn_init("dev")
    child.expect("AWS access key ID: ")
    child.sendline(user.access_key_id)
    child.expect(r"\(not shown\): ")
    child.sendline(user.secret_access_key)
    assert finish(child) == 0, transcript.getvalue()
    assert user.secret_access_key not in transcript.getvalue()
    assert aws.requests == ["GetCallerIdentity", "ListMFADevices", "ListAccessKeys"]
    assert read_section(credentials_file, "dev-long-term")["aws_mfa_device"] == user.device


def test_several_devices_are_chosen_from_on_a_terminal(
    aws: FakeAws, credentials_file: Path
) -> None:
    from helpers import make_user

    two = make_user(aws, name="two.devices", devices=2)
    credentials_file.write_text(keys_in("dev", two.access_key_id, two.secret_access_key))
    child, transcript = spawn_init("dev")
    child.expect(r"Use which device \(1-2\): ")
    child.sendline("2")
    assert finish(child) == 0, transcript.getvalue()
    device = read_section(credentials_file, "dev-long-term")["aws_mfa_device"]
    assert device.endswith("two.devices-1")


def test_interrupting_the_prompt_writes_nothing(credentials_file: Path) -> None:
    credentials_file.write_text("[other]\nk = v\n")
    before = credentials_file.read_bytes()
    child, transcript = spawn_init("dev")
    child.expect("AWS access key ID: ")
    child.sendline(KEY_ID)
    child.expect(r"\(not shown\): ")
    child.sendintr()
    assert finish(child) == 130, transcript.getvalue()
    assert "nothing was written" in transcript.getvalue()
    assert credentials_file.read_bytes() == before


# The checks of typed-in keys on their own.


@pytest.mark.parametrize("text", [KEY_ID, f"  {KEY_ID}\n", "AKIA" + "A" * 124])
def test_long_term_key_ids(text: str) -> None:
    assert check_access_key_id(text) == text.strip()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ASIAIOSFODNN7EXAMPLE", "temporary"),
        ("akiaiosfodnn7example", "an access key ID is"),
        ("AKIA123", "an access key ID is"),
        ("AKIA" + "A" * 125, "an access key ID is"),
        ("AIDAIOSFODNN7EXAMPLE", "an access key ID is"),
        ("", "an access key ID is"),
    ],
)
def test_not_long_term_key_ids(text: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment) as raised:
        check_access_key_id(text)
    if text:
        assert text not in raised.value.message + (raised.value.hint or "")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [(KEY_ID, "access key ID again"), ("short", "40 characters"), ("two words here!!!!", "40")],
)
def test_not_secrets(text: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment) as raised:
        check_secret_access_key(text)
    assert text not in raised.value.message + (raised.value.hint or "")


def test_a_secret_is_taken_whole() -> None:
    assert check_secret_access_key(f" {SECRET} ") == SECRET


# The core on its own: the terminal and AWS are plain functions passed in.


def test_a_file_changed_while_keys_are_typed_is_left_alone(credentials_file: Path) -> None:
    from awsmfa_profiles.errors import ConfigError
    from awsmfa_profiles.init import NewKeys, prepare

    credentials_file.write_text("[other]\nk = v\n")

    def typed_while_someone_else_wrote(close: list[str]) -> NewKeys:
        credentials_file.write_text(keys_in("dev-long-term"))
        return NewKeys(KEY_ID, SECRET)

    with pytest.raises(ConfigError, match="changed while awsmfa init was running"):
        prepare("dev", credentials_path=credentials_file, ask_keys=typed_while_someone_else_wrote)
    assert credentials_file.read_text() == keys_in("dev-long-term")


class OneDevice:
    """The Aws calls init makes, answered without a network. By default IAM will not
    list the keys, as where MFA is required and init has no session."""

    def __init__(self, created: datetime | None = None) -> None:
        self.asked: list[str] = []
        self.created = created

    def caller_arn(self) -> str:
        self.asked.append("GetCallerIdentity")
        return "arn:aws:iam::123456789012:user/team/jane"

    def server_time(self) -> None:
        return None

    def list_mfa_devices(self, user_name: str | None) -> list[str]:
        self.asked.append(f"ListMFADevices {user_name}")
        return ["arn:aws:iam::123456789012:mfa/jane"]

    def get_session_token(self, **kwargs: object) -> object:
        raise AssertionError("init never asks for a session")

    def list_access_keys(self, user_name: str) -> list[AccessKeyInfo]:
        self.asked.append(f"ListAccessKeys {user_name}")
        if self.created is None:
            raise AwsError("permission missing: iam:ListAccessKeys was denied")
        return [AccessKeyInfo(KEY_ID, True, self.created)]


def test_record_device_with_an_injected_aws(credentials_file: Path, config_file: Path) -> None:
    from awsmfa_profiles.aws import AwsTarget
    from awsmfa_profiles.init import DeviceKnown, record_device
    from awsmfa_profiles.keys import LongTermKeys

    credentials_file.write_text(keys_in("dev-long-term"))
    config_file.write_text("[profile dev]\nregion = eu-north-1\n")
    fake = OneDevice()
    targets: list[AwsTarget] = []

    def connect(keys: LongTermKeys, target: AwsTarget) -> OneDevice:
        assert keys.access_key_id == KEY_ID
        targets.append(target)
        return fake

    found = record_device(
        "dev",
        credentials_path=credentials_file,
        config_path=config_file,
        connect=connect,  # type: ignore[arg-type]
        region=None,
        endpoint_url=None,
        choose=None,
    )
    assert found == DeviceKnown("arn:aws:iam::123456789012:mfa/jane", recorded=True)
    assert fake.asked == ["GetCallerIdentity", "ListMFADevices jane", "ListAccessKeys jane"]
    assert targets == [AwsTarget(region="eu-north-1", config_profile="dev")]
    # IAM would not say when the key was made: nothing is recorded, and init still succeeds.
    assert credentials_file.read_text() == (
        keys_in("dev-long-term") + "aws_mfa_device = arn:aws:iam::123456789012:mfa/jane\n"
    )


def test_record_device_notes_when_the_key_was_created(credentials_file: Path) -> None:
    from awsmfa_profiles.init import DeviceKnown, record_device

    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    credentials_file.write_text(keys_in("dev-long-term"))
    found = record_device(
        "dev",
        credentials_path=credentials_file,
        config_path=credentials_file.with_name("config"),
        connect=lambda keys, target: OneDevice(created),  # type: ignore[arg-type,return-value]
        region=None,
        endpoint_url=None,
        choose=None,
    )
    assert found == DeviceKnown(
        "arn:aws:iam::123456789012:mfa/jane", recorded=True, key_created=created
    )
    assert credentials_file.read_text() == (
        keys_in("dev-long-term")
        + "aws_mfa_device = arn:aws:iam::123456789012:mfa/jane\n"
        + "aws_access_key_created = 2026-01-02T03:04:05Z\n"
    )
