"""How the codec reads and writes datetimes: two readings that agree, and a writer that agrees with ``isoformat``.

``_datetime`` reads the API's own form (``2023-08-08T17:00:59.327Z``) with
``datetime.fromisoformat``, ten times faster than field by field, and any
other RFC 3339 date-time field by field; ``_write_datetime`` writes from
digit tables. Both are held here to an oracle.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from connector_domain import codec


def _general_reading(text: str) -> datetime | None:
    """The oracle: the API's form read field by field, None where a field is out of range."""
    try:
        return datetime(
            int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]),
            int(text[17:19]), int(text[20:23]) * 1000, tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return None


class TestDatetimes:
    @given(
        fields=st.tuples(
            st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 24),
            st.integers(0, 60), st.integers(0, 60), st.integers(0, 999),
        )
    )  # fmt: skip
    def test_the_apis_form_reads_as_its_fields_say(self, fields: tuple[int, ...]) -> None:
        text = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z".format(*fields)
        expected = _general_reading(text)
        try:
            read: datetime | None = codec.read_datetime(text)
        except ValueError:
            read = None
        assert read == expected
        if read is not None:
            assert read.tzinfo is UTC

    @given(
        moment=st.datetimes(
            # A day inside the range at each end: the offset must not move the moment out of UTC's range.
            min_value=datetime(1, 1, 2),
            max_value=datetime(9999, 12, 30),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5, minutes=-30)), timezone(timedelta(hours=14))]),
        )
    )
    def test_a_datetime_is_written_as_isoformat_would(self, moment: datetime) -> None:
        expected = moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
        assert codec._write_datetime(moment) == expected


class TestExamples:
    def test_every_form_of_rfc_3339_still_reads(self) -> None:
        moment = datetime(2023, 8, 8, 17, 0, 59, 327000, tzinfo=UTC)
        for text in (
            "2023-08-08T17:00:59.327Z",
            "2023-08-08t17:00:59.327z",
            "2023-08-08T17:00:59.327999999Z",
            "2023-08-08T19:00:59.327+02:00",
            "2023-08-08T16:30:59.327-00:30",
        ):
            assert codec.read_datetime(text) == moment, text
        assert codec.read_datetime("2023-08-08T17:00:59Z") == moment.replace(microsecond=0)

    def test_a_leap_day_reads_and_a_day_the_month_has_not_is_refused(self) -> None:
        assert codec.read_datetime("2024-02-29T00:00:00.000Z") == datetime(2024, 2, 29, tzinfo=UTC)
        for text in ("2023-02-29T00:00:00.000Z", "2023-04-31T00:00:00.000Z", "0000-01-01T00:00:00.000Z"):
            try:
                codec.read_datetime(text)
            except ValueError as exc:
                assert str(exc) == f'"{text}" is not a valid UTC date-time like 2023-08-08T17:00:59.327Z'
            else:
                raise AssertionError(f"{text} was read")

    def test_digits_of_other_scripts_are_refused(self) -> None:
        text = "٢٠٢٣-08-08T17:00:59.327Z"  # Arabic-Indic digits, which a Unicode \\d matches and int() reads
        try:
            codec.read_datetime(text)
        except ValueError as exc:
            assert "is not an RFC 3339 date-time" in str(exc)
        else:
            raise AssertionError("digits of another script were read")
