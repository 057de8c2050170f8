"""Exit statuses and the one error hierarchy; the CLI turns each error into its message
and exit status in one place (cli/app.py)."""

from __future__ import annotations

import enum
import shlex
from collections.abc import Sequence


class ExitStatus(enum.IntEnum):
    """What the process exit code means; README's table of exit codes lists the same."""

    OK = 0
    FAILED = 1  # the operation failed, or (check, export, doctor) a refresh is needed
    USAGE = 2  # a bad option, or a file or section that cannot be used as it is
    INTERNAL = 70  # a bug: an exception nobody expected (EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C, or the end of input at a prompt (128 + SIGINT)


class AwsmfaError(Exception):
    """A failure the user can act on: one message, one exit status, no traceback."""

    exit_status = ExitStatus.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(AwsmfaError):
    """A bad option or argument, caught before anything is read or sent."""

    exit_status = ExitStatus.USAGE


class ConfigError(AwsmfaError):
    """The credentials or config file cannot be used as it is."""

    exit_status = ExitStatus.USAGE


class Interrupted(AwsmfaError):
    """The user stopped awsmfa; the message says what had already been saved."""

    exit_status = ExitStatus.INTERRUPTED


class AwsError(AwsmfaError):
    """AWS refused a request or could not be reached."""

    # What AWS itself said, when it answered; for callers that tell refusals apart.
    aws_code: str | None = None
    aws_message: str | None = None


class MfaCodeRejected(AwsError):
    """STS refused the one-time code (wrong, expired or already used)."""


class MfaDeviceRejected(AwsError):
    """STS could not check the code against the device: the device is the problem."""

    exit_status = ExitStatus.USAGE

    def __init__(self, device: str = "the MFA device") -> None:
        super().__init__(
            f"AWS could not check the code against {device}: it is not an MFA device of "
            "the keys' IAM user",
            hint="Check aws_mfa_device or mfa_serial in your files, or --device; remove "
            "them to let awsmfa find the device itself.",
        )

    def naming(self, device: str) -> MfaDeviceRejected:
        return MfaDeviceRejected(device)


class MfaProcessError(AwsmfaError):
    """The mfa_process command did not produce a code."""


class SessionUnavailable(AwsmfaError):
    """[NAME] holds no session that is still valid: a refresh is needed first."""


class SaveError(AwsmfaError):
    """A file could not be written; the original is intact."""


class WriteFailed(SaveError):
    """Writing a file failed for a reason the system gave."""

    def __init__(self, path: object, reason: str, *, what: str = "the changes") -> None:
        super().__init__(f"{what} could not be saved to {path}: {reason}; the file is unchanged")
        self.path = path
        self.reason = reason

    def about(self, what: str) -> WriteFailed:
        """The same failure, naming what was not saved."""
        return WriteFailed(self.path, self.reason, what=what)


class ReminderError(AwsmfaError):
    """The crontab could not be read or written; it is unchanged."""


class KeyRotationError(AwsmfaError):
    """A key rotation cannot start or finish; the message says which key the file holds."""


class Busy(AwsmfaError):
    """Another awsmfa run is doing the same long operation on the same file."""


def command_line(command: str, names: str | Sequence[str], *options: str) -> str:
    """The awsmfa command a message tells the user to run, ready to paste into a shell.

    Profile names are shell-quoted (`awsmfa refresh 'y;id'`); when one starts with a dash,
    the names come after `--`, options before it, so that none is read as an option.
    """
    listed = [names] if isinstance(names, str) else list(names)
    quoted = [shlex.quote(name) for name in listed]
    if any(name.startswith("-") for name in listed):
        return " ".join(["awsmfa", command, *options, "--", *quoted])
    return " ".join(["awsmfa", command, *quoted, *options])
