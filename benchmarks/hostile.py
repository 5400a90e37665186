"""How the mock and the codec stand up to hostile input: each goal measured beside its target, PASS or FAIL.

A script, not a test: timing belongs here, not in the test suite. Run it
from the repository root::

    python benchmarks/hostile.py [--repeat 15] [--heavy-repeat 3] [--rounds 21]

It starts the mock (``create_app()`` on a new store, served by uvicorn on
127.0.0.1 through ``serving``) in a child process, so that the client's
timing shares no interpreter lock with the server, and speaks HTTP/1.1 to
it with ``http.client`` over kept-alive connections. The goals:

1. a draft whose ``repository.url`` is ``"https://github.com/a/" + "a" *
   48_000 + "!"`` (a 48 KB near miss) is refused with 400 in under 50 ms
   (the median of ``--repeat`` requests); and a ``GET /connectors/drafts``
   sent the moment that draft is written is not delayed by it: its median
   latency is less than 5 ms above its median alone (the two taking turns);
2. ``codec.from_wire(draft, ConnectorStagedDraft)`` with that URL is linear
   in its length: over ``n`` from 4,096 to 262,144 characters, doubling,
   each doubling costs under 3 times the time before it (linear is 2,
   quadratic 4), on the 10th percentile (p10) of ``--rounds`` batches of
   calls, the sizes taking turns round by round (a load that comes and goes
   on a shared machine moves the median, seldom the p10);
3. a 20 MiB draft to ``POST /connectors/drafts``, with a ``Content-Length``
   and chunked, answers 413 and stores nothing (the drafts counted before
   and after);
4. a body under the 1 MiB limit made of 100,000 bad values answers 400 in
   under 1 s (the median of ``--heavy-repeat`` requests) with an error body
   under 64 KiB: a draft with 100,000 ``integrationTypes`` that are not
   integration types, an update with 100,000 actions that are not objects,
   and one with as many unknown actions as fit under the limit (69,903:
   100,000 of them, 15 bytes each, would pass it and be refused with 413).

The draft is the draft fields of ``tests/fixtures/created-draft.json``. It
prints Markdown tables, and exits 1 when a goal fails.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import multiprocessing
import select
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _machine import machine

from connector_domain import codec
from connector_domain.mock.defaults import MAX_BODY
from connector_domain.mock.server import create_app, serving
from connector_domain.model import ConnectorStagedDraft

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "created-draft.json"
DRAFT_FIELDS = (
    "key", "name", "description", "integrationTypes", "creator", "repository",
    "supportedRegions", "privateProjects", "documentationUrl",
)  # fmt: skip
JSON = {"Content-Type": "application/json"}
TIMEOUT = 120.0

NEAR_MISS_N = 48_000
NEAR_MISS_MS = 50.0
DELAY_MS = 5.0
SIZES = [4_096 * 2**k for k in range(7)]  # 4,096 to 262,144
DOUBLING_RATIO = 3.0
HUGE = 20 * 1024 * 1024
BAD_VALUES = 100_000
HEAVY_MS = 1000.0
ERROR_BODY = 64 * 1024


def draft() -> dict[str, Any]:
    """A valid ConnectorStagedDraft: the draft fields of the fixture."""
    staged = json.loads(FIXTURE.read_text())
    return {name: staged[name] for name in DRAFT_FIELDS if name in staged}


def near_miss(n: int) -> str:
    """A URL that is one character short of valid: the check reads it all before it can refuse it."""
    return "https://github.com/a/" + "a" * n + "!"


def with_url(document: dict[str, Any], url: str) -> dict[str, Any]:
    return {**document, "repository": {**document["repository"], "url": url}}


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass
class Goal:
    """One check of a goal: what was measured, against what."""

    number: int
    label: str
    measured: str
    target: str
    passed: bool


# --- The server, in a child process -------------------------------------------


def _serve(conn: Connection) -> None:
    """The child process: the mock on a free loopback port until the parent says stop."""
    with serving(create_app()) as url:
        conn.send(url)
        with suppress(EOFError):  # EOF: the parent went away
            conn.recv()


@dataclass
class Server:
    host: str
    port: int

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)


@contextmanager
def started() -> Iterator[Server]:
    """The mock, served in a child process while the block runs."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child,), name="mock", daemon=True)
    process.start()
    try:
        url = urllib.parse.urlsplit(parent.recv())
        assert url.hostname is not None and url.port is not None, url
        yield Server(url.hostname, url.port)
    finally:
        parent.send(None)
        process.join(timeout=15)


# --- HTTP helpers ------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float

    def code(self) -> str:
        try:
            document = json.loads(self.body)
            return str(document["errors"][0]["code"])
        except (ValueError, KeyError, IndexError, TypeError):
            return "?"


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None) -> Answer:
    began = time.perf_counter()
    conn.request(method, path, body=body, headers=JSON if body is not None else {})
    response = conn.getresponse()
    data = response.read()
    return Answer(response.status, data, time.perf_counter() - began)


