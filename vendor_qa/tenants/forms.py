"""Forms of the vendor admin pages: tenants, API tokens, users, certifications.

Tenants are chosen by slug: it is what people and the CLI call a tenant by.
"""

from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (BooleanField, EmailField, Field, Form, IntegerField, PasswordField, SelectField,
                     SelectMultipleField, StringField, ValidationError)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from vendor_qa.agent_view.forms import FeedbackRouteForm
from vendor_qa.auth.accounts import MIN_PASSWORD_LENGTH
from vendor_qa.auth.models import Role
from vendor_qa.calibration.forms import ReliabilitySettingsForm
from vendor_qa.extensions import db
from vendor_qa.tenants.models import SLUG_PATTERN, Tenant, is_timezone

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
MAX_DISPUTE_DAYS = 90


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """The IANA zones offered in the time zone picker (legacy aliases left out)."""
    from zoneinfo import available_timezones

    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def tenant_choices(exclude: set[int] = frozenset(), blank: str | None = None) -> list[SelectChoice]:
    """Every tenant (but those excluded) as an option, after a blank one when `blank` names it."""
    rows = db.session.execute(select(Tenant.id, Tenant.slug, Tenant.name).order_by(Tenant.name))
    options = [SelectChoice(slug, f"{name} ({slug})") for tid, slug, name in rows if tid not in exclude]
    return [SelectChoice("", blank), *options] if blank is not None else options


def tenant_by_slug(slug: str | None) -> Tenant | None:
    if not slug:
        return None
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def _iana_zone(form: Form, field: Field) -> None:
    if not is_timezone(field.data or ""):
        raise ValidationError("Choose an IANA time zone from the list, e.g. Europe/Oslo.")


class TenantSettingsForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the client company's name."), Length(max=200)])
    timezone = StringField("Time zone", default="UTC", validators=[_iana_zone],
                           description="Weeks and times are shown in this zone.")


class TenantCreateForm(TenantSettingsForm):
    slug = StringField(
        "Slug",
        validators=[DataRequired("Give a slug."), Regexp(
            SLUG_PATTERN,
            message="Use lower-case letters, digits and dashes (1 to 40, no dash at either end).")],
        description="Short name in addresses, e.g. acme (/t/acme/). It cannot be changed later.",
    )

    def validate_slug(self, field: Field) -> None:
        if db.session.scalar(select(Tenant.id).where(Tenant.slug == field.data)):
            raise ValidationError(f"A tenant with slug {field.data!r} exists already.")


class TenantEditForm(TenantSettingsForm, ReliabilitySettingsForm, FeedbackRouteForm):
    active = BooleanField("Active", description="An inactive tenant keeps its data.")
    allow_agent_names = BooleanField(
        "Graders may see agent names", description="Otherwise graders see agents by code only.")
    show_customer_rating = BooleanField(
        "Graders see the customer's rating", description="Hidden by default: it biases the grader.")
    dispute_window_days = IntegerField("Dispute window (days)", validators=[
        Optional(), NumberRange(1, MAX_DISPUTE_DAYS, f"between 1 and {MAX_DISPUTE_DAYS}")],
        description="How long after submission a client manager may dispute an evaluation.")
    dispute_alert_days = IntegerField("Alert on disputes open longer than (days)", validators=[
        Optional(), NumberRange(1, MAX_DISPUTE_DAYS, f"between 1 and {MAX_DISPUTE_DAYS}")],
        description="Vendor admins are alerted, once a day, of disputes left open longer.")
    require_second_factor = BooleanField(
        "Client managers log in with a second factor",
        description="A code from an authenticator app after the password; they set it up at their next login.")


class ApiTokenForm(FlaskForm):
    name = StringField("What is it for?", validators=[DataRequired("Name the token, e.g. the integration."),
                                                     Length(max=100)])


class UserFilterForm(Form):
    """The query string of the users list (no CSRF: it only reads)."""

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    role = SelectField("Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES], validators=[Optional()])
    tenant = SelectField("Tenant", choices=[], validators=[Optional()], validate_choice=False)


def _password_validators(required: bool) -> list:
    message = f"At least {MIN_PASSWORD_LENGTH} characters."
    first = DataRequired("Give a password.") if required else Optional()
    return [first, Length(min=MIN_PASSWORD_LENGTH, message=message)]


class UserCreateForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired("Give an e-mail address.")])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField("Password", validators=_password_validators(required=True))
    tenant = SelectField("Tenant", choices=[], default="",
                         description="Client managers only: the company they work for.")
    certify = SelectMultipleField("Certified for", choices=[],
                                  description="Graders only: the tenants they may grade.")


class UserEditForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give a name."), Length(max=200)])
    active = BooleanField("Active", description="An inactive account cannot log in.")
    tenant = SelectField("Tenant", choices=[], default="")
    teams = SelectMultipleField("Team lead of", choices=[], coerce=int,
                                description="Client managers only: limit them to these teams' agents "
                                            "(none chosen: the whole tenant).")
    password = PasswordField("New password", validators=_password_validators(required=False),
                             description="Leave empty to keep the current password.")


class CertifyForm(FlaskForm):
    tenant = SelectField("Tenant", choices=[], validators=[DataRequired("Choose a tenant.")])
