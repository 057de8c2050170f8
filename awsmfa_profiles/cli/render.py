"""Output: what awsmfa prints on stdout and stderr (prompts aside, which cli/prompts.py
writes), and the wording of results that several commands share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from awsmfa_profiles.session import Status, describe_duration, format_expiration

if TYPE_CHECKING:
    from awsmfa_profiles.check import ProfileStatus
    from awsmfa_profiles.doctor import Finding
    from awsmfa_profiles.refresh_many import ProfileResult


class StdoutClosed(Exception):
    """stdout's reader went away (`awsmfa check | head -1`): nothing more can be said."""


def say(text: str, *, newline: bool = True) -> None:
    """A result: stdout, which scripts and `> log` capture."""
    try:
        typer.echo(text, nl=newline)
    except BrokenPipeError:
        raise StdoutClosed from None


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


# check


def check_entry(result: ProfileStatus) -> dict[str, object]:
    """One profile of `check --json`."""
    return {
        "profile": result.profile,
        "status": result.status.value,
        "expires_at": expiration_or_none(result.expires_at),
        "seconds_left": result.seconds_left,
    }


def status_line(result: ProfileStatus, width: int, now: datetime) -> str:
    """One profile of `check`, its name padded to `width`."""
    label, state, expires_at = result.profile.ljust(width), result.status, result.expires_at
    if result.problem:
        return f"{label}  {state.value:<8}  {result.problem}"
    if expires_at is None:
        return f"{label}  {state.value:<8}  never refreshed"
    when = format_expiration(expires_at)
    if state is Status.EXPIRED:
        return f"{label}  {state.value:<8}  {describe_duration(now - expires_at)} ago, at {when}"
    return f"{label}  {state.value:<8}  {describe_duration(expires_at - now)} left, until {when}"


# refresh of several profiles


def refresh_entry(result: ProfileResult, now: datetime) -> dict[str, object]:
    """One profile of `refresh --json`: check --json's keys, and the error if it failed."""
    from awsmfa_profiles.refresh import Refreshed

    outcome = result.outcome
    expires_at = None
    if isinstance(outcome, Refreshed):
        state, expires_at = "refreshed", outcome.session.expires_at
    elif outcome is not None:
        state, expires_at = "valid", outcome.expires_at
    else:
        state = "failed"
    return {
        "profile": result.profile,
        "status": state,
        "expires_at": expiration_or_none(expires_at),
        "seconds_left": None if expires_at is None else int((expires_at - now).total_seconds()),
        "error": None if result.error is None else result.error.message,
    }


# doctor


def finding_entry(finding: Finding) -> dict[str, object]:
    """One finding of `doctor --json`."""
    return {
        "level": finding.level.value,
        "title": finding.title,
        "detail": finding.detail or None,
        "fix": finding.fix or None,
    }


def finding_lines(findings: list[Finding]) -> Iterator[str]:
    """doctor's report: a line per finding, its fix below it, and a summary."""
    from awsmfa_profiles.doctor import Level

    for finding in findings:
        line = f"{finding.level.value:<5} {finding.title}"
        yield f"{line}: {finding.detail}" if finding.detail else line
        for number, fix in enumerate(finding.fix.splitlines()):
            yield f"{'':6}{'fix: ' if number == 0 else '     '}{fix}"
    failures = sum(finding.level is Level.FAIL for finding in findings)
    warnings = sum(finding.level is Level.WARN for finding in findings)
    if failures:
        yield f"{count(failures, 'check')} failed, {count(warnings, 'warning')}."
    elif warnings:
        yield f"No check failed; {count(warnings, 'warning')}."
    else:
        yield "No problems found."
