"""The conformance kit and the public Hypothesis strategies (the ``testing`` extra).

Needs Hypothesis (``pip install "connector-domain[testing]"``); the rules
core never imports this package.

- ``connector_domain.testing.strategies``: strategies for every entity and
  input, valid and not, and wire documents. Installed with the package, they
  are registered with Hypothesis through its ``hypothesis`` entry point, so
  ``st.from_type(ConnectorStaged)`` works without importing anything.
- ``ConformanceMachine``, ``ConformanceAdapter``, ``Response``,
  ``run_conformance_test`` and ``conformance_settings`` (from
  ``connector_domain.testing.kit``): run the reference beside your own server
  or mock and fail on the first difference; ``DeploymentConformanceMachine``,
  ``DeploymentConformanceAdapter`` and ``run_deployment_conformance_test`` do
  the same with the Deployments of its connectors too.
"""

from .kit import (
    AT,
    BY,
    DEPLOYMENT_PROJECTS,
    UNKNOWN_CONNECTOR,
    ConformanceAdapter,
    ConformanceMachine,
    DeploymentConformanceAdapter,
    DeploymentConformanceMachine,
    Response,
    conformance_settings,
    normalize,
    run_conformance_test,
    run_deployment_conformance_test,
)

__all__ = [
    "AT",
    "BY",
    "DEPLOYMENT_PROJECTS",
    "UNKNOWN_CONNECTOR",
    "ConformanceAdapter",
    "ConformanceMachine",
    "DeploymentConformanceAdapter",
    "DeploymentConformanceMachine",
    "Response",
    "conformance_settings",
    "normalize",
    "run_conformance_test",
    "run_deployment_conformance_test",
]
