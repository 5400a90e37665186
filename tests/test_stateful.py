"""A RuleBasedStateMachine that runs the reducer against an oracle written from lifecycle.md.

The machine creates a few connectors and throws update actions (valid for the
current status or not), service events and whole update requests at them. An
oracle, written here with plain ``if`` statements from lifecycle.md's tables
("Order of checks", "Which inputs each status accepts", "Effects", "More
effects", "Access and deployment rules"), keeps its own small model of each
connector and predicts every step: the error code, or the new status,
previewability and every other field an input can touch. The oracle never
imports ``connector_domain.lifecycle``: it is a second, independent reading of
the spec, so that a wrong cell in the library's tables shows up as a
disagreement here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from connector_domain import (
    AddCertificationComment,
    AddPrivateProject,
    CertificationFailed,
    CertificationPassed,
    CertificationStarted,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorUpdate,
    Creator,
    DomainError,
    IsPreviewable,
    PreviewCancelled,
    PreviewGranted,
    PreviewRejected,
    Publish,
    PublishingFailed,
    PublishingSucceeded,
    RemovePrivateProject,
    Repository,
    SetCreatorCompany,
    SetCreatorEmail,
    SetCreatorLogo,
    SetCreatorName,
    SetCreatorNoOfContributors,
    SetCreatorSupportUrl,
    SetCreatorTitle,
    SetDescription,
    SetDocumentationUrl,
    SetIntegrationTypes,
    SetName,
    SetRepository,
    SetSupportedRegions,
    Unlist,
    UpdatePreviewable,
    apply,
    apply_update,
    check_deployment,
    codec,
    create,
)
from connector_domain.model import (
    ConnectorApiClient,
    ConnectorGlobalConfiguration,
    IntegrationType,
    StandardConfigurationKey,
)
from connector_domain.testing import strategies as cds

AT = datetime(2024, 5, 1, 12, 30, 15, 123000, tzinfo=UTC)
BY = "certifier-project"

# --- Status and error names, as lifecycle.md spells them ---------------------------

DRAFT, PROCESSING, READY, IN_CERT, PUBLISHED, FAILED = (
    "Draft",
    "Processing",
    "ReadyForCertification",
    "InCertification",
    "Published",
    "Failed",
)
STATUSES = (DRAFT, PROCESSING, READY, IN_CERT, PUBLISHED, FAILED)

INVALID_OPERATION = "InvalidOperation"
NOT_PRIVATE = "ConnectorStagedNotPrivate"
UNDER_PROCESS = "ConnectorStagedPreviewRequestUnderProcess"
IN_CERTIFICATION = "ConnectorStagedInCertification"
ALREADY_CERTIFIED = "ConnectorAlreadyCertified"
CONCURRENT_MODIFICATION = "ConcurrentModification"
REFERENCE_NOT_FOUND = "ConnectorReferenceNotFound"
NOT_PREVIEWABLE = "ConnectorStagedNotPreviewable"
UNSUPPORTED_REGION = "DeploymentUnsupportedRegion"

# "content actions (all set*, addPrivateProject, removePrivateProject)": the field
# each plain setter writes, and the payload attribute it takes the value from.
SETTERS: dict[type, tuple[str, str]] = {
    SetName: ("name", "name"),
    SetDescription: ("description", "description"),
    SetSupportedRegions: ("supported_regions", "regions"),
    SetDocumentationUrl: ("documentation_url", "documentation_url"),
    SetIntegrationTypes: ("integration_types", "integration_types"),
    SetCreatorName: ("creator.name", "creator_name"),
    SetCreatorTitle: ("creator.title", "creator_title"),
    SetCreatorEmail: ("creator.email", "creator_email"),
    SetCreatorCompany: ("creator.company", "creator_company"),
    SetCreatorNoOfContributors: ("creator.no_of_contributors", "creator_no_of_contributors"),
    SetCreatorSupportUrl: ("creator.support_url", "creator_support_url"),
    SetCreatorLogo: ("creator.logo_url", "logo_url"),
}
CONTENT = (*SETTERS, SetRepository, AddPrivateProject, RemovePrivateProject)
SERVICE_EVENTS = (
    PublishingSucceeded,
    PublishingFailed,
    CertificationStarted,
    CertificationPassed,
    CertificationFailed,
    PreviewGranted,
    PreviewRejected,
    PreviewCancelled,
)
PREVIEW_EVENTS = (PreviewGranted, PreviewRejected, PreviewCancelled)

# The only error codes lifecycle.md lets each input produce (apply_update adds
# ConcurrentModification). Checked apart from the oracle, as a coarser net.
ALLOWED_ERRORS: dict[type, frozenset[str]] = {
    **{kind: frozenset({INVALID_OPERATION}) for kind in SETTERS},
    SetRepository: frozenset({INVALID_OPERATION, UNDER_PROCESS}),
    AddPrivateProject: frozenset({INVALID_OPERATION, NOT_PRIVATE}),
    RemovePrivateProject: frozenset({INVALID_OPERATION, NOT_PRIVATE}),
    UpdatePreviewable: frozenset({INVALID_OPERATION, UNDER_PROCESS}),
    Publish: frozenset({INVALID_OPERATION, IN_CERTIFICATION, ALREADY_CERTIFIED}),
    Unlist: frozenset({INVALID_OPERATION}),
    AddCertificationComment: frozenset({INVALID_OPERATION}),
    **{kind: frozenset({INVALID_OPERATION}) for kind in SERVICE_EVENTS},
}


# --- The oracle's model ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Model:
    """What the oracle knows of one connector: every field an input can change.

    ``certification_asked`` is the flag of the last accepted publish. The spec
    says when it is set, not when it is forgotten, and it only matters in
    Processing, so it takes no part in comparisons.
    """

    status: str
    is_previewable: str
    private: bool
    certified: bool | None
    already_listed: bool
    has_changes: bool
    published_before: bool
    private_projects: tuple[str, ...]
    repository: tuple[str, str]
    content: dict[str, Any]
    configurations: tuple[Any, ...]
    global_configuration: Any
    api_client: Any
    publishing_report: Any
    previewable_report: Any
    comments: tuple[tuple[str, datetime, str], ...]
    certification_asked: bool = dataclasses.field(default=False, compare=False)


_CREATOR_FIELDS = ("name", "title", "email", "company", "no_of_contributors", "support_url", "logo_url")


def _content(staged: Any) -> dict[str, Any]:
    fields = {name: getattr(staged, name) for name in ("name", "description", "documentation_url")}
    fields |= {f"creator.{name}": getattr(staged.creator, name) for name in _CREATOR_FIELDS}
    return fields


def model_of_draft(draft: ConnectorStagedDraft) -> Model:
    """The resource ``create`` gives, read from lifecycle.md's "Versions and batches"."""
    content = _content(draft)
    content["integration_types"] = (
        (IntegrationType.OTHER,) if draft.integration_types is None else draft.integration_types
    )
    content["supported_regions"] = draft.supported_regions or ()
    if draft.description is None:
        content["description"] = ""  # "a draft without description gives description ''"
    return Model(
        status=DRAFT,
        is_previewable="none",
        private=True,
        certified=None,
        already_listed=False,
        has_changes=False,
        published_before=False,
        private_projects=draft.private_projects or (),
        repository=(draft.repository.url, draft.repository.tag),
        content=content,
        configurations=(),
        global_configuration=None,
        api_client=None,
        publishing_report=None,
        previewable_report=None,
        comments=(),
    )


