"""`awsmfa export` and `refresh --dotenv`: the session in env, .env and credential_process form."""

from __future__ import annotations

import configparser
import io
import json
import os
import shlex
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import CredentialRetrievalError
from dotenv import dotenv_values
from dotenv.parser import parse_stream
from helpers import FakeAws, IamUser, long_term_text, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from awsmfa_profiles.dotenv import dotenv_quote, merge_dotenv
from awsmfa_profiles.errors import ConfigError, SessionUnavailable, UsageError
from awsmfa_profiles.export import Format, current_session, parse_format, render, variables
from awsmfa_profiles.session import Session, Status

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name.removesuffix(".before.env") for p in GOLDEN.glob("dotenv_*.before.env"))
SESSION = Session(
    "ASIANEWSESSION0001",
    "new/secret+key=",
    "new+token/value==",
    datetime(2026, 11, 28, 21, 4, 5, tzinfo=timezone.utc),
)
OURS = {
    "AWS_ACCESS_KEY_ID": "ASIANEWSESSION0001",
    "AWS_SECRET_ACCESS_KEY": "new/secret+key=",
    "AWS_SESSION_TOKEN": "new+token/value==",
    "AWS_SECURITY_TOKEN": "new+token/value==",
    "AWS_CREDENTIAL_EXPIRATION": "2026-11-28T21:04:05Z",
}
# Values no AWS key has, to prove the quoting rather than rely on tame values.
ODD = Session(
    "ASIA ODD",
    'it\'s $HOME, "quoted" # not a comment \\ back',
    "line one\nline two",
    SESSION.expires_at,
)
NOW = datetime.now(timezone.utc).replace(microsecond=0)
MOTO_SESSION_KEY = "AKIAIOSFODNN7EXAMPLE"


def dotenv_of(text: str) -> dict[str, str | None]:
    return dict(dotenv_values(stream=io.StringIO(text), interpolate=False))


def others(values: dict[str, str | None]) -> dict[str, str | None]:
    return {key: value for key, value in values.items() if key not in OURS}


# Formatting.


def test_env_lines_are_exact() -> None:
    assert render(SESSION, Format.ENV) == (
        "export AWS_ACCESS_KEY_ID=ASIANEWSESSION0001\n"
        "export AWS_SECRET_ACCESS_KEY=new/secret+key=\n"
        "export AWS_SESSION_TOKEN=new+token/value==\n"
        "export AWS_SECURITY_TOKEN=new+token/value==\n"
        "export AWS_CREDENTIAL_EXPIRATION=2026-11-28T21:04:05Z\n"
    )


def test_env_lines_survive_a_shell_whatever_the_values() -> None:
    show = 'printf "%s\\0" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"'
    script = render(ODD, Format.ENV) + show
    completed = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.split("\0")[:2] == [ODD.secret_access_key, ODD.session_token]


def test_dotenv_lines_are_exact() -> None:
    assert render(SESSION, Format.DOTENV) == "".join(
        f"{key}={value}\n" for key, value in OURS.items()
    )
    assert dotenv_of(render(SESSION, Format.DOTENV)) == OURS


def test_dotenv_values_read_back_exactly_whatever_they_hold() -> None:
    text = render(ODD, Format.DOTENV)
    read = dict(dotenv_values(stream=io.StringIO(text)))  # with ${VAR} expansion on
    assert read["AWS_ACCESS_KEY_ID"] == ODD.access_key_id
    assert read["AWS_SECRET_ACCESS_KEY"] == ODD.secret_access_key
    assert read["AWS_SESSION_TOKEN"] == ODD.session_token


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("ASIA0123", "ASIA0123"),
        ("a/b+c==", "a/b+c=="),
        ("2026-11-28T21:04:05Z", "2026-11-28T21:04:05Z"),
        ("a b", "'a b'"),
        ("$HOME", "'$HOME'"),
        ("it's", "'it\\'s'"),
        ("back\\slash", "'back\\\\slash'"),
        ("", "''"),
    ],
)
def test_dotenv_quote(value: str, quoted: str) -> None:
    assert dotenv_quote(value) == quoted


