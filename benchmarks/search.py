"""How long ``GET /connectors/search`` over 100,000 production Connectors takes in ``connector_domain.mock.store``.

A script, not a test: timing belongs here, not in the test suite. Run it
from the repository root::

    python benchmarks/search.py [--connectors 100000] [--repeat 30]

It fills a store through its public operations with published connectors of
mixed visibility (half certified, so public; a quarter private and assigned
to projects by ``privateProjects``; an eighth private to their owner; an
eighth certified, then unlisted), owned by ten projects, with integration
types spread over all fourteen, 37 creator companies, and every tenth
private one republished under a new name, times one millisecond apart. It
then times each search of a fixed set, taking turns round by round, and
prints the 10th percentile (p10) and the median of each, in milliseconds,
beside the 100 ms target, as a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector_domain import (
    CertificationPassed,
    CertificationStarted,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorUpdate,
    Creator,
    DomainError,
    IntegrationType,
    Publish,
    PublishingSucceeded,
    Repository,
    SetName,
    Unlist,
)
from connector_domain.mock.store import Page, SimulatedClock, Store, Stored

TARGET_MS = 100.0
OWNERS = [f"europe-west1.gcp:owner-{n}" for n in range(10)]
OWNER = OWNERS[0]  # owns a tenth of the connectors
PARTNER = "europe-west1.gcp:partner"  # listed in the privateProjects of a quarter
OTHER = "europe-west1.gcp:other"  # owns none, listed in none
WORDS = ["orders", "stock", "prices", "invoices", "returns", "carts", "payments", "taxes", "emails", "reviews"]


def searches(size: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The searches timed: a label, the calling project, and the parameters of ``Store.search``."""
    return [
        ("no filter, as an owner", OWNER, {}),
        ("no filter, as another project", OTHER, {}),
        ("no filter, as an assigned project", PARTNER, {}),
        ("text, a few matches", OTHER, {"text": "connector 0004242"}),
        ("text, a fifth matches", OTHER, {"text": "ORDERS"}),
        ("key", OTHER, {"keys": [_key(size // 16 * 8)]}),  # a public one
        ("three ids", OWNER, {"ids": [_id(1), _id(size // 2), _id(size)]}),
        ("private=true", PARTNER, {"private": True}),
        ("integrationTypes=erp&integrationTypes=crm", OTHER, {"integration_types": ["erp", "crm"]}),
        ("creator.company", OTHER, {"creator_company": "Company 07"}),
        ("sort name asc (the first 20 by a heap)", OTHER, {"sort": ["name asc"]}),
        ("sort lastModifiedAt desc", OWNER, {"sort": ["lastModifiedAt desc"]}),
        ("sort createdAt desc, limit 500", OTHER, {"sort": ["createdAt desc"], "limit": 500}),
        ("offset 10000, limit 500", OTHER, {"offset": 10_000, "limit": 500}),
        ("sort name desc, offset 10000, limit 500 (a full sort)", OTHER, {
            "sort": ["name desc"], "offset": 10_000, "limit": 500,
        }),
        ("text, integrationTypes=tax, sort key desc", PARTNER, {
            "text": "stock", "integration_types": ["tax"], "sort": ["key desc"],
        }),
    ]  # fmt: skip


def _id(n: int) -> str:
    return f"id-{n:08d}"


def _key(n: int) -> str:
    return f"connector-{n:08d}"


def fill(size: int) -> Store:
    """A store of *size* published connectors (see the module's docstring)."""
    clock = SimulatedClock(datetime(2024, 1, 1, tzinfo=UTC))
    counter = iter(range(1, size + 1))
    store = Store(ids=lambda: _id(next(counter)), clock=clock)
    types = list(IntegrationType)
    repository = Repository(url="git@github.com:example/connector.git", tag="v1.0.0")
    certify = (PublishingSucceeded(), CertificationStarted(), CertificationPassed())
    for n in range(1, size + 1):
        kind = n % 8
        private_projects = {4: (PARTNER,), 5: (PARTNER, OWNERS[(n + 1) % 10])}.get(kind, ())
        company = None if n % 41 == 0 else f"Company {n % 37:02d}"
        draft = ConnectorStagedDraft(
            key=_key(n),
            name=f"Connector {(n * 7919) % size:08d}",
            description=f"Syncs {WORDS[n % 10]} and {WORDS[n // 10 % 10]}" if n % 2 else None,
            creator=Creator(email="jane.doe@example.com", company=company),
            repository=repository,
            integration_types=tuple(dict.fromkeys((types[n % 14], types[n // 14 % 14]))),
            private_projects=private_projects,
        )
        id = _ok(store.create(draft, owner=OWNERS[n % 10])).id
        certified = kind in (0, 1, 2, 3, 7)
        _ok(store.update(id, ConnectorUpdate(version=1, actions=(Publish(certification=certified),))))
        for event in certify if certified else certify[:1]:
            _ok(store.deliver(id, event))
        if kind == 7:
            _act(store, id, Unlist())
        clock.advance(0.001)
    # Every tenth private one is republished under a new name: the lastModifiedAt order is not the createdAt order.
    for n in range(4, size + 1, 40):
        id = _id(n)
        _act(store, id, SetName(name=f"Renamed {n:08d}"), Publish(certification=False))
        _ok(store.deliver(id, PublishingSucceeded()))
        clock.advance(0.001)
    return store


def _act(store: Store, id: str, *actions: Any) -> None:
    version = _ok(store.get(id)).version
    _ok(store.update(id, ConnectorUpdate(version=version, actions=actions)))


def _ok(result: Stored[ConnectorStaged] | DomainError) -> ConnectorStaged:
    assert not isinstance(result, DomainError), result
    return result.resource


def _p10(times: list[float]) -> float:
    return statistics.quantiles(times, n=10)[0] if len(times) > 1 else times[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connectors", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    store = fill(args.connectors)
    print(f"filled {args.connectors} connectors in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    chosen = searches(args.connectors)
    plain: list[list[float]] = [[] for _ in chosen]
    encoded: list[list[float]] = [[] for _ in chosen]
    pages: list[Page[Any]] = []
    # Taking turns round by round spreads a change of the machine's load over every search.
    for _ in range(args.repeat):
        pages = []
        for index, (_label, project, params) in enumerate(chosen):
            t0 = time.perf_counter()
            page = store.search(project=project, **params)
            t1 = time.perf_counter()
            assert isinstance(page, Page), page
            page.to_wire()
            t2 = time.perf_counter()
            plain[index].append((t1 - t0) * 1000)
            encoded[index].append((t2 - t0) * 1000)
            pages.append(page)
    print(f"Python {sys.version.split()[0]}, {args.connectors} connectors, {args.repeat} runs per search\n")
    print("| search | as | total | count | p10 ms | median ms | median ms with JSON | target |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for (label, project, _params), page, times, with_json in zip(chosen, pages, plain, encoded, strict=True):
        median = statistics.median(times)
        verdict = f"{median / TARGET_MS:.0%} of {TARGET_MS:.0f} ms"
        print(
            f"| {label} | {project.split(':', 1)[1]} | {page.total} | {page.count} | {_p10(times):.2f} "
            f"| {median:.2f} | {statistics.median(with_json):.2f} | {verdict} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
