"""The mock's defaults, in one place that needs no server extra: who a request acts as, and its limits.

The two deadlines bound how long a client may hold a connection without
sending a whole request (``serve --request-timeout`` sets both):

- ``HEADER_TIMEOUT``, 10 s: a request's line and headers are at most h11's
  16 KiB, which a client writes at once; 10 s is far more than a loaded CI
  machine stalls, and longer than uvicorn's 5 s ``timeout_keep_alive``, so
  that a keep-alive connection that sends nothing is still closed by
  uvicorn, after 5 s, and this deadline closes only one that trickles;
- ``BODY_TIMEOUT``, 30 s: a body is at most ``MAX_BODY``, 1 MiB, which
  loopback carries in milliseconds; 30 s lets a mock served to a team take a
  whole 1 MiB over a link of about 300 kbit/s, and a client that makes its
  chunked body as it goes pause between chunks.
"""

from __future__ import annotations

from typing import Final

__all__ = ["BODY_TIMEOUT", "DEFAULT_AUTHOR", "DEFAULT_PROJECT", "DEFAULT_REGION", "HEADER_TIMEOUT", "MAX_BODY"]

#: The project key a request acts as when no token and no path names one (``serve --project``).
DEFAULT_PROJECT: Final = "mock-project"
#: The region of the projects (``serve --region``).
DEFAULT_REGION: Final = "europe-west1.gcp"
#: The ``userId`` that ``addCertificationComment`` records when the app is given no author.
DEFAULT_AUTHOR: Final = "mock-project"
#: The largest request body the mock reads: 1 MiB (``serve --max-body``; mock-service.md, decision).
MAX_BODY: Final = 1024 * 1024
#: Seconds a request's line and headers may take, from the connection opening or the previous
#: response completing; past them the connection is closed (``serve --request-timeout``).
HEADER_TIMEOUT: Final = 10.0
#: Seconds a request's body may take, from the app's first read of it; past them the request is
#: answered 408 ``RequestTimeout`` and the connection closed (``serve --request-timeout``).
BODY_TIMEOUT: Final = 30.0
