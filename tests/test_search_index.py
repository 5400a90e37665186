"""The indexed search against a scan: the same page for any store and any parameters.

``Store.search`` reads indexes that every change keeps in step; this file
builds random stores (several owners, private and public, listed, assigned
and unlisted connectors, republished, edited and deleted ones) through the
store's public operations and compares every search with a filter over all
the production Connectors, written here from mock-service.md ("Connector
search") without the library's visibility rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connector_domain import (
    AddPrivateProject,
    CertificationPassed,
    CertificationStarted,
    Connector,
    ConnectorStagedDraft,
    ConnectorUpdate,
    Creator,
    DomainError,
    IntegrationType,
    Publish,
    PublishingSucceeded,
    RemovePrivateProject,
    Repository,
    ServiceEvent,
    SetCreatorCompany,
    SetDescription,
    SetIntegrationTypes,
    SetName,
    Unlist,
)
from connector_domain.mock import SimulatedClock, Store
from connector_domain.mock.query import Page, Stored

START = datetime(2024, 1, 1, tzinfo=UTC)
PROJECTS = [f"europe-west1.gcp:project-{n}" for n in range(4)]
TYPES = [IntegrationType.ERP, IntegrationType.CRM, IntegrationType.TAX]
COMPANIES = [None, "ACME", "Initech"]
WORDS = st.sampled_from(["Alpha", "beta", "GAMMA", "Straße", "ERP sync", "", "Alpha\x00beta"])

_projects = st.lists(st.sampled_from(PROJECTS), unique=True, max_size=3).map(tuple)
_types = st.lists(st.sampled_from(TYPES), unique=True, max_size=2).map(tuple)

# A connector created, then taken through part of its lifecycle, then some time passing.
_creations = st.tuples(
    st.just("create"),
    st.sampled_from([None, *PROJECTS]),
    _projects,
    WORDS,
    WORDS,
    _types,
    st.sampled_from([(), ("publish",), ("certify",), ("certify", "unlist"), ("publish", "certify")]),
    st.sampled_from([0, 0.001, 1]),
)
# One step on the connector at an index (modulo the number created): each one a way the
# search's answer can change.
_steps = st.one_of(
    st.tuples(st.sampled_from(["publish", "certify", "unlist", "delete"]), st.integers(0, 20), st.sampled_from([0, 1])),
    st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 20), st.sampled_from(PROJECTS)),
    st.tuples(st.just("name"), st.integers(0, 20), WORDS),
    st.tuples(st.just("description"), st.integers(0, 20), WORDS),
    st.tuples(st.just("company"), st.integers(0, 20), st.sampled_from(COMPANIES[1:])),
    st.tuples(st.just("types"), st.integers(0, 20), _types),
    st.tuples(st.just("advance"), st.sampled_from([0, 0.001, 1])),
    _creations,
)
_histories = st.tuples(st.lists(_creations, min_size=1, max_size=12), st.lists(_steps, max_size=30)).map(
    lambda parts: parts[0] + parts[1]
)


class _World:
    """A store, and what this test remembers of it: every id created, and its owner."""

    def __init__(self) -> None:
        counter = iter(range(1, 10_000))
        self.clock = SimulatedClock(START)
        self.store = Store(ids=lambda: f"id-{next(counter)}", clock=self.clock)
        self.owners: dict[str, str | None] = {}

    def run(self, step: tuple[Any, ...]) -> None:
        kind, *args = step
        if kind == "create":
            owner, private_projects, name, description, types, fate, pause = args
            key = f"k{len(self.owners)}"
            draft = ConnectorStagedDraft(
                key=key,
                name=name or key,
                description=description or None,
                integration_types=types,
                creator=Creator(email="jane.doe@example.com"),
                repository=Repository(url="git@github.com:example/connector.git", tag="v1.0.0"),
                private_projects=private_projects,
            )
            created = self.store.create(draft, owner=owner)
            assert not isinstance(created, DomainError)
            self.owners[created.resource.id] = owner
            for kind in fate:
                self._act(kind, created.resource.id)
            self.clock.advance(pause)
        elif kind == "advance":
            self.clock.advance(args[0])
        elif self.owners:
            id = list(self.owners)[args[0] % len(self.owners)]
            if kind in ("publish", "certify", "unlist", "delete"):
                self.clock.advance(args[1])  # a pause first, so republications move in time
                self._act(kind, id)
            else:
                self._act(kind, id, *args[1:])

    def _act(self, kind: str, id: str, *args: Any) -> None:
        if kind == "delete":
            self.store.delete(id)
            return
        actions: dict[str, Callable[..., Any]] = {
            "publish": lambda: Publish(certification=False),
            "certify": lambda: Publish(certification=True),
            "unlist": Unlist,
            "add": lambda project: AddPrivateProject(private_project=project),
            "remove": lambda project: RemovePrivateProject(private_project=project),
            "name": lambda word: SetName(name=word or "unnamed"),
            "description": lambda word: SetDescription(description=word),
            "company": lambda company: SetCreatorCompany(creator_company=company),
            "types": lambda types: SetIntegrationTypes(integration_types=types),
        }
        current = self.store.get(id)
        if isinstance(current, DomainError):
            return  # deleted
        update = ConnectorUpdate(version=current.resource.version, actions=(actions[kind](*args),))
        if isinstance(self.store.update(id, update), DomainError):
            return
        events: dict[str, list[ServiceEvent]] = {
            "publish": [PublishingSucceeded()],
            "certify": [PublishingSucceeded(), CertificationStarted(), CertificationPassed()],
        }
        for event in events.get(kind, []):
            self.store.deliver(id, event)

    def scan(self, project: str, **params: Any) -> tuple[int, list[str]]:
        """The total and the ids of the page, by a filter over every production Connector."""
        published: list[tuple[Stored[Connector], Any, str | None]] = []
        for id, owner in self.owners.items():
            connector, staged = self.store.connector(id), self.store.get(id)
            if not isinstance(connector, DomainError) and not isinstance(staged, DomainError):
                published.append((connector, staged.resource, owner))
        published.sort(key=lambda entry: entry[0].sequence)  # the order of first publication
        found = [c for c, staged, owner in published if _matches(c.resource, staged, owner, project, params)]
        for field, descending in reversed([item.split() for item in params.get("sort", [])]):
            found.sort(key=_ORDER[field], reverse=descending == "desc")
        offset, limit = params.get("offset", 0), params.get("limit", 20)
        return len(found), [s.resource.id for s in found[offset : offset + limit]]


def _matches(connector: Connector, staged: Any, owner: str | None, project: str, params: dict[str, Any]) -> bool:
    mine = owner is not None and project == owner
    if staged.private and project not in staged.private_projects and not mine:
        return False  # a private connector: only the projects it lists, and its owner
    if not staged.already_listed and not mine:
        return False  # unlisted: hidden from all but the owner
    if params.get("private") and project not in staged.private_projects:
        return False
    text = params.get("text")
    if text and not any(
        text.casefold() in (value or "").casefold() for value in (connector.name, connector.description)
    ):
        return False
    company = params.get("creator_company")
    if company is not None and connector.creator.company != company:
        return False
    if params.get("ids") and connector.id not in params["ids"]:
        return False
    if params.get("keys") and connector.key not in params["keys"]:
        return False
    types = params.get("integration_types")
    return not types or bool(set(types) & set(connector.integration_types))


_ORDER: dict[str, Callable[[Stored[Connector]], Any]] = {
    "createdAt": lambda s: s.created_at,
    "lastModifiedAt": lambda s: s.last_modified_at,
    "id": lambda s: s.resource.id,
    "key": lambda s: (s.resource.key is None, s.resource.key or ""),
    "name": lambda s: s.resource.name,
    "version": lambda s: s.resource.version,
}


SORTS = [f"{field} {direction}" for field in _ORDER for direction in ("asc", "desc")]


def _parameters(ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A few parameters at a time: with all of them, almost every search would find nothing."""
    values: dict[str, st.SearchStrategy[Any]] = {
        "text": st.sampled_from(["a", "ALP", "ss", "sync", "k1", "straße", "zzz", "", "a\x00b"]),
        "private": st.booleans(),
        "creator_company": st.sampled_from(COMPANIES[1:]),
        "ids": st.lists(st.sampled_from([*ids, "id-missing"]), min_size=1, max_size=3),
        "keys": st.lists(st.sampled_from([f"k{n}" for n in range(len(ids))] + ["k-missing"]), min_size=1, max_size=3),
        "integration_types": st.lists(st.sampled_from(TYPES), max_size=2),
        "limit": st.sampled_from([0, 1, 2, 5, 20, 500]),
        "offset": st.sampled_from([0, 1, 3, 10]),
        "sort": st.lists(st.sampled_from(SORTS), min_size=1, max_size=2),
    }
    names = st.lists(st.sampled_from(sorted(values)), max_size=3, unique=True)
    return names.flatmap(lambda chosen: st.fixed_dictionaries({name: values[name] for name in chosen}))


