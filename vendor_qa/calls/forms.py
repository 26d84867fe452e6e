"""Filter forms of the client lists: read from the query string, never saved.

A value that does not parse (a rating of "abc", the date 2026-13-40) is left
out of the query and reported to the user, so a hand-edited or stale link
still shows a page instead of an error.
"""

from __future__ import annotations

from typing import Iterable
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import DateField, Form, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from vendor_qa import periods
from vendor_qa.calls import queries
from vendor_qa.calls.ingest import normal_email
from vendor_qa.calls.models import CHANNELS

ANY = SelectChoice("", "Any")


def optional_int(value: str | int | None) -> int | None:
    return None if value in (None, "") else int(value)


def optional_text(value: str | None) -> str | None:
    return value or None


def choice_field(label: str, coerce=optional_text, options: list[SelectChoice] | None = None) -> SelectField:
    message = "is not one of the choices"
    return SelectField(label, coerce=coerce, choices=options, invalid_value_message=message,
                       invalid_choice_message=message)


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    return [ANY, *(SelectChoice(str(value), label) for value, label in pairs)]


class FilterForm(Form):
    """A GET form whose invalid fields are reported and ignored."""

    class Meta:
        csrf = False  # reading a list changes nothing

    def accepted(self, name: str):
        """The field's value, or None when it was empty or did not validate."""
        field = self[name]
        return None if field.errors else field.data

    @property
    def problems(self) -> list[str]:
        return [f"{self[name].label.text}: {error}" for name, errors in self.errors.items() for error in errors]


class AgentFilterForm(FilterForm):
    q = SearchField("Search", render_kw={"placeholder": "Name, code or external id"})
    team = choice_field("Team", optional_int)
    status = choice_field("Status", options=choices([("active", "Active"), ("inactive", "Inactive")]))

    @classmethod
    def for_tenant(cls, args) -> "AgentFilterForm":
        form = cls(args)
        form.team.choices = choices((t.id, t.name) for t in queries.teams())
        form.validate()
        return form

    @property
    def active(self) -> bool | None:
        status = self.accepted("status")
        return {"active": True, "inactive": False}.get(status)


RATINGS = [*((str(n), f"{n}") for n in range(5, 0, -1)), ("low", "2 or lower"), ("none", "Unrated")]


class CallFilterForm(FilterForm):
    q = SearchField("Search", render_kw={"placeholder": "External id or topic"})
    agent = choice_field("Agent", optional_int)
    team = choice_field("Team", optional_int)
    date_from = DateField("From", name="from", validators=[Optional()])
    date_to = DateField("To", name="to", validators=[Optional()])
    rating = choice_field("Rating", options=choices(RATINGS))
    topic = choice_field("Topic")
    channel = choice_field("Channel", options=choices((c, c.capitalize()) for c in CHANNELS))

    @classmethod
    def for_tenant(cls, args) -> "CallFilterForm":
        form = cls(args)
        form.agent.choices = choices(queries.agent_choices())
        form.team.choices = choices((t.id, t.name) for t in queries.teams())
        form.topic.choices = choices((t, t) for t in queries.topics())
        form.validate()
        return form

    def validate_date_from(self, field) -> None:
        _within_range(field)

    def validate_date_to(self, field) -> None:
        _within_range(field)
        if field.data and self.date_from.data and not self.date_from.errors and field.data < self.date_from.data:
            raise ValidationError("must be on or after From")

    def call_filter(self, zone: ZoneInfo) -> queries.CallFilter:
        first, last = self.accepted("date_from"), self.accepted("date_to")
        return queries.CallFilter(
            search=(self.q.data or "").strip() or None,
            agent_id=self.accepted("agent"),
            team_id=self.accepted("team"),
            since=periods.local_midnight(first, zone) if first else None,
            until=periods.local_days(last, last, zone).end if last else None,
            rating=self.accepted("rating"),
            topic=self.accepted("topic"),
            channel=self.accepted("channel"),
        )


def _within_range(field) -> None:
    # Far-off years would overflow the time-zone arithmetic; no call is that old or that new.
    first, last = periods.REPORT_FIRST_YEAR, periods.REPORT_LAST_YEAR
    if field.data and not (first <= field.data.year <= last):
        raise ValidationError(f"pick a date between {first} and {last}")


class AgentEmailForm(FlaskForm):
    """The agent's e-mail, edited on the agent's page (empty: no address)."""

    email = StringField("E-mail", validators=[Optional(), Length(max=254)],
                        description="Where feedback reaches the agent; leave empty for none.")

    def validate_email(self, field) -> None:
        found = normal_email(field.data or "")
        if isinstance(found, Exception):
            raise ValidationError(f"is not a valid e-mail address: {found}")
        field.data = found
