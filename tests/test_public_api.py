"""The public names, and the core importing without Hypothesis."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import connector_domain
import connector_domain.deployment
from connector_domain import codec

ROOT = Path(__file__).parent.parent


def test_documented_names_import() -> None:
    """The names other code is written against import exactly as written."""
    for name in (
        "create", "apply", "apply_update", "UpdateAction", "ConnectorUpdate", "ConnectorStaged",
        "ConnectorStagedDraft", "ConnectorStagedPagedQueryResponse", "DomainError",
    ):  # fmt: skip
        assert hasattr(connector_domain, name), name
    for name in ("from_wire", "to_wire", "error_response", "InvalidInput"):
        assert hasattr(codec, name), name
    assert issubclass(codec.InvalidInput, ValueError)


def test_all_lists_only_existing_names() -> None:
    """Every name in __all__ exists, and __all__ has no duplicates: the root's and the deployment package's."""
    for package in (connector_domain, connector_domain.deployment):
        assert len(set(package.__all__)) == len(package.__all__), package
        for name in package.__all__:
            assert hasattr(package, name), name


def test_the_deployment_names_import() -> None:
    """The Deployment's everyday names, its entities and inputs among them, import from connector_domain.deployment."""
    from connector_domain.deployment import actions, events, model

    for name in ("create_deployment", "apply_deployment", "apply_deployment_update", "Deployment", "GONE", "MASK"):
        assert hasattr(connector_domain.deployment, name), name
    for module in (model, actions, events):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and module.__name__.startswith("connector_domain.deployment"):
                assert getattr(connector_domain.deployment, name, None) is value or name in _NOT_EVERYDAY, name


#: Deployment names left to their modules (helpers of the rules, not everyday names).
_NOT_EVERYDAY = {"ACTIONS", "MAX_ACTIONS"}


def test_the_root_never_imports_the_deployment_package() -> None:
    """The deployment package imports the rules core, never the reverse: the core's modules load none of it."""
    script = (
        "import sys\n"
        "import connector_domain, connector_domain.model, connector_domain.actions, connector_domain.events\n"
        "import connector_domain.errors, connector_domain.lifecycle, connector_domain.reducer\n"
        "import connector_domain.access, connector_domain._machine, connector_domain._fields\n"
        "assert not [m for m in sys.modules if m.startswith('connector_domain.deployment')], sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_core_imports_without_hypothesis() -> None:
    """The core package and its codec import with Hypothesis blocked."""
    script = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import connector_domain, connector_domain.codec, connector_domain.diagram, connector_domain.__main__\n"
        "import connector_domain.deployment, connector_domain.deployment.reducer\n"
        "assert 'hypothesis' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_package_is_typed() -> None:
    """The package ships its py.typed marker."""
    assert (ROOT / "connector_domain" / "py.typed").exists()


def test_strategies_are_registered_by_the_entry_point() -> None:
    """In a fresh interpreter that never imports connector_domain.testing, st.from_type knows the entities."""
    script = (
        "from hypothesis import strategies as st\n"
        "from connector_domain import ConnectorStaged, Creator\n"
        "from connector_domain.deployment import Deployment\n"
        "import sys\n"
        "assert 'connector_domain.testing.strategies' in sys.modules  # loaded by Hypothesis' entry point\n"
        "given = __import__('hypothesis').given\n"
        "@given(st.from_type(Creator), st.from_type(ConnectorStaged), st.from_type(Deployment))\n"
        "@__import__('hypothesis').settings(max_examples=5, database=None)\n"
        "def check(creator, staged, deployment):\n"
        "    assert isinstance(creator, Creator) and isinstance(staged, ConnectorStaged)\n"
        "    assert isinstance(deployment, Deployment)\n"
        "check()\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_the_mock_plugin_costs_nothing_until_used() -> None:
    """Loading the pytest plugin imports neither the mock's store nor the server."""
    script = (
        "import sys\n"
        "import connector_domain.mock.pytest_plugin\n"
        "assert 'connector_domain.mock.store' not in sys.modules, 'the store was imported'\n"
        "assert 'starlette' not in sys.modules, 'the server extra was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
