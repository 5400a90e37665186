"""The command line: apply an update request to a ConnectorStaged.

Usage::

    python -m connector_domain STAGED.json UPDATE.json [--by PROJECT_KEY] [--at DATETIME]
    python -m connector_domain            # a short lifecycle on a bundled example
    python -m connector_domain diagram [--markdown]
    python -m connector_domain serve [--host 127.0.0.1] [--port 8080] [--simulate auto|manual]

With two files it prints the resulting resource as JSON and exits 0, or prints
the ErrorResponse the API would answer with and exits 1. ``--by`` and ``--at``
give the author and time of an ``addCertificationComment`` (``--at`` defaults
to now; this command line is the one place that reads a clock). ``serve`` runs
the local mock of the Connect API (``connector_domain.mock.server``, which needs
the ``server`` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import codec, diagram
from .actions import AddCertificationComment, AddPrivateProject, ConnectorUpdate, Publish, SetName
from .errors import DomainError
from .events import Input, PublishingSucceeded
from .model import ConnectorStaged, ConnectorStagedDraft, Creator, Region, Repository
from .reducer import apply, apply_update, create


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SystemExit(f"connector_domain: cannot read {path}: {exc.strerror or exc}") from None


def run_update(staged_path: str, update_path: str, *, by: str | None, at: datetime | None) -> int:
    """Apply the update request in *update_path* to the resource in *staged_path*; print the result."""
    try:
        staged = codec.loads(_read(staged_path), ConnectorStaged)
        update = codec.loads(_read(update_path), ConnectorUpdate)
    except codec.InvalidInput as exc:
        _print_json(codec.error_response(exc.error))
        return 1
    if any(isinstance(a, AddCertificationComment) for a in update.actions):
        if by is None:
            raise SystemExit("connector_domain: addCertificationComment needs --by PROJECT_KEY")
        at = at or datetime.now(UTC)
    result = apply_update(staged, update, at=at, by=by)
    if isinstance(result, DomainError):
        _print_json(codec.error_response(result))
        return 1
    _print_json(codec.to_wire(result))
    return 0


def _describe(result: ConnectorStaged | DomainError) -> str:
    if isinstance(result, DomainError):
        return f"{result.code} ({result.status_code}): {result.message}"
    listed = ", listed" if result.already_listed else ""
    return (
        f"version {result.version}, {result.status.value}, "
        f"private={str(result.private).lower()}{listed}, isPreviewable {result.is_previewable.value}"
    )


def run_example() -> int:
    """Walk a bundled connector through a short lifecycle, printing each step."""
    draft = ConnectorStagedDraft(
        key="my-connector",
        name="My connector",
        description="Sends orders to an ERP",
        creator=Creator(email="jane.doe@example.com", name="Jane Doe", company="Example Inc."),
        repository=Repository(url="git@github.com:example/my-connector.git", tag="v1.0.0"),
        supported_regions=(Region.EUROPE_WEST1_GCP,),
    )
    staged = create(draft, id="5ab3edcd-9d23-4934-8f48-256805253119")
    assert isinstance(staged, ConnectorStaged)
    print(f"{'create':<36} -> {_describe(staged)}")

    steps: list[tuple[str, Input]] = [
        ("setName", SetName(name="My ERP connector")),
        ("addPrivateProject", AddPrivateProject(private_project="europe-west1.gcp:my-project")),
        ("publish (certification false)", Publish(certification=False)),
        ("setName while Processing", SetName(name="Too early")),
        ("PublishingSucceeded (service event)", PublishingSucceeded()),
    ]
    for label, step in steps:
        result = apply(staged, step)
        print(f"{label:<36} -> {_describe(result)}")
        if not isinstance(result, DomainError):
            staged = result

    stale = apply_update(staged, ConnectorUpdate(version=1, actions=(SetName(name="Stale"),)))
    print(f"{'update expecting version 1':<36} -> {_describe(stale)}")
    print()
    print("The resource, as GET /connectors/drafts/{id} would answer:")
    _print_json(codec.to_wire(staged))
    return 0


def run_diagram(argv: Sequence[str]) -> int:
    """Print the Mermaid diagrams of the lifecycle, or with --markdown the generated part of docs/lifecycle.md."""
    parser = argparse.ArgumentParser(
        prog="python -m connector_domain diagram",
        description="Print Mermaid state diagrams generated from the lifecycle tables.",
    )
    parser.add_argument("--markdown", action="store_true", help="print diagrams and the status-by-input matrix")
    args = parser.parse_args(argv)
    print(diagram.lifecycle_markdown() if args.markdown else diagram.mermaid(), end="")
    return 0


def run_serve(argv: Sequence[str]) -> int:
    """Run the local mock of the Connect API until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m connector_domain serve",
        description="Serve a local mock of the Connect API's ConnectorStaged endpoints (in memory).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080)")
    parser.add_argument(
        "--simulate",
        choices=["auto", "manual"],
        default="auto",
        help="auto: the simulated service answers publish and preview requests after --delay (default); "
        "manual: service events only through POST /__mock__/connectors/drafts/{id}/events",
    )
    parser.add_argument("--delay", type=float, default=2.0, help="seconds each simulated step takes (default: 2)")
    parser.add_argument(
        "--certification",
        choices=["pass", "fail"],
        default="pass",
        help="whether simulated certification passes or fails (default: pass)",
    )
    args = parser.parse_args(argv)
    if args.delay < 0:
        parser.error("--delay cannot be negative")
    try:
        from .mock import server
    except ImportError as exc:
        raise SystemExit(
            f"connector_domain: serve needs the server extra ({exc.name or exc} is missing); "
            'install it with: pip install "connector-domain[server]" (from a clone: pip install ".[server]")'
        ) from None
    from .mock.store import Automatic, Manual, Simulation

    simulation: Simulation = Manual()
    if args.simulate == "auto":
        step = timedelta(seconds=args.delay)
        passes = args.certification == "pass"
        simulation = Automatic(
            publishing_delay=step,
            preview_delay=step,
            certification_delay=step,
            certify=lambda _staged: passes,
        )
    server.serve(host=args.host, port=args.port, simulation=simulation)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m connector_domain``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["diagram"]:
        return run_diagram(argv[1:])
    if argv[:1] == ["serve"]:
        return run_serve(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m connector_domain",
        description="Apply an update request (UPDATE.json) to a ConnectorStaged (STAGED.json) and print "
        "the result, or the ErrorResponse. Without files, walk a bundled example through a short lifecycle.",
    )
    parser.add_argument("staged", nargs="?", metavar="STAGED.json", help="the resource, as the API writes it")
    parser.add_argument("update", nargs="?", metavar="UPDATE.json", help="the update request {version, actions}")
    parser.add_argument("--by", help="project key of the author of addCertificationComment")
    parser.add_argument("--at", type=datetime.fromisoformat, help="time of addCertificationComment (ISO 8601)")
    args = parser.parse_args(argv)
    if args.staged is None:
        return run_example()
    if args.update is None:
        parser.error("give both STAGED.json and UPDATE.json, or neither")
    if args.at is not None and args.at.tzinfo is None:
        parser.error("--at needs a time zone, for example 2024-01-31T12:00:00Z")
    return run_update(args.staged, args.update, by=args.by, at=args.at)


if __name__ == "__main__":
    sys.exit(main())
