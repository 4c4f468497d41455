"""The energy quota uplift's part in the workflow: its basis (a production base's standard annual energy quota)
and its amount rule, E_granted = E_standard × 1.10 (the policy's "Subsidies and rewards" rules).

A quota is granted in kWh or tonnes of coal equivalent, in the unit of the standard quota: it is never money,
never rounded to cents and never summed with money (it fills `quota_granted`, and `amount` stays empty). It is
kept in the standard quota's own precision, a thousandth of the unit, rounded half-up once.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from calculators.subsidies import energy_quota_granted
from registry.models import ProductionBase
from registry.production_bases import company_bases
from registry.templatetags.platform_format import quantity
from registry.views.production_bases import RecordChoiceField

from . import programme_kinds
from .models import EnergyQuotaClaim, SubsidyProgramme

FIELDS = ("base_name", "base_address", "quota_year", "standard_quota", "unit")
# Ten billion kWh (or tce), three places: the granted quota stays within the 15 significant digits every
# supported database keeps exactly (SQLite keeps decimals as 15-digit floats). A real base is far below it.
MAX_QUOTA = Decimal("9999999999.999")
QUOTA_PLACES = Decimal("0.001")


class EnergyQuotaForm(programme_kinds.BasisForm):
    """The production base and its standard annual energy quota.

    A company that recorded its production bases (registry.production_bases) chooses one, and its name and
    address fill the claim; the two text fields stay for a base not recorded and for the applications made before
    bases were recorded (the claim keeps the name and address as text either way, so nothing stored changes).
    """

    production_base = RecordChoiceField(
        label=gettext_lazy("Your production base"), queryset=ProductionBase.objects.none(), required=False,
        help_text=gettext_lazy("Choose one of the bases your company recorded, or leave this empty and type the "
                               "base's name and address below."),
    )
    base_name = forms.CharField(label=gettext_lazy("Production base"), max_length=200, required=False)
    base_address = forms.CharField(label=gettext_lazy("Address of the base"), max_length=300, required=False)
    quota_year = forms.IntegerField(
        label=gettext_lazy("Year of the quota"), min_value=2000, max_value=2100,
        help_text=gettext_lazy("The year the standard quota was set for, e.g. 2026."),
    )
    standard_quota = forms.DecimalField(
        label=gettext_lazy("Standard annual energy quota"), min_value=Decimal("0.001"), max_value=MAX_QUOTA,
        max_digits=18, decimal_places=3,
        help_text=gettext_lazy("As on the energy-use approval, in the unit chosen below."),
    )
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=EnergyQuotaClaim.Unit.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bases = company_bases(self.company) if self.company is not None else ProductionBase.objects.none()
        if not bases.exists():
            del self.fields["production_base"]  # nothing to choose: the text fields alone, as before
            return
        self.fields["production_base"].queryset = bases
        self.fields["production_base"].error_messages["invalid_choice"] = _(
            "Choose one of your company's production bases.")

    def clean(self):
        data = super().clean()
        base = data.pop("production_base", None)
        if base is not None:
            data["base_name"], data["base_address"] = base.name, base.address
        for name, message in (("base_name", _("Enter the name of the production base, or choose one above.")),
                              ("base_address", _("Enter the address of the base."))):
            if not (data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, message)
        return data


class EnergyQuotaSerializer(serializers.Serializer):
    base_name = serializers.CharField(max_length=200)
    base_address = serializers.CharField(max_length=300)
    quota_year = serializers.IntegerField(min_value=2000, max_value=2100)
    standard_quota = serializers.DecimalField(
        max_digits=18, decimal_places=3, min_value=Decimal("0.001"), max_value=MAX_QUOTA
    )
    unit = serializers.ChoiceField(choices=EnergyQuotaClaim.Unit.choices)


class EnergyQuotaBasisSerializer(serializers.Serializer):
    energy_quota = EnergyQuotaSerializer(
        help_text=gettext_lazy("The production base and its standard annual energy quota (kWh or tce).")
    )


class EnergyQuotaKind(programme_kinds.ProgrammeKind):
    """The standard quota × 1.10, in kWh or tce."""

    kind = SubsidyProgramme.Kind.ENERGY_QUOTA
    basis_label = gettext_lazy("Production base energy quota")
    required_parameters = ("quota_factor",)
    form_class = EnergyQuotaForm
    serializer_class = EnergyQuotaBasisSerializer
    pays_money = False
    basis_key = "energy_quota"

    def rule_text(self, programme):
        return _("The standard annual energy quota × %(factor)s, granted in the same unit (kWh or tce).") % {
            "factor": quantity(programme.quota_factor)
        }

    def set_basis(self, application, basis, *, by):
        data = basis.get(self.basis_key, basis)
        values = {name: data.get(name) for name in FIELDS}
        for name in ("base_name", "base_address"):
            values[name] = (values[name] or "").strip()
        errors = {name: _("This field is required.") for name in FIELDS if values[name] in (None, "")}
        quota = values["standard_quota"]
        if "standard_quota" not in errors and (
            not isinstance(quota, Decimal) or not quota.is_finite() or not Decimal("0.001") <= quota <= MAX_QUOTA
        ):
            errors["standard_quota"] = _("Enter a standard quota from 0.001 to %(max)s.") % {"max": f"{MAX_QUOTA:,}"}
        if values["unit"] not in (None, "") and values["unit"] not in EnergyQuotaClaim.Unit.values:
            errors["unit"] = _("Choose kWh or tce.")
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                EnergyQuotaClaim.objects.update_or_create(
                    application=application, defaults={**values, "company": application.applicant, "live": True}
                )
        except IntegrityError:
            raise ValidationError({"base_name": _(
                "This production base already has an application for %(year)s that is not rejected."
            ) % {"year": values["quota_year"]}}, code="claimed") from None

    def _claim(self, application):
        return EnergyQuotaClaim.objects.filter(application=application).first()

    def has_basis(self, application):
        return self._claim(application) is not None

    def check(self, application):
        if self._claim(application) is None:
            raise ValidationError({"energy_quota": _("Give the production base and its quota.")}, code="no_basis")

    def award(self, application, *, year):
        claim = self._claim(application)
        if claim is None:
            return programme_kinds.Award()
        granted = energy_quota_granted(claim.standard_quota, factor=application.programme.quota_factor).quantize(
            QUOTA_PLACES, rounding=ROUND_HALF_UP
        )
        return programme_kinds.Award(quota_granted=granted, quota_unit=claim.unit)

    def release(self, application):
        EnergyQuotaClaim.objects.filter(application=application).update(live=False)

    def initial(self, application):
        claim = self._claim(application)
        return {name: getattr(claim, name) for name in FIELDS} if claim else {}

    def describe(self, application):
        claim = self._claim(application)
        if claim is None:
            return []
        return [
            (_("Production base"), f"{claim.base_name}, {claim.base_address}"),
            (_("Year of the quota"), str(claim.quota_year)),
            (_("Standard annual energy quota"), quantity(claim.standard_quota, claim.unit)),
        ]

    def api_basis(self, application):
        claim = self._claim(application)
        if claim is None:
            return {}
        return {self.basis_key: {
            "base_name": claim.base_name, "base_address": claim.base_address, "quota_year": claim.quota_year,
            "standard_quota": str(claim.standard_quota), "unit": claim.unit,
        }}
