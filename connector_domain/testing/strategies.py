"""Public Hypothesis strategies for the ConnectorStaged domain.

Needs Hypothesis (``pip install "connector-domain[testing]"``); the core
package never imports this module.

- Patterned strings, valid and "near misses" (one character off the pattern,
  one over or under the length, a trailing newline): ``keys``,
  ``key_near_misses``, ``project_identifiers``,
  ``project_identifier_near_misses``, ``application_names``,
  ``application_name_near_misses``, ``repository_urls``.
- Every entity: ``creators``, ``repositories``, ``reports``,
  ``configuration_applications``, ``drafts``, ``connector_staged`` (any field
  combination, reachable or not), ``reachable_staged`` (only states the
  lifecycle reaches from ``create``, built by running the reducer), ``updates``,
  ``paged_responses``.
- Inputs: ``update_actions``, ``service_events``, ``inputs``,
  ``events_of(kind)``; and ``same_value_actions(staged)``, the content
  actions that would change nothing on *staged*.
- Wire documents: ``update_action_documents(valid=True|False)`` and
  ``malformed_update_documents()``: JSON-like data, malformed ones included
  (wrong types, missing fields, unknown actions, nulls).

The installed package registers the strategies with
``hypothesis.strategies.register_type_strategy`` through Hypothesis'
``hypothesis`` entry point, so ``st.from_type(Creator)``,
``st.from_type(ConnectorStaged)`` (reachable states) and friends work
without importing this module (``register()`` does it by hand).

Strings are short and datetimes are UTC to the millisecond, as the API keeps
them, so that generated values round-trip through the wire form.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

import attrs
from hypothesis import strategies as st

from .. import actions as a
from .. import codec, lifecycle
from .. import events as e
from ..access import connector_snapshot
from ..errors import ResourceNotFound
from ..model import (
    ApplicationType,
    CertificationInfo,
    CertificationInfoComment,
    Connector,
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReport,
    ConnectorReportEntry,
    ConnectorReportEntryType,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStagedPagedQueryResponse,
    ConnectorStatus,
    Creator,
    IntegrationType,
    IsPreviewable,
    Region,
    Repository,
    SecuredConfigurationKey,
    StandardConfigurationKey,
)
from ..reducer import apply, create

__all__ = [
    "SERVICE_EVENT_KINDS",
    "application_name_near_misses",
    "application_names",
    "certification_comments",
    "certification_infos",
    "configuration_applications",
    "connectors",
    "connector_staged",
    "creators",
    "datetimes",
    "drafts",
    "events_of",
    "inputs",
    "key_near_misses",
    "keys",
    "malformed_update_documents",
    "paged_responses",
    "project_identifier_near_misses",
    "project_identifiers",
    "register",
    "reachable_staged",
    "report_entries",
    "reports",
    "repositories",
    "repository_urls",
    "same_value_actions",
    "service_events",
    "update_actions",
    "update_action_documents",
    "updates",
]

_KEY_ALPHABET = string.ascii_letters + string.digits + "_-"
_PROJECT_REGION_ALPHABET = string.ascii_letters + string.digits + "-_."
_PROJECT_KEY_ALPHABET = string.ascii_letters + string.digits + "-_"
# Characters outside every pattern here, each a plausible slip.
_OFF_PATTERN = st.sampled_from([" ", "/", "@", "!", "é", "\t", "+", "*", "$"])

_texts = st.text(max_size=12)


def _insert(base: st.SearchStrategy[str], char: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """*base* with one character from *char* inserted somewhere."""

    @st.composite
    def inserted(draw: st.DrawFn) -> str:
        text = draw(base)
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(char) + text[at:]

    return inserted()


def keys(*, max_size: int = 256) -> st.SearchStrategy[str]:
    """Valid keys: ``^[A-Za-z0-9_-]+$``, 2 to 256 characters."""
    return st.text(_KEY_ALPHABET, min_size=2, max_size=max_size)


def key_near_misses() -> st.SearchStrategy[str]:
    """Strings one step from a valid key: a bad character, 1 or 257 long, a trailing newline."""
    return st.one_of(
        _insert(keys(max_size=20), _OFF_PATTERN),
        st.text(_KEY_ALPHABET, min_size=0, max_size=1),
        st.text(_KEY_ALPHABET, min_size=257, max_size=257),
        keys(max_size=20).map(lambda k: k + "\n"),
    )


def application_names(*, max_size: int = 256) -> st.SearchStrategy[str]:
    """Valid application names: ``^[A-Za-z0-9_-]+$``, 2 to 256 characters (the key pattern)."""
    return keys(max_size=max_size)


def application_name_near_misses() -> st.SearchStrategy[str]:
    """Strings one step from a valid application name."""
    return key_near_misses()


def project_identifiers() -> st.SearchStrategy[str]:
    """Valid ProjectIdentifiers, ``{region}:{projectKey}``, mostly with a real region."""
    region = st.one_of(st.sampled_from([r.value for r in Region]), st.text(_PROJECT_REGION_ALPHABET, min_size=1))
    key = st.text(_PROJECT_KEY_ALPHABET, min_size=2, max_size=36)
    return st.builds(lambda r, k: f"{r}:{k}", region, key)


def project_identifier_near_misses() -> st.SearchStrategy[str]:
    """Strings one step from a valid ProjectIdentifier."""
    region = st.sampled_from([r.value for r in Region])
    return st.one_of(
        # project key one too short, one too long
        st.builds(lambda r, k: f"{r}:{k}", region, st.text(_PROJECT_KEY_ALPHABET, min_size=0, max_size=1)),
        st.builds(lambda r, k: f"{r}:{k}", region, st.text(_PROJECT_KEY_ALPHABET, min_size=37, max_size=40)),
        # a bad character in the project key, or no separator
        st.builds(
            lambda r, k: f"{r}:{k}",
            region,
            _insert(st.text(_PROJECT_KEY_ALPHABET, min_size=2, max_size=30), _OFF_PATTERN),
        ),
        project_identifiers().map(lambda p: p.replace(":", "", 1)),
        project_identifiers().map(lambda p: p + "\n"),
    )


def repository_urls() -> st.SearchStrategy[str]:
    """GitHub repository URLs in the HTTPS and SSH forms."""
    # An owner or repository name is not made of dots alone.
    part = st.text(_KEY_ALPHABET + ".", min_size=1, max_size=12).filter(lambda p: p.strip("."))
    suffix = st.sampled_from(["", ".git"])
    return st.builds(
        lambda prefix, owner, repo, end: f"{prefix}{owner}/{repo}{end}",
        st.sampled_from(["https://github.com/", "git@github.com:"]),
        part,
        part,
        suffix,
    )


def datetimes() -> st.SearchStrategy[datetime]:
    """Aware UTC datetimes, to the millisecond."""
    return st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
    )


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _tuples(strategy: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=max_size).map(tuple)


def creators() -> st.SearchStrategy[Creator]:
    """Creators with any combination of optional fields."""
    return st.builds(
        Creator,
        email=_texts,
        name=_optional(_texts),
        title=_optional(_texts),
        company=_optional(_texts),
        logo_url=_optional(_texts),
        no_of_contributors=_optional(st.integers(0, 10_000)),
        support_url=_optional(_texts),
    )


def repositories() -> st.SearchStrategy[Repository]:
    """Repositories with a GitHub URL and a non-empty tag."""
    return st.builds(Repository, url=repository_urls(), tag=st.text(min_size=1, max_size=8))


def report_entries() -> st.SearchStrategy[ConnectorReportEntry]:
    """One entry of a publish or preview report."""
    return st.builds(
        ConnectorReportEntry,
        type=st.sampled_from(ConnectorReportEntryType),
        title=_texts,
        message=_optional(_texts),
        created_at=datetimes(),
    )


def reports() -> st.SearchStrategy[ConnectorReport]:
    """Publish or preview reports."""
    return st.builds(ConnectorReport, entries=_tuples(report_entries()))


_standard_keys = st.builds(
    StandardConfigurationKey,
    key=_texts,
    description=_texts,
    default=_optional(_texts),
    required=_optional(st.booleans()),
)
_secured_keys = st.builds(SecuredConfigurationKey, key=_texts, description=_texts, required=_optional(st.booleans()))


def configuration_applications() -> st.SearchStrategy[ConnectorConfigurationApplication]:
    """Application configurations as ``connect.yaml`` declares them."""
    return st.builds(
        ConnectorConfigurationApplication,
        application_name=application_names(max_size=20),
        application_type=st.sampled_from(ApplicationType),
        standard_configuration=_tuples(_standard_keys, 2),
        secured_configuration=_tuples(_secured_keys, 2),
    )


def certification_comments() -> st.SearchStrategy[CertificationInfoComment]:
    """One certification comment."""
    return st.builds(CertificationInfoComment, user_id=_texts, datetime=datetimes(), comment=_texts)


def certification_infos() -> st.SearchStrategy[CertificationInfo]:
    """Certification comments."""
    return st.builds(CertificationInfo, comments=_tuples(certification_comments()))


def drafts() -> st.SearchStrategy[ConnectorStagedDraft]:
    """Create-request bodies, with absent and empty optional lists."""
    return st.builds(
        ConnectorStagedDraft,
        key=_optional(keys(max_size=20)),
        name=_texts,
        description=_optional(_texts),
        integration_types=_optional(_tuples(st.sampled_from(IntegrationType))),
        creator=creators(),
        repository=repositories(),
        supported_regions=_optional(_tuples(st.sampled_from(Region))),
        private_projects=_optional(_tuples(project_identifiers())),
        documentation_url=_optional(_texts),
    )


def connector_staged(*, record: bool = True) -> st.SearchStrategy[ConnectorStaged]:
    """ConnectorStaged with any combination of fields, in any status, reachable or not.

    With ``record=False`` the two record-form fields hold what the wire form
    derives, so the value round-trips through ``codec.to_wire``.
    """
    base = st.builds(
        ConnectorStaged,
        id=st.text(min_size=1, max_size=8),
        key=_optional(keys(max_size=20)),
        version=st.integers(1, 1_000),
        name=_texts,
        description=_texts,
        integration_types=_tuples(st.sampled_from(IntegrationType)),
        creator=creators(),
        repository=repositories(),
        configurations=_tuples(configuration_applications(), 2),
        global_configuration=_optional(
            st.builds(
                ConnectorGlobalConfiguration,
                standard_configuration=_optional(_tuples(_standard_keys, 2)),
                secured_configuration=_optional(_tuples(_secured_keys, 2)),
            )
        ),
        api_client=_optional(st.builds(ConnectorApiClient, scopes=_tuples(_texts))),
        private=st.booleans(),
        private_projects=_tuples(project_identifiers()),
        supported_regions=_tuples(st.sampled_from(Region)),
        certification_info=_optional(certification_infos()),
        status=st.sampled_from(ConnectorStatus),
        publishing_report=_optional(reports()),
        already_listed=st.booleans(),
        has_changes=st.booleans(),
        is_previewable=st.sampled_from(IsPreviewable),
        previewable_report=_optional(reports()),
        documentation_url=_optional(_texts),
        certified=_optional(st.booleans()),
    )
    if not record:
        return base
    return st.builds(
        lambda staged, published, asked: attrs.evolve(
            staged, published_before=published or staged.published_before, certification_requested=asked
        ),
        base,
        st.booleans(),
        st.booleans(),
    )


def _input_strategies() -> dict[type, st.SearchStrategy[Any]]:
    """A strategy for each input class: the 19 actions, then the 8 service events."""
    configurations = _optional(_tuples(configuration_applications(), 2))
    return {
        a.SetName: st.builds(a.SetName, name=_texts),
        a.SetDescription: st.builds(a.SetDescription, description=_texts),
        a.SetRepository: st.builds(
            a.SetRepository, url=st.none() | repository_urls(), tag=st.text(min_size=1, max_size=8)
        ),
        a.SetSupportedRegions: st.builds(
            a.SetSupportedRegions, regions=st.lists(st.sampled_from(Region), min_size=1, max_size=3).map(tuple)
        ),
        a.SetDocumentationUrl: st.builds(a.SetDocumentationUrl, documentation_url=_texts),
        a.SetIntegrationTypes: st.builds(
            a.SetIntegrationTypes, integration_types=_tuples(st.sampled_from(IntegrationType))
        ),
        a.SetCreatorName: st.builds(a.SetCreatorName, creator_name=_texts),
        a.SetCreatorTitle: st.builds(a.SetCreatorTitle, creator_title=_texts),
        a.SetCreatorEmail: st.builds(a.SetCreatorEmail, creator_email=_texts),
        a.SetCreatorCompany: st.builds(a.SetCreatorCompany, creator_company=_texts),
        a.SetCreatorNoOfContributors: st.builds(
            a.SetCreatorNoOfContributors, creator_no_of_contributors=st.integers(1, 10_000)
        ),
        a.SetCreatorSupportUrl: st.builds(a.SetCreatorSupportUrl, creator_support_url=_texts),
        a.SetCreatorLogo: st.builds(a.SetCreatorLogo, logo_url=_texts),
        a.AddPrivateProject: st.builds(a.AddPrivateProject, private_project=project_identifiers()),
        a.RemovePrivateProject: st.builds(a.RemovePrivateProject, private_project=project_identifiers()),
        a.UpdatePreviewable: st.just(a.UpdatePreviewable()),
        a.Publish: st.builds(a.Publish, certification=st.booleans()),
        a.Unlist: st.just(a.Unlist()),
        a.AddCertificationComment: st.builds(a.AddCertificationComment, comment=_texts),
        e.PublishingSucceeded: st.builds(
            e.PublishingSucceeded, report=_optional(reports()), configurations=configurations
        ),
        e.PublishingFailed: st.builds(e.PublishingFailed, report=_optional(reports())),
        e.CertificationStarted: st.just(e.CertificationStarted()),
        e.CertificationPassed: st.builds(e.CertificationPassed, report=_optional(reports())),
        e.CertificationFailed: st.builds(e.CertificationFailed, report=_optional(reports())),
        e.PreviewGranted: st.builds(e.PreviewGranted, report=_optional(reports()), configurations=configurations),
        e.PreviewRejected: st.builds(e.PreviewRejected, report=_optional(reports())),
        e.PreviewCancelled: st.just(e.PreviewCancelled()),
    }


_INPUTS: dict[type, st.SearchStrategy[Any]] = _input_strategies()


def update_actions() -> st.SearchStrategy[a.UpdateAction]:
    """Any valid update action, of each of the 19 kinds."""
    return st.one_of([_INPUTS[kind] for kind in a.ACTIONS])


def service_events() -> st.SearchStrategy[e.ServiceEvent]:
    """Any service event, with and without report and configurations."""
    return st.one_of([strategy for kind, strategy in _INPUTS.items() if kind not in a.ACTIONS])


#: The service event classes, in the order of lifecycle.md.
SERVICE_EVENT_KINDS: list[type] = [kind for kind in _INPUTS if kind not in a.ACTION_TYPES]


def events_of(kind: type) -> st.SearchStrategy[Any]:
    """Inputs of one class (an action or a service event)."""
    return _INPUTS[kind]


def update_action_documents(*, valid: bool = True) -> st.SearchStrategy[Any]:
    """Update actions as wire documents (JSON-like dicts); with ``valid=False``, malformed ones.

    Malformed documents are valid ones with one thing broken: a field of the
    wrong JSON type, a required field missing or null, a pattern off by one
    character, an unknown or missing ``action``, or not an object at all.
    Each is checked to be refused by the codec.
    """
    documents = update_actions().map(codec.to_wire)
    if valid:
        return documents
    return st.one_of(
        documents.flatmap(_break),
        st.sampled_from([None, 3, "setName", [], True]),
    ).filter(_is_refused)


def _break(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    fields = [name for name in document if name != "action"]
    breaks: list[st.SearchStrategy[Any]] = [
        st.just({**document, "action": "setPrivate"}),  # removed from the API
        st.just({k: v for k, v in document.items() if k != "action"}),
        st.builds(lambda tag: {**document, "action": tag}, st.sampled_from([3, None, "SetName", "setname"])),
    ]
    if fields:
        field = st.sampled_from(fields)
        wrong: st.SearchStrategy[Any] = st.sampled_from([None, 3, "3", "true", True, [], {}, 1.5])
        breaks += [
            st.builds(lambda f, w: {**document, f: w}, field, wrong),
            field.map(lambda f: {k: v for k, v in document.items() if k != f}),
        ]
    if "privateProject" in document:
        breaks.append(project_identifier_near_misses().map(lambda p: {**document, "privateProject": p}))
    return st.one_of(breaks)


def _is_refused(document: Any) -> bool:
    try:
        codec.from_wire(document, a.UpdateAction)
    except codec.InvalidInput:
        return True
    return False


def malformed_update_documents() -> st.SearchStrategy[Any]:
    """Update request bodies the codec refuses: a bad version, a bad action, or not an object."""
    action_lists = st.lists(update_action_documents(), max_size=3)
    return st.one_of(
        st.builds(
            lambda before, bad, after, version: {"version": version, "actions": [*before, bad, *after]},
            action_lists,
            update_action_documents(valid=False),
            action_lists,
            st.integers(1, 5),
        ),
        st.builds(
            lambda actions, version: {"version": version, "actions": actions},
            action_lists,
            st.sampled_from(["1", None, 1.5, True, []]),
        ),
        action_lists.map(lambda actions: {"actions": actions}),
        st.sampled_from([None, [], "update", 1, {"version": 1}, {"version": 1, "actions": "setName"}]),
    )


def inputs() -> st.SearchStrategy[e.Input]:
    """Any input of the reducer: an update action or a service event."""
    return st.one_of(update_actions(), service_events())


def updates(*, max_actions: int = 4) -> st.SearchStrategy[a.ConnectorUpdate]:
    """Update requests with up to *max_actions* actions."""
    return st.builds(
        a.ConnectorUpdate,
        version=st.integers(1, 1_000),
        actions=st.lists(update_actions(), max_size=max_actions).map(tuple),
    )


def paged_responses() -> st.SearchStrategy[ConnectorStagedPagedQueryResponse]:
    """Pages of a ConnectorStaged query, ``count`` equal to the results' length."""
    return st.lists(connector_staged(record=False), max_size=2).flatmap(
        lambda results: st.builds(
            ConnectorStagedPagedQueryResponse,
            limit=st.integers(0, 500),
            offset=st.integers(0, 10_000),
            count=st.just(len(results)),
            total=st.integers(len(results), 100_000),
            results=st.just(tuple(results)),
        )
    )


