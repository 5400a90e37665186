"""Time for the mock: the system's clock, and a clock that moves when told.

The rules core takes time as an argument; the mock reads it from a clock,
so that tests (and users of the mock) can move time forward instead of
waiting for the simulated Connect service.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Final

from ..model import utc_millisecond

__all__ = ["LAST_YEAR", "SimulatedClock", "system_time"]

#: A clock stops short of this year, so that scheduling (time + delay) never overflows.
LAST_YEAR: Final = 9000


def system_time() -> datetime:
    """The system's time, in UTC."""
    return datetime.now(UTC)


class SimulatedClock:
    """A clock that moves when told: a fixed start, or the system's time, plus what ``advance`` added.

    ``SimulatedClock(start)`` stands still at *start* until advanced (for
    tests); ``SimulatedClock()`` follows the system's time, and ``advance``
    jumps ahead of it (for a mock server whose users wait less).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = None if start is None else utc_millisecond(start)
        self._offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        """The current time, in UTC."""
        with self._lock:
            base = datetime.now(UTC) if self._start is None else self._start  # system_time(), one call less
            return base + self._offset if self._offset else base

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the clock forward by *delta* (a timedelta, or seconds); returns the new time."""
        try:
            step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        except (OverflowError, ValueError):
            raise ValueError(f"cannot move a clock by {delta!r} seconds") from None
        if step < timedelta():
            raise ValueError(f"a clock moves forward, not by {step}")
        with self._lock:
            base = system_time() if self._start is None else self._start
            # Checked before the move: a clock past LAST_YEAR would overflow the
            # scheduling of simulated events (at + delay) on every operation.
            try:
                moved = base + self._offset + step
            except OverflowError:
                moved = None
            if moved is None or moved.year >= LAST_YEAR:
                raise ValueError(f"cannot move the clock by {step}: past the year {LAST_YEAR}")
            self._offset += step
        return self()
