"""The pure reducer: ``create``, ``apply`` and ``apply_update``.

Every check runs here, once, in the order of ``lifecycle.md``:

1. parsing happened before (an action cannot be built invalid);
2. the version (``apply_update`` only) -> ``ConcurrentModification``;
3. for each input: the lifecycle lock (a lookup in ``lifecycle``), then the
   input's own precondition (its handler), then the no-op rule (an input that
   would change nothing changes nothing, version included).

Handlers return the fields an input sets, or an error; never the status or
the version, and ``isPreviewable`` only for the coupling that ``lifecycle``
names. The reducer drops the fields that would not change, adds the status
and previewability targets the tables give, and commits with one ``evolve``.
No clock, no I/O: time (``at``) and author (``by``) are arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final, TypeAlias

import attrs

from . import lifecycle
from ._machine import Changes, changed, replacer
from .actions import (
    AddCertificationComment,
    AddPrivateProject,
    ConnectorUpdate,
    Publish,
    RemovePrivateProject,
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
)
from .errors import (
    ConcurrentModification,
    ConnectorAlreadyCertified,
    ConnectorStagedNotPrivate,
    DomainError,
    InvalidOperation,
)
from .events import (
    CertificationFailed,
    CertificationPassed,
    CertificationStarted,
    Input,
    PreviewCancelled,
    PreviewGranted,
    PreviewRejected,
    PublishingFailed,
    PublishingSucceeded,
)
from .model import (
    CertificationInfo,
    CertificationInfoComment,
    ConnectorStaged,
    ConnectorStagedDraft,
    ConnectorStatus,
    IntegrationType,
    IsPreviewable,
    Repository,
    utc_millisecond,
)

__all__ = ["apply", "apply_update", "check_version", "create"]

_Handler: TypeAlias = Callable[[ConnectorStaged, Any, datetime | None, str | None], "Changes | DomainError"]


_replace: Final = replacer(ConnectorStaged)


# --- create --------------------------------------------------------------------


def create(draft: ConnectorStagedDraft, *, id: str) -> ConnectorStaged:
    """Create the ConnectorStaged that ``POST /connectors/drafts`` answers with.

    Version 1, status Draft, ``isPreviewable`` ``none``, ``private`` true,
    ``hasChanges`` and ``alreadyListed`` false, no ``certified`` field and no
    configurations yet (``created-draft.json``). Absent ``integrationTypes``
    become ``["other"]`` (an explicit ``[]`` stays); absent
    ``supportedRegions`` and ``privateProjects`` become ``[]``.

    The draft was checked when it was built, and key uniqueness belongs to
    the store (which answers ``DuplicateField`` itself), so a draft is never
    refused here. An empty ``id`` is a programming error (``ValueError``).
    """
    if not isinstance(id, str) or not id:
        raise ValueError("id must be a non-empty string")
    return ConnectorStaged(
        id=id,
        key=draft.key,
        version=1,
        name=draft.name,
        description=draft.description,
        integration_types=(IntegrationType.OTHER,) if draft.integration_types is None else draft.integration_types,
        creator=draft.creator,
        repository=draft.repository,
        configurations=(),
        private=True,
        private_projects=draft.private_projects or (),
        supported_regions=draft.supported_regions or (),
        status=ConnectorStatus.DRAFT,
        already_listed=False,
        has_changes=False,
        is_previewable=IsPreviewable.NONE,
        documentation_url=draft.documentation_url,
        published_before=False,
    )


# --- apply -----------------------------------------------------------------------


def apply(
    staged: ConnectorStaged,
    event: Input,
    *,
    at: datetime | None = None,
    by: str | None = None,
) -> ConnectorStaged | DomainError:
    """Apply one update action or service event to *staged*.

    Returns the new resource (version + 1) when something changed, *staged*
    itself when nothing did, or the ``DomainError`` that refuses the input.
    ``at`` (an aware datetime, kept to the millisecond in UTC) and ``by`` (the
    acting project key or user) are needed by ``addCertificationComment``
    only; without both it raises ``ValueError`` before any check.
    """
    at = _time_and_author(event, at, by)
    changes = _changes(staged, event, at, by)
    if isinstance(changes, DomainError):
        return changes
    if not changes:
        return staged
    changes["version"] = staged.version + 1
    return _replace(staged, changes)


def apply_update(
    staged: ConnectorStaged,
    update: ConnectorUpdate,
    *,
    at: datetime | None = None,
    by: str | None = None,
) -> ConnectorStaged | DomainError:
    """Apply an update request (``ConnectorUpdate``) atomically.

    ``version`` must equal the resource's, else ``ConcurrentModification``.
    The actions apply in order; the first error aborts the whole request and
    is returned. A request whose net result differs from *staged* adds exactly
    1 to the version; otherwise *staged* itself is returned.
    """
    for action in update.actions:
        at = _time_and_author(action, at, by)
    stale = check_version(staged, update.version)
    if stale is not None:
        return stale
    current = staged
    for action in update.actions:
        changes = _changes(current, action, at, by)
        if isinstance(changes, DomainError):
            return changes
        if changes:
            current = _replace(current, changes)
    if current is staged or current == staged:
        return staged
    return _replace(current, {"version": staged.version + 1})


def _time_and_author(event: Input, at: datetime | None, by: str | None) -> datetime | None:
    """Check ``at`` and ``by`` for an input that needs them; ``at`` in UTC, to the millisecond."""
    if not isinstance(event, AddCertificationComment):
        return at
    if at is None or by is None:
        raise ValueError("addCertificationComment needs both at (the time) and by (the author)")
    return utc_millisecond(at)


def _changes(staged: ConnectorStaged, event: Input, at: datetime | None, by: str | None) -> Changes | DomainError:
    """The fields *event* changes on *staged* (empty for a no-op), or the error refusing it."""
    # a. the lifecycle lock: one lookup in the tables
    move = lifecycle.target(staged, event)
    if isinstance(move, DomainError):
        return move
    # b. the input's own precondition, and the fields it sets
    wanted = _HANDLERS[type(event)](staged, event, at, by)
    if isinstance(wanted, DomainError):
        return wanted
    # c. the no-op rule: keep only what differs
    changes = changed(staged, wanted)
    if move.key is lifecycle.EDIT:
        if not changes:
            return changes
        if staged.published_before:
            changes["has_changes"] = True
    if move.status is not staged.status:
        changes["status"] = move.status
    if move.is_previewable is not staged.is_previewable:
        changes["is_previewable"] = move.is_previewable
    return changes


def check_version(resource: ConnectorStaged, version: int) -> ConcurrentModification | None:
    """The error refusing a request that expects *version* of *resource* (update, delete), or None."""
    if version != resource.version:
        return ConcurrentModification(resource.id, resource.key, version, resource.version)
    return None


# --- Handlers: the fields each input sets, or its precondition's error ----------


def _creator(field: str, payload: str) -> _Handler:
    def handler(staged: ConnectorStaged, action: Any, _at: datetime | None, _by: str | None) -> Changes:
        return {"creator": attrs.evolve(staged.creator, **{field: getattr(action, payload)})}

    return handler


def _field(field: str, payload: str | None = None) -> _Handler:
    def handler(_staged: ConnectorStaged, action: Any, _at: datetime | None, _by: str | None) -> Changes:
        return {field: getattr(action, payload or field)}

    return handler


def _set_repository(staged: ConnectorStaged, action: SetRepository, _at: Any, _by: Any) -> Changes | DomainError:
    previewable = lifecycle.repository_change_previewable(staged.is_previewable)
    if not isinstance(previewable, IsPreviewable):
        return previewable()
    repository = Repository(url=action.url, tag=action.tag)
    if repository == staged.repository:
        return {}
    return {"repository": repository, "is_previewable": previewable, "previewable_report": None}


def _add_private_project(
    staged: ConnectorStaged, action: AddPrivateProject, _at: Any, _by: Any
) -> Changes | DomainError:
    if not staged.private:
        return ConnectorStagedNotPrivate(staged.id, staged.key)
    if action.private_project in staged.private_projects:
        return {}
    return {"private_projects": (*staged.private_projects, action.private_project)}


def _remove_private_project(
    staged: ConnectorStaged, action: RemovePrivateProject, _at: Any, _by: Any
) -> Changes | DomainError:
    if not staged.private:
        return ConnectorStagedNotPrivate(staged.id, staged.key)
    return {"private_projects": tuple(p for p in staged.private_projects if p != action.private_project)}


def _update_previewable(_staged: ConnectorStaged, _action: UpdatePreviewable, _at: Any, _by: Any) -> Changes:
    return {"previewable_report": None}


def _publish(staged: ConnectorStaged, action: Publish, _at: Any, _by: Any) -> Changes | DomainError:
    if action.certification and staged.certified and not staged.has_changes:
        return ConnectorAlreadyCertified()
    return {"publishing_report": None, "certification_requested": action.certification}


def _unlist(staged: ConnectorStaged, _action: Unlist, _at: Any, _by: Any) -> Changes | DomainError:
    if not (staged.certified and staged.already_listed):
        return InvalidOperation("unlist", staged.status, "Only a certified and listed Connector can be unlisted")
    return {"already_listed": False}


def _add_certification_comment(
    staged: ConnectorStaged, action: AddCertificationComment, at: datetime | None, by: str | None
) -> Changes:
    assert at is not None and by is not None  # checked by _time_and_author before any check
    comment = CertificationInfoComment(user_id=by, datetime=at, comment=action.comment)
    previous = staged.certification_info.comments if staged.certification_info else ()
    return {"certification_info": CertificationInfo(comments=(*previous, comment))}


def _report(field: str, event: Any) -> Changes:
    """``field`` = the event's report when it brings one, else unchanged."""
    return {} if event.report is None else {field: event.report}


