"""The in-memory store: examples for each operation, and properties against a naive model."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import (
    AddCertificationComment,
    ConcurrentModification,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStagedPagedQueryResponse,
    ConnectorStatus,
    ConnectorUpdate,
    Creator,
    DomainError,
    DuplicateField,
    IntegrationType,
    InvalidOperation,
    InvalidQueryParam,
    IsPreviewable,
    Publish,
    PublishingSucceeded,
    Repository,
    ResourceNotFound,
    SetName,
    Unlist,
    UpdatePreviewable,
    apply,
    codec,
    create,
)
from connector_domain.events import CertificationPassed, CertificationStarted, PreviewGranted
from connector_domain.mock.simulation import PREVIEW, STATUS, Schedule, answer
from connector_domain.mock.store import Automatic, Manual, Page, SimulatedClock, Store, Stored

START = datetime(2024, 1, 1, tzinfo=UTC)
T = TypeVar("T")


def draft(key: str | None = None, name: str = "A connector", types: tuple[IntegrationType, ...] | None = None):
    return ConnectorStagedDraft(
        key=key,
        name=name,
        creator=Creator(email="jane.doe@example.com"),
        repository=Repository(url="git@github.com:example/connector.git", tag="v1.0.0"),
        integration_types=types,
    )


def make_store(**kwargs: Any) -> tuple[Store, SimulatedClock]:
    clock = SimulatedClock(START)
    counter = iter(range(1, 1_000_000))
    return Store(ids=lambda: f"id-{next(counter)}", clock=clock, **kwargs), clock


def ok(result: T | DomainError) -> T:
    assert not isinstance(result, DomainError), result
    return result


def update(store: Store, id: str, *actions: Any, by: str | None = None) -> Any:
    version = ok(store.get(id)).resource.version
    return store.update(id, ConnectorUpdate(version=version, actions=actions), by=by)


def certify(store: Store, id: str) -> Stored[ConnectorStaged]:
    ok(update(store, id, Publish(certification=True)))
    for event in (PublishingSucceeded(), CertificationStarted(), CertificationPassed()):
        ok(store.deliver(id, event))
    return ok(store.get(id))


class TestCreateAndGet:
    def test_create_gives_version_1_with_an_id_from_the_factory(self) -> None:
        """A new resource takes the factory's id, version 1, and the store's time."""
        store, _ = make_store()
        stored = ok(store.create(draft("my-key")))
        assert (stored.resource.id, stored.resource.version) == ("id-1", 1)
        assert stored.created_at == stored.last_modified_at == START

    def test_a_used_key_is_a_duplicate_field(self) -> None:
        """Creating with a key already used gives DuplicateField on key, and creates nothing."""
        store, _ = make_store()
        ok(store.create(draft("my-key")))
        assert store.create(draft("my-key")) == DuplicateField("key", "my-key")
        assert len(store) == 1

    def test_get_by_id_and_by_key(self) -> None:
        """A resource is found by its id and by its key."""
        store, _ = make_store()
        stored = ok(store.create(draft("my-key")))
        assert store.get("id-1") is stored
        assert store.get_by_key("my-key") is stored

    def test_unknown_id_and_key_are_resource_not_found(self) -> None:
        """An unknown id or key gives ResourceNotFound with the documented message."""
        store, _ = make_store()
        assert store.get("nope") == ResourceNotFound(id="nope")
        missing = store.get_by_key("nope")
        assert isinstance(missing, ResourceNotFound)
        assert missing.message == "The Resource with key 'nope' was not found."

    def test_every_operation_on_an_unknown_resource_names_it(self) -> None:
        """Update, delivery, delete and the Connector reads answer ResourceNotFound with the id or key asked for."""
        store, _ = make_store()
        nothing = ConnectorUpdate(version=1, actions=())
        assert store.update("nope", nothing) == ResourceNotFound(id="nope")
        assert store.deliver("nope", PublishingSucceeded()) == ResourceNotFound(id="nope")
        assert store.delete("nope") == ResourceNotFound(id="nope")
        assert store.delete_by_key("nope") == ResourceNotFound(key="nope")
        assert store.get_by_key("nope") == ResourceNotFound(key="nope")
        assert store.connector("nope") == ResourceNotFound(id="nope")
        assert store.connector_by_key("nope") == ResourceNotFound(key="nope")

    def test_a_repeated_id_from_the_factory_is_a_programming_error(self) -> None:
        """An id factory that repeats itself raises ValueError."""
        store = Store(ids=lambda: "same", clock=SimulatedClock(START))
        ok(store.create(draft()))
        with pytest.raises(ValueError, match=r"^the id factory gave 'same' twice$"):
            store.create(draft())

    def test_wire_form_carries_the_timestamps_and_not_the_record_fields(self) -> None:
        """to_wire is the API's JSON plus createdAt and lastModifiedAt, without the record-only fields."""
        store, _ = make_store()
        wire = ok(store.create(draft("my-key"))).to_wire()
        assert wire["createdAt"] == wire["lastModifiedAt"] == "2024-01-01T00:00:00.000Z"
        assert "publishedBefore" not in wire and "certificationRequested" not in wire
        assert codec.from_wire(wire, ConnectorStaged) == ok(store.get("id-1")).resource

    def test_the_record_keeps_the_certification_flag(self) -> None:
        """A resource is saved in the record form: a pending certified publish keeps its flag."""
        store, _ = make_store()
        ok(store.create(draft()))
        stored = ok(update(store, "id-1", Publish(certification=True)))
        assert stored.record["certificationRequested"] is True
        assert codec.from_record(stored.record, ConnectorStaged) == stored.resource


