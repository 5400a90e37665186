"""The codec and the reducer against pydantic v2, msgspec and bare ``attrs.evolve``.

Run from the repository root::

    python3 -m venv .venv
    .venv/bin/pip install ".[fast,server]" -r benchmarks/requirements.txt
    .venv/bin/python benchmarks/compare.py            # add --markdown for the docs' tables

Two documents, each defined here in pydantic v2 and in msgspec with the same
fields, nested types, enums and documented patterns as the library's model,
and checked to round-trip and to refuse the same bad values before anything
is timed:

- the official ``staged.json`` (a ConnectorStaged: the patterns of ``key``,
  the ``privateProjects`` items and ``applicationName``; its repository
  takes any strings, as the library's ConnectorStaged does);
- the first Deployment of the official ``deployment/paged.json``, its
  secured values masked as every read shows them (the patterns of ``key``
  and ``applicationName``; the library and pydantic mask a secured value
  they read, msgspec cannot and keeps it).

The library is timed twice: as it is, and on its detailed path alone
(``codec.make_converter(fast_path=False)``), to show what the fast path buys.
Every measurement runs in this one process: the contenders of a group take
turns batch by batch (interleaved, the starting contender rotating every
round), for many rounds, with the garbage collector off during a timed batch
as ``timeit`` does. Each batch gives one time per call; the report gives the
median and the 10th percentile (p10) of those times, and the ratios between
contenders. The targets are ratios of p10 times (memory: bytes).

Last, the mock's throughput over HTTP against a bare Starlette handler
(``benchmarks/throughput.py``, which says how it is measured), as ratios of
medians of requests a second; ``--throughput-rounds 0`` leaves it out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from itertools import repeat
from pathlib import Path
from typing import Annotated, Any

import attrs
import msgspec
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

ROOT = Path(__file__).resolve().parent.parent
try:
    import connector_domain  # noqa: F401
except ImportError:  # not installed: use the checkout this script lives in
    sys.path.insert(0, str(ROOT))

from _machine import machine  # noqa: E402
from throughput import ThroughputResult, measure  # noqa: E402
from throughput import report as throughput_report  # noqa: E402

from connector_domain import codec  # noqa: E402
from connector_domain.actions import AddPrivateProject, RemovePrivateProject, SetDescription, SetName  # noqa: E402
from connector_domain.deployment.model import (  # noqa: E402
    Deployment,
    DeploymentReportEntryType,
    DeploymentStatus,
    DeploymentType,
)
from connector_domain.errors import ConnectorStagedNotPrivate, DomainError  # noqa: E402
from connector_domain.model import (  # noqa: E402
    ApplicationType,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStatus,
    IntegrationType,
    IsPreviewable,
    Region,
)
from connector_domain.reducer import apply  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "staged.json"
DEPLOYMENT_FIXTURE = ROOT / "tests" / "fixtures" / "deployment" / "paged.json"

# --- The documented patterns, in each engine's spelling -----------------------
# The library matches whole strings (re.fullmatch). pydantic-core runs Rust
# regexes, where "$" is the end of the text; msgspec runs Python's re.search,
# so its patterns are anchored with \A and \Z (a "$" would accept a final "\n").

_KEY = r"[A-Za-z0-9_-]+"
_PROJECT = r"[a-zA-Z0-9_.\-]+:[a-zA-Z0-9_\-]{2,36}"
_PART = r"[A-Za-z0-9_.-]*[A-Za-z0-9_-][A-Za-z0-9_.-]*"
_GITHUB = rf"(?:https://github\.com/|git@github\.com:){_PART}/{_PART}"


def _rust(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _python(pattern: str) -> str:
    return rf"\A(?:{pattern})\Z"


# --- pydantic v2 -----------------------------------------------------------------

PKey = Annotated[str, StringConstraints(pattern=_rust(_KEY), min_length=2, max_length=256)]
PProject = Annotated[str, StringConstraints(pattern=_rust(_PROJECT))]


class _P(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, alias_generator=to_camel, populate_by_name=True)


class PCreator(_P):
    email: str
    name: str | None = None
    title: str | None = None
    company: str | None = None
    logo_url: str | None = None
    no_of_contributors: int | None = None
    support_url: str | None = None


class PRepository(_P):
    url: str
    tag: str


class PStandardConfigurationKey(_P):
    key: str
    description: str
    default: str | None = None
    required: bool | None = None


class PSecuredConfigurationKey(_P):
    key: str
    description: str
    required: bool | None = None


class PConnectorConfigurationApplication(_P):
    application_name: PKey
    application_type: ApplicationType
    standard_configuration: tuple[PStandardConfigurationKey, ...]
    secured_configuration: tuple[PSecuredConfigurationKey, ...]


class PConnectorGlobalConfiguration(_P):
    standard_configuration: tuple[PStandardConfigurationKey, ...] | None = None
    secured_configuration: tuple[PSecuredConfigurationKey, ...] | None = None


class PConnectorApiClient(_P):
    scopes: tuple[str, ...]


class PCertificationInfoComment(_P):
    user_id: str
    datetime: dt.datetime
    comment: str


class PCertificationInfo(_P):
    comments: tuple[PCertificationInfoComment, ...]


class PConnectorReportEntry(_P):
    type: ConnectorReportEntryType
    title: str
    message: str | None = None
    created_at: dt.datetime


class PConnectorReport(_P):
    entries: tuple[PConnectorReportEntry, ...]


class PConnectorStaged(_P):
    id: str
    key: PKey | None = None
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...] = ()
    creator: PCreator
    repository: PRepository
    configurations: tuple[PConnectorConfigurationApplication, ...] = ()
    global_configuration: PConnectorGlobalConfiguration | None = None
    api_client: PConnectorApiClient | None = None
    private: bool
    private_projects: tuple[PProject, ...]
    supported_regions: tuple[Region, ...]
    certification_info: PCertificationInfo | None = None
    status: ConnectorStatus = ConnectorStatus.DRAFT
    publishing_report: PConnectorReport | None = None
    already_listed: bool
    has_changes: bool
    is_previewable: IsPreviewable = IsPreviewable.NONE
    previewable_report: PConnectorReport | None = None
    documentation_url: str | None = None
    certified: bool | None = Field(default=None)


# --- msgspec ------------------------------------------------------------------------

MKey = Annotated[str, msgspec.Meta(pattern=_python(_KEY), min_length=2, max_length=256)]
MProject = Annotated[str, msgspec.Meta(pattern=_python(_PROJECT))]


class _M(msgspec.Struct, frozen=True, kw_only=True, rename="camel", omit_defaults=True):
    pass


class MCreator(_M, kw_only=True):
    email: str
    name: str | None = None
    title: str | None = None
    company: str | None = None
    logo_url: str | None = None
    no_of_contributors: int | None = None
    support_url: str | None = None


class MRepository(_M, kw_only=True):
    url: str
    tag: str


class MStandardConfigurationKey(_M, kw_only=True):
    key: str
    description: str
    default: str | None = None
    required: bool | None = None


class MSecuredConfigurationKey(_M, kw_only=True):
    key: str
    description: str
    required: bool | None = None


class MConnectorConfigurationApplication(_M, kw_only=True):
    application_name: MKey
    application_type: ApplicationType
    standard_configuration: tuple[MStandardConfigurationKey, ...]
    secured_configuration: tuple[MSecuredConfigurationKey, ...]


class MConnectorGlobalConfiguration(_M, kw_only=True):
    standard_configuration: tuple[MStandardConfigurationKey, ...] | None = None
    secured_configuration: tuple[MSecuredConfigurationKey, ...] | None = None


class MConnectorApiClient(_M, kw_only=True):
    scopes: tuple[str, ...]


class MCertificationInfoComment(_M, kw_only=True):
    user_id: str
    datetime: dt.datetime
    comment: str


class MCertificationInfo(_M, kw_only=True):
    comments: tuple[MCertificationInfoComment, ...]


class MConnectorReportEntry(_M, kw_only=True):
    type: ConnectorReportEntryType
    title: str
    message: str | None = None
    created_at: dt.datetime


class MConnectorReport(_M, kw_only=True):
    entries: tuple[MConnectorReportEntry, ...]


class MConnectorStaged(_M, kw_only=True):
    id: str
    key: MKey | None = None
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...] = ()
    creator: MCreator
    repository: MRepository
    configurations: tuple[MConnectorConfigurationApplication, ...] = ()
    global_configuration: MConnectorGlobalConfiguration | None = None
    api_client: MConnectorApiClient | None = None
    private: bool
    private_projects: tuple[MProject, ...]
    supported_regions: tuple[Region, ...]
    certification_info: MCertificationInfo | None = None
    status: ConnectorStatus = ConnectorStatus.DRAFT
    publishing_report: MConnectorReport | None = None
    already_listed: bool
    has_changes: bool
    is_previewable: IsPreviewable = IsPreviewable.NONE
    previewable_report: MConnectorReport | None = None
    documentation_url: str | None = None
    certified: bool | None = None


_M_DECODER = msgspec.json.Decoder(MConnectorStaged)
_M_ENCODER = msgspec.json.Encoder()


# --- The Deployment, in both ------------------------------------------------------------
# The document the mock answers: the official example with its secured values masked, as
# every read shows them. The library and pydantic mask what they read there.

_MASK = "****"
_APPLICATION = _KEY  # applicationName: the key's pattern, 2..256


class PConfigurationValue(_P):
    key: str
    value: str


class PMaskedValue(_P):
    """A secured value: read, then shown as ``"****"`` (the library's codec masks it the same way)."""

    key: str
    value: Annotated[str, AfterValidator(lambda _: _MASK)]


class PDeploymentGlobalConfiguration(_P):
    standard_configuration: tuple[PConfigurationValue, ...] | None = None
    secured_configuration: tuple[PMaskedValue, ...] | None = None


class PDeploymentApiClient(_P):
    name: str
    scopes: tuple[str, ...]


class PDeploymentReportEntry(_P):
    type: DeploymentReportEntryType
    title: str
    message: str | None = None
    application: str | None = None
    created_at: dt.datetime


class PDeploymentReport(_P):
    entries: tuple[PDeploymentReportEntry, ...]


class PDeploymentDetailsBuild(_P):
    id: str
    report: PDeploymentReport | None = None


class PDeploymentDetails(_P):
    build: PDeploymentDetailsBuild


class PApplicationDeployment(_P):
    id: str
    application_name: PKey
    standard_configuration: tuple[PConfigurationValue, ...]
    secured_configuration: tuple[PMaskedValue, ...]
    url: str | None = None
    topic: str | None = None
    schedule: str | None = None


class PDeploymentConnector(_P):
    id: str
    key: str | None = None
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...]
    creator: PCreator
    repository: PRepository
    configurations: tuple[PConnectorConfigurationApplication, ...] | None = None
    global_configuration: PConnectorGlobalConfiguration | None = None
    certified: bool
    supported_regions: tuple[Region, ...] | None = None
    documentation_url: str | None = None


