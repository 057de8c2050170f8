"""A fast reader of the INI dialect that configparser, and so every AWS SDK, reads.

It follows `configparser.RawConfigParser._read` with the settings botocore uses (strict,
`#` and `;` full-line comments, blank lines allowed inside values) line for line, and
records where each section starts, so the file model can hand configupdater just the
sections it edits. Reading a 2000-profile file this way takes a fraction of the time a
full configupdater or configparser parse does, and `check` never imports configupdater.
"""

from __future__ import annotations

import gc

DEFAULT_SECTION = "DEFAULT"


class IniError(Exception):
    """Where and why the text is not what configparser reads; never quotes the line."""

    def __init__(self, kind: str, lineno: int, *, section: str = "", key: str = "") -> None:
        super().__init__(f"{kind} at line {lineno}")
        self.kind = kind  # "no-section", "duplicate-section", "duplicate-key", "syntax"
        self.lineno = lineno
        self.section = section
        self.key = key


class Section:
    """One `[name]` block: its header's line index and each key's value."""

    # A plain class with slots: a large file has tens of thousands of sections.
    __slots__ = ("end", "name", "start", "values")

    def __init__(self, name: str, start: int) -> None:
        self.name = name
        self.start = start  # index of the header line
        self.end = -1  # index after its last line: the next header, or the end of the text
        # Each key's lines joined with newlines, as configparser joins them before it
        # strips the end.
        self.values: dict[str, str] = {}

    def all_values(self) -> dict[str, str]:
        return {key: value.rstrip() for key, value in self.values.items()}

    def value(self, key: str) -> str | None:
        joined = self.values.get(key)
        return None if joined is None else joined.rstrip()


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split where configparser splits them: at `\\n` only."""
    lines = text.splitlines(keepends=True)
    # splitlines also breaks at \r, \f, \u2028 and others. When it found as many lines
    # as there are \n-ended ones, it broke nowhere else (a break at the very end
    # changes nothing), and its list is the one wanted, made in C.
    if len(lines) != text.count("\n") + (not text.endswith("\n") and text != ""):
        lines = [line + "\n" for line in text.split("\n")]
        last = lines.pop()[:-1]
        if last:
            lines.append(last)
    return lines


def scan(lines: list[str]) -> list[Section]:
    """The sections of `lines` in order; IniError where configparser would refuse them."""
    # Nothing made here can form a reference cycle, and the collector, set off by the
    # many objects a large file needs, would walk them all again and again for nothing.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _scan(lines)
    finally:
        if paused:
            gc.enable()


def _scan(lines: list[str]) -> list[Section]:
    # configparser.RawConfigParser._read, line for line, with str methods in place of its
    # patterns (SECTCRE, _OPT_TMPL, NONSPACECRE): their `\s` is str.isspace's whitespace.
    sections: list[Section] = []
    by_name: dict[str, Section] = {}
    # configparser merges every [DEFAULT] block into one, so a key repeated across
    # them is a duplicate too.
    default_values: dict[str, str] = {}
    current: Section | None = None
    values: dict[str, str] = {}  # those of `current`
    key: str | None = None
    indent_level = 0
    syntax_error: IniError | None = None
    # One string per distinct key: a large file repeats the same few keys thousands of
    # times, and the file model keeps them all.
    known_keys: dict[str, str] = {}
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            # A blank line inside a value belongs to it.
            if key:
                values[key] += "\n"
            continue
        first = stripped[0]
        if first == "#" or first == ";":
            continue  # a comment line belongs to nothing
        # A line that starts with its first non-blank character is not indented.
        indent = 0 if line[0] == first else len(line) - len(line.lstrip())
        if key and indent > indent_level:
            values[key] += "\n" + stripped
            continue
        indent_level = indent
        # `\[(?P<header>.+)\]`: up to the last `]`, with at least one character inside.
        closing = stripped.rfind("]") if first == "[" else -1
        if closing > 1:
            name = stripped[1:closing]
            if name in by_name and name != DEFAULT_SECTION:
                raise IniError("duplicate-section", index + 1, section=name)
            current = Section(name, start=index)
            if name == DEFAULT_SECTION:
                current.values = default_values
            else:
                by_name[name] = current
            values = current.values
            sections.append(current)
            key = None
            continue
        if current is None:
            raise IniError("no-section", index + 1)
        # `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the key ends at the first
        # delimiter of the two.
        option, delimiter, value = stripped.partition("=")
        if ":" in option:
            option, delimiter, value = stripped.partition(":")
        if not delimiter:
            syntax_error = syntax_error or IniError("syntax", index + 1, section=current.name)
            continue
        key = option.rstrip().lower()
        key = known_keys.setdefault(key, key)
        if not key:
            syntax_error = syntax_error or IniError("syntax", index + 1, section=current.name)
        if key in values:
            raise IniError("duplicate-key", index + 1, section=current.name, key=key)
        values[key] = value.strip()
    if syntax_error is not None:
        raise syntax_error
    for position, section in enumerate(sections):
        following = sections[position + 1] if position + 1 < len(sections) else None
        section.end = len(lines) if following is None else following.start
    return sections
