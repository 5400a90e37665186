"""Service events: what the Connect service does after a creator's request.

They never arrive over the wire from a creator; a server or mock emits them
(for example when a publish request passes validation). Every field is a
keyword with a default, so ``PublishingSucceeded()`` is valid.

The two events that complete a publish or a preview (``PublishingSucceeded``,
``PreviewGranted``) may bring what the repository's ``connect.yaml`` declares,
which a pure library cannot read itself: ``configurations``,
``global_configuration`` and ``api_client``. Each one given replaces the
connector's; each one absent (``None``) leaves it as it was.

Source: ``lifecycle.md`` (Inputs).
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from ._fields import typed
from .actions import UpdateAction
from .model import (
    ConnectorApiClient,
    ConnectorConfigurationApplication,
    ConnectorGlobalConfiguration,
    ConnectorReport,
)

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


@attrs.frozen(kw_only=True, field_transformer=typed)
class PublishingSucceeded:
    """The publish request passed validation (Processing -> ReadyForCertification or Published)."""

    report: ConnectorReport | None = None
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = None
    global_configuration: ConnectorGlobalConfiguration | None = None
    api_client: ConnectorApiClient | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class PublishingFailed:
    """The publish request failed validation (Processing -> Failed)."""

    report: ConnectorReport | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class CertificationStarted:
    """The certification team took the connector (ReadyForCertification -> InCertification)."""


@attrs.frozen(kw_only=True, field_transformer=typed)
class CertificationPassed:
    """Certification approved (InCertification -> Published)."""

    report: ConnectorReport | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class CertificationFailed:
    """Certification rejected (InCertification -> Failed)."""

    report: ConnectorReport | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class PreviewGranted:
    """The preview request passed: ``isPreviewable`` ``pending`` -> ``true``."""

    report: ConnectorReport | None = None
    configurations: tuple[ConnectorConfigurationApplication, ...] | None = None
    global_configuration: ConnectorGlobalConfiguration | None = None
    api_client: ConnectorApiClient | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
class PreviewRejected:
    """The preview request failed: ``isPreviewable`` ``pending`` -> ``false``."""

    report: ConnectorReport | None = None


@attrs.frozen(kw_only=True, field_transformer=typed)
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
