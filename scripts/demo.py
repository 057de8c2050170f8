"""Driver of scripts/demo: a guided run of awsmfa against moto in a throwaway HOME."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

PROFILE = "demo"


def totp(seed: bytes, at: float | None = None, digits: int = 6, step: int = 30) -> str:
    """RFC 6238, as an authenticator app computes it from the QR code's seed."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(seed, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def heading(text: str) -> None:
    # Bold on a terminal only: piped into a file or a pager, escape codes are clutter.
    shown = f"\033[1m== {text}\033[0m" if sys.stdout.isatty() else f"== {text}"
    print(f"\n{shown}", flush=True)


def shorten_secrets(text: str) -> str:
    """Show a file without printing whole secrets, even fake ones: good habits in demos too."""
    pattern = r"^(aws_secret_access_key|aws_session_token)(\s*=\s*)(\S{4})\S*"
    return re.sub(pattern, r"\1\2\3…", text, flags=re.MULTILINE)


def run(env: dict[str, str], *args: str, setting: dict[str, str] | None = None) -> int:
    """Show the command as a shell would take it, with any variable set for it alone."""
    shown = [f"{key}={shlex.quote(value)}" for key, value in (setting or {}).items()]
    print(f"$ {' '.join([*shown, shlex.join(args)])}", flush=True)
    return subprocess.run(args, env={**env, **(setting or {})}, check=False).returncode


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    home = Path(tempfile.mkdtemp(prefix="awsmfa-demo-"))
    try:
        return demo(endpoint, home)
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def demo(endpoint: str, home: Path) -> int:
    awsmfa = str(Path(sys.executable).with_name("awsmfa"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(HOME=str(home), AWS_ENDPOINT_URL=endpoint)
    credentials = home / ".aws" / "credentials"
    credentials.parent.mkdir(mode=0o700)
    heading(f"A local AWS (moto) at {endpoint}; HOME is {home}, never your own")

    heading("1. An IAM user with a virtual MFA device, as an administrator would set it up")
    admin = dict(
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="admin",
        aws_secret_access_key="admin",
    )
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName="john.doe")
    key = iam.create_access_key(UserName="john.doe")["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="john.doe")["VirtualMFADevice"]
    seed = base64.b32decode(device["Base32StringSeed"])
    iam.enable_mfa_device(
        UserName="john.doe",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp(seed, time.time() - 30),
        AuthenticationCode2=totp(seed),
    )
    print(
        f"user john.doe, access key ****{key['AccessKeyId'][-4:]}, device {device['SerialNumber']}"
    )

    heading(
        "2. ~/.aws/credentials before: the long-term keys under [demo], as the old script had them"
    )
    credentials.write_text(
        "# My AWS keys. awsmfa keeps this comment and every other line as they are.\n"
        "[other]\nregion = eu-west-1\n\n"
        f"[{PROFILE}]\n"
        f"aws_access_key_id = {key['AccessKeyId']}\n"
        f"aws_secret_access_key = {key['SecretAccessKey']}\n"
    )
    credentials.chmod(0o644)
    print(shorten_secrets(credentials.read_text()), end="")

    heading("3. Set up once: init renames [demo] to [demo-long-term] and finds the device")
    if run(env, awsmfa, "init", PROFILE) != 0:
        return 1
    print(shorten_secrets(credentials.read_text()), end="")

    heading("4. The morning check: no session yet")
    run(env, awsmfa, "check")

    code = totp(seed)
    heading(f"5. Refresh with the code the phone shows now ({code})")
    if run(env, awsmfa, "refresh", PROFILE, "--code", code) != 0:
        return 1

    heading("6. ~/.aws/credentials after: [demo] holds the session, the rest is untouched")
    print(shorten_secrets(credentials.read_text()), end="")
    print(
        "(The session's access key starts with AKIA because moto, the local emulator, "
        "hands out such keys; real AWS session keys start with ASIA.)"
    )

    heading("7. Every terminal, SDK and notebook now shares the session")
    run(env, awsmfa, "check")
    # Double quotes inside, so that the single-quoted command shown reads plainly.
    probe = (
        "import boto3; "
        f'sts = boto3.Session(profile_name="{PROFILE}", region_name="us-east-1").client("sts"); '
        'print("get-caller-identity answered for account", sts.get_caller_identity()["Account"])'
    )
    run(env, sys.executable, "-c", probe)

    heading("8. Refresh again: still valid, so no code, no request, nothing written")
    run(env, awsmfa, "refresh", PROFILE)

    heading("9. When something goes wrong: doctor checks the setup, here with an old export")
    run(
        env,
        awsmfa,
        "doctor",
        PROFILE,
        setting={"AWS_SESSION_TOKEN": "left-over-from-the-old-script"},
    )

    heading("10. The daily reminder's crontab line (printed only: your crontab is not touched)")
    run(env, awsmfa, "remind")
    heading(
        "Done. On your machine: awsmfa init NAME and awsmfa remind --install once, "
        "then awsmfa refresh NAME each morning."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