class TestIndexedSearch:
    """Store.search answers what a scan of every production Connector answers."""

    # Each example builds a store and runs ten searches: 250 examples at most, even under the "ci"
    # profile, keep the test within a few seconds.
    @settings(max_examples=min(settings().max_examples, 250))
    @given(_histories, st.data())
    def test_the_page_and_total_are_a_scans(self, steps: list[tuple[Any, ...]], data: st.DataObject) -> None:
        """For any store and any parameters, the total and the page (ids, in order) are the scan's."""
        world = _World()
        for step in steps:
            world.run(step)
        for _ in range(10):
            project = data.draw(st.sampled_from([*PROJECTS, "europe-west1.gcp:stranger"]), label="project")
            params = data.draw(_parameters(list(world.owners)), label="params")
            page = world.store.search(project=project, **params)
            assert isinstance(page, Page), page
            assert (page.total, [s.resource.id for s in page.results]) == world.scan(project, **params)

    @given(_histories, st.sampled_from(PROJECTS), st.sampled_from([0, 1, 4]))
    def test_every_order_is_a_stable_sort(self, steps: list[tuple[Any, ...]], project: str, offset: int) -> None:
        """Each sort field, either way, orders the page as a stable sort of the publication order does."""
        world = _World()
        for step in steps:
            world.run(step)
        for sort in [[], *([item] for item in SORTS)]:
            for limit in (2, 500):
                page = world.store.search(project=project, sort=sort, offset=offset, limit=limit)
                assert isinstance(page, Page), page
                expected = world.scan(project, sort=sort, offset=offset, limit=limit)
                assert (page.total, [s.resource.id for s in page.results]) == expected, sort

    @given(_histories)
    def test_the_results_are_the_stored_connectors(self, steps: list[tuple[Any, ...]]) -> None:
        """Every result is the production Connector the store serves from GET /connectors/{id} and by key."""
        world = _World()
        for step in steps:
            world.run(step)
        for project in PROJECTS:
            page = world.store.search(project=project, limit=500)
            assert isinstance(page, Page)
            for found in page.results:
                assert world.store.connector(found.resource.id) is found
                assert found.resource.key is not None
                assert world.store.connector_by_key(found.resource.key) is found

    def test_text_never_spans_the_name_and_the_description(self) -> None:
        """A text matches within the name or within the description, whatever characters it holds."""
        world = _World()
        world.run(("create", PROJECTS[0], (), "Alpha", "beta", (), ("certify",), 0))
        world.run(("create", PROJECTS[0], (), "Alpha\x00beta", "", (), ("certify",), 0))
        for text in ("a\x00b", "A\x00B", "alpha"):
            page = world.store.search(project=PROJECTS[1], text=text)
            assert isinstance(page, Page)
            assert (page.total, [s.resource.id for s in page.results]) == world.scan(PROJECTS[1], text=text)
        page = world.store.search(project=PROJECTS[1], text="a\x00b")
        assert isinstance(page, Page) and [s.resource.id for s in page.results] == ["id-2"]
