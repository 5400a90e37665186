"""uvicorn's HTTP/1.1 protocol (h11) with a deadline for a request's line and headers.

uvicorn closes a connection that sends nothing between requests for
``timeout_keep_alive`` seconds, but each byte received restarts that wait, and
nothing bounds the first request: a client that connects and sends nothing,
or sends a request's line and headers a byte at a time, holds the connection,
and its buffer, for as long as it likes. ``HeaderDeadline`` closes a
connection whose next request's line and headers are not complete within
``header_timeout`` seconds of the connection opening, or of the previous
response completing. Once they are, the deadline is over: the body has its
own, which the app keeps (``server._Edge``).

What it relies on of uvicorn's ``H11Protocol``, the same from uvicorn 0.29 to
0.54 (``uvicorn/protocols/http/h11_impl.py``):

- ``connection_made``, ``connection_lost`` and ``on_response_complete``, which
  it extends and calls. Each request's cycle is given the bound
  ``on_response_complete`` and calls it when its response is complete; from
  there uvicorn reads a pipelined next request, if it has one;
- ``send_400_response(msg)``, which it replaces: uvicorn calls it when h11
  cannot read a request, and writes with ``self.conn`` and ``self.transport``;
  a cycle's ``response_complete`` and ``keep_alive``, for bytes that follow a
  request still being answered;
- ``self.cycle``: uvicorn assigns it a new ``RequestResponseCycle`` when h11
  has parsed a request's line and headers, and at no other time. The
  deadline notes the cycle it was set under; when it expires with that cycle
  still there, no new request's head came.

The connection is closed by closing its transport, with no answer (there is
no request to answer yet); uvicorn's ``connection_lost`` then tells h11 and
the cycle. A connection handed to another protocol (a WebSocket upgrade) is
left alone: the transport's ``get_protocol()`` no longer names this one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any, ClassVar, Final

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .defaults import HEADER_TIMEOUT

__all__ = ["HeaderDeadline", "with_header_timeout"]

_log: Final = logging.getLogger("connector_domain.mock")


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """An ErrorResponse for what no DomainError class describes (an unknown path, a fault, malformed HTTP)."""
    return {"statusCode": status, "message": message, "errors": [{"code": code, "message": message}]}


def new_correlation_id() -> bytes:
    """An ``X-Correlation-ID`` for a response to a request that sent none: ``mock-`` and a random UUID (version 4).

    Written from 16 random bytes as ``uuid.uuid4()`` makes them, without its
    checks: this runs for nearly every response.
    """
    data = bytearray(os.urandom(16))
    data[6] = data[6] & 0x0F | 0x40  # version 4
    data[8] = data[8] & 0x3F | 0x80  # the RFC 4122 variant
    x = data.hex()
    return f"mock-{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}".encode()


class HeaderDeadline(H11Protocol):
    """``H11Protocol``, closing a connection whose request's line and headers take over ``header_timeout`` s."""

    #: Seconds a request's line and headers may take (``with_header_timeout`` makes a class with another).
    header_timeout: ClassVar[float] = HEADER_TIMEOUT

    # Class-level defaults, so that uvicorn's __init__ needs no extending.
    _timer: asyncio.TimerHandle | None = None
    _armed_under: object = None
    _transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._transport = transport
        self._arm()

    def on_response_complete(self) -> None:
        # Before uvicorn's: it may read a pipelined request at once, whose new cycle then ends the wait.
        self._arm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """Answer what h11 cannot read as HTTP/1.1 with an ErrorResponse, as the mock answers any refusal.

        uvicorn's own answer is plain text; a client of the mock parses every
        error as JSON. Called by uvicorn for an ``h11.RemoteProtocolError``
        (a request without ``Host``, a malformed header line, a bad
        ``Content-Length``), before any app sees the request.
        """
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # uvicorn before 0.30 reads what follows a request while that request is being
            # answered: let its answer go out whole, then close, the rest unread.
            cycle.keep_alive = False
            return
        message = f"The request is not valid HTTP/1.1 ({msg.rstrip('.')})."
        body = json.dumps(error_body(400, "MalformedRequest", message)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"x-correlation-id", new_correlation_id()),
        ]
        for event in (h11.Response(status_code=400, headers=headers), h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()

    def _arm(self) -> None:
        self._disarm()
        self._armed_under = self.cycle
        self._timer = asyncio.get_running_loop().call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        transport = self._transport
        if self.cycle is not self._armed_under or transport is None or transport.is_closing():
            return  # a request's head came in time, or the connection is closing already
        if transport.get_protocol() is not self:
            return  # handed over (a WebSocket upgrade): no longer an HTTP/1.1 connection of ours
        _log.debug("closing a connection whose request's line and headers took over %g s", self.header_timeout)
        transport.close()


def with_header_timeout(seconds: float) -> type[HeaderDeadline]:
    """A ``HeaderDeadline`` whose deadline is *seconds*: what ``uvicorn.Config(http=...)`` takes."""

    class Bound(HeaderDeadline):
        header_timeout = seconds

    return Bound
