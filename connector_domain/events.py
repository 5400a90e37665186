"""Service events: what the Connect service does after a creator's request.

They never arrive over the wire from a creator; a server or mock emits them
(for example when a publish request passes validation). Every field is a
keyword with a default, so ``PublishingSucceeded()`` is valid.

``configurations``, when given, replace the connector's ``configurations``:
they come from the repository's ``connect.yaml``, which a pure library cannot
read itself.

Source: ``lifecycle.md`` (Inputs).
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from .actions import UpdateAction
from .model import ConnectorConfigurationApplication, ConnectorReport, _of, _seq

__all__ = [
    "CertificationFailed",
    "CertificationPassed",
    "CertificationStarted",
    "Input",
    "PreviewCancelled",
    "PreviewGranted",
    "PreviewRejected",
    "PublishingFailed",
    "PublishingSucceeded",
    "ServiceEvent",
]


def _configurations() -> tuple[ConnectorConfigurationApplication, ...] | None:
    return _seq(of=ConnectorConfigurationApplication, optional=True)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class PublishingSucceeded:
    """The publish request passed validation (Processing -> ReadyForCertification or Published)."""

    report: ConnectorReport | None = _of(ConnectorReport, default=None)
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = _configurations()


@attrs.frozen(kw_only=True)
class PublishingFailed:
    """The publish request failed validation (Processing -> Failed)."""

    report: ConnectorReport | None = _of(ConnectorReport, default=None)


@attrs.frozen(kw_only=True)
class CertificationStarted:
    """The certification team took the connector (ReadyForCertification -> InCertification)."""


@attrs.frozen(kw_only=True)
class CertificationPassed:
    """Certification approved (InCertification -> Published)."""

    report: ConnectorReport | None = _of(ConnectorReport, default=None)


@attrs.frozen(kw_only=True)
class CertificationFailed:
    """Certification rejected (InCertification -> Failed)."""

    report: ConnectorReport | None = _of(ConnectorReport, default=None)


@attrs.frozen(kw_only=True)
class PreviewGranted:
    """The preview request passed: ``isPreviewable`` ``pending`` -> ``true``."""

    report: ConnectorReport | None = _of(ConnectorReport, default=None)
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = _configurations()


@attrs.frozen(kw_only=True)
class PreviewRejected:
    """The preview request failed: ``isPreviewable`` ``pending`` -> ``false``."""

    report: ConnectorReport | None = _of(ConnectorReport, default=None)


@attrs.frozen(kw_only=True)
class PreviewCancelled:
    """The service dropped the preview request: ``isPreviewable`` ``pending`` -> ``none``."""


ServiceEvent: TypeAlias = (
    PublishingSucceeded
    | PublishingFailed
    | CertificationStarted
    | CertificationPassed
    | CertificationFailed
    | PreviewGranted
    | PreviewRejected
    | PreviewCancelled
)
"""Any of the eight service events."""

Input: TypeAlias = UpdateAction | ServiceEvent
"""Everything the reducer takes: an update action or a service event."""
