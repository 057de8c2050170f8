"""No secret key or session token reaches stdout or stderr, on any path of any command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import FakeAws, IamUser, iam_keys, long_term_text, run_cli

# What moto hands out as the session; plus the user's long-term secret, per test.
SESSION_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
SESSION_TOKEN_PART = "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT"
STORED_SECRET = "STOREDSESSIONSECRET0123456789"
STORED_TOKEN = "STOREDSESSIONTOKEN0123456789"

Scenario = Callable[[FakeAws, IamUser, Path], list[str]]


def with_device(user: IamUser, extra: str = "") -> str:
    return long_term_text(user, extra=f"aws_mfa_device = {user.device}\n{extra}")


def stored_session(expiration: str) -> str:
    return (
        f"\n[dev]\naws_access_key_id = ASIASTORED\naws_secret_access_key = {STORED_SECRET}\n"
        f"aws_session_token = {STORED_TOKEN}\nexpiration = {expiration}\n"
    )


def first_refresh(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(long_term_text(user))
    return ["refresh", "dev", "--code", "123456"]


def still_valid(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2999-01-01T00:00:00Z"))
    return ["refresh", "dev"]


def forced(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2999-01-01T00:00:00Z"))
    return ["refresh", "dev", "--force", "--code", "123456"]


def fault(action: str, status: int, code: str, message: str) -> Scenario:
    def scenario(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
        path.write_text(long_term_text(user))
        aws.fail(action, status, code, message)
        return ["refresh", "dev", "--code", "123456"]

    return scenario


def unreachable(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user))
    return ["refresh", "dev", "--code", "123456", "--endpoint-url", "http://127.0.0.1:9"]


def keys_in_session_section(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(
        long_term_text(user) + f"\n[dev]\naws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
    )
    return ["refresh", "dev", "--code", "123456"]


def duplicate_secret_line(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user, f"aws_secret_access_key = {user.secret_access_key}\n"))
    return ["refresh", "dev", "--code", "123456"]


def secret_before_any_section(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(f"aws_secret_access_key = {user.secret_access_key}\n" + with_device(user))
    return ["check"]


def bad_expiration(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("soon"))
    return ["refresh", "dev", "--code", "123456"]


def noisy_mfa_process(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    # A misconfigured password-manager command printing a whole item, secret included.
    item = path.with_name("vault-item.txt")
    item.write_text(f"username: john.doe\npassword: {user.secret_access_key}\n")
    path.write_text(with_device(user, f"mfa_process = cat {item}\n"))
    return ["refresh", "dev"]


def failing_mfa_process(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user, "mfa_process = exit 3\n"))
    return ["refresh", "dev"]


def check_all(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2999-01-01T00:00:00Z"))
    return ["check"]


def check_json(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2020-01-01T00:00:00Z"))
    return ["check", "--json"]


def refresh_help(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2999-01-01T00:00:00Z"))
    return ["refresh", "--help"]


def export_expired(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2020-01-01T00:00:00Z"))
    return ["export", "dev"]


def export_to_file(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2999-01-01T00:00:00Z"))
    return ["export", "dev", "--format", "dotenv", "--output", str(path.with_name("x.env"))]


def export_long_term_keys(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    keys_in_session_section(aws, user, path)  # writes real keys into [dev]
    return ["export", "dev"]


def refresh_with_dotenv(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user))
    return ["refresh", "dev", "--code", "123456", "--dotenv", str(path.with_name(".env"))]


def doctor_healthy(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2999-01-01T00:00:00Z"))
    return ["doctor", "dev"]


def doctor_keys_rejected(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2020-01-01T00:00:00Z"))
    aws.fail("GetCallerIdentity", 403, "InvalidClientTokenId", "bad token")
    return ["doctor", "dev", "--json"]


def init_renames(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(
        f"[dev]\naws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
    )
    return ["init", "dev"]


def init_ready(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user))
    return ["init", "dev"]


def remind_print(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2020-01-01T00:00:00Z"))
    return ["remind", "dev"]


def check_notify(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    path.write_text(with_device(user) + stored_session("2020-01-01T00:00:00Z"))
    return ["check", "--notify"]


def rotate(*extra: str, expiration: str = "2999-01-01T00:00:00Z") -> Scenario:
    def scenario(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
        path.write_text(with_device(user) + stored_session(expiration))
        return ["rotate", "dev", *extra]

    return scenario


def rotate_denied(aws: FakeAws, user: IamUser, path: Path) -> list[str]:
    aws.fail("CreateAccessKey", 403, "AccessDenied", "not authorized")
    return rotate("--yes")(aws, user, path)


SCENARIOS: dict[str, Scenario] = {
    "rotate": rotate("--yes"),
    "rotate, session expired": rotate(
        "--yes", "--code", "123456", expiration="2020-01-01T00:00:00Z"
    ),
    "rotate --dry-run": rotate("--dry-run"),
    "rotate, no terminal": rotate(),
    "rotate, create denied": rotate_denied,
    "doctor": doctor_healthy,
    "doctor, keys rejected": doctor_keys_rejected,
    "init renames": init_renames,
    "init ready": init_ready,
    "remind": remind_print,
    "check --notify": check_notify,
    "export expired": export_expired,
    "export --output": export_to_file,
    "export long-term keys": export_long_term_keys,
    "refresh --dotenv": refresh_with_dotenv,
    "first refresh": first_refresh,
    "still valid": still_valid,
    "forced": forced,
    "wrong code": fault("GetSessionToken", 403, "AccessDenied", "MultiFactorAuthentication failed"),
    "keys rejected": fault("GetSessionToken", 403, "InvalidClientTokenId", "bad token"),
    "signature": fault("GetCallerIdentity", 403, "SignatureDoesNotMatch", "bad signature"),
    "denied": fault("ListMFADevices", 403, "AccessDenied", "not authorized"),
    "throttled": fault("GetSessionToken", 400, "Throttling", "Rate exceeded"),
    "server error": fault("GetSessionToken", 503, "ServiceUnavailable", "down"),
    "unreachable": unreachable,
    "keys in [dev]": keys_in_session_section,
    "duplicate secret line": duplicate_secret_line,
    "secret before any section": secret_before_any_section,
    "bad expiration": bad_expiration,
    "mfa_process prints a secret": noisy_mfa_process,
    "mfa_process fails": failing_mfa_process,
    "check": check_all,
    "check --json": check_json,
    "help": refresh_help,
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_secret_in_any_output(
    aws: FakeAws, user: IamUser, credentials_file: Path, name: str
) -> None:
    args = SCENARIOS[name](aws, user, credentials_file)
    result = run_cli(*args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    for secret in (
        user.secret_access_key,
        user.access_key_id,  # named by its last four characters only
        SESSION_SECRET,
        SESSION_TOKEN_PART,
        STORED_SECRET,
        STORED_TOKEN,
    ):
        assert secret not in output, f"{name}: a secret appeared in the output"
    for key in iam_keys(user.name):  # a key rotate made, too
        assert key.secret_access_key not in output, f"{name}: a secret appeared in the output"
        assert key.access_key_id not in output, f"{name}: a whole key ID appeared"
