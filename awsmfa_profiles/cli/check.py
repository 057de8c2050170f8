"""`awsmfa check [NAME...]`: each session's state, offline; the daily reminder runs it."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from awsmfa_profiles.cli import defaults
from awsmfa_profiles.cli.render import check_entry, note, say, say_json, status_line
from awsmfa_profiles.errors import AwsmfaError, ExitStatus

if TYPE_CHECKING:
    from awsmfa_profiles.check import ProfileStatus


def check(
    names: list[str] | None = None,
    *,
    within: str | None = None,
    quiet: bool = False,
    as_json: bool = False,
    notify: bool = False,
) -> int:
    """Report each session; exit status 1 when any needs a refresh."""
    from awsmfa_profiles.check import check as run_check
    from awsmfa_profiles.check import needing_a_code, printable, refresh_command, worst

    now = defaults.utc_now()
    margin = defaults.duration(within, "--within")
    try:
        results = run_check(
            list(names or []),
            credentials_path=defaults.credentials_path(),
            now=now,
            within=margin,
        )
    except AwsmfaError as error:
        if notify:
            # From cron, a notification is the only way this error reaches anyone.
            _notify_desktop([], now, error=error)
        raise
    outcome = worst(results)
    if as_json:
        say_json([check_entry(result) for result in results])
    elif outcome != ExitStatus.OK or not quiet:
        width = max(len(printable(result.profile)) for result in results)
        for result in results:
            say(status_line(result, width, now))
        for result in results:
            if result.status.needs_refresh and result.action:
                say(f"  run: {result.action}")
        renew = needing_a_code(results)
        if len(renew) > 1:
            # One run asks once per MFA device (refresh NAME...).
            say(f"  or all at once: {refresh_command(renew, margin)}")
    if notify and outcome != ExitStatus.OK:
        _notify_desktop(results, now)
    return outcome


def _notify_desktop(
    results: list[ProfileStatus], now: datetime, *, error: AwsmfaError | None = None
) -> None:
    import shutil

    from awsmfa_profiles.cli.render import notices_for
    from awsmfa_profiles.notify import Notice, notify
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