_MOMENT = datetime(2024, 1, 1, tzinfo=UTC)


def _accepted_groups(staged: ConnectorStaged) -> list[list[type]]:
    """The input classes the tables accept for *staged*, one group per table key (all edits are one)."""
    groups: list[list[type]] = []
    if lifecycle.accepts(staged, lifecycle.EDIT):
        groups.append(list(a.CONTENT_ACTIONS))
    for kind in _INPUTS:
        if kind not in a.CONTENT_ACTIONS and any(lifecycle.accepts(staged, key) for key in lifecycle.keys_of(kind)):
            groups.append([kind])
    return groups


def connectors() -> st.SearchStrategy[Connector]:
    """Production Connectors, as reachable ConnectorStaged yield them (``connector_snapshot``)."""
    return reachable_staged().map(connector_snapshot)


def reachable_staged(*, max_steps: int = 16) -> st.SearchStrategy[ConnectorStaged]:
    """ConnectorStaged in states the lifecycle reaches from ``create``, and only those.

    Built by running the reducer on a generated draft and inputs (refused
    inputs are skipped), never by setting fields.
    """

    @st.composite
    def reachable(draw: st.DrawFn) -> ConnectorStaged:
        staged = create(draw(drafts()), id=draw(st.text(min_size=1, max_size=8)))
        assert isinstance(staged, ConnectorStaged)
        for _ in range(draw(st.integers(0, max_steps))):
            # Mostly an input the current state accepts, so that every status
            # is reached within a few steps; sometimes any input at all.
            groups = _accepted_groups(staged)
            guided = draw(st.integers(0, 3)) > 0
            if groups and guided:
                kind = draw(st.sampled_from(draw(st.sampled_from(groups))))
            else:
                kind = draw(st.sampled_from(list(_INPUTS)))
            result = apply(staged, draw(_INPUTS[kind]), at=_MOMENT, by="certifier")
            if isinstance(result, ConnectorStaged):
                staged = result
        return staged

    return reachable()