def test_json_is_the_credential_process_schema() -> None:
    assert json.loads(render(SESSION, Format.JSON)) == {
        "Version": 1,
        "AccessKeyId": "ASIANEWSESSION0001",
        "SecretAccessKey": "new/secret+key=",
        "SessionToken": "new+token/value==",
        "Expiration": "2026-11-28T21:04:05Z",
    }


def test_format_names() -> None:
    assert [parse_format(text) for text in ("env", "DotEnv", " json ")] == list(Format)
    with pytest.raises(UsageError, match="env, dotenv, json"):
        parse_format("yaml")


# The .env merge.


@pytest.mark.parametrize("case", CASES)
def test_golden_dotenv_merges(case: str) -> None:
    before = (GOLDEN / f"{case}.before.env").read_bytes().decode()
    after = (GOLDEN / f"{case}.after.env").read_bytes()
    merged = merge_dotenv(before, variables(SESSION))
    assert merged.encode() == after
    assert merge_dotenv(merged, variables(SESSION)) == merged
    read = dotenv_of(merged.removeprefix("\ufeff"))
    assert {key: read[key] for key in OURS} == OURS
    assert others(read) == others(dotenv_of(before.removeprefix("\ufeff")))
    keys = [b.key for b in parse_stream(io.StringIO(merged)) if b.key in OURS]
    assert sorted(keys) == sorted(OURS)


def test_merge_into_nothing_is_just_the_lines() -> None:
    assert merge_dotenv("", variables(SESSION)) == render(SESSION, Format.DOTENV)


def test_merge_for_a_shell_adds_export_lines_and_keeps_existing_ones() -> None:
    merged = merge_dotenv("AWS_ACCESS_KEY_ID=old\n", variables(SESSION), added_prefix="export ")
    assert merged.splitlines()[0] == "AWS_ACCESS_KEY_ID=ASIANEWSESSION0001"
    assert all(line.startswith("export ") for line in merged.splitlines()[1:])
    completed = subprocess.run(
        ["bash", "-c", merged + 'printf "%s" "$AWS_SESSION_TOKEN"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == SESSION.session_token


def test_unparsable_lines_are_kept_as_they_are() -> None:
    text = "; not dotenv\n=no key\nAWS_ACCESS_KEY_ID=old\n"
    merged = merge_dotenv(text, variables(SESSION))
    assert merged.startswith("; not dotenv\n=no key\nAWS_ACCESS_KEY_ID=ASIANEWSESSION0001\n")


def test_refuses_when_an_unclosed_quote_would_swallow_the_session() -> None:
    text = "A=1\nNOTE='unclosed\nAWS_ACCESS_KEY_ID=old\n"
    with pytest.raises(ValueError, match="line 2"):
        merge_dotenv(text, variables(ODD))


_FRAGMENTS = [
    "",
    "   ",
    "# comment",
    "PLAIN=1",
    "SPACED = a b   # comment",
    "SINGLE='a # b'",
    'DOUBLE="a \\" b # c"',
    "export EXPORTED=yes",
    "EMPTY=",
    "EMPTY_COMMENT= # c",
    "HASH=#value",
    "INTERP=${HOME}/x",
    "NOVALUE",
    "AWS_ACCESS_KEY_ID=old",
    "export AWS_ACCESS_KEY_ID='old' # mine",
    "  AWS_SECRET_ACCESS_KEY = old   # note",
    "AWS_SESSION_TOKEN",
    "AWS_SESSION_TOKEN= # c",
    "'AWS_SECURITY_TOKEN'=x",
    'AWS_CREDENTIAL_EXPIRATION="old"',
    'MULTI="first',
    "AWS_SESSION_TOKEN=inside",
    'last"',
    "UNCLOSED='x",
    "=no key",
    "'",
    '"',
    "export",
]


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.sampled_from(_FRAGMENTS), max_size=10),
    newline=st.sampled_from(["\n", "\r\n"]),
    final_newline=st.booleans(),
    odd=st.booleans(),
)
def test_merge_agrees_with_python_dotenv(
    lines: list[str], newline: str, final_newline: bool, odd: bool
) -> None:
    text = newline.join(lines) + (newline if final_newline and lines else "")
    wanted = variables(ODD if odd else SESSION)
    try:
        merged = merge_dotenv(text, wanted)
    except ValueError:
        # Only a file python-dotenv cannot read whole may be refused.
        assert any(binding.error for binding in parse_stream(io.StringIO(text)))
        return
    read = dotenv_of(merged)
    assert {key: read[key] for key, _ in wanted} == dict(wanted)
    assert others(read) == others(dotenv_of(text))
    keys = [b.key for b in parse_stream(io.StringIO(merged)) if b.key in OURS]
    assert sorted(keys) == sorted(OURS)
    assert merge_dotenv(merged, wanted) == merged


