"""The R&D matching fund's part in the workflow: its basis (a national major project) and its amount rule.

Amount = the programme's rate (15 % in the seed) × the project's total investment, rounded once, within the
programme's caps (the policy's "Subsidies and rewards" rules). One live application per national project, ever: the
partial unique index `major_project_one_live_application` holds it whatever the timing.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from calculators.subsidies import rd_matching_fund
from registry.bounds import MAX_AMOUNT
from registry.templatetags.platform_format import cny

from . import programme_kinds
from .models import MONEY, MajorProjectClaim, SubsidyProgramme

FIELDS = ("name", "national_programme", "project_number", "started_on", "ends_on", "total_investment")
# 15 significant digits (under ten trillion CNY): what every supported database stores exactly (SQLite keeps
# decimals as 15-digit floats), far above any national project. The one bound of every amount (registry/bounds.py).
MAX_INVESTMENT = MAX_AMOUNT


class MajorProjectForm(programme_kinds.BasisForm):
    """The national major project, as on its task agreement."""

    name = forms.CharField(label=gettext_lazy("Project name"), max_length=300)
    national_programme = forms.CharField(
        label=gettext_lazy("National programme"), max_length=200,
        help_text=gettext_lazy("For example: National Key R&D Programme, “New energy vehicles” special project."),
    )
    project_number = forms.CharField(
        label=gettext_lazy("Project number"), max_length=60,
        help_text=gettext_lazy("As on the national task agreement, e.g. 2025YFB2400100."),
    )
    started_on = forms.DateField(
        label=gettext_lazy("Project start"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("For example 2025-07-01."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Project end"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("For example 2028-06-30."),
    )
    total_investment = forms.DecimalField(
        label=gettext_lazy("Total investment (CNY)"), min_value=Decimal("0.01"), max_value=MAX_INVESTMENT,
        max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"],
        help_text=gettext_lazy("The project's total investment on the task agreement, in CNY."),
    )


class MajorProjectSerializer(serializers.Serializer):
    """The R&D matching fund's basis in the API: the national major project."""

    name = serializers.CharField(max_length=300)
    national_programme = serializers.CharField(max_length=200)
    project_number = serializers.CharField(max_length=60)
    started_on = serializers.DateField()
    ends_on = serializers.DateField()
    total_investment = serializers.DecimalField(
        min_value=Decimal("0.01"), max_value=MAX_INVESTMENT, **MONEY
    )


class MajorProjectBasisSerializer(serializers.Serializer):
    major_project = MajorProjectSerializer(help_text=gettext_lazy("The national major project the amount rests on."))


class RdMatchingKind(programme_kinds.ProgrammeKind):
    """15 % of a national major project's total investment."""

    kind = SubsidyProgramme.Kind.RD_MATCHING
    basis_label = gettext_lazy("National major project")
    required_parameters = ("rate",)
    form_class = MajorProjectForm
    serializer_class = MajorProjectBasisSerializer
    basis_key = "major_project"

    def rule_text(self, programme):
        text = _("%(rate)s of the national major project’s total investment, for projects running between "
                 "%(start)s and %(end)s.") % {
            "rate": programme_kinds.rate_text(programme.rate),
            "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat(),
        }
        return f"{text} {self.caps_text(programme)}".strip()

    def set_basis(self, application, basis, *, by):
        data = basis.get(self.basis_key, basis)
        values = {name: data.get(name) for name in FIELDS}
        for name in ("name", "national_programme", "project_number"):
            values[name] = (values[name] or "").strip()
        self._check(application.programme, values)
        try:
            # A savepoint: the unique index may refuse the row, and the outer transaction must stay usable.
            with transaction.atomic():
                MajorProjectClaim.objects.update_or_create(application=application, defaults={**values, "live": True})
        except IntegrityError:
            raise ValidationError({"project_number": _(
                "This national project already has an application that is not rejected; it can be applied for once."
            )}, code="claimed") from None

    def _check(self, programme, values):
        errors = {}
        for name in FIELDS:
            if values.get(name) in (None, ""):
                errors[name] = _("This field is required.")
        if errors:
            raise ValidationError(errors)
        investment = values["total_investment"]
        if not isinstance(investment, Decimal) or not investment.is_finite():
            errors["total_investment"] = _("Enter the total investment as a number of CNY.")
        elif not Decimal("0.01") <= investment <= MAX_INVESTMENT:
            errors["total_investment"] = _("Enter a total investment from 0.01 to %(max)s CNY.") % {
                "max": f"{MAX_INVESTMENT:,}"
            }
        if values["ends_on"] < values["started_on"]:
            errors["ends_on"] = _("The project cannot end before it starts.")
        elif values["ends_on"] < programme.period_start or values["started_on"] > programme.period_end:
            errors["started_on"] = _("The project must run during the programme period (%(start)s to %(end)s).") % {
                "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat(),
            }
        if errors:
            raise ValidationError(errors)

    def _project(self, application):
        return MajorProjectClaim.objects.filter(application=application).first()

    def has_basis(self, application):
        return self._project(application) is not None

    def check(self, application):
        project = self._project(application)
        if project is None:
            raise ValidationError({"major_project": _("Give the national major project.")}, code="no_basis")
        self._check(application.programme, {name: getattr(project, name) for name in FIELDS})

    def award(self, application, *, year):
        project = self._project(application)
        if project is None:
            return programme_kinds.Award(amount=Decimal("0.00"), eligible_total=None)
        programme = application.programme
        amount = rd_matching_fund(
            project.total_investment, rate=programme.rate, cap=programme.cap_per_applicant_year,
            cap_per_application=programme.cap_per_application,
            already_granted=programme_kinds.already_granted(
                application.applicant, programme, year, exclude=application
            ),
        )
        return programme_kinds.Award(amount=amount, eligible_total=project.total_investment)

    def release(self, application):
        MajorProjectClaim.objects.filter(application=application).update(live=False)

    def initial(self, application):
        project = self._project(application)
        return {name: getattr(project, name) for name in FIELDS} if project else {}

    def describe(self, application):
        project = self._project(application)
        if project is None:
            return []
        return [
            (_("Project"), project.name),
            (_("National programme"), project.national_programme),
            (_("Project number"), project.project_number),
            (_("Project period"), f"{project.started_on.isoformat()} – {project.ends_on.isoformat()}"),
            (_("Total investment"), cny(project.total_investment)),
        ]

    def api_basis(self, application):
        project = self._project(application)
        if project is None:
            return {}
        return {self.basis_key: {
            "name": project.name, "national_programme": project.national_programme,
            "project_number": project.project_number, "started_on": project.started_on.isoformat(),
            "ends_on": project.ends_on.isoformat(), "total_investment": str(project.total_investment),
        }}
