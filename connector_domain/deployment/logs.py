"""The logs query of a Deployment, as a pure function: ``query_logs``.

``GET /{projectKey}/deployments/{id}/logs`` (deployments.md, "Queries and
logs"; facts, the ``deploymentLogs`` resource type). The caller keeps the
entries and passes them with the Deployment, and the time: no clock here.
Checks, in order, the first failure winning:

1. ``applicationName`` that the Deployment does not have ->
   ``DeploymentApplicationDoesNotExist``; none, for a Deployment in an AWS
   region -> ``DeploymentLogMissingApplicationName`` (facts: "AWS
   deployments without ``applicationName``");
2. ``endDate`` before ``startDate``, or a ``startDate`` more than
   ``MAX_AGE`` (30 days) before now -> ``DeploymentLogInvalidDate``;
3. a ``pageToken`` that this function did not issue for this Deployment ->
   ``DeploymentLogInvalidPageToken``.

Entries come in their order (oldest first), ``page_size`` a page. A cursor
is opaque to clients: the position of the page's first entry and the
Deployment's id, in URL-safe base64. ``next`` is absent on the last page
(deployments.md, decision).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from ..errors import (
    DeploymentApplicationDoesNotExist,
    DeploymentLogInvalidDate,
    DeploymentLogInvalidPageToken,
    DeploymentLogMissingApplicationName,
    DomainError,
)
from .model import Deployment, DeploymentLog, DeploymentLogCursorPagedQueryResponse

__all__ = ["MAX_AGE", "PAGE_SIZE", "query_logs"]

#: How far back ``startDate`` may go (facts: "may be up to 30 days in the past").
MAX_AGE: Final = timedelta(days=30)
#: Entries per page (the reference has no page size parameter; decision).
PAGE_SIZE: Final = 20


def _token(deployment_id: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{position}:{deployment_id}".encode()).decode("ascii").rstrip("=")


def _position(token: str, deployment_id: str, size: int) -> int | None:
    """The position *token* names in entries of *size*, or None when it is no cursor of ours."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    position, _, id = text.partition(":")
    if id != deployment_id or not position.isascii() or not position.isdigit() or len(position) > 19:
        return None
    value = int(position)
    # Only the tokens a page gives: a later page that has entries; ``0`` would be the first page's.
    if not 0 < value < size or _token(deployment_id, value) != token:
        return None
    return value


def query_logs(
    deployment: Deployment,
    entries: Sequence[DeploymentLog],
    *,
    now: datetime,
    application_name: str | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    page_token: str | None = None,
    page_size: int = PAGE_SIZE,
) -> DeploymentLogCursorPagedQueryResponse | DomainError:
    """One page of *deployment*'s log *entries* that match the filters, or the first check they fail.

    *now* is the caller's time (for the 30 days of ``startDate``); dates are
    aware datetimes; ``start_date`` and ``end_date`` include their bounds.
    ``ValueError`` for a ``page_size`` below 1.
    """
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, got {page_size}")
    names = {application.application_name for application in deployment.applications}
    if application_name is not None and application_name not in names:
        return DeploymentApplicationDoesNotExist(application_name)
    if application_name is None and deployment.deployed_region.value.endswith(".aws"):
        return DeploymentLogMissingApplicationName()
    if start_date is not None and (start_date < now - MAX_AGE or (end_date is not None and end_date < start_date)):
        return DeploymentLogInvalidDate()
    matching = [
        entry
        for entry in entries
        if (application_name is None or entry.application_name == application_name)
        and (start_date is None or entry.timestamp >= start_date)
        and (end_date is None or entry.timestamp <= end_date)
    ]
    first = 0
    if page_token is not None:
        position = _position(page_token, deployment.id, len(matching))
        if position is None:
            return DeploymentLogInvalidPageToken(page_token)
        first = position
    last = first + page_size
    following = _token(deployment.id, last) if last < len(matching) else None
    return DeploymentLogCursorPagedQueryResponse(data=tuple(matching[first:last]), next=following)