def same_value_actions(staged: ConnectorStaged) -> list[a.UpdateAction]:
    """The content actions that would set what *staged* already has (no-ops where accepted)."""
    creator = staged.creator
    found: list[a.UpdateAction] = [
        a.SetName(name=staged.name),
        a.SetDescription(description=staged.description),
        a.SetRepository(url=staged.repository.url, tag=staged.repository.tag),
        a.SetIntegrationTypes(integration_types=staged.integration_types),
        a.SetCreatorEmail(creator_email=creator.email),
    ]
    optional_fields: list[tuple[Any, Any]] = [
        (staged.documentation_url, lambda v: a.SetDocumentationUrl(documentation_url=v)),
        (creator.name, lambda v: a.SetCreatorName(creator_name=v)),
        (creator.title, lambda v: a.SetCreatorTitle(creator_title=v)),
        (creator.company, lambda v: a.SetCreatorCompany(creator_company=v)),
        (creator.support_url, lambda v: a.SetCreatorSupportUrl(creator_support_url=v)),
        (creator.logo_url, lambda v: a.SetCreatorLogo(logo_url=v)),
    ]
    found += [build(value) for value, build in optional_fields if value is not None]
    if creator.no_of_contributors is not None and creator.no_of_contributors >= 1:
        found.append(a.SetCreatorNoOfContributors(creator_no_of_contributors=creator.no_of_contributors))
    if staged.supported_regions:
        found.append(a.SetSupportedRegions(regions=staged.supported_regions))
    found += [a.AddPrivateProject(private_project=p) for p in staged.private_projects]
    found.append(a.RemovePrivateProject(private_project="europe-west1.gcp:never-added-project"))
    return [
        action
        for action in found
        if not (isinstance(action, a.RemovePrivateProject) and action.private_project in staged.private_projects)
    ]


