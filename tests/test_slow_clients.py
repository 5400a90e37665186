"""Slow clients: the deadlines of a request's line and headers, and of its body, over real loopback sockets.

The deadlines here are short (``DEADLINE``) and every wait for the server is
long (``WAIT``): a test asserts that a connection closed no sooner than its
deadline, and no later than the wait, never a time in between.
"""

from __future__ import annotations

import json
import logging
import math
import select
import socket
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from connector_domain.mock._protocol import HeaderDeadline, with_header_timeout
from connector_domain.mock.defaults import BODY_TIMEOUT, HEADER_TIMEOUT
from connector_domain.mock.server import create_app, serving
from connector_domain.mock.store import SimulatedClock, Store
from tests.official_schema import checked_client, validate
from tests.test_server import DRAFT

START = datetime(2024, 1, 1, tzinfo=UTC)
#: The deadlines of these tests, in seconds.
DEADLINE = 0.3
#: The longest any test waits for the server to close or answer.
WAIT = 5.0
#: The pause between two bytes of a trickling client.
TRICKLE = 0.05


def _post(body: bytes, *, length: int | None = None) -> bytes:
    """The line and headers of a create request with a body of *length* bytes (default: *body*'s)."""
    return (
        b"POST /connectors/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length)
    )


GET = b"GET /connectors/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
BODY = json.dumps(DRAFT).encode()


@contextmanager
def _mock(*, header_timeout: float = HEADER_TIMEOUT, body_timeout: float = BODY_TIMEOUT) -> Iterator[str]:
    app = create_app(Store(clock=SimulatedClock(START)), body_timeout=body_timeout)
    with serving(app, header_timeout=header_timeout) as url:
        yield url


@contextmanager
def _connection(url: str) -> Iterator[socket.socket]:
    """A TCP connection to the mock at *url* (loopback), closed after the block."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    with socket.create_connection((parts.hostname, parts.port), timeout=WAIT) as sock:
        yield sock


def _until_closed(sock: socket.socket, trickle: bytes = b"") -> bytes:
    """What the server sends until it closes *sock*; meanwhile *trickle* goes out a byte every ``TRICKLE`` s.

    The trickle stops as soon as the server sends anything. ``AssertionError``
    if the connection is still open after ``WAIT`` seconds.
    """
    received = bytearray()
    end = time.monotonic() + WAIT
    while (left := end - time.monotonic()) > 0:
        readable, _, _ = select.select([sock], [], [], min(TRICKLE, left))
        if readable:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:  # the server closed with a trickled byte unread
                return bytes(received)
            if not data:
                return bytes(received)
            received += data
            trickle = b""
        elif trickle:
            try:
                sock.sendall(trickle[:1])
            except OSError:  # closed; what it sent before is still to be read
                trickle = b""
            trickle = trickle[1:]
    raise AssertionError(f"the connection was still open after {WAIT} s; received {bytes(received)!r}")


class _Responses:
    """HTTP/1.1 responses read one at a time from a connection (each with a Content-Length)."""

    def __init__(self, sock: socket.socket | None, received: bytes = b"") -> None:
        self.sock = sock
        self.buffer = received

    def _fill(self) -> None:
        assert self.sock is not None, f"an incomplete response: {self.buffer!r}"
        data = self.sock.recv(65536)
        assert data, f"the server closed the connection; unparsed: {self.buffer!r}"
        self.buffer += data

    def next(self) -> tuple[int, dict[str, str], Any]:
        """The next response's status, headers (lower-case names) and JSON body."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, json.loads(body) if body else None


def _parse(data: bytes) -> tuple[int, dict[str, str], Any]:
    """The one response in *data*, all a connection received."""
    reader = _Responses(None, data)
    answer = reader.next()
    assert reader.buffer == b"", f"more than one response: {data!r}"
    return answer


def _total(url: str) -> int:
    with checked_client(url, timeout=WAIT) as client:
        answer = client.get("/connectors/drafts")
        assert answer.status_code == 200
        total: int = answer.json()["total"]
        return total


class TestTheLineAndHeaders:
    """A connection whose request's line and headers are not complete in time is closed."""

    def test_a_client_that_sends_nothing_is_closed_after_the_deadline(self) -> None:
        """Connected, silent: closed with no answer, no sooner than the deadline."""
        with _mock(header_timeout=DEADLINE) as url:
            started = time.monotonic()
            with _connection(url) as sock:
                assert _until_closed(sock) == b""
                assert time.monotonic() - started >= DEADLINE
            assert _total(url) == 0  # and the mock serves on

    def test_a_client_that_trickles_its_headers_is_closed(self) -> None:
        """A byte every 50 ms restarts uvicorn's keep-alive wait, not this deadline: closed, no answer."""
        head = b"GET /connectors/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200  # never complete
        with _mock(header_timeout=DEADLINE) as url:
            started = time.monotonic()
            with _connection(url) as sock:
                assert _until_closed(sock, trickle=head) == b""
                assert time.monotonic() - started >= DEADLINE

    def test_a_keep_alive_connection_that_trickles_its_next_request_is_closed(self) -> None:
        """The deadline starts again when a response completes: two requests answered, the third too slow."""
        with _mock(header_timeout=DEADLINE) as url, _connection(url) as sock:
            responses = _Responses(sock)
            sock.sendall(GET)
            assert responses.next()[0] == 200
            started = time.monotonic()  # before the response that restarts the deadline
            sock.sendall(GET)
            status, headers, _ = responses.next()
            assert (status, headers.get("connection", "keep-alive")) == (200, "keep-alive")
            assert _until_closed(sock, trickle=GET) == b""
            assert time.monotonic() - started >= DEADLINE

    def test_keep_alive_reuse_and_pipelining_still_work(self) -> None:
        """Requests back to back on one connection, and two in one write, are all answered on it."""
        with _mock(header_timeout=DEADLINE) as url, _connection(url) as sock:
            responses = _Responses(sock)
            sock.sendall(_post(BODY) + BODY)
            assert responses.next()[0] == 201
            sock.sendall(GET)
            assert responses.next()[2]["total"] == 1
            sock.sendall(GET + GET)
            assert [responses.next()[0], responses.next()[0]] == [200, 200]

    def test_a_request_whose_head_came_in_time_is_not_cut_short(self) -> None:
        """The deadline ends with the head: a body, even of a pipelined request, may take longer than it."""
        pieces = [BODY[:40], BODY[40:80], BODY[80:]]
        with _mock(header_timeout=DEADLINE, body_timeout=WAIT) as url, _connection(url) as sock:
            responses = _Responses(sock)
            sock.sendall(GET + _post(BODY) + pieces[0])
            assert responses.next()[0] == 200
            started = time.monotonic()
            for piece in pieces[1:]:
                time.sleep(DEADLINE)
                sock.sendall(piece)
            status, _, created = responses.next()
            assert time.monotonic() - started >= 2 * DEADLINE
            assert (status, created["key"]) == (201, "my-connector")


