"""The mock's HTTP throughput against a bare Starlette handler that answers the same bytes.

Run from the repository root::

    python benchmarks/throughput.py [--rounds 5] [--seconds 3] [--connections 16]

or import it, to print these ratios beside another benchmark's (``benchmarks/`` on ``sys.path``)::

    from throughput import measure
    for row in measure(rounds=5, seconds=3.0, connections=16):
        print(row.label, row.mock_rps, row.bare_rps, row.ratio, row.target, row.met)

What is measured, in requests a second, over HTTP/1.1 kept-alive
connections on 127.0.0.1:

- **GET**: ``GET /connectors/drafts/{id}`` of one ConnectorStaged, which the
  mock (``create_app()`` with its defaults: a new store, no auth) holds,
  created beforehand through its API (``POST /connectors/drafts`` with the
  draft fields of ``tests/fixtures/draft.json``); against a Starlette app of
  one route answering ``Response(stored, media_type="application/json")``,
  where ``stored`` is the body the mock answered to that GET;
- **no-op update**: ``POST /connectors/drafts/{id}`` with
  ``{"version": V, "actions": [{"action": "setName", "name": N}]}``, the
  resource's own version and name: a valid update that changes nothing, so
  that the reducer returns the resource as it was, its version does not move
  and the same body stays valid round after round (an empty ``actions``
  array would too, but whether the Connect API accepts one is an open
  question of the reference; a ``setName`` reads and applies an action, as a
  client's update does). The mock answers 201 with the resource; the bare
  handler reads the request's body and answers 201 with ``stored``. The
  script checks, after the rounds, that the resource's version and body are
  what they were.

Both apps are served the way ``connector_domain.mock.server.serve`` serves
the mock: uvicorn on asyncio with the mock's HTTP/1.1 protocol (h11 with
the header deadline, ``with_header_timeout(HEADER_TIMEOUT)``), each in a
process of its own; its access log is off for both (``log_level``
``warning``), since a line written per request would add the same cost to
both and hide the difference the ratio is about.

Placement on two cores: each server process is pinned to one core
(``os.sched_setaffinity``), the load generator to another, so that a
server has a core to itself and is the bottleneck: its requests a second
are then the inverse of its CPU time per request, and the ratio mock / bare
is the share of a request's cost that the bare handler's path is of the
mock's. The two servers are never loaded at the same time: rounds take
turns, mock then bare, ``--rounds`` times, and each row reports the median
of each, and the ratio of the medians. On a shared machine the ratio moves
far less than either rate.

The load generator is pure Python (``selectors`` on raw sockets, one
outstanding request per connection, prebuilt request bytes, each response
read by its ``Content-Length`` and its status checked), bounded in time:
each round opens its connections, warms up for a quarter of a second, counts
the responses completed in ``--seconds``, then stops sending and reads what
is in flight. That it is not the bottleneck is checked in every run:

- before the rounds, it runs one round against a trivial responder (an
  asyncio protocol on the server's core that answers each request with
  prebuilt bytes, no HTTP parsing): what it reaches there is what the client
  can drive, printed beside the bare handler's rate (``client_capacity``;
  three times the bare handler's rate or more on the machine of
  ``docs/performance.md``);
- during every round, the client's CPU time over the wall time (the share of
  its core it used) is recorded (``client_cpu``); well below 1, the client
  was waiting on the server;
- and the share of the wall time each server was on its core
  (``mock_busy``, ``bare_busy``, from ``/proc``).

With 16 connections the servers are busy most of the time, not all of it
(the bare handler, the faster one, a little less: each connection has one
request outstanding, and a server that answers faster waits more often for
the next); with more connections (``--connections 64``) both are busy
nearly all the time, each request costs both a little less, and the ratio
is a little lower: ``cpu_ratio`` below is the measure that does not depend
on it.

Beside the ratio of requests a second, each row has ``cpu_ratio``: the
server's CPU time per request (user and system, read from ``/proc`` over the
counted window), bare over mock, medians of the rounds. It compares the
same thing, but time the server's core gave to other processes (a shared
machine) does not move it; where the two ratios disagree, the machine was
busy, or a server waited for requests.

Nothing is sent anywhere but 127.0.0.1, and every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource  # getrusage: the load generator's CPU time
import selectors
import socket
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
try:
    import connector_domain  # noqa: F401
except ImportError:  # not installed: use the checkout this script lives in
    sys.path.insert(0, str(ROOT))

FIXTURE = ROOT / "tests" / "fixtures" / "draft.json"
DRAFT_FIELDS = (
    "key", "name", "description", "integrationTypes", "creator", "repository",
    "supportedRegions", "privateProjects", "documentationUrl",
)  # fmt: skip
HOST = "127.0.0.1"
WARMUP = 0.25  # seconds of each round not counted: connections opened, caches warm
DRAIN = 5.0  # seconds a round waits, at its end, for the answers in flight
TARGETS = {"GET": 0.9, "no-op update": 0.7}


@dataclass(frozen=True)
class ThroughputResult:
    """One row: the mock's and the bare handler's requests a second (medians of the rounds), and their ratio."""

    label: str
    mock_rps: float
    bare_rps: float
    ratio: float  # mock_rps / bare_rps
    target: float  # the ratio is to be at least this
    mock_rounds: tuple[float, ...]
    bare_rounds: tuple[float, ...]
    client_cpu: float  # the largest share of its core the load generator used in a round of this row
    client_capacity: float  # requests a second the load generator reached against a trivial responder
    # The bare handler's server CPU time per request over the mock's (medians of the rounds): the same
    # comparison as ratio, blind to time the server's core gave to other work; None where unread.
    cpu_ratio: float | None = None
    # The share of the wall time each server's process was on its core (its CPU time over the counted
    # window, medians of the rounds): near 1, it was the bottleneck; None where unread.
    mock_busy: float | None = None
    bare_busy: float | None = None

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


@dataclass(frozen=True)
class _Round:
    rps: float
    cpu: float  # the client's CPU time over the wall time of the counted window
    server_cpu: float | None  # the server's CPU seconds per request in that window (Linux), or None


# --- The servers, each in a child process -------------------------------------------------


def _cores() -> tuple[set[int] | None, set[int] | None]:
    """The server's core and the client's: two of those this process may run on; None where there are not two."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return {cores[0]}, {cores[-1]}


