"""The command line: apply an update request, print the lifecycle diagrams, serve the mock.

Usage::

    python -m connector_domain apply STAGED.json UPDATE.json [--by PROJECT_KEY] [--at DATETIME]
    python -m connector_domain diagram [--deployment] [--markdown]
    python -m connector_domain serve [--host 127.0.0.1] [--port 8080] [--simulate auto|manual]
                                     [--delay SECONDS] [--certification pass|fail]
                                     [--project KEY] [--region REGION]
                                     [--allowed-host NAME] [--max-body BYTES]
                                     [--request-timeout SECONDS]
    python -m connector_domain STAGED.json UPDATE.json [--by ...] [--at ...]   # the same as apply
    python -m connector_domain            # a short lifecycle on a bundled example

``apply`` prints the resulting resource as JSON and exits 0, or prints the
ErrorResponse the API would answer with and exits 1. ``--by`` and ``--at``
give the author and time of an ``addCertificationComment`` (``--at`` defaults
to now; this command line is the one place that reads a clock). ``serve`` runs
the local mock of the Connect API (``connector_domain.mock.server``, which needs
the ``server`` extra). Wrong arguments exit 2 with argparse's message.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from . import codec, diagram
from ._version import __version__
from .actions import AddCertificationComment, AddPrivateProject, ConnectorUpdate, Publish, SetName
from .errors import DomainError
from .events import Input, PublishingSucceeded
from .mock.defaults import BODY_TIMEOUT, DEFAULT_PROJECT, DEFAULT_REGION, HEADER_TIMEOUT, MAX_BODY
from .model import ConnectorStaged, ConnectorStagedDraft, Creator, Region, Repository, check_project_key
from .reducer import apply, apply_update, create

if TYPE_CHECKING:
    from .mock.identity import Client
    from .mock.simulation import Declarations


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


def _run_apply(args: argparse.Namespace) -> int:
    return run_update(args.staged, args.update, by=args.by, at=args.at)


def _run_diagram(args: argparse.Namespace) -> int:
    """Print the Mermaid diagrams of the lifecycle, or with --markdown the generated part of docs/lifecycle.md.

    With --deployment, the same of the Deployment's (docs/deployments.md).
    """
    if args.deployment:
        print(diagram.deployment_markdown() if args.markdown else diagram.deployment_mermaid(), end="")
    else:
        print(diagram.lifecycle_markdown() if args.markdown else diagram.mermaid(), end="")
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    """Run the local mock of the Connect API until interrupted."""
    try:
        from .mock import server
    except ImportError as exc:
        raise SystemExit(
            f"connector_domain: serve needs the server extra ({exc.name or exc} is missing); "
            'install it with: pip install "connector-domain[server]" (from a clone: pip install ".[server]")'
        ) from None
    from .mock.simulation import DEFAULT_DECLARATIONS, Automatic, Manual, Simulation

    simulation: Simulation = Manual()
    if args.simulate == "auto":
        step = timedelta(seconds=args.delay)
        passes = args.certification == "pass"
        simulation = Automatic(
            publishing_delay=step,
            preview_delay=step,
            certification_delay=step,
            deployment_delay=step,
            certify=lambda _staged: passes,
            declarations=args.configurations or DEFAULT_DECLARATIONS,
        )
    timeout: float | None = args.request_timeout
    server.serve(
        host=args.host,
        port=args.port,
        simulation=simulation,
        project=args.project,
        region=args.region,
        allowed_hosts=args.allowed_host,
        max_body=args.max_body,
        production_disabled=args.production_disabled,
        auth=args.auth,
        clients=args.client,
        header_timeout=HEADER_TIMEOUT if timeout is None else timeout,
        body_timeout=BODY_TIMEOUT if timeout is None else timeout,
    )
    return 0


def _aware_datetime(text: str) -> datetime:
    """``--at``: an RFC 3339 date-time, read as the codec reads the API's (one grammar for both)."""
    try:
        return codec.read_datetime(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _declarations(path: str) -> Declarations:
    """``--configurations``: a JSON file of what every connector's ``connect.yaml`` declares."""
    from .mock.simulation import Declarations

    try:
        with open(path, "rb") as file:
            text = file.read()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return Declarations.read(text)
    except codec.InvalidInput as exc:
        raise argparse.ArgumentTypeError(f"{path} is not a declaration of configurations: {exc}") from None


def _client(text: str) -> Client:
    """``--client``: ``ID:SECRET:SCOPES``, the scopes space-separated."""
    from .mock.identity import parse_client

    try:
        return parse_client(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _bytes(text: str) -> int:
    """``--max-body``: a positive number of bytes."""
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of bytes: {text!r}")
    return int(text)


def _timeout(text: str) -> float:
    """``--request-timeout``: a positive, finite number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise argparse.ArgumentTypeError(f"not a positive, finite number of seconds: {text!r}")
    return seconds


def _port(text: str) -> int:
    """``--port``: 0 to 65535."""
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (0 to 65535): {text!r}")
    return int(text)


def _project_key(text: str) -> str:
    """``--project``: a project key, as a ProjectIdentifier's second part allows."""
    try:
        check_project_key(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a project key (2 to 36 of a-z, A-Z, 0-9, - and _): {text!r}") from None
    return text


def _seconds(text: str) -> float:
    """``--delay``: a number of seconds, not negative, that the mock's clock can add to its time."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    if seconds < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    from .mock.clock import LAST_YEAR  # the mock's own limit; apply and diagram never load the mock

    try:
        reached = (datetime.now(UTC) + timedelta(seconds=seconds)).year
    except (OverflowError, ValueError):
        reached = None
    if reached is None or reached >= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{text} seconds would take the mock's clock past the year {LAST_YEAR}")
    return seconds


PROG: Final = "python -m connector_domain"
#: The subcommands, in the order --help lists them.
COMMANDS: Final = ("apply", "diagram", "serve")


def make_parser() -> argparse.ArgumentParser:
    """The parser of the command line, one subparser per command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The executable rule book of the commercetools Connect ConnectorStaged resource. "
        "Without arguments, walk a bundled connector through a short lifecycle.",
        epilog=f"{PROG} STAGED.json UPDATE.json (no command) is read as {PROG} apply STAGED.json UPDATE.json.",
    )
    parser.add_argument("--version", action="version", version=f"connector-domain {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="{" + ",".join(COMMANDS) + "}")

    apply_ = commands.add_parser(
        "apply",
        help="apply an update request to a ConnectorStaged and print the result",
        description="Apply an update request (UPDATE.json) to a ConnectorStaged (STAGED.json) and print the "
        "resulting resource, exit 0; or print the ErrorResponse the API would answer with, exit 1.",
    )
    apply_.add_argument("staged", metavar="STAGED.json", help="the resource, as the API writes it")
    apply_.add_argument("update", metavar="UPDATE.json", help="the update request {version, actions}")
    apply_.add_argument("--by", metavar="PROJECT_KEY", help="project key of the author of addCertificationComment")
    apply_.add_argument(
        "--at",
        metavar="DATETIME",
        type=_aware_datetime,
        help="time of addCertificationComment, ISO 8601 with a time zone (default: now)",
    )
    apply_.set_defaults(run=_run_apply)

    diagram_ = commands.add_parser(
        "diagram",
        help="print the lifecycle as Mermaid state diagrams",
        description="Print Mermaid state diagrams generated from the lifecycle tables.",
    )
    diagram_.add_argument("--markdown", action="store_true", help="print diagrams and the status-by-input matrix")
    diagram_.add_argument("--deployment", action="store_true", help="the Deployment's status machine instead")
    diagram_.set_defaults(run=_run_diagram)

    serve = commands.add_parser(
        "serve",
        help="serve a local mock of the Connect API (needs the server extra)",
        description="Serve a local mock of the Connect API's ConnectorStaged endpoints (in memory).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=_port, default=8080, help="port to listen on (default: 8080)")
    serve.add_argument(
        "--simulate",
        choices=["auto", "manual"],
        default="auto",
        help="auto: the simulated service answers publish and preview requests, and builds and undeploys "
        "deployments, after --delay (default); manual: service events only through "
        "POST /__mock__/connectors/drafts/{id}/events and POST /__mock__/{projectKey}/deployments/{id}/events",
    )
    serve.add_argument("--delay", type=_seconds, default=2.0, help="seconds each simulated step takes (default: 2)")
    serve.add_argument(
        "--certification",
        choices=["pass", "fail"],
        default="pass",
        help="whether simulated certification passes or fails (default: pass)",
    )
    serve.add_argument(
        "--project",
        type=_project_key,
        default=DEFAULT_PROJECT,
        help="the project key a request acts as when neither a token of the mock nor its path names one; "
        f"a project owns the drafts it creates (default: {DEFAULT_PROJECT})",
    )
    serve.add_argument(
        "--region",
        choices=[region.value for region in Region],
        default=DEFAULT_REGION,
        help=f"the region of the projects (default: {DEFAULT_REGION})",
    )
    serve.add_argument(
        "--configurations",
        type=_declarations,
        metavar="FILE",
        help="a JSON file of what every connector's connect.yaml declares, as the API writes it: "
        '{"configurations": [...], "globalConfiguration": {...}, "apiClient": {...}}; the simulated service '
        "brings it when it grants a preview or publishes (default: one service application, named service, "
        "with no keys)",
    )
    serve.add_argument(
        "--production-disabled",
        action="append",
        default=[],
        type=_project_key,
        metavar="PROJECT_KEY",
        help="a project whose production deployments are refused with DeploymentProductionDeactivated (repeatable)",
    )
    serve.add_argument(
        "--auth",
        action="store_true",
        help="require a token from POST /oauth/token on every endpoint (401 without one), with a scope the "
        "endpoint accepts for the project (403 without one); without it, a token only names the caller's project",
    )
    serve.add_argument(
        "--client",
        action="append",
        default=[],
        type=_client,
        metavar="ID:SECRET:SCOPES",
        help="a client POST /oauth/token accepts, with at most these space-separated scopes, each "
        "name:projectKey (repeatable; without any, every client is accepted and gets the scopes it asks for)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name requests may address the mock by, besides loopback names and the --host address "
        "(repeatable; for a mock served from a container or to a team)",
    )
    serve.add_argument(
        "--max-body",
        type=_bytes,
        default=MAX_BODY,
        metavar="BYTES",
        help=f"the largest request body read; a larger one is refused with 413 (default: {MAX_BODY}, 1 MiB)",
    )
    serve.add_argument(
        "--request-timeout",
        type=_timeout,
        metavar="SECONDS",
        help="how long a client may take to send a request: a connection whose request line and headers take "
        "longer is closed, a body that takes longer (from its first read) is answered 408 "
        f"(default: {HEADER_TIMEOUT:g} for the line and headers, {BODY_TIMEOUT:g} for the body)",
    )
    serve.set_defaults(run=_run_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m connector_domain``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return run_example()
    parser = make_parser()
    if argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        # The form that came before the commands: STAGED.json UPDATE.json [--by] [--at].
        if len(argv) == 1 and not argv[0].startswith("-"):
            parser.error(
                f"argument command: invalid choice: {argv[0]!r} (choose from {', '.join(map(repr, COMMANDS))}; "
                "or give STAGED.json UPDATE.json to apply an update)"
            )
        argv = ["apply", *argv]
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BrokenPipeError:
        # The reader of the output went away (`... | head`): stop quietly, as Unix tools do.
        # Python's documented recipe: point stdout at devnull so that the flush at exit cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
