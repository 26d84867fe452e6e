"""Three realistic published scorecards for a demo tenant: inbound support, outbound sales, chat support.

They are written in the import format (docs/scorecard-format.md), so the demo also
exercises the import path.
"""

from __future__ import annotations

from typing import Any

from vendor_qa.extensions import db
from vendor_qa.scorecards import rules, transfer, versions
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.tenants.scoping import tenant_scope


def _c(text: str, kind: str, weight: int, ability: str, *, allow_na: bool = False, critical: str | None = None,
       scale_max: int | None = None, full: str = "", partial: str = "", zero: str = "") -> dict[str, Any]:
    criterion: dict[str, Any] = {"text": text, "kind": kind, "weight": weight, "ability": ability,
                                 "allow_na": allow_na, "critical": critical,
                                 "guidance": {"full": full, "partial": partial, "zero": zero}}
    if scale_max is not None:
        criterion["scale_max"] = scale_max
    return criterion


INBOUND_SUPPORT = {
    "format": transfer.FORMAT,
    "scorecard": {"name": "Inbound support (phone)", "channels": ["phone"],
                  "description": "Customers calling the support line about an existing product or bill."},
    "sections": [
        {"title": "Opening", "criteria": [
            _c("Greets with the company name and own name", "binary", 2, "courtesy",
               full="Both names within the first 10 seconds."),
            _c("Verifies the caller's identity before discussing the account", "binary", 5, "procedure",
               critical="call", full="Two identifiers checked before any account detail is given.",
               zero="Any account detail given before verification."),
        ]},
        {"title": "Diagnosis", "criteria": [
            _c("Lets the customer explain without interrupting", "graded", 5, "listening",
               full="No interruptions; confirms with a summary.", partial="One interruption or no summary.",
               zero="Repeated interruptions."),
            _c("Asks clarifying questions to find the real cause", "graded", 8, "understanding"),
            _c("Checks the customer's history before proposing a fix", "binary", 3, "attention to detail",
               allow_na=True, full="Looks at previous tickets when there are any.",
               zero="Proposes a fix already tried before."),
        ]},
        {"title": "Resolution", "criteria": [
            _c("Gives a correct solution", "graded", 12, "product knowledge", critical="section",
               full="Solves the issue or the correct escalation.", partial="Works, but not the best path.",
               zero="Wrong or misleading information."),
            _c("Explains the next steps and timing", "binary", 4, "problem solving"),
        ]},
        {"title": "Closing", "criteria": [
            _c("Confirms the issue is resolved and offers further help", "binary", 3, "courtesy"),
            _c("Overall tone and empathy", "scale", 5, "courtesy", scale_max=5,
               full="5: warm and patient throughout.", zero="0: rude or dismissive."),
        ]},
    ],
}

OUTBOUND_SALES = {
    "format": transfer.FORMAT,
    "scorecard": {"name": "Outbound sales (phone)", "channels": ["phone"],
                  "description": "Calls to leads and existing customers offering an upgrade."},
    "sections": [
        {"title": "Opening", "criteria": [
            _c("Introduces self, company and the reason for the call", "binary", 3, "procedure"),
            _c("Asks whether it is a good time to talk", "binary", 2, "courtesy", allow_na=True,
               full="Asked before the pitch; N/A when the customer called back."),
        ]},
        {"title": "Needs and offer", "criteria": [
            _c("Uncovers the customer's needs with open questions", "graded", 10, "understanding"),
            _c("Presents the offer as benefits for this customer", "graded", 10, "product knowledge"),
            _c("Handles objections", "scale", 12, "problem solving", scale_max=4,
               full="4: every objection answered with a fitting argument.", zero="0: gives up or argues."),
        ]},
        {"title": "Compliance", "criteria": [
            _c("States price, term and cancellation conditions correctly", "binary", 8, "procedure",
               critical="call", zero="Any wrong or missing condition fails the call."),
            _c("Records consent exactly as the script requires", "binary", 5, "attention to detail",
               critical="call"),
        ]},
        {"title": "Closing", "criteria": [
            _c("Asks for the sale or agrees a concrete next step", "binary", 6, "problem solving"),
            _c("Summarises what was agreed", "binary", 3, "listening"),
        ]},
    ],
}

CHAT_SUPPORT = {
    "format": transfer.FORMAT,
    "scorecard": {"name": "Chat support", "channels": ["chat"],
                  "description": "Website and in-app chat conversations."},
    "sections": [
        {"title": "Response", "criteria": [
            _c("First reply within 60 seconds", "binary", 4, "procedure"),
            _c("Personal greeting using the customer's name", "binary", 2, "courtesy", allow_na=True),
        ]},
        {"title": "Solution", "criteria": [
            _c("Reads the whole message before answering", "graded", 6, "attention to detail",
               zero="Asks for information the customer already gave."),
            _c("Correct and complete answer", "graded", 12, "product knowledge", critical="section"),
            _c("Uses saved replies only where they fit", "binary", 3, "understanding", allow_na=True),
        ]},
        {"title": "Writing", "criteria": [
            _c("Clear, correct spelling and grammar", "scale", 5, "attention to detail", scale_max=3),
            _c("Friendly, on-brand tone", "scale", 4, "courtesy", scale_max=3),
            _c("Closes the chat with a check that nothing else is needed", "binary", 2, "courtesy"),
        ]},
    ],
}

DEMO_DOCUMENTS = (INBOUND_SUPPORT, OUTBOUND_SALES, CHAT_SUPPORT)


def add_demo_scorecards(tenant, published_by_id: int | None = None) -> list[ScorecardVersion]:
    """Create and publish the three demo scorecards for `tenant` (committed); returns their versions."""
    created = []
    with tenant_scope(tenant.id):
        for document in DEMO_DOCUMENTS:
            draft, _ = transfer.create_draft(tenant.id, transfer.parse(transfer.dumps(document)),
                                             rules.ability_tags(tenant))
            versions.publish(draft, published_by_id, "First version, agreed with the client.")
            created.append(draft)
        db.session.commit()
    return created