def observe(staged: ConnectorStaged) -> Model:
    """The library's resource, seen through the oracle's model."""
    content = _content(staged)
    content["integration_types"] = staged.integration_types
    content["supported_regions"] = staged.supported_regions
    info = staged.certification_info
    return Model(
        status=staged.status.value,
        is_previewable=staged.is_previewable.value,
        private=staged.private,
        certified=staged.certified,
        already_listed=staged.already_listed,
        has_changes=staged.has_changes,
        published_before=staged.published_before,
        private_projects=staged.private_projects,
        repository=(staged.repository.url, staged.repository.tag),
        content=content,
        configurations=staged.configurations,
        global_configuration=staged.global_configuration,
        api_client=staged.api_client,
        publishing_report=staged.publishing_report,
        previewable_report=staged.previewable_report,
        comments=tuple((c.user_id, c.datetime, c.comment) for c in info.comments) if info else (),
        certification_asked=staged.certification_requested,
    )


# --- The oracle -------------------------------------------------------------------


def _edit(m: Model, action: Any) -> Model:
    """The model after a content action, before the status rule; *m* itself when nothing changes."""
    if isinstance(action, SetRepository):
        # "setRepository without url keeps the current url and sets the tag"
        url = m.repository[0] if action.url is None else action.url
        if (url, action.tag) == m.repository:
            return m
        # "setRepository that changes url or tag: isPreviewable = none, previewableReport cleared"
        return dataclasses.replace(m, repository=(url, action.tag), is_previewable="none", previewable_report=None)
    if isinstance(action, AddPrivateProject):
        if action.private_project in m.private_projects:
            return m
        return dataclasses.replace(m, private_projects=(*m.private_projects, action.private_project))
    if isinstance(action, RemovePrivateProject):
        if action.private_project not in m.private_projects:
            return m
        kept = tuple(p for p in m.private_projects if p != action.private_project)
        return dataclasses.replace(m, private_projects=kept)
    field, payload = SETTERS[type(action)]
    value = getattr(action, payload)
    if m.content[field] == value:
        return m
    return dataclasses.replace(m, content={**m.content, field: value})


