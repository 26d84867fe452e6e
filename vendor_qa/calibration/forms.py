"""Forms of the calibration pages: a new session, and the tenant's cadence."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from vendor_qa.calls.forms import optional_int

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
