"""The talent API's filters, defined once: a whole year and, for yearly figures, the training base."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from registry.filtersets import IdFilter

from .models import FIRST_YEAR, LAST_YEAR, OverseasSpecialist, Scholarship, TrainingBase, TrainingYear


class _YearFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A whole number: a NumberFilter would accept 2025.5 and match nothing.
        self.form.fields["year"] = forms.IntegerField(
            label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


class TrainingBaseFilterSet(django_filters.FilterSet):
    institution = IdFilter(label=_("University or institute (company id)"), field_name="institution_id")

    class Meta:
        model = TrainingBase
        fields = []


class TrainingYearFilterSet(_YearFilterSet):
    base = IdFilter(label=_("Training base (id)"), field_name="base_id")

    class Meta:
        model = TrainingYear
        fields = []


class SpecialistFilterSet(_YearFilterSet):
    field = django_filters.ChoiceFilter(label=_("Field"), choices=OverseasSpecialist._meta.get_field("field").choices)

    class Meta:
        model = OverseasSpecialist
        fields = []


class ScholarshipFilterSet(_YearFilterSet):
    class Meta:
        model = Scholarship
        fields = []
