"""How long a query over 100,000 ConnectorStaged resources takes in ``connector_domain.mock.store``.

A script, not a test: timing belongs here, not in the test suite. Run it
from the repository root::

    python benchmarks/store_query.py [--resources 100000] [--repeat 50]

It fills a store (a third of the resources public, integration types spread
over all fourteen, one update on every tenth resource, times one
millisecond apart), then times each query of a fixed set and prints the
median and the worst run, in milliseconds, as a Markdown table.
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
)
from connector_domain.mock.store import Page, SimulatedClock, Store, Stored

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("default page (limit 20)", {}),
    ("limit 500, offset 10000", {"limit": 500, "offset": 10_000}),
    ("sort createdAt desc", {"sort": ["createdAt desc"]}),
    ("sort lastModifiedAt desc, limit 500", {"sort": ["lastModifiedAt desc"], "limit": 500}),
    ("isPrivate=false", {"is_private": False}),
    ("integrationTypes=erp&integrationTypes=crm", {"integration_types": ["erp", "crm"]}),
    ("isPrivate=true, integrationTypes=tax, sort lastModifiedAt desc", {
        "is_private": True, "integration_types": ["tax"], "sort": ["lastModifiedAt desc"],
    }),
    ("sort name asc (no index: the first 20 by a heap)", {"sort": ["name asc"]}),
    ("sort key desc, createdAt asc (no index: a full sort)", {"sort": ["key desc", "createdAt asc"]}),
]  # fmt: skip


def fill(size: int) -> Store:
    """A store of *size* resources."""
    clock = SimulatedClock(datetime(2024, 1, 1, tzinfo=UTC))
    counter = iter(range(1, size + 1))
    store = Store(ids=lambda: f"id-{next(counter):08d}", clock=clock)
    types = list(IntegrationType)
    creator = Creator(email="jane.doe@example.com")
    repository = Repository(url="git@github.com:example/connector.git", tag="v1.0.0")
    ids = []
    for n in range(size):
        draft = ConnectorStagedDraft(
            key=f"connector-{n:08d}",
            name=f"Connector {(n * 7919) % size:08d}",
            creator=creator,
            repository=repository,
            integration_types=(types[n % len(types)],),
        )
        ids.append(_ok(store.create(draft)).id)
        clock.advance(0.001)
    # A third become public the way the lifecycle makes them: certified.
    certify = (PublishingSucceeded(), CertificationStarted(), CertificationPassed())
    for id in ids[::3]:
        _ok(store.update(id, ConnectorUpdate(version=1, actions=(Publish(certification=True),))))
        for event in certify:
            _ok(store.deliver(id, event))
        clock.advance(0.001)
    # Every tenth is renamed, so that the lastModifiedAt order differs from the creation order.
    for n, id in enumerate(ids[::10]):
        version = _ok(store.get(id)).version
        _ok(store.update(id, ConnectorUpdate(version=version, actions=(SetName(name=f"Renamed {n}"),))))
        clock.advance(0.001)
    return store


def _ok(result: Stored[ConnectorStaged] | DomainError) -> ConnectorStaged:
    assert not isinstance(result, DomainError), result
    return result.resource


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    started = time.perf_counter()
    store = fill(args.resources)
    print(f"filled {len(store)} resources in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"Python {sys.version.split()[0]}, {args.resources} resources, {args.repeat} runs per query\n")
    print("| query | total | count | median ms | worst ms | median ms with JSON |")
    print("|---|---|---|---|---|---|")
    for label, params in QUERIES:
        plain, encoded = [], []
        page: Page | None = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = store.query(**params)
            t1 = time.perf_counter()
            assert isinstance(result, Page), result
            result.to_wire()
            t2 = time.perf_counter()
            plain.append((t1 - t0) * 1000)
            encoded.append((t2 - t0) * 1000)
            page = result
        assert page is not None
        print(
            f"| {label} | {page.total} | {page.count} | {statistics.median(plain):.2f} | {max(plain):.2f} "
            f"| {statistics.median(encoded):.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
