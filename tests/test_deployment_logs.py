"""The logs query of a Deployment (``deployment.logs.query_logs``), by example and by property.

Checks in order, the first failure winning: the application name (unknown,
or none for an AWS deployment), the dates, the page token. Then the filters
(the application, ``startDate`` and ``endDate`` inclusive), and a cursor
that visits each matching entry once, in order, and is absent on the last page.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from connector_domain import codec
from connector_domain.deployment.logs import MAX_AGE, PAGE_SIZE, query_logs
from connector_domain.deployment.model import (
    ApplicationDeployment,
    Deployment,
    DeploymentLog,
    DeploymentLogCursorPagedQueryResponse,
    DeploymentLogSeverity,
    DeploymentLogType,
    JsonValue,
)
from connector_domain.errors import (
    DeploymentApplicationDoesNotExist,
    DeploymentLogInvalidDate,
    DeploymentLogInvalidPageToken,
    DeploymentLogMissingApplicationName,
    DomainError,
)
from connector_domain.model import Region
from tests.conftest import fixture

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
#: The first entry's time; each next entry is a minute later.
FIRST = NOW - timedelta(days=2)
NAMES = ("alpha", "beta", "gamma")


def _application(name: str) -> ApplicationDeployment:
    return ApplicationDeployment(
        id=f"app-{name}", application_name=name, standard_configuration=(), secured_configuration=()
    )


def deployment(id: str = "dep-1", region: Region = Region.EUROPE_WEST1_GCP) -> Deployment:
    """The official Deployment example, with three applications, in *region*."""
    official = codec.from_wire(fixture("deployment/minimal.json"), Deployment)
    return attrs.evolve(
        official, id=id, applications=tuple(_application(name) for name in NAMES), deployed_region=region
    )


def entry(n: int, application: str, *, deployment_id: str = "dep-1", at: datetime | None = None) -> DeploymentLog:
    return DeploymentLog(
        type=DeploymentLogType.APPLICATION_TEXT,
        deployment_id=deployment_id,
        application_name=application,
        severity=DeploymentLogSeverity.INFO,
        timestamp=FIRST + timedelta(minutes=n) if at is None else at,
        details=JsonValue(text=json.dumps({"message": f"entry {n}"})),
    )


def entries(count: int) -> list[DeploymentLog]:
    """*count* entries a minute apart, the applications in turn."""
    return [entry(n, NAMES[n % len(NAMES)]) for n in range(count)]


def page(result: DeploymentLogCursorPagedQueryResponse | DomainError) -> DeploymentLogCursorPagedQueryResponse:
    assert isinstance(result, DeploymentLogCursorPagedQueryResponse), result
    return result


def walk(
    target: Deployment, logs: Sequence[DeploymentLog], **filters: Any
) -> tuple[list[DeploymentLog], list[DeploymentLogCursorPagedQueryResponse]]:
    """Every entry a client reads by following ``next`` from the first page, and the pages."""
    pages = [page(query_logs(target, logs, now=NOW, **filters))]
    while pages[-1].next is not None:
        assert len(pages) <= len(logs) + 1, "the cursor does not end"
        pages.append(page(query_logs(target, logs, now=NOW, page_token=pages[-1].next, **filters)))
    return [item for p in pages for item in p.data], pages


class TestFilters:
    def test_without_filters_every_entry_in_order(self) -> None:
        """No filter, fewer entries than a page: all of them, oldest first, and no next."""
        logs = entries(7)
        result = page(query_logs(deployment(), logs, now=NOW))
        assert result.data == tuple(logs)
        assert result.next is None

    def test_the_application_filter(self) -> None:
        """applicationName keeps that application's entries only, in order."""
        logs = entries(9)
        result = page(query_logs(deployment(), logs, now=NOW, application_name="beta"))
        assert result.data == tuple(logs[1::3])
        assert {e.application_name for e in result.data} == {"beta"}

    def test_start_and_end_include_their_bounds(self) -> None:
        """An entry exactly at startDate or at endDate is in; a millisecond outside is out."""
        logs = entries(10)
        start, end = logs[3].timestamp, logs[6].timestamp
        inside = page(query_logs(deployment(), logs, now=NOW, start_date=start, end_date=end))
        assert inside.data == tuple(logs[3:7])
        ms = timedelta(milliseconds=1)
        narrower = page(query_logs(deployment(), logs, now=NOW, start_date=start + ms, end_date=end - ms))
        assert narrower.data == tuple(logs[4:6])

    def test_one_bound_alone(self) -> None:
        """startDate alone keeps what is at or after it; endDate alone what is at or before it."""
        logs = entries(10)
        assert page(query_logs(deployment(), logs, now=NOW, start_date=logs[8].timestamp)).data == tuple(logs[8:])
        assert page(query_logs(deployment(), logs, now=NOW, end_date=logs[1].timestamp)).data == tuple(logs[:2])

    def test_equal_start_and_end_is_one_instant(self) -> None:
        """startDate == endDate is allowed: the entries of that instant."""
        logs = entries(5)
        at = logs[2].timestamp
        assert page(query_logs(deployment(), logs, now=NOW, start_date=at, end_date=at)).data == (logs[2],)

    def test_filters_combine(self) -> None:
        """The application and the dates both hold."""
        logs = entries(12)
        result = page(
            query_logs(
                deployment(), logs, now=NOW, application_name="alpha", start_date=logs[2].timestamp,
                end_date=logs[9].timestamp,
            )
        )  # fmt: skip
        assert result.data == (logs[3], logs[6], logs[9])

    def test_no_entry_is_an_empty_last_page(self) -> None:
        """A Deployment without entries, or a filter that matches none: an empty page, no next."""
        assert query_logs(deployment(), [], now=NOW) == DeploymentLogCursorPagedQueryResponse(data=())
        nothing = page(query_logs(deployment(), entries(5), now=NOW, start_date=NOW))
        assert (nothing.data, nothing.next) == ((), None)


