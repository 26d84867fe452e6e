"""Vendor admin pages: tenants, their API tokens, users and grader certifications.

These pages are not under /t/<tenant>, so no tenant context is set for them:
each query of a tenant-owned model opens its scope explicitly.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from vendor_qa import clock
from vendor_qa.auth import second_factor
from vendor_qa.auth.accounts import AccountError, certify, create_user, uncertify, update_user
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.auth.sessions import end_sessions
from vendor_qa.agent_view.forms import feedback_route_data, feedback_route_settings
from vendor_qa.calibration.forms import reliability_settings, reliability_settings_data
from vendor_qa.calls.models import Agent, Team
from vendor_qa.extensions import db, htmx
from vendor_qa.tenants.forms import (ApiTokenForm, CertifyForm, TenantCreateForm, TenantEditForm,
                                     UserCreateForm, UserEditForm, UserFilterForm, tenant_by_slug,
                                     tenant_choices, timezone_names)
from vendor_qa.tenants.models import ApiToken, Tenant
from vendor_qa.tenants import teams
from vendor_qa.tenants.scoping import tenant_scope, tenants_scope

bp = Blueprint("tenants", __name__, url_prefix="/admin")

ADMIN = Role.VENDOR_ADMIN
DETAIL_LIMIT = 10  # rows of each list on the tenant page; the full lists are paginated elsewhere


def _paginate(stmt: Select):
    return db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], max_per_page=200, error_out=False)


def _add_account_error(form: FlaskForm, error: AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


# --- tenants --------------------------------------------------------------------------------


def _tenant_counts(tenant_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Active agents and client managers of each tenant on the page: two grouped queries."""
    if not tenant_ids:
        return {}, {}
    with tenants_scope(tenant_ids, "admin tenant list: agent counts"):
        agents = dict(db.session.execute(
            select(Agent.tenant_id, func.count()).where(Agent.active).group_by(Agent.tenant_id)).all())
    managers = dict(db.session.execute(
        select(User.tenant_id, func.count())
        .where(User.role == Role.CLIENT_MANAGER.value, User.tenant_id.in_(tenant_ids))
        .group_by(User.tenant_id)).all())
    return agents, managers


@bp.get("/tenants")
@roles(ADMIN)
def index():
    page = _paginate(select(Tenant).order_by(Tenant.name, Tenant.id))
    agents, managers = _tenant_counts([t.id for t in page.items])
    return render_template("tenants/index.html", page=page, agents=agents, managers=managers)


@bp.route("/tenants/new", methods=["GET", "POST"])
@roles(ADMIN)
def new_tenant():
    form = TenantCreateForm()
    if form.validate_on_submit():
        tenant = Tenant(slug=form.slug.data, name=form.name.data.strip(), timezone=form.timezone.data)
        db.session.add(tenant)
        try:
            db.session.commit()
        except IntegrityError:  # another admin took the slug a moment ago
            db.session.rollback()
            form.slug.errors.append(f"A tenant with slug {form.slug.data!r} exists already.")
        else:
            flash(f"Tenant {tenant.name} created.", "success")
            return redirect(url_for("tenants.tenant", tenant_id=tenant.id))
    return _tenant_form("tenants/tenant_form.html", form, tenant=None)


def _tenant_form(template: str, form: FlaskForm, tenant: Tenant | None):
    status = 422 if form.errors else 200
    return render_template(template, form=form, tenant=tenant, zones=timezone_names()), status


@bp.get("/tenants/<int:tenant_id>")
@roles(ADMIN)
def tenant(tenant_id: int):
    tenant = db.get_or_404(Tenant, tenant_id)
    managers = select(User).where(User.role == Role.CLIENT_MANAGER.value, User.tenant_id == tenant.id)
    graders = (select(User).join(GraderCertification, GraderCertification.grader_id == User.id)
               .where(GraderCertification.tenant_id == tenant.id, GraderCertification.active))
    with tenant_scope(tenant.id):
        tokens = db.session.scalars(
            select(ApiToken).where(ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc()).limit(DETAIL_LIMIT)).all()
        token_count = _count(select(ApiToken).where(ApiToken.revoked_at.is_(None)))
    return render_template(
        "tenants/tenant.html", tenant=tenant,
        managers=_first(managers), manager_count=_count(managers),
        graders=_first(graders), grader_count=_count(graders),
        tokens=tokens, token_count=token_count, limit=DETAIL_LIMIT,
    )


def _first(stmt: Select) -> list:
    return db.session.scalars(stmt.order_by(User.name, User.id).limit(DETAIL_LIMIT)).all()


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


