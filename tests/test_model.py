"""Parse, don't validate: entities, actions and events cannot be built invalid."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from connector_domain import (
    AddCertificationComment,
    ConnectorReport,
    ConnectorReportEntry,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStatus,
    ConnectorUpdate,
    Creator,
    PublishingFailed,
    PublishingSucceeded,
    Region,
    Repository,
    SetName,
    SetSupportedRegions,
    apply,
    codec,
)
from connector_domain.actions import Publish, SetCreatorNoOfContributors, SetIntegrationTypes
from connector_domain.model import GITHUB_URL_PATTERN, WrongTypeError, check_repository_url
from tests.conftest import fixture

STAGED = codec.from_wire(fixture("created-draft.json"), ConnectorStaged)


class TestConstructorsCheckTypes:
    """A payload of the wrong type raises ValueError when it is built, never later."""

    @pytest.mark.parametrize(
        "build",
        [
            lambda: Publish(certification="false"),  # type: ignore[arg-type]
            lambda: Publish(certification=1),  # type: ignore[arg-type]
            lambda: SetName(name=3),  # type: ignore[arg-type]
            lambda: SetSupportedRegions(regions=("mars",)),  # type: ignore[arg-type]
            lambda: SetSupportedRegions(regions=[Region.US_EAST_2_AWS]),  # type: ignore[arg-type]
            lambda: SetIntegrationTypes(integration_types=("tax",)),  # type: ignore[arg-type]
            lambda: SetCreatorNoOfContributors(creator_no_of_contributors=True),
            lambda: AddCertificationComment(comment=None),  # type: ignore[arg-type]
            lambda: ConnectorUpdate(version="1", actions=()),  # type: ignore[arg-type]
            lambda: ConnectorUpdate(version=1, actions=({"action": "setName"},)),  # type: ignore[arg-type]
            lambda: PublishingSucceeded(report="ok"),  # type: ignore[arg-type]
            lambda: PublishingFailed(report={"entries": []}),  # type: ignore[arg-type]
        ],
    )
    def test_wrong_type_is_a_value_error(self, build: object) -> None:
        """Each of these raises a WrongTypeError, which is both a ValueError and a TypeError."""
        with pytest.raises(ValueError) as raised:
            build()  # type: ignore[operator]
        assert isinstance(raised.value, WrongTypeError) and isinstance(raised.value, TypeError)

    def test_staged_status_must_be_the_enum(self) -> None:
        """A status given as its wire string is refused, so the reducer never meets it."""
        with pytest.raises(ValueError, match="ConnectorStatus"):
            attrs.evolve(STAGED, status="Draft")  # type: ignore[arg-type]

    def test_staged_booleans_must_be_booleans(self) -> None:
        """private, alreadyListed, hasChanges and certified refuse strings."""
        for field in ("private", "already_listed", "has_changes", "certified"):
            with pytest.raises(ValueError, match="boolean"):
                attrs.evolve(STAGED, **{field: "false"})  # type: ignore[arg-type]

    def test_draft_lists_hold_enum_members(self) -> None:
        """A draft's supportedRegions refuses plain strings."""
        with pytest.raises(ValueError):
            ConnectorStagedDraft(
                name="n",
                creator=Creator(email="e"),
                repository=Repository(url="https://github.com/o/r", tag="t"),
                supported_regions=("us-east-2.aws",),  # type: ignore[arg-type]
            )


class TestDatetimes:
    """Datetimes are kept in UTC to the millisecond wherever they enter."""

    def test_report_entry_is_truncated_to_the_millisecond(self) -> None:
        """A report entry built with microseconds keeps milliseconds, in UTC, and round-trips."""
        moment = datetime(2024, 1, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
        entry = ConnectorReportEntry(type=ConnectorReportEntryType.INFORMATION, title="t", created_at=moment)
        assert entry.created_at == datetime(2024, 1, 1, 10, 0, 0, 123000, tzinfo=UTC)
        assert entry.created_at.tzinfo is UTC
        report = ConnectorReport(entries=(entry,))
        assert codec.from_wire(codec.to_wire(report), ConnectorReport) == report

    def test_comment_time_is_rounded_after_conversion_to_utc(self) -> None:
        """With an offset of sub-second precision, the comment's time is the UTC instant, truncated."""
        offset = timezone(timedelta(microseconds=500))
        at = datetime(2024, 1, 1, 12, 0, 0, 100, tzinfo=offset)
        staged = attrs.evolve(STAGED, status=ConnectorStatus.IN_CERTIFICATION)
        result = apply(staged, AddCertificationComment(comment="c"), at=at, by="p")
        assert isinstance(result, ConnectorStaged) and result.certification_info is not None
        assert result.certification_info.comments[0].datetime == datetime(2024, 1, 1, 11, 59, 59, 999000, tzinfo=UTC)

    def test_out_of_range_time_is_a_value_error(self) -> None:
        """An aware time that has no UTC equivalent is a ValueError, not an OverflowError."""
        at = datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5)))
        staged = attrs.evolve(STAGED, status=ConnectorStatus.IN_CERTIFICATION)
        with pytest.raises(ValueError, match="range"):
            apply(staged, AddCertificationComment(comment="c"), at=at, by="p")


class TestRepositoryUrl:
    """The GitHub URL form."""

    @pytest.mark.parametrize("url", ["https://github.com/../..", "git@github.com:./repo", "https://github.com/o/.."])
    def test_dot_segments_are_not_repositories(self, url: str) -> None:
        """An owner or repository made of dots alone is refused."""
        with pytest.raises(ValueError):
            check_repository_url(url)

    @pytest.mark.parametrize("url", ["https://github.com/o.o/r.git", "git@github.com:.o/.r"])
    def test_dots_inside_names_are_fine(self, url: str) -> None:
        """Dots inside owner and repository names are accepted."""
        check_repository_url(url)


#: The GitHub URL pattern as first written: right, but quadratic on a long near miss.
_BACKTRACKING_GITHUB_URL = re.compile(
    r"(?:https://github\.com/|git@github\.com:)"
    r"[A-Za-z0-9_.-]*[A-Za-z0-9_-][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]*[A-Za-z0-9_-][A-Za-z0-9_.-]*"
)
_URL_ALPHABET = st.sampled_from(["a", "Z", "0", "_", "-", ".", "/", ":", "!", "\n"])


class TestLinearGitHubUrl:
    """The GitHub URL check runs in linear time and accepts exactly what the first pattern accepted."""

    @given(
        st.sampled_from(["https://github.com/", "git@github.com:", "http://github.com/"]),
        st.lists(_URL_ALPHABET, max_size=12).map("".join),
    )
    @example("https://github.com/", "o/r")
    @example("git@github.com:", ".a/b..")
    @example("https://github.com/", "../r")
    @example("https://github.com/", "o/r/")
    def test_agrees_with_the_backtracking_pattern(self, prefix: str, rest: str) -> None:
        """For any string, the linear pattern matches exactly when the backtracking one does."""
        url = prefix + rest
        assert (GITHUB_URL_PATTERN.fullmatch(url) is None) == (_BACKTRACKING_GITHUB_URL.fullmatch(url) is None)

    def test_a_long_near_miss_is_refused(self) -> None:
        """The 48 KB near miss that took seconds before is refused (timing lives in benchmarks/)."""
        with pytest.raises(ValueError, match="is not a GitHub repository URL"):
            check_repository_url("https://github.com/a/" + "a" * 48_000 + "!")