# Reading the session: the core use case.


def stamp(left: timedelta) -> str:
    return (NOW + left).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_profile(path: Path, left: timedelta | None, *, name: str = "dev") -> None:
    text = (
        "# mine\n"
        f"[{name}-long-term]\naws_access_key_id = AKIALONGTERM0001\n"
        "aws_secret_access_key = longtermsecret\n"
    )
    if left is not None:
        text += (
            f"\n[{name}]\naws_access_key_id = ASIASESSION0001\n"
            "aws_secret_access_key = sessionsecret/+=\n"
            f"aws_session_token = sessiontoken/+=\nexpiration = {stamp(left)}\n"
        )
    path.write_text(text)


@pytest.mark.parametrize(
    ("left", "expected"),
    [(timedelta(hours=5), Status.VALID), (timedelta(minutes=20), Status.EXPIRING)],
)
def test_a_valid_or_expiring_session_is_handed_out(
    credentials_file: Path, left: timedelta, expected: Status
) -> None:
    write_profile(credentials_file, left)
    current = current_session("dev", credentials_path=credentials_file, now=NOW)
    assert current.status is expected
    assert current.session == Session(
        "ASIASESSION0001", "sessionsecret/+=", "sessiontoken/+=", NOW + left
    )


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        (None, ConfigError, "does not exist"),
        ("[other]\nk = v\n", ConfigError, "no profile 'dev'"),
        (
            "[dev]\naws_access_key_id = AKIAREAL\naws_secret_access_key = s\n",
            ConfigError,
            "holds long-term keys",
        ),
        ("[dev-long-term]\n", SessionUnavailable, "no session yet"),
        ("[dev]\naws_session_token = t\n", SessionUnavailable, "no expiration"),
        (
            "[dev]\naws_session_token = t\nexpiration = 2999-01-01T00:00:00Z\n",
            ConfigError,
            "no aws_access_key_id and no aws_secret_access_key",
        ),
    ],
)
def test_no_usable_session(
    credentials_file: Path, text: str | None, error: type[Exception], fragment: str
) -> None:
    if text is not None:
        credentials_file.write_text(text)
    with pytest.raises(error, match=fragment) as raised:
        current_session("dev", credentials_path=credentials_file, now=NOW)
    assert isinstance(raised.value, (ConfigError, SessionUnavailable))
    assert "awsmfa refresh dev" in (raised.value.hint or "")


def test_an_expired_session_is_not_handed_out(credentials_file: Path) -> None:
    write_profile(credentials_file, -timedelta(hours=2))
    with pytest.raises(SessionUnavailable, match="expired 2h 00m ago") as raised:
        current_session("dev", credentials_path=credentials_file, now=NOW)
    assert "awsmfa refresh dev" in (raised.value.hint or "")


# `awsmfa export` end to end.