def readable(conn: http.client.HTTPConnection) -> bool:
    """Whether an answer has reached the client's side of *conn* already."""
    return bool(select.select([conn.sock], [], [], 0)[0])


def drafts(conn: http.client.HTTPConnection) -> int:
    answer = request(conn, "GET", "/connectors/drafts")
    assert answer.status == 200, answer
    total: int = json.loads(answer.body)["total"]
    return total


def created(conn: http.client.HTTPConnection, document: dict[str, Any]) -> dict[str, Any]:
    answer = request(conn, "POST", "/connectors/drafts", compact(document))
    assert answer.status == 201, answer.body[:500]
    resource: dict[str, Any] = json.loads(answer.body)
    return resource


def _ms(seconds: float) -> float:
    return seconds * 1000


# --- Goal 1: a near miss over HTTP, and a request beside it ------------------------------


@dataclass
class NearMiss:
    alone: list[float]  # ms, the near miss by itself
    statuses: set[int]
    codes: set[str]
    body_bytes: int
    normal_alone: list[float]  # ms, GET /connectors/drafts by itself
    normal_beside: list[float]  # ms, the same GET sent the moment the near miss was written
    in_flight: int  # rounds where the near miss was still unanswered when the GET was sent


def near_miss_over_http(server: Server, repeat: int) -> NearMiss:
    body = compact(with_url(draft(), near_miss(NEAR_MISS_N)))
    hostile, normal = server.connect(), server.connect()
    for _ in range(3):  # warm both connections and the server's code paths
        request(hostile, "POST", "/connectors/drafts", body)
        request(normal, "GET", "/connectors/drafts")
    result = NearMiss([], set(), set(), 0, [], [], 0)
    for _ in range(repeat):
        answer = request(hostile, "POST", "/connectors/drafts", body)
        result.alone.append(_ms(answer.seconds))
        result.statuses.add(answer.status)
        result.codes.add(answer.code())
        result.body_bytes = len(answer.body)
        result.normal_alone.append(_ms(request(normal, "GET", "/connectors/drafts").seconds))
        # The near miss is written whole, then the GET goes out at once, on its own connection.
        hostile.request("POST", "/connectors/drafts", body=body, headers=JSON)
        result.in_flight += not readable(hostile)
        beside = request(normal, "GET", "/connectors/drafts")
        assert beside.status == 200, beside
        result.normal_beside.append(_ms(beside.seconds))
        late = hostile.getresponse()
        late.read()
        result.statuses.add(late.status)
    hostile.close()
    normal.close()
    return result


# --- Goal 2: the codec's URL check is linear ---------------------------------------------


def refuse_url(document: dict[str, Any]) -> None:
    try:
        codec.from_wire(document, ConnectorStagedDraft)
    except codec.InvalidInput as exc:
        assert exc.error.detailed_error_message.startswith("repository.url:"), str(exc)[:200]
    else:
        raise AssertionError("the near miss was accepted")


def _batch(run: Callable[[], None], seconds: float) -> float:
    """The time per call of a batch of calls that lasts about *seconds*, the garbage collector off."""
    gc.collect()
    gc.disable()
    try:
        calls, began = 0, time.perf_counter()
        while True:
            run()
            calls += 1
            elapsed = time.perf_counter() - began
            if elapsed >= seconds:
                return elapsed / calls
    finally:
        gc.enable()


def codec_times(rounds: int, batch_seconds: float = 0.01) -> dict[int, list[float]]:
    """Seconds per ``from_wire`` call for each size, the sizes taking turns round by round."""
    base = draft()
    documents = {n: with_url(base, near_miss(n)) for n in SIZES}
    for document in documents.values():
        refuse_url(document)
    times: dict[int, list[float]] = {n: [] for n in SIZES}
    for _ in range(rounds):
        for n, document in documents.items():
            times[n].append(_batch(partial(refuse_url, document), batch_seconds))
    return times


# --- Goal 3: a 20 MiB body ------------------------------------------------------------


@dataclass
class TooLarge:
    how: str
    status: int
    code: str
    sent: int
    seconds: float
    before: int
    after: int


def huge_post(server: Server, body: bytes, chunked: bool) -> tuple[Answer, int]:
    """POST *body* in 64 KiB pieces, stopping once an answer arrives; the answer and the bytes sent."""
    conn = server.connect()
    began = time.perf_counter()
    conn.putrequest("POST", "/connectors/drafts")
    conn.putheader("Content-Type", "application/json")
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    sent, piece = 0, 64 * 1024
    try:
        while sent < len(body) and not readable(conn):
            chunk = body[sent : sent + piece]
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            sent += len(chunk)
        if chunked and sent == len(body):
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed; the answer is still to be read
    response = conn.getresponse()
    data = response.read()
    answer = Answer(response.status, data, time.perf_counter() - began)
    conn.close()
    return answer, sent


