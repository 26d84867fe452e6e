"""The disputes list's filter. Raising and reviewing read their per-criterion fields with the
pure rules (rules.py), as the grading form does, since their fields follow the scorecard."""

from __future__ import annotations

from vendor_qa.calls.forms import FilterForm, choice_field, choices

STATUS_LABELS = {"open": "Open", "accepted": "Accepted", "partly_accepted": "Partly accepted",
                 "rejected": "Rejected"}


class DisputeFilterForm(FilterForm):
    status = choice_field("Status", options=choices(STATUS_LABELS.items()))

    @classmethod
    def read(cls, args) -> "DisputeFilterForm":
        form = cls(args)
        form.validate()
        return form
