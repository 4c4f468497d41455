"""The operator's measurement form: a date and one box per figure of the project's scenario, each with its unit."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.forms import DateField

from .scenarios import targets_for
from .services import NOTE_MAX_LENGTH

FIGURE_PREFIX = "figure_"


class MeasurementForm(forms.Form):
    measured_on = DateField(label=gettext_lazy("Date of the measurement"),
                            help_text=gettext_lazy("The day the values were measured; not in the future."))
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=NOTE_MAX_LENGTH,
        help_text=gettext_lazy("Optional. For example the test method or the conditions."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["measured_on"].error_messages["required"] = _("Enter the date of the measurement.")
        self.targets = targets_for(project.scenario)
        for target in self.targets:
            self.fields[FIGURE_PREFIX + target.figure] = forms.CharField(
                label=target.label, required=False, max_length=40,
                help_text=_("Target: %(target)s. Leave empty if not measured that day.") % {"target": target.text},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "class": "input-short", "spellcheck": "false"}),
            )

    def figure_rows(self) -> list[dict]:
        return [{"field": self[FIGURE_PREFIX + t.figure], "unit": t.unit} for t in self.targets]

    def values(self) -> dict:
        return {t.figure: self.cleaned_data.get(FIGURE_PREFIX + t.figure, "") for t in self.targets}

    @staticmethod
    def field_map() -> dict:
        from .scenarios import MEASURED_FIGURES

        return {key: FIGURE_PREFIX + key for key in MEASURED_FIGURES}
