"""What a creator sends to a Deployment: the one update action ``Redeploy``, ``DeploymentUpdate``, and ``Delete``.

``Redeploy`` is the only ``DeploymentUpdateAction`` the reference registers
(``types.raml``), so ``DeploymentUpdateAction`` is ``Redeploy`` itself; when
a second action comes, it becomes a union like the ConnectorStaged's
``UpdateAction``. The codec reads and writes it with its ``action`` tag,
``redeploy``, checked first as for ``UpdateAction``.

``Delete`` is the ``DELETE`` request as an input of the status machine
(deployments.md's table has a row for it): not an update action, and with no
wire form of its own. Its version, optional, is the caller's check
(``reducer.check_version``), as for a ConnectorStaged's ``DELETE``.

Source: ``connect-deployments-facts.md`` (DeploymentUpdate, redeploy), ``deployments.md``.
"""

from __future__ import annotations

from typing import Final, TypeAlias

import attrs

from .._fields import bounded, typed
from ..actions import MAX_ACTIONS, action_name
from ..actions import input_name as _connector_input_name
from .model import DeploymentConfigurationApplication, DeploymentGlobalConfiguration

__all__ = [
    "ACTIONS",
    "MAX_ACTIONS",
    "Delete",
    "DeploymentUpdate",
    "DeploymentUpdateAction",
    "Redeploy",
    "input_name",
]


@attrs.frozen(kw_only=True, field_transformer=typed)
class Redeploy:
    """Update configuration values and deploy again (wire: ``redeploy``).

    - ``configuration_values``: absent keeps every value; present replaces
      the values of each application it names.
    - ``global_configuration``: absent keeps it; present replaces it. Read
      as key/value pairs like a draft's (deployments.md, decision: the RAML
      types it as the connector's key declaration, R2).
    - ``update_connector`` true moves the Deployment to the connector's
      current version; ``skip_scripts`` is accepted and has no visible effect.

    The two booleans are ``None`` when absent (the API's default is false),
    so that a document round-trips unchanged.
    """

    skip_scripts: bool | None = None
    configuration_values: tuple[DeploymentConfigurationApplication, ...] | None = None
    global_configuration: DeploymentGlobalConfiguration | None = None
    update_connector: bool | None = None


DeploymentUpdateAction: TypeAlias = Redeploy
"""Any update action of a Deployment (wire: ``DeploymentUpdateAction``, discriminated by ``action``): ``redeploy``."""

#: Every update action class of a Deployment.
ACTIONS: Final[tuple[type[DeploymentUpdateAction], ...]] = (Redeploy,)


@attrs.frozen(kw_only=True, field_transformer=typed)
class DeploymentUpdate:
    """An update request of a Deployment: the version the caller expects, and the actions to apply in order.

    At most ``MAX_ACTIONS`` (500) actions, as for a ConnectorStaged.
    """

    version: int
    actions: tuple[DeploymentUpdateAction, ...] = bounded(MAX_ACTIONS)


@attrs.frozen(field_transformer=typed)
class Delete:
    """The ``DELETE`` request of a Deployment, as an input of its status machine."""


def input_name(kind: type) -> str:
    """The name messages and docs use for an input class of a Deployment.

    ``redeploy`` and ``delete`` for the creator's requests (as the wire and
    the HTTP method name them), the class name for a service event.
    """
    if kind in ACTIONS or kind is Delete:
        return action_name(kind)
    return _connector_input_name(kind)
