"""The mock's defaults, in one place that needs no server extra: who a request acts as, until tokens name it."""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_AUTHOR", "DEFAULT_PROJECT", "DEFAULT_REGION", "MAX_BODY"]

#: The project key every request acts as (``serve --project``).
DEFAULT_PROJECT: Final = "mock-project"
#: The region of the projects (``serve --region``).
DEFAULT_REGION: Final = "europe-west1.gcp"
#: The ``userId`` that ``addCertificationComment`` records when the app is given no author.
DEFAULT_AUTHOR: Final = "mock-project"
#: The largest request body the mock reads: 1 MiB (``serve --max-body``; mock-service.md, decision).
MAX_BODY: Final = 1024 * 1024
