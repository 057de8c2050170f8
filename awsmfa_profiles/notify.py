"""The desktop notification `awsmfa check --notify` shows for each profile that needs a
refresh: notify-send or osascript, run only through the `run` function passed in."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from awsmfa_profiles.programs import Run, first_line

NOTIFY_TIMEOUT = 10.0


@dataclass(frozen=True)
class Notice:
    title: str
    body: str


@dataclass(frozen=True)
class Notified:
    notifier: str | None  # None: neither program is on PATH, so output only
    problems: list[str]


def notifier_command(
    notice: Notice, *, which: Callable[[str], str | None], platform: str
) -> list[str] | None:
    """notify-send (Linux and other free desktops) or osascript (macOS), as found on PATH."""
    order = ("osascript", "notify-send") if platform == "darwin" else ("notify-send", "osascript")
    for program in order:
        path = which(program)
        if not path:
            continue
        if program == "notify-send":
            return [path, "--app-name=awsmfa", notice.title, notice.body]
        # The text goes in as arguments: quoted into the script, a " or \ would break it.
        return [
            path,
            "-e",
            "on run argv",
            "-e",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "-e",
            "end run",
            notice.title,
            notice.body,
        ]
    return None


def notifier_environment(
    environ: Mapping[str, str], *, uid: int | None, exists: Callable[[str], bool]
) -> dict[str, str]:
    """The environment for notify-send, which reaches the desktop over the session bus.

    cron gives jobs no DBUS_SESSION_BUS_ADDRESS; on systemd desktops the bus is at a fixed
    place, so it is filled in when missing and present. DISPLAY is not needed: the
    notification daemon draws, and notify-send only talks to it over the bus.
    """
    env = dict(environ)
    if not env.get("DBUS_SESSION_BUS_ADDRESS") and uid is not None:
        bus = f"/run/user/{uid}/bus"
        if exists(bus):
            env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
    return env


def notify(
    notices: list[Notice],
    *,
    run: Run,
    which: Callable[[str], str | None],
    platform: str,
    environ: Mapping[str, str],
    uid: int | None,
) -> Notified:
    """Show each notice; a notifier that fails is reported, never raised."""
    problems: list[str] = []
    notifier = None
    env = notifier_environment(environ, uid=uid, exists=os.path.exists)
    for notice in notices:
        command = notifier_command(notice, which=which, platform=platform)
        if command is None:
            return Notified(None, [])
        notifier = Path(command[0]).name
        try:
            done = run(command, env=env, timeout=NOTIFY_TIMEOUT)
        except subprocess.TimeoutExpired:
            problems.append(f"{notifier} did not finish within {NOTIFY_TIMEOUT:.0f} s")
            break  # a hung notifier would hang on the next notice as well
        except OSError as error:
            problems.append(f"{notifier} could not be run: {error.strerror or error}")
            break
        if done.returncode != 0:
            detail = first_line(done.stderr)
            problems.append(
                f"{notifier} failed (exit {done.returncode})" + (f": {detail}" if detail else "")
            )
    return Notified(notifier, problems)