def _connect_yaml(m: Model, event: PublishingSucceeded | PreviewGranted) -> dict[str, Any]:
    """What an event completing a publish or a preview brings from connect.yaml: each given replaces, None keeps."""
    values = {
        "configurations": (event.configurations, m.configurations),
        "global_configuration": (event.global_configuration, m.global_configuration),
        "api_client": (event.api_client, m.api_client),
    }
    return {name: held if brought is None else brought for name, (brought, held) in values.items()}


def oracle(m: Model, event: Any, *, at: datetime = AT, by: str = BY) -> tuple[str | None, Model]:
    """lifecycle.md's answer to *event* on *m*: ``(error code, m)`` or ``(None, the new model)``.

    Checks run in the spec's order: the lifecycle lock, the input's own
    precondition, then the no-op rule.
    """
    s = m.status
    replace = dataclasses.replace

    if isinstance(event, CONTENT):
        if s in (PROCESSING, READY, IN_CERT):
            return INVALID_OPERATION, m
        if isinstance(event, SetRepository) and m.is_previewable == "pending":
            return UNDER_PROCESS, m
        if isinstance(event, (AddPrivateProject, RemovePrivateProject)) and not m.private:
            return NOT_PRIVATE, m
        edited = _edit(m, event)
        if edited == m:
            return None, m
        # "ok -> D" in Published and Failed; hasChanges only once published at least once.
        return None, replace(edited, status=DRAFT, has_changes=True if m.published_before else m.has_changes)

    if isinstance(event, UpdatePreviewable):
        if s == PROCESSING:
            return INVALID_OPERATION, m
        if m.is_previewable == "pending":
            return UNDER_PROCESS, m
        return None, replace(m, is_previewable="pending", previewable_report=None)

    if isinstance(event, Publish):
        if s == PROCESSING:
            return INVALID_OPERATION, m
        if s in (READY, IN_CERT):
            return (IN_CERTIFICATION if event.certification else INVALID_OPERATION), m
        if event.certification and m.certified is True and not m.has_changes:
            return ALREADY_CERTIFIED, m
        return None, replace(m, status=PROCESSING, publishing_report=None, certification_asked=event.certification)

    if isinstance(event, Unlist):
        if s == PROCESSING:
            return INVALID_OPERATION, m
        if not (m.certified is True and m.already_listed):
            return INVALID_OPERATION, m
        return None, replace(m, already_listed=False)

    if isinstance(event, AddCertificationComment):
        if s not in (READY, IN_CERT):
            return INVALID_OPERATION, m
        return None, replace(m, comments=(*m.comments, (by, at, event.comment)))

    if isinstance(event, PublishingSucceeded):
        if s != PROCESSING:
            return INVALID_OPERATION, m
        brought = _connect_yaml(m, event)
        if m.certification_asked:
            return None, replace(m, status=READY, publishing_report=event.report, **brought)
        return None, replace(
            m,
            status=PUBLISHED,
            publishing_report=event.report,
            **brought,
            has_changes=False,
            already_listed=True,
            published_before=True,
            private=True,
            certified=False if m.certified is True else m.certified,
        )

    if isinstance(event, PublishingFailed):
        if s != PROCESSING:
            return INVALID_OPERATION, m
        report = m.publishing_report if event.report is None else event.report
        return None, replace(m, status=FAILED, publishing_report=report)

    if isinstance(event, CertificationStarted):
        if s != READY:
            return INVALID_OPERATION, m
        return None, replace(m, status=IN_CERT)

    if isinstance(event, CertificationPassed):
        if s != IN_CERT:
            return INVALID_OPERATION, m
        report = m.publishing_report if event.report is None else event.report
        return None, replace(
            m,
            status=PUBLISHED,
            publishing_report=report,
            certified=True,
            private=False,
            already_listed=True,
            has_changes=False,
            published_before=True,
        )

    if isinstance(event, CertificationFailed):
        if s != IN_CERT:
            return INVALID_OPERATION, m
        report = m.publishing_report if event.report is None else event.report
        return None, replace(m, status=FAILED, publishing_report=report)

    if isinstance(event, PREVIEW_EVENTS):
        if m.is_previewable != "pending":
            return INVALID_OPERATION, m
        if isinstance(event, PreviewGranted):
            return None, replace(m, is_previewable="true", previewable_report=event.report, **_connect_yaml(m, event))
        if isinstance(event, PreviewRejected):
            return None, replace(m, is_previewable="false", previewable_report=event.report)
        return None, replace(m, is_previewable="none", previewable_report=None)

    raise AssertionError(f"the oracle does not know {event!r}")


