"""The session's expiry where prompts look (x_security_token_expires, as starship reads it),
and the principal a session belongs to (x_principal_arn), so that a changed role gets a
session of its own."""

from __future__ import annotations

import configparser
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, iso, long_term_text, make_role, run_cli

# starship's aws module (src/modules/aws.rs, get_credentials_duration) reads the credentials
# file with rust-ini (`key = value` or `key: value`, trimmed; `#` and `;` comment lines),
# takes from [PROFILE] the first *present* of these keys, and parses it as an RFC 3339
# timestamp (jiff's Timestamp; chrono's parse_from_rfc3339 before that), which must carry
# an offset. A present `expiration` that does not parse gives no countdown at all: there
# is no fallback to the second key.
STARSHIP_KEYS = ("expiration", "x_security_token_expires")
RFC_3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


def starship_expiry(text: str, profile: str) -> datetime | None:
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1].strip(), {})
            continue
        cut = min((i for i in (stripped.find("="), stripped.find(":")) if i >= 0), default=-1)
        if current is not None and cut > 0:
            current[stripped[:cut].strip()] = stripped[cut + 1 :].strip()
    section = sections.get(profile, {})
    value = next((section[key] for key in STARSHIP_KEYS if key in section), None)
    if value is None or not RFC_3339.fullmatch(value):
        return None
    return datetime.fromisoformat(re.sub("[Zz]$", "+00:00", value))


def section(path: Path, name: str = "dev") -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return dict(parser.items(name))


def expiry_of(path: Path) -> datetime:
    return datetime.strptime(section(path)["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc
    )


@pytest.fixture
def known(user: IamUser, credentials_file: Path) -> Path:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    return credentials_file


# The expiry, under both names.


def test_starship_reads_the_expiry_awsmfa_writes(aws: FakeAws, known: Path) -> None:
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    written = section(known)
    assert written["x_security_token_expires"] == written["expiration"]
    assert starship_expiry(known.read_text(), "dev") == expiry_of(known)
    # A reader that knows only saml2aws's key gets the same instant.
    only_x = re.sub(r"(?m)^expiration = .*\n", "", known.read_text())
    assert starship_expiry(only_x, "dev") == expiry_of(known)


def test_a_session_aws_mfa_wrote_gets_a_countdown_once_refreshed(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n")
        + "\n[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n"
        "aws_session_token = t\naws_security_token = t\nexpiration = 2020-01-01 00:00:00\n"
    )
    # aws-mfa's form has no offset: starship shows nothing for it.
    assert starship_expiry(credentials_file.read_text(), "dev") is None
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    assert starship_expiry(credentials_file.read_text(), "dev") == expiry_of(credentials_file)


def test_either_name_is_read(credentials_file: Path) -> None:
    until = datetime.now(timezone.utc) + timedelta(hours=5)
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
        "[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\n"
        f"x_security_token_expires = {iso(until)}\n"
    )
    result = run_cli("check", "dev")
    assert result.exit_code == 0, result.output
    assert iso(until) in result.stdout
    assert run_cli("export", "dev").exit_code == 0


def test_the_earlier_of_two_differing_expiries_counts(credentials_file: Path) -> None:
    now = datetime.now(timezone.utc)
    credentials_file.write_text(
        "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n"
        "[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\n"
        f"expiration = {iso(now + timedelta(hours=5))}\n"
        f"x_security_token_expires = {iso(now - timedelta(hours=1))}\n"
    )
    result = run_cli("check", "dev")
    assert result.exit_code == 1
    assert "expired" in result.stdout


# The principal: a changed role is a new session.


@pytest.fixture
def roles(aws: FakeAws) -> tuple[str, str]:
    return make_role(aws, name="Admin"), make_role(aws, name="Reader", path="/")


def test_a_role_edited_in_the_file_gets_a_session_of_its_own(
    aws: FakeAws, known: Path, roles: tuple[str, str]
) -> None:
    first, second = roles
    known.write_text(known.read_text() + f"role_arn = {first}\n")
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    assert section(known)["x_principal_arn"] == first
    aws.calls.clear()
    assert run_cli("refresh", "dev").exit_code == 0  # still valid, same role: nothing asked
    assert aws.requests == []
    known.write_text(known.read_text().replace(f"role_arn = {first}", f"role_arn = {second}"))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["AssumeRole"]
    assert aws.calls[-1].params["RoleArn"] == second
    assert section(known)["x_principal_arn"] == second