class TestChecks:
    def test_an_unknown_application(self) -> None:
        """An applicationName the Deployment does not have is DeploymentApplicationDoesNotExist, naming it."""
        result = query_logs(deployment(), entries(3), now=NOW, application_name="delta")
        assert result == DeploymentApplicationDoesNotExist("delta")
        assert isinstance(result, DomainError)
        assert result.message == "Deployment does not have an application named delta."
        # Entries of an application the Deployment does not have do not make it one.
        assert query_logs(deployment(), [entry(0, "delta")], now=NOW, application_name="delta") == result

    @pytest.mark.parametrize("region", [Region.US_EAST_2_AWS, Region.EU_CENTRAL_1_AWS])
    def test_an_aws_deployment_needs_an_application_name(self, region: Region) -> None:
        """In an AWS region, no applicationName is DeploymentLogMissingApplicationName; with one, a page."""
        target = deployment(region=region)
        result = query_logs(target, entries(3), now=NOW)
        assert result == DeploymentLogMissingApplicationName()
        assert isinstance(result, DomainError)
        assert result.message == "Missing application name when fetching deployment logs"
        assert page(query_logs(target, entries(3), now=NOW, application_name="alpha")).data == (entries(3)[0],)

    @pytest.mark.parametrize("region", [r for r in Region if not r.value.endswith(".aws")], ids=str)
    def test_a_gcp_deployment_needs_none(self, region: Region) -> None:
        """In a GCP region every application's entries come without a name."""
        assert len(page(query_logs(deployment(region=region), entries(3), now=NOW)).data) == 3

    def test_end_before_start_is_an_invalid_date(self) -> None:
        """endDate a millisecond before startDate: DeploymentLogInvalidDate."""
        start = NOW - timedelta(days=1)
        result = query_logs(
            deployment(), entries(3), now=NOW, start_date=start, end_date=start - timedelta(milliseconds=1)
        )
        assert result == DeploymentLogInvalidDate()
        assert isinstance(result, DomainError) and result.message == "Invalid start/end date"

    def test_start_may_be_thirty_days_back_and_no_more(self) -> None:
        """startDate exactly 30 days before now is allowed; a millisecond earlier is DeploymentLogInvalidDate."""
        assert timedelta(days=30) == MAX_AGE
        old = [entry(0, "alpha", at=NOW - MAX_AGE), entry(1, "alpha", at=NOW - MAX_AGE - timedelta(seconds=1))]
        result = page(query_logs(deployment(), old, now=NOW, start_date=NOW - MAX_AGE))
        assert result.data == (old[0],)
        too_old = NOW - MAX_AGE - timedelta(milliseconds=1)
        assert query_logs(deployment(), old, now=NOW, start_date=too_old) == DeploymentLogInvalidDate()

    def test_the_thirty_days_count_from_the_callers_now(self) -> None:
        """The same startDate is fine today and refused 31 days later: now is the caller's, not a clock's."""
        start = NOW - timedelta(days=1)
        assert isinstance(
            query_logs(deployment(), [], now=NOW, start_date=start), DeploymentLogCursorPagedQueryResponse
        )
        later = NOW + timedelta(days=30)
        assert query_logs(deployment(), [], now=later, start_date=start) == DeploymentLogInvalidDate()

    def test_an_end_date_alone_may_be_any_time(self) -> None:
        """The 30 days bound startDate; an old endDate alone is no refusal (it matches nothing newer)."""
        result = page(query_logs(deployment(), entries(3), now=NOW, end_date=NOW - timedelta(days=400)))
        assert result.data == ()

    def test_a_start_in_the_future_is_allowed(self) -> None:
        """The reference bounds startDate in the past only: a future one matches nothing yet."""
        assert page(query_logs(deployment(), entries(3), now=NOW, start_date=NOW + timedelta(days=1))).data == ()

    # The order: each check wins over every later one.

    def test_an_unknown_application_wins_over_every_later_check(self) -> None:
        """Unknown application, on an AWS deployment, with bad dates and a bad token: DoesNotExist."""
        result = query_logs(
            deployment(region=Region.US_EAST_2_AWS), entries(3), now=NOW, application_name="delta",
            start_date=NOW, end_date=NOW - timedelta(days=1), page_token="nope",
        )  # fmt: skip
        assert result == DeploymentApplicationDoesNotExist("delta")

    def test_a_missing_application_name_wins_over_the_dates_and_token(self) -> None:
        """AWS without applicationName, with bad dates and a bad token: DeploymentLogMissingApplicationName."""
        result = query_logs(
            deployment(region=Region.US_EAST_2_AWS), entries(3), now=NOW, start_date=NOW - timedelta(days=90),
            page_token="nope",
        )  # fmt: skip
        assert result == DeploymentLogMissingApplicationName()

    def test_a_bad_date_wins_over_a_bad_token(self) -> None:
        """Bad dates and a bad token: DeploymentLogInvalidDate."""
        result = query_logs(
            deployment(), entries(3), now=NOW, start_date=NOW, end_date=NOW - timedelta(days=1), page_token="nope"
        )
        assert result == DeploymentLogInvalidDate()

    def test_a_bad_token_alone(self) -> None:
        """Everything else right, a token never issued: DeploymentLogInvalidPageToken quoting it."""
        result = query_logs(deployment(), entries(3), now=NOW, page_token="nope")
        assert result == DeploymentLogInvalidPageToken("nope")
        assert isinstance(result, DomainError) and result.message == "Invalid page token: nope"

    @pytest.mark.parametrize("size", [0, -1])
    def test_a_page_size_below_one_is_a_programming_error(self, size: int) -> None:
        """page_size must be at least 1."""
        with pytest.raises(ValueError, match="page_size must be at least 1"):
            query_logs(deployment(), entries(3), now=NOW, page_size=size)


