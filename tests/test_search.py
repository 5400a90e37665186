"""Connector search: the visibility rule, each parameter, and the endpoint over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import (
    CertificationPassed,
    CertificationStarted,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorUpdate,
    Creator,
    DomainError,
    IntegrationType,
    InvalidQueryParam,
    Publish,
    PublishingSucceeded,
    Repository,
    SetName,
    Unlist,
    check_deployment,
)
from connector_domain.access import visible
from connector_domain.mock import SimulatedClock, Store
from connector_domain.mock.query import Page
from connector_domain.mock.server import create_app, serving
from tests.official_schema import checked_client

START = datetime(2024, 1, 1, tzinfo=UTC)
ME = "europe-west1.gcp:my-project"
OTHER = "europe-west1.gcp:other-project"
LISTED = "europe-west1.gcp:listed-project"


def _draft(key: str, **fields: Any) -> ConnectorStagedDraft:
    values: dict[str, Any] = {
        "key": key,
        "name": f"Connector {key}",
        "creator": Creator(email="jane.doe@example.com"),
        "repository": Repository(url="git@github.com:example/connector.git", tag="v1.0.0"),
        **fields,
    }
    return ConnectorStagedDraft(**values)


def _ok(result: Any) -> Any:
    assert not isinstance(result, DomainError), result
    return result


def _act(store: Store, id: str, *actions: Any) -> None:
    version = _ok(store.get(id)).resource.version
    _ok(store.update(id, ConnectorUpdate(version=version, actions=actions)))


def _publish(store: Store, id: str, *, certified: bool = False) -> None:
    _act(store, id, Publish(certification=certified))
    events = (PublishingSucceeded(), CertificationStarted(), CertificationPassed()) if certified else (
        PublishingSucceeded(),
    )  # fmt: skip
    for event in events:
        _ok(store.deliver(id, event))


def _keys(page: Page[Any] | InvalidQueryParam) -> list[str]:
    assert isinstance(page, Page), page
    return [s.resource.key for s in page.results]


@pytest.fixture
def store() -> Store:
    """Five connectors of ME: a certified public one, a private one listing LISTED, a private one of
    nobody else, an unlisted certified one, and a draft never published."""
    counter = iter(range(1, 100))
    store = Store(ids=lambda: f"id-{next(counter)}", clock=SimulatedClock(START))
    types = (IntegrationType.ERP,)
    _ok(store.create(_draft("public", integration_types=types, description="An ERP bridge"), owner=ME))
    _publish(store, "id-1", certified=True)
    creator = Creator(email="jane.doe@example.com", company="ACME")
    _ok(store.create(_draft("shared", private_projects=(LISTED,), creator=creator), owner=ME))
    _publish(store, "id-2")
    _ok(store.create(_draft("mine"), owner=ME))
    _publish(store, "id-3")
    _ok(store.create(_draft("unlisted", integration_types=(IntegrationType.CRM,)), owner=ME))
    _publish(store, "id-4", certified=True)
    _act(store, "id-4", Unlist())
    _ok(store.create(_draft("draft"), owner=ME))
    return store


class TestVisible:
    """access.visible: public, listed, or owned."""

    def _staged(self, **changes: Any) -> ConnectorStaged:
        base = Store(ids=lambda: "id-1").create(_draft("k1"))
        assert not isinstance(base, DomainError)
        return attrs.evolve(base.resource, **changes)

    def test_public_is_visible_to_every_project(self) -> None:
        """A connector that is not private is visible to any project."""
        assert visible(self._staged(private=False), OTHER)

    def test_private_is_visible_to_listed_projects_only(self) -> None:
        """A private connector is visible to its privateProjects, and hidden from the rest."""
        staged = self._staged(private_projects=(LISTED,))
        assert visible(staged, LISTED) and not visible(staged, OTHER)

    def test_private_is_visible_to_its_owner(self) -> None:
        """The creating project sees its own private connector, listed or not."""
        staged = self._staged()
        assert visible(staged, ME, owner=ME) and not visible(staged, ME)

    def test_check_deployment_shares_the_rule(self) -> None:
        """check_deployment's first rule is visible's: the owner passes it, another project does not."""
        staged = attrs.evolve(self._staged(), published_before=True)
        assert check_deployment(staged, ME, owner=ME) is None
        refused = check_deployment(staged, OTHER, owner=ME)
        assert refused is not None and refused.code == "ConnectorReferenceNotFound"


class TestSearch:
    """Store.search, parameter by parameter."""

    def test_the_owner_sees_every_production_connector_it_made(self, store: Store) -> None:
        """The owner sees its published connectors, unlisted and private ones included, not its drafts."""
        assert _keys(store.search(project=ME)) == ["public", "shared", "mine", "unlisted"]

    def test_another_project_sees_public_listed_connectors(self, store: Store) -> None:
        """Another project sees the public, listed ones; private and unlisted ones are hidden."""
        assert _keys(store.search(project=OTHER)) == ["public"]

    def test_a_listed_project_sees_the_private_connector(self, store: Store) -> None:
        """A project in privateProjects sees that private connector."""
        assert _keys(store.search(project=LISTED)) == ["public", "shared"]

    def test_private_true_keeps_the_connectors_assigned_to_the_project(self, store: Store) -> None:
        """private=true keeps only the connectors whose privateProjects list the project."""
        assert _keys(store.search(project=LISTED, private=True)) == ["shared"]
        assert _keys(store.search(project=LISTED, private=False)) == ["public", "shared"]

    def test_text_matches_name_or_description_case_insensitively(self, store: Store) -> None:
        """text is a case-insensitive substring of name or description."""
        assert _keys(store.search(project=ME, text="erp BRIDGE")) == ["public"]
        assert _keys(store.search(project=ME, text="CONNECTOR MI")) == ["mine"]

    def test_creator_company_is_exact(self, store: Store) -> None:
        """creator.company matches the company exactly."""
        assert _keys(store.search(project=ME, creator_company="ACME")) == ["shared"]
        assert _keys(store.search(project=ME, creator_company="acme")) == []

    def test_ids_keys_and_types_match_any_of_their_values(self, store: Store) -> None:
        """Several values of one parameter match any; different parameters all hold."""
        assert _keys(store.search(project=ME, ids=["id-1", "id-3"])) == ["public", "mine"]
        assert _keys(store.search(project=ME, keys=["mine", "shared"])) == ["shared", "mine"]
        both: list[IntegrationType | str] = ["erp", IntegrationType.CRM]
        assert _keys(store.search(project=ME, integration_types=both)) == ["public", "unlisted"]
        assert _keys(store.search(project=ME, integration_types=both, keys=["unlisted", "mine"])) == ["unlisted"]

    def test_paging_and_sort(self, store: Store) -> None:
        """limit and offset page the matches; sort orders them, equal values in publication order."""
        page = store.search(project=ME, limit=2, offset=1, sort=["key desc"])
        assert _keys(page) == ["shared", "public"]
        assert isinstance(page, Page) and (page.total, page.count) == (4, 2)
        assert _keys(store.search(project=ME, limit=0)) == []

    def test_the_snapshot_is_what_was_published(self, store: Store) -> None:
        """A later edit of the staged resource does not show in the search until it is published."""
        _act(store, "id-3", SetName(name="Renamed"))
        (found,) = _ok(store.search(project=ME, keys=["mine"])).results
        assert found.resource.name == "Connector mine"

    def test_bad_parameters_name_each_one(self, store: Store) -> None:
        """Out-of-range paging, an unknown sort field and an unknown type are each named."""
        refused = store.search(project=ME, limit=501, offset=-1, sort=["status asc"], integration_types=["nope"])
        assert isinstance(refused, InvalidQueryParam)
        for name in ("limit", "offset", "sort[0]", "integrationTypes[0]"):
            assert name in refused.detailed_error_message

    @given(st.sampled_from([ME, OTHER, LISTED]), st.text(max_size=3), st.booleans())
    def test_every_result_is_visible_and_matches(self, project: str, text: str, private: bool) -> None:
        """Whatever the parameters, every result is visible to the caller and contains the text."""
        store = _filled()
        page = store.search(project=project, text=text, private=private, limit=500)
        assert isinstance(page, Page)
        for found in page.results:
            staged = _ok(store.get(found.resource.id)).resource
            assert visible(staged, project, owner=ME)
            assert staged.already_listed or project == ME
            haystack = f"{found.resource.name}\n{found.resource.description or ''}".casefold()
            assert text.casefold() in haystack or not text
            assert not private or project in staged.private_projects


def _filled() -> Store:
    counter = iter(range(1, 100))
    store = Store(ids=lambda: f"id-{next(counter)}", clock=SimulatedClock(START))
    for n, projects in enumerate([(), (LISTED,), (OTHER, LISTED)]):
        _ok(store.create(_draft(f"k{n}", private_projects=projects, description=f"about {n}"), owner=ME))
        _publish(store, f"id-{n + 1}", certified=n == 0)
    return store


@pytest.fixture
def client(store: Store) -> Iterator[httpx.Client]:
    """A client of a server over *store*, acting as ME."""
    app = create_app(store, project="my-project", region="europe-west1.gcp")
    with serving(app) as url, checked_client(url, timeout=10) as client:
        yield client


class TestSearchEndpoint:
    """GET /connectors/search over HTTP."""

    def test_answers_a_connector_search_page(self, client: httpx.Client) -> None:
        """The endpoint answers 200 with a ConnectorSearchPagedQueryResponse of production Connectors."""
        answer = client.get("/connectors/search", params={"limit": 2})
        assert answer.status_code == 200
        body = answer.json()
        assert {k: body[k] for k in ("limit", "offset", "count", "total")} == {
            "limit": 2,
            "offset": 0,
            "count": 2,
            "total": 4,
        }
        assert [r["key"] for r in body["results"]] == ["public", "shared"]
        assert "certified" in body["results"][0] and "status" not in body["results"][0]

    @pytest.mark.parametrize(
        ("params", "keys"),
        [
            ([("text", "erp bridge")], ["public"]),
            ([("private", "true")], []),
            ([("private", "false")], ["public", "shared", "mine", "unlisted"]),
            ([("creator.company", "ACME")], ["shared"]),
            ([("id", "id-3"), ("id", "id-1")], ["public", "mine"]),
            ([("key", "mine"), ("key", "unlisted")], ["mine", "unlisted"]),
            ([("integrationTypes", "crm"), ("integrationTypes", "erp")], ["public", "unlisted"]),
            ([("sort", "key desc")], ["unlisted", "shared", "public", "mine"]),
            ([("limit", "1"), ("offset", "2")], ["mine"]),
            ([("key", "mine"), ("key", "shared"), ("creator.company", "ACME")], ["shared"]),
        ],
    )
    def test_each_parameter_is_read(
        self, client: httpx.Client, params: list[tuple[str, str | int | float | bool | None]], keys: list[str]
    ) -> None:
        """Each parameter, alone, narrows or orders the answer as it says; different parameters all hold."""
        answer = client.get("/connectors/search", params=params)
        assert answer.status_code == 200, answer.text
        assert [r["key"] for r in answer.json()["results"]] == keys

    def test_search_is_not_an_id(self, client: httpx.Client) -> None:
        """search is a literal segment: it never reads as a Connector id."""
        answer = client.get("/connectors/search")
        assert answer.status_code == 200 and "results" in answer.json()

    def test_bad_parameters_are_refused(self, client: httpx.Client) -> None:
        """A malformed limit or private is a 400 naming it."""
        answer = client.get("/connectors/search", params={"limit": "many", "private": "yes"})
        assert answer.status_code == 400
        message = answer.json()["errors"][0]
        assert "limit" in str(message) and "private" in str(message)
