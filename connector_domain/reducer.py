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

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, TypeAlias

import attrs

from . import lifecycle
from ._machine import Changes, changed, check_version, committed, replacer, settled, trusted
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
_not_private: Final = trusted(ConnectorStagedNotPrivate)


# --- create --------------------------------------------------------------------


def create(draft: ConnectorStagedDraft, *, id: str) -> ConnectorStaged:
    """Create the ConnectorStaged that ``POST /connectors/drafts`` answers with.

    Version 1, status Draft, ``isPreviewable`` ``none``, ``private`` true,
    ``hasChanges`` and ``alreadyListed`` false, no ``certified`` field and no
    configurations yet (``created-draft.json``). Absent ``integrationTypes``
    become ``["other"]`` (an explicit ``[]`` stays); absent
    ``supportedRegions`` and ``privateProjects`` become ``[]``; an absent
    ``description`` becomes ``""`` (the resource type requires it).

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
        description="" if draft.description is None else draft.description,
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
    if isinstance(event, AddCertificationComment):  # the one input that needs them (a call fewer for the others)
        at = _time_and_author(event, at, by)
    changes = _changes(staged, event, at, by)
    if isinstance(changes, DomainError):
        return changes
    return committed(staged, changes, _replace)


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
    actions = update.actions
    start = 0
    while start < len(actions):
        action = actions[start]
        if type(action) in _PROJECT_ACTIONS:
            # A run of addPrivateProject and removePrivateProject applies in one pass,
            # linear in its length, where one at a time would copy the list for each.
            end = start + 1
            while end < len(actions) and type(actions[end]) in _PROJECT_ACTIONS:
                end += 1
            changes = _project_run(current, actions[start:end])  # type: ignore[arg-type]
            start = end
        else:
            changes = _changes(current, action, at, by)
            start += 1
        if isinstance(changes, DomainError):
            return changes
        if changes:
            current = _replace(current, changes)
    return settled(staged, current, _replace)


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
    return _moved(staged, move, changes, edited=bool(changes))


def _moved(staged: ConnectorStaged, move: lifecycle.Move, changes: Changes, *, edited: bool) -> Changes:
    """*changes*, with where *move* leads: an edit leads there only if it *edited* something."""
    if move.key is lifecycle.EDIT:
        if not edited:
            return {}
        if staged.published_before:
            changes["has_changes"] = True
    if move.status is not staged.status:
        changes["status"] = move.status
    if move.is_previewable is not staged.is_previewable:
        changes["is_previewable"] = move.is_previewable
    return changes


_ProjectAction: TypeAlias = "AddPrivateProject | RemovePrivateProject"
_PROJECT_ACTIONS: Final = frozenset({AddPrivateProject, RemovePrivateProject})


def _project_run(staged: ConnectorStaged, run: tuple[_ProjectAction, ...]) -> Changes | DomainError:
    """What a run of private-project actions changes, as if applied one at a time.

    One lock for the run: each of them is an edit, and an edit leads where
    an edit is accepted and leads to itself (a test checks the tables for
    it), so every action of the run meets the lock the first one meets. And
    the run moves the resource (``hasChanges``, a new draft) if one of its
    actions changed the list, even if a later one changed it back, as one
    at a time would.
    """
    move = lifecycle.target(staged, run[0])
    if isinstance(move, DomainError):
        return move
    result = _private_projects(staged, run)
    if isinstance(result, DomainError):
        return result
    projects, edited = result
    return _moved(staged, move, changed(staged, {"private_projects": projects}), edited=edited)


def _private_projects(
    staged: ConnectorStaged, run: Sequence[_ProjectAction]
) -> tuple[tuple[str, ...], bool] | DomainError:
    """``privateProjects`` after *run*, in order, and whether any action changed it; the precondition's error.

    ``addPrivateProject`` appends a project that is not there; ``removePrivateProject``
    removes every occurrence. One pass: each project remembers the action
    that added it last, and an entry of the list counts only if it is that one.
    """
    if not staged.private:
        return _not_private(staged.id, staged.key)
    entries = [(project, 0) for project in staged.private_projects]
    added = dict.fromkeys(staged.private_projects, 0)
    edited = False
    for number, action in enumerate(run, 1):
        project = action.private_project
        if isinstance(action, AddPrivateProject):
            if project in added:
                continue
            added[project] = number
            entries.append((project, number))
        elif added.pop(project, None) is None:
            continue
        edited = True
    if not edited:
        return staged.private_projects, False
    return tuple(project for project, number in entries if added.get(project) == number), True


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
    url = staged.repository.url if action.url is None else action.url
    repository = Repository(url=url, tag=action.tag)
    if repository == staged.repository:
        return {}
    return {"repository": repository, "is_previewable": previewable, "previewable_report": None}


def _private_project(staged: ConnectorStaged, action: _ProjectAction, _at: Any, _by: Any) -> Changes | DomainError:
    result = _private_projects(staged, (action,))
    return result if isinstance(result, DomainError) else {"private_projects": result[0]}


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


#: What the events completing a publish or a preview may bring from ``connect.yaml``:
#: the same names on the event and on the ConnectorStaged.
_CONNECT_YAML: Final = ("configurations", "global_configuration", "api_client")


def _connect_yaml(event: PublishingSucceeded | PreviewGranted) -> Changes:
    """Each ``connect.yaml`` field *event* brings replaces the connector's; an absent one (None) leaves it.

    Not an edit: the service read them, the creator did not write them. The
    no-op rule (``changed``) and the version rule (``committed``) apply as
    to every other field.
    """
    return {name: value for name in _CONNECT_YAML if (value := getattr(event, name)) is not None}


def _publishing_succeeded(staged: ConnectorStaged, event: PublishingSucceeded, _at: Any, _by: Any) -> Changes:
    changes = {"certification_requested": False, **_report("publishing_report", event), **_connect_yaml(event)}
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
    return {"previewable_report": event.report, **_connect_yaml(event)}


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
    AddPrivateProject: _private_project,
    RemovePrivateProject: _private_project,
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
