"""The facts' authorization tables (``tests/fixtures/scopes.md``, a copy of section 4), read as plain strings.

Tests compare the library's table (``connector_domain.authorization``) and
the mock's answers with these, so nothing here imports the library: the
expectation of a test stays independent of the code it checks.
"""

from __future__ import annotations

import re
from typing import Final

from tests.conftest import FIXTURES

TABLES: Final = (FIXTURES / "scopes.md").read_text(encoding="utf-8")
_ROW: Final = re.compile(r"^\| (.+?) \|$", re.MULTILINE)
_SCOPE: Final = re.compile(r"`([a-z_]+):\{projectKey\}`")


def section(heading: str) -> str:
    """The text under *heading*, up to its first blank line."""
    return TABLES.split(heading, 1)[1].split("\n\n", 1)[0]


def rows(heading: str) -> list[list[str]]:
    """The body rows of the table under *heading*, cells stripped of backticks."""
    table = section(heading)
    found = [[cell.strip().strip("`") for cell in row.split(" | ")] for row in _ROW.findall(table)]
    return found[1:]  # after the header (the rule |---| is no row of cells)


def trait_name(cell: str) -> str:
    """The full trait name of a cell: ``manage_connectors_deployments (+ ...)`` or ``secured_by_...``."""
    name = cell.split(" ", 1)[0].strip("`")
    return name if name.startswith("secured_by_") else f"secured_by_{name}"


def scope_names() -> tuple[str, ...]:
    """The six scope names the facts name: the scheme's five, in RAML order, then ``manage_api_clients``."""
    return tuple(_SCOPE.findall(section("### The five scopes (scheme's `scopes`, in RAML order)")))


def trait_scopes() -> dict[str, tuple[str, ...]]:
    """Trait name -> the scope names it lists, in the facts' order."""
    return {
        trait_name(trait): tuple(s.strip().strip("`").removesuffix(":{projectKey}") for s in scopes.split(","))
        for trait, scopes in rows("### Traits (scope lists)")
    }


#: The heading of the table of the 21 operations.
ENDPOINTS_HEADING: Final = "### Every endpoint of the Connect API and its trait (21 operations)"


def endpoints() -> dict[tuple[str, str], tuple[str, int]]:
    """(method, path template) -> (its trait's name, its success status), for each of the 21 operations."""
    return {
        (method, path): (trait_name(trait), int(success)) for method, path, trait, success in rows(ENDPOINTS_HEADING)
    }


def accepts(method: str, template: str, scope: str) -> bool:
    """Whether the facts let a token of *scope* (a scope name) call *method* *template* of its own project."""
    trait, _success = endpoints()[(method, template)]
    return scope in trait_scopes()[trait]