def batch_oracle(m: Model, version: int, update: ConnectorUpdate) -> tuple[str | None, Model]:
    """An update request: the version check, then the actions in order; the first error aborts all."""
    if update.version != version:
        return CONCURRENT_MODIFICATION, m
    current = m
    for action in update.actions:
        code, current = oracle(current, action)
        if code is not None:
            return code, m
    return None, current


def deployment_oracle(m: Model, project: str, *, preview: bool) -> str | None:
    """lifecycle.md's "Access and deployment rules", checks in the documented order."""
    listed = project in m.private_projects
    if m.private and not listed:
        return REFERENCE_NOT_FOUND
    if preview and m.is_previewable != "true":
        return NOT_PREVIEWABLE
    if preview and not listed:
        return REFERENCE_NOT_FOUND
    region = project.split(":", 1)[0]
    regions = {r.value for r in m.content["supported_regions"]}
    if regions and region not in regions:
        return UNSUPPORTED_REGION
    if not preview and not m.published_before:
        return REFERENCE_NOT_FOUND
    return None


# --- Strategies for the inputs the statuses wait for ------------------------------

_maybe_report = st.none() | cds.reports()
_maybe_configurations = st.none() | st.lists(cds.configuration_applications(), max_size=1).map(tuple)
_maybe_global_configuration = st.none() | st.builds(
    ConnectorGlobalConfiguration,
    standard_configuration=st.none()
    | st.tuples(st.builds(StandardConfigurationKey, key=st.just("K"), description=st.text(max_size=3))),
)
_maybe_api_client = st.none() | st.builds(
    ConnectorApiClient, scopes=st.lists(st.sampled_from(["manage_project", "view_orders:p"]), max_size=2).map(tuple)
)
_CONNECT_YAML: dict[str, st.SearchStrategy[Any]] = {
    "configurations": _maybe_configurations,
    "global_configuration": _maybe_global_configuration,
    "api_client": _maybe_api_client,
}
_EVENTS: dict[type, st.SearchStrategy[Any]] = {
    PublishingSucceeded: st.builds(PublishingSucceeded, report=_maybe_report, **_CONNECT_YAML),
    PublishingFailed: st.builds(PublishingFailed, report=_maybe_report),
    CertificationStarted: st.just(CertificationStarted()),
    CertificationPassed: st.builds(CertificationPassed, report=_maybe_report),
    CertificationFailed: st.builds(CertificationFailed, report=_maybe_report),
    PreviewGranted: st.builds(PreviewGranted, report=_maybe_report, **_CONNECT_YAML),
    PreviewRejected: st.builds(PreviewRejected, report=_maybe_report),
    PreviewCancelled: st.just(PreviewCancelled()),
}
# What each status waits for, from the matrix's service-event rows.
# Repeats weight the choice towards certification, the longest path.
AWAITED: dict[str, tuple[type, ...]] = {
    PROCESSING: (PublishingSucceeded, PublishingSucceeded, PublishingFailed),
    READY: (CertificationStarted, CertificationStarted, CertificationStarted, AddCertificationComment, Publish),
    IN_CERT: (CertificationPassed, CertificationPassed, CertificationFailed, AddCertificationComment, Publish),
}

# Across a run: how many examples reached each status, how often each error came.
SEEN_STATUSES: Counter[str] = Counter()
SEEN_ERRORS: Counter[str] = Counter()


# --- The machine ----------------------------------------------------------------------


