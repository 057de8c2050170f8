"""`check --notify` and `awsmfa remind` end to end, with a fake crontab and fake notifiers on
PATH that record what they were given; and the pure crontab and notifier logic on its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from helpers import Result, run_cli

from awsmfa_profiles import crontab, notify
from awsmfa_profiles.check import ProfileStatus
from awsmfa_profiles.cli.render import notices_for
from awsmfa_profiles.errors import ReminderError, UsageError
from awsmfa_profiles.notify import Notice
from awsmfa_profiles.programs import Completed
from awsmfa_profiles.session import Status

NOW = datetime.now(timezone.utc).replace(microsecond=0)
AWSMFA = str(Path(sys.executable).parent / "awsmfa")

FAKE_CRONTAB = f"""#!{sys.executable}
import os, sys, pathlib
here = pathlib.Path(__file__).parent
with open(here / "crontab.calls", "a") as calls:
    calls.write(" ".join(sys.argv[1:]) + "\\n")
store = here / "crontab.txt"
failing = os.environ.get("FAKE_CRONTAB_FAIL")
if sys.argv[1:] == ["-l"]:
    if failing == "list":
        sys.stderr.write("crontab: cannot open your crontab: Permission denied\\n")
        sys.exit(1)
    if store.exists():
        sys.stdout.write(store.read_text())
        sys.exit(0)
    sys.stderr.write("no crontab for tester\\n")
    sys.exit(1)
if sys.argv[1:] == ["-"]:
    text = sys.stdin.read()
    if failing == "write":
        sys.stderr.write('"-":1: bad minute\\nerrors in crontab file, cannot install.\\n')
        sys.exit(1)
    store.write_text(text)
    sys.exit(0)
sys.exit(2)
"""

FAKE_NOTIFIER = f"""#!{sys.executable}
import json, os, pathlib, sys
here = pathlib.Path(__file__).parent
with open(here / "notifications.log", "a") as log:
    log.write(json.dumps({{
        "program": pathlib.Path(sys.argv[0]).name,
        "args": sys.argv[1:],
        "dbus": os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
    }}) + "\\n")
if os.environ.get("FAKE_NOTIFY_FAIL"):
    sys.stderr.write("Cannot autolaunch D-Bus without X11 $DISPLAY\\n")
    sys.exit(1)