def register() -> None:
    """Let ``st.from_type`` build every entity, action and request of the library.

    Hypothesis calls it through the package's ``hypothesis`` entry point when
    it is imported, so an installed package needs no call; running from a
    source tree that is not installed, call it once (a conftest.py will do).
    """
    for kind, strategy in _INPUTS.items():
        st.register_type_strategy(kind, strategy)
    # A ResourceNotFound names exactly one of its id and its key.
    text = st.text(min_size=1, max_size=8)
    st.register_type_strategy(
        ResourceNotFound, st.builds(ResourceNotFound, id=text) | st.builds(ResourceNotFound, key=text)
    )
    for cls, factory in (
        (Creator, creators),
        (Repository, repositories),
        (ConnectorReport, reports),
        (ConnectorConfigurationApplication, configuration_applications),
        (CertificationInfo, certification_infos),
        (CertificationInfoComment, certification_comments),
        (ConnectorReportEntry, report_entries),
        (Connector, connectors),
        (ConnectorStagedDraft, drafts),
        (ConnectorStaged, reachable_staged),
        (a.ConnectorUpdate, updates),
        (ConnectorStagedPagedQueryResponse, paged_responses),
    ):
        st.register_type_strategy(cls, st.deferred(factory))


def _hypothesis_setup_hook() -> None:
    """The ``hypothesis`` entry point (Hypothesis' documented plugin hook): register the strategies."""
    register()
