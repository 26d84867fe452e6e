"""Scorecards of a tenant: everyone of the tenant reads, only vendor admins build.

{scorecard} has a published {version} (v1) and a {draft} (v2) whose first section and
criterion are {section} and {criterion}.
"""

import json

from tests.integration.access import ADMIN, CLIENT_SIDE, GRADER, MANAGER, Route

READERS = frozenset({ADMIN, MANAGER, GRADER})
ONLY_ADMIN = frozenset({ADMIN})
BASE = "/t/{tenant}/scorecards"
CRITERION = {"text": "Asks for the customer's name", "kind": "graded", "weight": "5", "partial_fraction": "0.5",
             "ability": "courtesy"}
DOCUMENT = json.dumps({
    "format": "vendor_qa.scorecard/1",
    "scorecard": {"name": "Imported", "channels": ["chat"]},
    "sections": [{"title": "All", "criteria": [{"text": "Replies fast", "kind": "binary", "weight": 3}]}],
}).replace("{", "{{").replace("}", "}}")  # form data is filled like paths: braces doubled to stay literal
BANDS = {"bands-0-name": "low", "bands-0-min_score": "0", "bands-0-color": "#c62828",
         "bands-1-name": "high", "bands-1-min_score": "60", "bands-1-color": "#2e7d32",
         "pass_mark": "60", "ability_tags": "courtesy\nprocedure"}

ROUTES = [
    # reading: list, history, versions, compare, preview
    Route("scorecards.index", f"{BASE}/", READERS),
    Route("scorecards.history", f"{BASE}/{{scorecard}}", READERS),
    Route("scorecards.version", f"{BASE}/versions/{{version}}", READERS),
    Route("scorecards.compare", f"{BASE}/{{scorecard}}/compare?a=1&b=2", READERS),
    Route("scorecards.preview", f"{BASE}/versions/{{version}}/preview", READERS, method="POST"),
    Route("scorecards.export", f"{BASE}/versions/{{version}}/export", CLIENT_SIDE),
    # scorecards
    Route("scorecards.create", f"{BASE}/new", ONLY_ADMIN),
    Route("scorecards.create", f"{BASE}/new", ONLY_ADMIN, method="POST", ok=302,
          data={"name": "Chat support", "channels": "chat"}),
    Route("scorecards.details", f"{BASE}/{{scorecard}}/details", ONLY_ADMIN),
    Route("scorecards.details", f"{BASE}/{{scorecard}}/details", ONLY_ADMIN, method="POST", ok=302,
          data={"name": "Inbound calls", "channels": "phone"}),
    Route("scorecards.archive", f"{BASE}/{{scorecard}}/archive", ONLY_ADMIN, method="POST", ok=302),
    Route("scorecards.unarchive", f"{BASE}/{{scorecard}}/unarchive", ONLY_ADMIN, method="POST", ok=302),
    Route("scorecards.start_draft", f"{BASE}/{{scorecard}}/draft", ONLY_ADMIN, method="POST", ok=302),
    # the draft editor
    Route("scorecards.editor", f"{BASE}/versions/{{draft}}/edit", ONLY_ADMIN),
    Route("scorecards.publish", f"{BASE}/versions/{{draft}}/publish", ONLY_ADMIN, method="POST", ok=302,
          data={"note": "Second version"}),
    Route("scorecards.discard", f"{BASE}/versions/{{draft}}/discard", ONLY_ADMIN, method="POST", ok=302),
    Route("scorecards.add_section", f"{BASE}/versions/{{draft}}/sections", ONLY_ADMIN, method="POST", ok=302,
          data={"title": "Closing"}),
    Route("scorecards.section", f"{BASE}/sections/{{section}}", ONLY_ADMIN),
    Route("scorecards.edit_section", f"{BASE}/sections/{{section}}/edit", ONLY_ADMIN),
    Route("scorecards.edit_section", f"{BASE}/sections/{{section}}/edit", ONLY_ADMIN, method="POST", ok=302,
          data={"title": "Greeting"}),
    Route("scorecards.delete_section", f"{BASE}/sections/{{section}}/delete", ONLY_ADMIN, method="POST", ok=302),
    Route("scorecards.move_section", f"{BASE}/sections/{{section}}/move", ONLY_ADMIN, method="POST", ok=302,
          data={"direction": "down"}),
    Route("scorecards.add_criterion", f"{BASE}/sections/{{section}}/criteria", ONLY_ADMIN),
    Route("scorecards.add_criterion", f"{BASE}/sections/{{section}}/criteria", ONLY_ADMIN, method="POST", ok=302,
          data=CRITERION),
    Route("scorecards.criterion", f"{BASE}/criteria/{{criterion}}", ONLY_ADMIN),
    Route("scorecards.edit_criterion", f"{BASE}/criteria/{{criterion}}/edit", ONLY_ADMIN),
    Route("scorecards.edit_criterion", f"{BASE}/criteria/{{criterion}}/edit", ONLY_ADMIN, method="POST", ok=302,
          data=CRITERION),
    Route("scorecards.delete_criterion", f"{BASE}/criteria/{{criterion}}/delete", ONLY_ADMIN, method="POST",
          ok=302),
    Route("scorecards.move_criterion", f"{BASE}/criteria/{{criterion}}/move", ONLY_ADMIN, method="POST", ok=302,
          data={"direction": "up"}),
    # reuse and tenant rules
    Route("scorecards.import_", f"{BASE}/import", ONLY_ADMIN),
    Route("scorecards.import_", f"{BASE}/import", ONLY_ADMIN, method="POST", ok=302, data={"document": DOCUMENT}),
    Route("scorecards.bands", f"{BASE}/bands", ONLY_ADMIN),
    Route("scorecards.bands", f"{BASE}/bands", ONLY_ADMIN, method="POST", ok=302, data=BANDS),
]
