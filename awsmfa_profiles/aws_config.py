"""Read-only access to a profile's settings in the AWS config file (~/.aws/config)."""

from __future__ import annotations

import configparser
from pathlib import Path

from awsmfa_profiles.errors import ConfigError


def profile_settings(config_path: Path, name: str) -> dict[str, str]:
    """The keys of `[profile NAME]` (or `[default]`), empty when the file or section is absent."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(config_path.read_text(encoding="utf-8-sig"), source=str(config_path))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {config_path}: {error}") from None
    except configparser.Error as error:
        line = getattr(error, "lineno", None)
        where = f", line {line}" if line else ""
        raise ConfigError(
            f"{config_path}{where}: cannot be parsed as an AWS config file",
            hint="Each line must be a [profile NAME] header, a key = value, or a comment.",
        ) from None
    candidates = ["default", "profile default"] if name == "default" else [f"profile {name}"]
    for section in candidates:
        if parser.has_section(section):
            return {key: value.strip() for key, value in parser.items(section)}
    return {}