def _listener() -> socket.socket:
    # IPPROTO_TCP, as serving() does: asyncio turns Nagle's algorithm off only on sockets that say they are TCP.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


def _mock_app() -> Any:
    from connector_domain.mock.server import create_app

    return create_app()


def _bare_app(stored: bytes, update_status: int) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def get(_request: Request) -> Response:
        return Response(stored, media_type="application/json")

    async def update(request: Request) -> Response:
        await request.body()
        return Response(stored, status_code=update_status, media_type="application/json")

    return Starlette(
        routes=[
            Route("/connectors/drafts/{id}", get, methods=["GET"]),
            Route("/connectors/drafts/{id}", update, methods=["POST"]),
        ]
    )


class _Trivial(asyncio.Protocol):
    """Answers each request (a line and headers, no body) with prebuilt bytes: the client's ceiling."""

    answer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        n = self.buffer.count(b"\r\n\r\n")
        if n:
            self.buffer = self.buffer[self.buffer.rindex(b"\r\n\r\n") + 4 :]
            self.transport.write(self.answer * n)


def _serve(kind: str, stored: bytes, update_status: int, core: set[int] | None, conn: Connection) -> None:
    """The child process: serve *kind* (mock, bare, trivial) on a free loopback port until terminated."""
    if core is not None:
        os.sched_setaffinity(0, core)
    sock = _listener()
    if kind == "trivial":
        _Trivial.answer = _http_answer(200, stored)

        async def main() -> None:
            server = await asyncio.get_running_loop().create_server(_Trivial, sock=sock)
            conn.send(sock.getsockname()[1])
            await server.serve_forever()

        asyncio.run(main())
        return
    import uvicorn

    from connector_domain.mock._protocol import with_header_timeout
    from connector_domain.mock.defaults import HEADER_TIMEOUT

    app = _mock_app() if kind == "mock" else _bare_app(stored, update_status)
    config = uvicorn.Config(app, log_level="warning", http=with_header_timeout(HEADER_TIMEOUT))
    server = uvicorn.Server(config)
    conn.send(sock.getsockname()[1])
    server.run(sockets=[sock])


