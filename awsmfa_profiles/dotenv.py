"""The .env dialect of python-dotenv, the library notebooks load .env files with: quote a
value so that it reads back exactly, and merge keys into a file's text changing nothing
else. A line holds one of our keys exactly when python-dotenv would read it so.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Values made only of these need no quotes, for python-dotenv nor for a shell; AWS keys,
# tokens and ISO 8601 times always are.
_SAFE_VALUE = re.compile(r"[\w@%+=:,./-]+", re.ASCII)

# python-dotenv 1.x's own patterns (dotenv/parser.py), used the way its parser uses them.
_GAP = re.compile(r"\s*")
_BLANK = re.compile(r"[^\S\r\n]*")
_EXPORT = re.compile(r"(?:export[^\S\r\n]+)?")
_SINGLE_QUOTED_KEY = re.compile(r"'([^']+)'")
_UNQUOTED_KEY = re.compile(r"([^=\#\s]+)")
_EQUAL_SIGN = re.compile(r"=[^\S\r\n]*")
_SINGLE_QUOTED_VALUE = re.compile(r"'((?:\\.|[^'\\])*)'", re.DOTALL)
_DOUBLE_QUOTED_VALUE = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_UNQUOTED_VALUE = re.compile(r"[^\r\n]*")
_INLINE_COMMENT = re.compile(r"\s+#.*")
_COMMENT = re.compile(r"(?:[^\S\r\n]*#[^\r\n]*)?")
_END_OF_LINE = re.compile(r"[^\S\r\n]*(?:\r\n|\n|\r|$)")
_REST_OF_LINE = re.compile(r"[^\r\n]*(?:\r|\n|\r\n)?")
_SINGLE_QUOTE_ESCAPE = re.compile(r"\\[\\']")
_DOUBLE_QUOTE_ESCAPE = re.compile(r"\\[\\'\"abfnrtv]")
_ESCAPED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def dotenv_quote(value: str) -> str:
    """A value python-dotenv reads back exactly; bare when it can be, as a shell would take it."""
    if _SAFE_VALUE.fullmatch(value):
        return value
    # Single quotes: python-dotenv expands ${VAR} in bare and double-quoted values only.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# The .env merge.


class _Binding(NamedTuple):
    """One statement of a .env file as python-dotenv splits it, with where its parts are."""

    key: str | None  # None: a comment, or a line python-dotenv cannot read (error)
    value: str | None  # None: a key with no `=`
    start: int  # where its line begins, after any blank lines before it
    value_start: int  # the value's span; empty where a new value would go
    value_end: int
    end: int  # after its line ending
    error: bool = False


def merge_dotenv(text: str, values: list[tuple[str, str]], *, added_prefix: str = "") -> str:
    """Set each key of `values` in a .env text, changing nothing else.

    A key already there gets the new value where it stands (its `export`, spacing and
    comment kept); a later repeat of it is dropped; a key not there is added at the end.
    Raises ValueError, naming the line, if the result would not read back as written.
    """
    wanted = dict(values)
    seen: set[str] = set()
    pieces: list[str] = []
    cursor = 0
    for binding in _bindings(text):
        if binding.key is None or binding.key not in wanted:
            continue
        if binding.key in seen:
            # A repeat would override the value set above for python-dotenv, or confuse
            # a reader: drop the whole statement, line ending included.
            pieces.append(text[cursor : binding.start])
            cursor = binding.end
            continue
        seen.add(binding.key)
        assigned = dotenv_quote(wanted[binding.key])
        pieces.append(text[cursor : binding.value_start])
        pieces.append(assigned if binding.value is not None else "=" + assigned)
        cursor = binding.value_end
    pieces.append(text[cursor:])
    merged = "".join(pieces)

    missing = [key for key in wanted if key not in seen]
    if missing:
        newline = "\r\n" if _uses_crlf(text) else "\n"
        body = merged.removeprefix("\ufeff")
        if body and not body.endswith(("\n", "\r")):
            merged += newline
        if not seen and body.strip() and not merged.endswith(newline * 2):
            merged += newline  # a blank line sets a new block apart from the file's own lines
        merged += "".join(
            f"{added_prefix}{key}={dotenv_quote(wanted[key])}{newline}" for key in missing
        )
    _verify(merged, wanted, text)
    return merged


def _verify(merged: str, wanted: dict[str, str], original: str) -> None:
    # An unclosed quote earlier in a file can swallow the lines after it; then refuse
    # rather than write a file whose keys would not read back.
    read_back: dict[str, list[str | None]] = {}
    for binding in _bindings(merged):
        if binding.key in wanted:
            read_back.setdefault(binding.key, []).append(binding.value)
    if all(read_back.get(key) == [value] for key, value in wanted.items()):
        return
    broken = next((b for b in _bindings(original) if b.error), None)
    where = f"line {_line_of(original, broken.start)}" if broken else "a line"
    raise ValueError(
        f"{where} cannot be read as KEY=VALUE (an unclosed quote?), and the session "
        "would not read back if written after it"
    )


def _uses_crlf(text: str) -> bool:
    return "\r\n" in text and text.count("\r\n") == text.count("\n")


def _line_of(text: str, offset: int) -> int:
    return len(re.findall(r"\r\n|\n|\r", text[:offset])) + 1


class _Unreadable(Exception):
    def __init__(self, position: int) -> None:
        self.position = position


def _bindings(text: str) -> list[_Binding]:
    found: list[_Binding] = []
    # python-dotenv skips a byte order mark; it stays in the file untouched.
    position = 1 if text.startswith("\ufeff") else 0
    while position < len(text):
        gap_end = _match(_GAP, text, position).end()
        if gap_end == len(text):
            break
        last_break = max(text.rfind("\n", position, gap_end), text.rfind("\r", position, gap_end))
        start = last_break + 1 if last_break >= 0 else position
        try:
            binding = _binding_at(text, gap_end, start)
        except _Unreadable as failure:
            end = _match(_REST_OF_LINE, text, failure.position).end()
            binding = _Binding(None, None, start, end, end, end, error=True)
        found.append(binding)
        position = binding.end
    return found


def _binding_at(text: str, position: int, start: int) -> _Binding:
    position = _match(_EXPORT, text, position).end()
    key: str | None = None
    if not text.startswith("#", position):
        quoted = text.startswith("'", position)
        found = _match(_SINGLE_QUOTED_KEY if quoted else _UNQUOTED_KEY, text, position)
        key, position = found.group(1), found.end()
    value: str | None = None
    value_start = value_end = position
    after_key = _match(_BLANK, text, position).end()
    if text.startswith("=", after_key):
        equal_sign = _match(_EQUAL_SIGN, text, after_key)
        position = value_start = value_end = equal_sign.end()
        first = text[position : position + 1]
        if len(equal_sign.group()) > 1 and first == "#":
            # `KEY= # comment`: an empty value, then a comment. A new value goes right
            # after the `=`, so the space keeps the comment a comment.
            value = ""
            value_start = value_end = after_key + 1
        elif first in ("'", '"'):
            single = first == "'"
            found = _match(_SINGLE_QUOTED_VALUE if single else _DOUBLE_QUOTED_VALUE, text, position)
            value = _unescape(found.group(1), single=single)
            position = value_end = found.end()
        elif first in ("", "\n", "\r"):
            value = ""
        else:
            part = _match(_UNQUOTED_VALUE, text, position).group()
            value = _INLINE_COMMENT.sub("", part).rstrip()
            value_end = position + len(value)
            position += len(part)
    else:
        position = after_key
    position = _match(_COMMENT, text, position).end()
    end = _match(_END_OF_LINE, text, position).end()
    return _Binding(key, value, start, value_start, value_end, end)


def _match(pattern: re.Pattern[str], text: str, position: int) -> re.Match[str]:
    found = pattern.match(text, position)
    if found is None:
        raise _Unreadable(position)
    return found


def _unescape(raw: str, *, single: bool) -> str:
    if single:
        return _SINGLE_QUOTE_ESCAPE.sub(lambda m: m.group()[1], raw)
    return _DOUBLE_QUOTE_ESCAPE.sub(lambda m: _ESCAPED.get(m.group()[1], m.group()[1]), raw)
