"""Where the code and device come from: prompt, retries, mfa_process, device choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import AWSMFA, FakeAws, IamUser, finish, long_term_text, make_user, run_cli, spawn

from awsmfa_profiles.errors import MfaProcessError
from awsmfa_profiles.mfa_process import run_mfa_process

MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. "


# mfa_process on its own.


def test_mfa_process_output_is_stripped() -> None:
    assert run_mfa_process("printf ' 123456 \\n'") == "123456"


def test_a_failing_mfa_process_names_command_status_and_stderr() -> None:
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process("echo 'YubiKey not found' >&2; exit 3")
    message = raised.value.message
    assert "exit status 3" in message
    assert "YubiKey not found" in message
    assert "mfa_process `echo …`" in message


def test_the_command_line_itself_is_never_repeated() -> None:
    # The rest of the line can be a secret: oathtool takes the TOTP seed as an argument.
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process("oathtool --totp -b JBSWY3DPEHPK3PXPSEED; exit 1", source="[dev-long-term]")
    message = raised.value.message
    assert "JBSWY3DPEHPK3PXPSEED" not in message + (raised.value.hint or "")
    assert "mfa_process `oathtool …` in [dev-long-term]" in message


def test_mfa_process_output_that_is_not_a_code_is_never_repeated() -> None:
    with pytest.raises(MfaProcessError) as raised:
        run_mfa_process("echo password: $((6 * 7))-vault-item")
    assert "not a 6-digit code" in raised.value.message
    assert "42-vault-item" not in raised.value.message + (raised.value.hint or "")


def test_a_hanging_mfa_process_times_out() -> None:
    with pytest.raises(MfaProcessError, match="no code within"):
        run_mfa_process("sleep 5", timeout=0.3)


# mfa_process through refresh.


def test_mfa_process_in_the_long_term_section_supplies_the_code(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nmfa_process = echo 246810\n")
    )
    result = run_cli("refresh", "dev")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["TokenCode"] == "246810"
    assert aws.calls[-1].params["SerialNumber"] == user.device


def test_mfa_process_in_the_config_file(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    config_file.write_text("[profile dev]\nmfa_process = printf 135791\n")
    result = run_cli("refresh", "dev")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["TokenCode"] == "135791"


def test_code_option_beats_mfa_process(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nmfa_process = exit 9\n")
    )
    result = run_cli("refresh", "dev", "--code", "112233")
    assert result.exit_code == 0, result.output
    assert aws.calls[-1].params["TokenCode"] == "112233"


def test_a_failing_mfa_process_leaves_the_file_and_sends_nothing(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(
        long_term_text(
            user, extra=f"aws_mfa_device = {user.device}\nmfa_process = echo locked >&2; exit 4\n"
        )
    )
    before = credentials_file.read_bytes()
    result = run_cli("refresh", "dev")
    assert result.exit_code == 1
    assert "exit status 4" in result.stderr and "locked" in result.stderr
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


# The prompt, on a real pseudo-terminal.


@pytest.fixture
def known_device(user: IamUser, credentials_file: Path) -> Path:
    credentials_file.write_text(long_term_text(user, extra=f"aws_mfa_device = {user.device}\n"))
    return credentials_file


def test_prompt_is_on_the_terminal_never_on_stdout(
    aws: FakeAws, user: IamUser, known_device: Path, tmp_path: Path
) -> None:
    child = spawn(f"{AWSMFA} refresh dev > out.txt", tmp_path)
    child.expect("MFA code for arn:aws:iam::123456789012:mfa/")
    child.sendline("123456")
    assert finish(child) == 0
    stdout = (tmp_path / "out.txt").read_text()
    assert "MFA code" not in stdout
    assert stdout.startswith("[dev] refreshed"), repr(stdout[:40])
    assert aws.calls[-1].params["TokenCode"] == "123456"


def test_a_malformed_entry_is_explained_and_asked_again(
    aws: FakeAws, user: IamUser, known_device: Path, tmp_path: Path
) -> None:
    child = spawn(f"{AWSMFA} refresh dev", tmp_path)
    child.expect("MFA code for")
    child.sendline("12 34")
    child.expect("exactly 6 digits")
    child.expect("MFA code for")
    child.sendline("654321")
    assert finish(child) == 0
    assert aws.requests == ["GetSessionToken"]
    assert aws.calls[-1].params["TokenCode"] == "654321"


def test_a_rejected_code_is_asked_again(
    aws: FakeAws, user: IamUser, known_device: Path, tmp_path: Path
) -> None:
    aws.fail("GetSessionToken", 403, "AccessDenied", MFA_FAILED, times=1)
    child = spawn(f"{AWSMFA} refresh dev", tmp_path)
    child.expect("MFA code for")
    child.sendline("111111")
    child.expect("rejected the MFA code")
    child.expect("accepted only once")
    child.expect("MFA code for")
    child.sendline("222222")
    assert finish(child) == 0
    assert [call.params["TokenCode"] for call in aws.calls] == ["111111", "222222"]


def test_three_rejected_codes_fail_without_writing(
    aws: FakeAws, user: IamUser, known_device: Path, tmp_path: Path
) -> None:
    before = known_device.read_bytes()
    aws.fail("GetSessionToken", 403, "AccessDenied", MFA_FAILED, times=3)
    child = spawn(f"{AWSMFA} refresh dev", tmp_path)
    for code in ("111111", "222222", "333333"):
        child.expect("MFA code for")
        child.sendline(code)
    child.expect("error: AWS rejected the MFA code")
    assert finish(child) == 1
    assert len(aws.calls) == 3
    assert known_device.read_bytes() == before


def test_ctrl_c_at_the_prompt_exits_130_and_writes_nothing(
    aws: FakeAws, user: IamUser, known_device: Path, tmp_path: Path
) -> None:
    before = known_device.read_bytes()
    child = spawn(f"{AWSMFA} refresh dev", tmp_path)
    child.expect("MFA code for")
    child.sendintr()
    child.expect("interrupted")
    output = child.before or ""
    assert finish(child) == 130
    assert "Traceback" not in output
    assert aws.requests == []
    assert known_device.read_bytes() == before


# Choosing among devices.


def test_several_devices_on_a_terminal_are_offered_and_the_choice_remembered(
    aws: FakeAws, credentials_file: Path, tmp_path: Path
) -> None:
    owner = make_user(aws, name="multi", devices=2)
    credentials_file.write_text(long_term_text(owner))
    child = spawn(f"{AWSMFA} refresh dev", tmp_path)
    child.expect("1. arn:aws:iam::123456789012:mfa/multi-0")
    child.expect("2. arn:aws:iam::123456789012:mfa/multi-1")
    child.expect("which device")
    child.sendline("7")
    child.expect("from 1 to 2")
    child.sendline("2")
    child.expect("MFA code for arn:aws:iam::123456789012:mfa/multi-1")
    child.sendline("123456")
    assert finish(child) == 0
    assert "aws_mfa_device = arn:aws:iam::123456789012:mfa/multi-1" in credentials_file.read_text()


def test_several_devices_without_a_terminal_list_every_arn(
    aws: FakeAws, credentials_file: Path
) -> None:
    owner = make_user(aws, name="multi", devices=2)
    credentials_file.write_text(long_term_text(owner))
    before = credentials_file.read_bytes()
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2
    assert "arn:aws:iam::123456789012:mfa/multi-0" in result.stderr
    assert "arn:aws:iam::123456789012:mfa/multi-1" in result.stderr
    assert "--device" in result.stderr and "aws_mfa_device" in result.stderr
    assert "GetSessionToken" not in aws.requests
    assert credentials_file.read_bytes() == before


def test_no_device_names_the_user_and_how_to_add_one(aws: FakeAws, credentials_file: Path) -> None:
    bare = make_user(aws, name="nodevice", devices=0)
    credentials_file.write_text(long_term_text(bare))
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2
    assert "IAM user nodevice has no MFA device" in result.stderr
    assert "Assign MFA device" in result.stderr


def test_only_fido_devices_are_explained(
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
    assert "FIDO security keys or passkeys" in result.stderr
    assert "which the STS API cannot use" in result.stderr


def test_the_root_user_lists_devices_without_a_user_name(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    aws.respond(
        "GetCallerIdentity",
        "<Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId>"
        "<Account>123456789012</Account>",
    )
    aws.respond(
        "ListMFADevices",
        "<MFADevices><member><SerialNumber>arn:aws:iam::123456789012:mfa/root-account-mfa-device"
        "</SerialNumber><EnableDate>2026-01-01T00:00:00Z</EnableDate></member></MFADevices>"
        "<IsTruncated>false</IsTruncated>",
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    listing = aws.calls[1]
    assert listing.action == "ListMFADevices"
    assert "UserName" not in listing.params
    assert aws.calls[2].params["SerialNumber"].endswith(":mfa/root-account-mfa-device")
