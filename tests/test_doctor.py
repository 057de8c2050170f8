"""`awsmfa doctor`: every check of the guide's troubleshooting, against moto and offline."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, Result, long_term_text, make_user, run_cli

from awsmfa_profiles.aws import AwsTarget
from awsmfa_profiles.doctor import DoctorEnvironment, Finding, Level, diagnose, failed
from awsmfa_profiles.errors import AwsError
from awsmfa_profiles.keys import AccessKeyInfo, LastUse, LongTermKeys

UNREACHABLE = "http://127.0.0.1:9"
NOW = datetime(2026, 11, 28, 9, 0, 0, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def session_text(name: str, expires_at: datetime) -> str:
    return (
        f"\n[{name}]\naws_access_key_id = ASIAOLD\naws_secret_access_key = SESSIONSECRET\n"
        f"aws_session_token = SESSIONTOKEN\nexpiration = {iso(expires_at)}\n"
    )


def private(credentials_file: Path, text: str) -> Path:
    credentials_file.write_text(text)
    credentials_file.chmod(0o600)
    credentials_file.parent.chmod(0o700)
    return credentials_file


def lines(result: Result, level: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(f"{level:<5} ")]


def line_with(result: Result, fragment: str) -> str:
    matches = [line for line in result.stdout.splitlines() if fragment in line]
    assert matches, result.stdout
    return matches[0]


def fix_after(result: Result, fragment: str) -> str:
    output = result.stdout.splitlines()
    index = output.index(line_with(result, fragment))
    assert output[index + 1].startswith("      fix: "), result.stdout
    return output[index + 1].removeprefix("      fix: ")


def snapshot(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode)
        for path in sorted(directory.iterdir())
    }


@pytest.fixture
def healthy(user: IamUser, credentials_file: Path) -> Path:
    return private(
        credentials_file,
        "# mine\n"
        + long_term_text(user)
        + session_text("dev", datetime.now(timezone.utc) + timedelta(hours=5)),
    )


def test_a_healthy_setup(aws: FakeAws, user: IamUser, healthy: Path) -> None:
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Checking profile [dev]:"
    assert lines(result, "fail") == [] and lines(result, "warn") == []
    for fragment in (
        f"ok    credentials file {healthy} parses",
        "ok    credentials file mode is 0600",
        f"ok    directory {healthy.parent} is mode 0700",
        f"ok    [dev-long-term] holds access key ****{user.access_key_id[-4:]} and its secret",
        "ok    AWS accepts the keys: IAM user john.doe, account ",
        "ok    clock ",
        f"ok    MFA device {user.device} found for IAM user john.doe",
        "ok    no AWS_* variable overrides the profiles",
        "info  [dev] session valid: ",
    ):
        assert line_with(result, fragment).startswith(fragment)
    assert result.stdout.rstrip().endswith("No problems found.")
    assert aws.requests == [
        "GetCallerIdentity",
        "ListMFADevices",
        "ListAccessKeys",
        "GetAccessKeyLastUsed",
    ]
    # The key calls are signed with the session of [dev]: where MFA is required, only a
    # session may list keys.
    assert [call.access_key_id for call in aws.calls] == [user.access_key_id] * 2 + ["ASIAOLD"] * 2
    assert line_with(result, f"ok    access key ****{user.access_key_id[-4:]} is ")
    assert user.secret_access_key not in result.output
    assert "SESSIONSECRET" not in result.output and "SESSIONTOKEN" not in result.output


def test_doctor_never_writes(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(
        "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
    )
    credentials_file.chmod(0o644)
    credentials_file.parent.chmod(0o755)
    before = snapshot(credentials_file.parent)
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert snapshot(credentials_file.parent) == before
    assert not (credentials_file.parent / "credentials.lock").exists()


def test_profile_defaults_to_aws_profile(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    private(credentials_file, long_term_text(user, name="fresh"))
    result = run_cli("doctor", env={"AWS_PROFILE": "fresh"})
    assert result.exit_code == 0, result.output
    assert "Checking profile [fresh]:" in result.stdout
    assert "[fresh-long-term] holds access key" in result.stdout


def test_json_lists_every_finding(aws: FakeAws, user: IamUser, healthy: Path) -> None:
    result = run_cli("doctor", "dev", "--json")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert {finding["level"] for finding in findings} <= {"ok", "warn", "fail", "info"}
    assert set(findings[0]) == {"level", "title", "detail", "fix"}
    assert any(finding["title"].startswith("AWS accepts the keys") for finding in findings)


# The file, its mode, the keys.


def test_no_credentials_file(credentials_file: Path) -> None:
    result = run_cli("doctor", "dev", env={"AWS_SESSION_TOKEN": "x"})
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  no credentials file at")
    assert fix_after(result, "no credentials file") == "awsmfa init dev"
    # The checks that need no file still run.
    assert fix_after(result, "AWS_SESSION_TOKEN is set") == "unset AWS_SESSION_TOKEN"
    assert "Traceback" not in result.output


def test_a_file_that_does_not_parse_names_the_line(credentials_file: Path) -> None:
    private(credentials_file, "[dev-long-term]\naws_access_key_id = A\n[dev-long-term]\n")
    result = run_cli("doctor", "dev", env={"AWS_ACCESS_KEY_ID": "AKIASHADOWSHADOW1234"})
    assert result.exit_code == 1, result.output
    failure = line_with(result, "fail  credentials file")
    assert "cannot be used" in failure and "line 3" in failure
    assert fix_after(result, "cannot be used") == "Merge the two sections into one."
    assert line_with(result, "ok    credentials file mode is 0600")
    assert line_with(result, "warn  AWS_ACCESS_KEY_ID is set (****1234)")
    assert "AKIASHADOWSHADOW1234" not in result.output


def test_loose_modes_are_warnings_with_the_chmod_line(
    aws: FakeAws, user: IamUser, healthy: Path
) -> None:
    healthy.chmod(0o644)
    healthy.parent.chmod(0o755)
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert line_with(result, "warn  credentials file mode is 0644")
    assert fix_after(result, "credentials file mode is 0644").startswith(f"chmod 600 {healthy}")
    assert line_with(result, f"warn  directory {healthy.parent} is mode 0755")
    assert fix_after(result, "is mode 0755").startswith(f"chmod 700 {healthy.parent}")
    assert result.stdout.rstrip().endswith("No check failed; 2 warnings.")


def test_keys_still_in_the_profile_section(aws: FakeAws, credentials_file: Path) -> None:
    private(
        credentials_file,
        "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    )
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  [dev] holds long-term keys, but awsmfa reads them from")
    assert fix_after(result, "[dev] holds long-term keys").startswith("awsmfa init dev")
    assert aws.requests == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[other]\nk = v\n", "fail  no [dev-long-term] in"),
        ("[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "no aws_secret_access_key"),
        (
            "[dev-long-term]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\n"
            "aws_secret_access_key = s\n",
            "fail  [dev-long-term]: ****MPLE is a temporary access key",
        ),
    ],
)
def test_long_term_keys_that_cannot_work(
    aws: FakeAws, credentials_file: Path, text: str, fragment: str
) -> None:
    private(credentials_file, text)
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(result, fragment)
    assert aws.requests == []


def test_a_broken_config_file_is_a_failure_and_aws_is_not_asked(
    aws: FakeAws, user: IamUser, healthy: Path, config_file: Path
) -> None:
    config_file.write_text("region = x\n[profile dev]\n")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert "line 1" in line_with(result, "fail  config file")
    assert line_with(result, "info  AWS not asked")
    assert aws.requests == []


def test_a_config_file_only_botocore_refuses_is_a_failure_line(
    aws: FakeAws, user: IamUser, healthy: Path, config_file: Path
) -> None:
    config_file.write_text("[profile dev]\nregion = x\n[profile dev]\n")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  cannot set up the AWS client: Unable to parse config file")
    assert line_with(result, "info  [dev] session valid")
    assert aws.requests == []


# AWS and the clock.


def test_rejected_keys(aws: FakeAws, user: IamUser, healthy: Path) -> None:
    aws.fail("GetCallerIdentity", 403, "InvalidClientTokenId", "The security token is invalid")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  AWS rejected the long-term keys in [dev-long-term]")
    assert "IAM console" in fix_after(result, "AWS rejected the long-term keys")
    # A refusal still carries AWS's time, so the clock is still compared.
    assert line_with(result, "ok    clock ")
    assert line_with(result, "info  no MFA device named in the files")


def test_no_network_is_a_failure_line_not_a_crash(user: IamUser, healthy: Path) -> None:
    result = run_cli("doctor", "dev", "--endpoint-url", UNREACHABLE)
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  could not reach AWS for sts:GetCallerIdentity")
    assert line_with(result, "info  clock not compared: AWS did not answer")
    assert line_with(result, "info  [dev] session valid")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("offset", "level", "words"),
    [
        (timedelta(minutes=-10), "fail", "ahead of"),
        (timedelta(minutes=7), "fail", "behind"),
        (timedelta(minutes=-2), "warn", "ahead of"),
    ],
)
def test_clock_skew_from_the_date_header(
    aws: FakeAws, user: IamUser, healthy: Path, offset: timedelta, level: str, words: str
) -> None:
    aws.date_header = format_datetime(datetime.now(timezone.utc) + offset, usegmt=True)
    result = run_cli("doctor", "dev")
    assert result.exit_code == (1 if level == "fail" else 0), result.output
    clock = line_with(result, "clock is ")
    assert clock.startswith(f"{level:<5} clock is ")
    assert f"{words} AWS's" in clock
    # The Date header has whole seconds, and the answer takes a moment to arrive.
    minutes = abs(int(offset.total_seconds())) // 60
    assert f"{minutes}m" in clock or f"{minutes - 1}m 59s" in clock
    assert "automatic date and time" in fix_after(result, "clock is ")


def test_a_clock_too_far_off_for_aws_is_named_twice(
    aws: FakeAws, user: IamUser, healthy: Path
) -> None:
    aws.date_header = format_datetime(datetime.now(timezone.utc) - timedelta(hours=1), usegmt=True)
    aws.fail(
        "GetCallerIdentity",
        403,
        "SignatureDoesNotMatch",
        "Signature expired: 20261128T080000Z is now earlier than 20261128T085500Z",
    )
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(
        result, "fail  AWS refused sts:GetCallerIdentity because this computer's clock"
    )
    assert line_with(result, "fail  clock is 1h 00m ahead of AWS's")
    assert "rejected the long-term keys" not in result.stdout


def test_region_and_endpoint_resolve_as_for_refresh(
    aws: FakeAws, user: IamUser, healthy: Path, config_file: Path
) -> None:
    config_file.write_text("[profile dev]\nregion = eu-central-1\n")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert aws.calls[0].region == "eu-central-1"
    aws.calls.clear()
    result = run_cli("doctor", "dev", "--region", "ap-southeast-2")
    assert {call.region for call in aws.calls} == {"ap-southeast-2"}


# The MFA device.


def test_a_configured_device_is_checked_against_the_users_devices(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    private(credentials_file, long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert line_with(
        result,
        f"ok    MFA device {user.device} (aws_mfa_device in [dev-long-term]), IAM user john.doe's",
    )


def test_a_stale_device_is_a_warning(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    stale = user.device.replace("john.doe-0", "old-phone")
    private(credentials_file, long_term_text(user, extra=f"aws_mfa_device = {stale}\n"))
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    warning = line_with(result, f"warn  MFA device {stale}")
    assert "is not one of IAM user john.doe's" in warning and user.device in warning
    assert "Delete that line" in fix_after(result, "is not one of")


def test_a_device_from_the_config_file(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    private(credentials_file, long_term_text(user))
    config_file.write_text(f"[profile dev]\nmfa_serial = {user.device}\n")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert line_with(result, f"(mfa_serial in [profile dev] of {config_file})")


def test_a_configured_device_when_listing_is_denied(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    private(credentials_file, long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    aws.fail("ListMFADevices", 403, "AccessDenied", "not authorized")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert "not checked with AWS: permission missing" in line_with(result, "ok    MFA device")


def test_no_device_named_and_listing_denied(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    private(credentials_file, long_term_text(user))
    aws.fail("ListMFADevices", 403, "AccessDenied", "not authorized")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  no MFA device named, and it cannot be looked up")
    assert "aws_mfa_device = " in fix_after(result, "no MFA device named")


def test_a_user_without_a_device(aws: FakeAws, credentials_file: Path) -> None:
    bare = make_user(aws, name="no.device", devices=0)
    private(credentials_file, long_term_text(bare))
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1, result.output
    assert line_with(result, "fail  IAM user no.device has no MFA device")
    assert "Assign MFA device" in fix_after(result, "has no MFA device")


def test_several_devices_are_a_warning(aws: FakeAws, credentials_file: Path) -> None:
    two = make_user(aws, name="two.devices", devices=2)
    private(credentials_file, long_term_text(two))
    result = run_cli("doctor", "dev")
    assert result.exit_code == 0, result.output
    assert line_with(result, "warn  IAM user two.devices has 2 MFA devices:")
    assert "--device" in fix_after(result, "has 2 MFA devices")


# The shell.


def test_variables_that_shadow_profiles(aws: FakeAws, user: IamUser, healthy: Path) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "ASIASTALESTALE001234",
        "AWS_SECRET_ACCESS_KEY": "STALESECRETVALUE",
        "AWS_SESSION_TOKEN": "STALETOKENVALUE",
    }
    result = run_cli("doctor", "dev", env=env)
    assert result.exit_code == 0, result.output
    for variable in env:
        assert line_with(result, f"warn  {variable} is set")
        assert fix_after(result, f"{variable} is set") == f"unset {variable}"
    assert "STALESECRETVALUE" not in result.output and "STALETOKENVALUE" not in result.output
    assert "ASIASTALESTALE001234" not in result.output
    assert "no AWS_* variable" not in result.stdout
    # The keys doctor checks are still the file's (long-term, and the session of [dev]
    # for the key calls), not the shell's.
    assert {call.access_key_id for call in aws.calls} == {user.access_key_id, "ASIAOLD"}


@pytest.mark.parametrize(
    ("variable", "value", "level", "fix"),
    [
        ("AWS_PROFILE", "missing", "warn", "unset AWS_PROFILE"),
        ("AWS_DEFAULT_PROFILE", "missing", "warn", "unset AWS_DEFAULT_PROFILE"),
        ("AWS_PROFILE", "other", "warn", "awsmfa refresh other   (or: unset AWS_PROFILE)"),
        ("AWS_PROFILE", "dev", "info", None),
        ("AWS_PROFILE", "inconfig", "info", None),
    ],
)
def test_a_profile_variable_naming_a_missing_profile(
    credentials_file: Path,
    config_file: Path,
    variable: str,
    value: str,
    level: str,
    fix: str | None,
) -> None:
    private(
        credentials_file,
        "[dev]\naws_session_token = t\n\n[other-long-term]\naws_access_key_id = A\n",
    )
    config_file.write_text("[profile inconfig]\n")
    result = run_cli("doctor", "nothing-here", env={variable: value})
    finding = line_with(result, f"{variable}={value}")
    assert finding.startswith(f"{level:<5} ")
    if fix is not None:
        assert "in neither file" in finding
        assert fix_after(result, f"{variable}={value}") == fix


# The session.


@pytest.mark.parametrize(
    ("left", "fragment", "fix"),
    [
        (timedelta(hours=5), "session valid: 5h", False),
        (timedelta(minutes=20), "session expiring: 20m", True),
        (timedelta(hours=-2), "session expired 2h 00m ago", True),
        (None, "holds no session yet", True),
    ],
)
def test_the_session_is_information(
    credentials_file: Path, left: timedelta | None, fragment: str, fix: bool
) -> None:
    text = "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
    if left is not None:
        text += session_text("dev", datetime.now(timezone.utc) + left + timedelta(seconds=20))
    private(credentials_file, text)
    result = run_cli("doctor", "dev", "--endpoint-url", UNREACHABLE)
    line = line_with(result, fragment)
    assert line.startswith("info  [dev] ")
    output = result.stdout.splitlines()
    follows = output[output.index(line) + 1]
    assert (follows == "      fix: awsmfa refresh dev") is fix


def test_an_unreadable_expiration_is_information_with_the_fix(credentials_file: Path) -> None:
    private(
        credentials_file,
        "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
        "[dev]\naws_session_token = t\nexpiration = soon\n",
    )
    result = run_cli("doctor", "dev", "--endpoint-url", UNREACHABLE)
    assert line_with(result, "info  [dev] in")
    assert "is not an ISO 8601 time" in result.stdout
    assert fix_after(result, "is not an ISO 8601 time") == "awsmfa refresh dev"


def test_a_bad_name_is_a_usage_error(credentials_file: Path) -> None:
    result = run_cli("doctor", "dev-long-term")
    assert result.exit_code == 2, result.output
    assert "without -long-term" in result.stderr


# The core on its own, with a clock and an AWS that need no network.


class Answers:
    def __init__(
        self,
        arn: str | Exception,
        server_time: datetime | None,
        keys: list[AccessKeyInfo] | Exception | None = None,
    ) -> None:
        self.arn = arn
        self.time = server_time
        self.keys = (
            [AccessKeyInfo("AKIAIOSFODNN7EXAMPLE", True, NOW - timedelta(days=10))]
            if keys is None
            else keys
        )

    def caller_arn(self) -> str:
        if isinstance(self.arn, Exception):
            raise self.arn
        return self.arn

    def server_time(self) -> datetime | None:
        return self.time

    def list_mfa_devices(self, user_name: str | None) -> list[str]:
        return ["arn:aws:iam::123456789012:mfa/root-account-mfa-device"]

    def get_session_token(self, **kwargs: object) -> object:
        raise AssertionError("doctor never asks for a session")

    def list_access_keys(self, user_name: str) -> list[AccessKeyInfo]:
        if isinstance(self.keys, Exception):
            raise self.keys
        return self.keys

    def access_key_last_used(self, access_key_id: str) -> LastUse:
        return LastUse(None)


def diagnosed(credentials_file: Path, answers: Answers, extra: str = "") -> list[Finding]:
    private(
        credentials_file,
        "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
        + extra,
    )

    def connect(keys: LongTermKeys, target: AwsTarget) -> Answers:
        return answers

    return diagnose(
        "dev",
        DoctorEnvironment(
            credentials_path=credentials_file,
            config_path=credentials_file.with_name("config"),
            now=lambda: NOW,
            connect=connect,  # type: ignore[arg-type]
            environ={},
        ),
    )


def by_title(findings: list[Finding], fragment: str) -> Finding:
    return next(finding for finding in findings if fragment in finding.title)


def clock(findings: list[Finding]) -> Finding:
    return next(finding for finding in findings if finding.title.startswith("clock "))


@pytest.mark.parametrize(
    ("skew", "level"),
    [
        (timedelta(0), Level.OK),
        (timedelta(seconds=1), Level.OK),
        (timedelta(seconds=59), Level.OK),
        (timedelta(seconds=61), Level.WARN),
        (timedelta(minutes=5), Level.WARN),
        (timedelta(minutes=5, seconds=1), Level.FAIL),
        (-timedelta(minutes=5, seconds=1), Level.FAIL),
    ],
)
def test_clock_levels_at_their_edges(credentials_file: Path, skew: timedelta, level: Level) -> None:
    answers = Answers("arn:aws:iam::123456789012:user/jane", NOW - skew)
    assert clock(diagnosed(credentials_file, answers)).level is level


def test_root_keys_are_a_warning(credentials_file: Path) -> None:
    findings = diagnosed(credentials_file, Answers("arn:aws:iam::123456789012:root", NOW))
    assert by_title(findings, "root user's").level is Level.WARN
    assert by_title(findings, "found for the root user").level is Level.OK
    assert not failed(findings)


def test_role_keys_are_a_failure(credentials_file: Path) -> None:
    arn = "arn:aws:sts::123456789012:assumed-role/admin/jane"
    findings = diagnosed(credentials_file, Answers(arn, NOW))
    assert by_title(findings, "not an IAM user").level is Level.FAIL
    assert failed(findings)


def test_no_answer_no_clock(credentials_file: Path) -> None:
    findings = diagnosed(credentials_file, Answers(AwsError("could not reach AWS"), None))
    assert by_title(findings, "could not reach AWS").level is Level.FAIL
    assert by_title(findings, "clock not compared").level is Level.INFO


def test_a_stricter_mode_than_0600_is_fine(credentials_file: Path) -> None:
    findings = diagnosed(credentials_file, Answers("arn:aws:iam::1:user/x", NOW))
    credentials_file.chmod(0o400)
    findings = diagnose(
        "dev",
        DoctorEnvironment(
            credentials_path=credentials_file,
            config_path=credentials_file.with_name("config"),
            now=lambda: NOW,
            connect=lambda keys, target: Answers("arn:aws:iam::1:user/x", NOW),  # type: ignore[arg-type,return-value]
            environ={},
        ),
    )
    assert by_title(findings, "credentials file mode is 0400").level is Level.OK
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o400


def test_the_role_is_reported_with_its_own_margin(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    role = "arn:aws:iam::123456789012:role/ops/Admin"
    private(
        credentials_file,
        long_term_text(user, extra=f"role_arn = {role}\n")
        + session_text("dev", datetime.now(timezone.utc) + timedelta(minutes=40)),
    )
    result = run_cli("doctor", "dev")
    assert line_with(result, f"refresh assumes role {role} with MFA").startswith("info  ")
    # 40 minutes left is plenty for a 1-hour role session.
    assert line_with(result, "[dev] session valid").startswith("info  ")


def test_a_bad_role_arn_and_a_role_in_the_config_profile(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    private(credentials_file, long_term_text(user, extra="role_arn = Admin\n"))
    config_file.write_text("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n")
    result = run_cli("doctor", "dev")
    assert result.exit_code == 1
    assert line_with(result, "'Admin' is not an IAM role ARN").startswith("fail  ")
    warning = line_with(result, "[profile dev] in the config file has role_arn")
    assert warning.startswith("warn  ")
    assert "Move role_arn into [dev-long-term]" in fix_after(result, "[profile dev] in the config")


# The access key: age, last use, a second key, a rotation left half done.

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
USER_ARN = "arn:aws:iam::123456789012:user/jane"


def aged(days: int, active: bool = True) -> list[AccessKeyInfo]:
    return [AccessKeyInfo(KEY_ID, active, NOW - timedelta(days=days))]


def test_a_young_key_is_ok_and_its_age_is_told(credentials_file: Path) -> None:
    findings = diagnosed(credentials_file, Answers(USER_ARN, NOW, aged(30)))
    found = by_title(findings, "access key ****MPLE is")
    assert found.level is Level.OK
    assert found.title == "access key ****MPLE is 30 days old (created 2026-10-29)"
    assert found.detail == "never used"


def test_a_key_past_90_days_is_a_warning_with_rotate_as_the_fix(credentials_file: Path) -> None:
    findings = diagnosed(credentials_file, Answers(USER_ARN, NOW, aged(91)))
    found = by_title(findings, "access key ****MPLE is")
    assert found.level is Level.WARN
    assert found.title.endswith(": older than 90 days")
    assert found.fix.startswith("awsmfa rotate dev")
    assert not failed(findings)


def test_max_key_age_changes_the_limit(credentials_file: Path) -> None:
    longer = diagnosed(credentials_file, Answers(USER_ARN, NOW, aged(91)), "max_key_age = 180d\n")
    assert by_title(longer, "access key ****MPLE is").level is Level.OK
    shorter = diagnosed(credentials_file, Answers(USER_ARN, NOW, aged(31)), "max_key_age = 30d\n")
    assert by_title(shorter, "access key ****MPLE is").title.endswith(": older than 30 days")


@pytest.mark.parametrize("value", ["90", "soon", "0d"])
def test_a_bad_max_key_age_is_named_and_the_default_applies(
    credentials_file: Path, value: str
) -> None:
    findings = diagnosed(
        credentials_file, Answers(USER_ARN, NOW, aged(91)), f"max_key_age = {value}\n"
    )
    bad = by_title(findings, f"max_key_age {value!r}")
    assert bad.level is Level.WARN and "90 days" in bad.detail
    assert by_title(findings, "access key ****MPLE is").title.endswith(": older than 90 days")


def test_an_inactive_key_fails(credentials_file: Path) -> None:
    findings = diagnosed(credentials_file, Answers(USER_ARN, NOW, aged(5, active=False)))
    assert by_title(findings, "is inactive in IAM").level is Level.FAIL


def test_a_recorded_date_of_another_key_is_a_warning(credentials_file: Path) -> None:
    findings = diagnosed(
        credentials_file,
        Answers(USER_ARN, NOW, aged(30)),
        "aws_access_key_created = 2020-01-01T00:00:00Z\n",
    )
    stale = by_title(findings, "aws_access_key_created in [dev-long-term] is 2020-01-01")
    assert stale.level is Level.WARN
    assert stale.fix == "Set aws_access_key_created = 2026-10-29T09:00:00Z in [dev-long-term]."


def test_a_second_key_not_in_the_file_is_named(credentials_file: Path) -> None:
    other = AccessKeyInfo("AKIAOTHEROTHER000003", True, NOW - timedelta(days=3))
    findings = diagnosed(credentials_file, Answers(USER_ARN, NOW, [*aged(30), other]))
    second = by_title(findings, "has a second access key")
    assert second.level is Level.WARN
    assert second.title == (
        "IAM user jane has a second access key, ****0003, that is not in [dev-long-term]"
    )


def test_keys_that_may_not_be_listed_fall_back_to_the_recorded_age(credentials_file: Path) -> None:
    denied = AwsError("permission missing: iam:ListAccessKeys was denied (no MFA)")
    denied.aws_code = "AccessDenied"
    findings = diagnosed(
        credentials_file,
        Answers(USER_ARN, NOW, denied),
        "aws_access_key_created = 2026-07-01T00:00:00Z\n",
    )
    info = by_title(findings, "access key not checked with AWS")
    assert info.level is Level.INFO
    assert info.fix.startswith("awsmfa refresh dev, then run doctor again")
    recorded = by_title(findings, "access key ****MPLE is")
    assert recorded.title == (
        "access key ****MPLE is 150 days old (created 2026-07-01): older than 90 days"
    )
    assert recorded.detail == "as aws_access_key_created in [dev-long-term] records"
    assert recorded.level is Level.WARN


def test_an_interrupted_rotation_is_found_without_aws(credentials_file: Path) -> None:
    findings = diagnosed(
        credentials_file,
        Answers(AwsError("could not reach AWS"), None),
        f"awsmfa_rotating = {KEY_ID} since 2026-11-28T08:00:00Z\n",
    )
    found = by_title(findings, "a key rotation of [dev-long-term] was interrupted")
    assert found.level is Level.WARN
    assert found.fix.startswith("awsmfa rotate dev")


def test_a_rotation_running_now_is_not_called_interrupted(credentials_file: Path) -> None:
    import fcntl

    with open(credentials_file.with_name("credentials.rotate.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        findings = diagnosed(
            credentials_file,
            Answers(USER_ARN, NOW, aged(0)),
            f"awsmfa_rotating = {KEY_ID} since 2026-11-28T08:59:00Z\n",
        )
    assert by_title(findings, "is running now").level is Level.INFO
    assert not [finding for finding in findings if "was interrupted" in finding.title]
