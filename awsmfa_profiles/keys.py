"""Access keys as values: their shapes, how they are named in messages, and the checks
they pass before they are saved or sent. Shared by the file model and the AWS adapter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from awsmfa_profiles.errors import UsageError

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


@dataclass(frozen=True)
class LongTermKeys:
    access_key_id: str
    secret_access_key: str
    source: str  # how to name them in messages, e.g. "[dev-long-term]"

    def __repr__(self) -> str:
        return f"LongTermKeys({mask(self.access_key_id)}, source={self.source!r})"


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
