"""`awsmfa init NAME`: the long-term keys into [NAME-long-term], the MFA device noted."""

from __future__ import annotations

import functools

from awsmfa_profiles.cli import defaults, prompts
from awsmfa_profiles.cli.render import note, say, tightened
from awsmfa_profiles.durable import replaced_files
from awsmfa_profiles.errors import Interrupted, command_line


def init(
    name: str,
    *,
    discover: bool = True,
    region: str | None = None,
    endpoint_url: str | None = None,
    timeout: str | None = None,
) -> None:
    """Put the long-term keys in [NAME-long-term] and note the MFA device."""
    from awsmfa_profiles.aws import connect as connect_to_aws
    from awsmfa_profiles.init import Action, DeviceKnown, prepare, record_device
    from awsmfa_profiles.keys import mask

    # Resolved first: a bad value is refused before anything is read or sent.
    connect = functools.partial(connect_to_aws, timeout=defaults.aws_timeout(timeout))
    path = defaults.credentials_path()
    interactive = defaults.interactive()
    prepared = prepare(
        name, credentials_path=path, ask_keys=prompts.ask_keys if interactive else None
    )
    if prepared.created_directory:
        note(f"Created {path.parent} (mode 0700).")
    if prepared.tightened_directory is not None:
        note(
            f"Tightened {path.parent} from {prepared.tightened_directory:04o} to 0700: "
            "only you should reach your keys."
        )
    if prepared.tightened_file is not None:
        tightened(path, prepared.tightened_file)
    key = mask(prepared.access_key_id)
    if prepared.action is Action.RENAMED:
        say(
            f"Renamed [{name}] to [{prepared.section}] in {path} (access key {key}); "
            f"awsmfa writes the session into [{name}]."
        )
    elif prepared.action is Action.WRITTEN:
        say(f"Wrote access key {key} and its secret to [{prepared.section}] in {path}.")
    else:
        say(f"[{prepared.section}] in {path} is ready (access key {key}); nothing to change.")

    if prepared.action is not Action.READY and not discover:
        note("The MFA device will be looked up on the first refresh.")
    elif prepared.action is not Action.READY:
        note("Looking up the MFA device of these keys with AWS (--no-discover skips this)...")
        try:
            found = record_device(
                name,
                credentials_path=path,
                config_path=defaults.config_path(),
                connect=connect,
                region=defaults.region_from(region),
                endpoint_url=endpoint_url,
                choose=prompts.choose_device if interactive else None,
            )
        except (KeyboardInterrupt, EOFError):
            saves = len(replaced_files())  # the keys' save, then perhaps the device's
            raise Interrupted(
                "interrupted; the keys and the MFA device are saved"
                if saves > 1
                else "interrupted; the keys are saved, and the first refresh will look up the "
                "MFA device"
            ) from None
        if not isinstance(found, DeviceKnown):
            note(f"Could not look up the MFA device: {found.reason}")
            if found.hint:
                note(found.hint)
            note(f"The keys are saved; `{command_line('doctor', name)}` checks the setup.")
        elif found.recorded:
            note(f"Recorded MFA device {found.device} as aws_mfa_device in [{prepared.section}].")
            if found.key_created is not None:
                note(
                    f"Recorded when access key {key} was created, "
                    f"{found.key_created.strftime('%Y-%m-%d')}, as aws_access_key_created: "
                    "doctor and check --json tell its age."
                )
        else:
            note(f"MFA device {found.device}, as named in your files.")
    say(f"Next: {command_line('refresh', name)}")
