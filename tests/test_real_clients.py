"""What awsmfa writes is what real clients read: boto3 and the AWS CLI use [NAME] as is."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import boto3
from helpers import FakeAws, IamUser, long_term_text, run_cli


def refreshed(user: IamUser, credentials_file: Path) -> dict[str, str]:
    credentials_file.write_text(
        "; keys for the dev account\n" + long_term_text(user) + "\n[other]\nregion = x\n"
    )
    result = run_cli("refresh", "dev", "--code", "123456")
    assert result.exit_code == 0, result.output
    parser = configparser.RawConfigParser()
    parser.read(credentials_file)
    return dict(parser.items("dev"))


def test_boto3_session_reads_the_profile(
    aws: FakeAws, user: IamUser, credentials_file: Path
) -> None:
    written = refreshed(user, credentials_file)
    credentials = boto3.Session(profile_name="dev").get_credentials().get_frozen_credentials()
    assert credentials.access_key == written["aws_access_key_id"]
    assert credentials.secret_key == written["aws_secret_access_key"]
    assert credentials.token == written["aws_session_token"]
    aws.calls.clear()
    sts = boto3.Session(profile_name="dev", region_name="us-east-1").client("sts")
    assert sts.get_caller_identity()["Account"]
    assert aws.calls[-1].access_key_id == written["aws_access_key_id"]


def test_aws_cli_reads_the_profile(aws: FakeAws, user: IamUser, credentials_file: Path) -> None:
    written = refreshed(user, credentials_file)
    aws.calls.clear()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert '"Account"' in completed.stdout
    assert [call.access_key_id for call in aws.calls] == [written["aws_access_key_id"]]