class TestUpdate:
    def test_an_update_raises_the_version_and_lastmodifiedat(self) -> None:
        """A change adds 1 to the version and stamps the store's time."""
        store, clock = make_store()
        ok(store.create(draft()))
        clock.advance(5)
        stored = ok(update(store, "id-1", SetName(name="New")))
        assert stored.resource.version == 2
        assert stored.created_at == START
        assert stored.last_modified_at == START + timedelta(seconds=5)

    def test_a_stale_version_is_a_concurrent_modification(self) -> None:
        """An update at another version is refused with expected and current versions."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        result = store.update("id-1", ConnectorUpdate(version=7, actions=(SetName(name="x"),)))
        assert result == ConcurrentModification("id-1", "k1", 7, 1)

    def test_a_no_op_changes_nothing_not_even_lastmodifiedat(self) -> None:
        """An update that changes nothing returns the stored resource as it was."""
        store, clock = make_store()
        created = ok(store.create(draft(name="Same")))
        clock.advance(1)
        assert update(store, "id-1", SetName(name="Same")) is created

    def test_update_by_key(self) -> None:
        """An update addressed by key changes the resource with that key."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        stored = ok(store.update_by_key("k1", ConnectorUpdate(version=1, actions=(SetName(name="By key"),))))
        assert stored.resource.name == "By key"
        assert store.update_by_key("nope", ConnectorUpdate(version=1, actions=())) == ResourceNotFound(key="nope")

    def test_a_refused_action_is_the_reducers_error(self) -> None:
        """The store answers with the reducer's error, and keeps the resource."""
        store, _ = make_store()
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=False)))
        result = update(store, "id-1", SetName(name="Too early"))
        assert isinstance(result, InvalidOperation)
        assert ok(store.get("id-1")).resource.version == 2

    def test_a_certification_comment_takes_the_store_time_and_the_author(self) -> None:
        """addCertificationComment records the clock's time and the caller's author."""
        store, clock = make_store()
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=True)))
        ok(store.deliver("id-1", PublishingSucceeded()))
        clock.advance(60)
        stored = ok(update(store, "id-1", AddCertificationComment(comment="Looks good"), by="reviewer"))
        (comment,) = stored.resource.certification_info.comments
        assert (comment.user_id, comment.datetime) == ("reviewer", START + timedelta(seconds=60))

    def test_concurrent_updates_lose_nothing(self) -> None:
        """Threads updating one resource with version retries: version = 1 + successes."""
        store, _ = make_store()
        ok(store.create(draft()))
        successes = []

        def writer(n: int) -> None:
            done = 0
            for i in range(200):
                while True:
                    version = ok(store.get("id-1")).resource.version
                    result = store.update("id-1", ConnectorUpdate(version=version, actions=(SetName(name=f"{n}-{i}"),)))
                    if not isinstance(result, ConcurrentModification):
                        ok(result)
                        done += 1
                        break
            successes.append(done)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert ok(store.get("id-1")).resource.version == 1 + sum(successes) == 801


class TestDeleteAndConnectors:
    def test_publishing_makes_a_production_connector(self) -> None:
        """A resource that reaches Published has a production Connector, by id and key."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        assert isinstance(store.connector("id-1"), ResourceNotFound)
        ok(update(store, "id-1", Publish(certification=False)))
        ok(store.deliver("id-1", PublishingSucceeded()))
        connector = ok(store.connector("id-1"))
        assert connector.resource.version == 3 and connector.resource.certified is False
        assert store.connector_by_key("k1") is connector

    def test_certification_passed_updates_the_connector(self) -> None:
        """Reaching Published through certification snapshots a certified Connector."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        certify(store, "id-1")
        assert ok(store.connector("id-1")).resource.certified is True

    def test_a_change_while_published_keeps_the_production_connector(self) -> None:
        """An unlist of a Published connector changes the staged resource, not its production Connector."""
        store, clock = make_store()
        ok(store.create(draft("k1")))
        certify(store, "id-1")
        before = ok(store.connector("id-1"))
        clock.advance(5)
        ok(update(store, "id-1", Unlist()))
        assert ok(store.get("id-1")).resource.already_listed is False
        assert store.connector("id-1") is before

    def test_a_republish_keeps_the_connectors_created_at(self) -> None:
        """A new production version keeps the first one's createdAt and takes a new lastModifiedAt."""
        store, clock = make_store()
        ok(store.create(draft("k1")))
        ok(update(store, "id-1", Publish(certification=False)))
        ok(store.deliver("id-1", PublishingSucceeded()))
        first = ok(store.connector("id-1"))
        clock.advance(60)
        ok(update(store, "id-1", SetName(name="Renamed"), Publish(certification=False)))
        ok(store.deliver("id-1", PublishingSucceeded()))
        second = ok(store.connector("id-1"))
        assert second.resource.name == "Renamed" and second.resource.version > first.resource.version
        assert second.created_at == first.created_at == START
        assert second.last_modified_at == START + timedelta(seconds=60)
        assert second.to_wire()["createdAt"] == first.to_wire()["createdAt"]

    def test_delete_removes_the_resource_its_key_and_its_connector(self) -> None:
        """Delete answers the resource as it was; afterwards nothing is found, and the key is free."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        certify(store, "id-1")
        deleted = ok(store.delete("id-1"))
        assert deleted.resource.status is ConnectorStatus.PUBLISHED
        assert isinstance(store.get("id-1"), ResourceNotFound)
        assert isinstance(store.connector("id-1"), ResourceNotFound)
        assert isinstance(store.connector_by_key("k1"), ResourceNotFound)
        assert ok(store.query()).total == 0
        ok(store.create(draft("k1")))

    def test_a_deleted_connectors_key_finds_no_later_connector(self) -> None:
        """After a delete, the production Connector's key is free: it never finds a later resource's Connector."""
        store = Store(ids=lambda: "same", clock=SimulatedClock(START))
        for key in ("k1", "k2"):
            ok(store.create(draft(key)))
            ok(update(store, "same", Publish(certification=False)))
            ok(store.deliver("same", PublishingSucceeded()))
            if key == "k1":
                ok(store.delete("same"))
        assert ok(store.connector_by_key("k2")).resource.key == "k2"
        assert store.connector_by_key("k1") == ResourceNotFound(key="k1")

    def test_delete_with_a_stale_version_deletes_nothing(self) -> None:
        """A delete naming another version is a ConcurrentModification."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        assert isinstance(store.delete_by_key("k1", version=3), ConcurrentModification)
        ok(store.delete_by_key("k1", version=1))
        assert store.delete_by_key("k1") == ResourceNotFound(key="k1")

    def test_reset_forgets_everything(self) -> None:
        """After reset the store is empty."""
        store, _ = make_store()
        ok(store.create(draft("k1")))
        store.reset()
        assert len(store) == 0 and isinstance(store.get_by_key("k1"), ResourceNotFound)


