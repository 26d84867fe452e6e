"""The agent's own pages, reached through their personal link only (/a/<token>/...).

No login: the token in the path is the agent's credential. It is resolved before every view
(links.resolve); an unknown, expired or revoked token answers a page that says how to get a new
link. A resolved token opens its agent's tenant scope and nothing else: evaluations are looked up
among that agent's own, so another agent's id answers 404, and no other URL of the application
takes the token. Every view is rate-limited per address (AGENT_LINK_RATE_LIMIT).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for

from vendor_qa.agent_view import feedback, links
from vendor_qa.agent_view.forms import AcknowledgeForm, DisputeRequestForm
from vendor_qa.agent_view.models import Acknowledgment, DisputeRequest
from vendor_qa.auth import pseudonyms
from vendor_qa.auth.guards import public
from vendor_qa.coaching.service import shared_coaching_notes
from vendor_qa.errors import render_error
from vendor_qa.extensions import db, limiter
from vendor_qa.grading import results
from vendor_qa.reports import aggregates
from vendor_qa.reports.views import quality_trend_and_profile
from vendor_qa.tenants.context import use_tenant
from vendor_qa.tenants.models import Tenant

bp = Blueprint("agent_view", __name__, url_prefix="/a/<token>")

DEFAULT_RATE_LIMIT = "120 per minute"
PER_PAGE = 20
HOW_TO_GET_ONE = "Ask your team lead or your manager for a new link: they can send you one from your agent page."
REFUSALS = {
    links.UNKNOWN: (404, "This link does not open a page", "The link may be mistyped or incomplete. "),
    links.EXPIRED: (410, "This link has expired", "Personal links work for a limited time. "),
    links.REVOKED: (410, "This link was withdrawn", "A newer link replaced it, or it was withdrawn. "),
}


class LinkRefused(Exception):
    def __init__(self, state: str) -> None:
        self.code, self.title, self.why = REFUSALS[state]
        super().__init__(self.title)


@bp.errorhandler(LinkRefused)
def _refused(error: LinkRefused):
    return render_error(error.code, error.title, error.why + HOW_TO_GET_ONE)


def _rate_limit() -> str:
    return current_app.config.get("AGENT_LINK_RATE_LIMIT", DEFAULT_RATE_LIMIT)


# On the blueprint, the limit is checked before any of its request hooks: guessing tokens spends it too.
limiter.limit(_rate_limit, error_message="Too many requests from your address.")(bp)


@bp.url_value_preprocessor
def _take_token(endpoint, values):
    g.agent_token = (values or {}).pop("token", "")


@bp.before_request
def _open_link():
    # The app's before_request hooks (the limiter's) run before this one.
    found = links.resolve(g.agent_token)
    if found.state != links.OK:
        raise LinkRefused(found.state)
    tenant = db.session.get(Tenant, found.link.tenant_id)
    if tenant is None or not tenant.active:
        raise LinkRefused(links.UNKNOWN)
    use_tenant(tenant)
    g.agent_link, g.agent = found.link, found.link.agent


@bp.url_defaults
def _add_token(endpoint, values):
    if "token" not in values and g.get("agent_token"):
        values["token"] = g.agent_token


def _own_evaluation_or_404(evaluation_id: int) -> results.Detail:
    """One of this agent's evaluations the client sees; any other id is not there."""
    detail = results.submitted_detail(evaluation_id)
    if detail is None or detail.evaluation.agent_id != g.agent.id:
        abort(404)
    return detail


@bp.get("/")
@public
def home():
    agent = g.agent
    page = db.paginate(aggregates.agent_evaluations_statement(g.tenant, agent.id), per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
    ids = [e.id for e in page.items]
    trend, profile, charts = quality_trend_and_profile(g.tenant, agent.id)
    return render_template(
        "agent_view/home.html", agent=agent, link=g.agent_link, page=page, args={}, trend=trend, profile=profile,
        charts=charts, acks=feedback.of_evaluations(Acknowledgment, ids),
        requests=feedback.of_evaluations(DisputeRequest, ids),
        summary=feedback.by_agent(g.tenant.id, [agent.id]).get(agent.id, feedback.NONE),
        pseudonyms=pseudonyms.for_tenant(g.tenant.id, {e.grader_id for e in page.items}),
        notes=shared_coaching_notes(agent.id))


def _answered(model, evaluation_id: int) -> bool:
    return evaluation_id in feedback.of_evaluations(model, [evaluation_id])


def _evaluation_page(detail: results.Detail, ack_form=None, request_form=None, status: int = 200):
    evaluation_id = detail.evaluation.id
    request_row = feedback.of_evaluations(DisputeRequest, [evaluation_id]).get(evaluation_id)
    return render_template(
        "agent_view/evaluation.html", detail=detail, call_url=None,
        ack=feedback.of_evaluations(Acknowledgment, [evaluation_id]).get(evaluation_id),
        request_row=request_row, request_status=feedback.request_status(request_row) if request_row else None,
        ack_form=ack_form or AcknowledgeForm(), request_form=request_form or DisputeRequestForm()), status


@bp.get("/evaluations/<int:evaluation_id>")
@public
def evaluation(evaluation_id: int):
    return _evaluation_page(_own_evaluation_or_404(evaluation_id))


@bp.post("/evaluations/<int:evaluation_id>/acknowledge")
@public
def acknowledge(evaluation_id: int):
    detail = _own_evaluation_or_404(evaluation_id)
    form = AcknowledgeForm()
    if _answered(Acknowledgment, evaluation_id):  # twice changes nothing
        return redirect(url_for(".evaluation", evaluation_id=evaluation_id))
    if not form.validate_on_submit():
        return _evaluation_page(detail, ack_form=form, status=422)
    feedback.acknowledge(detail.evaluation, form.comment.data)
    flash("Acknowledged: your team lead sees that you read this feedback.", "success")
    return redirect(url_for(".evaluation", evaluation_id=evaluation_id))


@bp.post("/evaluations/<int:evaluation_id>/dispute-request")
@public
def dispute_request(evaluation_id: int):
    detail = _own_evaluation_or_404(evaluation_id)
    form = DisputeRequestForm()
    if _answered(DisputeRequest, evaluation_id):  # asked already: the first request stands
        return redirect(url_for(".evaluation", evaluation_id=evaluation_id))
    if not form.validate_on_submit():
        return _evaluation_page(detail, request_form=form, status=422)
    feedback.request_dispute(detail.evaluation, form.reason.data)
    flash("Your request went to your team lead, who decides whether the QA vendor is asked to review "
          "the evaluation.", "success")
    return redirect(url_for(".evaluation", evaluation_id=evaluation_id))