@dataclasses.dataclass
class Tracked:
    """One connector: the library's resource, the oracle's model, and whether a preview was asked."""

    staged: ConnectorStaged
    model: Model
    preview_asked: bool = False


@dataclasses.dataclass(frozen=True)
class Step:
    """One reducer call, kept for the invariants to judge."""

    cid: str
    inputs: tuple[Any, ...]
    batch: bool
    before: ConnectorStaged
    result: ConnectorStaged | DomainError
    expected_code: str | None
    before_model: Model
    expected_model: Model


def _code(result: ConnectorStaged | DomainError | None) -> str | None:
    return result.code if isinstance(result, DomainError) else None


class ConnectorLifecycle(RuleBasedStateMachine):
    """Several connectors, driven by random inputs, each step checked against the oracle."""

    connectors = Bundle("connectors")

    def __init__(self) -> None:
        super().__init__()
        self.tracked: dict[str, Tracked] = {}
        self.step: Step | None = None
        self.statuses: set[str] = {DRAFT}

    # --- creating --------------------------------------------------------------

    def _create(self, draft: ConnectorStagedDraft) -> str:
        cid = f"connector-{len(self.tracked)}"
        staged = create(draft, id=cid)
        assert isinstance(staged, ConnectorStaged)
        assert staged.version == 1
        model = model_of_draft(draft)
        assert observe(staged) == model
        self.tracked[cid] = Tracked(staged, model)
        self.step = None
        return cid

    @initialize(target=connectors, draft=cds.drafts())
    def create_first(self, draft: ConnectorStagedDraft) -> str:
        return self._create(draft)

    @precondition(lambda self: len(self.tracked) < 3)
    @rule(target=connectors, draft=cds.drafts())
    def create_another(self, draft: ConnectorStagedDraft) -> str:
        return self._create(draft)

    # --- driving ------------------------------------------------------------------

    def _apply(self, cid: str, event: Any) -> None:
        tracked = self.tracked[cid]
        result = apply(tracked.staged, event, at=AT, by=BY)
        code, expected = oracle(tracked.model, event)
        self._record(Step(cid, (event,), False, tracked.staged, result, code, tracked.model, expected))

    def _apply_update(self, cid: str, update: ConnectorUpdate) -> None:
        tracked = self.tracked[cid]
        result = apply_update(tracked.staged, update, at=AT, by=BY)
        code, expected = batch_oracle(tracked.model, tracked.staged.version, update)
        self._record(Step(cid, update.actions, True, tracked.staged, result, code, tracked.model, expected))

    def _record(self, step: Step) -> None:
        self.step = step
        tracked = self.tracked[step.cid]
        if isinstance(step.result, DomainError):
            SEEN_ERRORS[step.result.code] += 1
            return
        # Carry the oracle's own model forward, never the library's reading of it.
        tracked.model = step.expected_model
        tracked.staged = step.result
        if step.result.is_previewable is IsPreviewable.PENDING:
            tracked.preview_asked = tracked.preview_asked or any(isinstance(x, UpdatePreviewable) for x in step.inputs)
        else:
            tracked.preview_asked = False
        self.statuses.add(step.result.status.value)

    @rule(cid=connectors, action=cds.update_actions())
    def any_action(self, cid: str, action: Any) -> None:
        """Any update action, whether the status accepts it or not."""
        self._apply(cid, action)

    @rule(cid=connectors, event=cds.service_events())
    def any_service_event(self, cid: str, event: Any) -> None:
        """Any service event, whether the status accepts it or not."""
        self._apply(cid, event)

    @rule(cid=connectors, certification=st.sampled_from([True, True, False]))
    def publish(self, cid: str, certification: bool) -> None:
        """A publish request, mostly asking for certification (the longer path)."""
        self._apply(cid, Publish(certification=certification))

    def _in_status(self, *statuses: str) -> list[str]:
        return [cid for cid, tracked in self.tracked.items() if tracked.model.status in statuses]

    @precondition(lambda self: self._in_status(PROCESSING))
    @rule(data=st.data())
    def publishing_outcome(self, data: st.DataObject) -> None:
        """The service's answer to a publish request, for a connector in Processing."""
        cid = data.draw(st.sampled_from(self._in_status(PROCESSING)))
        kind = data.draw(st.sampled_from(AWAITED[PROCESSING]))
        self._apply(cid, data.draw(_EVENTS[kind]))

    @precondition(lambda self: self._in_status(READY, IN_CERT))
    @rule(data=st.data())
    def certification_step(self, data: st.DataObject) -> None:
        """The certification team's next move, a comment, or a creator publishing again too early."""
        cid = data.draw(st.sampled_from(self._in_status(READY, IN_CERT)))
        kind = data.draw(st.sampled_from(AWAITED[self.tracked[cid].model.status]))
        event: Any
        if kind is Publish:
            event = Publish(certification=data.draw(st.booleans()))
        elif kind is AddCertificationComment:
            event = AddCertificationComment(comment=data.draw(st.text(max_size=8)))
        else:
            event = data.draw(_EVENTS[kind])
        self._apply(cid, event)

    @precondition(lambda self: self._in_status(DRAFT, PUBLISHED, FAILED))
    @rule(data=st.data(), passes=st.sampled_from([True, True, False]))
    def certification_round(self, data: st.DataObject, passes: bool) -> None:
        """publish(certification=true), then the service's events up to the verdict, each step checked."""
        cid = data.draw(st.sampled_from(self._in_status(DRAFT, PUBLISHED, FAILED)))
        verdict = CertificationPassed() if passes else CertificationFailed()
        for event in (Publish(certification=True), PublishingSucceeded(), CertificationStarted(), verdict):
            self._apply(cid, event)
            self.check_step()
            assert self.step is not None
            if isinstance(self.step.result, DomainError):
                break

    def _certified(self) -> list[str]:
        return [cid for cid, tracked in self.tracked.items() if tracked.model.certified is True]

    @precondition(lambda self: self._certified())
    @rule(data=st.data())
    def after_certification(self, data: st.DataObject) -> None:
        """The inputs whose preconditions read certified, private and hasChanges, on a certified connector."""
        cid = data.draw(st.sampled_from(self._certified()))
        project = data.draw(cds.project_identifiers())
        event = data.draw(
            st.sampled_from(
                [
                    Publish(certification=True),
                    Publish(certification=False),
                    Unlist(),
                    AddPrivateProject(private_project=project),
                    RemovePrivateProject(private_project=project),
                ]
            )
        )
        self._apply(cid, event)

    @rule(cid=connectors, data=st.data())
    def preview(self, cid: str, data: st.DataObject) -> None:
        """Ask for a preview; or, while one is pending, answer it, ask again or move the repository."""
        event: Any
        if self.tracked[cid].model.is_previewable == "pending":
            kind = data.draw(st.sampled_from((*PREVIEW_EVENTS, UpdatePreviewable, SetRepository)))
            if kind is SetRepository:
                repository = self.tracked[cid].staged.repository
                same = st.just(SetRepository(url=repository.url, tag=repository.tag))
                moved = st.builds(SetRepository, url=st.none() | cds.repository_urls(), tag=st.just("v2"))
                event = data.draw(same | moved)
            elif kind is UpdatePreviewable:
                event = UpdatePreviewable()
            else:
                event = data.draw(_EVENTS[kind])
        else:
            event = UpdatePreviewable()
        self._apply(cid, event)

    @rule(cid=connectors, data=st.data(), add=st.booleans())
    def private_project(self, cid: str, data: st.DataObject, add: bool) -> None:
        """Add or remove a private project, present or not."""
        present = self.tracked[cid].staged.private_projects
        project = data.draw(
            st.sampled_from(present) | cds.project_identifiers() if present else cds.project_identifiers()
        )
        self._apply(
            cid, AddPrivateProject(private_project=project) if add else RemovePrivateProject(private_project=project)
        )

    @rule(cid=connectors, data=st.data())
    def same_value_action(self, cid: str, data: st.DataObject) -> None:
        """A content action that sets what is already there: a no-op where accepted."""
        self._apply(cid, data.draw(st.sampled_from(cds.same_value_actions(self.tracked[cid].staged))))

    @rule(
        cid=connectors,
        offset=st.sampled_from([0, 0, 0, -1, 1, 7]),
        data=st.data(),
        size=st.integers(1, 4),
    )
    def update_request(self, cid: str, offset: int, data: st.DataObject, size: int) -> None:
        """An update request with 1-4 actions and a right or stale version."""
        staged = self.tracked[cid].staged
        same = st.sampled_from(cds.same_value_actions(staged))
        actions = data.draw(st.lists(cds.update_actions() | same, min_size=size, max_size=size))
        self._apply_update(cid, ConnectorUpdate(version=staged.version + offset, actions=tuple(actions)))

    @rule(cid=connectors, data=st.data(), preview=st.booleans())
    def deployment(self, cid: str, data: st.DataObject, preview: bool) -> None:
        """check_deployment agrees with the oracle's reading of the access rules."""
        self.step = None
        tracked = self.tracked[cid]
        candidates = cds.project_identifiers()
        if tracked.staged.private_projects:
            candidates = st.sampled_from(tracked.staged.private_projects) | candidates
        project = data.draw(candidates)
        error = check_deployment(tracked.staged, project, preview=preview)
        assert _code(error) == deployment_oracle(tracked.model, project, preview=preview)

    def teardown(self) -> None:
        """Count the statuses this example reached."""
        SEEN_STATUSES.update(self.statuses)

    # --- invariants ------------------------------------------------------------

    def check_step(self) -> None:
        """Every invariant, for a rule that makes several steps (Hypothesis checks after each rule)."""
        self.agrees_with_the_oracle()
        self.version_rises_by_one_exactly_when_something_changed()
        self.errors_are_those_the_spec_allows()
        self.processing_accepts_no_update_action()
        self.pending_only_follows_update_previewable()
        self.public_implies_certified()
        self.record_and_wire_forms_round_trip()

    @invariant()
    def agrees_with_the_oracle(self) -> None:
        """Error code, status, previewability and every modelled field are the oracle's."""
        step = self.step
        if step is None:
            return
        assert _code(step.result) == step.expected_code, (step.inputs, step.before.status, step.result)
        after = step.before if isinstance(step.result, DomainError) else step.result
        assert observe(after) == step.expected_model

    @invariant()
    def version_rises_by_one_exactly_when_something_changed(self) -> None:
        """A changed resource has version + 1; an unchanged one is the very same object."""
        step = self.step
        if step is None or isinstance(step.result, DomainError):
            return
        before, after = step.before, step.result
        changed = attrs.evolve(after, version=before.version) != before
        assert after.version == before.version + changed
        if not changed:
            assert after is before
        # and the oracle agrees on whether anything changed
        assert changed == (step.expected_model != step.before_model)

    @invariant()
    def errors_are_those_the_spec_allows(self) -> None:
        """Each input fails only with the codes lifecycle.md names for it."""
        step = self.step
        if step is None or not isinstance(step.result, DomainError):
            return
        allowed = set().union(*(ALLOWED_ERRORS[type(x)] for x in step.inputs))
        if step.batch:
            allowed.add(CONCURRENT_MODIFICATION)
        assert step.result.code in allowed

    @invariant()
    def processing_accepts_no_update_action(self) -> None:
        """Every update action in Processing is an InvalidOperation."""
        step = self.step
        if step is None or step.before.status.value != PROCESSING or isinstance(step.inputs[0], SERVICE_EVENTS):
            return
        if step.batch and isinstance(step.result, DomainError) and step.result.code == CONCURRENT_MODIFICATION:
            return
        assert isinstance(step.result, DomainError)
        assert step.result.code == INVALID_OPERATION

    @invariant()
    def pending_only_follows_update_previewable(self) -> None:
        """isPreviewable is pending only after an accepted updatePreviewable."""
        for tracked in self.tracked.values():
            if tracked.staged.is_previewable is IsPreviewable.PENDING:
                assert tracked.preview_asked

    @invariant()
    def public_implies_certified(self) -> None:
        """In states reached from create, private false implies certified true."""
        for tracked in self.tracked.values():
            assert tracked.staged.private or tracked.staged.certified is True

    @invariant()
    def record_and_wire_forms_round_trip(self) -> None:
        """The record form is lossless; the wire form derives the two record fields as documented."""
        if self.step is None:
            return
        staged = self.tracked[self.step.cid].staged
        assert codec.from_record(codec.to_record(staged), ConnectorStaged) == staged
        derived = attrs.evolve(
            staged,
            certification_requested=False,
            published_before=bool(staged.already_listed or staged.certified),
        )
        assert codec.from_wire(codec.to_wire(staged), ConnectorStaged) == derived