@bp.route("/tenants/<int:tenant_id>/edit", methods=["GET", "POST"])
@roles(ADMIN)
def edit_tenant(tenant_id: int):
    tenant = db.get_or_404(Tenant, tenant_id)
    form = TenantEditForm(obj=tenant, data={
        "allow_agent_names": tenant.setting("allow_agent_names"),
        "show_customer_rating": tenant.setting("show_customer_rating"),
        "dispute_window_days": tenant.setting("dispute_window_days"),
        "dispute_alert_days": tenant.setting("dispute_alert_days"),
        "require_second_factor": tenant.setting("require_second_factor"),
        **reliability_settings_data(tenant),
        **feedback_route_data(tenant),
    })
    if form.validate_on_submit():
        tenant.name = form.name.data.strip()
        tenant.timezone = form.timezone.data
        tenant.active = form.active.data
        # A new dict: SQLAlchemy does not notice changes made inside a JSON value.
        tenant.settings = {
            **(tenant.settings or {}),
            "allow_agent_names": form.allow_agent_names.data,
            "show_customer_rating": form.show_customer_rating.data,
            # Left empty (or not sent): the current value stays.
            "dispute_window_days": form.dispute_window_days.data or tenant.setting("dispute_window_days"),
            "dispute_alert_days": form.dispute_alert_days.data or tenant.setting("dispute_alert_days"),
            "require_second_factor": form.require_second_factor.data,
            **reliability_settings(tenant, form),
            **feedback_route_settings(tenant, form),
        }
        db.session.commit()
        flash(f"Tenant {tenant.name} saved.", "success")
        return redirect(url_for("tenants.tenant", tenant_id=tenant.id))
    return _tenant_form("tenants/tenant_form.html", form, tenant=tenant)


# --- API tokens -----------------------------------------------------------------------------


def _tokens_page(tenant: Tenant, form: ApiTokenForm, secret: str | None = None, status: int = 200):
    with tenant_scope(tenant.id):
        page = _paginate(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc()))
    response = make_response(render_template(
        "tenants/tokens.html", tenant=tenant, page=page, form=form, secret=secret), status)
    if secret:
        response.headers["Cache-Control"] = "no-store"  # the secret must not outlive this page
    return response


@bp.get("/tenants/<int:tenant_id>/tokens")
@roles(ADMIN)
def tokens(tenant_id: int):
    return _tokens_page(db.get_or_404(Tenant, tenant_id), ApiTokenForm())


@bp.post("/tenants/<int:tenant_id>/tokens")
@roles(ADMIN)
def issue_token(tenant_id: int):
    tenant = db.get_or_404(Tenant, tenant_id)
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _tokens_page(tenant, form, status=422)
    with tenant_scope(tenant.id):
        row, secret = ApiToken.issue(tenant, form.name.data.strip(), created_by_id=current_user.id)
        db.session.add(row)
        db.session.commit()
    # Shown on this answer only: the database keeps the hash, so it cannot be shown again.
    return _tokens_page(tenant, ApiTokenForm(formdata=None), secret=secret, status=201)


@bp.post("/tenants/<int:tenant_id>/tokens/<int:token_id>/revoke")
@roles(ADMIN)
def revoke_token(tenant_id: int, token_id: int):
    tenant = db.get_or_404(Tenant, tenant_id)
    with tenant_scope(tenant.id):
        token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.tenant_id == tenant.id))
        if token is None:
            abort(404)
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            db.session.commit()
            flash(f"Token {token.name} ({token.prefix}…) revoked: it no longer opens the API.", "success")
    return redirect(url_for("tenants.tokens", tenant_id=tenant.id))


# --- users ----------------------------------------------------------------------------------


def _users_query(role: str | None, tenant: Tenant | None, search: str | None) -> Select:
    stmt = (select(User).order_by(User.name, User.id)
            .options(selectinload(User.tenant),
                     selectinload(User.certifications).selectinload(GraderCertification.tenant)))
    if role:
        stmt = stmt.where(User.role == role)
    if tenant is not None:  # its client managers and the graders certified for it
        certified = select(GraderCertification.grader_id).where(
            GraderCertification.tenant_id == tenant.id, GraderCertification.active)
        stmt = stmt.where(or_(User.tenant_id == tenant.id, User.id.in_(certified)))
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    return stmt


@bp.get("/users")
@roles(ADMIN)
def users():
    filters = UserFilterForm(request.args)
    filters.tenant.choices = tenant_choices(blank="Any tenant")
    filters.validate()
    role = filters.role.data if not filters.role.errors else None
    page = _paginate(_users_query(role, tenant_by_slug(filters.tenant.data), (filters.q.data or "").strip()))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    template = "tenants/_users_table.html" if htmx else "tenants/users.html"
    return render_template(template, page=page, filters=filters, args=args)


def _user_create_form() -> UserCreateForm:
    form = UserCreateForm()
    form.certify.choices = tenant_choices()
    form.tenant.choices = [SelectChoice("", "— (client managers only)"), *form.certify.choices]
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@roles(ADMIN)
def new_user():
    form = _user_create_form()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data, password=form.password.data, role=Role(form.role.data),
                name=form.name.data, tenant=tenant_by_slug(form.tenant.data),
                certify=[tenant_by_slug(slug) for slug in form.certify.data],
            )
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            _add_account_error(form, error)
        except IntegrityError:  # the same e-mail created a moment ago
            db.session.rollback()
            form.email.errors.append("This e-mail has an account already.")
        else:
            flash(f"{Role(user.role).label} {user.email} created.", "success")
            return redirect(url_for("tenants.user", user_id=user.id))
    return render_template("tenants/user_form.html", form=form, user=None), 422 if form.errors else 200


