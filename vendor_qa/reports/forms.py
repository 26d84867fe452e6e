"""The dashboard's period selector and filters, read from the query string.

The period inputs are the browser's own: <input type="week"> sends '2026-W47' and
<input type="month"> sends '2026-11', exactly the texts vendor_qa.reports.periods parses.
A value that does not parse is reported above the dashboard and the default is shown
instead (the filter-form rule of vendor_qa.calls.forms).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from wtforms import DateField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from vendor_qa import periods
from vendor_qa.calls import queries
from vendor_qa.calls.forms import FilterForm, choice_field, choices, optional_int
from vendor_qa.calls.models import CHANNELS
from vendor_qa.periods import PeriodError, ReportPeriod
from vendor_qa.reports.aggregates import AGENT_SORTS, Filters

VIEWS = [SelectChoice("month", "Month"), SelectChoice("week", "ISO week"), SelectChoice("range", "Custom range")]


class DashboardForm(FilterForm):
    view = SelectField("Period", choices=VIEWS, default="month")
    week = StringField("Week", render_kw={"type": "week", "placeholder": "2026-W47"})
    month = StringField("Month", render_kw={"type": "month", "placeholder": "2026-11"})
    date_from = DateField("From", name="from", validators=[Optional()])
    date_to = DateField("To", name="to", validators=[Optional()])
    team = choice_field("Team", optional_int)
    channel = choice_field("Channel", options=choices((c, c.capitalize()) for c in CHANNELS))

    @classmethod
    def for_tenant(cls, args) -> "DashboardForm":
        form = cls(args)
        form.team.choices = choices((t.id, t.name) for t in queries.teams())
        form.validate()
        form.period_problem = None
        return form

    def filters(self) -> Filters:
        return Filters(team_id=self.accepted("team"), channel=self.accepted("channel"))

    def period(self, zone: ZoneInfo) -> ReportPeriod:
        """The chosen period; the current month (and a reported problem) when it cannot be read."""
        try:
            return self._chosen(zone)
        except PeriodError as error:
            self.period_problem = f"Period: {error}"
            return periods.current_month(zone)

    def _chosen(self, zone: ZoneInfo) -> ReportPeriod:
        view = self.accepted("view") or "month"
        if view == "week":
            return periods.parse_period(self.week.data, zone) if self.week.data else periods.current_week(zone)
        if view == "range":
            first, last = self.accepted("date_from"), self.accepted("date_to")
            if first is None or last is None:
                raise PeriodError("a custom range needs both a From and a To date")
            return periods.range_period(first, last, zone)
        return periods.parse_period(self.month.data, zone) if self.month.data else periods.current_month(zone)

    @property
    def problems(self) -> list[str]:
        return super().problems + ([self.period_problem] if self.period_problem else [])


class AgentsTableForm(FilterForm):
    """The agents table's own search, order and page (it is swapped on its own)."""

    q = SearchField("Search agents", render_kw={"placeholder": "Name or code"})
    sort = SelectField("Sort by", choices=[SelectChoice(s, s) for s in AGENT_SORTS], default="average")
    dir = SelectField("Order", choices=[SelectChoice("asc", "ascending"), SelectChoice("desc", "descending")], default="asc")

    @property
    def search(self) -> str | None:
        return (self.q.data or "").strip() or None
