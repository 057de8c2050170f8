"""The shared credentials file: read profiles, change one section, save atomically.

This is the only module that knows configupdater. Every line that awsmfa does not mean
to change is written back exactly as it was read: comments, blank lines, spacing,
key order, a UTF-8 byte order mark and CRLF line endings included.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from awsmfa_profiles.durable import decode_text, read_regular_file, write_atomically
from awsmfa_profiles.errors import ConfigError, UsageError, command_line
from awsmfa_profiles.ini import DEFAULT_SECTION, IniError, Section, scan, split_lines
from awsmfa_profiles.keys import LongTermKeys, mask
from awsmfa_profiles.session import (
    ROLE_SESSION,
    USER_SESSION,
    Session,
    SessionKind,
    format_expiration,
    is_role_principal,
    parse_expiration,
)

if TYPE_CHECKING:
    from configupdater import ConfigUpdater

LONG_TERM_SUFFIX = "-long-term"
_BOM = "\ufeff"
_SESSION_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration")
# The expiry under the name saml2aws writes and starship, okta-aws-cli and prompt scripts
# read; kept equal to `expiration`.
EXPIRES_KEY = "x_security_token_expires"
# Whose session it is, as saml2aws records it: the role for a role session, else the user.
PRINCIPAL_KEY = "x_principal_arn"
_OPTION_PREFIX = re.compile(r"\s*[^=:\s][^=:]*?(\s*)([=:])(\s*)")
# A key line up to where its value starts: the key, the delimiter and the spaces around it.
_VALUE_START = re.compile(r"[^=:\s][^=:\n]*?(?P<before>[ \t]*)[=:](?P<after>[ \t]*)")
# Brackets and line breaks cannot be written into a [section] header and read back.
_NOT_IN_NAME = re.compile(r"[\[\]\x00-\x1f\x7f]")
_PROFILES_LISTED = 8


_PLACEHOLDER_SESSION = Session(
    "ASIAPLACEHOLDER00000", "placeholder", "placeholder", datetime(2000, 1, 1, tzinfo=timezone.utc)
)
_PLACEHOLDER_DEVICE = "arn:aws:iam::000000000000:mfa/placeholder"
_PLACEHOLDER_PRINCIPAL = "arn:aws:iam::000000000000:role/placeholder"


def long_term_section(name: str) -> str:
    return f"{name}{LONG_TERM_SUFFIX}"


def check_profile_name(name: str) -> str:
    """A name that can head its own section and that of its long-term keys."""
    if not name or name != name.strip() or _NOT_IN_NAME.search(name):
        raise UsageError(
            f"{name!r} cannot be a profile name",
            hint="Use letters, digits and . _ - @ +, as in `smce-veda`.",
        )
    if name == DEFAULT_SECTION:
        # configparser, and so botocore, lends the keys of [DEFAULT] to every profile.
        raise UsageError(
            "DEFAULT cannot be a profile name: its keys would apply to every profile",
            hint="Use `default` (lowercase), the profile AWS tools use when none is named.",
        )
    if name.endswith(LONG_TERM_SUFFIX):
        raise UsageError(
            f"{name!r} is the section of the long-term keys, not a profile",
            hint=f"Name the profile without {LONG_TERM_SUFFIX}: "
            f"{name[: -len(LONG_TERM_SUFFIX)] or 'NAME'!r}.",
        )
    return name


def can_be_offered(name: str) -> bool:
    """Whether a profile name read from the file may be offered, in a message or to a
    shell completing a command: one awsmfa accepts, that prints as it is typed (no control
    character to drive the terminal, no invisible one to hide in the command line)."""
    if not name.isprintable():
        return False
    try:
        check_profile_name(name)
    except UsageError:
        return False
    return True


class KeysConflict(enum.Enum):
    """Long-term keys in [NAME], where awsmfa writes sessions, and what that calls for."""

    TO_RENAME = "to rename"  # no [NAME-long-term] yet: [NAME] becomes it
    IN_BOTH = "in both"  # [NAME-long-term] holds keys too: one of the two must go


class LongTermProfile(NamedTuple):
    """The long-term keys of `[NAME-long-term]` and every other setting found there."""

    name: str
    access_key_id: str
    secret_access_key: str
    settings: dict[str, str]
    # The section, when aws-mfa's suffix options name another than [NAME-long-term].
    section_name: str | None = None
    # role_arn, or aws-mfa's assume_role, which means the same.
    role_arn: str | None = None

    def __repr__(self) -> str:
        # The secret stays out; the key ID is named as everywhere else, by its end.
        return f"LongTermProfile({self.name!r}, {mask(self.access_key_id)})"

    @property
    def section(self) -> str:
        return self.section_name or long_term_section(self.name)

    @property
    def mfa_device(self) -> str | None:
        return self.settings.get("aws_mfa_device") or self.settings.get("mfa_serial") or None

    def keys(self) -> LongTermKeys:
        return LongTermKeys(self.access_key_id, self.secret_access_key, f"[{self.section}]")


class StoredSession(NamedTuple):
    """What `[NAME]` holds: whether a session token is there, and until when it is good."""

    has_token: bool
    expires_at: datetime | None
    principal_arn: str | None = None  # x_principal_arn; None when not recorded


class CredentialsFile:
    """An in-memory model of one credentials file, faithful to its bytes.

    The text is kept as lines. Reading goes through the fast INI scan; a section being
    changed is handed to configupdater on its own, and its new text replaces its old
    lines when the file is rendered. Every other line is written back as it was read.
    """

    def __init__(self, path: Path, text: str, *, exists: bool, mode: int | None) -> None:
        self.path = path
        self.exists = exists
        self.mode = mode
        self.text = text
        self._bom = text.startswith(_BOM)
        body = text[len(_BOM) :] if self._bom else text
        # Only a file that is CRLF throughout is edited as LF and written back as CRLF;
        # a mixed file keeps every line ending it has.
        self._crlf = "\r\n" in body and body.count("\r\n") == body.count("\n")
        if self._crlf:
            body = body.replace("\r\n", "\n")
        self._lines = split_lines(body)
        try:
            self._sections = scan(self._lines)
        except IniError as error:
            raise _config_error(error, path) from None
        self._by_name = {section.name: section for section in self._sections}
        self._edited: dict[str, ConfigUpdater] = {}  # by section name, in first-edit order
        # What each edited section must read as once rendered (see _verify).
        self._expected: dict[str, dict[str, str]] = {}

    @classmethod
    def load(cls, path: Path) -> CredentialsFile:
        """Read and parse the file; a missing file is an empty one that does not exist yet."""
        text, exists, mode = read_text(path)
        return cls(path, text, exists=exists, mode=mode)

    def reload(self) -> CredentialsFile:
        """The file as it is now: this model when no byte changed, else a new one."""
        text, exists, mode = read_text(self.path)
        if exists == self.exists and text == self.text:
            self.mode = mode
            return self
        return CredentialsFile(self.path, text, exists=exists, mode=mode)

    # Reading

    def sections(self) -> list[str]:
        read = [section.name for section in self._sections if section.name != DEFAULT_SECTION]
        return read + [name for name in self._edited if name not in self._by_name]

    def has_section(self, name: str) -> bool:
        return name != DEFAULT_SECTION and (name in self._by_name or name in self._edited)

    def get(self, section: str, key: str) -> str | None:
        if section in self._edited:
            edited = self._edited[section][section]
            return str(edited[key].value) if edited.has_option(key) else None
        found = self._by_name.get(section)
        return None if found is None else found.value(key.lower())

    def items(self, section: str) -> dict[str, str]:
        if section in self._edited:
            return {
                key: str(option.value or "")
                for key, option in self._edited[section][section].items()
            }
        found = self._by_name.get(section)
        if found is None:
            return {}
        return {key: found.value(key) or "" for key in found.values}

    def long_term_profiles(self) -> list[str]:
        """Names of the profiles that have a `[NAME-long-term]` section, in file order."""
        return [
            section[: -len(LONG_TERM_SUFFIX)]
            for section in self.sections()
            if section.endswith(LONG_TERM_SUFFIX) and len(section) > len(LONG_TERM_SUFFIX)
        ]

    def offered_profiles(self) -> list[str]:
        """The profiles of `long_term_profiles()` that a message may name: the user can
        type them back."""
        return [name for name in self.long_term_profiles() if can_be_offered(name)]

    def sections_holding(self, access_key_id: str) -> list[str]:
        """Every section whose aws_access_key_id is this key, in file order."""
        return [
            section
            for section in self.sections()
            if (self.get(section, "aws_access_key_id") or "").strip() == access_key_id
        ]

    def long_term(self, name: str, section: str | None = None) -> LongTermProfile:
        """The keys of [NAME-long-term], or of `section` when aws-mfa's suffixes name it."""
        suffixed = section is not None
        section = section or long_term_section(name)
        if not self.has_section(section):
            absent = "" if self.exists else " (the file does not exist)"
            close = [] if suffixed else self.close_profiles(name)
            if close:
                hint = _use_instead(close)
            elif suffixed:
                hint = f"Put your long-term keys in [{section}]."
            else:
                hint = self._setup_hint(name)
            raise ConfigError(
                f"no [{section}] section in {self.path}{absent}{self._suggestion(name, close)}",
                hint=hint,
            )
        settings = {key: value.strip() for key, value in self.items(section).items()}
        access_key_id = settings.pop("aws_access_key_id", "")
        secret_access_key = settings.pop("aws_secret_access_key", "")
        missing = [
            key
            for key, value in (
                ("aws_access_key_id", access_key_id),
                ("aws_secret_access_key", secret_access_key),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"[{section}] in {self.path} has no {' and no '.join(missing)}",
                hint=f"Add {' and '.join(f'`{key} = ...`' for key in missing)} to [{section}]; "
                "both long-term keys are needed to ask STS for a session.",
            )
        return LongTermProfile(
            name,
            access_key_id,
            secret_access_key,
            settings,
            section_name=section,
            role_arn=self._role_of(section, settings),
        )

    def _role_of(self, section: str, settings: dict[str, str]) -> str | None:
        role_arn = settings.get("role_arn") or None
        # aws-mfa's name for the same setting: a migrating user keeps the role session.
        assume_role = settings.get("assume_role") or None
        if role_arn and assume_role and role_arn != assume_role:
            raise ConfigError(
                f"[{section}] in {self.path} names two roles: role_arn = {role_arn} and "
                f"assume_role = {assume_role}",
                hint="assume_role is aws-mfa's name for role_arn: keep the line of the role "
                "you mean and delete the other.",
            )
        return role_arn or assume_role

    def require_profile(self, name: str) -> None:
        """ConfigError unless [NAME] or [NAME-long-term] is there."""
        if self.has_section(name) or self.has_section(long_term_section(name)):
            return
        absent = "" if self.exists else " (the file does not exist)"
        close = self.close_profiles(name)
        raise ConfigError(
            f"no profile {name!r} in {self.path}{absent}: neither [{name}] "
            f"nor [{long_term_section(name)}] exists{self._suggestion(name, close)}",
            hint=_use_instead(close)
            if close
            else f"{self._setup_hint(name)} Then run `{command_line('refresh', name)}`.",
        )

    def close_profiles(self, name: str) -> list[str]:
        """Profiles whose name is close to `name`: what a typo most likely meant."""
        import difflib

        return difflib.get_close_matches(name, self.offered_profiles(), n=3, cutoff=0.7)

    def _suggestion(self, name: str, close: list[str]) -> str:
        if close:
            return f"; did you mean {' or '.join(close)}?"
        others = [profile for profile in self.offered_profiles() if profile != name]
        if not others:
            return ""
        shown = ", ".join(others[:_PROFILES_LISTED])
        return f"; its profiles: {shown}{', ...' if len(others) > _PROFILES_LISTED else ''}"

    def _setup_hint(self, name: str) -> str:
        """What `awsmfa init NAME` would do with this file, as it is now."""
        init = f"Run `{command_line('init', name)}`"
        section = long_term_section(name)
        if not self.exists:
            return f"{init}: it creates {self.path} and asks for your long-term keys."
        if self.holds_long_term_keys(name):
            return f"{init}: it renames [{name}] to [{section}], where awsmfa reads the keys."
        if self.get(name, "aws_session_token"):
            return (
                f"[{name}] holds a session, but there are no long-term keys to renew it from. "
                f"{init}: it asks for your long-term keys and keeps the session."
            )
        return f"{init}: it asks for your long-term keys and adds [{section}]."

    def session_kind(self, name: str) -> SessionKind:
        """A role session when [NAME-long-term] names a role, else a plain MFA session."""
        section = long_term_section(name)
        named = self.get(section, "role_arn") or self.get(section, "assume_role")
        # A role named elsewhere (--role-arn, MFA_ASSUME_ROLE) is recorded with the session.
        recorded = is_role_principal(self.get(name, PRINCIPAL_KEY))
        return ROLE_SESSION if named or recorded else USER_SESSION

    def keys_conflict(self, name: str) -> KeysConflict | None:
        """What stands in awsmfa's way when [NAME] holds long-term keys; None when nothing."""
        if not self.holds_long_term_keys(name):
            return None
        if self.has_section(long_term_section(name)):
            return KeysConflict.IN_BOTH
        return KeysConflict.TO_RENAME

    def refuse_long_term_keys(self, name: str, *, refusing: str) -> None:
        """ConfigError when [NAME] holds real keys, with the fix that fits the file."""
        conflict = self.keys_conflict(name)
        if conflict is None:
            return
        section = long_term_section(name)
        if conflict is KeysConflict.IN_BOTH:
            # A rename would make a second [NAME-long-term]; one of the two must go.
            hint = (
                f"[{section}] holds keys too: keep the ones you use there, delete the "
                f"[{name}] section, then run `{command_line('refresh', name)}`."
            )
        else:
            hint = (
                f"Rename the section header [{name}] to [{section}] (or run "
                f"`{command_line('init', name)}`), then run `{command_line('refresh', name)}`."
            )
        raise ConfigError(
            f"[{name}] in {self.path} holds long-term keys (no session token); {refusing}",
            hint=hint,
        )

    def holds_long_term_keys(self, name: str) -> bool:
        """True when `[NAME]` has keys but no session token: the user's own long-term keys."""
        return bool(self.get(name, "aws_access_key_id")) and not self.get(name, "aws_session_token")

    def stored_session(self, name: str) -> StoredSession:
        token = self.get(name, "aws_session_token")
        expiries = []
        for key in ("expiration", EXPIRES_KEY):
            raw_expiry = self.get(name, key)
            if not (token and raw_expiry):
                continue
            try:
                expiries.append(parse_expiration(raw_expiry))
            except ValueError as error:
                raise ConfigError(
                    f"[{name}] in {self.path}: {key} {error}",
                    hint=f"`{command_line('refresh', name)}` replaces it.",
                ) from None
        # Two that differ were written by two tools: the earlier is never too hopeful.
        expires_at = min(expiries) if expiries else None
        principal = (self.get(name, PRINCIPAL_KEY) or "").strip() or None
        return StoredSession(has_token=bool(token), expires_at=expires_at, principal_arn=principal)

    def session(self, name: str) -> Session:
        """The whole session of `[NAME]`, to hand to other tools; every part must be there."""
        values = {key: (self.get(name, key) or "").strip() for key in _SESSION_KEYS[:3]}
        missing = [key for key, value in values.items() if not value]
        if not any((self.get(name, key) or "").strip() for key in ("expiration", EXPIRES_KEY)):
            missing.append("expiration")
        if missing:
            raise ConfigError(
                f"[{name}] in {self.path} has no {' and no '.join(missing)}",
                hint=f"Run `{command_line('refresh', name, '--force')}` to write a whole new "
                "session.",
            )
        expires_at = self.stored_session(name).expires_at
        assert expires_at is not None  # a token and an expiration are both there
        return Session(
            access_key_id=values["aws_access_key_id"],
            secret_access_key=values["aws_secret_access_key"],
            session_token=values["aws_session_token"],
            expires_at=expires_at,
        )

    # Changing

    def set_session(self, name: str, session: Session, *, principal_arn: str | None = None) -> None:
        """Write the session into `[NAME]`, keeping every other key and comment there.

        `principal_arn` is whose session it is; None takes out a record that would no
        longer be true.
        """
        expires = format_expiration(session.expires_at)
        values = {
            "aws_access_key_id": session.access_key_id,
            "aws_secret_access_key": session.secret_access_key,
            "aws_session_token": session.session_token,
            "expiration": expires,
            EXPIRES_KEY: expires,
        }
        if principal_arn is not None:
            values[PRINCIPAL_KEY] = principal_arn
        if self.get(name, "aws_security_token") is not None:
            # aws-mfa writes this older name too; a stale copy would shadow the new token.
            values["aws_security_token"] = session.session_token
        for key in _SESSION_KEYS:
            self.set_value(name, key, values.pop(key))
        for key, value in values.items():
            self.set_value(name, key, value)
        if principal_arn is None:
            self.remove_value(name, PRINCIPAL_KEY)

    def set_value(self, section_name: str, key: str, value: str) -> None:
        """Set one key, changing only its own line, or adding one after the section's last key."""
        section = self._editable(section_name)
        self._expected[section_name][key.lower()] = value
        options = [block for block in section.iter_blocks() if _is_option(block)]
        if section.has_option(key):
            option = section[key]
            # configupdater files an indented comment (or blank line) after a key under
            # that key; it is the user's comment, not part of the value being replaced.
            kept = [
                line
                for line in option.lines[1:]
                if not line.strip() or line.strip().startswith(("#", ";"))
            ]
            start = _VALUE_START.match(option.lines[0]) if option.lines else None
            if start is not None:
                # The line keeps its own layout (spacing, delimiter): only the value changes.
                prefix = start.group(0)
                if start.group("before") and not start.group("after"):
                    prefix += " "  # `key =` had no value to space from
                section[key] = _parsed_option(option.raw_key, prefix + value + "\n" + "".join(kept))
                return
            index = option.container_idx
            option.detach()
            builder = section.insert_at(index).option(option.raw_key, value)
            for line in kept:
                builder.comment(line, comment_prefix="")
            return
        # New lines take the spacing and delimiter of the section's own key lines:
        # configupdater applies them from the syntax its document was made with.
        # After the last key rather than at the end of the section: comment lines at the
        # end of a section annotate the section that follows them and stay above it.
        builder = options[-1].add_after if options else section.insert_at(0)
        builder.option(key, value)

    def remove_value(self, section_name: str, key: str) -> None:
        """Take one key's line out of a section; nothing else moves. No-op when it is absent."""
        if self.get(section_name, key) is None:
            return
        section = self._editable(section_name)
        self._expected[section_name].pop(key.lower(), None)
        option = section[key]
        index = option.container_idx
        option.detach()
        # Comment and blank lines configupdater filed under the key are the user's; they
        # stay where they were.
        kept = [
            line
            for line in option.lines[1:]
            if not line.strip() or line.strip().startswith(("#", ";"))
        ]
        if kept:
            builder = section.insert_at(index)
            for line in kept:
                builder.comment(line, comment_prefix="")

    def _editable(self, name: str) -> Any:
        """The configupdater section for `name`, parsed from its own lines (or new)."""
        if name not in self._edited:
            from configupdater import ConfigUpdater

            found = self._by_name.get(name)
            chunk_lines = [] if found is None else self._lines[found.start : found.end]
            spaced, delimiter = _style_of(chunk_lines[1:])
            other = ":" if delimiter == "=" else "="
            doc = ConfigUpdater(space_around_delimiters=spaced, delimiters=(delimiter, other))
            if found is None:
                doc.add_section(name)
            else:
                chunk = "".join(chunk_lines)
                try:
                    doc.read_string(chunk, source=str(self.path))
                except Exception:
                    raise ConfigError(
                        f"{self.path}, line {found.start + 1}: section [{name}] cannot be "
                        "edited safely",
                        hint="Check that section's lines by hand; the file is unchanged.",
                    ) from None
            self._edited[name] = doc
            self._expected[name] = {} if found is None else found.all_values()
        return self._edited[name][name]

    def rename_section(self, old: str, new: str) -> None:
        """Rename [old] to [new] where it stands; only the header line changes.

        Its keys and comments stay under it, and so do the comment lines directly above
        the header, because nothing moves: the header line is rewritten in place, its
        spacing kept.
        """
        if not self.has_section(old):
            raise ConfigError(f"no [{old}] section in {self.path}")
        if self.has_section(new):
            raise ConfigError(f"[{new}] already exists in {self.path}")
        if old in self._edited:
            # Changed in memory already: configupdater renames its own copy.
            doc = self._edited.pop(old)
            doc[old].name = new
            self._edited[new] = doc
            self._expected[new] = self._expected.pop(old)
        if old not in self._by_name:
            return  # added in memory: there is no line of it yet
        section = self._by_name.pop(old)
        header = self._lines[section.start]
        self._lines[section.start] = header.replace(f"[{old}]", f"[{new}]", 1)
        section.name = new
        self._by_name[new] = section

    def render(self) -> str:
        """The file's new text; ConfigError if an edit would not read back as intended."""
        parts: list[str] = []
        position = 0
        for index, section in enumerate(self._sections):
            if section.name in self._edited and section.name != DEFAULT_SECTION:
                parts.extend(self._lines[position : section.start])
                chunk = str(self._edited[section.name])
                following = self._sections[index + 1] if index + 1 < len(self._sections) else None
                self._verify(section.name, chunk, following)
                parts.append(chunk)
                position = section.end
        parts.extend(self._lines[position:])
        body = "".join(parts)
        for name, doc in self._edited.items():
            if name not in self._by_name:
                # A new section goes at the end, after one blank line.
                if body.strip():
                    body += "\n" if body.endswith("\n") else "\n\n"
                    if body.endswith("\n\n\n"):
                        body = body[:-1]
                chunk = str(doc)
                self._verify(name, chunk, None)
                body += chunk
        if self._crlf:
            body = body.replace("\n", "\r\n")
        return (_BOM if self._bom else "") + body

    def _verify(self, name: str, chunk: str, following: Section | None) -> None:
        """Read the edited section back as configparser would, before anything is written.

        configupdater and configparser disagree on rare layouts (a value continued past a
        comment line, say), where an added key could take over another key's continuation
        line. The section must hold exactly the values meant for it, and the header after
        it must still read as a header.
        """
        lines = split_lines(chunk)
        if following is not None:
            lines.append(self._lines[following.start])
        try:
            found = scan(lines)
        except IniError:
            found = []
        expected_names = [name] if following is None else [name, following.name]
        if [section.name for section in found] != expected_names or (
            found[0].all_values() != self._expected[name]
        ):
            start = self._by_name[name].start + 1 if name in self._by_name else None
            where = f"{self.path}, line {start}" if start else str(self.path)
            raise ConfigError(
                f"{where}: [{name}] is laid out in a way awsmfa cannot change safely "
                "(a value continued past a comment line?)",
                hint=f"Tidy the lines of [{name}] by hand; the file is unchanged.",
            )

    def preview(self, name: str, *, remember_device: bool, long_term: str | None = None) -> None:
        """Raise ConfigError now, before a code is used up, if a session could not be written."""
        import copy

        # Whether a principal is recorded or taken out is known only after STS answers.
        taken_out = [None] if self.get(name, PRINCIPAL_KEY) is not None else []
        for principal in (_PLACEHOLDER_PRINCIPAL, *taken_out):
            scratch = copy.copy(self)
            scratch._edited, scratch._expected = {}, {}
            scratch.set_session(name, _PLACEHOLDER_SESSION, principal_arn=principal)
            if remember_device:
                section = long_term or long_term_section(name)
                scratch.set_value(section, "aws_mfa_device", _PLACEHOLDER_DEVICE)
            scratch.render()

    def save(self) -> int | None:
        """Write atomically with mode 0600; return the looser mode it replaced, if any."""
        return write_atomically(self.path, self.render())


def read_text(path: Path) -> tuple[str, bool, int | None]:
    """The file's text, whether it exists, and its mode; ConfigError for what is no text."""
    read = read_regular_file(
        path, fix="Move it aside, or point AWS_SHARED_CREDENTIALS_FILE at an ordinary file."
    )
    if read is None:
        return "", False, None
    data, mode = read
    lone_return = re.search(rb"\r(?!\n)", data)
    if lone_return and b"\0" not in data:
        # botocore reads a lone CR as a line break, configparser (and awsmfa) do not:
        # the two would see different keys.
        line = data[: lone_return.start()].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: a carriage return without a line feed (an old Mac line ending)",
            hint="Save the file with LF or CRLF line endings.",
        )
    return decode_text(data, path), True, mode