"""


class FakeBin:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def add(self, name: str, script: str) -> None:
        path = self.directory / name
        path.write_text(script)
        path.chmod(0o755)

    @property
    def path(self) -> str:
        return str(self.directory)

    @property
    def crontab(self) -> str | None:
        store = self.directory / "crontab.txt"
        return store.read_text() if store.exists() else None

    @crontab.setter
    def crontab(self, text: str) -> None:
        (self.directory / "crontab.txt").write_text(text)

    @property
    def crontab_calls(self) -> list[str]:
        calls = self.directory / "crontab.calls"
        return calls.read_text().splitlines() if calls.exists() else []

    @property
    def notifications(self) -> list[dict[str, Any]]:
        log = self.directory / "notifications.log"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
def fake_bin(tmp_path: Path) -> FakeBin:
    """A PATH of its own: only the fakes a test adds are found there."""
    directory = tmp_path / "bin"
    directory.mkdir()
    return FakeBin(directory)


def run(fake_bin: FakeBin, *args: str, **env: str) -> Result:
    return run_cli(*args, env={"PATH": fake_bin.path, **env})


def profile(name: str, left: timedelta | None) -> str:
    text = (
        f"[{name}-long-term]\naws_access_key_id = AKIA{name.upper()}\naws_secret_access_key = s\n\n"
    )
    if left is not None:
        # From the time of writing, not of import: the suite may run long before this test.
        expires = (datetime.now(timezone.utc) + left).strftime("%Y-%m-%dT%H:%M:%SZ")
        text += (
            f"[{name}]\naws_access_key_id = ASIA\naws_secret_access_key = s\n"
            f"aws_session_token = t\nexpiration = {expires}\n\n"
        )
    return text


# awsmfa check --notify


def test_a_notification_for_each_profile_that_needs_a_refresh(
    fake_bin: FakeBin, credentials_file: Path
) -> None:
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    credentials_file.write_text(
        profile("good", timedelta(hours=8))
        + profile("old", timedelta(hours=-2))
        + profile("new", None)
    )
    result = run(fake_bin, "check", "--quiet", "--notify")
    assert result.exit_code == 1, result.output
    assert "run: awsmfa refresh old" in result.stdout  # the output is as without --notify
    assert result.stderr == ""
    sent = fake_bin.notifications
    assert [entry["program"] for entry in sent] == ["notify-send", "notify-send"]
    assert sent[0]["args"] == [
        "--app-name=awsmfa",
        "AWS profile old expired 2h 00m ago",
        "Run: awsmfa refresh old",
    ]
    assert sent[1]["args"] == [
        "--app-name=awsmfa",
        "AWS profile new has no session yet",
        "Run: awsmfa refresh new",
    ]


def test_nothing_is_sent_when_all_are_valid(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    credentials_file.write_text(profile("good", timedelta(hours=8)))
    result = run(fake_bin, "check", "--quiet", "--notify")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert fake_bin.notifications == []


def test_without_a_notifier_the_output_is_all(fake_bin: FakeBin, credentials_file: Path) -> None:
    credentials_file.write_text(profile("old", timedelta(hours=-2)))
    result = run(fake_bin, "check", "--quiet", "--notify")
    assert result.exit_code == 1
    assert "old" in result.stdout and "expired" in result.stdout
    assert result.stderr == ""


def test_osascript_when_there_is_no_notify_send(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("osascript", FAKE_NOTIFIER)
    credentials_file.write_text(profile("soon", timedelta(minutes=20)))
    result = run(fake_bin, "check", "--notify")
    assert result.exit_code == 1, result.output
    (sent,) = fake_bin.notifications
    assert sent["program"] == "osascript"
    args = sent["args"]
    assert isinstance(args, list)
    assert args[-2].startswith("AWS profile soon expires in 19m") or args[-2].startswith(
        "AWS profile soon expires in 20m"
    )
    assert args[-1] == "Run: awsmfa refresh soon"
    assert "display notification (item 2 of argv) with title (item 1 of argv)" in args


def test_a_failing_notifier_never_fails_the_check(
    fake_bin: FakeBin, credentials_file: Path
) -> None:
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    credentials_file.write_text(profile("old", timedelta(hours=-2)))
    result = run(fake_bin, "check", "--notify", FAKE_NOTIFY_FAIL="1")
    assert result.exit_code == 1  # what the check says, not what the notifier did
    assert "expired" in result.stdout
    assert "no desktop notification: notify-send failed (exit 1): Cannot autolaunch" in (
        result.stderr
    )


def test_notify_with_json(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    credentials_file.write_text(profile("old", timedelta(hours=-2)))
    result = run(fake_bin, "check", "--json", "--notify")
    assert json.loads(result.stdout)[0]["status"] == "expired"
    assert len(fake_bin.notifications) == 1


# awsmfa remind


def expected_line(credentials_file: Path, at: str = "0 9", names: str = "") -> str:
    return (
        f"{at} * * * AWS_SHARED_CREDENTIALS_FILE={credentials_file} {AWSMFA} check --quiet "
        f"--notify{names} # awsmfa reminder"
    )


def test_without_flags_the_line_is_printed_and_nothing_is_run(
    fake_bin: FakeBin, credentials_file: Path
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    result = run(fake_bin, "remind")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected_line(credentials_file) + "\n"
    assert "crontab -e" in result.stderr
    assert fake_bin.crontab_calls == []


def test_install_into_an_empty_crontab(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    result = run(fake_bin, "remind", "--install")
    assert result.exit_code == 0, result.output
    assert fake_bin.crontab == expected_line(credentials_file) + "\n"
    assert fake_bin.crontab_calls == ["-l", "-"]
    assert "Added the awsmfa reminder" in result.stdout
    assert expected_line(credentials_file) in result.stdout


USER_CRONTAB = (
    "# m h dom mon dow command\n"
    "MAILTO=john@example.com\n"
    "*/5 * * * * /usr/bin/backup --quiet  # every five minutes\n"
    "\n"
    "@reboot /home/john/bin/start-agent"  # no newline at the end
)


def test_install_keeps_every_other_line(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB
    result = run(fake_bin, "remind", "--install", "--at", "7:05", "dev", "my profile")
    assert result.exit_code == 0, result.output
    line = expected_line(credentials_file, "5 7", " dev 'my profile'")
    assert fake_bin.crontab == USER_CRONTAB + "\n" + line + "\n"


def test_installing_again_replaces_the_line_in_place(
    fake_bin: FakeBin, credentials_file: Path
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    old = expected_line(credentials_file)
    fake_bin.crontab = f"# first\n{old}\n# last\n"
    result = run(fake_bin, "remind", "--install", "--at", "17:45")
    assert result.exit_code == 0, result.output
    assert "Replaced the awsmfa reminder" in result.stdout
    new = expected_line(credentials_file, "45 17")
    assert fake_bin.crontab == f"# first\n{new}\n# last\n"


def test_installing_the_same_line_writes_nothing(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    assert run(fake_bin, "remind", "--install").exit_code == 0
    result = run(fake_bin, "remind", "--install")
    assert result.exit_code == 0, result.output
    assert "already in your crontab" in result.stdout
    assert fake_bin.crontab_calls == ["-l", "-", "-l"]
    assert fake_bin.crontab is not None
    assert fake_bin.crontab.count("# awsmfa reminder") == 1


def test_uninstall_removes_only_ours(fake_bin: FakeBin, credentials_file: Path) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB + "\n" + expected_line(credentials_file) + "\n"
    result = run(fake_bin, "remind", "--uninstall")
    assert result.exit_code == 0, result.output
    assert "Removed" in result.stdout
    assert fake_bin.crontab == USER_CRONTAB + "\n"


def test_uninstall_without_our_line_writes_nothing(fake_bin: FakeBin) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB
    result = run(fake_bin, "remind", "--uninstall")
    assert result.exit_code == 0, result.output
    assert "no awsmfa reminder" in result.stdout
    assert fake_bin.crontab_calls == ["-l"]
    assert fake_bin.crontab == USER_CRONTAB


def test_uninstall_from_no_crontab_at_all(fake_bin: FakeBin) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    result = run(fake_bin, "remind", "--uninstall")
    assert result.exit_code == 0, result.output
    assert fake_bin.crontab is None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--install", "--at", "9"], "not a time of day"),
        (["--install", "--at", "24:00"], "not a time of day"),
        (["--install", "--at", "12:60"], "not a time of day"),
        (["--install", "--at", "noon"], "HH:MM"),
        (["--install", "--uninstall"], "cannot be used together"),
        (["--uninstall", "dev"], "no profile names"),
        (["--uninstall", "--at", "08:00"], "no profile names and no --at"),
        (["--install", "dev-long-term"], "without -long-term"),
    ],
)
def test_bad_options_are_refused_before_crontab_runs(
    fake_bin: FakeBin, args: list[str], fragment: str
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB
    result = run(fake_bin, "remind", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert fake_bin.crontab_calls == []


def test_no_crontab_command(fake_bin: FakeBin) -> None:
    result = run(fake_bin, "remind", "--install")
    assert result.exit_code == 1, result.output
    assert "no crontab command" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("failing", "fragment"),
    [("list", "crontab -l failed (exit 1): crontab: cannot open"), ("write", "bad minute")],
)
def test_a_failing_crontab_leaves_it_unchanged(
    fake_bin: FakeBin, failing: str, fragment: str
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB
    result = run(fake_bin, "remind", "--install", FAKE_CRONTAB_FAIL=failing)
    assert result.exit_code == 1, result.output
    assert fragment in result.stderr
    assert "not changed" in result.stderr
    assert fake_bin.crontab == USER_CRONTAB


def test_an_unknown_profile_is_pointed_out(fake_bin: FakeBin, credentials_file: Path) -> None:
    credentials_file.write_text(profile("dev", None))
    result = run(fake_bin, "remind", "dev", "typo")
    assert result.exit_code == 0, result.output
    assert "no [typo] or [typo-long-term] yet" in result.stderr
    assert "[dev]" not in result.stderr


def test_the_installed_line_runs_as_cron_would_run_it(
    fake_bin: FakeBin, credentials_file: Path, tmp_path: Path
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    credentials_file.write_text(profile("dev", timedelta(hours=-1)) + profile("100%", None))
    assert run(fake_bin, "remind", "--install", "dev", "100%").exit_code == 0
    assert fake_bin.crontab is not None
    (line,) = fake_bin.crontab.splitlines()
    assert "100\\%" in line
    command = line.split(" ", 5)[5]
    # cron hands the rest of the line to sh, after turning \% into %, with a bare
    # environment: no AWS_SHARED_CREDENTIALS_FILE, a PATH without awsmfa.
    completed = subprocess.run(
        ["/bin/sh", "-c", command.replace("\\%", "%")],
        env={"HOME": str(tmp_path / "elsewhere"), "PATH": f"{fake_bin.path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "run: awsmfa refresh dev" in completed.stdout
    assert [entry["args"][-1] for entry in fake_bin.notifications] == [
        "Run: awsmfa refresh dev",
        "Run: awsmfa refresh 100%",
    ]


# The pure parts.


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00", (9, 0)), ("9:05", (9, 5)), ("23:59", (23, 59)), ("0:00", (0, 0))],
)
def test_times_of_day(text: str, expected: tuple[int, int]) -> None:
    assert crontab.parse_at(text) == expected


def test_names_are_quoted_and_percent_escaped() -> None:
    line = crontab.reminder_line(
        ["/opt/my tools/awsmfa"], (9, 30), ["-odd", "a'b", "50%"], credentials_file=None
    )
    assert line == (
        "30 9 * * * '/opt/my tools/awsmfa' check --quiet --notify -- -odd 'a'\"'\"'b' 50\\% "
        "# awsmfa reminder"
    )


def test_with_reminder_keeps_one_line_where_the_first_was() -> None:
    table = "a\n0 9 * * * old # awsmfa reminder\nb\n# 0 8 * * * older # awsmfa reminder\n"
    assert crontab.with_reminder(table, "NEW # awsmfa reminder") == (
        "a\nNEW # awsmfa reminder\nb\n"
    )
    assert crontab.without_reminder(table) == "a\nb\n"
    assert crontab.with_reminder("", "NEW") == "NEW\n"


def test_a_mention_of_awsmfa_is_not_our_line() -> None:
    table = "# the awsmfa reminder runs at nine\n0 9 * * * awsmfa check # awsmfa reminder!\n"
    assert not crontab.has_reminder(table)
    assert crontab.without_reminder(table) == table


def test_awsmfa_command_prefers_the_running_script(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "awsmfa"
    script.parent.mkdir()
    script.write_text("")
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    (python.parent / "awsmfa").write_text("")
    assert crontab.awsmfa_command(str(script), str(python), lambda _: None) == [str(script)]
    assert crontab.awsmfa_command("/x/__main__.py", str(python), lambda _: None) == [
        str(python.parent / "awsmfa")
    ]
    (python.parent / "awsmfa").unlink()
    assert crontab.awsmfa_command("/x/__main__.py", str(python), lambda _: "/usr/bin/awsmfa") == [
        "/usr/bin/awsmfa"
    ]
    assert crontab.awsmfa_command("/x/__main__.py", str(python), lambda _: None) == [
        str(python),
        "-m",
        "awsmfa_profiles",
    ]


def found(*programs: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in programs else None


NOTICE = Notice('say "hi" \\ now', "Run: awsmfa refresh dev")


@pytest.mark.parametrize(
    ("platform", "programs", "chosen"),
    [
        ("linux", ("notify-send", "osascript"), "notify-send"),
        ("darwin", ("notify-send", "osascript"), "osascript"),
        ("linux", ("osascript",), "osascript"),
        ("darwin", ("notify-send",), "notify-send"),
        ("linux", (), None),
    ],
)
def test_the_notifier_is_chosen_by_platform_then_path(
    platform: str, programs: tuple[str, ...], chosen: str | None
) -> None:
    command = notify.notifier_command(NOTICE, which=found(*programs), platform=platform)
    if chosen is None:
        assert command is None
    else:
        assert command is not None
        assert command[0] == f"/usr/bin/{chosen}"
        # Passed as separate arguments, never pasted into a script.
        assert command[-2:] == [NOTICE.title, NOTICE.body]


def test_the_session_bus_is_filled_in_for_cron() -> None:
    exists = {"/run/user/1000/bus"}.__contains__
    env = notify.notifier_environment({"HOME": "/h"}, uid=1000, exists=exists)
    assert env == {"HOME": "/h", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}
    mine = {"DBUS_SESSION_BUS_ADDRESS": "unix:abstract=/tmp/dbus-x"}
    assert notify.notifier_environment(mine, uid=1000, exists=exists) == mine
    assert notify.notifier_environment({}, uid=1001, exists=exists) == {}
    assert notify.notifier_environment({}, uid=None, exists=exists) == {}


class Runner:
    def __init__(self, outcome: Completed | BaseException) -> None:
        self.outcome = outcome
        self.calls: list[list[str]] = []

    def __call__(
        self,
        args: list[str],
        *,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float,
    ) -> Completed:
        self.calls.append(args)
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


@pytest.mark.parametrize(
    ("outcome", "problem"),
    [
        (subprocess.TimeoutExpired("notify-send", 10), "did not finish within 10 s"),
        (PermissionError(13, "Permission denied"), "could not be run: Permission denied"),
        (Completed(1, "", ""), "failed (exit 1)"),
    ],
)
def test_a_notifier_problem_is_reported_never_raised(
    outcome: Completed | BaseException, problem: str
) -> None:
    runner = Runner(outcome)
    notified = notify.notify(
        [NOTICE, NOTICE],
        run=runner,
        which=found("notify-send"),
        platform="linux",
        environ={},
        uid=None,
    )
    assert notified.notifier == "notify-send"
    assert problem in notified.problems[0]


def test_no_notifier_no_run() -> None:
    runner = Runner(Completed(0, "", ""))
    notified = notify.notify(
        [NOTICE],
        run=runner,
        which=found(),
        platform="linux",
        environ={},
        uid=None,
    )
    assert notified == notify.Notified(None, [])
    assert runner.calls == []


def test_notices_name_the_profile_and_the_command() -> None:
    results = [
        ProfileStatus("ok", Status.VALID, NOW + timedelta(hours=5), 18000),
        ProfileStatus(
            "my profile",
            Status.EXPIRING,
            NOW + timedelta(minutes=30),
            1800,
            action="awsmfa refresh 'my profile'",
        ),
    ]
    assert notices_for(results, NOW) == [
        Notice("AWS profile my profile expires in 30m 00s", "Run: awsmfa refresh 'my profile'")
    ]


def test_crontab_listing_that_says_there_is_none_is_empty() -> None:
    assert crontab.read_crontab(Runner(Completed(1, "", "crontab: no crontab for john\n"))) == ""
    with pytest.raises(ReminderError, match="exit 1"):
        crontab.read_crontab(Runner(Completed(1, "", "crontab: permission denied\n")))
    with pytest.raises(ReminderError, match="no crontab command"):
        crontab.read_crontab(Runner(FileNotFoundError(2, "No such file")))


def test_a_bad_time_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a time of day") as raised:
        crontab.parse_at("9am")
    assert "HH:MM" in (raised.value.hint or "")


def test_a_relative_credentials_path_is_made_absolute_for_cron(
    fake_bin: FakeBin, credentials_file: Path
) -> None:
    # cron runs the job in $HOME, where a relative path would name another file.
    relative = Path(os.path.relpath(credentials_file, credentials_file.parent.parent))
    completed = subprocess.run(
        [sys.executable, "-m", "awsmfa_profiles", "remind"],
        capture_output=True,
        text=True,
        cwd=credentials_file.parent.parent,
        env={**os.environ, "PATH": fake_bin.path, "AWS_SHARED_CREDENTIALS_FILE": str(relative)},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"AWS_SHARED_CREDENTIALS_FILE={credentials_file} " in completed.stdout


@pytest.mark.parametrize(
    ("names", "setup"),
    [(["good", "typo"], "file"), ([], "no file")],
)
def test_an_error_in_the_daily_check_is_a_notification_too(
    fake_bin: FakeBin, credentials_file: Path, names: list[str], setup: str
) -> None:
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    if setup == "file":
        credentials_file.write_text(profile("good", timedelta(hours=8)))
    result = run(fake_bin, "check", "--quiet", "--notify", *names)
    assert result.exit_code == 2
    sent = fake_bin.notifications
    assert len(sent) == 1
    assert sent[0]["args"][1] == "awsmfa check failed"


def test_without_names_the_reminder_watches_every_profile_even_later_ones(
    fake_bin: FakeBin, credentials_file: Path, tmp_path: Path
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.add("notify-send", FAKE_NOTIFIER)
    credentials_file.write_text(profile("dev", timedelta(hours=-1)) + profile("ok", None))
    result = run(fake_bin, "remind", "--install")
    assert result.exit_code == 0, result.output
    assert "every profile with a [NAME-long-term] when it runs (now: dev, ok)" in result.stderr
    assert fake_bin.crontab is not None
    (line,) = fake_bin.crontab.splitlines()
    assert line.endswith(" check --quiet --notify # awsmfa reminder")
    # A profile added after the reminder was installed is watched too.
    with credentials_file.open("a") as added:
        added.write(profile("prod", timedelta(minutes=5)))
    completed = subprocess.run(
        ["/bin/sh", "-c", line.split(" ", 5)[5]],
        env={"HOME": str(tmp_path / "elsewhere"), "PATH": f"{fake_bin.path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    titles = [entry["args"][1] for entry in fake_bin.notifications]
    assert len(titles) == 3
    assert titles[0].startswith("AWS profile dev expired ")
    assert titles[1] == "AWS profile ok has no session yet"
    assert titles[2].startswith("AWS profile prod expires in ")
    assert "or all at once: awsmfa refresh dev ok prod" in completed.stdout


# The crontab line as Debian's cron reads it (crontab(5), and do_command.c for `%`).

CRON_COMMAND_LIMIT = 998  # bytes; what `crontab -n` accepts, measured on Debian's cron


@dataclass(frozen=True)
class CronJob:
    schedule: list[str]
    command: str  # what cron hands to `sh -c`
    stdin: str  # what it writes to the command's standard input


def cron_reads(text: str) -> tuple[list[CronJob], dict[str, str]]:
    """The jobs and environment settings cron reads from a crontab, by crontab(5).

    Lines end at a newline, with no continuation; leading blanks are ignored; a line whose
    first non-blank is `#` is a comment (a `#` later on a job line is part of its command);
    `name = value` is an environment setting; anything else is five time fields and the
    command. In the command, a `%` not escaped by a backslash ends it, the rest being its
    standard input with each further `%` a newline; `\\%` is a `%`, and a backslash before
    any other character stays, both characters taken as they are.
    """
    jobs: list[CronJob] = []
    environment: dict[str, str] = {}
    for raw in text.split("\n"):
        line = raw.lstrip(" \t")
        if not line or line.startswith("#"):
            continue
        setting = re.fullmatch(r"([^=\s]+)[ \t]*=[ \t]*(.*)", line)
        if setting:
            environment[setting.group(1)] = setting.group(2).strip().strip("'\"")
            continue
        # `@reboot`, `@daily`...: one field instead of five (Vixie cron's extension).
        count = 1 if line.startswith("@") else 5
        fields = line.split(None, count)
        assert len(fields) == count + 1, f"not a cron line: {line!r}"
        command = fields[count]
        assert len(command.encode()) <= CRON_COMMAND_LIMIT, "command too long for cron"
        jobs.append(CronJob(fields[:count], *_cron_percent(command)))
    return jobs, environment


def _cron_percent(command: str) -> tuple[str, str]:
    kept: list[str] = []
    escaped = False
    for index, character in enumerate(command):
        if escaped:
            if character == "%":
                kept[-1] = "%"  # the backslash goes
            else:
                kept.append(character)
            escaped = False
            continue
        if character == "\\":
            kept.append(character)
            escaped = True
            continue
        if character == "%":
            rest = command[index + 1 :]
            return "".join(kept), re.sub(r"(?<!\\)%", "\n", rest).replace("\\%", "%")
        kept.append(character)
    return "".join(kept), ""


def test_the_cron_model_follows_the_manual() -> None:
    jobs, environment = cron_reads(
        "# a comment\n  MAILTO = john\nSHELL=/bin/sh\n"
        '0 22 * * 1-5   mail -s "It\'s 10pm" joe%Joe,%%Where are your kids?%\n'
        "5 0 * * * echo 100\\% \\\\% cut\n"
    )
    assert environment == {"MAILTO": "john", "SHELL": "/bin/sh"}
    assert jobs[0].command == 'mail -s "It\'s 10pm" joe'
    assert jobs[0].stdin == "Joe,\n\nWhere are your kids?\n"
    assert jobs[1].command == "echo 100% \\\\"
    assert jobs[1].stdin == " cut"


ARGV_PROGRAM = f"""#!{sys.executable}
import json, os, sys
print(json.dumps([sys.argv[1:], os.environ.get("AWS_SHARED_CREDENTIALS_FILE")]))
"""

ODD_NAMES = ["50%", "x\\%y", "%", "a'%b", "100%%", "tail\\", "a b%", "-dash", "\\\\%"]


@pytest.mark.parametrize("names", [ODD_NAMES, ["dev"], []], ids=["odd", "one", "none"])
def test_cron_runs_the_line_with_exactly_the_names_given(tmp_path: Path, names: list[str]) -> None:
    program = tmp_path / "my tools %x\\%" / "awsmfa"
    program.parent.mkdir()
    program.write_text(ARGV_PROGRAM)
    program.chmod(0o755)
    credentials = str(tmp_path / "creds 100% \\%d" / "credentials")
    line = crontab.reminder_line([str(program)], (9, 30), names, credentials_file=credentials)
    jobs, environment = cron_reads(f"{USER_CRONTAB}\n{line}\n")
    assert environment == {"MAILTO": "john@example.com"}
    (ours,) = [job for job in jobs if job.schedule == ["30", "9", "*", "*", "*"]]
    assert ours.stdin == ""
    completed = subprocess.run(
        ["/bin/sh", "-c", ours.command],
        env={"PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    argv, seen_credentials = json.loads(completed.stdout)
    separator = ["--"] if any(name.startswith("-") for name in names) else []
    assert argv == ["check", "--quiet", "--notify", *separator, *names]
    assert seen_credentials == credentials


@pytest.mark.parametrize(
    "credentials",
    [
        "/tmp/x\n* * * * * touch /tmp/PWNED #/credentials",
        "/tmp/x\r/credentials",
        "/tmp/x\x00y",
        "/tmp/\x85credentials",
    ],
)
def test_control_characters_never_reach_the_line(credentials: str) -> None:
    with pytest.raises(UsageError, match="control character"):
        crontab.reminder_line(["/usr/bin/awsmfa"], (9, 0), [], credentials_file=credentials)
    with pytest.raises(UsageError, match="control character"):
        crontab.reminder_line([credentials], (9, 0), [])


def test_an_injected_job_is_refused_before_crontab_runs(fake_bin: FakeBin, tmp_path: Path) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB + "\n"
    hostile = f"{tmp_path}/x\n* * * * * touch {tmp_path}/PWNED #/credentials"
    result = run(fake_bin, "remind", "--install", AWS_SHARED_CREDENTIALS_FILE=hostile)
    assert result.exit_code == 2, result.output
    assert "control character" in result.stderr
    assert fake_bin.crontab_calls == []
    assert fake_bin.crontab == USER_CRONTAB + "\n"


def test_uninstall_removes_exactly_what_install_added(
    fake_bin: FakeBin, credentials_file: Path, tmp_path: Path
) -> None:
    fake_bin.add("crontab", FAKE_CRONTAB)
    fake_bin.crontab = USER_CRONTAB + "\n"
    odd = str(tmp_path / "a b %c\\%" / "credentials")
    installed = run(fake_bin, "remind", "--install", "x\\%y", AWS_SHARED_CREDENTIALS_FILE=odd)
    assert installed.exit_code == 0, installed.output
    assert fake_bin.crontab is not None
    added = fake_bin.crontab.splitlines()[len(USER_CRONTAB.splitlines()) :]
    assert len(added) == 1, added
    assert len(cron_reads(fake_bin.crontab)[0]) == 3  # the user's two jobs and ours
    assert run(fake_bin, "remind", "--uninstall").exit_code == 0
    assert fake_bin.crontab == USER_CRONTAB + "\n"


def test_a_line_too_long_for_cron_is_refused() -> None:
    names = [f"profile-{number:03d}-with-a-long-name" for number in range(40)]
    with pytest.raises(UsageError, match="too long"):
        crontab.reminder_line(["/usr/bin/awsmfa"], (9, 0), names)


def _crontab_dry_run(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Debian's `crontab -n FILE`: checks the syntax and installs nothing."""
    table = tmp_path / "table"
    table.write_text(text)
    return subprocess.run(
        ["crontab", "-n", str(table)], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.fixture
def real_crontab(tmp_path: Path) -> Callable[[str], subprocess.CompletedProcess[str]]:
    import shutil

    if not shutil.which("crontab"):
        pytest.skip("no crontab here (Debian's cron package has one)")
    if _crontab_dry_run("0 9 * * * true\n", tmp_path).returncode != 0:
        pytest.skip("this crontab has no dry run (-n), which Debian's has")
    return lambda text: _crontab_dry_run(text, tmp_path)


def test_the_real_crontab_accepts_the_line_and_its_length_limit(
    real_crontab: Callable[[str], subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    line = crontab.reminder_line(
        [str(tmp_path / "my tools %x" / "awsmfa")],
        (9, 30),
        ODD_NAMES,
        credentials_file=str(tmp_path / "creds 100%" / "credentials"),
    )
    assert real_crontab(f"{USER_CRONTAB}\n{line}\n").returncode == 0
    # The longest line awsmfa writes is one crontab takes; one byte more, both refuse.
    fill = "x" * (
        CRON_COMMAND_LIMIT - len(crontab.reminder_line(["/a"], (9, 0), []).split(" ", 5)[5])
    )
    longest = crontab.reminder_line([f"/a{fill}"], (9, 0), [])
    assert len(longest.split(" ", 5)[5].encode()) == CRON_COMMAND_LIMIT
    assert real_crontab(longest + "\n").returncode == 0
    assert real_crontab(longest.replace("/a", "/ab", 1) + "\n").returncode != 0
    with pytest.raises(UsageError, match="too long"):
        crontab.reminder_line([f"/ab{fill}"], (9, 0), [])
