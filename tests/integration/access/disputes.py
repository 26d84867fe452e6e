"""Disputes of one tenant: the list, raising one, a dispute's page and its review.

{evaluation} is a submitted evaluation nobody disputes yet and {dispute} an open dispute of
another evaluation (objects.py). The matrix sends the raising form empty, which is refused
for naming no criterion (422); tests/integration/test_disputes.py raises real ones.
"""

from tests.integration.access import ADMIN, CLIENT_SIDE, MANAGER, Route

BASE = "/t/{tenant}/disputes"

ROUTES = [
    Route("disputes.index", f"{BASE}/", CLIENT_SIDE),
    Route("disputes.index", f"{BASE}/?status=open", CLIENT_SIDE),
    Route("disputes.create", f"{BASE}/new/{{evaluation}}", frozenset({MANAGER})),
    Route("disputes.create", f"{BASE}/new/{{evaluation}}", frozenset({MANAGER}), method="POST", ok=422),
    Route("disputes.show", f"{BASE}/{{dispute}}", CLIENT_SIDE),
    Route("disputes.review", f"{BASE}/{{dispute}}/review", frozenset({ADMIN}), method="POST", ok=302,
          data={"verdict": "reject", "answer": "The greeting is missing from the recording; the score stands."}),
]
