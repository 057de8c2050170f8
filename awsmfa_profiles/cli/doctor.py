"""`awsmfa doctor NAME`: the whole setup checked, each problem with its fix. Never writes."""

from __future__ import annotations

import os

from awsmfa_profiles.cli import defaults
from awsmfa_profiles.cli.params import AsJson, EndpointUrl, Profile, Region
from awsmfa_profiles.cli.render import count, say, say_json
from awsmfa_profiles.errors import ExitStatus


def doctor(
    name: Profile,
    region: Region = None,
    endpoint_url: EndpointUrl = None,
    as_json: AsJson = False,
) -> int:
    """Check the setup step by step: file, modes, keys, AWS, MFA device, clock, shell
    variables, session. Never writes. Exit 1 if a check failed."""
    from awsmfa_profiles.aws import connect
    from awsmfa_profiles.doctor import DoctorEnvironment, Level, diagnose, failed

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
        say_json(
            [
                {
                    "level": finding.level.value,
                    "title": finding.title,
                    "detail": finding.detail or None,
                    "fix": finding.fix or None,
                }
                for finding in findings
            ]
        )
    else:
        say(f"Checking profile [{name}]:")
        for finding in findings:
            line = f"{finding.level.value:<5} {finding.title}"
            say(f"{line}: {finding.detail}" if finding.detail else line)
            for number, fix in enumerate(finding.fix.splitlines()):
                say(f"{'':6}{'fix: ' if number == 0 else '     '}{fix}")
        failures = sum(finding.level is Level.FAIL for finding in findings)
        warnings = sum(finding.level is Level.WARN for finding in findings)
        if failures:
            say(f"{count(failures, 'check')} failed, {count(warnings, 'warning')}.")
        elif warnings:
            say(f"No check failed; {count(warnings, 'warning')}.")
        else:
            say("No problems found.")
    return ExitStatus.FAILED if failed(findings) else ExitStatus.OK