def too_large(server: Server) -> list[TooLarge]:
    body = compact({**draft(), "key": "too-large", "description": "x" * HUGE})
    counter = server.connect()
    results = []
    for how, chunked in (("Content-Length", False), ("chunked", True)):
        before = drafts(counter)
        answer, sent = huge_post(server, body, chunked)
        after = drafts(counter)
        results.append(TooLarge(how, answer.status, answer.code(), sent, answer.seconds, before, after))
    counter.close()
    return results


# --- Goal 4: many bad values under the limit -----------------------------------------------


@dataclass
class Heavy:
    label: str
    body_bytes: int
    times: list[float]  # ms
    statuses: set[int]
    codes: set[str]
    error_bytes: int


def heavy_bodies(resource: dict[str, Any]) -> list[tuple[str, str, bytes]]:
    """The label, the path and the body of each request of goal 4."""
    version = resource["version"]
    unknown = b'{"action":"x"}'
    head, tail = b'{"version":%d,"actions":[' % version, b"]}"
    fit = (MAX_BODY - len(head) - len(tail) + 1) // (len(unknown) + 1)
    return [
        (
            f"draft, {BAD_VALUES:,} integrationTypes that are not one",
            "/connectors/drafts",
            compact({**draft(), "key": "bad-types", "integrationTypes": ["x"] * BAD_VALUES}),
        ),
        (
            f"update, {BAD_VALUES:,} actions that are not objects",
            f"/connectors/drafts/{resource['id']}",
            compact({"version": version, "actions": [0] * BAD_VALUES}),
        ),
        (
            f"update, {fit:,} unknown actions (the most that fit)",
            f"/connectors/drafts/{resource['id']}",
            head + b",".join([unknown] * fit) + tail,
        ),
    ]


def heavy(server: Server, resource: dict[str, Any], repeat: int) -> list[Heavy]:
    conn = server.connect()
    results = []
    for label, path, body in heavy_bodies(resource):
        assert len(body) <= MAX_BODY, (label, len(body))
        result = Heavy(label, len(body), [], set(), set(), 0)
        for _ in range(repeat):
            answer = request(conn, "POST", path, body)
            result.times.append(_ms(answer.seconds))
            result.statuses.add(answer.status)
            result.codes.add(answer.code())
            result.error_bytes = max(result.error_bytes, len(answer.body))
        results.append(result)
    conn.close()
    return results


# --- The report ----------------------------------------------------------------------


def _p10(times: list[float]) -> float:
    return statistics.quantiles(times, n=10)[0] if len(times) > 1 else times[0]


def _statuses(statuses: set[int]) -> str:
    return ", ".join(str(s) for s in sorted(statuses))


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def report_near_miss(result: NearMiss, goals: list[Goal]) -> None:
    median = statistics.median(result.alone)
    refused = result.statuses == {400}
    goals.append(
        Goal(
            1,
            f"a {NEAR_MISS_N // 1000} KB near-miss URL is refused over HTTP",
            f"{_statuses(result.statuses)} in a median of {median:.2f} ms",
            f"400 in < {NEAR_MISS_MS:.0f} ms",
            refused and median < NEAR_MISS_MS,
        )
    )
    alone, beside = statistics.median(result.normal_alone), statistics.median(result.normal_beside)
    goals.append(
        Goal(
            1,
            "GET /connectors/drafts beside it is not delayed",
            f"{beside - alone:+.2f} ms on the median ({alone:.2f} alone, {beside:.2f} beside)",
            f"< +{DELAY_MS:.0f} ms",
            beside - alone < DELAY_MS,
        )
    )
    rounds = len(result.alone)
    print("Goal 1, over HTTP (ms):\n")
    print("| request | runs | median | p10 | worst |")
    print("|---|---:|---:|---:|---:|")
    for label, times in (
        (f"POST the near miss ({_statuses(result.statuses)}, {', '.join(sorted(result.codes))})", result.alone),
        ("GET /connectors/drafts alone", result.normal_alone),
        ("GET /connectors/drafts beside the near miss", result.normal_beside),
    ):
        print(f"| {label} | {len(times)} | {statistics.median(times):.2f} | {_p10(times):.2f} | {max(times):.2f} |")
    print(
        f"\nThe near miss's body: {len(compact(with_url(draft(), near_miss(NEAR_MISS_N)))):,} bytes; "
        f"its 400 answer: {result.body_bytes:,} bytes. The near miss was still unanswered when the GET "
        f"was sent in {result.in_flight} of {rounds} rounds.\n"
    )


