"""What a non-editable install ships: every package of awsmfa, not just the top one.

The editable install the tests run from finds every module in the source tree, so a
package left out of the distribution only shows once a user installs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_in_the_distribution() -> None:
    assert packages_in_tree() <= shipped_packages()


def packages_in_tree() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "awsmfa_profiles").rglob("__init__.py")
    }


def shipped_packages() -> set[str]:
    """The packages pyproject.toml tells setuptools to put into the wheel."""
    if sys.version_info < (3, 11):
        pytest.skip("tomllib is new in Python 3.11")
    else:
        import tomllib
        from setuptools import find_packages

        text = (ROOT / "pyproject.toml").read_text()
        packages = tomllib.loads(text)["tool"]["setuptools"].get("packages", {})
        if isinstance(packages, list):
            return set(packages)
        include = packages["find"].get("include", ["*"])
        return set(find_packages(where=str(ROOT), include=include))
