"""The scopes of every endpoint, cell by cell against the facts' tables, and the one check that reads them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain.authorization import (
    ENDPOINTS,
    SCOPE_NAMES,
    TRAIT_SCOPES,
    Scope,
    Trait,
    allows,
    parse_scopes,
    projects_of,
)
from tests.conftest import FIXTURES

TABLES = (FIXTURES / "scopes.md").read_text(encoding="utf-8")
_ROW = re.compile(r"^\| (.+?) \|$", re.MULTILINE)


def _rows(heading: str) -> list[list[str]]:
    """The body rows of the table under *heading* in the copied facts, cells stripped of backticks."""
    section = TABLES.split(heading, 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip().strip("`") for cell in row.split(" | ")] for row in _ROW.findall(section)]
    return rows[1:]  # after the header (the rule |---| is no row of cells)


def _trait(cell: str) -> Trait:
    """``manage_connectors_deployments (+ ...)`` or a trait's full name, as the facts write them."""
    name = cell.split(" ", 1)[0].strip("`")
    return Trait(name if name.startswith("secured_by_") else f"secured_by_{name}")


def test_each_trait_lists_the_scopes_of_the_facts() -> None:
    """TRAIT_SCOPES is the facts' trait table, in its order."""
    rows = _rows("### Traits (scope lists)")
    assert len(rows) == len(Trait) == 4
    for trait_cell, scopes_cell in rows:
        listed = tuple(s.strip().strip("`").removesuffix(":{projectKey}") for s in scopes_cell.split(","))
        assert TRAIT_SCOPES[_trait(trait_cell)] == listed


def test_each_endpoint_has_the_trait_of_the_facts() -> None:
    """ENDPOINTS is the facts' table of 21 operations, cell by cell, and nothing more."""
    rows = _rows("### Every endpoint of the Connect API and its trait (21 operations)")
    table = {(method, path): _trait(trait) for method, path, trait, _success in rows}
    assert len(rows) == 21
    assert dict(ENDPOINTS) == table


def test_manage_project_is_accepted_everywhere_and_the_two_families_never_mix() -> None:
    """The facts' consequences: manage_project everywhere; no /connectors endpoint takes a deployments scope."""
    for (_method, path), trait in ENDPOINTS.items():
        scopes = TRAIT_SCOPES[trait]
        assert "manage_project" in scopes
        deployments = path.startswith("/{projectKey}/deployments")
        assert all(("connectors_deployments" in s) == deployments for s in scopes if s != "manage_project")


@pytest.mark.parametrize(
    ("scope", "trait", "project", "expected"),
    [
        ("manage_project:p1", Trait.MANAGE_CONNECTORS_DEPLOYMENTS, "p1", True),
        ("manage_project:p1", Trait.MANAGE_CONNECTORS_DEPLOYMENTS, "p2", False),
        ("view_connectors:p1", Trait.VIEW_CONNECTORS, "p1", True),
        ("view_connectors:p1", Trait.MANAGE_CONNECTORS, "p1", False),
        ("manage_connectors:p1", Trait.VIEW_CONNECTORS, "p1", True),
        ("manage_connectors:p1", Trait.VIEW_CONNECTORS_DEPLOYMENTS, "p1", False),
        ("view_connectors_deployments:p1", Trait.VIEW_CONNECTORS_DEPLOYMENTS, "p1", True),
        ("view_connectors_deployments:p1", Trait.MANAGE_CONNECTORS_DEPLOYMENTS, "p1", False),
        ("manage_connectors_deployments:p1", Trait.VIEW_CONNECTORS_DEPLOYMENTS, "p1", True),
        ("manage_api_clients:p1", Trait.MANAGE_CONNECTORS_DEPLOYMENTS, "p1", False),
    ],
)
def test_allows_one_accepted_scope_of_the_project(scope: str, trait: Trait, project: str, expected: bool) -> None:
    scopes = parse_scopes(scope)
    assert allows(scopes, trait, project) is expected


@given(
    st.lists(st.tuples(st.sampled_from(SCOPE_NAMES), st.sampled_from(["p1", "p2", "p-3"])), max_size=6),
    st.sampled_from(list(Trait)),
    st.sampled_from(["p1", "p2", "p-3"]),
)
def test_allows_is_any_of_the_listed_scopes_for_the_project(
    pairs: list[tuple[str, str]], trait: Trait, project: str
) -> None:
    """For all scope sets: allowed exactly when one of them is listed for the trait and bound to the project."""
    scopes = [Scope(name, key) for name, key in pairs]
    assert allows(scopes, trait, project) == any(name in TRAIT_SCOPES[trait] and key == project for name, key in pairs)
    assert parse_scopes(" ".join(map(str, scopes))) == tuple(dict.fromkeys(scopes))


@pytest.mark.parametrize("text", ["manage_project", "manage_everything:p1", "manage_project:p", "a:b:c", "x" * 500])
def test_parse_scopes_names_the_first_bad_scope(text: str) -> None:
    with pytest.raises(ValueError, match="is not a scope") as raised:
        parse_scopes(f"view_connectors:p1 {text}")
    assert len(str(raised.value)) < 300


def test_projects_of_lists_each_project_once_in_order() -> None:
    scopes = parse_scopes("view_connectors:pb manage_project:pa view_connectors_deployments:pb")
    assert projects_of(scopes) == ("pb", "pa")
    assert parse_scopes("") == ()