def _certify_form(user: User) -> CertifyForm:
    form = CertifyForm()
    form.tenant.choices = tenant_choices(exclude=set(user.certified_tenant_ids), blank="Choose a tenant…")
    return form


def _user_page(user: User, form: CertifyForm | None = None, status: int = 200):
    form = form or _certify_form(user)
    return render_template("tenants/user.html", user=user, form=form), status


@bp.get("/users/<int:user_id>")
@roles(ADMIN)
def user(user_id: int):
    return _user_page(db.get_or_404(User, user_id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles(ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    # Not obj=user: the form's `tenant` is a slug, the user's a Tenant.
    form = UserEditForm(data={"name": user.name, "active": user.active,
                              "tenant": user.tenant.slug if user.tenant else "", "teams": sorted(user.lead_team_ids)})
    if user.role == Role.CLIENT_MANAGER:
        form.tenant.choices = tenant_choices()
        with tenant_scope(user.tenant_id):
            form.teams.choices = [(t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]
    else:
        del form.tenant  # only client managers belong to a tenant
        del form.teams
    if form.validate_on_submit():
        try:
            tenant_before = user.tenant_id
            update_user(user, name=form.name.data, active=form.active.data,
                        tenant=tenant_by_slug(form.tenant.data) if "tenant" in form else None,
                        password=form.password.data or None, acting=current_user)
            if "teams" in form:  # another tenant's teams are not theirs: a move clears them
                teams.set_lead_teams(user, form.teams.data if user.tenant_id == tenant_before else [])
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            _add_account_error(form, error)
        else:
            flash(f"{user.name} saved.", "success")
            return redirect(url_for("tenants.user", user_id=user.id))
    return render_template("tenants/user_form.html", form=form, user=user), 422 if form.errors else 200


def _set_active(user_id: int, active: bool):
    user = db.get_or_404(User, user_id)
    if not active and user.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
    elif user.active != active:
        user.active = active
        db.session.commit()
        flash(f"{user.name} {'activated' if active else 'deactivated'}.", "success")
    return redirect(url_for("tenants.user", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@roles(ADMIN)
def deactivate_user(user_id: int):
    return _set_active(user_id, active=False)


@bp.post("/users/<int:user_id>/activate")
@roles(ADMIN)
def activate_user(user_id: int):
    return _set_active(user_id, active=True)


@bp.post("/users/<int:user_id>/end-sessions")
@roles(ADMIN)
def end_user_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    end_sessions(user)
    db.session.commit()
    flash(f"Every session of {user.name} has ended; they must log in again.", "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("tenants.user", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-second-factor")
@roles(ADMIN)
def reset_second_factor(user_id: int):
    """After a lost phone: the user's second factor is forgotten and their sessions end; where it is
    required they set it up again at their next login, else they may turn it on again."""
    user = db.get_or_404(User, user_id)
    if user.totp_secret is None:
        flash(f"{user.name} has no second factor to reset.", "info")
    else:
        second_factor.remove(user)
        db.session.commit()
        flash(f"The second factor of {user.name} is reset and their sessions have ended.", "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("tenants.user", user_id=user.id))


# --- grader certifications ------------------------------------------------------------------


def _grader_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.role != Role.GRADER:
        abort(404, "Only graders have certifications.")
    return user


def _certifications_answer(user: User, form: CertifyForm | None = None, status: int = 200):
    """The list as an HTMX fragment, or (without JavaScript) back to the grader's page."""
    if htmx:
        form = form or _certify_form(user)
        return render_template("tenants/_certifications.html", user=user, form=form), status
    if status >= 400:
        return _user_page(user, form, status)
    return redirect(url_for("tenants.user", user_id=user.id))


@bp.post("/users/<int:user_id>/certifications")
@roles(ADMIN)
def certify_user(user_id: int):
    user = _grader_or_404(user_id)
    form = _certify_form(user)
    if not form.validate_on_submit():
        return _certifications_answer(user, form, 422)
    tenant = tenant_by_slug(form.tenant.data)
    certify(user, tenant)
    db.session.commit()
    if not htmx:
        flash(f"{user.name} is certified for {tenant.name}.", "success")
    return _certifications_answer(user)


@bp.post("/users/<int:user_id>/certifications/<int:tenant_id>/remove")
@roles(ADMIN)
def uncertify_user(user_id: int, tenant_id: int):
    user = _grader_or_404(user_id)
    tenant = db.get_or_404(Tenant, tenant_id)
    if not uncertify(user, tenant):
        abort(404, f"{user.name} is not certified for {tenant.name}.")
    db.session.commit()
    if not htmx:
        flash(f"{user.name} is no longer certified for {tenant.name}.", "success")
    return _certifications_answer(user)