# Fifty steps an example: half the active profile's examples (200 under "ci", 30 by default).
_PROFILE = settings()
TestConnectorLifecycle = ConnectorLifecycle.TestCase
TestConnectorLifecycle.settings = settings(
    max_examples=max(_PROFILE.max_examples // 2, 1), stateful_step_count=50, deadline=None
)


# --- The machine's reach, and one walk through every status -------------------------


class TestCoverage:
    """The machine reaches what it claims to test, and the oracle walks the whole lifecycle."""

    def test_the_machine_reaches_every_status_and_error(self) -> None:
        """A short, derandomized run reaches every status in several examples, and every lifecycle error."""
        SEEN_STATUSES.clear()
        SEEN_ERRORS.clear()
        # Derandomized runs are the same on every run, but not across Hypothesis versions. Over
        # random seeds, 30 examples missed the rarest error (ConnectorStagedInCertification) in
        # about 1 run of 10, as the derandomized run of Hypothesis 6.100.3 did; 60 missed it in
        # 1 of 60 (Hypothesis 6.100.3 and 6.170).
        run_state_machine_as_test(
            ConnectorLifecycle,
            settings=settings(max_examples=60, stateful_step_count=50, deadline=None, derandomize=True, database=None),
        )
        assert {status for status, examples in SEEN_STATUSES.items() if examples >= 3} == set(STATUSES), SEEN_STATUSES
        lifecycle_errors = {
            INVALID_OPERATION,
            NOT_PRIVATE,
            UNDER_PROCESS,
            IN_CERTIFICATION,
            ALREADY_CERTIFIED,
            CONCURRENT_MODIFICATION,
        }
        assert set(SEEN_ERRORS) == lifecycle_errors, SEEN_ERRORS

    def test_every_status_in_lockstep(self) -> None:
        """One connector goes D->P->R->I->Pub->D->P->R->I->F->D->P->F->P->Pub, library and oracle in step."""
        draft = ConnectorStagedDraft(
            key="lockstep",
            name="Lockstep",
            creator=Creator(email="a@example.com"),
            repository=Repository(url="https://github.com/owner/repo", tag="v1"),
            private_projects=("europe-west1.gcp:shop",),
        )
        staged = create(draft, id="lockstep-id")
        assert isinstance(staged, ConnectorStaged)
        model = model_of_draft(draft)
        walk: list[tuple[Any, str | None, str]] = [
            (UpdatePreviewable(), None, DRAFT),
            (SetRepository(url="https://github.com/owner/repo", tag="v1"), UNDER_PROCESS, DRAFT),
            (PreviewGranted(), None, DRAFT),
            (Publish(certification=True), None, PROCESSING),
            (SetName(name="locked"), INVALID_OPERATION, PROCESSING),
            (PublishingSucceeded(), None, READY),
            (Publish(certification=True), IN_CERTIFICATION, READY),
            (Publish(certification=False), INVALID_OPERATION, READY),
            (CertificationStarted(), None, IN_CERT),
            (AddCertificationComment(comment="looks good"), None, IN_CERT),
            (CertificationPassed(), None, PUBLISHED),
            (Publish(certification=True), ALREADY_CERTIFIED, PUBLISHED),
            (AddPrivateProject(private_project="europe-west1.gcp:other"), NOT_PRIVATE, PUBLISHED),
            (SetName(name="Lockstep"), None, PUBLISHED),  # same value: no new draft
            (SetName(name="Lockstep 2"), None, DRAFT),
            (Publish(certification=True), None, PROCESSING),
            (PublishingSucceeded(), None, READY),
            (CertificationStarted(), None, IN_CERT),
            (CertificationFailed(), None, FAILED),
            (Unlist(), None, FAILED),
            (SetDescription(description="new"), None, DRAFT),
            (Publish(certification=False), None, PROCESSING),
            (PublishingFailed(), None, FAILED),
            (Publish(certification=False), None, PROCESSING),
            (PublishingSucceeded(), None, PUBLISHED),
        ]
        seen = set()
        for event, code, status in walk:
            expected_code, expected = oracle(model, event)
            result = apply(staged, event, at=AT, by=BY)
            assert (expected_code, expected.status) == (code, status), event
            assert _code(result) == code, event
            if code is None:
                assert isinstance(result, ConnectorStaged)
                staged, model = result, expected
            assert observe(staged) == model, event
            seen.add(staged.status.value)
        assert seen == set(STATUSES)
        # the private publish after certification: private again, not certified, still listed
        assert (staged.private, staged.certified, staged.already_listed) == (True, False, True)
        assert check_deployment(staged, "europe-west1.gcp:shop") is None
        assert _code(check_deployment(staged, "europe-west1.gcp:elsewhere")) == REFERENCE_NOT_FOUND
