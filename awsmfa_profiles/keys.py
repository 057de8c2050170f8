"""Access keys as values: their shapes, how they are named in messages, the checks they
pass before they are saved or sent, and how old they are. Shared by the file model, the
AWS adapter and the use cases."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import NamedTuple

from awsmfa_profiles.errors import UsageError
from awsmfa_profiles.session import parse_duration

_KEY_ID = re.compile(r"[A-Z0-9]{16,128}")
# Long-term keys of IAM users start AKIA; ASIA keys belong to a session and expire with it.
LONG_TERM_PREFIX = "AKIA"
TEMPORARY_PREFIX = "ASIA"


def mask(key_id: str) -> str:
    """Name a key by its last four characters only."""
    return f"****{key_id[-4:]}" if len(key_id) > 4 else "****"


def is_temporary(key_id: str) -> bool:
    """An access key ID of a session (STS), which stops working when the session ends."""
    return key_id.strip().startswith(TEMPORARY_PREFIX)


class LongTermKeys(NamedTuple):
    access_key_id: str
    secret_access_key: str
    source: str  # how to name them in messages, e.g. "[dev-long-term]"

    def __repr__(self) -> str:
        return f"LongTermKeys({mask(self.access_key_id)}, source={self.source!r})"


class SessionKeys(NamedTuple):
    """The keys of an MFA session, for requests that a policy allows only with MFA."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    profile: str  # the section that holds them

    @property
    def source(self) -> str:
        return f"the MFA session in [{self.profile}]"

    def __repr__(self) -> str:
        return f"SessionKeys({mask(self.access_key_id)}, profile={self.profile!r})"


# What a request may be signed with.
SigningKeys = LongTermKeys | SessionKeys


class AccessKeyInfo(NamedTuple):
    """One access key of an IAM user, as IAM lists it (never with its secret)."""

    access_key_id: str
    active: bool
    created_at: datetime | None


class NewAccessKey(NamedTuple):
    """A key IAM has just created: the only moment its secret can be had."""

    access_key_id: str
    secret_access_key: str
    created_at: datetime

    def __repr__(self) -> str:
        return f"NewAccessKey({mask(self.access_key_id)})"


class LastUse(NamedTuple):
    """When and where IAM last saw a key used; `at` None when it never was."""

    at: datetime | None
    service: str | None = None
    region: str | None = None


# Settings of [NAME-long-term] about the key's age. botocore ignores keys it does not know.
CREATED_SETTING = "aws_access_key_created"
MAX_AGE_SETTING = "max_key_age"
# What security teams commonly ask for, and what AWS's own checks (Security Hub, Trusted
# Advisor) flag by default.
DEFAULT_MAX_KEY_AGE = timedelta(days=90)


class KeyAge(NamedTuple):
    created_at: datetime
    age: timedelta
    limit: timedelta

    @property
    def due(self) -> bool:
        """Past the age the key should be rotated by."""
        return self.age > self.limit


def key_age(created_at: datetime, now: datetime, limit: timedelta | None) -> KeyAge:
    return KeyAge(created_at, now - created_at, DEFAULT_MAX_KEY_AGE if limit is None else limit)


def parse_max_key_age(text: str) -> timedelta:
    """The limit of a key's age: `90d`, `180d`, `2160h`; a bare number is refused.

    Elsewhere a bare number is seconds, which nobody means for a key's age; `90` for 90
    seconds would make every key overdue.
    """
    cleaned = text.strip()
    if cleaned.isdigit():
        raise ValueError(f"max_key_age {cleaned!r} needs a unit: {cleaned}d for days")
    try:
        limit = parse_duration(cleaned)
    except ValueError:
        raise ValueError(f"max_key_age {cleaned!r} is not a duration such as 90d") from None
    if limit <= timedelta(0):
        raise ValueError(f"max_key_age {cleaned!r} must be longer than nothing")
    return limit


def check_access_key_id(text: str) -> str:
    key_id = text.strip()
    if _KEY_ID.fullmatch(key_id) and is_temporary(key_id):
        raise UsageError(
            f"{mask(key_id)} is a temporary access key (it starts with {TEMPORARY_PREFIX}): "
            "it stops working when its session ends",
            hint=f"Use an access key of your IAM user; its ID starts with {LONG_TERM_PREFIX}.",
        )
    if not (_KEY_ID.fullmatch(key_id) and key_id.startswith(LONG_TERM_PREFIX)):
        raise UsageError(
            f"an access key ID is {LONG_TERM_PREFIX} and then at least 12 capital letters "
            "and digits, 16 to 128 characters in all",
            hint="Copy it from the IAM console, or from the .csv file saved with the key.",
        )
    return key_id


def check_secret_access_key(text: str) -> str:
    # Never quoted back: a wrong secret is still most of a right one.
    secret = text.strip()
    if _KEY_ID.fullmatch(secret) and secret.startswith((LONG_TERM_PREFIX, TEMPORARY_PREFIX)):
        raise UsageError(
            "that is an access key ID again, not the secret access key",
            hint="The secret is the 40-character value shown once, next to the key ID.",
        )
    if len(secret) < 16 or any(character.isspace() for character in secret):
        raise UsageError(
            "a secret access key is one word of 40 characters",
            hint="Copy it whole, from the IAM console or the .csv file saved with the key.",
        )
    return secret
