"""Output: what awsmfa prints on stdout and stderr (prompts aside, which cli/prompts.py
writes), and the wording of results that several commands share."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awsmfa_profiles import __version__
from awsmfa_profiles.session import (
    Status,
    describe_age,
    describe_duration,
    format_expiration,
    format_local,
)

if TYPE_CHECKING:
    from typing import TextIO

    from awsmfa_profiles.check import ProfileStatus
    from awsmfa_profiles.doctor import Finding
    from awsmfa_profiles.notify import Notice
    from awsmfa_profiles.refresh import Refreshed
    from awsmfa_profiles.refresh_many import ProfileResult
    from awsmfa_profiles.rotate import Plan, Progress, Rotated


class StdoutClosed(Exception):
    """stdout's reader went away (`awsmfa check | head -1`): nothing more can be said."""


# While the fast path answers (cli/fast.py), output waits here: a run it hands on to
# typer after all has then printed nothing. (True: stderr, text.)
_held: list[tuple[bool, str]] | None = None


def say(text: str, *, newline: bool = True) -> None:
    """A result: stdout, which scripts and `> log` capture."""
    _write(text + "\n" if newline else text, err=False)


def note(text: str) -> None:
    """Everything that is not the result: progress, notes, errors, on stderr."""
    _write(text + "\n", err=True)


def relay(text: str) -> None:
    """Another program's stderr, passed on as it comes (a YubiKey's touch prompt)."""
    _write(text, err=True)


def show_version() -> None:
    say(f"awsmfa {__version__}")


def hold_output() -> None:
    """Keep what say(), note() and relay() write until release_output()."""
    global _held
    _held = []


def release_output(*, write: bool) -> None:
    """Write what was held back, in order, or drop it; then write directly again."""
    global _held
    held, _held = _held or [], None
    if write:
        for err, text in held:
            _write(text, err=err)


def _write(text: str, *, err: bool) -> None:
    """Write as typer.echo (click.echo) does, without importing typer for it."""
    if _held is not None:
        _held.append((err, text))
        return
    stream: TextIO | None = sys.stderr if err else sys.stdout
    if stream is None:  # no stream to write to (pythonw), which click.echo allows too
        return
    try:
        # click.echo writes text as it is and flushes, but for two cases: it drops ANSI
        # escape codes when the stream is not a terminal, and writes UTF-8 where the
        # stream was set up for ASCII. awsmfa's own text has neither need; text from the
        # user's files might, and then click does it.
        if "\x1b" in text or not (text.isascii() or _encodes_beyond_ascii(stream)):
            import typer

            typer.echo(text, nl=False, err=err)
            return
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        if err:
            raise
        raise StdoutClosed from None


def _encodes_beyond_ascii(stream: TextIO) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name != "ascii"
    except LookupError:
        return False


def say_json(document: Any) -> None:
    import json

    say(json.dumps(document, indent=2))


def describe_expiry(expires_at: datetime) -> str:
    return f"{format_expiration(expires_at)} ({format_local(expires_at)} local)"


def expiration_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else format_expiration(moment)


def tightened(path: Path, mode: int) -> None:
    note(f"Tightened {path} from {mode:04o} to 0600: it holds secret keys.")


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def day(moment: datetime) -> str:
    """A date in UTC, for when a key was made or used."""
    return moment.strftime("%Y-%m-%d")


# refresh, and rotate when it refreshes first


def refreshed(
    name: str, outcome: Refreshed, credentials_path: Path, now: datetime, *, quiet: bool = False
) -> None:
    """The notes about a new session on stderr, and (unless quiet) its line."""
    if outcome.loosened_mode is not None:
        tightened(credentials_path, outcome.loosened_mode)
    if outcome.remembered_device:
        section = outcome.long_term_section or f"{name}-long-term"
        note(f"Remembered MFA device {outcome.device} as aws_mfa_device in [{section}].")
    if outcome.role_arn:
        note(f"Assumed role {outcome.role_arn}.")
    expires_at = outcome.session.expires_at
    if quiet:
        return
    say(
        f"[{name}] refreshed: valid until {describe_expiry(expires_at)}, "
        f"{describe_duration(expires_at - now)} from now."
    )


# check


def check_entry(result: ProfileStatus) -> dict[str, object]:
    """One profile of `check --json`."""
    age = result.key_age
    return {
        "profile": result.profile,
        "status": result.status.value,
        "expires_at": expiration_or_none(result.expires_at),
        "seconds_left": result.seconds_left,
        "problem": result.problem,
        # The long-term key's, when the file records when it was made (init, rotate).
        "key_created_at": None if age is None else format_expiration(age.created_at),
        "key_age_days": None if age is None else age.age.days,
        "key_rotation_due": None if age is None else age.due,
    }


