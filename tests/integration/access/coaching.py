"""Coaching sessions, the agent's e-mail and the quality file's PDF (vendor_qa.coaching, issue #12)."""

from tests.integration.access import CLIENT_SIDE, Route

ROUTES = [
    Route("coaching.new", "/t/{tenant}/agents/{agent}/coaching/new", CLIENT_SIDE),
    Route("coaching.new", "/t/{tenant}/agents/{agent}/coaching/new", CLIENT_SIDE, method="POST", ok=302,
          data={"held_on": "2026-11-24", "notes": "Talked through the greeting.", "follow_up_on": "2026-12-01"}),
    Route("coaching.followed_up", "/t/{tenant}/coaching/{coaching}/followed-up", CLIENT_SIDE, method="POST", ok=302),
    Route("calls.agent_email", "/t/{tenant}/agents/{agent}/email", CLIENT_SIDE, method="POST", ok=302,
          data={"email": "agent@client.example"}),
    Route("reports.quality_file_pdf", "/t/{tenant}/agents/{agent}/quality.pdf", CLIENT_SIDE),
]