class TestPaging:
    def test_the_default_page_size(self) -> None:
        """Twenty entries a page; the first of 45 has next, the last has 5 and none."""
        assert PAGE_SIZE == 20
        logs = entries(45)
        seen, pages = walk(deployment(), logs)
        assert [len(p.data) for p in pages] == [20, 20, 5]
        assert [p.next is None for p in pages] == [False, False, True]
        assert seen == logs

    def test_exactly_a_page_has_no_next(self) -> None:
        """As many entries as a page: one page, and no next that would lead to an empty one."""
        result = page(query_logs(deployment(), entries(20), now=NOW))
        assert (len(result.data), result.next) == (20, None)

    def test_a_token_keeps_the_filters_of_the_request(self) -> None:
        """Following next with the same filters reads only matching entries."""
        logs = entries(30)
        seen, pages = walk(deployment(), logs, application_name="gamma", page_size=4)
        assert seen == logs[2::3] and len(pages) == 3

    def test_the_token_is_opaque_url_safe_text(self) -> None:
        """next is URL-safe base64 without padding: it goes in a query string as is."""
        token = page(query_logs(deployment(), entries(5), now=NOW, page_size=2)).next
        assert token is not None
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    def test_a_token_of_another_deployment_is_refused(self) -> None:
        """A next of dep-1 given to dep-2 (the same entries otherwise): DeploymentLogInvalidPageToken."""
        logs = entries(5)
        token = page(query_logs(deployment("dep-1"), logs, now=NOW, page_size=2)).next
        assert token is not None
        assert query_logs(deployment("dep-2"), logs, now=NOW, page_size=2, page_token=token) == (
            DeploymentLogInvalidPageToken(token)
        )

    def test_a_token_past_the_end_is_refused(self) -> None:
        """A token issued for a longer listing, given where fewer entries match, points past the end: refused."""
        logs = entries(9)
        token = page(query_logs(deployment(), logs, now=NOW, page_size=4)).next  # position 4 of 9
        assert token is not None
        fewer = query_logs(deployment(), logs, now=NOW, page_size=4, page_token=token, application_name="alpha")
        assert fewer == DeploymentLogInvalidPageToken(token)  # 3 alpha entries: position 4 is past them
        assert query_logs(deployment(), logs[:4], now=NOW, page_size=4, page_token=token) == (
            DeploymentLogInvalidPageToken(token)
        )

    @pytest.mark.parametrize(
        "token",
        ["0", "", "=", "MA", "MDpkZXAtMQ", "MTpkZXAtMQ==", "MDE6ZGVwLTE", "LTE6ZGVwLTE", "MTpkZXAtMg", "%%%", "\u00e9"],
    )
    def test_tokens_never_issued_are_refused(self, token: str) -> None:
        """0, empty, padding, the first page's position (0), a padded or zero-led position, a negative one, another
        deployment's, not base64: never issued, so DeploymentLogInvalidPageToken."""
        logs = entries(5)
        assert query_logs(deployment(), logs, now=NOW, page_size=2, page_token=token) == (
            DeploymentLogInvalidPageToken(token)
        )

    def test_the_hand_made_tokens_are_what_they_say(self) -> None:
        """The tokens above decode as their names claim, so that the refusals test what they mean to."""

        def text(token: str) -> str:
            return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()

        assert [text(t) for t in ("MDpkZXAtMQ", "MDE6ZGVwLTE", "LTE6ZGVwLTE", "MTpkZXAtMg")] == [
            "0:dep-1", "01:dep-1", "-1:dep-1", "1:dep-2",
        ]  # fmt: skip
        issued = page(query_logs(deployment(), entries(5), now=NOW, page_size=1)).next
        assert issued is not None and text(issued) == "1:dep-1"
        assert page(query_logs(deployment(), entries(5), now=NOW, page_size=1, page_token="MTpkZXAtMQ")).data == (
            entries(5)[1],
        )


