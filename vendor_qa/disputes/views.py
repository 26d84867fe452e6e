"""Disputes of one tenant: the list, raising one from an evaluation, one dispute's page and its review.

Client managers raise disputes of their tenant's evaluations and follow them; vendor admins
review them from the dispute's page. Both sides see the evaluation's revisions. Graders
appear by pseudonym only (vendor_qa.grading.results), and client managers see the reviewer
as "the QA vendor".

The blueprint also carries `flask disputes alert` (vendor_qa.disputes.cli), so registering it
registers the aged-dispute alert with the scheduler too.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Call
from vendor_qa.disputes import rules, service
from vendor_qa.disputes.cli import alert_command
from vendor_qa.disputes.forms import STATUS_LABELS, DisputeFilterForm
from vendor_qa.disputes.models import Dispute
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import results
from vendor_qa.grading.models import Evaluation
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("disputes", __name__, url_prefix="/t/<tenant>/disputes")
bind_tenant_from_url(bp)
bp.cli.add_command(alert_command)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
PER_PAGE = 25


@bp.errorhandler(service.DisputeRefused)
def _refused(error: service.DisputeRefused):
    return render_template("errors/error.html", status=409, title="Cannot do this now", message=str(error)), 409


@bp.app_template_filter()
def dispute_status(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.get("/")
@roles(*CLIENT_SIDE)
def index():
    form = DisputeFilterForm.read(request.args)
    status = form.accepted("status")
    stmt = (select(Dispute).where(Dispute.tenant_id == g.tenant.id)
            .options(joinedload(Dispute.evaluation).joinedload(Evaluation.call).joinedload(Call.agent),
                     selectinload(Dispute.items))
            .order_by(Dispute.created_at.desc(), Dispute.id.desc()))
    if status:
        stmt = stmt.where(Dispute.status == status)
    page = db.paginate(stmt, per_page=PER_PAGE, max_per_page=100, error_out=False)
    context = dict(form=form, page=page, args={k: v for k, v in request.args.items() if k != "page" and v},
                   now=clock.now(), alert_days=int(g.tenant.setting("dispute_alert_days")), rules=rules)
    template = "disputes/_results.html" if htmx and not htmx.boosted else "disputes/index.html"
    return render_template(template, **context)


def _submitted_or_404(evaluation_id: int) -> results.Detail:
    return results.submitted_detail(evaluation_id) or abort(404)


@bp.route("/new/<int:evaluation_id>", methods=["GET", "POST"])
@roles(Role.CLIENT_MANAGER)
def create(evaluation_id: int):
    detail = _submitted_or_404(evaluation_id)
    state = service.openness(detail.evaluation, g.tenant, clock.now())
    if not state.allowed:
        raise service.DisputeRefused(state.refusal)
    errors: dict[str, str] = {}
    if request.method == "POST":
        dispute, errors = service.raise_dispute(detail.evaluation, request.form, current_user, g.tenant)
        if dispute is not None:
            flash(f"Dispute #{dispute.id} raised. The QA vendor reviews it and answers here.", "success")
            return redirect(url_for(".show", dispute_id=dispute.id))
    return render_template("disputes/new.html", detail=detail, state=state, errors=errors, values=request.form,
                           rules=rules), 422 if errors else 200


def _dispute_or_404(dispute_id: int) -> Dispute:
    return service.dispute_or_none(dispute_id) or abort(404)


def _page(dispute: Dispute, errors: dict[str, str] | None = None, status: int = 200):
    detail = results.detail(dispute.evaluation)
    revisions = service.history(dispute.evaluation)
    criteria = {c.key: c for c in detail.version.criteria}
    reviewer = None
    if dispute.reviewer_id is not None and current_user.role == Role.VENDOR_ADMIN.value:
        reviewer = dispute.reviewer.name  # the client side sees "the QA vendor"
    return render_template("disputes/show.html", dispute=dispute, detail=detail, criteria=criteria,
                           revisions=revisions, changes=service.changes(revisions, detail.version),
                           reviewer=reviewer, errors=errors or {}, values=request.form, rules=rules,
                           now=clock.now(), alert_days=int(g.tenant.setting("dispute_alert_days"))), status


@bp.get("/<int:dispute_id>")
@roles(*CLIENT_SIDE)
def show(dispute_id: int):
    return _page(_dispute_or_404(dispute_id))


@bp.post("/<int:dispute_id>/review")
@roles(Role.VENDOR_ADMIN)
def review(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    errors = service.review(dispute, request.form, current_user, g.tenant)
    if errors:
        return _page(dispute, errors, 422)
    flash(f"Dispute #{dispute.id} {dispute_status(dispute.status).lower()}.", "success")
    return redirect(url_for(".show", dispute_id=dispute.id))
