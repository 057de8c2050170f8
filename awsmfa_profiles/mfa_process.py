"""Where a one-time code comes from when it is not typed: the profile's mfa_process command."""

from __future__ import annotations

import subprocess

from awsmfa_profiles.errors import MfaProcessError
from awsmfa_profiles.mfa import is_code

MFA_PROCESS_TIMEOUT = 120  # seconds: long enough to touch a YubiKey or unlock a vault


def run_mfa_process(command: str, *, source: str = "", timeout: float = MFA_PROCESS_TIMEOUT) -> str:
    """Run `command` through the shell and take the code from its standard output.

    Its standard input stays the terminal, so a password manager can ask to be unlocked.
    Messages name the command by its program only, and where it is configured: the rest
    of the line can hold a secret (`oathtool --totp SEED`). What it printed on standard
    output is never repeated: a misconfigured password-manager command can print a whole
    vault item.
    """
    words = command.split()
    program = words[0] if words else "(empty)"
    named = f"mfa_process `{program}{' …' if len(words) > 1 else ''}`" + (
        f" in {source}" if source else ""
    )
    try:
        completed = subprocess.run(
            command,
            shell=True,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MfaProcessError(
            f"{named} gave no code within {timeout:.0f} seconds",
            hint="Run the command by hand to see what it waits for.",
        ) from None
    except OSError as error:
        raise MfaProcessError(f"{named} could not start: {error.strerror}") from None
    if completed.returncode != 0:
        detail = _tail(completed.stderr)
        raise MfaProcessError(
            f"{named} failed with exit status {completed.returncode}"
            + (f": {detail}" if detail else ""),
            hint="Run the command by hand; fix it in mfa_process, or pass --code.",
        )
    code = completed.stdout.strip()
    if not is_code(code):
        lines = len(code.splitlines())
        raise MfaProcessError(
            f"{named} printed {len(code)} characters on {lines} line(s), not a 6-digit code",
            hint="The command must print only the code, e.g. `ykman oath accounts code "
            "--single ACCOUNT` or `op item get ITEM --otp`.",
        )
    return code


def _tail(stderr: str, lines: int = 3) -> str:
    kept = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return " / ".join(kept[-lines:])
