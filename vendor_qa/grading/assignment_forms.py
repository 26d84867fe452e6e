"""Forms of the assignment pages: the admin's list filters and actions, the grader's release."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from vendor_qa.calls.forms import FilterForm, choice_field, choices, optional_int
from vendor_qa.grading.models import REASONS, STATUSES

MAX_PRIORITY = 1000
REASON_REQUIRED = "Give a reason; it is kept in the assignment's history."


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


class AssignmentFilterForm(FilterForm):
    status = choice_field("Status", options=choices((s, _label(s)) for s in STATUSES))
    reason = choice_field("Reason", options=choices((r, _label(r)) for r in REASONS))
    grader = choice_field("Grader", optional_int)
    agent = choice_field("Agent", optional_int)

    @classmethod
    def with_choices(cls, args, graders: list[tuple[int, str]], agents: list[tuple[int, str]]):
        form = cls(args)
        form.grader.choices = choices(graders)
        form.agent.choices = choices(agents)
        form.validate()
        return form


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(REASON_REQUIRED), Length(max=2000)])


class AssignForm(ReasonForm):
    grader = SelectField("Grader", coerce=optional_int, validators=[InputRequired("Choose a grader.")],
                         invalid_choice_message="Choose an active grader certified for this tenant.")


class ManualAssignmentForm(FlaskForm):
    call = StringField("Call external id", validators=[DataRequired("Give the call's external id."),
                                                        Length(max=120)])
    priority = IntegerField("Priority", default=50, validators=[
        InputRequired("Give a priority."), NumberRange(0, MAX_PRIORITY, f"between 0 and {MAX_PRIORITY}")],
        description="Higher is more urgent: low ratings get 100, samples 10.")
    due = DateTimeLocalField("Due", validators=[Optional()],
                             description="Local time of the tenant; empty means the SLA's sample turnaround from now.")
    note = TextAreaField("Why this call", validators=[DataRequired(REASON_REQUIRED), Length(max=2000)])

    def validate_due(self, field) -> None:
        # Keep the arithmetic in range; no real deadline is that far off.
        if field.data and not (2000 <= field.data.year <= 2100):
            raise ValidationError("Pick a date between 2000 and 2100.")

    def due_at(self, zone: ZoneInfo) -> datetime | None:
        """The due time in UTC, read as local time of the tenant."""
        return self.due.data.replace(tzinfo=zone).astimezone(timezone.utc) if self.due.data else None
