"""`awsmfa rotate NAME`: a new long-term access key into [NAME-long-term], the old one
deactivated and deleted."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from awsmfa_profiles.cli import defaults, prompts, render
from awsmfa_profiles.cli.render import note, relay, say
from awsmfa_profiles.errors import ExitStatus, UsageError, command_line

if TYPE_CHECKING:
    from awsmfa_profiles.rotate import Plan, Progress


def rotate(
    name: str,
    *,
    yes: bool = False,
    dry_run: bool = False,
    code: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    timeout: str | None = None,
) -> int:
    """Replace the long-term key of [NAME-long-term], asking first unless told not to."""
    from awsmfa_profiles import mfa
    from awsmfa_profiles.aws import connect as connect_to_aws
    from awsmfa_profiles.refresh import Refreshed
    from awsmfa_profiles.rotate import (
        Declined,
        DryRun,
        RotateEnvironment,
        RotateOptions,
    )
    from awsmfa_profiles.rotate import rotate as run_rotate

    # Resolved first: a bad value is refused before anything is read or sent.
    connect = functools.partial(connect_to_aws, timeout=defaults.aws_timeout(timeout))

    interactive = defaults.interactive()
    if not (yes or dry_run or interactive):
        raise UsageError(
            "awsmfa rotate asks before it changes your keys, and there is no terminal to ask on",
            hint=f"Pass --yes to rotate without asking, or see what it would do first: "
            f"{command_line('rotate', name, '--dry-run')}",
        )
    section = f"{name}-long-term"
    credentials_path = defaults.credentials_path()

    def show(plan: Plan) -> None:
        now = defaults.utc_now()
        if isinstance(plan.refreshed, Refreshed):
            render.refreshed(name, plan.refreshed, credentials_path, now)
        for line in render.rotation_plan(plan, now, dry_run=dry_run):
            say(line)

    def confirm(plan: Plan) -> bool:
        show(plan)
        return yes or prompts.confirm("Go ahead?")

    def progress(event: Progress) -> None:
        line = render.rotation_step(event, section)
        if line is not None:
            note(line)

    outcome = run_rotate(
        name,
        RotateOptions(
            code=None if code is None else mfa.check_code(code),
            region=defaults.region_from(region),
            endpoint_url=endpoint_url,
            dry_run=dry_run,
        ),
        RotateEnvironment(
            credentials_path=credentials_path,
            config_path=defaults.config_path(),
            now=defaults.utc_now,
            connect=connect,
            sleep=defaults.sleep,
            relay_process_stderr=relay,
            progress=progress,
            confirm=confirm,
            ask_code=prompts.ask_code if interactive else None,
            choose_device=prompts.choose_device if interactive else None,
        ),
    )
    if isinstance(outcome, DryRun):
        show(outcome.plan)
        say("Nothing was changed (--dry-run).")
        return ExitStatus.OK
    if isinstance(outcome, Declined):
        note("Nothing was changed.")
        return ExitStatus.FAILED
    if outcome.loosened_mode is not None:
        render.tightened(credentials_path, outcome.loosened_mode)
    say(render.rotation_result(outcome))
    return ExitStatus.OK
