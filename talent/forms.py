"""The forms an organisation fills in under /my/talent/: what each asks is what the plan's figures need, no more."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.bounds import MAX_AMOUNT, validate_amount_bound
from registry.forms import AmountField, WholeNumberField, say_what_is_missing
from registry.models import Company
from registry.views.production_bases import RecordChoiceField, RecordMultipleChoiceField

from . import services
from .models import FIRST_YEAR, LAST_YEAR, MAX_COUNT, Field, ScholarshipRecipient

BENEFIT_ROWS = 4


def institutions():
    return Company.objects.filter(organisation_type__in=services.INSTITUTION_TYPES).order_by("name")


def year_field(label, help_text=""):
    return WholeNumberField(label=label, min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text=help_text)


def count_field(label, help_text=""):
    return WholeNumberField(label=label, min_value=0, max_value=MAX_COUNT, help_text=help_text)


def money_field(label, help_text="", required=True):
    return AmountField(label=label, min_value=Decimal("0"), max_value=MAX_AMOUNT, max_digits=16, decimal_places=2,
                       validators=[validate_amount_bound], help_text=help_text, required=required)


class TrainingBaseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the base"), max_length=200)
    institution = RecordChoiceField(
        label=gettext_lazy("University or institute"), queryset=Company.objects.none(),
        help_text=gettext_lazy("As registered on the platform. Ask the industry bureau if it is missing."),
    )
    companies = RecordMultipleChoiceField(
        label=gettext_lazy("Companies"), queryset=Company.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("The companies that take the base's interns. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    established_year = WholeNumberField(label=gettext_lazy("Established in"), min_value=FIRST_YEAR,
                                        max_value=LAST_YEAR, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions()
        self.fields["companies"].queryset = Company.objects.published().filter(
            organisation_type=Company.OrganisationType.COMPANY).order_by("name")
        say_what_is_missing(self, {"name": _("Enter the name of the base."),
                                   "institution": _("Choose the university or institute.")})


class TrainingYearForm(forms.Form):
    year = year_field(gettext_lazy("Year"))
    internships = count_field(gettext_lazy("Internships"),
                              gettext_lazy("Students who did an internship at the base's companies."))
    placements = count_field(gettext_lazy("Job placements"),
                             gettext_lazy("Students placed in jobs in the solid-state battery field."))
    graduates = count_field(gettext_lazy("Graduates entering the field"),
                            gettext_lazy("Skilled graduates of the year who took up work in the solid-state "
                                         "battery field."))
    retained = count_field(gettext_lazy("Retained locally"),
                           gettext_lazy("Of those graduates, how many took up work with the city's industry."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_what_is_missing(self, {name: _("Enter a number, 0 if none.") for name in
                                   ("internships", "placements", "graduates", "retained")})
        self.fields["year"].error_messages["required"] = _("Enter the year, for example 2026.")

    def clean(self):
        data = super().clean()
        if data.get("retained") is not None and data.get("graduates") is not None \
                and data["retained"] > data["graduates"]:
            self.add_error("retained", _("The graduates retained locally cannot outnumber the graduates."))
        return data


class SpecialistForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Internal reference"), max_length=40, required=False,
        help_text=gettext_lazy("Optional: your own code for this person, e.g. OS-2026-01. Never a name, ID or "
                               "passport number: the plan needs none of them."),
    )
    year = year_field(gettext_lazy("Year recruited"))
    field = forms.ChoiceField(label=gettext_lazy("Field"), choices=Field.choices)
    base_salary = money_field(gettext_lazy("Base salary"), gettext_lazy("CNY a year."))
    housing = money_field(gettext_lazy("Housing benefit"), gettext_lazy("CNY a year; 0 if none."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, BENEFIT_ROWS + 1):
            self.fields[f"benefit_{row}_label"] = forms.CharField(
                label=_("Other benefit %(n)d") % {"n": row}, max_length=services.BENEFIT_LABEL_MAX, required=False,
                help_text=_("For example children's schooling or relocation.") if row == 1 else "",
            )
            self.fields[f"benefit_{row}_amount"] = money_field(
                _("Amount of other benefit %(n)d") % {"n": row}, required=False)
        say_what_is_missing(self, {
            "year": _("Enter the year recruited, for example 2026."), "field": _("Choose the field."),
            "base_salary": _("Enter the base salary in CNY a year."),
            "housing": _("Enter the housing benefit in CNY a year, 0 if none."),
        })

    def benefit_rows(self):
        return [(self[f"benefit_{row}_label"], self[f"benefit_{row}_amount"]) for row in range(1, BENEFIT_ROWS + 1)]

    def clean(self):
        data = super().clean()
        benefits = []
        for row in range(1, BENEFIT_ROWS + 1):
            label, amount = data.get(f"benefit_{row}_label"), data.get(f"benefit_{row}_amount")
            if label and amount is None and f"benefit_{row}_amount" not in self.errors:
                self.add_error(f"benefit_{row}_amount", _("Enter the amount of this benefit in CNY a year."))
            elif amount is not None and not label:
                self.add_error(f"benefit_{row}_label", _("Say what this benefit is."))
            elif label:
                benefits.append({"label": label, "amount": str(amount)})
        data["other_benefits"] = benefits
        return data

    @classmethod
    def initial_for(cls, specialist) -> dict:
        initial = {name: getattr(specialist, name) for name in ("reference", "year", "field", "base_salary",
                                                                "housing")}
        for row, item in enumerate(specialist.other_benefits[:BENEFIT_ROWS], start=1):
            initial[f"benefit_{row}_label"], initial[f"benefit_{row}_amount"] = item["label"], item["amount"]
        return initial


class ScholarshipForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the scholarship"), max_length=200)
    institution = RecordChoiceField(label=gettext_lazy("University or institute"), queryset=Company.objects.none(),
                                    required=False)
    year = year_field(gettext_lazy("Year"))
    award = AmountField(label=gettext_lazy("Award per student"), min_value=Decimal("0.01"), max_value=MAX_AMOUNT,
                        max_digits=16, decimal_places=2, validators=[validate_amount_bound],
                        help_text=gettext_lazy("CNY. The fund is the award times the number of recipients."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions()
        say_what_is_missing(self, {"name": _("Enter the name of the scholarship."),
                                   "year": _("Enter the year, for example 2026."),
                                   "award": _("Enter the award per student in CNY.")})


class RecipientsForm(forms.Form):
    count = WholeNumberField(label=gettext_lazy("Number of recipients"), min_value=1,
                             max_value=services.MAX_RECIPIENTS_AT_ONCE,
                             help_text=gettext_lazy("Recipients with the same degree and field can be added at once."))
    degree = forms.ChoiceField(label=gettext_lazy("Degree studied"), choices=ScholarshipRecipient.Degree.choices)
    field = forms.ChoiceField(label=gettext_lazy("Field"), choices=Field.choices)
    reference_prefix = forms.CharField(
        label=gettext_lazy("Reference prefix"), max_length=30, required=False,
        help_text=gettext_lazy("Optional, e.g. SCH-2026-: each recipient is numbered after it. No names."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_what_is_missing(self, {"count": _("Enter how many recipients to add."),
                                   "degree": _("Choose the degree studied."), "field": _("Choose the field.")})