class TestTheBody:
    """A body not read whole in time is 408 RequestTimeout, and nothing is stored."""

    def test_a_trickled_body_is_408_and_nothing_is_stored(self) -> None:
        """A byte every 50 ms: 408 RequestTimeout, an ErrorResponse, then the connection is closed."""
        with _mock(body_timeout=DEADLINE) as url:
            started = time.monotonic()
            with _connection(url) as sock:
                sock.sendall(_post(BODY) + BODY[:10])
                received = _until_closed(sock, trickle=BODY[10:])
                assert time.monotonic() - started >= DEADLINE
            status, headers, body = _parse(received)
            assert (status, headers["connection"]) == (408, "close")
            assert headers["x-correlation-id"]
            validate("ErrorResponse", body)
            assert body["statusCode"] == 408 and body["errors"][0]["code"] == "RequestTimeout"
            message = "The request body did not arrive within 0.3 seconds."
            assert body["message"] == body["errors"][0]["message"] == message
            assert _total(url) == 0

    def test_a_stalled_chunked_body_is_408(self) -> None:
        """A chunked body, one chunk and then nothing: 408 as well."""
        with _mock(body_timeout=DEADLINE) as url, _connection(url) as sock:
            head = b"POST /connectors/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            sock.sendall(head + b"a\r\n" + BODY[:10] + b"\r\n")
            status, _, body = _parse(_until_closed(sock))
            assert (status, body["errors"][0]["code"]) == (408, "RequestTimeout")
            assert _total(url) == 0


def test_a_normal_request_is_answered_while_slow_clients_wait() -> None:
    """Clients stalled in their headers and in their body hold up no one else, and are answered when done."""
    with _mock() as url, _connection(url) as in_headers, _connection(url) as in_body:
        in_headers.sendall(GET[:20])
        in_body.sendall(_post(BODY) + BODY[:10])
        with checked_client(url, timeout=WAIT) as client:
            assert client.post("/connectors/drafts", json={**DRAFT, "key": "another"}).status_code == 201
            assert client.get("/connectors/drafts").json()["total"] == 1
        in_headers.sendall(GET[20:])
        assert _Responses(in_headers).next()[2]["total"] == 1
        in_body.sendall(BODY[10:])
        assert _Responses(in_body).next()[:1] == (201,)
        assert _total(url) == 2


def test_a_normal_request_is_answered_with_httpx() -> None:
    """With the deadlines short, an ordinary client creates and reads as before."""
    with _mock(header_timeout=DEADLINE, body_timeout=DEADLINE) as url, checked_client(url, timeout=WAIT) as client:
        assert client.post("/connectors/drafts", json=DRAFT).status_code == 201
        assert client.get("/connectors/drafts/key=my-connector").json()["key"] == "my-connector"


@pytest.mark.parametrize("seconds", [0, -1, math.inf, math.nan, True])
def test_a_deadline_must_be_a_positive_number(seconds: float) -> None:
    """create_app and serving refuse a deadline that is none, before anything is served."""
    with pytest.raises(ValueError, match="body_timeout: expected a positive, finite number of seconds"):
        create_app(body_timeout=seconds)
    with (
        pytest.raises(ValueError, match="header_timeout: expected a positive, finite number of seconds"),
        serving(header_timeout=seconds),
    ):
        pass


def test_the_protocol_takes_its_deadline() -> None:
    """with_header_timeout makes a HeaderDeadline of that deadline; the defaults are 10 and 30 s."""
    bound = with_header_timeout(2.5)
    assert issubclass(bound, HeaderDeadline) and bound.header_timeout == 2.5
    assert HeaderDeadline.header_timeout == HEADER_TIMEOUT == 10
    assert BODY_TIMEOUT == 30


def test_a_client_that_leaves_mid_body_is_no_fault(caplog: pytest.LogCaptureFixture) -> None:
    """A client gone before its body arrived whole is logged as gone, not as a failure, and nothing is stored."""
    caplog.set_level(logging.INFO, logger="connector_domain.mock")
    with _mock() as url:
        with _connection(url) as sock:
            sock.sendall(_post(BODY) + BODY[:10])
        end = time.monotonic() + WAIT
        while not any("the client left" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < end, "the mock never saw the client leave"
            time.sleep(0.01)
        with checked_client(url) as client:
            assert client.get("/connectors/drafts").json()["total"] == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
