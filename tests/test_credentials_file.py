from __future__ import annotations

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from awsmfa_profiles.credentials_file import CredentialsFile, check_profile_name
from awsmfa_profiles.durable import locked, write_atomically
from awsmfa_profiles.errors import ConfigError, SaveError, UsageError
from awsmfa_profiles.session import Session

GOLDEN = Path(__file__).parent / "golden"
NEW_SESSION = Session(
    "ASIANEWSESSION0001",
    "newsecret",
    "newtoken",
    datetime(2026, 11, 28, 21, 4, 5, tzinfo=timezone.utc),
)
DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"
CASES = sorted(path.name.removesuffix(".before.ini") for path in GOLDEN.glob("*.before.ini"))
RENAME_CASES = sorted(
    path.name.removesuffix(".before.ini") for path in (GOLDEN / "rename").glob("*.before.ini")
)


@pytest.mark.parametrize("case", CASES)
def test_golden_files_change_only_the_session_lines(case: str, tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_bytes((GOLDEN / f"{case}.before.ini").read_bytes())
    credentials = CredentialsFile.load(path)
    credentials.set_session("dev", NEW_SESSION)
    if case == "remember_device":
        credentials.set_value("dev-long-term", "aws_mfa_device", DEVICE)
    credentials.save()
    assert path.read_bytes() == (GOLDEN / f"{case}.after.ini").read_bytes()


@pytest.mark.parametrize("case", RENAME_CASES)
def test_rename_changes_only_the_header_line(case: str, tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_bytes((GOLDEN / "rename" / f"{case}.before.ini").read_bytes())
    credentials = CredentialsFile.load(path)
    credentials.rename_section("dev", "dev-long-term")
    assert not credentials.has_section("dev")
    assert credentials.long_term("dev").access_key_id.startswith("AKIA")
    credentials.save()
    assert path.read_bytes() == (GOLDEN / "rename" / f"{case}.after.ini").read_bytes()


def test_the_comments_above_a_renamed_header_stay_above_it(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_bytes((GOLDEN / "rename" / "comments_and_spacing.before.ini").read_bytes())
    credentials = CredentialsFile.load(path)
    credentials.rename_section("dev", "dev-long-term")
    lines = credentials.render().splitlines()
    header = lines.index("[dev-long-term]   ; inline comment on the header")
    assert lines[header - 2 : header] == [
        "; the dev account, keys created 2024-01-01",
        "# rotate them every year",
    ]
    assert lines[header + 1] == "# keys from the IAM console"


def test_a_renamed_section_takes_new_keys_in_its_own_style(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[dev]\naws_access_key_id=AKIADEVDEVDEVDEV01\naws_secret_access_key=s\n\n[b]\n")
    credentials = CredentialsFile.load(path)
    credentials.rename_section("dev", "dev-long-term")
    credentials.set_value("dev-long-term", "aws_mfa_device", DEVICE)
    assert credentials.render() == (
        "[dev-long-term]\naws_access_key_id=AKIADEVDEVDEVDEV01\naws_secret_access_key=s\n"
        f"aws_mfa_device={DEVICE}\n\n[b]\n"
    )


def test_rename_refuses_a_missing_section_or_an_existing_target(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[dev]\nk = v\n[dev-long-term]\nk = w\n")
    credentials = CredentialsFile.load(path)
    with pytest.raises(ConfigError, match=r"\[dev-long-term\] already exists"):
        credentials.rename_section("dev", "dev-long-term")
    with pytest.raises(ConfigError, match=r"no \[prod\] section"):
        credentials.rename_section("prod", "prod-long-term")
    assert credentials.render() == path.read_text()


def test_a_section_added_in_memory_can_be_renamed(tmp_path: Path) -> None:
    credentials = CredentialsFile.load(tmp_path / "credentials")
    credentials.set_value("dev", "aws_access_key_id", "AKIADEVDEVDEVDEV01")
    credentials.rename_section("dev", "dev-long-term")
    assert credentials.render() == "[dev-long-term]\naws_access_key_id = AKIADEVDEVDEVDEV01\n"


@pytest.mark.parametrize("name", ["dev", "smce-veda", "a.b_c@d+e", "default", "with space"])
def test_profile_names_that_can_head_a_section(name: str) -> None:
    assert check_profile_name(name) == name


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "cannot be a profile name"),
        (" dev", "cannot be a profile name"),
        ("dev]", "cannot be a profile name"),
        ("[dev", "cannot be a profile name"),
        ("dev\nx", "cannot be a profile name"),
        ("dev-long-term", "without -long-term: 'dev'"),
    ],
)
def test_names_that_cannot_be_profiles(name: str, fragment: str) -> None:
    with pytest.raises(UsageError) as raised:
        check_profile_name(name)
    assert fragment in raised.value.message + (raised.value.hint or "")


def test_an_unchanged_model_renders_every_byte_as_read(tmp_path: Path) -> None:
    for before in [*GOLDEN.glob("*.ini"), *GOLDEN.glob("rename/*.ini")]:
        path = tmp_path / "credentials"
        path.write_bytes(before.read_bytes())
        assert CredentialsFile.load(path).render().encode() == before.read_bytes()


def test_comments_filed_under_a_replaced_key_stay_in_order(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[dev]\naws_session_token=old\n  # one\n\n  ; two\nregion = x\n")
    credentials = CredentialsFile.load(path)
    credentials.set_value("dev", "aws_session_token", "new")
    assert credentials.render() == "[dev]\naws_session_token=new\n  # one\n\n  ; two\nregion = x\n"


def test_long_term_profile_reads_keys_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_bytes((GOLDEN / "comments_and_spacing.before.ini").read_bytes())
    profile = CredentialsFile.load(path).long_term("dev")
    assert profile.access_key_id == "AKIALONGTERM000001"
    assert profile.secret_access_key == "longtermsecret"
    assert profile.mfa_device == DEVICE
    assert "longtermsecret" not in repr(profile)


def test_aws_mfa_device_wins_over_mfa_serial(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(
        "[x-long-term]\naws_access_key_id = A\naws_secret_access_key = B\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/old\n"
        "aws_mfa_device = arn:aws:iam::123456789012:mfa/new\n"
    )
    assert CredentialsFile.load(path).long_term("x").mfa_device == (
        "arn:aws:iam::123456789012:mfa/new"
    )


def test_long_term_profiles_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[b-long-term]\n[a]\n[a-long-term]\n[-long-term]\n")
    assert CredentialsFile.load(path).long_term_profiles() == ["b", "a"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("aws_access_key_id = AKIA\n[dev]\n", "line 1: a line before the first [section]"),
        ("[dev]\n\n[dev]\n", "line 3: section [dev] appears a second time"),
        ("[dev]\nk = 1\nk = 2\n", "line 3: key 'k' appears a second time in [dev]"),
        ("[dev]\nk = 1\n[broken\n", "line 3"),
        ("[dev]\nk = \x00\n", "line 2: the file contains a NUL byte"),
    ],
)
def test_malformed_files_name_the_line(text: str, fragment: str, tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        CredentialsFile.load(path)
    assert fragment in raised.value.message
    assert str(path) in raised.value.message


def test_an_indented_comment_before_the_first_section_is_read_as_configparser_does(
    tmp_path: Path,
) -> None:
    path = tmp_path / "credentials"
    path.write_text("  # indented\n[dev-long-term]\n")
    credentials = CredentialsFile.load(path)
    credentials.set_session("dev", NEW_SESSION)
    assert credentials.render().startswith("  # indented\n[dev-long-term]\n\n[dev]\n")


def test_binary_garbage_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_bytes(b"[dev]\nk = \xff\xfe\n")
    with pytest.raises(ConfigError, match="line 2: the file is not UTF-8"):
        CredentialsFile.load(path)


def test_error_messages_never_quote_the_offending_line(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("aws_secret_access_key = TOPSECRETVALUE\n")
    with pytest.raises(ConfigError) as raised:
        CredentialsFile.load(path)
    assert "TOPSECRETVALUE" not in raised.value.message + (raised.value.hint or "")


def test_a_directory_is_not_a_credentials_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        CredentialsFile.load(tmp_path)


def test_missing_file_is_empty_and_saved_0600(tmp_path: Path) -> None:
    path = tmp_path / "new" / "credentials"
    credentials = CredentialsFile.load(path)
    assert not credentials.exists
    credentials.set_session("dev", NEW_SESSION)
    credentials.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("[dev]\n")


def test_save_tightens_a_loose_mode_and_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[dev]\n")
    path.chmod(0o644)
    assert write_atomically(path, "[dev]\n") == 0o644
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert write_atomically(path, "[dev]\n") is None


def test_a_symlink_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "credentials"
    target.parent.mkdir()
    target.write_text("[dev-long-term]\n")
    link = tmp_path / "credentials"
    link.symlink_to(target)
    credentials = CredentialsFile.load(link)
    credentials.set_session("dev", NEW_SESSION)
    credentials.save()
    assert link.is_symlink()
    assert "newtoken" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_original_and_no_temp_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories")
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "credentials"
    path.write_text("[dev]\n")
    directory.chmod(0o500)
    try:
        with pytest.raises(SaveError, match=r"could not be saved.*unchanged"):
            write_atomically(path, "[other]\n")
    finally:
        directory.chmod(0o700)
    assert path.read_text() == "[dev]\n"
    assert sorted(p.name for p in directory.iterdir()) == ["credentials"]


def test_a_write_error_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "aws"
    directory.mkdir()
    path = directory / "credentials"
    path.write_text("[dev]\n")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(SaveError, match="No space left on device"):
        write_atomically(path, "[other]\n")
    assert path.read_text() == "[dev]\n"
    assert sorted(p.name for p in directory.iterdir()) == ["credentials"]


def test_permission_denied_on_the_directory_is_a_save_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    path = tmp_path / "credentials"
    path.write_text("[dev]\n")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(SaveError, match="Permission denied"):
        write_atomically(path, "[other]\n")
    assert path.read_text() == "[dev]\n"


def test_lock_removes_temp_files_left_by_a_killed_run(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[dev]\n")
    leftover = tmp_path / ".credentials.ab12cd34.awsmfa-tmp"  # mkstemp's 8 characters
    leftover.write_text("half")
    unrelated = tmp_path / ".credentials.keep"
    unrelated.write_text("x")
    # Another file's temp file, being written under its own lock right now.
    neighbour = tmp_path / ".credentials.work.k2j3h4g5.awsmfa-tmp"
    neighbour.write_text("in flight")
    with locked(path):
        pass
    assert not leftover.exists()
    assert unrelated.exists()
    assert neighbour.exists()


# Replacing the long-term key (rotate): only the values change.


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("aws_access_key_id   =  AKIAOLD\n", "aws_access_key_id   =  AKIANEW\n"),
        ("aws_access_key_id=AKIAOLD\n", "aws_access_key_id=AKIANEW\n"),
        ("aws_access_key_id : AKIAOLD\n", "aws_access_key_id : AKIANEW\n"),
        ("aws_access_key_id\t=\tAKIAOLD  \n", "aws_access_key_id\t=\tAKIANEW\n"),
        ("AWS_Access_Key_ID = AKIAOLD\n", "AWS_Access_Key_ID = AKIANEW\n"),
        ("aws_access_key_id =\n", "aws_access_key_id = AKIANEW\n"),
    ],
)
def test_a_changed_key_keeps_its_own_line_layout(line: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    before = f"[dev-long-term]\n{line}aws_secret_access_key = s\n"
    path.write_text(before)
    credentials = CredentialsFile.load(path)
    credentials.set_value("dev-long-term", "aws_access_key_id", "AKIANEW")
    credentials.save()
    assert path.read_text() == before.replace(line, expected)
    assert CredentialsFile.load(path).long_term("dev").access_key_id == "AKIANEW"


@pytest.mark.parametrize(
    "text",
    [
        "# top\n[dev-long-term]\naws_access_key_id = A\naws_secret_access_key = s\n# next\n[x]\n",
        "\ufeff[dev-long-term]\r\naws_access_key_id=A\r\n  # under\r\naws_secret_access_key=s\r\n",
        "[dev-long-term]\naws_access_key_id : A\n\naws_secret_access_key : s\n\n[dev]\nk = v\n",
    ],
)
def test_a_value_added_then_removed_leaves_every_byte(text: str, tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_bytes(text.encode())
    credentials = CredentialsFile.load(path)
    credentials.set_value("dev-long-term", "awsmfa_rotating", "A since 2026-01-01T00:00:00Z")
    credentials.save()
    assert "awsmfa_rotating" in path.read_text()
    credentials = CredentialsFile.load(path)
    credentials.remove_value("dev-long-term", "awsmfa_rotating")
    credentials.save()
    assert path.read_bytes() == text.encode()


def test_removing_a_key_keeps_the_comments_filed_under_it(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[s]\na = 1\n  # about a\nb = 2\n")
    credentials = CredentialsFile.load(path)
    credentials.remove_value("s", "a")
    credentials.remove_value("s", "absent")
    assert credentials.render() == "[s]\n  # about a\nb = 2\n"


def test_a_principal_is_written_after_the_expiry_and_taken_out_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    role = "arn:aws:iam::123456789012:role/Admin"
    path.write_text("[dev]\nregion = x\n")
    credentials = CredentialsFile.load(path)
    credentials.set_session("dev", NEW_SESSION, principal_arn=role)
    credentials.save()
    assert path.read_text() == (
        "[dev]\nregion = x\naws_access_key_id = ASIANEWSESSION0001\n"
        "aws_secret_access_key = newsecret\naws_session_token = newtoken\n"
        "expiration = 2026-11-28T21:04:05Z\nx_security_token_expires = 2026-11-28T21:04:05Z\n"
        f"x_principal_arn = {role}\n"
    )
    path.write_text(path.read_text().replace(f"{role}\n", f"{role}\n  # whose it is\n; mine\n"))
    credentials = CredentialsFile.load(path)
    credentials.set_session("dev", NEW_SESSION)
    credentials.save()
    assert "x_principal_arn" not in path.read_text()
    assert path.read_text().endswith(
        "x_security_token_expires = 2026-11-28T21:04:05Z\n  # whose it is\n; mine\n"
    )
