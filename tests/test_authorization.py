"""The scopes of every endpoint, cell by cell against the facts' tables, and the one check that reads them."""

from __future__ import annotations

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
from tests import scopes_table


def test_each_trait_lists_the_scopes_of_the_facts() -> None:
    """TRAIT_SCOPES is the facts' trait table, in its order."""
    table = scopes_table.trait_scopes()
    assert len(table) == len(Trait) == 4
    assert {Trait(name): scopes for name, scopes in table.items()} == dict(TRAIT_SCOPES)


def test_the_scope_names_are_the_facts_six() -> None:
    """SCOPE_NAMES is the scheme's five, in RAML order, and manage_api_clients."""
    assert scopes_table.scope_names() == SCOPE_NAMES
    assert len(SCOPE_NAMES) == 6


def test_each_endpoint_has_the_trait_of_the_facts() -> None:
    """ENDPOINTS is the facts' table of 21 operations, cell by cell, and nothing more."""
    table = {endpoint: Trait(trait) for endpoint, (trait, _success) in scopes_table.endpoints().items()}
    assert len(scopes_table.rows(scopes_table.ENDPOINTS_HEADING)) == len(table) == 21
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
