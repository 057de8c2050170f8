"""The fast INI scan reads every file exactly as configparser (and so botocore) reads it."""

from __future__ import annotations

import configparser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile_files import credentials_text

from awsmfa_profiles.ini import IniError, scan, split_lines

KIND_OF = {
    configparser.MissingSectionHeaderError: "no-section",
    configparser.DuplicateSectionError: "duplicate-section",
    configparser.DuplicateOptionError: "duplicate-key",
    configparser.ParsingError: "syntax",
}


def configparser_view(text: str) -> dict[str, dict[str, str]] | tuple[str, int]:
    parser = configparser.RawConfigParser(strict=True)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        kind = KIND_OF[type(error)]
        line = error.errors[0][0] if kind == "syntax" else error.lineno  # type: ignore[attr-defined]
        return kind, line
    view = {name: dict(parser.items(name, raw=True)) for name in parser.sections()}
    if parser.defaults():
        view["DEFAULT"] = dict(parser.defaults())
    return view


def scan_view(text: str) -> dict[str, dict[str, str]] | tuple[str, int]:
    try:
        sections = scan(split_lines(text))
    except IniError as error:
        return error.kind, error.lineno
    view: dict[str, dict[str, str]] = {}
    defaults = {}
    for section in sections:
        values = {key: section.value(key) or "" for key in section.values}
        if section.name == "DEFAULT":
            defaults.update(values)
        else:
            view[section.name] = values
    # configparser shows DEFAULT's keys in every section.
    for values in view.values():
        for key, value in defaults.items():
            values.setdefault(key, value)
    if defaults:
        view["DEFAULT"] = defaults
    return view


@settings(max_examples=400, deadline=None)
@given(data=credentials_text())
def test_scan_agrees_with_configparser(data: bytes) -> None:
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return
    if "\0" in text:
        return
    assert scan_view(text) == configparser_view(text)


@pytest.mark.parametrize(
    "text",
    [
        "[a]\nk = v\n  continued\n\n  after blank\n# comment\n  ; indented comment\nj=1\n",
        "  # indented comment first\n[a]\n",
        "[a] trailing text\nk=v\n",
        "[a]\n[DEFAULT]\nr = 1\n[b]\nk : v\n",
        "[a]\n  [not a header]\n",
        "[a]\nk\n",
        "[a]\n=v\n",
        "[a]\nk=1\n[DEFAULT]\nx=1\n[DEFAULT]\nx=2\n",
        "k=v\n",
        "[a]\r\nk = v\r\n",
    ],
)
def test_scan_agrees_on_the_corners(text: str) -> None:
    assert scan_view(text) == configparser_view(text)


def test_sections_know_their_lines() -> None:
    lines = split_lines("# top\n[a]\nk=v\n\n# about b\n[b]\nj=w")
    a, b = scan(lines)
    assert (a.name, a.start, a.end) == ("a", 1, 5)
    assert (b.name, b.start, b.end) == ("b", 5, 7)
    assert lines[-1] == "j=w"


def test_split_lines_splits_at_newlines_only() -> None:
    assert split_lines("a\rb\x0cc\u2028d\ne") == ["a\rb\x0cc\u2028d\n", "e"]
    assert split_lines("") == []
    assert split_lines("a\n") == ["a\n"]


# The scan uses str methods where configparser uses patterns; these lines aim at the
# places where the two could part: Unicode whitespace (for `\s`, strip and indentation),
# both delimiters in either order, brackets inside and after a header, continuation
# lines, and line breaks other than \n inside a line.
ODD_SPACE = st.sampled_from([" ", "\t", "\xa0", "\u3000", "\x1c", "\x0c", "\x0b", "\x85", "\r"])
ODD_TEXT = st.text(alphabet="aB=:[]#; \t\xa0\u2028\x1c\r", max_size=8)


@st.composite
def odd_line(draw: st.DrawFn) -> str:
    indent = "".join(draw(st.lists(ODD_SPACE, max_size=3)))
    name = draw(st.sampled_from(["a", "b", "DEFAULT", "a]b", " a", "x y", ""]))
    content = draw(
        st.one_of(
            ODD_TEXT,
            st.builds("[{}]{}".format, st.just(name), ODD_TEXT),
            st.builds(
                "{}{}{}{}{}".format,
                st.sampled_from(["k", "K", "k:x", "k=x", "ké", "", "k k"]),
                st.lists(ODD_SPACE, max_size=2).map("".join),
                st.sampled_from(["=", ":"]),
                st.lists(ODD_SPACE, max_size=2).map("".join),
                ODD_TEXT,
            ),
        )
    )
    return indent + content


@settings(max_examples=600, deadline=None)
@given(lines=st.lists(odd_line(), max_size=12), start=st.sampled_from(["[a]\n", ""]))
def test_scan_agrees_with_configparser_on_odd_lines(lines: list[str], start: str) -> None:
    text = start + "\n".join(lines)
    assert scan_view(text) == configparser_view(text)


@given(text=st.text(alphabet="a\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", max_size=12))
def test_split_lines_matches_configparsers_reading(text: str) -> None:
    import io

    # configparser.read_string reads through a StringIO, which breaks at \n alone.
    assert split_lines(text) == list(io.StringIO(text))
