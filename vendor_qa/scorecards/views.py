"""Scorecard pages of one tenant: list, builder, preview, history, compare, import/export, bands.

Vendor admins build and change scorecards; client managers of the tenant and the
graders certified for it read them. Builder actions answer HTMX with the fragment
that changed (plus the refreshed preview, out of band) and plain form posts with a
redirect back to the editor.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.errors import render_error
from vendor_qa.extensions import db, htmx
from vendor_qa.scorecards import engine, rules, scoring, transfer, versions
from vendor_qa.scorecards.forms import BandsForm, CriterionForm, ImportForm, PublishForm, ScorecardForm, SectionForm
from vendor_qa.scorecards.models import Criterion, Scorecard, ScorecardVersion, Section
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("scorecards", __name__, url_prefix="/t/<tenant>/scorecards")
bind_tenant_from_url(bp)

READERS = (Role.VENDOR_ADMIN, Role.CLIENT_MANAGER, Role.GRADER)
EXPORTERS = (Role.VENDOR_ADMIN, Role.CLIENT_MANAGER)
PER_PAGE = 25


@bp.errorhandler(versions.VersionLocked)
def _locked(error: versions.VersionLocked):
    return render_error(409, "Version is locked", str(error))


@bp.app_template_global()
def score_band(total, tenant) -> scoring.Band | None:
    return scoring.band_for(total, rules.tenant_bands(tenant))


@bp.app_template_global()
def score_display(total) -> str:
    return scoring.display(total)


@bp.app_template_filter()
def plain_number(value) -> str:
    """10.00 as "10", 2.50 as "2.5": a stored decimal the way people write it."""
    return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)


# ---- loading -------------------------------------------------------------------------------

def _scorecard_or_404(scorecard_id: int) -> Scorecard:
    found = db.session.scalar(select(Scorecard).where(Scorecard.id == scorecard_id)
                              .options(selectinload(Scorecard.versions)))
    return found or abort(404)


def _version_or_404(version_id: int) -> ScorecardVersion:
    return versions.get_version(version_id) or abort(404)


def _draft_or_409(version_id: int) -> ScorecardVersion:
    version = _version_or_404(version_id)
    versions.ensure_draft(version)
    return version


def _section_or_404(section_id: int) -> Section:
    found = db.session.scalar(select(Section).where(Section.id == section_id))
    if found is None:
        abort(404)
    return found


def _criterion_or_404(criterion_id: int) -> Criterion:
    found = db.session.scalar(select(Criterion).where(Criterion.id == criterion_id))
    if found is None:
        abort(404)
    return found


def _editor_url(version: ScorecardVersion) -> str:
    return url_for(".editor", version_id=version.id)


# ---- list, create, details, archive --------------------------------------------------------

@bp.get("/")
@roles(*READERS)
def index():
    archived = request.args.get("archived") == "1"
    stmt = select(Scorecard).where(
        Scorecard.archived_at.is_not(None) if archived else Scorecard.archived_at.is_(None)
    ).order_by(Scorecard.name)
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    ids = [s.id for s in page.items]
    open_versions = db.session.scalars(
        select(ScorecardVersion).where(ScorecardVersion.scorecard_id.in_(ids),
                                       ScorecardVersion.status.in_(("draft", "published")))
    ).all()
    current = {v.scorecard_id: v for v in open_versions if v.status == "published"}
    drafts = {v.scorecard_id: v for v in open_versions if v.is_draft}
    return render_template("scorecards/index.html", page=page, current=current, drafts=drafts,
                           archived=archived, args={"archived": "1"} if archived else {})


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def create():
    form = ScorecardForm()
    if form.validate_on_submit():
        if transfer.name_taken(form.name.data):
            form.name.errors.append("This tenant already has a scorecard of that name.")
        else:
            draft = versions.create_scorecard(g.tenant.id, form.name.data, form.channels.data, form.description.data or "")
            db.session.commit()
            flash("Scorecard created. Add its sections and criteria, then publish it.", "success")
            return redirect(_editor_url(draft))
    return render_template("scorecards/scorecard_form.html", form=form, scorecard=None), 422 if form.errors else 200


@bp.route("/<int:scorecard_id>/details", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def details(scorecard_id: int):
    scorecard = _scorecard_or_404(scorecard_id)
    form = ScorecardForm(obj=scorecard)
    if form.validate_on_submit():
        if form.name.data.strip() != scorecard.name and transfer.name_taken(form.name.data):
            form.name.errors.append("This tenant already has a scorecard of that name.")
        else:
            scorecard.name = form.name.data.strip()
            scorecard.description = (form.description.data or "").strip()
            scorecard.channels = versions.ordered_channels(form.channels.data)
            db.session.commit()
            flash("Scorecard details saved.", "success")
            return redirect(url_for(".history", scorecard_id=scorecard.id))
    return render_template("scorecards/scorecard_form.html", form=form, scorecard=scorecard), 422 if form.errors else 200


@bp.post("/<int:scorecard_id>/archive")
@roles(Role.VENDOR_ADMIN)
def archive(scorecard_id: int):
    versions.archive(_scorecard_or_404(scorecard_id))
    db.session.commit()
    flash("Archived: the scorecard is hidden from new work. Past evaluations keep it.", "success")
    return redirect(url_for(".history", scorecard_id=scorecard_id))


@bp.post("/<int:scorecard_id>/unarchive")
@roles(Role.VENDOR_ADMIN)
def unarchive(scorecard_id: int):
    versions.unarchive(_scorecard_or_404(scorecard_id))
    db.session.commit()
    flash("Restored: new work can use the scorecard again.", "success")
    return redirect(url_for(".history", scorecard_id=scorecard_id))


# ---- history, versions, compare ------------------------------------------------------------

@bp.get("/<int:scorecard_id>")
@roles(*READERS)
def history(scorecard_id: int):
    scorecard = _scorecard_or_404(scorecard_id)
    page = db.paginate(select(ScorecardVersion).where(ScorecardVersion.scorecard_id == scorecard.id)
                       .options(selectinload(ScorecardVersion.published_by))
                       .order_by(ScorecardVersion.number.desc()), per_page=PER_PAGE, error_out=False)
    return render_template("scorecards/history.html", scorecard=scorecard, page=page, args={},
                           draft=versions.draft_of(scorecard), numbers=[v.number for v in scorecard.versions])


@bp.post("/<int:scorecard_id>/draft")
@roles(Role.VENDOR_ADMIN)
def start_draft(scorecard_id: int):
    scorecard = _scorecard_or_404(scorecard_id)
    try:
        draft = versions.start_draft(scorecard)
        db.session.commit()
    except IntegrityError:  # someone else opened the draft a moment ago: use theirs
        db.session.rollback()
        draft = versions.draft_of(_scorecard_or_404(scorecard_id)) or abort(409)
    return redirect(_editor_url(draft))


@bp.get("/versions/<int:version_id>")
@roles(*READERS)
def version(version_id: int):
    found = _version_or_404(version_id)
    if found.is_draft and current_user.role == Role.VENDOR_ADMIN:
        return redirect(_editor_url(found))
    return render_template("scorecards/version.html", version=found, answers={}, result=None, errors={})


@bp.get("/<int:scorecard_id>/compare")
@roles(*READERS)
def compare(scorecard_id: int):
    scorecard = _scorecard_or_404(scorecard_id)
    by_number = {v.number: v for v in scorecard.versions}
    try:
        older, newer = sorted({int(request.args["a"]), int(request.args["b"])})
        older, newer = by_number[older], by_number[newer]
    except (KeyError, ValueError):
        abort(400, "Choose two different versions of this scorecard to compare.")
    older, newer = versions.get_version(older.id), versions.get_version(newer.id)
    return render_template("scorecards/compare.html", scorecard=scorecard, older=older, newer=newer,
                           diff=versions.compare(older, newer), numbers=sorted(by_number, reverse=True))


# ---- preview -------------------------------------------------------------------------------

@bp.post("/versions/<int:version_id>/preview")
@roles(*READERS)
def preview(version_id: int):
    found = _version_or_404(version_id)
    answers, errors = engine.parse_answers(found, request.form)
    result = engine.score_version(found, answers, g.tenant) if found.criteria else None
    context = dict(version=found, answers=answers, result=result, errors=errors)
    if htmx:
        return render_template("scorecards/_preview_result.html", **context), 422 if errors else 200
    return render_template("scorecards/version.html", **context), 422 if errors else 200


# ---- the draft editor ----------------------------------------------------------------------

def _outline_response(version: ScorecardVersion):
    """After a change of structure: the outline, swapped in place of the old one, with a fresh preview."""
    response = Response(render_template("scorecards/_outline.html", version=version, editing=True)
                        + render_template("scorecards/_preview.html", version=version, answers={}, result=None,
                                          errors={}, oob=True))
    response.headers["HX-Retarget"] = "#outline"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _done(version: ScorecardVersion, fragment: str | None = None, **context):
    """The answer to a successful change: a fragment for HTMX, a redirect to the editor otherwise."""
    if not htmx:
        return redirect(_editor_url(version))
    if fragment is None:
        return _outline_response(version)
    return render_template(fragment, version=version, editing=True, **context) + render_template(
        "scorecards/_preview.html", version=version, answers={}, result=None, errors={}, oob=True)


def _form(fragment: str, status: int = 200, **context):
    """A form: the fragment alone for HTMX, inside a page of its own without JavaScript."""
    if htmx:
        return render_template(fragment, **context), status
    return render_template("scorecards/form_page.html", fragment=fragment, **context), status


def _fresh(version_id: int) -> ScorecardVersion:
    db.session.expire_all()
    return _version_or_404(version_id)


@bp.get("/versions/<int:version_id>/edit")
@roles(Role.VENDOR_ADMIN)
def editor(version_id: int):
    draft = _draft_or_409(version_id)
    return render_template("scorecards/editor.html", version=draft, form=PublishForm(), problems=[],
                           section_form=SectionForm(formdata=None))


@bp.post("/versions/<int:version_id>/publish")
@roles(Role.VENDOR_ADMIN)
def publish(version_id: int):
    draft = _draft_or_409(version_id)
    form = PublishForm()
    try:
        if not form.validate_on_submit():
            raise versions.PublishRefused([e for errors in form.errors.values() for e in errors])
        versions.publish(draft, current_user.id, form.note.data or "")
        db.session.commit()
    except versions.PublishRefused as refused:
        db.session.rollback()
        return render_template("scorecards/editor.html", version=_fresh(version_id), form=form,
                               problems=refused.problems, section_form=SectionForm(formdata=None)), 422
    flash(f"Version {draft.number} is published: new work uses it from now on.", "success")
    return redirect(url_for(".version", version_id=draft.id))


@bp.post("/versions/<int:version_id>/discard")
@roles(Role.VENDOR_ADMIN)
def discard(version_id: int):
    draft = _draft_or_409(version_id)
    scorecard_id, only = draft.scorecard_id, len(draft.scorecard.versions) == 1
    versions.discard_draft(draft)
    db.session.commit()
    flash("Draft discarded.", "success")
    return redirect(url_for(".index") if only else url_for(".history", scorecard_id=scorecard_id))


@bp.post("/versions/<int:version_id>/sections")
@roles(Role.VENDOR_ADMIN)
def add_section(version_id: int):
    draft = _draft_or_409(version_id)
    form = SectionForm()
    if not form.validate_on_submit():
        return _form("scorecards/_section_add.html", 422, version=draft, section_form=form)
    versions.add_section(draft, form.title.data)
    db.session.commit()
    return _done(draft)


@bp.get("/sections/<int:section_id>")
@roles(Role.VENDOR_ADMIN)
def section(section_id: int):
    found = _section_or_404(section_id)
    return render_template("scorecards/_section_head.html", section=found, editing=found.version.is_draft)


@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def edit_section(section_id: int):
    found = _section_or_404(section_id)
    versions.ensure_draft(found.version)
    form = SectionForm(obj=found)
    if form.validate_on_submit():
        versions.rename_section(found, form.title.data)
        db.session.commit()
        return _done(found.version, "scorecards/_section_head.html", section=found)
    return _form("scorecards/_section_form.html", 422 if form.errors else 200, section=found, form=form,
                 version=found.version)


@bp.post("/sections/<int:section_id>/delete")
@roles(Role.VENDOR_ADMIN)
def delete_section(section_id: int):
    found = _section_or_404(section_id)
    draft = found.version
    versions.delete_section(found)
    db.session.commit()
    return _done(draft)


@bp.post("/sections/<int:section_id>/move")
@roles(Role.VENDOR_ADMIN)
def move_section(section_id: int):
    found = _section_or_404(section_id)
    versions.move(found, request.form.get("direction", ""))
    db.session.commit()
    return _done(_fresh(found.version_id))


def _criterion_form(**kwargs) -> CriterionForm:
    return CriterionForm(ability_tags=rules.ability_tags(g.tenant), **kwargs)


@bp.route("/sections/<int:section_id>/criteria", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def add_criterion(section_id: int):
    found = _section_or_404(section_id)
    versions.ensure_draft(found.version)
    form = _criterion_form()
    if form.validate_on_submit():
        versions.add_criterion(found, form.values())
        db.session.commit()
        return _done(found.version)
    return _form("scorecards/_criterion_form.html", 422 if form.errors else 200, form=form, section=found,
                 criterion=None, version=found.version)


@bp.get("/criteria/<int:criterion_id>")
@roles(Role.VENDOR_ADMIN)
def criterion(criterion_id: int):
    found = _criterion_or_404(criterion_id)
    return render_template("scorecards/_criterion.html", criterion=found, editing=found.section.version.is_draft)


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def edit_criterion(criterion_id: int):
    found = _criterion_or_404(criterion_id)
    draft = found.section.version
    versions.ensure_draft(draft)
    form = _criterion_form(obj=found)
    if form.validate_on_submit():
        versions.update_criterion(found, form.values())
        db.session.commit()
        return _done(draft, "scorecards/_criterion.html", criterion=found)
    return _form("scorecards/_criterion_form.html", 422 if form.errors else 200, form=form, section=found.section,
                 criterion=found, version=draft)


@bp.post("/criteria/<int:criterion_id>/delete")
@roles(Role.VENDOR_ADMIN)
def delete_criterion(criterion_id: int):
    found = _criterion_or_404(criterion_id)
    draft = found.section.version
    versions.delete_criterion(found)
    db.session.commit()
    return _done(draft)


@bp.post("/criteria/<int:criterion_id>/move")
@roles(Role.VENDOR_ADMIN)
def move_criterion(criterion_id: int):
    found = _criterion_or_404(criterion_id)
    versions.move(found, request.form.get("direction", ""))
    db.session.commit()
    return _done(_fresh(found.section.version_id))


# ---- export and import ---------------------------------------------------------------------

@bp.get("/versions/<int:version_id>/export")
@roles(*EXPORTERS)
def export(version_id: int):
    found = _version_or_404(version_id)
    return Response(transfer.dumps(transfer.export_document(found)), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{transfer.filename(found)}"'})


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def import_():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        text = form.text()
        try:
            if not text:
                raise transfer.DocumentInvalid(["Choose a file or paste a scorecard document."])
            document = transfer.parse(text)
            name = (form.name.data or "").strip() or document["scorecard"]["name"]
            if transfer.name_taken(name):
                raise transfer.DocumentInvalid([f"This tenant already has a scorecard named “{name}”: "
                                                "give the new one another name."])
            draft, warnings = transfer.create_draft(g.tenant.id, document, rules.ability_tags(g.tenant), name)
            db.session.commit()
        except transfer.DocumentInvalid as invalid:
            problems = invalid.errors
        else:
            for warning in warnings:
                flash(warning, "info")
            flash("Imported as a new draft. Review it, then publish.", "success")
            return redirect(_editor_url(draft))
    failed = bool(problems or form.errors)
    return render_template("scorecards/import.html", form=form, problems=problems), 422 if failed else 200


# ---- bands and pass mark -------------------------------------------------------------------

def _bands_form() -> BandsForm:
    if request.method == "POST":
        return BandsForm()
    tenant = g.tenant
    return BandsForm(data={
        "bands": [{"name": b.name, "min_score": _decimal(b.min_score), "color": b.color} for b in rules.tenant_bands(tenant)],
        "pass_mark": _decimal(rules.tenant_pass_mark(tenant)),
        "ability_tags": "\n".join(rules.ability_tags(tenant)),
    })


def _decimal(value) -> Decimal:
    return Decimal(str(rules.json_number(value)))


@bp.route("/bands", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def bands():
    form = _bands_form()
    problems: list[str] = []
    if form.validate_on_submit():
        rows = form.filled_rows()
        if any(row.min_score.data is None for row in rows):
            problems.append("Every named band needs the score it starts from.")
        else:
            chosen = [scoring.Band(r.name.data.strip(), r.min_score.data, (r.color.data or "").strip()) for r in rows]
            problems = rules.band_problems(chosen, form.pass_mark.data)
        if not problems:
            g.tenant.settings = {**(g.tenant.settings or {}), "bands": rules.bands_setting(chosen),
                                 "pass_mark": rules.json_number(form.pass_mark.data), "ability_tags": form.tags()}
            db.session.commit()
            flash("Bands, pass mark and abilities saved.", "success")
            return redirect(url_for(".bands"))
    failed = bool(problems or form.errors)
    return render_template("scorecards/bands.html", form=form, problems=problems, current_bands=rules.tenant_bands(g.tenant),
                           pass_mark=rules.tenant_pass_mark(g.tenant)), 422 if failed else 200