def _http_answer(status: int, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    return head.encode() + body


@dataclass(frozen=True)
class _Server:
    port: int
    pid: int


def _server_cpu(pid: int) -> float | None:
    """The CPU seconds (user and system) process *pid* has used, from ``/proc``; None where there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@contextmanager
def _started(kind: str, core: set[int] | None, stored: bytes = b"", update_status: int = 201) -> Iterator[_Server]:
    """A server of *kind* in a child process, pinned to *core*, while the block runs."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(kind, stored, update_status, core, child), daemon=True)
    process.start()
    try:
        if not parent.poll(60):
            raise RuntimeError(f"the {kind} server did not start")
        port: int = parent.recv()
        _wait_listening(port)
        assert process.pid is not None
        yield _Server(port, process.pid)
    finally:
        process.terminate()
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# --- Setting up the resource, through the mock's API ---------------------------------------


def _exchange(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def draft() -> dict[str, Any]:
    """A valid ConnectorStagedDraft: the draft fields of the fixture."""
    staged = json.loads(FIXTURE.read_text())
    return {name: staged[name] for name in DRAFT_FIELDS if name in staged}


@dataclass(frozen=True)
class _Resource:
    id: str
    stored: bytes  # the mock's answer to GET /connectors/drafts/{id}
    update: bytes  # the no-op update's body
    update_status: int  # what the mock answers to it


def _create(port: int) -> _Resource:
    status, body = _exchange(port, "POST", "/connectors/drafts", json.dumps(draft()).encode())
    if status != 201:
        raise RuntimeError(f"creating the draft: {status} {body[:200]!r}")
    id = json.loads(body)["id"]
    status, stored = _exchange(port, "GET", f"/connectors/drafts/{id}")
    if status != 200:
        raise RuntimeError(f"reading the draft: {status} {stored[:200]!r}")
    read = json.loads(stored)
    action = {"action": "setName", "name": read["name"]}
    update = json.dumps({"version": read["version"], "actions": [action]}).encode()
    update_status, answer = _exchange(port, "POST", f"/connectors/drafts/{id}", update)
    if update_status // 100 != 2 or answer != stored:
        raise RuntimeError(f"the no-op update changed the resource or failed: {update_status} {answer[:200]!r}")
    return _Resource(id=id, stored=stored, update=update, update_status=update_status)


# --- The load generator --------------------------------------------------------------------


def _get_request(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: */*\r\n\r\n".encode()


def _post_request(port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: */*\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class _Connection:
    __slots__ = ("buffer", "need", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.need = -1  # the bytes of the response being read, once its head is in; -1 before


def _load(server: _Server, request: bytes, status: int, connections: int, seconds: float) -> _Round:
    """Keep *connections* busy with *request* for ``WARMUP`` + *seconds*; the rate of the last *seconds*.

    Each connection has one request outstanding: a response read whole (by
    its ``Content-Length``) sends the next. A response of another status
    than *status* is an error (``RuntimeError``).
    """
    expected = b" %d " % status
    selector = selectors.DefaultSelector()
    conns = []
    for _ in range(connections):
        sock = socket.create_connection((HOST, server.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        conn = _Connection(sock)
        conns.append(conn)
        selector.register(sock, selectors.EVENT_READ, conn)
    clock = time.perf_counter
    counted = 0
    bad = b""
    try:
        for conn in conns:
            conn.sock.send(request)
        begin = clock() + WARMUP
        end = begin + seconds
        cpu_begin: float | None = None
        server_begin: float | None = None
        sending = True
        outstanding = connections
        now = clock()
        while outstanding:
            if sending and now >= end:
                sending = False
                cpu_end = _cpu()
                server_end = _server_cpu(server.pid)
                drain_deadline = now + DRAIN
            if not sending and now >= drain_deadline:
                raise RuntimeError(f"{outstanding} responses did not arrive within {DRAIN} s of the round's end")
            if cpu_begin is None and now >= begin:
                cpu_begin = _cpu()
                server_begin = _server_cpu(server.pid)
                counted = 0
            events = selector.select(timeout=0.1)
            now = clock()
            for key, _mask in events:
                conn = key.data
                chunk = conn.sock.recv(262144)
                if not chunk:
                    raise RuntimeError("the server closed a connection")
                buffer = conn.buffer
                buffer += chunk
                while True:
                    if conn.need < 0:
                        head_end = buffer.find(b"\r\n\r\n")
                        if head_end < 0:
                            break
                        if buffer[8:13] != expected:
                            bad = bytes(buffer[:200])
                        at = buffer.find(b"content-length:", 0, head_end)
                        if at < 0:
                            at = buffer.lower().find(b"content-length:", 0, head_end)
                        stop = buffer.find(b"\r\n", at, head_end + 2)
                        conn.need = head_end + 4 + int(buffer[at + 15 : stop])
                    if len(buffer) < conn.need:
                        break
                    del buffer[: conn.need]
                    conn.need = -1
                    counted += 1
                    if sending:
                        conn.sock.send(request)
                    else:
                        outstanding -= 1
                if bad:
                    raise RuntimeError(f"expected {status}, got: {bad!r}")
        assert cpu_begin is not None
        used = None if server_begin is None or server_end is None or not counted else server_end - server_begin
        return _Round(rps=counted / seconds, cpu=(cpu_end - cpu_begin) / seconds, server_cpu=used and used / counted)
    finally:
        selector.close()
        for conn in conns:
            conn.sock.close()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def _pinned(core: set[int] | None) -> Iterator[None]:
    """This process on *core* while the block runs, then where it was."""
    if core is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, core)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


# --- The measurement -----------------------------------------------------------------------


def measure(rounds: int = 5, seconds: float = 3.0, connections: int = 16) -> list[ThroughputResult]:
    """Measure both rows, rounds taking turns (mock, bare, mock, ...); one ``ThroughputResult`` a row.

    Starts three servers in child processes (the mock, the bare handler and
    the trivial responder), pinned to one core, and drives them from this
    process, pinned to another for the duration (its affinity is restored
    after). About ``2 * 2 * rounds * (seconds + 0.3)`` seconds, plus a round
    against the trivial responder and the servers' start.
    """
    if rounds < 1 or seconds <= 0 or connections < 1:
        raise ValueError("rounds and connections must be at least 1, and seconds positive")
    server_core, client_core = _cores()
    with _started("mock", server_core) as mock:
        staged = _create(mock.port)
        with (
            _started("bare", server_core, staged.stored, staged.update_status) as bare,
            _started("trivial", server_core, staged.stored) as trivial,
            _pinned(client_core),
        ):
            path = f"/connectors/drafts/{staged.id}"
            capacity = _load(trivial, _get_request(trivial.port, path), 200, connections, seconds).rps
            rows: list[tuple[str, int, Callable[[int], bytes]]] = [
                ("GET", 200, partial(_get_request, path=path)),
                ("no-op update", staged.update_status, partial(_post_request, path=path, body=staged.update)),
            ]
            measured: dict[str, tuple[list[_Round], list[_Round]]] = {label: ([], []) for label, _, _ in rows}
            for _ in range(rounds):
                for label, status, request in rows:
                    mocks, bares = measured[label]
                    mocks.append(_load(mock, request(mock.port), status, connections, seconds))
                    bares.append(_load(bare, request(bare.port), status, connections, seconds))
        status, after = _exchange(mock.port, "GET", path)
        if status != 200 or after != staged.stored:
            raise RuntimeError("the no-op updates changed the resource")
    results = []
    for label, _status, _request in rows:
        mocks, bares = measured[label]
        mock_rps = statistics.median(r.rps for r in mocks)
        bare_rps = statistics.median(r.rps for r in bares)
        mock_cpus = [r.server_cpu for r in mocks if r.server_cpu]
        bare_cpus = [r.server_cpu for r in bares if r.server_cpu]
        cpu_ratio = mock_busy = bare_busy = None
        if len(mock_cpus) == len(mocks) and len(bare_cpus) == len(bares):
            cpu_ratio = statistics.median(bare_cpus) / statistics.median(mock_cpus)
            mock_busy = statistics.median(r.rps * (r.server_cpu or 0) for r in mocks)
            bare_busy = statistics.median(r.rps * (r.server_cpu or 0) for r in bares)
        results.append(
            ThroughputResult(
                label=label,
                mock_rps=mock_rps,
                bare_rps=bare_rps,
                ratio=mock_rps / bare_rps,
                target=TARGETS[label],
                mock_rounds=tuple(r.rps for r in mocks),
                bare_rounds=tuple(r.rps for r in bares),
                client_cpu=max(r.cpu for r in (*mocks, *bares)),
                client_capacity=capacity,
                cpu_ratio=cpu_ratio,
                mock_busy=mock_busy,
                bare_busy=bare_busy,
            )
        )
    return results


def describe(label: str) -> str:
    """The row's name as the tables print it."""
    return {
        "GET": "mock GET /connectors/drafts/{id} / bare handler",
        "no-op update": "mock no-op update (POST /connectors/drafts/{id}) / bare handler",
    }[label]


def report(results: list[ThroughputResult], *, markdown: bool = False) -> str:
    lines = []
    if markdown:
        lines += [
            "| ratio | mock rps | bare rps | ratio | target | | CPU ratio |",
            "|---|---:|---:|---:|---:|---|---:|",
        ]
        for r in results:
            verdict = "met" if r.met else f"missed by {(r.target - r.ratio) / r.target:.0%}"
            lines.append(
                f"| {describe(r.label)} | {r.mock_rps:,.0f} | {r.bare_rps:,.0f} | {r.ratio:.2f} | "
                f"≥ {r.target:.2f} | {verdict} | {_cpu_ratio(r)} |"
            )
    else:
        for r in results:
            verdict = "met" if r.met else "MISSED"
            lines.append(
                f"{describe(r.label)}: {r.mock_rps:,.0f} / {r.bare_rps:,.0f} req/s = {r.ratio:.3f} "
                f"(target >= {r.target:.2f}, {verdict}); server CPU per request, bare / mock: {_cpu_ratio(r)}"
            )
    lines.append("")
    for r in results:
        lines.append(
            f"{r.label} rounds (req/s): mock {', '.join(f'{x:,.0f}' for x in r.mock_rounds)}; "
            f"bare {', '.join(f'{x:,.0f}' for x in r.bare_rounds)}"
        )
    for r in results:
        if r.mock_busy is not None and r.bare_busy is not None:
            lines.append(f"{r.label}: servers busy {r.mock_busy:.0%} (mock) and {r.bare_busy:.0%} (bare) of the time")
    first = results[0]
    lines.append(
        f"load generator: {first.client_capacity:,.0f} req/s against a trivial responder; "
        f"at most {max(r.client_cpu for r in results):.0%} of its core used in a round"
    )
    return "\n".join(lines)


def _cpu_ratio(result: ThroughputResult) -> str:
    return "n/a" if result.cpu_ratio is None else f"{result.cpu_ratio:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each server, taking turns (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds counted in each round (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--markdown", action="store_true", help="print the docs' table")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _machine import machine

    results = measure(args.rounds, args.seconds, args.connections)
    print(report(results, markdown=args.markdown))
    print(machine())
    return 0


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
