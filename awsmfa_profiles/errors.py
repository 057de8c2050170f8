"""One error hierarchy; the CLI turns each into its message and exit code in one place."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class AwsmfaError(Exception):
    """A failure the user can act on: one message, one exit code, no traceback."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(AwsmfaError):
    """A bad option or argument, caught before anything is read or sent."""

    exit_code = EXIT_USAGE


class ConfigError(AwsmfaError):
    """The credentials or config file cannot be used as it is."""

    exit_code = EXIT_USAGE


class AwsError(AwsmfaError):
    """AWS refused a request or could not be reached."""


class MfaCodeRejected(AwsError):
    """STS refused the one-time code (wrong, expired or already used)."""


class SaveError(AwsmfaError):
    """The credentials file could not be written; the original is intact."""


class ReminderError(AwsmfaError):
    """The crontab could not be read or written; it is unchanged."""
