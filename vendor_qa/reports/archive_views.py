"""The report archive of a tenant: built reports, their PDF and CSVs, "build now", deliveries.

Client managers and vendor admins read, download and build now. Only vendor admins edit
the recipients, send a report and resend to one recipient: each is a deliberate act,
never a side effect of opening a page. A report being built is shown with a status
fragment that polls itself (HTMX) until the report is ready or failed.
"""

from __future__ import annotations

import gzip
from collections import defaultdict

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import undefer
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from vendor_qa import periods
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.extensions import db, htmx
from vendor_qa.ratelimits import expensive
from vendor_qa.reports import builder, delivery, jobs
from vendor_qa.reports.models import KIND_OF_PERIOD, Report, ReportDelivery
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("report_archive", __name__, url_prefix="/t/<tenant>/reports")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
REPORTS_PER_PAGE = 20
MAX_RECIPIENTS = 50
STATUS_TARGET = "report-status"
CSV_KINDS = {"evaluations": "evaluations_csv", "agents": "agents_csv"}


@bp.app_template_filter()
def report_interval(figures: dict) -> str:
    return builder.interval_text(figures)


bp.add_app_template_filter(builder.finding, "report_finding")
bp.add_app_template_filter(builder.band_note, "report_band_note")


class BuildForm(FlaskForm):
    period = StringField("Period", validators=[DataRequired("Type a period, e.g. 2026-W47 or 2026-11.")],
                         description="An ISO week (2026-W47), a month (2026-11) or a range of days "
                                     "(2026-11-03..2026-11-20), in the tenant's time zone.")

    def validate_period(self, field) -> None:
        try:
            self.parsed = periods.parse_period(field.data, g.tenant.zone)
        except periods.PeriodError as error:
            raise ValidationError(str(error)) from None


class RecipientsForm(FlaskForm):
    recipients = TextAreaField("Report recipients", render_kw={"rows": 6},
                               description="One e-mail address a line. Leave empty to send to the tenant's "
                                           "active client managers.")

    def validate_recipients(self, field) -> None:
        addresses, bad = [], []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            try:
                addresses.append(validate_email(line.strip(), check_deliverability=False).normalized.lower())
            except EmailNotValidError:
                bad.append(line.strip())
        if bad:
            raise ValidationError(f"Not e-mail addresses: {', '.join(bad[:5])}.")
        if len(set(addresses)) > MAX_RECIPIENTS:
            raise ValidationError(f"At most {MAX_RECIPIENTS} recipients.")
        self.addresses = sorted(set(addresses))


def _report(report_id: int, *blobs: str) -> Report:
    options = [undefer(getattr(Report, name)) for name in blobs]
    return db.first_or_404(select(Report).where(Report.id == report_id).options(*options))


def _delivery_counts(report_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if report_ids:
        for report_id, status, n in db.session.execute(
                select(ReportDelivery.report_id, ReportDelivery.status, func.count())
                .where(ReportDelivery.report_id.in_(report_ids))
                .group_by(ReportDelivery.report_id, ReportDelivery.status)):
            counts[report_id][status] = n
    return counts


def _index(form: BuildForm, status: int = 200):
    page = db.paginate(select(Report).order_by(Report.created_at.desc(), Report.id.desc()),
                       per_page=REPORTS_PER_PAGE, max_per_page=REPORTS_PER_PAGE, error_out=False)
    return render_template("report_archive/index.html", page=page, form=form, args={},
                           deliveries=_delivery_counts([r.id for r in page.items]),
                           recipients=delivery.recipients(g.tenant)), status


@bp.get("")
@roles(*CLIENT_SIDE)
def index():
    return _index(BuildForm(formdata=None))


@bp.post("")
@roles(*CLIENT_SIDE)
@expensive("REPORT_BUILD", "report builds")
def build_now():
    form = BuildForm()
    if not form.validate():
        return _index(form, 400)
    period = form.parsed
    report = Report(tenant_id=g.tenant.id, kind=KIND_OF_PERIOD[period.kind], period=period.key, scheduled=False)
    db.session.add(report)
    db.session.flush()
    jobs.enqueue_build(g.tenant.id, period.key, report.id)  # the report and its job: one commit (the outbox)
    db.session.commit()
    flash(f"Building the report of {period.label}; this page shows when it is ready.", "info")
    return redirect(url_for(".show", report_id=report.id))


@bp.get("/<int:report_id>")
@roles(*CLIENT_SIDE)
def show(report_id: int):
    report = _report(report_id)
    if htmx and htmx.target == STATUS_TARGET:
        response = Response(render_template("report_archive/_status.html", report=report))
        if report.finished:
            response.headers["HX-Refresh"] = "true"  # the whole report appears once built
    else:
        charts = {k: Markup(v) for k, v in report.snapshot["charts"].items()} if report.ready else {}
        response = Response(render_template("report_archive/show.html", report=report, s=report.snapshot,
                                            charts=charts, deliveries=report.deliveries))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("/<int:report_id>/report.pdf")
@roles(*CLIENT_SIDE)
@expensive("EXPORT", "downloads")
def pdf(report_id: int):
    report = _report(report_id, "pdf")
    if not report.ready:
        abort(404)
    return Response(report.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="quality-report-{g.tenant.slug}-{report.period}.pdf"'})


@bp.get("/<int:report_id>/<kind>.csv")
@roles(*CLIENT_SIDE)
@expensive("EXPORT", "downloads")
def csv(report_id: int, kind: str):
    if kind not in CSV_KINDS:
        abort(404)
    report = _report(report_id, CSV_KINDS[kind])
    if not report.ready:
        abort(404)
    return Response(gzip.decompress(getattr(report, CSV_KINDS[kind])), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{kind}-{g.tenant.slug}-{report.period}.csv"'})


@bp.post("/<int:report_id>/deliver")
@roles(Role.VENDOR_ADMIN)
def deliver(report_id: int):
    report = _report(report_id)
    if not report.ready:
        flash("Only a built report can be sent.", "error")
    else:
        jobs.enqueue_delivery(g.tenant.id, report.id)
        db.session.commit()
        flash("Sending to the recipients who have not had it yet.", "info")
    return redirect(url_for(".show", report_id=report.id))


@bp.post("/<int:report_id>/deliveries/<int:delivery_id>/resend")
@roles(Role.VENDOR_ADMIN)
def resend(report_id: int, delivery_id: int):
    row = db.first_or_404(select(ReportDelivery).where(ReportDelivery.id == delivery_id,
                                                       ReportDelivery.report_id == report_id))
    delivery.requeue(row)
    jobs.enqueue_delivery(g.tenant.id, report_id)
    db.session.commit()
    flash(f"Sending the report to {row.recipient} again.", "info")
    return redirect(url_for(".show", report_id=report_id))


@bp.route("/recipients", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def recipients():
    configured = g.tenant.setting("report_recipients")
    form = RecipientsForm(data={"recipients": "\n".join(configured)})
    if request.method == "POST":
        if form.validate_on_submit():
            g.tenant.settings = {**(g.tenant.settings or {}), "report_recipients": form.addresses}
            db.session.commit()
            flash("Report recipients saved.", "success")
            return redirect(url_for(".recipients"))
        return render_template("report_archive/recipients.html", form=form,
                               effective=delivery.recipients(g.tenant)), 400
    return render_template("report_archive/recipients.html", form=form, effective=delivery.recipients(g.tenant))
