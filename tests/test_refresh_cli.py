"""`awsmfa refresh` end to end: a child process against the moto server on loopback."""

from __future__ import annotations

import configparser
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, long_term_text, make_user, run_cli

MOTO_SESSION_KEY = "AKIAIOSFODNN7EXAMPLE"  # what moto's GetSessionToken hands out


def read_section(path: Path, name: str) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return dict(parser.items(name))


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def session_text(name: str, expires_at: datetime) -> str:
    return (
        f"\n[{name}]\naws_access_key_id = ASIAOLD\naws_secret_access_key = oldsecret\n"
        f"aws_session_token = oldtoken\nexpiration = {iso(expires_at)}\n"
    )


def test_first_refresh_discovers_and_remembers_the_device(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text("# mine\n" + long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetCallerIdentity", "ListMFADevices", "GetSessionToken"]
    # Every request was signed with the long-term keys.
    assert {call.access_key_id for call in aws.calls} == {user.access_key_id}
    session = read_section(credentials_file, "dev")
    assert session["aws_access_key_id"] == MOTO_SESSION_KEY
    assert session["aws_session_token"]
    expires_at = datetime.strptime(session["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc
    )
    assert (
        timedelta(hours=11, minutes=58)
        < expires_at - datetime.now(timezone.utc)
        <= timedelta(hours=12)
    )
    assert read_section(credentials_file, "dev-long-term")["aws_mfa_device"] == user.device
    assert "refreshed: valid until" in result.stdout
    assert "local" in result.stdout
    assert "Remembered MFA device" in result.stderr
    assert credentials_file.read_text().startswith("# mine\n[dev-long-term]\n")
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600


def test_next_forced_refresh_makes_exactly_one_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    aws.calls.clear()
    result = run_cli("refresh", "dev", "--code", "654321", "--force")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]


def test_a_forced_refresh_reads_the_credentials_file_twice(
    aws: FakeAws, user: IamUser, credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once to plan, once under the lock to keep an edit made while STS answered; the
    second read is parsed again only when a byte changed."""
    from awsmfa_profiles import durable, ini

    credentials_file.write_text(long_term_text(user))
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    reads: list[Path] = []
    parses: list[str] = []
    read, parse = durable.read_regular_file, ini.scan

    def counted_read(path: Path, *, fix: str) -> tuple[bytes, int] | None:
        reads.append(path)
        return read(path, fix=fix)

    def counted_parse(lines: list[str]) -> list[ini.Section]:
        parses.append("".join(lines))
        return parse(lines)

    # As the file model imported them.
    monkeypatch.setattr("awsmfa_profiles.credentials_file.read_regular_file", counted_read)
    monkeypatch.setattr("awsmfa_profiles.credentials_file.scan", counted_parse)
    result = run_cli("refresh", "dev", "--code", "654321", "--force")
    assert result.exit_code == 0, result.output
    assert reads == [credentials_file, credentials_file]
    # Parsed whole once; the scans of edited sections alone check what will be written.
    assert [text for text in parses if "[dev-long-term]" in text and "[dev]" in text] == [parses[0]]


def test_a_valid_session_is_kept_without_prompt_or_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    expires_at = datetime.now(timezone.utc) + timedelta(hours=5)
    credentials_file.write_text(long_term_text(user) + session_text("dev", expires_at))
    before = credentials_file.read_bytes()
    result = run_cli("refresh", "dev")  # no --code and no terminal: must not need one
    assert result.exit_code == 0, result.output
    assert "is valid until" in result.stdout
    assert iso(expires_at) in result.stdout
    assert "--force" in result.stdout
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


@pytest.mark.parametrize(
    ("left", "within"), [(timedelta(minutes=30), None), (timedelta(hours=3), "4h")]
)
def test_a_session_expiring_within_the_margin_is_renewed(
    aws: FakeAws, user: IamUser, credentials_file: Path, left: timedelta, within: str | None
) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n")
        + session_text("dev", datetime.now(timezone.utc) + left)
    )
    args = ["refresh", "dev", "--code", "123456"] + (["--within", within] if within else [])
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert read_section(credentials_file, "dev")["aws_access_key_id"] == MOTO_SESSION_KEY


def test_an_aws_mfa_style_expired_session_is_renewed(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    old = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n")
        + f"\n[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n"
        f"aws_session_token = t\naws_security_token = t\nexpiration = {old}\n"
    )
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    session = read_section(credentials_file, "dev")
    assert session["aws_security_token"] == session["aws_session_token"] != "t"


def test_duration_is_passed_to_sts(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "123456", "--duration", "90m")
    assert result.exit_code == 0, result.output
    assert "1h 29m from now" in result.stdout or "1h 30m from now" in result.stdout


def test_profile_defaults_to_aws_profile_even_when_it_does_not_exist_yet(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, name="fresh"))
    result = run_cli("refresh", "--code", "123456", env={"AWS_PROFILE": "fresh"})
    assert result.exit_code == 0, result.output
    assert read_section(credentials_file, "fresh")["aws_access_key_id"] == MOTO_SESSION_KEY


def test_profile_defaults_to_default(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user, name="default"))
    result = run_cli("refresh", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert "[default] refreshed" in result.stdout


def test_stale_session_variables_in_the_shell_do_not_interfere(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    stale = {
        "AWS_ACCESS_KEY_ID": "ASIASTALESTALESTALE",
        "AWS_SECRET_ACCESS_KEY": "stalesecret",
        "AWS_SESSION_TOKEN": "staletoken",
        "AWS_SECURITY_TOKEN": "staletoken",
    }
    result = run_cli("refresh", "dev", "--code", "123456", env=stale)
    assert result.exit_code == 0, result.output
    assert {call.access_key_id for call in aws.calls} == {user.access_key_id}
    # ...but they would still win over [dev] in this shell, and refresh says so.
    assert "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN" in result.stderr


def test_a_user_under_an_iam_path_is_found(aws: FakeAws, credentials_file: Path) -> None:
    pathed = make_user(aws, name="jane.roe", path="/division/team/")
    assert ":user/division/team/jane.roe" in pathed.arn
    credentials_file.write_text(long_term_text(pathed))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert read_section(credentials_file, "dev-long-term")["aws_mfa_device"] == pathed.device


def test_device_from_the_config_file_skips_discovery(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    config_file.write_text(f"[profile dev]\nmfa_serial = {user.device}\nregion = eu-central-1\n")
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert aws.calls[0].region == "eu-central-1"
    assert "aws_mfa_device" not in read_section(credentials_file, "dev-long-term")


def test_device_option_wins_and_is_not_written(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", "--device", user.device)
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert "aws_mfa_device" not in read_section(credentials_file, "dev-long-term")


@pytest.mark.parametrize(
    ("args", "env", "region"),
    [
        ([], {}, "us-east-1"),
        (["--region", "ap-southeast-2"], {"AWS_REGION": "eu-west-1"}, "ap-southeast-2"),
        ([], {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-1"),
        ([], {"AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-2"),
    ],
)
def test_region_resolution(
    aws: FakeAws,
    user: IamUser,
    credentials_file: Path,
    args: list[str],
    env: dict[str, str],
    region: str,
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "123456", *args, env=env)
    assert result.exit_code == 0, result.output
    assert [call.region for call in aws.calls] == [region]


def test_endpoint_url_option(
    aws: FakeAws, user: IamUser, credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", "--endpoint-url", aws.endpoint)
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetCallerIdentity", "ListMFADevices", "GetSessionToken"]


def test_service_specific_endpoint_variables(
    aws: FakeAws, user: IamUser, credentials_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    credentials_file.write_text(long_term_text(user))
    env = {"AWS_ENDPOINT_URL_STS": aws.endpoint, "AWS_ENDPOINT_URL_IAM": aws.endpoint}
    result = run_cli("refresh", "dev", "--code", "123456", env=env)
    assert result.exit_code == 0, result.output
    assert len(aws.calls) == 3


def test_loose_mode_is_tightened_with_a_notice(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    credentials_file.chmod(0o644)
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert "Tightened" in result.stderr and "0644" in result.stderr
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600


# Refusals: exit 2, nothing sent, file byte-identical.


def assert_refused(
    aws: FakeAws, credentials_file: Path, args: list[str], fragments: list[str], code: int = 2
) -> None:
    before = credentials_file.read_bytes() if credentials_file.exists() else None
    result = run_cli(*args)
    assert result.exit_code == code, result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert aws.requests == []
    after = credentials_file.read_bytes() if credentials_file.exists() else None
    assert after == before


def test_refuses_to_overwrite_long_term_keys_in_the_session_section(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user) + "\n[dev]\naws_access_key_id = AKIAREAL\naws_secret_access_key = r\n"
    )
    assert_refused(
        aws,
        credentials_file,
        ["refresh", "dev", "--code", "123456"],
        ["[dev]", "holds long-term keys", "[dev-long-term]"],
    )


def test_missing_long_term_section(aws: FakeAws, credentials_file: Path) -> None:
    credentials_file.write_text("[other]\nk = v\n")
    assert_refused(
        aws, credentials_file, ["refresh", "dev", "--code", "123456"], ["no [dev-long-term]"]
    )


def test_missing_credentials_file(aws: FakeAws, credentials_file: Path) -> None:
    assert_refused(
        aws, credentials_file, ["refresh", "dev", "--code", "123456"], ["no [dev-long-term]"]
    )
    assert not credentials_file.exists()


def test_no_terminal_and_no_code(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user))
    assert_refused(aws, credentials_file, ["refresh", "dev"], ["no terminal", "--code"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--code", "12345"], "6 digits"),
        (["--code", "1234567"], "6 digits"),
        (["--code", "abcdef"], "6 digits"),
        (["--code", "123456", "--duration", "10m"], "--duration"),
        (["--code", "123456", "--duration", "37h"], "--duration"),
        (["--code", "123456", "--duration", "soon"], "not a duration"),
        (["--code", "123456", "--within", "later"], "not a duration"),
        (["--code", "123456", "--device", "john.doe"], "not an MFA device ARN"),
        (["--code", "123456", "--device", "arn:aws:iam::123:mfa/x"], "not an MFA device ARN"),
    ],
)
def test_bad_input_is_refused_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path, args: list[str], fragment: str
) -> None:
    credentials_file.write_text(long_term_text(user))
    assert_refused(aws, credentials_file, ["refresh", "dev", *args], [fragment])


def test_malformed_file_names_file_and_line(aws: FakeAws, credentials_file: Path) -> None:
    credentials_file.write_text("[dev-long-term]\naws_access_key_id = A\n[dev-long-term]\n")
    assert_refused(
        aws,
        credentials_file,
        ["refresh", "dev", "--code", "123456"],
        [str(credentials_file), "line 3", "appears a second time"],
    )


@pytest.mark.parametrize(
    "device",
    [
        "arn:aws:iam::123456789012:mfa/john.doe",
        "arn:aws-cn:iam::123456789012:mfa/john.doe",
        "arn:aws-us-gov:iam::123456789012:mfa/path/john.doe",
    ],
)
def test_device_arns_of_every_partition_are_accepted(
    aws: FakeAws, user: IamUser, credentials_file: Path, device: str
) -> None:
    credentials_file.write_text(long_term_text(user))
    result = run_cli("refresh", "dev", "--code", "123456", "--device", device)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("key_id", "fragment"),
    [
        ("secret/with+chars", "an access key ID is AKIA"),
        ("ASIAEXAMPLE000000001", "temporary access key"),
    ],
)
def test_a_malformed_long_term_key_id_is_refused_before_any_request(
    aws: FakeAws, credentials_file: Path, key_id: str, fragment: str
) -> None:
    credentials_file.write_text(
        f"[dev-long-term]\naws_access_key_id = {key_id}\naws_secret_access_key = s\n"
    )
    assert_refused(
        aws, credentials_file, ["refresh", "dev", "--code", "123456"], ["[dev-long-term]", fragment]
    )


def test_a_value_continued_past_a_comment_is_refused_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    # configparser continues `region` past the comment; an added key must not take
    # that continuation over, so the layout is refused before a code is used.
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n")
        + "\n[dev]\nregion = us-east-1\n; old default:\n\n  us-west-2\n"
    )
    assert_refused(
        aws,
        credentials_file,
        ["refresh", "dev", "--code", "123456"],
        ["[dev] is laid out in a way awsmfa cannot change safely"],
    )


@pytest.mark.parametrize(
    "command",
    [["refresh", "DEFAULT", "--code", "123456"], ["check", "DEFAULT"], ["export", "DEFAULT"]],
)
def test_default_in_capitals_is_not_a_profile(
    aws: FakeAws, user: IamUser, credentials_file: Path, command: list[str]
) -> None:
    credentials_file.write_text(long_term_text(user, name="DEFAULT"))
    assert_refused(aws, credentials_file, command, ["DEFAULT cannot be a profile name"])


@pytest.mark.parametrize(
    ("extra", "args", "fragment"),
    [
        ("aws_mfa_device = my-phone\n", [], "the MFA device in [dev-long-term]"),
        ("", ["--code", "\uff11\uff12\uff13\uff14\uff15\uff16"], "6 digits"),  # full-width digits
        (
            "role_arn = arn:aws:iam::123456789012:role/Admin\n",
            ["--role-session-name", "bad name!"],
            "cannot be a role session name",
        ),
        (
            "role_arn = arn:aws:iam::123456789012:role/Admin\nrole_session_name = x\n",
            [],
            "cannot be a role session name",
        ),
        ("", ["--external-id", "a"], "external ID"),
    ],
)
def test_what_can_be_checked_locally_is_checked_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path, extra: str, args: list[str], fragment: str
) -> None:
    credentials_file.write_text(long_term_text(user, extra=extra))
    code = [] if "--code" in args else ["--code", "123456"]
    assert_refused(aws, credentials_file, ["refresh", "dev", *code, *args], [fragment])


def test_a_device_in_the_config_file_is_checked_and_named(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    config_file.write_text("[profile dev]\nmfa_serial = phone\n")
    assert_refused(
        aws,
        credentials_file,
        ["refresh", "dev", "--code", "123456"],
        [f"mfa_serial in [profile dev] of {config_file}", "not an MFA device ARN"],
    )


def test_a_role_on_the_command_line_gets_its_own_session(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    expires_at = datetime.now(timezone.utc) + timedelta(hours=5)
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n")
        + session_text("dev", expires_at)
    )
    role = "arn:aws:iam::123456789012:role/Admin"
    result = run_cli("refresh", "dev", "--code", "123456", "--role-arn", role)
    assert result.exit_code == 0, result.output
    assert aws.requests == ["AssumeRole"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"[dev-long-term]\raws_access_key_id = AKIA\r", "carriage return without a line feed"),
    ],
)
def test_line_endings_botocore_reads_differently_are_refused(
    aws: FakeAws, credentials_file: Path, content: bytes, fragment: str
) -> None:
    credentials_file.write_bytes(content)
    assert_refused(
        aws, credentials_file, ["refresh", "dev", "--code", "123456"], [fragment, "line 1"]
    )


def test_a_fifo_is_not_read(aws: FakeAws, credentials_file: Path) -> None:
    os.mkfifo(credentials_file)
    for command in (["check"], ["refresh", "dev", "--code", "123456"], ["export", "dev"]):
        result = run_cli(*command)
        assert result.exit_code == 2
        assert "is not a regular file" in result.stderr
    assert aws.requests == []


def test_an_empty_name_is_not_the_default_profile(aws: FakeAws, credentials_file: Path) -> None:
    credentials_file.write_text("[default-long-term]\n")
    assert_refused(
        aws, credentials_file, ["refresh", "", "--code", "123456"], ["cannot be a profile name"]
    )


def test_a_name_from_the_environment_is_said_to_come_from_there(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, name="smce-veda"))
    result = run_cli("refresh", "--code", "123456", env={"AWS_PROFILE": "smce-vdea"})
    assert result.exit_code == 2
    assert "did you mean smce-veda?" in result.stderr
    assert "The profile name came from $AWS_PROFILE" in result.stderr
    assert aws.requests == []


def test_keys_in_both_sections_get_advice_that_can_work(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user) + "\n[dev]\naws_access_key_id = AKIAREAL\naws_secret_access_key = r\n"
    )
    for command in (["refresh", "dev", "--code", "123456"], ["export", "dev"]):
        assert_refused(
            aws, credentials_file, command, ["holds long-term keys", "delete the [dev] section"]
        )