def _configurations(event: PublishingSucceeded | PreviewGranted) -> Changes:
    return {} if event.configurations is None else {"configurations": event.configurations}


def _publishing_succeeded(staged: ConnectorStaged, event: PublishingSucceeded, _at: Any, _by: Any) -> Changes:
    changes = {"certification_requested": False, **_report("publishing_report", event), **_configurations(event)}
    if staged.certification_requested:
        return changes  # -> ReadyForCertification: no production Connector yet
    # -> Published after publish(certification=false): the connector is private,
    # and the new production version is not certified.
    certified = {"certified": False} if staged.certified else {}
    return {
        **changes,
        **certified,
        "private": True,
        "has_changes": False,
        "already_listed": True,
        "published_before": True,
    }


def _publishing_failed(_staged: ConnectorStaged, event: PublishingFailed, _at: Any, _by: Any) -> Changes:
    return {"certification_requested": False, **_report("publishing_report", event)}


def _certification_started(_staged: ConnectorStaged, _event: CertificationStarted, _at: Any, _by: Any) -> Changes:
    return {}


def _certification_passed(_staged: ConnectorStaged, event: CertificationPassed, _at: Any, _by: Any) -> Changes:
    return {
        **_report("publishing_report", event),
        "certified": True,
        "private": False,
        "already_listed": True,
        "has_changes": False,
        "published_before": True,
    }