class PDeployment(_P):
    id: str
    key: PKey | None = None
    version: int
    type: DeploymentType
    connector: PDeploymentConnector
    global_configuration: PDeploymentGlobalConfiguration | None = None
    api_client: PDeploymentApiClient | None = None
    details: PDeploymentDetails
    deployed_region: Region
    applications: tuple[PApplicationDeployment, ...]
    preview: bool
    status: DeploymentStatus


class MConfigurationValue(_M, kw_only=True):
    key: str
    value: str


class MMaskedValue(_M, kw_only=True):
    """msgspec cannot change a value as it reads it: it keeps what it reads (one check fewer than the others)."""

    key: str
    value: str


class MDeploymentGlobalConfiguration(_M, kw_only=True):
    standard_configuration: tuple[MConfigurationValue, ...] | None = None
    secured_configuration: tuple[MMaskedValue, ...] | None = None


class MDeploymentApiClient(_M, kw_only=True):
    name: str
    scopes: tuple[str, ...]


class MDeploymentReportEntry(_M, kw_only=True):
    type: DeploymentReportEntryType
    title: str
    message: str | None = None
    application: str | None = None
    created_at: dt.datetime


class MDeploymentReport(_M, kw_only=True):
    entries: tuple[MDeploymentReportEntry, ...]