def test_a_role_option_reuses_its_own_session_only(
    aws: FakeAws, known: Path, roles: tuple[str, str]
) -> None:
    first, second = roles
    assert run_cli("refresh", "dev", "--code", "123456", "--role-arn", first).exit_code == 0
    aws.calls.clear()
    again = run_cli("refresh", "dev", "--role-arn", first)
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.stdout
    assert aws.requests == []
    other = run_cli("refresh", "dev", "--code", "123456", "--role-arn", second)
    assert other.exit_code == 0, other.output
    assert aws.requests == ["AssumeRole"]
    assert section(known)["x_principal_arn"] == second


def test_a_role_taken_out_of_the_file_gets_a_user_session(
    aws: FakeAws, known: Path, roles: tuple[str, str]
) -> None:
    role = roles[0]
    known.write_text(known.read_text() + f"role_arn = {role}\n")
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    known.write_text(known.read_text().replace(f"role_arn = {role}\n", ""))
    aws.calls.clear()
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    assert aws.requests == ["GetSessionToken"]
    assert "x_principal_arn" not in section(known)
    assert run_cli("check", "dev").exit_code == 0


def test_the_user_is_recorded_once_found_and_kept(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    assert section(credentials_file)["x_principal_arn"] == user.arn
    assert run_cli("refresh", "dev", "-f", "--code", "123456").exit_code == 0
    assert aws.requests[-1] == "GetSessionToken"
    assert section(credentials_file)["x_principal_arn"] == user.arn


def test_an_unrecorded_session_is_taken_for_what_the_file_says(
    aws: FakeAws, known: Path, roles: tuple[str, str]
) -> None:
    until = datetime.now(timezone.utc) + timedelta(hours=5)
    plain = (
        "\n[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n"
        f"aws_session_token = t\nexpiration = {iso(until)}\n"
    )
    known.write_text(known.read_text() + plain)
    aws.calls.clear()
    assert run_cli("refresh", "dev").exit_code == 0  # a user session, as before: kept
    assert aws.requests == []
    result = run_cli("refresh", "dev", "--code", "123456", "--role-arn", roles[0])
    assert result.exit_code == 0, result.output
    assert aws.requests == ["AssumeRole"]


def test_a_session_recorded_for_a_role_is_judged_as_a_role_session(
    aws: FakeAws, known: Path, roles: tuple[str, str]
) -> None:
    # MFA_ASSUME_ROLE made it: the file names no role, the session says whose it is.
    env = {"MFA_ASSUME_ROLE": roles[0]}
    assert run_cli("refresh", "dev", "--code", "123456", env=env).exit_code == 0
    assert run_cli("check", "dev").exit_code == 0


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::123456789012:user/john.doe&#10;[default]&#10;aws_access_key_id = AKIAX",
        "arn:aws:iam::123456789012:user/x&#10;[default]&#10;x:root",
        "arn:aws:iam::123456789012:user/john doe",
    ],
)
def test_a_caller_arn_that_cannot_be_recorded_is_refused_before_the_code(
    aws: FakeAws, user: IamUser, credentials_file: Path, arn: str
) -> None:
    # x_principal_arn takes the caller's ARN as AWS gave it: an answer that is not one
    # printable word (something other than AWS answered) must not reach the file, nor
    # end in an internal error after the code was spent.
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    aws.respond(
        "GetCallerIdentity",
        f"<Arn>{arn}</Arn><UserId>123456789012</UserId><Account>123456789012</Account>",
    )
    aws.respond(
        "ListMFADevices",
        f"<MFADevices><member><SerialNumber>{user.device}</SerialNumber>"
        "<EnableDate>2026-01-01T00:00:00Z</EnableDate></member></MFADevices>"
        "<IsTruncated>false</IsTruncated>",
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 1, result.output
    assert "sts:GetCallerIdentity" in result.stderr
    assert "Traceback" not in result.output
    assert "GetSessionToken" not in aws.requests
    assert credentials_file.read_bytes() == before