class TestQuery:
    def fill(self) -> tuple[Store, SimulatedClock]:
        store, clock = make_store()
        for n, types in enumerate([(IntegrationType.ERP,), (IntegrationType.CRM,), (IntegrationType.ERP,), None]):
            ok(store.create(draft(f"key-{n}", name=f"Name {3 - n}", types=types)))
            clock.advance(1)
        return store, clock

    def test_defaults(self) -> None:
        """No parameters: limit 20, offset 0, creation order, the total."""
        store, _ = self.fill()
        page = ok(store.query())
        assert (page.limit, page.offset, page.count, page.total) == (20, 0, 4, 4)
        assert [s.resource.id for s in page.results] == ["id-1", "id-2", "id-3", "id-4"]

    def test_paging(self) -> None:
        """limit and offset cut a page; total counts every match."""
        store, _ = self.fill()
        page = ok(store.query(limit=2, offset=1))
        assert [s.resource.id for s in page.results] == ["id-2", "id-3"]
        assert (page.count, page.total) == (2, 4)
        assert ok(store.query(limit=0)).results == ()
        assert ok(store.query(offset=10)).total == 4

    def test_sort(self) -> None:
        """Sorting by one field or several, ascending or descending."""
        store, _ = self.fill()

        def ids(page: Page[Any] | InvalidQueryParam) -> list[str]:
            return [s.resource.id for s in ok(page).results]

        assert ids(store.query(sort=["name asc"])) == ["id-4", "id-3", "id-2", "id-1"]
        assert ids(store.query(sort=["createdAt desc"])) == ["id-4", "id-3", "id-2", "id-1"]
        ok(update(store, "id-2", SetName(name="Renamed")))
        assert ids(store.query(sort=["lastModifiedAt desc"]))[0] == "id-2"
        assert ids(store.query(sort=["version desc", "key desc"])) == ["id-2", "id-4", "id-3", "id-1"]

    def test_sort_by_id_and_by_status(self) -> None:
        """Sorting by id compares the ids as strings; by status, the statuses' names."""
        store, _ = self.fill()

        def ids(page: Page[Any] | InvalidQueryParam) -> list[str]:
            return [s.resource.id for s in ok(page).results]

        assert ids(store.query(sort=["id desc"])) == ["id-4", "id-3", "id-2", "id-1"]
        ok(update(store, "id-3", Publish(certification=False)))
        assert ids(store.query(sort=["status desc"])) == ["id-3", "id-1", "id-2", "id-4"]

    def test_equal_values_keep_the_creation_order(self) -> None:
        """Ties (a clock standing still) keep the creation order, also when descending."""
        store, _ = make_store()
        for n in range(3):
            ok(store.create(draft(f"key-{n}")))
        for sort in (["createdAt desc"], ["lastModifiedAt asc"], ["name desc"]):
            assert [s.resource.id for s in ok(store.query(sort=sort)).results] == ["id-1", "id-2", "id-3"]

    def test_filters(self) -> None:
        """isPrivate and integrationTypes (any of) filter, and total follows them."""
        store, _ = self.fill()
        certify(store, "id-2")
        assert [s.resource.id for s in ok(store.query(is_private=False)).results] == ["id-2"]
        assert ok(store.query(is_private=True)).total == 3
        page = ok(store.query(integration_types=["erp", IntegrationType.OTHER]))
        assert [s.resource.id for s in page.results] == ["id-1", "id-3", "id-4"]
        assert ok(store.query(integration_types=["crm"], is_private=True)).total == 0

    @pytest.mark.parametrize(
        ("params", "path"),
        [
            ({"limit": 501}, "limit"),
            ({"limit": -1}, "limit"),
            ({"offset": 10_001}, "offset"),
            ({"sort": ["name"]}, "sort[0]"),
            ({"sort": ["colour asc"]}, "sort[0]"),
            ({"integration_types": ["fax"]}, "integrationTypes[0]"),
            ({"is_private": "yes"}, "isPrivate"),
        ],
    )
    def test_out_of_range_parameters_are_invalid_json_input(self, params: dict[str, Any], path: str) -> None:
        """A bad parameter is an InvalidQueryParam naming it, not a crash."""
        store, _ = self.fill()
        result = store.query(**params)
        assert isinstance(result, InvalidQueryParam)
        assert result.detailed_error_message.startswith(f"{path}: ")

    def test_page_as_the_model_response_and_as_json(self) -> None:
        """A page converts to ConnectorStagedPagedQueryResponse, and its JSON carries the timestamps."""
        store, _ = self.fill()
        page = ok(store.query(limit=1))
        response = page.response()
        assert isinstance(response, ConnectorStagedPagedQueryResponse)
        assert (response.count, response.total, response.results[0].id) == (1, 4, "id-1")
        wire = page.to_wire()
        assert {k: wire[k] for k in ("limit", "offset", "count", "total")} == {
            "limit": 1,
            "offset": 0,
            "count": 1,
            "total": 4,
        }
        assert wire["results"][0]["createdAt"] == "2024-01-01T00:00:00.000Z"