class MDeploymentDetailsBuild(_M, kw_only=True):
    id: str
    report: MDeploymentReport | None = None


class MDeploymentDetails(_M, kw_only=True):
    build: MDeploymentDetailsBuild


class MApplicationDeployment(_M, kw_only=True):
    id: str
    application_name: MKey
    standard_configuration: tuple[MConfigurationValue, ...]
    secured_configuration: tuple[MMaskedValue, ...]
    url: str | None = None
    topic: str | None = None
    schedule: str | None = None


class MDeploymentConnector(_M, kw_only=True):
    id: str
    key: str | None = None
    version: int
    name: str
    description: str | None = None
    integration_types: tuple[IntegrationType, ...]
    creator: MCreator
    repository: MRepository
    configurations: tuple[MConnectorConfigurationApplication, ...] | None = None
    global_configuration: MConnectorGlobalConfiguration | None = None
    certified: bool
    supported_regions: tuple[Region, ...] | None = None
    documentation_url: str | None = None


class MDeployment(_M, kw_only=True):
    id: str
    key: MKey | None = None
    version: int
    type: DeploymentType
    connector: MDeploymentConnector
    global_configuration: MDeploymentGlobalConfiguration | None = None
    api_client: MDeploymentApiClient | None = None
    details: MDeploymentDetails
    deployed_region: Region
    applications: tuple[MApplicationDeployment, ...]
    preview: bool
    status: DeploymentStatus


