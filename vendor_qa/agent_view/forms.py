"""Forms of the agent's page, the client's answers to requests, and the tenant's feedback route."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from vendor_qa.agent_view.links import DIRECT
from vendor_qa.tenants.models import Tenant

MAX_TEXT = 2000
ROUTES = [SelectChoice("team_lead", "Through their team lead only"),
          SelectChoice(DIRECT, "Also directly: agents with an e-mail get their link")]


class AcknowledgeForm(FlaskForm):
    comment = TextAreaField("Your comment (optional)", validators=[Optional(), Length(max=MAX_TEXT)])


class DisputeRequestForm(FlaskForm):
    reason = TextAreaField("What do you think is wrong, and why?", validators=[
        DataRequired("Say what you think is wrong, so that your team lead can judge it."), Length(max=MAX_TEXT)])


class DeclineForm(FlaskForm):
    answer = TextAreaField("Your answer to the agent", validators=[
        DataRequired("Tell the agent why the evaluation is not disputed."), Length(max=MAX_TEXT)])


class FeedbackRouteForm(FlaskForm):
    """How feedback reaches the tenant's agents; the tenant edit form takes it in (tenants/forms.py).
    Not sent: the current choice stays, like the form's other settings."""

    agent_feedback_route = SelectField("Feedback reaches agents", choices=ROUTES, validate_choice=False,
                                       description="Directly: each agent with an e-mail is sent a personal link "
                                                   "to their own page when a link is issued.")

    def validate_agent_feedback_route(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in ROUTES}:
            raise ValidationError("Choose one of the routes offered.")


def feedback_route_data(tenant: Tenant) -> dict[str, Any]:
    return {"agent_feedback_route": tenant.setting("agent_feedback_route")}


def feedback_route_settings(tenant: Tenant, form: FeedbackRouteForm) -> dict[str, Any]:
    return {"agent_feedback_route": form.agent_feedback_route.data or tenant.setting("agent_feedback_route")}
