"""The fast INI scan reads every file exactly as configparser (and so botocore) reads it."""

from __future__ import annotations

import configparser

import pytest
from hypothesis import given, settings
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