def status_line(result: ProfileStatus, width: int, now: datetime) -> str:
    """One profile of `check`, its name padded to `width`."""
    from awsmfa_profiles.check import printable

    label = printable(result.profile).ljust(width)
    state, expires_at = result.status, result.expires_at
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


# rotate


def rotation_plan(plan: Plan, now: datetime, *, dry_run: bool) -> Iterator[str]:
    """What a rotation found, and the steps it takes (or would take, with --dry-run)."""
    from awsmfa_profiles.keys import CREATED_SETTING, mask
    from awsmfa_profiles.rotate import PROVE_LIMIT, LeftoverKind, describe_leftover

    current = mask(plan.current.access_key_id)
    created = plan.current.created_at
    made = (
        "" if created is None else f", created {day(created)} ({describe_age(now - created)} ago)"
    )
    yield (
        f"[{plan.section}] in {plan.credentials_path} holds access key {current} of IAM user "
        f"{plan.user_name}{made}."
    )
    steps: list[str] = []
    if plan.leftover is not None:
        found, remedy = describe_leftover(plan.leftover, plan.current.access_key_id)
        yield f"An interrupted rotation {found}."
        if plan.leftover.kind is not LeftoverKind.NOTE_ONLY or not plan.creates_key:
            steps.append(remedy)
    if plan.creates_key:
        steps += [
            f"create a new access key for IAM user {plan.user_name}",
            "check that AWS accepts it (sts:GetCallerIdentity), waiting up to "
            f"{_seconds(PROVE_LIMIT)} while IAM spreads it",
            f"write its ID and secret over {current}'s in [{plan.section}]"
            + "".join(f", [{section}]" for section in plan.also)
            + f", and its date as {CREATED_SETTING}",
            f"deactivate and delete {current}",
        ]
    yield "Would:" if dry_run else "awsmfa will:"
    for number, step in enumerate(steps, start=1):
        yield f"  {number}. {step}"


def rotation_step(event: Progress, section: str) -> str | None:
    """One step of a rotation as it is done; None for the ones not worth a line."""
    from awsmfa_profiles.keys import mask
    from awsmfa_profiles.rotate import PROVE_LIMIT, Step

    key = mask(event.key_id)
    if event.step is Step.DELETED_ORPHAN:
        return f"Deleted {key}: its secret was never saved, so nothing used it."
    if event.step is Step.CREATED:
        return f"Created access key {key}."
    if event.step is Step.WAITING:
        return (
            f"AWS does not accept {key} yet (IAM takes a few seconds to spread a new key); "
            f"trying again in {_seconds(event.wait)} ({_seconds(event.waited)} of at most "
            f"{_seconds(PROVE_LIMIT)} waited)."
        )
    if event.step is Step.PROVEN:
        return f"AWS accepts {key}."
    if event.step is Step.SAVED:
        return f"Saved {key} and its secret in [{section}]."
    if event.step is Step.DEACTIVATED:
        return f"Deactivated {key}."
    if event.step is Step.DELETED:
        return f"Deleted {key}."
    return None


def rotation_result(outcome: Rotated) -> str:
    from awsmfa_profiles.keys import mask

    plan = outcome.plan
    if outcome.new_key is not None:
        holders = ", ".join(f"[{section}]" for section in (plan.section, *plan.also))
        return (
            f"Rotated: {holders} {'hold' if plan.also else 'holds'} the new access key "
            f"{mask(outcome.new_key)}; {mask(plan.current.access_key_id)} is deleted."
        )
    assert plan.leftover is not None
    return (
        f"Finished the interrupted rotation: [{plan.section}] holds "
        f"{mask(plan.current.access_key_id)}; {mask(plan.leftover.note.from_key)} is deleted."
    )


def _seconds(span: timedelta) -> str:
    return f"{span.total_seconds():.0f} s"


# check --notify


def notices_for(results: list[ProfileStatus], now: datetime) -> list[Notice]:
    """`check --notify`'s desktop notices: one for each profile that needs a refresh or
    could not be checked; none when all are valid."""
    from awsmfa_profiles.notify import Notice

    notices = []
    for result in results:
        if result.status is Status.ERROR:
            notices.append(Notice("awsmfa check failed", result.problem or result.profile))
            continue
        if not result.status.needs_refresh:
            continue
        if result.expires_at is None:
            state = "has no session yet"
        elif result.status is Status.EXPIRED:
            state = f"expired {describe_duration(now - result.expires_at)} ago"
        else:
            state = f"expires in {describe_duration(result.expires_at - now)}"
        notices.append(
            Notice(
                title=f"AWS profile {result.profile} {state}",
                body=f"Run: {result.action}",
            )
        )
    return notices