def _use_instead(close: list[str]) -> str:
    if len(close) == 1:
        return f"[{long_term_section(close[0])}] holds the keys of {close[0]}: name that profile."
    return "Name one of those profiles."


def _config_error(error: IniError, path: Path) -> ConfigError:
    where = f"{path}, line {error.lineno}"
    if error.kind == "no-section":
        return ConfigError(
            f"{where}: a line before the first [section] header",
            hint="Every key must be inside a section such as [default].",
        )
    if error.kind == "duplicate-section":
        return ConfigError(
            f"{where}: section [{error.section}] appears a second time",
            hint="Merge the two sections into one.",
        )
    if error.kind == "duplicate-key":
        return ConfigError(
            f"{where}: key {error.key!r} appears a second time in [{error.section}]",
            hint="Keep one of the two lines.",
        )
    return ConfigError(
        f"{where}: cannot be parsed as an INI file",
        hint="Each line must be a [section] header, a key = value, or a comment.",
    )


def _parsed_option(raw_key: str, text: str) -> Any:
    """An option read from `text` (its key line and the comment lines under it), which
    configupdater writes back exactly as it was read."""
    from configupdater import ConfigUpdater

    doc = ConfigUpdater(delimiters=("=", ":"))
    doc.read_string(f"[scratch]\n{text}")
    option = doc["scratch"][raw_key]
    option.detach()
    return option


def _is_option(block: Any) -> bool:
    from configupdater import Option

    return isinstance(block, Option)


def _style_of(lines: list[str]) -> tuple[bool, str]:
    """Spacing around the delimiter, and the delimiter, of the first key line among `lines`."""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        match = _OPTION_PREFIX.match(line)
        if match:
            return bool(match.group(1) or match.group(3)), match.group(2)
        break
    return True, "="
