"""The distribution: its version, its license and changelog, and the dependency floors CI tests."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import connector_domain

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_version_is_the_distributions() -> None:
    """``__version__`` is the installed distribution's version, which the build reads from ``_version.py``."""
    assert connector_domain.__version__ == version("connector-domain")
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.dev\d+)?", connector_domain.__version__)
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "connector_domain/_version.py"


def test_license_and_changelog_ship_in_the_sdist() -> None:
    """LICENSE is the MIT text the metadata declares; it and CHANGELOG.md are in the sdist."""
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n\nCopyright (c) ")
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()
    assert {"LICENSE", "CHANGELOG.md"} <= set(PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"])


def _release(text: str) -> tuple[int, ...]:
    """``"8"``, ``"8.0"`` and ``"8.0.0"`` alike: the release numbers, less trailing zeros."""
    numbers = [int(part) for part in text.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _floors(requirements: list[str]) -> dict[str, tuple[int, ...]]:
    """Each requirement's name and floor; every requirement has one, and no other bound."""
    floors = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=(\d+(?:\.\d+)*)", requirement)
        assert match, f"{requirement!r}: CI tests floors only, so give a floor (name>=X.Y) and nothing else"
        floors[match[1].lower()] = _release(match[2])
    return floors


def test_the_lowest_versions_ci_tests_are_the_floors() -> None:
    """.ci/lowest.txt pins every direct dependency of the package and its test extra at its floor."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    floors = _floors(PYPROJECT["project"]["dependencies"]) | _floors(extras["test"])
    pins = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[name.lower()] = _release(pinned)
    assert pins == floors
    # The other extras' floors are tested through the test extra's.
    for extra in ("testing", "server", "fast"):
        for name, floor in _floors(extras[extra]).items():
            assert floors[name] == floor, (extra, name)
