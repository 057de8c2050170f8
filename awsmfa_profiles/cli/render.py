"""Output: the only place that writes to stdout and stderr, and the wording of results
that several commands share."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from awsmfa_profiles.session import format_expiration


def say(text: str, *, newline: bool = True) -> None:
    """A result: stdout, which scripts and `> log` capture."""
    typer.echo(text, nl=newline)


def note(text: str) -> None:
    """Everything that is not the result: progress, notes, errors, on stderr."""
    typer.echo(text, err=True)


def say_json(document: Any) -> None:
    say(json.dumps(document, indent=2))


def describe_expiry(expires_at: datetime) -> str:
    local = expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"{format_expiration(expires_at)} ({local} local)"


def expiration_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else format_expiration(moment)


def tightened(path: Path, mode: int) -> None:
    note(f"Tightened {path} from {mode:04o} to 0600: it holds secret keys.")


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