_M_DEPLOYMENT_DECODER = msgspec.json.Decoder(MDeployment)


def deployment_document() -> bytes:
    """The first Deployment of the official ``paged.json``, its secured values masked (as every read shows them)."""
    document = json.loads(DEPLOYMENT_FIXTURE.read_bytes())["results"][0]
    for application in document["applications"]:
        for item in application["securedConfiguration"]:
            item["value"] = _MASK
    return json.dumps(document).encode()


# --- The contenders ------------------------------------------------------------------


def lib_decode(data: bytes) -> ConnectorStaged:
    return codec.loads(data, ConnectorStaged)


def pydantic_decode(data: bytes) -> PConnectorStaged:
    return PConnectorStaged.model_validate_json(data)


def msgspec_decode(data: bytes) -> MConnectorStaged:
    return _M_DECODER.decode(data)


def lib_encode(obj: ConnectorStaged) -> str:
    return codec.dumps(obj)


def pydantic_encode(obj: PConnectorStaged) -> str:
    # by_alias and exclude_none: the same camelCase document, absent optionals omitted.
    return obj.model_dump_json(by_alias=True, exclude_none=True)


def msgspec_encode(obj: MConnectorStaged) -> bytes:
    return _M_ENCODER.encode(obj)


# --- Checks that the three models read and write the same document ------------------


