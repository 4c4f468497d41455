"""The talent plan's records (seed suggestion 5, Table 5), kept to what its figures need.

Training bases and their yearly figures are counts; overseas specialists and scholarship recipients are people,
so they are recorded without names, ID numbers or contact details: an optional internal reference the entering
organisation chooses is all that tells one from another. Those records are seen only by the organisation that
entered them and by officials (talent.permissions); the public sees yearly totals (talent.selectors).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Company

FIRST_YEAR = 2000
LAST_YEAR = 2100
# A count a year far beyond any city's: larger is a typing error, not a figure.
MAX_COUNT = 1_000_000


def year_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )


def count_field(verbose_name, help_text=""):
    return models.PositiveIntegerField(
        verbose_name, default=0, validators=[MaxValueValidator(MAX_COUNT)], help_text=help_text
    )


class Field(models.TextChoices):
    """The specialism a person works in: enough for the plan's figures, too coarse to point at anyone."""

    ELECTROLYTES = "electrolytes", _("Solid electrolytes")
    ELECTRODES = "electrodes", _("Electrode materials")
    AUXILIARY = "auxiliary", _("Auxiliary materials")
    CELLS = "cells", _("Cells and packs")
    PROCESS = "process", _("Process engineering and equipment")
    TESTING = "testing", _("Testing and safety")
    OTHER = "other", _("Other")


class TrainingBase(models.Model):
    """A practical training base run by a university or institute with companies of the registry."""

    organisation = models.ForeignKey(
        Company, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="talent_training_bases",
        help_text=_("The organisation that keeps this base's records."),
    )
    name = models.CharField(_("name of the base"), max_length=200)
    institution = models.ForeignKey(
        Company, verbose_name=_("university or institute"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"organisation_type__in": ["university", "institute"]},
    )
    companies = models.ManyToManyField(
        Company, verbose_name=_("companies"), blank=True, related_name="talent_partner_bases",
        limit_choices_to={"organisation_type": "company"},
    )
    established_year = models.PositiveSmallIntegerField(
        _("established in"), null=True, blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="trainingbase_name_unique_per_organisation")
        ]

    def __str__(self):
        return self.name


class TrainingYear(models.Model):
    """One year's counts of a training base: internships, placements, graduates entering the field and those
    who stayed with the city's industry (N_grad and its retained part: I_talent = N_grad × p_retain)."""

    base = models.ForeignKey(TrainingBase, verbose_name=_("training base"), on_delete=models.CASCADE,
                             related_name="years")
    year = year_field(_("year"))
    internships = count_field(_("internships"), _("Students who did an internship at the base's companies."))
    placements = count_field(_("job placements"), _("Students placed in jobs in the solid-state battery field."))
    graduates = count_field(_("graduates entering the field"),
                            _("Skilled graduates of the year who took up work in the solid-state battery field."))
    retained = count_field(_("retained locally"),
                           _("Of those graduates, how many took up work with the city's industry."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["base__name", "-year"]
        verbose_name = _("training base's year")
        verbose_name_plural = _("training bases' years")
        constraints = [
            models.UniqueConstraint(fields=["base", "year"], name="trainingyear_one_per_base_year"),
            models.CheckConstraint(
                condition=Q(retained__lte=F("graduates")), name="trainingyear_retained_of_graduates"
            ),
        ]

    def __str__(self):
        return f"{self.base} {self.year}"


class OverseasSpecialist(models.Model):
    """An overseas specialist a company recruited, with the package: C_total = S_base + B_housing + Σ other."""

    company = models.ForeignKey(Company, verbose_name=_("recruiting company"), on_delete=models.PROTECT,
                                related_name="talent_specialists")
    reference = models.CharField(
        _("internal reference"), max_length=40, blank=True,
        help_text=_("Optional: your own code for this person, e.g. OS-2026-01. Never a name, ID or passport number."),
    )
    year = year_field(_("year recruited"))
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    base_salary = models.DecimalField(_("base salary (CNY a year)"), max_digits=16, decimal_places=2,
                                      validators=[MinValueValidator(0)])
    housing = models.DecimalField(_("housing benefit (CNY a year)"), max_digits=16, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    # [{"label": "children's schooling", "amount": "60000.00"}, ...]: the Σ other benefits of the formula.
    other_benefits = models.JSONField(_("other benefits"), default=list, blank=True)
    # C_total, computed by talent.services from the parts above whenever they are saved.
    total_compensation = models.DecimalField(_("total package (CNY a year)"), max_digits=16, decimal_places=2,
                                             editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("overseas specialist")
        verbose_name_plural = _("overseas specialists")
        constraints = [
            models.CheckConstraint(condition=Q(base_salary__gte=0) & Q(housing__gte=0),
                                   name="specialist_pay_not_negative"),
        ]

    def __str__(self):
        return self.reference or _("Specialist %(id)s") % {"id": self.pk}


class Scholarship(models.Model):
    """A company's solid-state battery scholarship for one year: n recipients of A_scholar each (F = n × A)."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT,
                                related_name="talent_scholarships")
    name = models.CharField(_("name of the scholarship"), max_length=200)
    institution = models.ForeignKey(
        Company, verbose_name=_("university or institute"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"organisation_type__in": ["university", "institute"]},
    )
    year = year_field(_("year"))
    award = models.DecimalField(_("award per student (CNY)"), max_digits=16, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"))])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("scholarship")
        verbose_name_plural = _("scholarships")
        constraints = [
            models.UniqueConstraint(fields=["company", "name", "year"], name="scholarship_once_per_company_year"),
            models.CheckConstraint(condition=Q(award__gt=0), name="scholarship_award_positive"),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"


class ScholarshipRecipient(models.Model):
    """One student awarded a scholarship: the degree studied and the field, no name (n counts these rows)."""

    class Degree(models.TextChoices):
        BACHELOR = "bachelor", _("Bachelor's")
        MASTER = "master", _("Master's (MSc)")
        DOCTORATE = "doctorate", _("Doctorate (PhD)")

    scholarship = models.ForeignKey(Scholarship, verbose_name=_("scholarship"), on_delete=models.CASCADE,
                                    related_name="recipients")
    reference = models.CharField(_("internal reference"), max_length=40, blank=True)
    degree = models.CharField(_("degree studied"), max_length=20, choices=Degree.choices)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scholarship", "pk"]
        verbose_name = _("scholarship recipient")
        verbose_name_plural = _("scholarship recipients")

    def __str__(self):
        return self.reference or _("Recipient %(id)s") % {"id": self.pk}