class TestSimulation:
    def test_manual_does_nothing_by_itself(self) -> None:
        """In manual mode a publish waits for a delivered event, however much time passes."""
        store, clock = make_store()
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=False)))
        clock.advance(3600)
        assert ok(store.get("id-1")).resource.status is ConnectorStatus.PROCESSING

    def test_automatic_publishing_succeeds_after_the_delay(self) -> None:
        """A publish is answered by PublishingSucceeded once the delay has passed, at the due time."""
        store, clock = make_store(simulation=Automatic(publishing_delay=timedelta(seconds=10)))
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=False)))
        clock.advance(9.999)
        assert ok(store.get("id-1")).resource.status is ConnectorStatus.PROCESSING
        clock.advance(0.001)
        stored = ok(store.get("id-1"))
        assert stored.resource.status is ConnectorStatus.PUBLISHED
        assert stored.last_modified_at == START + timedelta(seconds=10)
        assert ok(store.connector("id-1")).resource.version == stored.resource.version

    @pytest.mark.parametrize(("passes", "status"), [(True, ConnectorStatus.PUBLISHED), (False, ConnectorStatus.FAILED)])
    def test_automatic_certification_follows_the_rule(self, passes: bool, status: ConnectorStatus) -> None:
        """Certification runs by itself, step by step, and passes or fails by the user's rule."""
        step = timedelta(seconds=1)
        policy = Automatic(publishing_delay=step, certification_delay=step, certify=lambda _s: passes)
        store, clock = make_store(simulation=policy)
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=True)))
        seen = []
        for _ in range(3):
            clock.advance(1)
            seen.append(ok(store.get("id-1")).resource.status)
        assert seen == [ConnectorStatus.READY_FOR_CERTIFICATION, ConnectorStatus.IN_CERTIFICATION, status]

    def test_automatic_answers_carry_a_report_entry(self) -> None:
        """Each simulated answer writes one entry into the report it completes, at the time it happened."""
        step = timedelta(seconds=1)
        policy = Automatic(publishing_delay=step, preview_delay=step, certify=lambda _s: False)
        store, clock = make_store(simulation=policy)
        ok(store.create(draft()))
        ok(update(store, "id-1", UpdatePreviewable(), Publish(certification=False)))
        clock.advance(1)
        staged = ok(store.get("id-1")).resource
        assert staged.publishing_report is not None and staged.previewable_report is not None
        (published,) = staged.publishing_report.entries
        (previewed,) = staged.previewable_report.entries
        assert (published.type, published.title) == (ConnectorReportEntryType.INFORMATION, "Publishing succeeded")
        assert (previewed.type, previewed.title) == (ConnectorReportEntryType.INFORMATION, "Preview granted")
        assert published.created_at == previewed.created_at == START + step

    def test_a_failed_certification_reports_an_error(self) -> None:
        """A certification the rule rejects ends in Failed with an Error entry."""
        step = timedelta(seconds=1)
        policy = Automatic(publishing_delay=step, certification_delay=step, certify=lambda _s: False)
        store, clock = make_store(simulation=policy)
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=True)))
        clock.advance(3)
        staged = ok(store.get("id-1")).resource
        assert staged.status is ConnectorStatus.FAILED and staged.publishing_report is not None
        (entry,) = staged.publishing_report.entries
        assert (entry.type, entry.title) == (ConnectorReportEntryType.ERROR, "Certification failed")

    def test_automatic_defaults_take_two_seconds_a_step(self) -> None:
        """Automatic() answers a preview request and each step of a certified publish after two seconds."""
        store, clock = make_store(simulation=Automatic())
        ok(store.create(draft()))
        ok(update(store, "id-1", UpdatePreviewable(), Publish(certification=True)))
        seen = []
        for seconds in (1.999, 0.001, 2, 2):
            clock.advance(seconds)
            resource = ok(store.get("id-1")).resource
            seen.append((resource.status, resource.is_previewable))
        assert seen == [
            (ConnectorStatus.PROCESSING, IsPreviewable.PENDING),
            (ConnectorStatus.READY_FOR_CERTIFICATION, IsPreviewable.TRUE),
            (ConnectorStatus.IN_CERTIFICATION, IsPreviewable.TRUE),
            (ConnectorStatus.PUBLISHED, IsPreviewable.TRUE),
        ]

    def test_automatic_preview_takes_its_own_delay(self) -> None:
        """A preview request is granted after preview_delay, whatever the publishing delay."""
        policy = Automatic(publishing_delay=timedelta(seconds=1), preview_delay=timedelta(seconds=5))
        store, clock = make_store(simulation=policy)
        ok(store.create(draft()))
        ok(update(store, "id-1", UpdatePreviewable()))
        clock.advance(4.999)
        assert ok(store.get("id-1")).resource.is_previewable is IsPreviewable.PENDING
        clock.advance(0.001)
        assert ok(store.get("id-1")).resource.is_previewable is IsPreviewable.TRUE

    def test_one_late_read_catches_up_every_step(self) -> None:
        """Events due long ago are all applied by the next operation, in order, each at its time."""
        store, clock = make_store(simulation=Automatic())
        ok(store.create(draft()))
        ok(update(store, "id-1", UpdatePreviewable(), Publish(certification=True)))
        clock.advance(3600)
        stored = ok(store.get("id-1"))
        assert stored.resource.status is ConnectorStatus.PUBLISHED
        assert stored.resource.is_previewable is IsPreviewable.TRUE
        assert stored.last_modified_at == START + timedelta(seconds=6)

    def test_switching_to_automatic_picks_up_pending_work(self) -> None:
        """A resource left Processing in manual mode moves on once the policy is automatic."""
        store, clock = make_store()
        ok(store.create(draft()))
        ok(update(store, "id-1", Publish(certification=False)))
        store.simulation = Automatic(publishing_delay=timedelta(seconds=1))
        clock.advance(1)
        assert ok(store.get("id-1")).resource.status is ConnectorStatus.PUBLISHED
        store.simulation = Manual()
        assert isinstance(store.simulation, Manual)

    def test_a_deleted_resource_gets_no_late_event(self) -> None:
        """Work planned for a deleted resource is dropped."""
        store, clock = make_store(simulation=Automatic())
        ok(store.create(draft("k1")))
        ok(update(store, "id-1", Publish(certification=False)))
        ok(store.delete("id-1"))
        clock.advance(10)
        assert len(store) == 0 and isinstance(store.connector("id-1"), ResourceNotFound)

    @pytest.mark.parametrize("by_key", [False, True], ids=["by-id", "by-key"])
    def test_a_delete_first_applies_the_events_due(self, by_key: bool) -> None:
        """A delete after the service's answer was due deletes the answered resource, and checks its version."""
        store, clock = make_store(simulation=Automatic(publishing_delay=timedelta(seconds=1)))
        ok(store.create(draft("k1")))
        ok(update(store, "id-1", Publish(certification=False)))
        clock.advance(1)

        def delete(version: int) -> Any:
            return store.delete_by_key("k1", version=version) if by_key else store.delete("id-1", version=version)

        assert isinstance(delete(version=2), ConcurrentModification)
        deleted = ok(delete(version=3))
        assert (deleted.resource.status, deleted.last_modified_at) == (
            ConnectorStatus.PUBLISHED,
            START + timedelta(seconds=1),
        )

    @pytest.mark.parametrize(
        "read",
        [
            lambda store: store.get("id-1").resource,
            lambda store: store.get_by_key("k1").resource,
            lambda store: store.query().results[0].resource,
            lambda store: store.connector("id-1").resource,
            lambda store: store.connector_by_key("k1").resource,
        ],
        ids=["get", "get_by_key", "query", "connector", "connector_by_key"],
    )
    def test_every_read_first_applies_the_events_due(self, read: Any) -> None:
        """Each read, as the first operation after the answer was due, sees version 3, the published one."""
        store, clock = make_store(simulation=Automatic(publishing_delay=timedelta(seconds=1)))
        ok(store.create(draft("k1")))
        ok(update(store, "id-1", Publish(certification=False)))
        clock.advance(1)
        assert read(store).version == 3

    def test_time_never_goes_backwards(self) -> None:
        """A clock that goes back is read as standing still."""
        times = iter([START, START - timedelta(hours=1), START + timedelta(seconds=1)])
        store = Store(clock=lambda: next(times))
        first = ok(store.create(draft()))
        second = ok(store.create(draft()))
        assert first.created_at == second.created_at == START
        assert store.now() == START + timedelta(seconds=1)

    def test_clock_advance_refuses_going_back(self) -> None:
        """SimulatedClock moves forward only."""
        with pytest.raises(ValueError, match=r"^a clock moves forward, not by -1 day, 23:59:59$"):
            SimulatedClock(START).advance(-1)

    def test_clock_advance_stops_short_of_the_last_year(self) -> None:
        """A move that would reach the year 9000, counting earlier moves, is refused; the clock stays where it was."""
        clock = SimulatedClock(datetime(8999, 12, 31, 23, 59, 58, tzinfo=UTC))
        assert clock.advance(1) == datetime(8999, 12, 31, 23, 59, 59, tzinfo=UTC)
        with pytest.raises(ValueError, match=r"^cannot move the clock by 0:00:01: past the year 9000$"):
            clock.advance(1)
        assert clock() == datetime(8999, 12, 31, 23, 59, 59, tzinfo=UTC)
        assert clock.advance(0.999) == datetime(8999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)

    def test_clock_advance_refuses_a_move_past_any_datetime(self) -> None:
        """A move beyond what a datetime can hold is a ValueError too, not an OverflowError."""
        with pytest.raises(ValueError, match=r"^cannot move the clock by .*: past the year 9000$"):
            SimulatedClock(START).advance(timedelta(days=999_999_999))
        with pytest.raises(ValueError, match=r"^cannot move a clock by 1e\+300 seconds$"):
            SimulatedClock(START).advance(1e300)
        with pytest.raises(ValueError, match=r"^cannot move a clock by nan seconds$"):
            SimulatedClock(START).advance(float("nan"))

    def test_clock_advance_takes_seconds_or_a_timedelta(self) -> None:
        """advance adds seconds or a timedelta, and returns the new time."""
        clock = SimulatedClock(START)
        assert clock.advance(1.5) == START + timedelta(seconds=1.5)
        assert clock.advance(timedelta(minutes=1)) == START + timedelta(seconds=61.5)
        assert clock() == START + timedelta(seconds=61.5)

    def test_a_clock_without_start_follows_the_system_time(self) -> None:
        """SimulatedClock() reads the system's time, in UTC, plus what advance added."""
        clock = SimulatedClock()
        before = datetime.now(UTC)
        moved = clock.advance(timedelta(days=1))
        after = datetime.now(UTC)
        assert moved.tzinfo is not None and moved.utcoffset() == timedelta(0)
        assert before + timedelta(days=1) <= moved <= after + timedelta(days=1)


