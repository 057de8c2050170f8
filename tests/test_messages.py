"""Messages a newcomer can act on: each says what is true for the file at hand and offers
only advice that can work."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
from helpers import FakeAws, IamUser, long_term_text, run_cli

from awsmfa_profiles.errors import UsageError
from awsmfa_profiles.mfa import check_code

KEYS = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\n"
SESSION = (
    "aws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\n"
    "expiration = 2099-01-01T00:00:00Z\n"
)
AWSMFA = f"{sys.executable} -m awsmfa_profiles"


def hint_of(stderr: str) -> str:
    """Everything after the `awsmfa: error:` line."""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("awsmfa: error:"))
    return "\n".join(lines[start + 1 :])


# A typo: the close name only, never a command that makes a profile under the typo.


@pytest.mark.parametrize(
    "command",
    [
        ["refresh", "teem", "--code", "123456"],
        ["check", "teem"],
        ["export", "teem"],
    ],
    ids=" ".join,
)
def test_a_typo_gets_the_close_name_and_nothing_else(
    aws: FakeAws, credentials_file: Path, command: list[str]
) -> None:
    credentials_file.write_text(f"[team-long-term]\n{KEYS}")
    result = run_cli(*command)
    assert result.exit_code == 2
    assert "did you mean team?" in result.stderr
    assert "teem" not in hint_of(result.stderr), result.stderr
    assert "awsmfa init" not in result.stderr
    assert aws.requests == []


def test_init_names_the_close_profile_too(credentials_file: Path) -> None:
    credentials_file.write_text(f"[team-long-term]\n{KEYS}")
    result = run_cli("init", "teem")
    assert result.exit_code == 2
    assert "did you mean team?" in result.stderr


def test_init_on_a_terminal_names_the_close_profile_before_asking(
    credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(f"[team-long-term]\n{KEYS}")
    child = pexpect.spawn(
        "/bin/sh", ["-c", f"exec {AWSMFA} init teem"], cwd=str(tmp_path), encoding="utf-8"
    )
    child.expect("did you mean team")
    child.expect("AWS access key ID")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


# What init would do, as the file at hand is.


@pytest.mark.parametrize(
    ("text", "says", "never"),
    [
        (None, "creates", "moves your keys"),
        ("[other-long-term]\n" + KEYS, "asks for your long-term keys", "moves your keys"),
        ("[dev]\n" + SESSION, "holds a session", "moves your keys"),
        ("[dev]\nregion = eu-west-1\n", "asks for your long-term keys", "moves your keys"),
    ],
    ids=["no file", "no section", "a session", "other settings"],
)
def test_the_missing_long_term_section_hint_fits_the_file(
    aws: FakeAws, credentials_file: Path, text: str | None, says: str, never: str
) -> None:
    if text is not None:
        credentials_file.write_text(text)
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2
    assert says in result.stderr, result.stderr
    assert never not in result.stderr
    assert aws.requests == []


def test_a_profile_without_a_close_name_lists_those_there(
    aws: FakeAws, credentials_file: Path
) -> None:
    credentials_file.write_text(f"[alpha-long-term]\n{KEYS}\n[beta-long-term]\n{KEYS}")
    result = run_cli("refresh", "zzz", "--code", "123456")
    assert result.exit_code == 2
    assert "alpha, beta" in result.stderr


# Sections of the file whose names cannot be typed back: a space, DEFAULT, a terminal's
# escape (ESC c resets it; U+009B is a C1 control sequence introducer), a zero-width space.
ODD_SECTIONS = "".join(
    f"[{name}-long-term]\n{KEYS}"
    for name in (" old", "DEFAULT", "ops\x1bc", "dex\x9b2J", "o\u200bps")
)


@pytest.mark.parametrize(
    ("command", "stream"),
    [
        (["refresh", "zzz", "--code", "123456"], "stderr"),
        (["export", "zzz"], "stderr"),
        (["doctor", "zzz", "--endpoint-url", "http://127.0.0.1:9"], "stdout"),
    ],
    ids=lambda value: value if isinstance(value, str) else value[0],
)
def test_only_profiles_that_can_be_named_are_listed(
    credentials_file: Path, command: list[str], stream: str
) -> None:
    credentials_file.write_text(f"[alpha-long-term]\n{KEYS}{ODD_SECTIONS}")
    result = run_cli(*command)
    text = getattr(result, stream)
    assert "its profiles: alpha\n" in text
    for odd in (" old", "DEFAULT", "\x1b", "\x9b", "\u200b"):
        assert odd not in text


@pytest.mark.parametrize("typed", ["old", "ops"])
def test_a_close_name_that_cannot_be_named_is_not_suggested(
    aws: FakeAws, credentials_file: Path, typed: str
) -> None:
    credentials_file.write_text(ODD_SECTIONS)
    for command in (["refresh", typed, "--code", "123456"], ["init", typed]):
        result = run_cli(*command)
        assert result.exit_code == 2
        assert "did you mean" not in result.stderr
        assert "\x1b" not in result.stderr
    doctor = run_cli("doctor", typed, "--endpoint-url", "http://127.0.0.1:9")
    assert "did you mean" not in doctor.stdout
    assert f"fix: awsmfa init {typed}" in doctor.stdout
    assert aws.requests == []


def test_the_new_hints_put_a_name_with_a_leading_dash_after_the_options(
    aws: FakeAws, credentials_file: Path
) -> None:
    credentials_file.write_text(f"[-dev-long-term]\n{KEYS}[-s]\n{SESSION}")
    missing = run_cli("refresh", "--code", "123456", "--", "-zzz")
    assert "Run `awsmfa init -- -zzz`: it asks" in missing.stderr
    kept = run_cli("refresh", "--code", "123456", "--", "-s")
    assert "Run `awsmfa init -- -s`: it asks for your long-term keys and keeps" in kept.stderr
    exported = run_cli("export", "--", "-zzz")
    assert "Then run `awsmfa refresh -- -zzz`." in exported.stderr
    doctor = run_cli("doctor", "--endpoint-url", "http://127.0.0.1:9", "--", "-dex")
    assert "did you mean -dev?" in doctor.stdout
    assert "fix: awsmfa doctor -- -dev" in doctor.stdout
    assert aws.requests == []


def test_the_default_profile_is_said_to_be_assumed(aws: FakeAws, credentials_file: Path) -> None:
    credentials_file.write_text(f"[team-long-term]\n{KEYS}")
    result = run_cli("refresh", "--code", "123456")
    assert result.exit_code == 2
    assert "used `default`" in result.stderr
    assert "AWS_PROFILE" in result.stderr
    assert "team" in result.stderr


def test_doctor_never_suggests_a_refresh_that_cannot_work(credentials_file: Path) -> None:
    credentials_file.write_text(f"[team-long-term]\n{KEYS}")
    result = run_cli("doctor", "--endpoint-url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert "awsmfa refresh default" not in result.stdout
    assert "awsmfa init default" in result.stdout
    assert "no NAME given" in result.stdout
    assert "team" in result.stdout


# Codes as authenticator apps show them.


@pytest.mark.parametrize("text", ["155 925", "155-925", " 155925 ", "155925"])
def test_a_code_may_have_one_space_or_dash_in_the_middle(text: str) -> None:
    assert check_code(text) == "155925"


@pytest.mark.parametrize("text", ["15 5925", "155  925", "155 - 925", "1559 25", "155_925"])
def test_other_separators_are_still_refused(text: str) -> None:
    with pytest.raises(UsageError):
        check_code(text)


def test_code_option_with_a_space(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    result = run_cli("refresh", "dev", "--code", "155 925")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["TokenCode"] == "155925"


def test_the_prompt_takes_a_code_as_the_app_shows_it(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    child = pexpect.spawn(
        "/bin/sh", ["-c", f"exec {AWSMFA} refresh dev"], cwd=str(tmp_path), encoding="utf-8"
    )
    child.expect("MFA code for")
    child.sendline("155 925")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert aws.calls[-1].params["TokenCode"] == "155925"


# check names what is there.


def test_check_names_long_term_keys_in_the_session_section(credentials_file: Path) -> None:
    credentials_file.write_text(f"[old]\n{KEYS}")
    result = run_cli("check", "old")
    assert result.exit_code == 1
    assert "never refreshed" not in result.stdout
    assert "long-term keys" in result.stdout
    assert "run: awsmfa init old" in result.stdout


# FIDO only: what works instead.


def test_fido_only_says_what_works_instead(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    aws.respond(
        "ListMFADevices",
        "<MFADevices><member><UserName>john.doe</UserName>"
        "<SerialNumber>arn:aws:iam::123456789012:u2f/user/john.doe/key-ABC</SerialNumber>"
        "<EnableDate>2026-01-01T00:00:00Z</EnableDate></member></MFADevices>"
        "<IsTruncated>false</IsTruncated>",
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2
    assert "aws login" in result.stderr
    assert "virtual MFA device" in result.stderr


def test_check_names_a_session_without_an_expiration(credentials_file: Path) -> None:
    # As `aws configure mfa-login` writes a session: the keys and token, no expiry.
    credentials_file.write_text(
        f"[dev-long-term]\n{KEYS}\n[dev]\n"
        "aws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n"
    )
    result = run_cli("check", "dev")
    assert result.exit_code == 1
    assert "never refreshed" not in result.stdout
    assert "no expiration" in result.stdout
