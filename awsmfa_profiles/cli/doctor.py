"""`awsmfa doctor NAME`: the whole setup checked, each problem with its fix. Never writes."""

from __future__ import annotations

import functools
import os

from awsmfa_profiles.cli import defaults
from awsmfa_profiles.cli.render import finding_entry, finding_lines, say, say_json
from awsmfa_profiles.errors import ExitStatus


def doctor(
    name: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    as_json: bool = False,
    timeout: str | None = None,
    defaulted: bool = False,
) -> int:
    """Report each check of the setup; exit status 1 when one failed. `defaulted`: no NAME
    was typed and no variable named one, so `default` was used."""
    from awsmfa_profiles.aws import connect as connect_to_aws
    from awsmfa_profiles.doctor import DoctorEnvironment, diagnose, failed

    # Resolved first: a bad value is refused before anything is read or sent.
    connect = functools.partial(connect_to_aws, timeout=defaults.aws_timeout(timeout))
    findings = diagnose(
        name,
        DoctorEnvironment(
            credentials_path=defaults.credentials_path(),
            config_path=defaults.config_path(),
            now=defaults.utc_now,
            connect=connect,
            environ=os.environ,
            region=defaults.region_from(region),
            endpoint_url=endpoint_url,
        ),
    )
    if as_json:
        say_json([finding_entry(finding) for finding in findings])
    else:
        # Said first: a newcomer may not know which profile awsmfa picked, or why.
        why = " (no NAME given, and $AWS_PROFILE is not set)" if defaulted else ""
        say(f"Checking profile [{name}]{why}:")
        for line in finding_lines(findings):
            say(line)
    return ExitStatus.FAILED if failed(findings) else ExitStatus.OK