def _text(stored: Stored[Any]) -> bytes:
    """The JSON text of *stored*'s wire form, written now: what ``Stored.json()`` must equal."""
    return json.dumps(stored.to_wire(), separators=(",", ":"), ensure_ascii=False).encode()


class TestJsonText:
    """``Stored.json()``, the text the server answers with, written once per version and kept."""

    def test_each_change_has_the_text_of_its_own_version(self) -> None:
        """The text is the current wire form's after an update, an event, an automatic event and a delete."""
        store, clock = make_store(simulation=Automatic())
        id = ok(store.create(draft(key="kk", name="Ünïcode ✓"))).resource.id
        first = ok(store.get(id))
        assert first.json() == _text(first) and "Ünïcode ✓".encode() in first.json()
        assert first.json() is first.json()  # written once
        renamed = ok(update(store, id, SetName(name="Renamed")))
        assert renamed.json() == _text(renamed) != first.json()
        assert ok(store.get(id)).json() == renamed.json()
        assert first.json() == _text(first)  # an old version keeps its own text
        processing = ok(update(store, id, Publish(certification=False)))
        assert b'"status":"Processing"' in ok(store.get(id)).json()
        clock.advance(60)  # the automatic PublishingSucceeded is due: this read applies it
        published = ok(store.get(id))
        assert published.resource.status is not processing.resource.status
        assert published.json() == _text(published) != processing.json()
        pending = ok(update(store, id, UpdatePreviewable()))
        assert b'"isPreviewable":"pending"' in ok(store.get(id)).json()
        granted = ok(store.deliver(id, PreviewGranted()))  # before the automatic one: the clock stands still
        assert ok(store.get(id)).json() == granted.json() == _text(granted) != pending.json()
        assert b'"isPreviewable":"true"' in granted.json()
        assert ok(store.delete(id)).json() == granted.json()
        assert isinstance(store.get(id), ResourceNotFound)
        again = ok(store.create(draft(key="kk", name="Ünïcode ✓")))
        assert ok(store.get_by_key("kk")).json() == _text(again) != first.json()  # another id, another time

    def test_the_text_is_no_part_of_equality(self) -> None:
        """A Stored whose text was written equals one whose text was not."""
        store, _ = make_store()
        id = ok(store.create(draft())).resource.id
        one = ok(store.get(id))
        two = attrs.evolve(one)
        one.json()
        assert one == two and "json" not in repr(one)