# --- Properties ----------------------------------------------------------------------------------

#: Up to 60 entries, each of an application (two of the three, and one the Deployment does not have) at a
#: minute offset, so that several share a time and the order is not the time's.
_entries = st.lists(
    st.builds(
        lambda n, name, minutes: entry(n, name, at=FIRST + timedelta(minutes=minutes)),
        st.integers(0, 10**6),
        st.sampled_from(["alpha", "beta", "other"]),
        st.integers(0, 120),
    ),
    max_size=60,
)
_bounds = st.one_of(st.none(), st.integers(0, 120).map(lambda m: FIRST + timedelta(minutes=m)))


@given(
    logs=_entries,
    size=st.integers(1, 25),
    application=st.sampled_from([None, "alpha", "beta"]),
    start=_bounds,
    end=_bounds,
)
def test_following_next_visits_every_matching_entry_once_in_order(
    logs: list[DeploymentLog], size: int, application: str | None, start: datetime | None, end: datetime | None
) -> None:
    """From the first page, next leads through every matching entry exactly once, in order, size at a time;
    only the last page lacks next, and only it may be short."""
    assume(start is None or end is None or start <= end)
    filters = {"application_name": application, "start_date": start, "end_date": end, "page_size": size}
    seen, pages = walk(deployment(), logs, **filters)
    expected = [
        e
        for e in logs
        if (application is None or e.application_name == application)
        and (start is None or start <= e.timestamp)
        and (end is None or e.timestamp <= end)
    ]
    assert seen == expected
    assert all(len(p.data) == size for p in pages[:-1])
    assert 0 < len(pages[-1].data) <= size or expected == []
    assert [p.next is None for p in pages] == [False] * (len(pages) - 1) + [True]


@given(logs=_entries, size=st.integers(1, 25), token=st.text(max_size=40))
def test_a_token_not_issued_is_refused(logs: list[DeploymentLog], size: int, token: str) -> None:
    """Any text that no page of this listing gave as next is DeploymentLogInvalidPageToken; the issued ones work."""
    _, pages = walk(deployment(), logs, page_size=size)
    issued = {p.next for p in pages if p.next is not None}
    result = query_logs(deployment(), logs, now=NOW, page_size=size, page_token=token)
    if token in issued:
        assert isinstance(result, DeploymentLogCursorPagedQueryResponse)
    else:
        assert result == DeploymentLogInvalidPageToken(token)
    for next_token in issued:
        assert query_logs(deployment("dep-2"), logs, now=NOW, page_size=size, page_token=next_token) == (
            DeploymentLogInvalidPageToken(next_token)
        )
