"""The agent view: the agent's own pages behind their personal link, and the client's side of it.

{agent_token} is a live link of the world's agent and {evaluation} that agent's submitted
evaluation; {agent_request} is the agent's request to dispute it. The link needs no login, so
every caller (any role, or none) that holds it is let in; what it must not open (another
agent's evaluation, any other URL, an expired or revoked link) is tested in
tests/integration/test_agent_view.py, as the link is a caller of its own kind.
"""

from typing import Any

from tests.integration.access import ANON, CLIENT_SIDE, EVERY_ROLE, MANAGER, Route, objects

LINK = "/a/{agent_token}"
HOLDER = frozenset(EVERY_ROLE)
assert ANON in HOLDER

ROUTES = [
    Route("agent_view.home", f"{LINK}/", HOLDER),
    Route("agent_view.evaluation", f"{LINK}/evaluations/{{evaluation}}", HOLDER),
    Route("agent_view.acknowledge", f"{LINK}/evaluations/{{evaluation}}/acknowledge", HOLDER, method="POST",
          ok=302, data={"comment": "Understood."}),
    Route("agent_view.dispute_request", f"{LINK}/evaluations/{{evaluation}}/dispute-request", HOLDER,
          method="POST", ok=302, data={"reason": "I did greet the customer."}),
    Route("agent_feedback.issue_link", "/t/{tenant}/agents/{agent}/link", frozenset({MANAGER}), method="POST"),
    Route("agent_feedback.revoke_link", "/t/{tenant}/agents/{agent}/link/revoke", frozenset({MANAGER}),
          method="POST", ok=302),
    Route("agent_feedback.requests", "/t/{tenant}/agent-requests", CLIENT_SIDE),
    Route("agent_feedback.requests", "/t/{tenant}/agent-requests?status=pending", CLIENT_SIDE),
    Route("agent_feedback.decline", "/t/{tenant}/agent-requests/{agent_request}/decline", frozenset({MANAGER}),
          method="POST", ok=302, data={"answer": "The greeting is missing from the recording."}),
]


@objects.area
def agent_link(build, tenant, agent, call) -> dict[str, Any]:
    """A live personal link of the world's agent and its request to dispute {evaluation} (after `evaluation`)."""
    from sqlalchemy import select

    from vendor_qa.agent_view import links
    from vendor_qa.agent_view.models import DisputeRequest
    from vendor_qa.extensions import db
    from vendor_qa.grading.models import Evaluation
    from vendor_qa.tenants.scoping import tenant_scope

    with tenant_scope(tenant.id):
        link = links.issue(tenant, agent)
        evaluation_id = db.session.scalar(select(Evaluation.id).where(Evaluation.agent_id == agent.id)
                                          .order_by(Evaluation.id).limit(1))
        request = DisputeRequest(tenant_id=tenant.id, evaluation_id=evaluation_id, agent_id=agent.id,
                                 reason="The greeting was there.")
        db.session.add(request)
        db.session.commit()
        return {"agent_token": links.token_for(link.id), "agent_request": request.id}
