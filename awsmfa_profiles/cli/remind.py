"""`awsmfa remind`: the daily `awsmfa check --quiet --notify` line for the user's crontab."""

from __future__ import annotations

import os
import shutil
import sys

from awsmfa_profiles.cli import defaults
from awsmfa_profiles.cli.render import note, say
from awsmfa_profiles.errors import UsageError, command_line


def remind(
    names: list[str] | None = None,
    *,
    install: bool = False,
    uninstall: bool = False,
    at: str | None = None,
) -> None:
    """Print, install or remove the crontab line of the daily reminder."""
    from awsmfa_profiles import crontab
    from awsmfa_profiles.programs import run_command

    if install and uninstall:
        raise UsageError("--install and --uninstall cannot be used together")
    if uninstall and (names or at is not None):
        raise UsageError(
            "--uninstall takes no profile names and no --at",
            hint="It removes awsmfa's one line, whatever it checks.",
        )
    if uninstall:
        if crontab.uninstall(run_command):
            say("Removed the awsmfa reminder from your crontab.")
        else:
            say("There is no awsmfa reminder in your crontab; nothing to change.")
        return
    profiles = list(names or [])
    credentials_path = defaults.credentials_path()
    line = crontab.reminder_line(
        crontab.awsmfa_command(sys.argv[0], sys.executable, shutil.which),
        crontab.parse_at(crontab.DEFAULT_AT if at is None else at),
        profiles,
        # cron starts jobs in $HOME: a relative path would name another file there.
        credentials_file=str(credentials_path.absolute())
        if os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
        else None,
    )
    if not profiles:
        today = crontab.watched_profiles(credentials_path)
        note(
            "The daily check covers every profile with a [NAME-long-term] when it runs "
            f"(now: {', '.join(today) or 'none yet'}), and any you add later."
        )
    for unknown in crontab.unknown_profiles(profiles, credentials_path):
        note(
            f"Note: there is no [{unknown}] or [{unknown}-long-term] yet: until "
            f"`{command_line('init', unknown)}` is run, the daily check will fail with "
            "an error (shown as a notification). A typo? Check the name."
        )
    if not install:
        say(line)
        note("Add it with `crontab -e`, or let `awsmfa remind --install` add it.")
        return
    installed = crontab.install(line, run_command)
    if not installed.changed:
        say("The awsmfa reminder is already in your crontab; nothing to change:")
    elif installed.replaced:
        say("Replaced the awsmfa reminder in your crontab:")
    else:
        say("Added the awsmfa reminder to your crontab:")
    say(f"  {line}")
    if not (shutil.which("notify-send") or shutil.which("osascript")):
        note(
            "No notify-send or osascript on PATH: the reminder will only print, and cron "
            "mails what it prints if mail is set up."
        )
