"""AWS failures moto cannot produce: answered by the test server's faults, or by Stubber."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from botocore.stub import Stubber
from helpers import FakeAws, IamUser, long_term_text, run_cli

from awsmfa_profiles.aws import AwsTarget, BotocoreAws, connect
from awsmfa_profiles.errors import AwsError, MfaCodeRejected
from awsmfa_profiles.keys import AccessKeyInfo, LastUse, LongTermKeys, SessionKeys, mask

MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
DEVICE = "arn:aws:iam::123456789012:mfa/john.doe"


@pytest.fixture
def known_device(user: IamUser, credentials_file: Path) -> Path:
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\n")
        + "\n[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\n"
        "aws_session_token = old\nexpiration = 2020-01-01T00:00:00Z\n"
    )
    return credentials_file


@pytest.mark.parametrize(
    ("action", "status", "code", "message", "expected"),
    [
        ("GetSessionToken", 403, "AccessDenied", MFA_FAILED, "rejected the MFA code"),
        (
            "GetSessionToken",
            403,
            "InvalidClientTokenId",
            "The security token ...",
            "rejected the long-term keys",
        ),
        (
            "GetSessionToken",
            403,
            "SignatureDoesNotMatch",
            "The request signature ...",
            "rejected the long-term keys",
        ),
        (
            "GetSessionToken",
            403,
            "AccessDenied",
            "User: arn:aws:iam::1:user/x is not authorized",
            "permission missing: sts:GetSessionToken",
        ),
        ("GetSessionToken", 400, "Throttling", "Rate exceeded", "throttling"),
        ("GetSessionToken", 503, "ServiceUnavailable", "Service unavailable", "server error"),
        ("GetSessionToken", 500, "InternalFailure", "oops", "HTTP 500"),
    ],
)
def test_sts_refusals_in_plain_words(
    aws: FakeAws,
    user: IamUser,
    known_device: Path,
    action: str,
    status: int,
    code: str,
    message: str,
    expected: str,
) -> None:
    before = known_device.read_bytes()
    aws.fail(action, status, code, message)
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 1, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert user.secret_access_key not in result.output
    assert known_device.read_bytes() == before


def test_rejected_keys_are_named_by_their_last_four_characters(
    aws: FakeAws, user: IamUser, known_device: Path
) -> None:
    aws.fail("GetSessionToken", 403, "InvalidClientTokenId", "bad")
    result = run_cli("refresh", "dev", "--code", "123456")
    assert f"****{user.access_key_id[-4:]}" in result.stderr
    assert user.access_key_id not in result.output
    assert "[dev-long-term]" in result.stderr


def test_discovery_without_permission_names_the_action(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    aws.fail("ListMFADevices", 403, "AccessDenied", "not authorized to perform iam:ListMFADevices")
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 1
    assert "permission missing: iam:ListMFADevices" in result.stderr
    assert credentials_file.read_bytes() == before


def test_unreachable_endpoint(user: IamUser, known_device: Path) -> None:
    before = known_device.read_bytes()
    result = run_cli("refresh", "dev", "--code", "123456", "--endpoint-url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert "could not reach AWS" in result.stderr
    assert known_device.read_bytes() == before


# The botocore layer on its own, through Stubber.

KEYS = LongTermKeys("AKIAEXAMPLEKEY1234", "secretsecret", "[dev-long-term]")


def stubbed() -> tuple[BotocoreAws, Stubber, Stubber]:
    aws = connect(KEYS, AwsTarget(region="us-east-1"))
    iam = aws._make_iam()
    aws._iam = iam
    return aws, Stubber(aws._sts), Stubber(iam)


def test_stubbed_session_token_is_utc_and_whole_seconds() -> None:
    aws, sts, _ = stubbed()
    expires = datetime(2026, 11, 28, 21, 4, 5, 123000, tzinfo=timezone.utc)
    sts.add_response(
        "get_session_token",
        {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLE00000001",
                "SecretAccessKey": "s",
                "SessionToken": "t",
                "Expiration": expires,
            }
        },
        {"SerialNumber": DEVICE, "TokenCode": "123456", "DurationSeconds": 3600},
    )
    with sts:
        session = aws.get_session_token(serial=DEVICE, code="123456", duration=timedelta(hours=1))
    assert session.expires_at == expires.replace(microsecond=0)
    assert session.access_key_id == "ASIAEXAMPLE00000001"


def test_stubbed_wrong_code() -> None:
    aws, sts, _ = stubbed()
    sts.add_client_error("get_session_token", "AccessDenied", MFA_FAILED, 403)
    with sts, pytest.raises(MfaCodeRejected, match="rejected the MFA code"):
        aws.get_session_token(serial=DEVICE, code="123456", duration=timedelta(hours=1))


@pytest.mark.parametrize(
    ("code", "status", "fragment"),
    [
        ("ThrottlingException", 400, "throttling"),
        ("RequestLimitExceeded", 400, "throttling"),
        ("ServiceUnavailable", 503, "server error"),
        ("AccessDenied", 403, "permission missing: iam:ListMFADevices"),
        ("NoSuchEntity", 404, "iam:ListMFADevices failed: NoSuchEntity"),
    ],
)
def test_stubbed_iam_errors(code: str, status: int, fragment: str) -> None:
    aws, _, iam = stubbed()
    iam.add_client_error("list_mfa_devices", code, "message", status)
    with iam, pytest.raises(AwsError, match=fragment):
        aws.list_mfa_devices("john.doe")


def test_stubbed_root_lists_devices_without_a_user_name() -> None:
    aws, _, iam = stubbed()
    iam.add_response(
        "list_mfa_devices",
        {
            "MFADevices": [
                {"UserName": "root", "SerialNumber": DEVICE, "EnableDate": datetime(2020, 1, 1)}
            ]
        },
        {},
    )
    with iam:
        assert aws.list_mfa_devices(None) == [DEVICE]


def test_mask_keeps_only_the_last_four() -> None:
    assert mask("AKIAEXAMPLEKEY1234") == "****1234"
    assert mask("abc") == "****"
    assert "secretsecret" not in repr(KEYS)
    assert "AKIAEXAMPLEKEY1234" not in repr(KEYS)


# AWS's clock, as doctor reads it from the Date header.


def test_server_time_comes_from_the_date_header(aws: FakeAws, user: IamUser) -> None:
    aws.date_header = "Tue, 03 Mar 2026 04:05:06 GMT"
    client = connect(
        LongTermKeys(user.access_key_id, user.secret_access_key, "[dev-long-term]"),
        AwsTarget(endpoint_url=aws.endpoint),
    )
    assert client.server_time() is None
    assert client.caller_arn() == user.arn
    assert client.server_time() == datetime(2026, 3, 3, 4, 5, 6, tzinfo=timezone.utc)


def test_server_time_is_kept_from_a_refusal(aws: FakeAws, user: IamUser) -> None:
    aws.fail("GetCallerIdentity", 403, "InvalidClientTokenId", "The security token ...")
    client = connect(
        LongTermKeys(user.access_key_id, user.secret_access_key, "[dev-long-term]"),
        AwsTarget(endpoint_url=aws.endpoint),
    )
    with pytest.raises(AwsError, match="rejected the long-term keys"):
        client.caller_arn()
    server_time = client.server_time()
    assert server_time is not None
    assert abs(server_time - datetime.now(timezone.utc)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 03 Mar 2026 04:05:06 GMT", datetime(2026, 3, 3, 4, 5, 6, tzinfo=timezone.utc)),
        ("Tue, 03 Mar 2026 04:05:06 -0000", datetime(2026, 3, 3, 4, 5, 6, tzinfo=timezone.utc)),
        ("Tue, 03 Mar 2026 06:05:06 +0200", datetime(2026, 3, 3, 4, 5, 6, tzinfo=timezone.utc)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_http_dates_are_read_as_utc_or_not_at_all(text: str | None, expected: object) -> None:
    from awsmfa_profiles.aws import _parse_http_date

    assert _parse_http_date(text) == expected


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "SignatureDoesNotMatch",
            "Signature expired: 20200101T000000Z is now earlier than 20200101T001000Z "
            "(20200101T002500Z - 15 min.)",
        ),
        ("RequestExpired", "Request has expired."),
    ],
)
def test_a_skewed_clock_is_named_as_the_cause(
    aws: FakeAws, user: IamUser, known_device: Path, code: str, message: str
) -> None:
    aws.fail("GetSessionToken", 403, code, message)
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 1, result.output
    assert "clock is more than 5 minutes off" in result.stderr
    assert "awsmfa doctor" in result.stderr
    assert "rejected the long-term keys" not in result.stderr


@pytest.mark.parametrize(
    ("args", "config", "fragment"),
    [
        ([], "[profile dev]\nregion = eu-west-1\n[profile dev]\n", "Unable to parse config file"),
        (["--region", "not a region!"], "", "not a region!"),
        (["--endpoint-url", "not-a-url"], "", "not-a-url"),
    ],
)
def test_a_client_botocore_cannot_set_up_is_a_configuration_error(
    known_device: Path, config_file: Path, args: list[str], config: str, fragment: str
) -> None:
    config_file.write_text(config)
    before = known_device.read_bytes()
    result = run_cli("refresh", "dev", "--code", "123456", *args)
    assert result.exit_code == 2, result.output
    assert "cannot set up the AWS client" in result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert known_device.read_bytes() == before


def test_an_answer_botocore_cannot_read_is_an_aws_error() -> None:
    class Garbled:
        def get_caller_identity(self) -> object:
            raise KeyError("GetCallerIdentityResult")

    aws = BotocoreAws(Garbled(), lambda: None, KEYS)
    with pytest.raises(AwsError, match=r"could not be read \(KeyError\)"):
        aws.caller_arn()


def test_a_device_aws_cannot_use_is_named_not_blamed_on_the_code(
    aws: FakeAws, user: IamUser, known_device: Path
) -> None:
    before = known_device.read_bytes()
    aws.fail(
        "GetSessionToken",
        403,
        "AccessDenied",
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your "
        "MFA serial number is valid and associated with this user.",
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 2
    assert f"could not check the code against {user.device}" in result.stderr
    assert "rejected the MFA code" not in result.stderr
    assert known_device.read_bytes() == before


def test_a_web_page_instead_of_aws_is_one_clear_error(
    aws: FakeAws, user: IamUser, known_device: Path
) -> None:
    from helpers import Canned

    aws.faults["GetSessionToken"] = Canned(200, "<html><body>Sign in to the Wi-Fi</body></html>")
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 1, result.output
    assert "sts:GetSessionToken" in result.stderr
    assert "--endpoint-url" in result.stderr
    assert "Traceback" not in result.output


def test_the_quick_model_loader_keeps_botocores_search_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import botocore.session

    from awsmfa_profiles.aws import _use_known_services_loader

    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    session = botocore.session.Session()
    assert _use_known_services_loader(session)
    loader = session.get_component("data_loader")
    assert str(tmp_path / "models") in loader.search_paths
    assert loader.load_service_model("sts", "service-2")["metadata"]["protocol"] == "query"
    assert loader.list_available_services("service-2") == ["iam", "sts"]


def _caller_arn(aws: FakeAws, user: IamUser) -> str:
    keys = LongTermKeys(user.access_key_id, user.secret_access_key, "[dev-long-term]")
    return connect(keys, AwsTarget(endpoint_url=aws.endpoint)).caller_arn()


def test_a_botocore_that_refuses_session_vars_is_used_through_its_public_setter(
    aws: FakeAws, user: IamUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.session

    original = botocore.session.Session.__init__

    def without_session_vars(self: object, *args: object, **kwargs: object) -> None:
        if "session_vars" in kwargs:
            raise TypeError("__init__() got an unexpected keyword argument 'session_vars'")
        original(self, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "__init__", without_session_vars)
    assert _caller_arn(aws, user) == user.arn
    assert aws.requests == ["GetCallerIdentity"]


def test_a_botocore_without_register_component_keeps_its_own_loader(
    aws: FakeAws, user: IamUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.session

    def gone(self: object, name: str, component: object) -> None:
        raise AttributeError("register_component")

    monkeypatch.setattr(botocore.session.Session, "register_component", gone)
    assert _caller_arn(aws, user) == user.arn


def test_a_loader_subclass_botocore_no_longer_accepts_falls_back_to_botocores_loader(
    aws: FakeAws, user: IamUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.loaders

    original = botocore.loaders.Loader.load_service_model

    def only_botocores_own(self: object, *args: object, **kwargs: object) -> object:
        if type(self) is not botocore.loaders.Loader:
            raise botocore.loaders.DataNotFoundError(data_path="sts")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(botocore.loaders.Loader, "load_service_model", only_botocores_own)
    assert _caller_arn(aws, user) == user.arn
    assert aws.requests == ["GetCallerIdentity"]


# The IAM key calls of rotate and doctor, through Stubber.


def test_stubbed_access_keys_are_listed_with_their_dates() -> None:
    aws, _, iam = stubbed()
    created = datetime(2026, 1, 2, 3, 4, 5, 678000)  # botocore may hand back naive times
    iam.add_response(
        "list_access_keys",
        {
            "AccessKeyMetadata": [
                {"AccessKeyId": "AKIAEXAMPLEKEY1234", "Status": "Active", "CreateDate": created},
                {"AccessKeyId": "AKIAEXAMPLEKEY5678", "Status": "Inactive"},
            ]
        },
        {"UserName": "john.doe"},
    )
    with iam:
        listed = aws.list_access_keys("john.doe")
    assert listed == [
        AccessKeyInfo(
            "AKIAEXAMPLEKEY1234", True, datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        ),
        AccessKeyInfo("AKIAEXAMPLEKEY5678", False, None),
    ]


def test_stubbed_a_key_never_used() -> None:
    aws, _, iam = stubbed()
    iam.add_response(
        "get_access_key_last_used",
        {"AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"}},
        {"AccessKeyId": "AKIAEXAMPLEKEY1234"},
    )
    with iam:
        assert aws.access_key_last_used("AKIAEXAMPLEKEY1234") == LastUse(None)


def test_stubbed_a_new_key_keeps_its_secret_out_of_repr() -> None:
    aws, _, iam = stubbed()
    iam.add_response(
        "create_access_key",
        {
            "AccessKey": {
                "UserName": "john.doe",
                "AccessKeyId": "AKIANEWKEY00000001",
                "Status": "Active",
                "SecretAccessKey": "NEWSECRETNEWSECRET",
                "CreateDate": datetime(2026, 1, 2, tzinfo=timezone.utc),
            }
        },
        {"UserName": "john.doe"},
    )
    with iam:
        new = aws.create_access_key("john.doe")
    assert new.secret_access_key == "NEWSECRETNEWSECRET"
    assert "NEWSECRET" not in repr(new) and "AKIANEWKEY00000001" not in repr(new)


@pytest.mark.parametrize(
    ("code", "status", "fragment"),
    [
        ("AccessDenied", 403, "permission missing: iam:CreateAccessKey was denied"),
        ("LimitExceeded", 409, "iam:CreateAccessKey failed: LimitExceeded"),
    ],
)
def test_stubbed_create_access_key_refusals(code: str, status: int, fragment: str) -> None:
    aws, _, iam = stubbed()
    iam.add_client_error("create_access_key", code, "no", status)
    with iam, pytest.raises(AwsError, match=fragment) as raised:
        aws.create_access_key("john.doe")
    assert raised.value.aws_code == code


@pytest.mark.parametrize("code", ["ExpiredToken", "InvalidClientTokenId"])
def test_a_refused_session_is_named_as_the_session(code: str) -> None:
    session = SessionKeys("ASIAEXAMPLEKEY9999", "sessionsecret", "sessiontoken", "dev")
    aws = connect(session, AwsTarget(region="us-east-1"))
    iam = aws._make_iam()
    aws._iam = iam
    stub = Stubber(iam)
    stub.add_client_error("list_access_keys", code, "The security token is expired", 403)
    with stub, pytest.raises(AwsError) as raised:
        aws.list_access_keys("john.doe")
    assert raised.value.message == (
        f"AWS rejected the MFA session in [dev] (access key ****9999): {code}"
    )
    assert raised.value.hint is not None and "awsmfa refresh dev --force" in raised.value.hint
    assert "sessionsecret" not in repr(session) and "sessiontoken" not in repr(session)