class TestAnswer:
    """simulation.answer: the event the simulated service sends once a job is due."""

    def test_nothing_owed_is_answered_by_nothing(self) -> None:
        """A Draft owes nothing: even the automatic service answers nothing."""
        staged = create(draft(), id="a")
        assert answer(Automatic(), staged, STATUS, START) is None
        assert answer(Automatic(), staged, PREVIEW, START) is None

    def test_the_manual_service_answers_nothing(self) -> None:
        """With Manual, even a publish in Processing gets no answer."""
        processing = ok(apply(create(draft(), id="a"), Publish(certification=False)))
        assert answer(Manual(), processing, STATUS, START) is None
        answered = answer(Automatic(), processing, STATUS, START)
        assert isinstance(answered, PublishingSucceeded) and answered.report is not None


class TestSchedule:
    """The simulated service's schedule: one job per resource and machine, the latest plan winning."""

    def test_a_plan_is_due_at_its_time(self) -> None:
        """A planned job pops once it is due, and only once."""
        schedule = Schedule()
        schedule.plan("a", STATUS, START + timedelta(seconds=2))
        assert len(schedule) == 1
        assert schedule.pop_due(START + timedelta(seconds=1)) is None
        assert schedule.pop_due(START + timedelta(seconds=2)) == (START + timedelta(seconds=2), "a", STATUS)
        assert schedule.pop_due(START + timedelta(days=1)) is None and len(schedule) == 0

    def test_a_new_plan_replaces_the_earlier_one(self) -> None:
        """Planning a job again moves it: the earlier due time no longer pops."""
        schedule = Schedule()
        schedule.plan("a", STATUS, START)
        schedule.plan("a", STATUS, START + timedelta(seconds=5))
        assert len(schedule) == 1
        assert schedule.pop_due(START + timedelta(seconds=4)) is None
        assert schedule.pop_due(START + timedelta(seconds=5)) == (START + timedelta(seconds=5), "a", STATUS)

    def test_no_time_cancels_the_job_of_that_machine_only(self) -> None:
        """plan(None) cancels the job of that resource and machine, and no other."""
        schedule = Schedule()
        for id in ("a", "b"):
            for machine in (STATUS, PREVIEW):
                schedule.plan(id, machine, START)
        schedule.plan("a", STATUS, None)
        assert len(schedule) == 3
        due = [schedule.pop_due(START) for _ in range(4)]
        assert due == [(START, "a", PREVIEW), (START, "b", STATUS), (START, "b", PREVIEW), None]

    def test_drop_cancels_every_job_of_a_resource(self) -> None:
        """drop(id) cancels the jobs of that resource on both machines, and no other."""
        schedule = Schedule()
        for id in ("a", "b"):
            for machine in (STATUS, PREVIEW):
                schedule.plan(id, machine, START)
        schedule.drop("a")
        assert len(schedule) == 2
        assert [schedule.pop_due(START) for _ in range(3)] == [(START, "b", STATUS), (START, "b", PREVIEW), None]

    def test_superseded_jobs_do_not_pile_up(self) -> None:
        """10,000 plans replaced, cancelled or dropped, never due: the heap holds at most 2 * live + 64."""
        schedule = Schedule()
        far = START + timedelta(days=365 * 100)
        for n in range(10_000):
            schedule.plan("kept", STATUS, far + timedelta(seconds=n))  # replaced each time
            schedule.plan(f"gone-{n}", STATUS, far)
            schedule.plan(f"gone-{n}", PREVIEW, far)
            if n % 2:
                schedule.drop(f"gone-{n}")
            else:
                schedule.plan(f"gone-{n}", STATUS, None)
            assert schedule.held <= 2 * len(schedule) + 64
        assert len(schedule) == 1 + 5_000
        due = [schedule.pop_due(far + timedelta(days=1)) for _ in range(5_002)]
        assert due[-1] is None and due[-2] == (far + timedelta(seconds=9_999), "kept", STATUS)
        assert sorted(job[1] for job in due[:-2] if job) == sorted(f"gone-{n}" for n in range(0, 10_000, 2))

    def test_a_store_holds_no_jobs_of_deleted_resources(self) -> None:
        """Created, published and deleted 2,000 times under a slow automatic service: the schedule stays small."""
        store, _clock = make_store(simulation=Automatic(publishing_delay=timedelta(days=365)))
        for n in range(2_000):
            id = ok(store.create(draft(f"key-{n}"))).resource.id
            ok(update(store, id, Publish(certification=False)))
            ok(store.delete(id))
        assert len(store._schedule) == 0 and store._schedule.held <= 64

    def test_clear_cancels_everything(self) -> None:
        """After clear nothing is planned and nothing pops."""
        schedule = Schedule()
        schedule.plan("a", STATUS, START)
        schedule.clear()
        assert len(schedule) == 0 and schedule.pop_due(START) is None


