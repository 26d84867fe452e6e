"""The client's evaluations: the list of its tenant's submitted evaluations and each one's page.

The list polls itself every 30 seconds, so a new evaluation shows within a minute of its
submission. Graders appear by the tenant's pseudonym only (vendor_qa.auth.pseudonyms).
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request, url_for
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from vendor_qa import clock, periods
from vendor_qa.auth import pseudonyms
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls import queries
from vendor_qa.calls.forms import FilterForm, _within_range, choice_field, choices, optional_int
from vendor_qa.disputes import service as disputes
from vendor_qa.extensions import htmx
from vendor_qa.grading import results
from vendor_qa.pagination import requested_page, window
from vendor_qa.scorecards.rules import tenant_bands
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("evaluations", __name__, url_prefix="/t/<tenant>/evaluations")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
PER_PAGE = 25
POLL_SECONDS = 30


class EvaluationFilterForm(FilterForm):
    agent = choice_field("Agent", optional_int)
    team = choice_field("Team", optional_int)
    band = choice_field("Band")
    auto_fail = choice_field("Auto-fail", options=choices([("yes", "Auto-failed"), ("no", "Not auto-failed")]))
    date_from = DateField("From", name="from", validators=[Optional()])
    date_to = DateField("To", name="to", validators=[Optional()])

    @classmethod
    def for_tenant(cls, args, tenant) -> "EvaluationFilterForm":
        form = cls(args)
        form.agent.choices = choices(queries.agent_choices())
        form.team.choices = choices((t.id, t.name) for t in queries.teams())
        form.band.choices = choices((b.name, b.name) for b in tenant_bands(tenant))
        form.validate()
        return form

    def validate_date_from(self, field) -> None:
        _within_range(field)

    def validate_date_to(self, field) -> None:
        _within_range(field)
        if field.data and self.date_from.data and not self.date_from.errors and field.data < self.date_from.data:
            raise ValidationError("must be on or after From")

    def evaluation_filter(self, zone) -> results.EvaluationFilter:
        first, last = self.accepted("date_from"), self.accepted("date_to")
        auto_fail = self.accepted("auto_fail")
        return results.EvaluationFilter(
            agent_id=self.accepted("agent"),
            team_id=self.accepted("team"),
            band=self.accepted("band"),
            auto_failed=None if auto_fail is None else auto_fail == "yes",
            since=periods.local_midnight(first, zone) if first else None,
            until=periods.local_days(last, last, zone).end if last else None,
        )


def _kept_args() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key != "page" and value}


@bp.get("/")
@roles(*CLIENT_SIDE)
def index():
    form = EvaluationFilterForm.for_tenant(request.args, g.tenant)
    chosen = form.evaluation_filter(g.tenant.zone)
    # Not counted: a tenant's evaluations are hundreds of thousands at scale (pagination.Window).
    page = window(results.client_statement(chosen), requested_page(), PER_PAGE)
    context = dict(form=form, page=page, args=_kept_args(), filtered=chosen.narrows, poll_seconds=POLL_SECONDS,
                   pseudonyms=pseudonyms.for_tenant(g.tenant.id, (e.grader_id for e in page.items)))
    # Filter changes and the poll swap the results; a boosted link wants the whole page.
    template = "evaluations/_results.html" if htmx and not htmx.boosted else "evaluations/index.html"
    return render_template(template, **context)


@bp.get("/<int:evaluation_id>")
@roles(*CLIENT_SIDE)
def evaluation(evaluation_id: int):
    detail = results.submitted_detail(evaluation_id) or abort(404)
    return render_template("evaluations/evaluation.html", detail=detail,
                           call_url=url_for("calls.call", call_id=detail.evaluation.call_id),
                           panel=disputes.panel(detail.evaluation, detail.version, g.tenant, clock.now()))
