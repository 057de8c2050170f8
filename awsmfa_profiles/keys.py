"""What long-term access keys look like, checked before they are saved or sent."""

from __future__ import annotations

import re

from awsmfa_profiles.aws import mask
from awsmfa_profiles.errors import UsageError

_KEY_ID = re.compile(r"[A-Z0-9]{16,128}")
LONG_TERM_PREFIX = "AKIA"
TEMPORARY_PREFIX = "ASIA"


def check_access_key_id(text: str) -> str:
    key_id = text.strip()
    if _KEY_ID.fullmatch(key_id) and key_id.startswith(TEMPORARY_PREFIX):
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
