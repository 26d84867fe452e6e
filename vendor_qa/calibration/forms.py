"""Forms of the calibration pages: a new session, the tenant's cadence, and its grader-reliability settings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, DecimalField, IntegerField, SelectField, SelectMultipleField,
                     StringField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from vendor_qa.calls.forms import optional_int
from vendor_qa.tenants.models import Tenant

DEFAULT_DEADLINE = timedelta(days=3)
MAX_EVERY_DAYS = 365


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(FlaskForm):
    call = StringField("Call external id", validators=[Optional(), Length(max=120)],
                       description="Leave empty and tick the box below to let the system pick.")
    random_call = BooleanField("Pick a random recent call")
    graders = CheckboxesField("Graders", coerce=int,
                              invalid_choice_message="Choose graders certified for this tenant.")
    expert = SelectField("Expert (optional)", coerce=optional_int, validate_choice=False,
                         description="Their answers are the benchmark; they must be one of the graders.")
    deadline = DateTimeLocalField("Deadline", validators=[InputRequired("Give a deadline.")],
                                  description="Local time of the tenant.")

    @classmethod
    def for_graders(cls, graders, zone: ZoneInfo, now: datetime, **kwargs) -> "SessionForm":
        form = cls(**kwargs)
        form.graders.choices = [(u.id, f"{u.name} ({u.pseudonym})") for u in graders]
        form.expert.choices = [("", "No expert")] + form.graders.choices
        if form.deadline.data is None and not form.is_submitted():
            form.deadline.data = (now + DEFAULT_DEADLINE).astimezone(zone).replace(tzinfo=None, second=0,
                                                                                    microsecond=0)
        return form

    def validate_call(self, field) -> None:
        if not (field.data or "").strip() and not self.random_call.data:
            raise ValidationError("Give a call's external id, or tick 'Pick a random recent call'.")

    def validate_deadline(self, field) -> None:
        if field.data and not (2000 <= field.data.year <= 2100):
            raise ValidationError("Pick a date between 2000 and 2100.")

    def deadline_at(self, zone: ZoneInfo) -> datetime:
        return self.deadline.data.replace(tzinfo=zone).astimezone(timezone.utc)


class CadenceForm(FlaskForm):
    every_days = IntegerField("Start a session every (days)", validators=[
        InputRequired("Give a number of days (0 turns the cadence off)."),
        NumberRange(0, MAX_EVERY_DAYS, f"between 0 and {MAX_EVERY_DAYS}")],
        description="The daily job starts a session with up to five certified graders; 0 turns it off.")


PERCENT_SETTINGS = ("double_grade_share", "reliability_min_agreement", "certification_alignment")
NUMBER_SETTINGS = ("reliability_max_leniency", "reliability_min_pairs")


def _percent(label: str, description: str) -> DecimalField:
    return DecimalField(label, places=None, validators=[Optional(), NumberRange(0, 100, "between 0 and 100")],
                        description=description)


class ReliabilitySettingsForm(FlaskForm):
    """A tenant's grader-reliability settings; the tenant edit form takes them in (tenants/forms.py).

    A number left empty (or not sent) keeps the current value, like the form's other settings.
    """

    double_grade_share = _percent("Samples graded twice, blind (%)",
                                  "A second grader grades this share of sampled calls; it counts for no agent.")
    reliability_min_agreement = _percent("Flag graders below this agreement (%)",
                                         "Agreement with peers or alignment with experts, as a share of criteria.")
    reliability_max_leniency = DecimalField(
        "Flag graders this many points off their peers", places=None,
        validators=[Optional(), NumberRange(0, 100, "between 0 and 100")],
        description="Their mean total against the other graders' on the same calls, either way.")
    reliability_min_pairs = IntegerField(
        "Flag only after this many compared calls", validators=[Optional(), NumberRange(1, 1000, "between 1 and 1000")])
    certification_gate = BooleanField(
        "Certification gate", description="A newly certified grader gets calibration work only until their "
                                          "alignment with the experts reaches the mark below.")
    certification_alignment = _percent("Alignment needed for certification (%)",
                                       "Over the tenant's calibration sessions with an expert.")


def reliability_settings_data(tenant: Tenant) -> dict[str, Any]:
    """The form's values from the tenant's settings (percentages as 0..100)."""
    data: dict[str, Any] = {key: Decimal(str(tenant.setting(key))) * 100 for key in PERCENT_SETTINGS}
    data.update({key: tenant.setting(key) for key in NUMBER_SETTINGS})
    data["certification_gate"] = bool(tenant.setting("certification_gate"))
    return data


def reliability_settings(tenant: Tenant, form: ReliabilitySettingsForm) -> dict[str, Any]:
    """The settings the form gives; an empty number keeps the tenant's current value."""
    found: dict[str, Any] = {key: float(form[key].data / 100) if form[key].data is not None else tenant.setting(key)
                             for key in PERCENT_SETTINGS}
    leniency = form.reliability_max_leniency.data
    found["reliability_max_leniency"] = float(leniency) if leniency is not None else tenant.setting(
        "reliability_max_leniency")
    found["reliability_min_pairs"] = form.reliability_min_pairs.data or tenant.setting("reliability_min_pairs")
    found["certification_gate"] = bool(form.certification_gate.data)
    return found
