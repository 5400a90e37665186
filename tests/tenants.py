"""The three projects of the tenancy tests, and the visibility rule's expected readers, for the store and HTTP alike."""

from __future__ import annotations

from typing import Final

A: Final = "team-a"
B: Final = "team-b"
C: Final = "team-c"

#: Who reads A's production Connector in each case (mock-service.md, "Identity and tenancy": the
#: visibility rule): a public one, a private one that lists the project, the owner's own; a draft
#: never published has none.
READERS: Final = {
    "public": {A, B, C},
    "listed": {A, B},
    "private": {A},
    "unlisted": {A, B, C},
    "draft": set(),
}
#: Whose search shows it ("Connector search"): the readers, but an unlisted one only to its owner.
SEARCHERS: Final = {**READERS, "unlisted": {A}}
