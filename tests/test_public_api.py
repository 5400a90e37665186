"""The public names, and the core importing without Hypothesis."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import connector_domain
from connector_domain import codec

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_documented_names_import() -> None:
    """The names other code is written against import exactly as written."""
    for name in (
        "create", "apply", "apply_update", "UpdateAction", "ConnectorUpdate", "ConnectorStaged",
        "ConnectorStagedDraft", "ConnectorStagedPagedQueryResponse", "DomainError",
    ):  # fmt: skip
        assert hasattr(connector_domain, name), name
    for name in ("from_wire", "to_wire", "error_response", "InvalidInput"):
        assert hasattr(codec, name), name
    assert issubclass(codec.InvalidInput, ValueError)


def test_all_lists_only_existing_names() -> None:
    """Every name in __all__ exists, and __all__ has no duplicates."""
    assert len(set(connector_domain.__all__)) == len(connector_domain.__all__)
    for name in connector_domain.__all__:
        assert hasattr(connector_domain, name), name


def test_core_imports_without_hypothesis() -> None:
    """The core package and its codec import with Hypothesis blocked."""
    script = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import connector_domain, connector_domain.codec, connector_domain.diagram, connector_domain.__main__\n"
        "assert 'hypothesis' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_package_is_typed() -> None:
    """The package ships its py.typed marker."""
    assert (ROOT / "connector_domain" / "py.typed").exists()


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
