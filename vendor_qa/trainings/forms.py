"""The training form (by hand, or filled from a finding) and the agent status form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from vendor_qa import clock
from vendor_qa.calls.models import CHANNELS
from vendor_qa.scorecards.forms import MultiCheckboxField
from vendor_qa.trainings.models import DEFAULT_IMPROVEMENT, DEFAULT_WEEKS, SOURCES

MAX_DAYS_AWAY = 730  # a training given (or planned) further from today is a typing mistake
WHO = [SelectChoice("team", "A team"), SelectChoice("band", "The agents of a band"),
       SelectChoice("list", "A list of agents")]


class TrainingForm(FlaskForm):
    title = StringField("Title", [DataRequired(message="Give the training a title."), Length(max=200)])
    criteria = MultiCheckboxField("Trained criteria", description="The follow-up compares the loss rate on these.")
    topic = StringField("Topic", [Optional(), Length(max=120)],
                        description="Optional: calls of this topic only (e.g. billing).")
    channel = SelectField("Channel", choices=[SelectChoice("", "Any / not known")] +
                          [SelectChoice(c, c.title()) for c in CHANNELS],
                          description="Re-checks take calls of this channel first.")
    who = RadioField("Who was trained", choices=WHO, default="team")
    team = SelectField("Team", coerce=str, choices=[])
    band = SelectField("Band", coerce=str, choices=[],
                       description="The agents whose average of the period below lies in this band.")
    band_period = StringField("Band of the period", [Optional(), Length(max=24)],
                              description="A month (2026-11), an ISO week (2026-W47) or a range.")
    agents = TextAreaField("Agents", [Optional(), Length(max=5000)], render_kw={"rows": 2},
                           description="Agent codes or ids, separated by commas or spaces.")
    given_on = DateField("Given on", [InputRequired(message="Give the day of the training.")])
    follow_up_weeks = IntegerField("Follow-up window (weeks)", [InputRequired(), NumberRange(1, 26)],
                                   default=DEFAULT_WEEKS)
    expected_improvement = IntegerField(
        "Expected improvement (percentage points)", [InputRequired(), NumberRange(1, 100)],
        default=DEFAULT_IMPROVEMENT,
        description="How much the loss rate on the trained criteria should drop, e.g. 15: from 40% to 25%.")
    note = TextAreaField("Note", [Optional(), Length(max=5000)], render_kw={"rows": 2})
    source = HiddenField(default="manual")
    finding_period = HiddenField()

    def validate_criteria(self, field) -> None:
        if not field.data and not (self.topic.data or "").strip():
            raise ValidationError("Choose at least one criterion, or give a topic.")

    def validate_given_on(self, field) -> None:
        if field.data and abs((field.data - clock.now().date()).days) > MAX_DAYS_AWAY:
            raise ValidationError("Give a day within two years of today.")

    def validate_source(self, field) -> None:
        if field.data not in SOURCES:
            field.data = "manual"

    def values(self) -> dict:
        """The training's own columns from the form (who was trained is read apart)."""
        return {"title": self.title.data.strip(), "criterion_keys": list(self.criteria.data or []),
                "topic": (self.topic.data or "").strip() or None, "channel": self.channel.data or None,
                "given_on": self.given_on.data, "follow_up_weeks": self.follow_up_weeks.data,
                "expected_improvement": self.expected_improvement.data, "source": self.source.data,
                "finding_period": (self.finding_period.data or None) if self.source.data == "finding" else None,
                "note": (self.note.data or "").strip() or None}


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    period = HiddenField()
    reason = StringField("Reason", [DataRequired(message="Say why (e.g. average 38 in November)."),
                                    Length(max=500)])
