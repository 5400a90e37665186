"""The mock's defaults, in one place that needs no server extra: who a request acts as, and its limits.

``HEADER_TIMEOUT``, 10 s, bounds how long a client may hold a connection
before its request's line and headers are complete: they are at most h11's
16 KiB, which a client writes at once; 10 s is far more than a loaded CI
machine stalls, and longer than uvicorn's 5 s ``timeout_keep_alive``, so
that a keep-alive connection that sends nothing is still closed by uvicorn,
after 5 s, and this deadline closes only one that trickles.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_AUTHOR", "DEFAULT_PROJECT", "DEFAULT_REGION", "HEADER_TIMEOUT", "MAX_BODY"]

#: The project key every request acts as (``serve --project``).
DEFAULT_PROJECT: Final = "mock-project"
#: The region of the projects (``serve --region``).
DEFAULT_REGION: Final = "europe-west1.gcp"
#: The ``userId`` that ``addCertificationComment`` records when the app is given no author.
DEFAULT_AUTHOR: Final = "mock-project"
#: The largest request body the mock reads: 1 MiB (``serve --max-body``; mock-service.md, decision).
MAX_BODY: Final = 1024 * 1024
#: Seconds a request's line and headers may take, from the connection opening or the previous
#: response completing; past them the connection is closed.
HEADER_TIMEOUT: Final = 10.0
