"""Demonstration projects of the policy's three scenarios (seed suggestion 3, Table 3) and their measurements."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.bounds import validate_amount_bound, validate_quantity_bound
from registry.figures import FIGURES
from registry.models import Company

from .scenarios import MEASURED_FIGURES, Scenario

POSITIVE_MONEY = [MinValueValidator(0), validate_amount_bound]


class DemonstrationProject(models.Model):
    """A station, drone fleet or robot line the city shows solid-state batteries working in."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        IN_OPERATION = "in_operation", _("In operation")
        ENDED = "ended", _("Ended")

    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices)
    name = models.CharField(_("name"), max_length=200)
    site = models.CharField(_("site"), max_length=300, help_text=_("Where the project runs: address or area."))
    operator = models.ForeignKey(
        Company, verbose_name=_("operator"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="operated_demonstrations",
        help_text=_("The registered company that runs it; its users record the measurements."),
    )
    operator_name = models.CharField(
        _("operator (not registered)"), max_length=200, blank=True,
        help_text=_("Only when the operator is not a registered company (a grid company, a public body)."),
    )
    suppliers = models.ManyToManyField(
        Company, verbose_name=_("battery suppliers"), blank=True, related_name="supplied_demonstrations",
    )
    capacity_kwh = models.DecimalField(
        _("size (kWh)"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0), validate_quantity_bound],
        help_text=_("The batteries' total energy, in kWh."),
    )
    units = models.PositiveIntegerField(
        _("number of units"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_("Battery containers of a station, drones of a fleet, robots of a line."),
    )
    commissioned_on = models.DateField(_("commissioning date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    description = models.TextField(_("description"), blank=True)

    # Grid-side storage: the station's own costs and output for its LCOS (calculators.scenarios.lcos).
    capex_cny = models.DecimalField(
        _("capital cost (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True, validators=POSITIVE_MONEY,
    )
    om_cny_per_year = models.DecimalField(
        _("O&M per year (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True, validators=POSITIVE_MONEY,
    )
    replacement_cny_per_year = models.DecimalField(
        _("replacement per year (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=POSITIVE_MONEY,
    )
    discharged_kwh_per_year = models.DecimalField(
        _("energy discharged per year (kWh)"), max_digits=16, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(0), validate_quantity_bound],
    )
    lifetime_years = models.PositiveSmallIntegerField(
        _("lifetime (years)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    # Low-altitude drones: T ≈ η·E/P, E being one pack's energy (size ÷ units).
    usable_fraction = models.DecimalField(
        _("usable fraction of the pack's energy (η)"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Between 0 and 1, for example 0.85."),
    )
    power_draw_w = models.DecimalField(
        _("mean power draw in flight (W)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), validate_quantity_bound],
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[suppliers])

    class Meta:
        ordering = ["scenario", "name"]
        verbose_name = _("demonstration project")
        verbose_name_plural = _("demonstration projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(operator__isnull=False) | ~Q(operator_name=""), name="demonstration_operator_named"
            ),
            models.CheckConstraint(condition=Q(capacity_kwh__gte=0), name="demonstration_capacity_not_negative"),
            models.CheckConstraint(condition=Q(units__gte=1), name="demonstration_units_positive"),
            models.CheckConstraint(
                condition=Q(usable_fraction__isnull=True) | (Q(usable_fraction__gt=0) & Q(usable_fraction__lte=1)),
                name="demonstration_usable_fraction_range",
            ),
            models.CheckConstraint(
                condition=(Q(capex_cny__isnull=True) | Q(capex_cny__gte=0))
                & (Q(om_cny_per_year__isnull=True) | Q(om_cny_per_year__gte=0))
                & (Q(replacement_cny_per_year__isnull=True) | Q(replacement_cny_per_year__gte=0))
                & (Q(discharged_kwh_per_year__isnull=True) | Q(discharged_kwh_per_year__gte=0))
                & (Q(power_draw_w__isnull=True) | Q(power_draw_w__gt=0)),
                name="demonstration_economics_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.operator_id is None and not self.operator_name.strip():
            errors["operator"] = _("Choose the operator, or name it below when it is not a registered company.")
        if self.usable_fraction is not None and self.usable_fraction <= 0:
            errors["usable_fraction"] = _("The usable fraction is more than 0 and at most 1.")
        if self.power_draw_w is not None and self.power_draw_w <= 0:
            errors["power_draw_w"] = _("The power draw must be more than zero.")
        if self.status in (self.Status.IN_OPERATION, self.Status.ENDED) and self.commissioned_on is None:
            errors["commissioned_on"] = _("A project in operation or ended has a commissioning date.")
        if errors:
            raise ValidationError(errors)

    # The site's coloured tags (static/css/site.css) for each status.
    STATUS_TAGS = {"planned": "draft", "under_construction": "pending", "in_operation": "verified", "ended": "outside"}

    @property
    def status_tag(self) -> str:
        return self.STATUS_TAGS[self.status]

    @property
    def operator_display(self) -> str:
        return self.operator.name if self.operator_id else self.operator_name

    @property
    def accepts_measurements(self) -> bool:
        """A planned project has nothing running to measure yet."""
        return self.status != self.Status.PLANNED


class Measurement(models.Model):
    """One figure of a demonstration project measured on a date, in the unit `registry.figures` names for it."""

    project = models.ForeignKey(
        DemonstrationProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="measurements"
    )
    measured_on = models.DateField(_("measured on"))
    figure = models.CharField(
        _("figure"), max_length=40, choices=[(key, FIGURES[key].label) for key in MEASURED_FIGURES]
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Who typed it: kept for officials (the admin), never shown publicly.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "measured_on", "figure"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["project", "figure", "measured_on"], name="measurement_one_per_day"),
            # Only temperatures go below zero; percentages stop at 100.
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(figure__in=["min_operating_temp", "max_operating_temp"]),
                name="measurement_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value__lte=100) | ~Q(figure="round_trip_efficiency"),
                name="measurement_efficiency_at_most_100",
            ),
        ]
        indexes = [models.Index(fields=["figure", "project", "-measured_on"], name="measurement_latest_idx")]

    def __str__(self):
        return f"{self.project} · {self.measured_on} · {self.definition.label}"

    def clean(self):
        # The same checks as the operator's form (services.measurement_value), for corrections in the admin.
        from django.core.exceptions import ValidationError

        from .scenarios import SCENARIO_FIGURES

        errors = {}
        if self.project_id and self.figure and self.figure not in SCENARIO_FIGURES[self.project.scenario]:
            errors["figure"] = _("Projects of this scenario do not measure this figure.")
        if self.figure in FIGURES and self.value is not None:
            problem = FIGURES[self.figure].problem(float(self.value)) if self.value.is_finite() else None
            if problem:
                errors["value"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def definition(self):
        return FIGURES[self.figure]

    @property
    def display_value(self) -> str:
        return self.definition.display(self.value)


class ScenarioReference(models.Model):
    """What officials hold a scenario's projects against: the incumbent technology and its LCOS (storage)."""

    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices, unique=True)
    incumbent_technology = models.CharField(
        _("incumbent technology"), max_length=200, blank=True,
        help_text=_("For example: lithium iron phosphate storage stations."),
    )
    incumbent_lcos_cny_per_kwh = models.DecimalField(
        _("incumbent LCOS (CNY/kWh)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), validate_amount_bound],
        help_text=_("The levelised cost of storage of the incumbent technology that stations must beat."),
    )
    discount_rate = models.DecimalField(
        _("discount rate"), max_digits=5, decimal_places=4, default="0.0600",
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("As a fraction (0.06 = 6 %), used for every station's LCOS so that they compare."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True,
                              help_text=_("Where the reference figure comes from."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["scenario"]
        verbose_name = _("scenario reference")
        verbose_name_plural = _("scenario references")
        constraints = [
            models.CheckConstraint(
                condition=Q(incumbent_lcos_cny_per_kwh__isnull=True) | Q(incumbent_lcos_cny_per_kwh__gte=0),
                name="scenarioreference_lcos_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lte=1),
                name="scenarioreference_discount_rate_range",
            ),
        ]

    def __str__(self):
        return str(Scenario(self.scenario).label)