def test_eval_in_bash_sets_the_session(credentials_file: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    # An old script's leftovers: botocore reads AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN.
    stale = {**os.environ, "AWS_SECURITY_TOKEN": "stale", "AWS_SESSION_TOKEN": "stale"}
    completed = subprocess.run(
        ["bash", "-c", 'eval "$("$0" -m awsmfa_profiles export dev)" && env -0', sys.executable],
        capture_output=True,
        text=True,
        env=stale,
        check=True,
    )
    environment = dict(entry.split("=", 1) for entry in completed.stdout.split("\0") if entry)
    assert environment["AWS_ACCESS_KEY_ID"] == "ASIASESSION0001"
    assert environment["AWS_SECRET_ACCESS_KEY"] == "sessionsecret/+="
    assert environment["AWS_SESSION_TOKEN"] == "sessiontoken/+="
    assert environment["AWS_SECURITY_TOKEN"] == "sessiontoken/+="
    assert environment["AWS_CREDENTIAL_EXPIRATION"] == stamp(timedelta(hours=5))
    assert completed.stderr == ""


def test_eval_keeps_odd_values_whole(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[dev]\naws_access_key_id = ASIAODD\n"
        'aws_secret_access_key = it\'s $HOME "q" #x\\y\n'
        "aws_session_token = a;b|c&d`e`\n"
        f"expiration = {stamp(timedelta(hours=5))}\n"
    )
    completed = subprocess.run(
        [
            "bash",
            "-c",
            'eval "$("$0" -m awsmfa_profiles export dev)" && '
            'printf "%s\\0" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"',
            sys.executable,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.split("\0")[:2] == ['it\'s $HOME "q" #x\\y', "a;b|c&d`e`"]


def test_profile_defaults_to_aws_profile(credentials_file: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5), name="work")
    result = run_cli("export", "--format", "json", env={"AWS_PROFILE": "work"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["AccessKeyId"] == "ASIASESSION0001"


def test_dotenv_output_merges_into_a_notebook_env(credentials_file: Path, tmp_path: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    dotenv = tmp_path / "project" / ".env"
    dotenv.parent.mkdir()
    mine = (
        "# notebook settings\n"
        'DATABASE_URL="postgres://app:p#ss w0rd@db/x"  # a comment\n'
        "GREETING='hello # world'\n"
        "\n"
        "export AWS_ACCESS_KEY_ID=ASIAOLD\n"
        "AWS_SESSION_TOKEN=old\n"
        "AWS_SESSION_TOKEN=older\n"
        "# the end\n"
    )
    dotenv.write_text(mine)
    dotenv.chmod(0o644)
    result = run_cli("export", "dev", "--format", "dotenv", "--output", str(dotenv))
    assert result.exit_code == 0, result.output
    assert f"Wrote the session of [dev] to {dotenv}" in result.stdout
    assert "Tightened" in result.stderr and "0644" in result.stderr
    assert "sessionsecret" not in result.output and "sessiontoken" not in result.output
    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    read = dotenv_values(dotenv)
    assert read["DATABASE_URL"] == "postgres://app:p#ss w0rd@db/x"
    assert read["GREETING"] == "hello # world"
    assert read["AWS_ACCESS_KEY_ID"] == "ASIASESSION0001"
    assert read["AWS_SECRET_ACCESS_KEY"] == "sessionsecret/+="
    assert read["AWS_SESSION_TOKEN"] == "sessiontoken/+="
    written = dotenv.read_text().splitlines()
    assert written[:4] == mine.splitlines()[:4]
    assert written[4:7] == [
        "export AWS_ACCESS_KEY_ID=ASIASESSION0001",
        "AWS_SESSION_TOKEN=sessiontoken/+=",
        "# the end",
    ]
    assert sum(line.startswith("AWS_SESSION_TOKEN=") for line in written) == 1


def test_output_creates_a_private_file(credentials_file: Path, tmp_path: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    dotenv = tmp_path / ".env"
    result = run_cli("export", "dev", "--format", "dotenv", "-o", str(dotenv))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    assert dotenv.read_text() == "".join(
        f"{key}={value}\n"
        for key, value in [
            ("AWS_ACCESS_KEY_ID", "ASIASESSION0001"),
            ("AWS_SECRET_ACCESS_KEY", "sessionsecret/+="),
            ("AWS_SESSION_TOKEN", "sessiontoken/+="),
            ("AWS_SECURITY_TOKEN", "sessiontoken/+="),
            ("AWS_CREDENTIAL_EXPIRATION", stamp(timedelta(hours=5))),
        ]
    )
    assert "Tightened" not in result.stderr


def test_env_output_file_can_be_sourced(credentials_file: Path, tmp_path: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    script = tmp_path / "aws-session.sh"
    script.write_text("# sourced by ~/.bashrc\nexport EDITOR=vi\n")
    assert run_cli("export", "dev", "--output", str(script)).exit_code == 0
    assert script.read_text().startswith("# sourced by ~/.bashrc\nexport EDITOR=vi\n\nexport AWS_")
    completed = subprocess.run(
        ["bash", "-c", '. "$0" && printf "%s" "$AWS_SESSION_TOKEN"', str(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == "sessiontoken/+="


def test_json_output_replaces_its_own_file_only(credentials_file: Path, tmp_path: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    target = tmp_path / "session.json"
    target.write_text('{"Version": 1, "AccessKeyId": "ASIAOLD"}')
    assert run_cli("export", "dev", "--format", "json", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text())["AccessKeyId"] == "ASIASESSION0001"
    foreign = tmp_path / "notes.json"
    foreign.write_text('{"mine": true}')
    result = run_cli("export", "dev", "--format", "json", "-o", str(foreign))
    assert result.exit_code == 2
    assert "not credential_process JSON" in result.stderr
    assert foreign.read_text() == '{"mine": true}'


def test_an_expiring_session_still_exports_with_a_note(credentials_file: Path) -> None:
    write_profile(credentials_file, timedelta(minutes=20))
    result = run_cli("export", "dev")
    assert result.exit_code == 0, result.output
    assert "export AWS_SESSION_TOKEN=sessiontoken/+=" in result.stdout
    assert "expires in" in result.stderr and "awsmfa refresh dev" in result.stderr
    assert "sessiontoken" not in result.stderr


@pytest.mark.parametrize("fmt", ["env", "dotenv", "json"])
@pytest.mark.parametrize("left", [-timedelta(minutes=1), None])
def test_expired_or_missing_prints_nothing(
    credentials_file: Path, fmt: str, left: timedelta | None
) -> None:
    write_profile(credentials_file, left)
    result = run_cli("export", "dev", "--format", fmt)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "awsmfa refresh dev" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["dotenv", "json"])
def test_expired_touches_no_file(credentials_file: Path, tmp_path: Path, fmt: str) -> None:
    write_profile(credentials_file, -timedelta(hours=1))
    existing = tmp_path / "existing"
    existing.write_bytes(b'{"Version": 1}' if fmt == "json" else b"# mine\nA=1\n")
    existing.chmod(0o644)
    before = existing.read_bytes()
    absent = tmp_path / "absent"
    for target in (existing, absent):
        result = run_cli("export", "dev", "--format", fmt, "--output", str(target))
        assert result.exit_code == 1
        assert result.stdout == ""
    assert existing.read_bytes() == before
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644
    assert not absent.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["existing"]


def test_long_term_keys_are_never_exported(credentials_file: Path) -> None:
    credentials_file.write_text(
        "[dev]\naws_access_key_id = AKIAREALKEY0001\naws_secret_access_key = realsecret\n"
    )
    result = run_cli("export", "dev")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "holds long-term keys" in result.stderr
    assert "realsecret" not in result.stderr


def test_bad_format_is_a_usage_error(credentials_file: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    result = run_cli("export", "dev", "--format", "yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "--format" in result.stderr


# credential_process: what SDKs and the AWS CLI run.


CLI_OPTIONS = ["--profile", "via-awsmfa", "--region", "us-east-1", "--output", "json"]


def use_credential_process(config_file: Path, name: str = "dev") -> None:
    command = f"{shlex.quote(sys.executable)} -m awsmfa_profiles export {name} --format json"
    config_file.write_text(f"[profile via-awsmfa]\ncredential_process = {command}\n")


def test_boto3_credential_process_resolves_the_same_keys(
    credentials_file: Path, config_file: Path
) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    use_credential_process(config_file)
    credentials = boto3.Session(profile_name="via-awsmfa").get_credentials()
    frozen = credentials.get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        "ASIASESSION0001",
        "sessionsecret/+=",
        "sessiontoken/+=",
    )
    assert credentials.method == "custom-process"


def test_credential_process_tells_the_sdk_to_refresh(
    credentials_file: Path, config_file: Path
) -> None:
    write_profile(credentials_file, -timedelta(minutes=5))
    use_credential_process(config_file)
    with pytest.raises(CredentialRetrievalError, match="awsmfa refresh dev"):
        boto3.Session(profile_name="via-awsmfa").get_credentials()


def test_aws_cli_signs_with_the_session_through_credential_process(
    aws: FakeAws, user: IamUser, credentials_file: Path, config_file: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    assert run_cli("refresh", "dev", "--code", "123456").exit_code == 0
    use_credential_process(config_file)
    aws.calls.clear()
    completed = subprocess.run(
        [sys.executable, "-m", "awscli", "sts", "get-caller-identity", *CLI_OPTIONS],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert [call.access_key_id for call in aws.calls] == [MOTO_SESSION_KEY]


# `awsmfa refresh --dotenv`.


def section(path: Path, name: str) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text())
    return dict(parser.items(name))


def test_refresh_updates_the_dotenv_after_a_new_session(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    dotenv = tmp_path / ".env"
    dotenv.write_text("# notebook\nPLOT_STYLE='dark # bold'\nAWS_ACCESS_KEY_ID=ASIAOLD\n")
    result = run_cli("refresh", "dev", "--code", "123456", "--dotenv", str(dotenv))
    assert result.exit_code == 0, result.output
    assert f"Updated {dotenv}" in result.stdout
    stored = section(credentials_file, "dev")
    read = dotenv_values(dotenv)
    assert read["AWS_ACCESS_KEY_ID"] == stored["aws_access_key_id"] == MOTO_SESSION_KEY
    assert read["AWS_SECRET_ACCESS_KEY"] == stored["aws_secret_access_key"]
    assert read["AWS_SESSION_TOKEN"] == stored["aws_session_token"]
    assert read["AWS_CREDENTIAL_EXPIRATION"] == stored["expiration"]
    assert read["PLOT_STYLE"] == "dark # bold"
    assert dotenv.read_text().startswith("# notebook\nPLOT_STYLE='dark # bold'\nAWS_ACCESS_KEY_ID=")
    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    assert stored["aws_secret_access_key"] not in result.output


def test_refresh_updates_the_dotenv_when_the_session_is_still_valid(
    aws: FakeAws, credentials_file: Path, tmp_path: Path
) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    dotenv = tmp_path / ".env"
    result = run_cli("refresh", "dev", "--dotenv", str(dotenv))
    assert result.exit_code == 0, result.output
    assert "is valid until" in result.stdout
    assert aws.requests == []
    assert dotenv_values(dotenv)["AWS_SESSION_TOKEN"] == "sessiontoken/+="


def test_refresh_refuses_an_unusable_dotenv_before_asking_aws(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    result = run_cli("refresh", "dev", "--code", "123456", "--dotenv", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


def test_a_dotenv_path_that_can_never_be_written_is_refused_before_any_request(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    credentials_file.write_text(long_term_text(user))
    before = credentials_file.read_bytes()
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    result = run_cli("refresh", "dev", "--code", "123456", "--dotenv", str(blocker / ".env"))
    assert result.exit_code == 2
    assert "is a file, not a directory" in result.stderr
    assert aws.requests == []
    assert credentials_file.read_bytes() == before


def test_refresh_says_the_session_is_saved_when_the_dotenv_cannot_be(
    aws: FakeAws, user: IamUser, credentials_file: Path, tmp_path: Path
) -> None:
    # The directory of the .env turns into a file while the code is being fetched, so
    # the check made before the request passes and the write after it fails.
    folder = tmp_path / "notebooks"
    folder.mkdir()
    dotenv = folder / ".env"
    swap = f"rm -r {folder} && touch {folder} && echo 123456"
    credentials_file.write_text(
        long_term_text(user, extra=f"aws_mfa_device = {user.device}\nmfa_process = {swap}\n")
    )
    result = run_cli("refresh", "dev", "--dotenv", str(dotenv))
    assert result.exit_code == 1
    assert "[dev] refreshed" in result.stdout
    assert "[dev] is saved, but the .env was not updated" in result.stderr
    assert "a part of that path is a file, not a directory" in result.stderr
    assert f"awsmfa export dev --format dotenv --output {dotenv}" in result.stderr
    assert section(credentials_file, "dev")["aws_access_key_id"] == MOTO_SESSION_KEY
    assert section(credentials_file, "dev")["aws_session_token"] not in result.output


def test_a_missing_output_directory_is_not_created(credentials_file: Path, tmp_path: Path) -> None:
    write_profile(credentials_file, timedelta(hours=5))
    target = tmp_path / "typo" / "dir" / ".env"
    result = run_cli("export", "dev", "--format", "dotenv", "--output", str(target))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "typo").exists()