def _certification_failed(_staged: ConnectorStaged, event: CertificationFailed, _at: Any, _by: Any) -> Changes:
    return _report("publishing_report", event)


def _preview_granted(_staged: ConnectorStaged, event: PreviewGranted, _at: Any, _by: Any) -> Changes:
    return {"previewable_report": event.report, **_configurations(event)}


def _preview_rejected(_staged: ConnectorStaged, event: PreviewRejected, _at: Any, _by: Any) -> Changes:
    return {"previewable_report": event.report}


def _preview_cancelled(_staged: ConnectorStaged, _event: PreviewCancelled, _at: Any, _by: Any) -> Changes:
    return {"previewable_report": None}


_HANDLERS: Final[Mapping[type, _Handler]] = {
    SetName: _field("name"),
    SetDescription: _field("description"),
    SetRepository: _set_repository,
    SetSupportedRegions: _field("supported_regions", "regions"),
    SetDocumentationUrl: _field("documentation_url"),
    SetIntegrationTypes: _field("integration_types"),
    SetCreatorName: _creator("name", "creator_name"),
    SetCreatorTitle: _creator("title", "creator_title"),
    SetCreatorEmail: _creator("email", "creator_email"),
    SetCreatorCompany: _creator("company", "creator_company"),
    SetCreatorNoOfContributors: _creator("no_of_contributors", "creator_no_of_contributors"),
    SetCreatorSupportUrl: _creator("support_url", "creator_support_url"),
    SetCreatorLogo: _creator("logo_url", "logo_url"),
    AddPrivateProject: _add_private_project,
    RemovePrivateProject: _remove_private_project,
    UpdatePreviewable: _update_previewable,
    Publish: _publish,
    Unlist: _unlist,
    AddCertificationComment: _add_certification_comment,
    PublishingSucceeded: _publishing_succeeded,
    PublishingFailed: _publishing_failed,
    CertificationStarted: _certification_started,
    CertificationPassed: _certification_passed,
    CertificationFailed: _certification_failed,
    PreviewGranted: _preview_granted,
    PreviewRejected: _preview_rejected,
    PreviewCancelled: _preview_cancelled,
}
