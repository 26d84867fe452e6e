"""Forms of the SLA pages: a tenant's policy, agent exclusions, a grader's daily capacity."""

from __future__ import annotations

from fractions import Fraction

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from vendor_qa.calls.models import CHANNELS
from vendor_qa.scorecards.forms import MultiCheckboxField
from vendor_qa.sla.capacity import MAX_DAILY_CAPACITY
from vendor_qa.sla.policy import Policy


def _count(label: str, description: str = "", low: int = 0, high: int = 1000) -> IntegerField:
    return IntegerField(label, [InputRequired(message="Give a whole number."), NumberRange(low, high)],
                        description=description)


class PolicyForm(FlaskForm):
    minimum = _count("Minimum evaluations per agent per week", high=100)
    target = _count("Target", "Planning tops each agent up to this.", high=100)
    maximum = _count("Maximum", "Samples never go past it; priority reviews may.", high=100)
    low_rating_threshold = _count("Low-rating threshold", "A customer rating at or below this is a priority "
                                  "review (0: none).", high=5)
    priority_turnaround_hours = _count("Priority review turnaround (hours)", low=1, high=24 * 14)
    sample_turnaround_hours = _count("Sample turnaround (hours)", low=1, high=24 * 14)
    short_call_seconds = _count("Short call boundary (seconds)", "Calls shorter than this are short.",
                                low=1, high=24 * 3600)
    short_share_percent = _count("Short calls in the sample (%)", high=100)
    compliance_target_percent = _count("Contract compliance target (%)",
                                       "Share of agents at or above the minimum.", high=100)
    channels = MultiCheckboxField("Channels in scope", choices=[SelectChoice(c, c.title()) for c in CHANNELS])

    def validate_channels(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one channel.")

    @classmethod
    def for_policy(cls, policy: Policy) -> "PolicyForm":
        return cls(data={
            "minimum": policy.minimum, "target": policy.target, "maximum": policy.maximum,
            "low_rating_threshold": policy.low_rating_threshold,
            "priority_turnaround_hours": policy.priority_turnaround_hours,
            "sample_turnaround_hours": policy.sample_turnaround_hours,
            "short_call_seconds": policy.short_call_seconds,
            "short_share_percent": round(policy.short_share * 100),
            "compliance_target_percent": round(policy.compliance_target * 100),
            "channels": sorted(policy.channels),
        })

    def policy(self) -> Policy:
        return Policy(
            minimum=self.minimum.data, target=self.target.data, maximum=self.maximum.data,
            low_rating_threshold=self.low_rating_threshold.data,
            priority_turnaround_hours=self.priority_turnaround_hours.data,
            sample_turnaround_hours=self.sample_turnaround_hours.data,
            short_call_seconds=self.short_call_seconds.data,
            short_share=Fraction(self.short_share_percent.data, 100),
            channels=frozenset(self.channels.data),
            compliance_target=Fraction(self.compliance_target_percent.data, 100),
        )


class ExclusionForm(FlaskForm):
    agent = StringField("Agent (code or your id)", [DataRequired(), Length(max=120)])
    from_date = DateField("From", [InputRequired(message="Give the first day.")])
    to_date = DateField("To", [InputRequired(message="Give the last day.")])
    reason = StringField("Reason", [DataRequired(), Length(max=200)], description="e.g. leave, new hire grace")

    def validate_to_date(self, field: DateField) -> None:
        if self.from_date.data and field.data and field.data < self.from_date.data:
            raise ValidationError("The last day cannot be before the first.")


class WholeNumberField(IntegerField):
    """An IntegerField whose answer to "abc" or "7.5" says what to type instead."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None


CAPACITY_MESSAGE = f"Give a whole number of evaluations a day, from 0 to {MAX_DAILY_CAPACITY}."


class CapacityForm(FlaskForm):
    daily_capacity = WholeNumberField(
        "Daily capacity", [InputRequired(CAPACITY_MESSAGE), NumberRange(0, MAX_DAILY_CAPACITY, CAPACITY_MESSAGE)],
        message=CAPACITY_MESSAGE, description="Evaluations a day; 0 gives the grader no new SLA work.")
