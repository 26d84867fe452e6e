"""The form of a coaching session."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from vendor_qa.coaching.models import NOTES_MAX


def _stripped(text: str | None) -> str:
    return (text or "").strip()


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CoachingForm(FlaskForm):
    held_on = DateField("Date of the session", validators=[InputRequired("Give the date of the session.")])
    focus = CheckboxesField("Focus criteria", description="What the session worked on.")
    evaluations = CheckboxesField("Evaluations discussed", coerce=int)
    notes = TextAreaField("Notes", validators=[Length(max=NOTES_MAX)], filters=[_stripped], render_kw={"rows": 5})
    notes_shared = BooleanField("Share the notes with the agent (they read them on their own page)")
    actions = TextAreaField("Agreed actions", validators=[Length(max=NOTES_MAX)], filters=[_stripped],
                            render_kw={"rows": 3})
    follow_up_on = DateField("Follow-up on", validators=[Optional()],
                             description="When to check the agreed actions; it shows on the home page then.")

    def __init__(self, *args, today: date, criteria: dict[str, str], evaluations: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.focus.choices = list(criteria.items())
        self.evaluations.choices = evaluations

    def validate_held_on(self, field) -> None:
        if field.data and field.data > self.today:
            raise ValidationError("cannot be in the future: record a session once it took place.")

    def validate_follow_up_on(self, field) -> None:
        if field.data and self.held_on.data and field.data < self.held_on.data:
            raise ValidationError("must be on or after the date of the session.")

    def validate(self, extra_validators=None) -> bool:
        found = super().validate(extra_validators)
        if found and not (self.notes.data or self.actions.data or self.focus.data):
            self.notes.errors.append("Write what was discussed, the agreed actions, or choose a focus.")
            return False
        return found
