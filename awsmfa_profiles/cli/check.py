"""`awsmfa check [NAME...]`: each session's state, offline; the daily reminder runs it."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from awsmfa_profiles.cli import defaults
from awsmfa_profiles.cli.params import AsJson, ProfileNames, duration, option
from awsmfa_profiles.cli.render import expiration_or_none, note, say, say_json
from awsmfa_profiles.errors import AwsmfaError, ExitStatus
from awsmfa_profiles.session import Status, describe_duration, format_expiration

if TYPE_CHECKING:
    from awsmfa_profiles.check import ProfileStatus


def check(
    names: ProfileNames = None,
    within: Annotated[
        str | None,
        option(
            "--within",
            metavar="DURATION",
            help="A session with less than this left is expiring; default 1h, for a role 10m.",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing when all are valid.")
    ] = False,
    as_json: AsJson = False,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help="Also show a desktop notification for each profile that needs a refresh.",
        ),
    ] = False,
) -> int:
    """Report each session offline: valid, expiring, expired or missing. Exit 1 if any
    needs a refresh."""
    from awsmfa_profiles.check import check as run_check

    now = defaults.utc_now()
    try:
        results = run_check(
            list(names or []),
            credentials_path=defaults.credentials_path(),
            now=now,
            within=duration(within, "--within"),
        )
    except AwsmfaError as error:
        if notify:
            # From cron, a notification is the only way this error reaches anyone.
            _notify_desktop([], now, error=error)
        raise
    needs_refresh = any(result.status.needs_refresh for result in results)
    if as_json:
        say_json([_as_json(result) for result in results])
    elif needs_refresh or not quiet:
        width = max(len(result.profile) for result in results)
        for result in results:
            say(_status_line(result, width, now))
        for result in results:
            if result.status.needs_refresh:
                say(f"  run: {result.action}")
    if notify and needs_refresh:
        _notify_desktop(results, now)
    return ExitStatus.FAILED if needs_refresh else ExitStatus.OK


def _as_json(result: ProfileStatus) -> dict[str, object]:
    return {
        "profile": result.profile,
        "status": result.status.value,
        "expires_at": expiration_or_none(result.expires_at),
        "seconds_left": result.seconds_left,
    }


def _status_line(result: ProfileStatus, width: int, now: datetime) -> str:
    label, state, expires_at = result.profile.ljust(width), result.status, result.expires_at
    if result.problem:
        return f"{label}  {state.value:<8}  {result.problem}"
    if expires_at is None:
        return f"{label}  {state.value:<8}  never refreshed"
    when = format_expiration(expires_at)
    if state is Status.EXPIRED:
        return f"{label}  {state.value:<8}  {describe_duration(now - expires_at)} ago, at {when}"
    return f"{label}  {state.value:<8}  {describe_duration(expires_at - now)} left, until {when}"


def _notify_desktop(
    results: list[ProfileStatus], now: datetime, *, error: AwsmfaError | None = None
) -> None:
    import shutil

    from awsmfa_profiles.notify import Notice, notices_for, notify
    from awsmfa_profiles.programs import run_command

    notices = notices_for(results, now)
    if error is not None:
        notices.append(Notice("awsmfa check failed", error.message))
    # No notifier on PATH means output only, and says nothing: cron would mail the
    # complaint every day on a computer without a desktop.
    notified = notify(
        notices,
        run=run_command,
        which=shutil.which,
        platform=sys.platform,
        environ=os.environ,
        uid=os.getuid() if hasattr(os, "getuid") else None,
    )
    for problem in notified.problems:
        note(f"awsmfa: no desktop notification: {problem}")
