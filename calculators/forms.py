"""A form per calculator for the page, built from the catalogue: the same parameters, bounds and messages as the API.

Every input is text (the person's typing is kept as typed); `calculators.catalogue.evaluate` parses and checks it,
so a value the API refuses the page refuses with the same message, next to the same field.
"""

from django import forms

from .catalogue import CHOICE, LIST, Calculator, InvalidInput, evaluate


class CalculatorForm(forms.Form):
    """The inputs of one calculator; `outcome` holds the results once the form is valid."""

    calculator: Calculator

    def __init__(self, *args, programme=None, **kwargs):
        kwargs.setdefault("auto_id", f"{self.calculator.name}-%s")
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.outcome = None

    def clean(self):
        try:
            self.outcome = evaluate(self.calculator, self.data, self.programme)
        except InvalidInput as error:
            for name, messages in error.errors.items():
                if name in self.fields:
                    if name not in self.errors:
                        self.add_error(name, messages)
                else:
                    self.add_error(None, messages)
        return self.cleaned_data

    def rows(self):
        """(bound field, unit) in the calculator's order, grouped by alternative set where it has them."""
        calculator = self.calculator
        if not calculator.groups:
            return [{"legend": "", "fields": [(self[p.name], p.unit) for p in calculator.parameters]}]
        sets = [
            {"legend": label, "fields": [(self[name], calculator.parameter(name).unit) for name in group]}
            for label, group in zip(calculator.group_labels, calculator.groups, strict=True)
        ]
        rest = [(self[p.name], p.unit) for p in calculator.parameters if not calculator.in_group(p.name)]
        return ([{"legend": "", "fields": rest}] if rest else []) + sets


class _Judged:
    """A field that only carries the typing: emptiness and choices, like every check, are judged by the catalogue
    (with the API's messages); `required` marks the label."""

    def validate(self, value):
        pass


class TextField(_Judged, forms.CharField):
    pass


class RadioField(_Judged, forms.ChoiceField):
    pass


def _field(parameter):
    required = not parameter.optional
    if parameter.type == CHOICE:
        field = RadioField(
            label=parameter.label, help_text=parameter.help, choices=parameter.choices, widget=forms.RadioSelect,
            required=required,
        )
    else:
        attrs = {"spellcheck": "false", "autocomplete": "off",
                 "class": "input-wide" if parameter.type == LIST else "input-medium"}
        if parameter.type != LIST:
            attrs["inputmode"] = "decimal"
        if parameter.default is not None:
            attrs["placeholder"] = parameter.default
        field = TextField(label=parameter.label, help_text=parameter.help, required=required, strip=False,
                                widget=forms.TextInput(attrs=attrs))
    return field


def calculator_form_class(calculator: Calculator) -> type[CalculatorForm]:
    fields = {parameter.name: _field(parameter) for parameter in calculator.parameters}
    name = "".join(part.capitalize() for part in calculator.name.split("-")) + "Form"
    return type(name, (CalculatorForm,), {"calculator": calculator, **fields})
