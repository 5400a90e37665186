"""Shared test set-up: Hypothesis profiles and the official example documents.

``HYPOTHESIS_PROFILE=ci`` selects the thorough profile; the default is fast.
Neither has a deadline: timing belongs to ``benchmarks/``, not to tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: For a property whose every example is costly (a generated Deployment with its connector, a
#: sequence of HTTP requests): the profile's examples, but at most 150, so that the ci profile's
#: 400 do not make it the suite's bottleneck; the default profile's 60 are kept.
heavy = settings(
    max_examples=min(settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default")).max_examples, 150)
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    """The official example document ``tests/fixtures/<name>``, parsed."""
    return json.loads((FIXTURES / name).read_text())
