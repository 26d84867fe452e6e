"""CSV upload of calls, imported by a background job with visible progress."""

from __future__ import annotations

from pathlib import PurePath

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import defer

from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.csv_import import (
    COLUMNS,
    MAX_REPORTED_ERRORS,
    MAX_ROWS,
    CsvFileError,
    read_csv,
    schedule_import,
)
from vendor_qa.calls.models import CallImport
from vendor_qa.extensions import db, htmx
from vendor_qa.pagination import Page, requested_page
from vendor_qa.ratelimits import expensive
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("imports", __name__, url_prefix="/t/<tenant>/imports")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
EXAMPLE_CSV = "imports/example.csv"  # under templates/, served as a download


class UploadForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to upload."),
                                             FileAllowed(["csv"], "Upload a .csv file.")],
                     description=f"UTF-8, one call a row, at most {MAX_ROWS:,} rows.")


@bp.get("/")
@roles(*CLIENT_SIDE)
def index():
    return _index_page(UploadForm())


@bp.post("/")
@roles(*CLIENT_SIDE)
@expensive("CALL_IMPORT", "imports")
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        try:
            parsed = read_csv(form.file.data.read())
        except CsvFileError as error:
            form.file.errors.append(str(error))
        else:
            row = CallImport(tenant_id=g.tenant.id, filename=_filename(form.file.data.filename),
                             content=parsed.text, total_rows=len(parsed.calls), uploaded_by_id=current_user.id)
            db.session.add(row)
            db.session.flush()
            schedule_import(g.tenant.id, row.id)  # with the upload, in one commit: it runs once a worker can
            db.session.commit()
            flash(f"{row.filename} is queued for import.", "success")
            return redirect(url_for(".detail", import_id=row.id))
    return _index_page(form), 422


@bp.get("/<int:import_id>")
@roles(*CLIENT_SIDE)
def detail(import_id: int):
    row, retryable = _import(import_id)
    errors = Page.of_list(row.errors or [], requested_page(), current_app.config["PAGE_SIZE"])
    template = "imports/_progress.html" if htmx else "imports/detail.html"
    return render_template(template, upload=row, errors=errors, error_limit=MAX_REPORTED_ERRORS,
                           retryable=retryable)


@bp.post("/<int:import_id>/retry")
@roles(*CLIENT_SIDE)
def retry(import_id: int):
    """Run an import that stopped on an unexpected error again, from the file it kept."""
    row, retryable = _import(import_id)
    if not retryable:
        flash("Only an import that stopped on an unexpected error can be tried again; "
              "fix the file and upload it again.", "error")
        return redirect(url_for(".detail", import_id=row.id)), 303
    row.status, row.errors, row.processed_rows, row.finished_at = "queued", [], 0, None
    schedule_import(g.tenant.id, row.id)
    db.session.commit()
    flash(f"{row.filename} is queued for import again.", "success")
    return redirect(url_for(".detail", import_id=row.id)), 303


@bp.get("/example.csv")
@roles(*CLIENT_SIDE)
def example():
    return send_from_directory(current_app.template_folder, EXAMPLE_CSV, as_attachment=True,
                               download_name="calls-example.csv", mimetype="text/csv")


def _import(import_id: int) -> tuple[CallImport, bool]:
    """The import (without its text) and whether it can be tried again: failed with its file kept."""
    found = db.session.execute(select(CallImport, CallImport.content.is_not(None))
                               .options(defer(CallImport.content)).where(CallImport.id == import_id)).first()
    if found is None:
        abort(404)
    row, has_file = found
    return row, row.status == "failed" and has_file


def _index_page(form: UploadForm):
    imports = db.paginate(
        select(CallImport).options(defer(CallImport.content))
        .order_by(CallImport.created_at.desc(), CallImport.id.desc()),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )
    return render_template("imports/index.html", form=form, imports=imports, columns=COLUMNS)


def _filename(name: str | None) -> str:
    return (PurePath(name or "calls.csv").name or "calls.csv")[:255]