# --- Properties ------------------------------------------------------------------------------

_TYPES = st.sampled_from(list(IntegrationType))
_resources = st.lists(
    st.tuples(
        st.none() | st.lists(_TYPES, max_size=2, unique=True).map(tuple),  # integration types
        st.sampled_from(["alpha", "beta", "gamma"]),  # name
        st.booleans(),  # certified (public)
        st.integers(0, 2),  # seconds before the next create
        st.booleans(),  # renamed later
    ),
    max_size=25,
)
_sorts = st.lists(
    st.tuples(
        st.sampled_from(["createdAt", "lastModifiedAt", "name", "version", "key", "id", "status"]), st.booleans()
    ),
    max_size=2,
)


def _oracle(resources: list[Stored[ConnectorStaged]], sort: list[tuple[str, bool]]) -> list[str]:
    keys = {
        "createdAt": lambda s: s.created_at,
        "lastModifiedAt": lambda s: s.last_modified_at,
        "name": lambda s: s.resource.name,
        "version": lambda s: s.resource.version,
        "key": lambda s: (s.resource.key is None, s.resource.key or ""),
        "id": lambda s: s.resource.id,
        "status": lambda s: s.resource.status.value,
    }
    out = sorted(resources, key=lambda s: s.sequence)
    for field, descending in reversed(sort):
        out = sorted(out, key=keys[field], reverse=descending)
    return [s.resource.id for s in out]


@given(
    resources=_resources,
    sort=_sorts,
    is_private=st.none() | st.booleans(),
    types=st.none() | st.lists(_TYPES, max_size=3),
    limit=st.integers(0, 30),
    offset=st.integers(0, 30),
)
def test_query_agrees_with_filtering_and_sorting_everything(
    resources: list[Any], sort: list[tuple[str, bool]], is_private: bool | None, types: Any, limit: int, offset: int
) -> None:
    """Any query equals the naive answer: filter everything, stable-sort it, slice it."""
    store, clock = make_store()
    for n, (its_types, name, public, pause, _) in enumerate(resources):
        ok(store.create(draft(f"key-{n % 7}-{n}" if n % 3 else None, name=name, types=its_types)))
        if public:
            certify(store, f"id-{n + 1}")
        clock.advance(pause)
    for n, (*_, renamed) in enumerate(resources):
        if renamed:
            ok(update(store, f"id-{n + 1}", SetName(name=f"renamed {n}")))
    everything = [ok(store.get(f"id-{n + 1}")) for n in range(len(resources))]
    matches = [
        s
        for s in everything
        if (is_private is None or s.resource.private == is_private)
        and (not types or set(types) & set(s.resource.integration_types))
    ]
    expected = _oracle(matches, sort)
    page = store.query(
        limit=limit, offset=offset, sort=[f"{f} {'desc' if d else 'asc'}" for f, d in sort], is_private=is_private,
        integration_types=types,
    )  # fmt: skip
    assert isinstance(page, Page)
    assert page.total == len(matches)
    assert [s.resource.id for s in page.results] == expected[offset : offset + limit]


