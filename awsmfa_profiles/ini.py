"""A fast reader of the INI dialect that configparser, and so every AWS SDK, reads.

It follows `configparser.RawConfigParser._read` with the settings botocore uses (strict,
`#` and `;` full-line comments, blank lines allowed inside values) line for line, and
records where each section starts, so the file model can hand configupdater just the
sections it edits. Reading a 2000-profile file this way takes a fraction of the time a
full configupdater or configparser parse does, and `check` never imports configupdater.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# configparser's own patterns (RawConfigParser._SECT_TMPL, _OPT_TMPL, NONSPACECRE).
_SECTION = re.compile(r"\[(?P<header>.+)\]")
_OPTION = re.compile(r"(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$")
_NONSPACE = re.compile(r"\S")
_COMMENT_PREFIXES = ("#", ";")
DEFAULT_SECTION = "DEFAULT"


class IniError(Exception):
    """Where and why the text is not what configparser reads; never quotes the line."""

    def __init__(self, kind: str, lineno: int, *, section: str = "", key: str = "") -> None:
        super().__init__(f"{kind} at line {lineno}")
        self.kind = kind  # "no-section", "duplicate-section", "duplicate-key", "syntax"
        self.lineno = lineno
        self.section = section
        self.key = key


@dataclass
class Section:
    """One `[name]` block: its header's line index and each key's joined value."""

    name: str
    start: int  # index of the header line
    end: int = -1  # index after its last line: the next header, or the end of the text
    values: dict[str, list[str]] = field(default_factory=dict)

    def all_values(self) -> dict[str, str]:
        return {key: self.value(key) or "" for key in self.values}

    def value(self, key: str) -> str | None:
        lines = self.values.get(key)
        # configparser joins a value's lines with newlines and strips the end.
        return None if lines is None else "\n".join(lines).rstrip()


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split where configparser splits them: at `\\n` only."""
    lines = text.split("\n")
    last = lines.pop()
    result = [line + "\n" for line in lines]
    if last:
        result.append(last)
    return result


def scan(lines: list[str]) -> list[Section]:
    """The sections of `lines` in order; IniError where configparser would refuse them."""
    sections: list[Section] = []
    by_name: dict[str, Section] = {}
    # configparser merges every [DEFAULT] block into one, so a key repeated across
    # them is a duplicate too.
    default_values: dict[str, list[str]] = {}
    current: Section | None = None
    key: str | None = None
    indent_level = 0
    syntax_error: IniError | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(_COMMENT_PREFIXES):
            # A blank line inside a value belongs to it; a comment line belongs to nothing.
            if not stripped and current is not None and key and key in current.values:
                current.values[key].append("")
            continue
        first = _NONSPACE.search(line)
        indent = first.start() if first else 0
        if current is not None and key and indent > indent_level:
            current.values[key].append(stripped)
            continue
        indent_level = indent
        header = _SECTION.match(stripped)
        if header:
            name = header.group("header")
            if name in by_name and name != DEFAULT_SECTION:
                raise IniError("duplicate-section", index + 1, section=name)
            current = Section(name, start=index)
            if name == DEFAULT_SECTION:
                current.values = default_values
            sections.append(current)
            if name != DEFAULT_SECTION:
                by_name[name] = current
            key = None
            continue
        if current is None:
            raise IniError("no-section", index + 1)
        option = _OPTION.match(stripped)
        if option is None or not option.group("option"):
            syntax_error = syntax_error or IniError("syntax", index + 1, section=current.name)
            if option is None:
                continue
        key = option.group("option").rstrip().lower()
        if key in current.values:
            raise IniError("duplicate-key", index + 1, section=current.name, key=key)
        current.values[key] = [option.group("value").strip()]
    if syntax_error is not None:
        raise syntax_error
    for position, section in enumerate(sections):
        following = sections[position + 1] if position + 1 < len(sections) else None
        section.end = len(lines) if following is None else following.start
    return sections
