"""Forms of the scorecard builder, the bands page and the import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField, DecimalField, FieldList, Form, FormField, IntegerField, SelectField, SelectMultipleField,
    StringField, TextAreaField, widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from vendor_qa.calls.models import CHANNELS
from vendor_qa.scorecards import versions
from vendor_qa.scorecards.models import DEFAULT_PARTIAL_FRACTION, KINDS

KIND_LABELS = {"binary": "Yes / no", "graded": "Full / partial / none", "scale": "Scale 0..N"}
MAX_BANDS = 6


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ScorecardForm(FlaskForm):
    name = StringField("Name", [DataRequired(), Length(max=200)])
    description = TextAreaField("Description", [Optional(), Length(max=5000)], render_kw={"rows": 2})
    channels = MultiCheckboxField("Channels", choices=[SelectChoice(c, c.title()) for c in CHANNELS])

    def validate_channels(self, field: MultiCheckboxField) -> None:
        # Not DataRequired: its `required` flag would make the browser demand every checkbox.
        if not field.data:
            raise ValidationError("Choose at least one channel.")


class SectionForm(FlaskForm):
    title = StringField("Section title", [DataRequired(), Length(max=200)])


class CriterionForm(FlaskForm):
    text = StringField("What the grader checks", [DataRequired(), Length(max=500)])
    kind = SelectField("Kind", choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS], default="binary")
    weight = DecimalField("Weight (points)", [InputRequired(message="Give the weight in points.")], places=2,
                          default=Decimal("10"))
    partial_fraction = DecimalField("Partial earns (share of weight)", [Optional()], default=DEFAULT_PARTIAL_FRACTION,
                                    description="Graded only; 0.5 = half the weight.")
    scale_max = IntegerField("Scale maximum", [Optional()], description="Scale only: answers run 0..N.")
    allow_na = BooleanField("N/A allowed")
    critical = SelectField("Critical", default="", choices=[
        SelectChoice("", "No"), SelectChoice("call", "Yes: a miss fails the call"),
        SelectChoice("section", "Yes: a miss zeroes the section")])
    ability = SelectField("Ability", choices=[])
    guidance_full = TextAreaField("Full marks look like", [Optional(), Length(max=5000)], render_kw={"rows": 2})
    guidance_partial = TextAreaField("Partial looks like", [Optional(), Length(max=5000)], render_kw={"rows": 2})
    guidance_zero = TextAreaField("Zero looks like", [Optional(), Length(max=5000)], render_kw={"rows": 2})

    def __init__(self, *args: Any, ability_tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ability_tags = ability_tags
        self.ability.choices = [SelectChoice("", "—")] + [SelectChoice(t) for t in ability_tags]
        for optional in (self.critical, self.ability):  # a stored None is the empty choice ("no", "—")
            optional.data = optional.data or ""

    def values(self) -> dict[str, Any]:
        values = {name: getattr(self, name).data for name in versions.CRITERION_FIELDS}
        values["partial_fraction"] = values["partial_fraction"] or DEFAULT_PARTIAL_FRACTION  # left empty: half
        return values

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        problems = versions.criterion_problems(self.values(), self.ability_tags)
        for name, message in problems.items():
            getattr(self, name).errors.append(message)
        return not problems


class PublishForm(FlaskForm):
    note = TextAreaField("What changed (shown in the history)", [Optional(), Length(max=2000)], render_kw={"rows": 2})


class ImportForm(FlaskForm):
    file = FileField("Scorecard JSON file", [FileAllowed(["json"], "Choose a .json file.")])
    document = TextAreaField("…or paste the JSON", [Optional()], render_kw={"rows": 6})
    name = StringField("Name of the new scorecard", [Optional(), Length(max=200)],
                       description="Leave empty to keep the name in the file.")

    def text(self) -> str | bytes | None:
        if self.file.data:
            return self.file.data.read()
        return self.document.data or None


class BandRow(Form):
    name = StringField("Name", [Optional(), Length(max=40)])
    min_score = DecimalField("From score", [Optional(), NumberRange(0, 100)], places=1)
    color = StringField("Colour", [Optional()], render_kw={"type": "color"})


class BandsForm(FlaskForm):
    bands = FieldList(FormField(BandRow), min_entries=MAX_BANDS, max_entries=MAX_BANDS)
    pass_mark = DecimalField("Pass mark", [InputRequired(), NumberRange(0, 100)], places=1)
    ability_tags = TextAreaField("Abilities (one a line)", [DataRequired()], render_kw={"rows": 7},
                                 description="The tags a criterion can carry; agents' ability profiles group by them.")

    def filled_rows(self) -> list[BandRow]:
        return [row.form for row in self.bands if (row.form.name.data or "").strip()]

    def tags(self) -> list[str]:
        seen: list[str] = []
        for line in (self.ability_tags.data or "").splitlines():
            tag = line.strip().lower()[:60]
            if tag and tag not in seen:
                seen.append(tag)
        return seen