def report_codec(times: dict[int, list[float]], goals: list[Goal]) -> None:
    print("Goal 2, `codec.from_wire(draft, ConnectorStagedDraft)` with the near miss (per call):\n")
    print("| characters (n) | URL length | p10 | median | ns per character (p10) | p10 / p10 of the size before |")
    print("|---:|---:|---:|---:|---:|---:|")
    previous: float | None = None
    worst = 0.0
    for n, runs in times.items():
        p10, length = _p10(runs), len(near_miss(n))
        ratio = "" if previous is None else f"{p10 / previous:.2f}"
        if previous is not None:
            worst = max(worst, p10 / previous)
        print(
            f"| {n:,} | {length:,} | {_ms(p10):.3f} ms | {_ms(statistics.median(runs)):.3f} ms "
            f"| {p10 / length * 1e9:.2f} | {ratio} |"
        )
        previous = p10
    print()
    goals.append(
        Goal(
            2,
            "the codec's URL check is linear",
            f"the largest cost of a doubling: {worst:.2f}x (p10)",
            f"every doubling < {DOUBLING_RATIO:.0f}x",
            worst < DOUBLING_RATIO,
        )
    )


def report_too_large(results: list[TooLarge], goals: list[Goal]) -> None:
    print(f"Goal 3, a {HUGE // 2**20} MiB draft to POST /connectors/drafts:\n")
    print("| sent with | status | code | bytes written before the answer | answered in | drafts before | after |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.how} | {r.status} | {r.code} | {r.sent:,} | {_ms(r.seconds):.1f} ms | {r.before} | {r.after} |")
    print()
    statuses = {r.status for r in results}
    stored = sum(r.after - r.before for r in results)
    goals.append(
        Goal(
            3,
            f"a {HUGE // 2**20} MiB body is refused, nothing stored",
            f"{_statuses(statuses)}; {stored} stored",
            "413; 0 stored",
            statuses == {413} and stored == 0,
        )
    )


def report_heavy(results: list[Heavy], goals: list[Goal]) -> None:
    print(f"Goal 4, {BAD_VALUES:,} bad values under the {MAX_BODY:,}-byte limit:\n")
    print("| request | body bytes | status | code | median | worst | error body bytes |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.label} | {r.body_bytes:,} | {_statuses(r.statuses)} | {', '.join(sorted(r.codes))} "
            f"| {statistics.median(r.times):,.0f} ms | {max(r.times):,.0f} ms | {r.error_bytes:,} |"
        )
    print()
    for r in results:
        median = statistics.median(r.times)
        goals.append(
            Goal(
                4,
                r.label,
                f"{_statuses(r.statuses)} in a median of {median:,.0f} ms, an error body of {r.error_bytes:,} bytes",
                f"400 in < {HEAVY_MS:,.0f} ms, body < {ERROR_BODY:,} bytes",
                r.statuses == {400} and median < HEAVY_MS and r.error_bytes < ERROR_BODY,
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="requests of goal 1, each kind (default 15)")
    parser.add_argument("--rounds", type=int, default=21, help="batches of goal 2, each size (default 21)")
    parser.add_argument("--heavy-repeat", type=int, default=3, help="requests of goal 4, each kind (default 3)")
    args = parser.parse_args()
    began = time.perf_counter()
    print(machine(), file=sys.stderr)
    goals: list[Goal] = []
    print(
        f"Python {sys.version.split()[0]}; the mock in a child process on 127.0.0.1; "
        f"{args.repeat} requests (goal 1), {args.rounds} batches (goal 2), {args.heavy_repeat} requests (goal 4)\n"
    )
    with started() as server:
        conn = server.connect()
        resource = created(conn, draft())
        conn.close()
        print("goal 1: the near miss over HTTP", file=sys.stderr)
        report_near_miss(near_miss_over_http(server, args.repeat), goals)
        print("goal 2: the codec over doubling URLs", file=sys.stderr)
        report_codec(codec_times(args.rounds), goals)
        print("goal 3: a 20 MiB body", file=sys.stderr)
        report_too_large(too_large(server), goals)
        print("goal 4: 100,000 bad values", file=sys.stderr)
        report_heavy(heavy(server, resource, args.heavy_repeat), goals)
    print("| goal | check | measured | target | result |")
    print("|---:|---|---|---|---|")
    for goal in goals:
        print(f"| {goal.number} | {goal.label} | {goal.measured} | {goal.target} | {_verdict(goal.passed)} |")
    numbers = sorted({goal.number for goal in goals})
    failed = sorted({goal.number for goal in goals if not goal.passed})
    print("\n" + ", ".join(f"goal {n}: {_verdict(n not in failed)}" for n in numbers))
    print(f"\n{time.perf_counter() - began:.0f} s in all; {machine()}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