@given(names=st.lists(st.sampled_from(["a", "b", "c"]), max_size=20), stale=st.lists(st.booleans(), max_size=20))
def test_the_version_counts_the_changes(names: list[str], stale: list[bool]) -> None:
    """After any run of updates, current or stale, the version is 1 + the number of changing updates."""
    store, _ = make_store()
    ok(store.create(draft(name="a")))
    changes = 0
    current = "a"
    for name, is_stale in zip(names, stale + [False] * len(names), strict=False):
        version = ok(store.get("id-1")).resource.version - (1 if is_stale else 0)
        result = store.update("id-1", ConnectorUpdate(version=version, actions=(SetName(name=name),)))
        if is_stale and version != ok(store.get("id-1")).resource.version:
            assert isinstance(result, ConcurrentModification)
            continue
        ok(result)
        if name != current:
            changes += 1
            current = name
    assert ok(store.get("id-1")).resource.version == 1 + changes


@given(keys=st.lists(st.sampled_from(["k1", "k2", "k3", None]), max_size=12), deletes=st.lists(st.integers(0, 11)))
def test_keys_stay_unique_through_creates_and_deletes(keys: list[str | None], deletes: list[int]) -> None:
    """A key is used by one resource at most; a deleted resource frees its key."""
    store, _ = make_store()
    live: dict[str, str] = {}
    for n, key in enumerate(keys):
        result = store.create(draft(key))
        if key is not None and key in live:
            assert result == DuplicateField("key", key)
        else:
            stored = ok(result)
            if key is not None:
                live[key] = stored.resource.id
        if n in deletes and live:
            key_to_free = sorted(live)[0]
            ok(store.delete_by_key(key_to_free))
            del live[key_to_free]
    for key, id in live.items():
        assert ok(store.get_by_key(key)).resource.id == id
    assert sum(1 for s in ok(store.query(limit=500)).results if s.resource.key is not None) == len(live)


class TestNothingHalfDone:
    """A fault inside a commit leaves the store as it was; a simulation that cannot work cannot be made."""

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("publishing_delay", 5, TypeError),
            ("preview_delay", timedelta(seconds=-1), ValueError),
            ("certification_delay", timedelta(days=365 * 901), ValueError),
            ("certify", "yes", TypeError),
        ],
    )
    def test_an_automatic_policy_checks_its_fields(self, field: str, value: Any, error: type[Exception]) -> None:
        """A delay that is no timedelta, is negative or is too long for the clock, or a certify that is no
        function, is refused when the policy is built."""
        with pytest.raises(error, match=field):
            Automatic(**{field: value})

    def test_a_fault_while_planning_changes_nothing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """When the simulation's plan raises, the update raises before anything is saved."""
        from connector_domain.mock import simulation

        store, _ = make_store(simulation=Automatic())
        ok(store.create(draft("k1")))
        before = ok(store.get("id-1"))

        def broken(*_args: Any) -> Any:
            raise RuntimeError("the scheduler failed")

        monkeypatch.setattr(simulation, "due", broken)
        with pytest.raises(RuntimeError, match="scheduler"):
            update(store, "id-1", Publish(certification=False))
        monkeypatch.undo()
        assert store.get("id-1") is before and store.connector("id-1") == ResourceNotFound(id="id-1")
        assert ok(update(store, "id-1", SetName(name="after"))).resource.version == 2

    def test_a_fault_while_encoding_changes_nothing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """When writing the record raises, the resource, its indexes and its key stay as they were."""
        from connector_domain import codec

        store, _ = make_store()
        ok(store.create(draft("k1")))
        before = ok(store.get("id-1"))

        def broken(_obj: Any) -> Any:
            raise RuntimeError("the encoder failed")

        monkeypatch.setattr(codec, "to_record", broken)
        with pytest.raises(RuntimeError, match="encoder"):
            update(store, "id-1", SetName(name="never saved"))
        with pytest.raises(RuntimeError, match="encoder"):
            store.create(draft("k2"))
        monkeypatch.undo()
        assert store.get("id-1") is before and len(store) == 1
        assert ok(store.query(sort=["lastModifiedAt desc"])).results == (before,)
        ok(store.create(draft("k2")))


# --- Tenancy: what the owner and project arguments leave visible -------------------------------

A = "europe-west1.gcp:project-a"
B = "europe-west1.gcp:project-b"


def test_a_draft_created_with_no_owner_is_every_callers() -> None:
    """store.create(draft) in Python, then HTTP callers of any project: the draft is theirs to see and change."""
    store, _ = make_store()
    unowned = ok(store.create(draft("unowned"))).resource.id
    own = ok(store.create(draft("own"), owner=A)).resource.id
    assert ok(store.get(unowned, owner=B)).resource.key == "unowned"
    page = ok(store.query(owner=B))
    assert [s.resource.id for s in page.results] == [unowned]
    assert [s.resource.id for s in ok(store.query(owner=A)).results] == [unowned, own]
    assert isinstance(store.get(own, owner=B), ResourceNotFound)
    ok(store.delete(unowned, owner=B))
    assert [s.resource.id for s in ok(store.query(owner=A)).results] == [own]


def test_an_unlisted_connector_is_still_read_by_id_by_those_who_may_see_it() -> None:
    """unlist hides a Connector from searches, not from the production reads (access.visible)."""
    store, _ = make_store()
    id = ok(store.create(draft("public-one"), owner=A)).resource.id
    certify(store, id)
    ok(update(store, id, Unlist()))
    assert ok(store.connector(id, project=B)).resource.id == id
    assert ok(store.connector_by_key("public-one", project=B)).resource.id == id
    assert ok(store.search(project=B)).total == 0