def _normal(value: Any) -> Any:
    """JSON data with datetimes compared as instants (the three write fractions differently)."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})", value):
        return dt.datetime.fromisoformat(value)
    return value


def _refuses(decode: Callable[[bytes], Any], document: dict[str, Any]) -> bool:
    try:
        decode(json.dumps(document).encode())
    except (ValueError, msgspec.ValidationError):  # pydantic's ValidationError is a ValueError
        return True
    return False


def check_equivalence(data: bytes) -> None:
    """Raise AssertionError unless the three models agree on the document and on the patterns."""
    original = _normal(json.loads(data))
    for name, decode, encode in (
        ("library", lib_decode, lib_encode),
        ("pydantic", pydantic_decode, pydantic_encode),
        ("msgspec", msgspec_decode, msgspec_encode),
    ):
        written = _normal(json.loads(encode(decode(data))))
        assert written == original, f"{name} does not round-trip staged.json"
    bad_values: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("key", lambda d: d.update(key="a b")),
        ("key", lambda d: d.update(key="k")),
        ("key", lambda d: d.update(key="key\n")),
        ("privateProjects[0]", lambda d: d.update(privateProjects=["no-region"])),
        ("privateProjects[0]", lambda d: d.update(privateProjects=["eu:x"])),
        ("applicationName", lambda d: d["configurations"][0].update(applicationName="app 1")),
        ("applicationName", lambda d: d["configurations"][0].update(applicationName="a")),
        ("version", lambda d: d.update(version="1")),
        ("status", lambda d: d.update(status="Unknown")),
    ]
    for path, spoil in bad_values:
        document = json.loads(data)
        spoil(document)
        for name, decode in (("library", lib_decode), ("pydantic", pydantic_decode), ("msgspec", msgspec_decode)):
            assert _refuses(decode, document), f"{name} accepts a bad {path}"


def check_deployment_equivalence(data: bytes) -> None:
    """Raise AssertionError unless the three Deployment models agree on the document and on the checks."""
    original = _normal(json.loads(data))
    for name, decode, encode in (
        ("library", lambda d: codec.loads(d, Deployment), codec.dumps),
        ("pydantic", PDeployment.model_validate_json, pydantic_encode),
        ("msgspec", _M_DEPLOYMENT_DECODER.decode, _M_ENCODER.encode),
    ):
        written = _normal(json.loads(encode(decode(data))))
        assert written == original, f"{name} does not round-trip the Deployment"
    clear = json.loads(data)
    clear["applications"][0]["securedConfiguration"][0]["value"] = "in clear"
    assert codec.loads(json.dumps(clear), Deployment) == codec.loads(data, Deployment)
    assert PDeployment.model_validate_json(json.dumps(clear)) == PDeployment.model_validate_json(data)
    bad_values: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("key", lambda d: d.update(key="a b")),
        ("key", lambda d: d.update(key="k")),
        ("applications[0].applicationName", lambda d: d["applications"][0].update(applicationName="app 3")),
        ("version", lambda d: d.update(version="1")),
        ("status", lambda d: d.update(status="Unknown")),
        ("deployedRegion", lambda d: d.update(deployedRegion="mars")),
        ("connector.certified", lambda d: d["connector"].update(certified="true")),
    ]
    for path, spoil in bad_values:
        document = json.loads(data)
        spoil(document)
        for name, decode in (
            ("library", lambda d: codec.loads(d, Deployment)),
            ("pydantic", PDeployment.model_validate_json),
            ("msgspec", _M_DEPLOYMENT_DECODER.decode),
        ):
            assert _refuses(decode, document), f"{name} accepts a bad {path}"


# --- Timing ------------------------------------------------------------------------

Runner = Callable[[int], object]  # runs the measured call n times


@dataclass
class Timing:
    name: str
    times: list[float]  # seconds per call, one per round

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p10(self) -> float:
        return statistics.quantiles(self.times, n=10, method="inclusive")[0]


def _batch(run: Runner, n: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        run(n)
        return time.perf_counter() - start
    finally:
        gc.enable()


def interleaved(contenders: dict[str, Runner], rounds: int, batch_seconds: float = 0.004) -> dict[str, Timing]:
    """Time each contender for *rounds* rounds, taking turns, each batch about *batch_seconds* long."""
    numbers = {}
    for name, run in contenders.items():
        if batch_seconds <= 0:  # one call per batch, already warm
            numbers[name] = 1
            continue
        run(3)  # warm up
        n = 1
        while (elapsed := _batch(run, n)) < batch_seconds / 4:
            n *= 4
        numbers[name] = max(1, round(n * batch_seconds / elapsed))
    names = list(contenders)
    timings = {name: Timing(name, []) for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            n = numbers[name]
            timings[name].times.append(_batch(contenders[name], n) / n)
    return timings


# --- The benchmarks ---------------------------------------------------------------


def codec_runners(
    data: bytes, cls: type, p_cls: type[BaseModel], m_decoder: msgspec.json.Decoder[Any]
) -> tuple[dict[str, Runner], dict[str, Runner]]:
    """Decoding *data* and encoding what it decodes to: the library (and its detailed path alone), pydantic, msgspec."""
    loads, dumps, parse = codec.loads, codec.dumps, codec.parse_json
    detailed = codec.make_converter(fast_path=False)
    structure, unstructure, write = detailed.structure, detailed.unstructure, codec._write_json
    model_validate_json, m_decode, m_encode, json_loads = (
        p_cls.model_validate_json,
        m_decoder.decode,
        _M_ENCODER.encode,
        json.loads,
    )
    lib_obj, pyd_obj, ms_obj = loads(data, cls), model_validate_json(data), m_decode(data)
    assert structure(parse(data), cls) == lib_obj and write(unstructure(lib_obj)) == dumps(lib_obj)

    def lib_dec(n: int) -> None:
        for _ in repeat(None, n):
            loads(data, cls)

    def detailed_dec(n: int) -> None:
        for _ in repeat(None, n):
            structure(parse(data), cls)

    def pyd_dec(n: int) -> None:
        for _ in repeat(None, n):
            model_validate_json(data)

    def ms_dec(n: int) -> None:
        for _ in repeat(None, n):
            m_decode(data)

    def json_only(n: int) -> None:
        for _ in repeat(None, n):
            json_loads(data)

    def lib_enc(n: int) -> None:
        for _ in repeat(None, n):
            dumps(lib_obj)

    def detailed_enc(n: int) -> None:
        for _ in repeat(None, n):
            write(unstructure(lib_obj))

    def pyd_enc(n: int) -> None:
        dump = pyd_obj.model_dump_json
        for _ in repeat(None, n):
            dump(by_alias=True, exclude_none=True)

    def ms_enc(n: int) -> None:
        for _ in repeat(None, n):
            m_encode(ms_obj)

    decode = {
        "library": lib_dec,
        "pydantic": pyd_dec,
        "msgspec": ms_dec,
        "json.loads": json_only,
        "library, detailed path": detailed_dec,
    }
    encode = {"library": lib_enc, "pydantic": pyd_enc, "msgspec": ms_enc, "library, detailed path": detailed_enc}
    return decode, encode


def apply_runners(staged: ConnectorStaged) -> dict[str, Runner]:
    action = SetName(name="Another name")
    evolve = attrs.evolve
    result = apply(staged, action)
    assert isinstance(result, ConnectorStaged) and result.name == "Another name"

    def lib(n: int) -> None:
        for _ in repeat(None, n):
            apply(staged, action)

    def bare(n: int) -> None:
        for _ in repeat(None, n):
            evolve(staged, name="Another name")

    return {"apply(setName)": lib, "attrs.evolve": bare}


def refusal_runners(staged: ConnectorStaged) -> dict[str, Runner]:
    action = AddPrivateProject(private_project="europe-west1.gcp:project-1")
    evolve = attrs.evolve
    assert isinstance(apply(staged, action), ConnectorStagedNotPrivate)

    def lib(n: int) -> None:
        for _ in repeat(None, n):
            apply(staged, action)

    def bare(n: int) -> None:
        for _ in repeat(None, n):
            evolve(staged, name="Another name")

    return {"apply(refused)": lib, "attrs.evolve": bare}


def replay_runners(staged: ConnectorStaged, count: int) -> dict[str, Runner]:
    """A private Draft; *count* actions cycling setName, setDescription, addPrivateProject, removePrivateProject.

    The bare loop evolves the same fields to the same values, one evolve per action.
    """
    start = attrs.evolve(staged, private=True, status=ConnectorStatus.DRAFT)
    actions: list[Any] = []
    changes: list[dict[str, Any]] = []
    for i in range(count):
        project = f"europe-west1.gcp:project-{i // 4 % 1000}"
        match i % 4:
            case 0:
                actions.append(SetName(name=f"Name {i}"))
                changes.append({"name": f"Name {i}"})
            case 1:
                actions.append(SetDescription(description=f"Description {i}"))
                changes.append({"description": f"Description {i}"})
            case 2:
                actions.append(AddPrivateProject(private_project=project))
                changes.append({"private_projects": (project,)})
            case _:
                actions.append(RemovePrivateProject(private_project=project))
                changes.append({"private_projects": ()})
    evolve = attrs.evolve

    def lib(_n: int) -> ConnectorStaged:
        current = start
        for action in actions:
            current = apply(current, action)  # type: ignore[assignment]
        return current

    def bare(_n: int) -> ConnectorStaged:
        current = start
        for change in changes:
            current = evolve(current, **change)
        return current

    last = lib(1)
    assert not isinstance(last, DomainError) and last.version == start.version + count
    assert attrs.evolve(bare(1), version=last.version) == last
    return {f"apply x {count:,}": lib, f"attrs.evolve x {count:,}": bare}


def retained_bytes(decode: Callable[[bytes], Any], data: bytes, count: int = 500) -> float:
    """Bytes that one decoded instance keeps alive (tracemalloc, the mean over *count* instances)."""
    decode(data)
    keep: list[Any] = [None] * count
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            keep[i] = decode(data)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / count


# --- The report --------------------------------------------------------------------------


@dataclass
class Ratio:
    """A ratio and its target: at most the target (times, bytes), or at least it (``at_least``: throughput)."""

    label: str
    p10: float  # for a throughput, the ratio of the medians of requests a second
    median: float | None
    target: float | None
    at_least: bool = False

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.at_least:
            return "met" if self.p10 >= self.target else f"missed by {1 - self.p10 / self.target:.0%}"
        return "met" if self.p10 <= self.target else f"missed by {self.p10 / self.target - 1:.0%}"

    def shown_target(self, *, md: bool) -> str:
        if self.target is None:
            return ""
        if md:
            return f"{'≥' if self.at_least else '≤'} {self.target:.2f}"
        return f"{'>=' if self.at_least else '<='} {self.target:.2f}"


def _ratio(label: str, a: Timing, b: Timing, target: float | None) -> Ratio:
    return Ratio(label, a.p10 / b.p10, a.median / b.median, target)


def _versions() -> str:
    names = ["connector-domain", "attrs", "cattrs", "pydantic", "pydantic-core", "msgspec"]
    out = []
    for name in names:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} (checkout)")
    return ", ".join(out)


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.2f} µs" if seconds < 0.01 else f"{seconds * 1e3:,.1f} ms"


def report(ratios: list[Ratio], groups: dict[str, dict[str, Timing]], memory: dict[str, float], md: bool) -> str:
    lines = []
    if md:
        lines += ["| ratio | p10 | target | | median |", "|---|---:|---:|---|---:|"]
        for r in ratios:
            target = r.shown_target(md=True)
            median = "" if r.median is None else f"{r.median:.2f}"
            lines.append(f"| {r.label} | {r.p10:.2f} | {target} | {r.verdict} | {median} |")
        lines += ["", "| group | contender | p10 | median | rounds |", "|---|---|---:|---:|---:|"]
        for group, timings in groups.items():
            for t in timings.values():
                lines.append(f"| {group} | {t.name} | {_us(t.p10)} | {_us(t.median)} | {len(t.times)} |")
        lines += ["", "| memory of one decoded instance | bytes |", "|---|---:|"]
        lines += [f"| {name} | {size:,.0f} |" for name, size in memory.items()]
        return "\n".join(lines)
    lines.append(f"{'ratio':<48} {'p10':>7} {'target':>8}  {'':<16} {'median':>7}")
    for r in ratios:
        target = r.shown_target(md=False)
        median = "" if r.median is None else f"{r.median:.2f}"
        lines.append(f"{r.label:<48} {r.p10:>7.2f} {target:>8}  {r.verdict:<16} {median:>7}")
    lines.append("")
    lines.append(f"{'group':<10} {'contender':<26} {'p10':>12} {'median':>12} {'rounds':>7}")
    for group, timings in groups.items():
        for t in timings.values():
            lines.append(f"{group:<10} {t.name:<26} {_us(t.p10):>12} {_us(t.median):>12} {len(t.times):>7}")
    lines.append("")
    lines += [f"memory of one decoded instance, {name:<9} {size:>9,.0f} bytes" for name, size in memory.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=61, help="rounds of the short benchmarks (default 61)")
    parser.add_argument("--replay-rounds", type=int, default=11, help="rounds of the replay (default 11)")
    parser.add_argument("--replay-actions", type=int, default=100_000, help="actions in a replay (default 100000)")
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    parser.add_argument(
        "--throughput-rounds", type=int, default=5, help="rounds of the mock's throughput, 0 for none (default 5)"
    )
    parser.add_argument("--throughput-seconds", type=float, default=3.0, help="seconds of a throughput round")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    data, deployment = FIXTURE.read_bytes(), deployment_document()
    check_equivalence(data)
    check_deployment_equivalence(deployment)
    staged = lib_decode(data)
    print(machine(), file=sys.stderr)
    print(_versions(), file=sys.stderr)

    decode, encode = codec_runners(data, ConnectorStaged, PConnectorStaged, _M_DECODER)
    deployment_decode, deployment_encode = codec_runners(deployment, Deployment, PDeployment, _M_DEPLOYMENT_DECODER)
    groups = {
        "decode": interleaved(decode, args.rounds),
        "encode": interleaved(encode, args.rounds),
        "decode (Deployment)": interleaved(deployment_decode, args.rounds),
        "encode (Deployment)": interleaved(deployment_encode, args.rounds),
        "apply": interleaved(apply_runners(staged), args.rounds),
        "refused": interleaved(refusal_runners(staged), args.rounds),
        "replay": interleaved(replay_runners(staged, args.replay_actions), args.replay_rounds, batch_seconds=0),
    }
    memory = {
        "library": retained_bytes(lib_decode, data),
        "pydantic": retained_bytes(pydantic_decode, data),
        "msgspec": retained_bytes(msgspec_decode, data),
    }
    d, e, dd, de, a, f, r = (
        groups[g]
        for g in ("decode", "encode", "decode (Deployment)", "encode (Deployment)", "apply", "refused", "replay")
    )
    ratios = [
        _ratio("decode: library / pydantic model_validate_json", d["library"], d["pydantic"], 1.9),
        _ratio("encode: library / pydantic model_dump_json", e["library"], e["pydantic"], 1.1),
        _ratio("decode Deployment: library / pydantic", dd["library"], dd["pydantic"], 1.9),
        _ratio("encode Deployment: library / pydantic", de["library"], de["pydantic"], 1.1),
        _ratio("apply(setName) / attrs.evolve", a["apply(setName)"], a["attrs.evolve"], 0.6),
        _ratio("replay 100k: apply / attrs.evolve", *r.values(), 1.10),
        _ratio("refused action / attrs.evolve", f["apply(refused)"], f["attrs.evolve"], 0.15),
        Ratio("memory: library / msgspec", memory["library"] / memory["msgspec"], None, 1.10),
        Ratio("memory: library / pydantic", memory["library"] / memory["pydantic"], None, 0.40),
        _ratio("decode, detailed path alone / pydantic", d["library, detailed path"], d["pydantic"], None),
        _ratio("encode, detailed path alone / pydantic", e["library, detailed path"], e["pydantic"], None),
        _ratio("decode: library / msgspec", d["library"], d["msgspec"], None),
        _ratio("decode: library / json.loads alone", d["library"], d["json.loads"], None),
        _ratio("encode: library / msgspec", e["library"], e["msgspec"], None),
    ]
    if args.replay_actions != 100_000:
        ratios[5].label = f"replay {args.replay_actions:,}: apply / attrs.evolve"
    served: list[ThroughputResult] = []
    if args.throughput_rounds:
        # The mock over HTTP against a bare Starlette handler, server and client on their own cores
        # (benchmarks/throughput.py says how); the ratio is of medians of requests a second.
        served = measure(rounds=args.throughput_rounds, seconds=args.throughput_seconds, connections=16)
        at = 7  # after the memory rows: every ratio with a target first
        for row in served:
            label = f"mock {row.label} / bare handler (req/s)"
            ratios.insert(at, Ratio(label, row.ratio, None, row.target, at_least=True))
            at += 1
    print(report(ratios, groups, memory, args.markdown))
    if served:
        print()
        print(throughput_report(served, markdown=args.markdown))
    print(f"\n{time.perf_counter() - began:.0f} s in all; {machine()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
