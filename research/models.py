"""The R&D fund's projects: each the basis of an "R&D fund grant" application, with its targets and progress reports."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from procurement.models import MONEY, SubsidyApplication
from registry.models import Category, Company, get_private_storage, private_upload_path

from .targets import FIGURE_CHOICES, TARGET_FIGURES, VALUE_PLACES, Direction

# A figure's value: 1e-12 resolution (conductivities) up to the largest amount (a cost per kg in CNY).
FIGURE_VALUE = {"max_digits": 28, "decimal_places": VALUE_PLACES}
# The statuses in which a project is granted: public, and reporting progress.
GRANTED = (SubsidyApplication.Status.APPROVED, SubsidyApplication.Status.PAID)


class ResearchProject(models.Model):
    """A project under one of the fund's three directions, applied for as an R&D fund grant."""

    Direction = Direction

    application = models.OneToOneField(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="research_project"
    )
    # The applicant, copied so that the company's projects are one indexed filter away.
    lead = models.ForeignKey(
        Company, verbose_name=_("lead organisation"), on_delete=models.PROTECT, related_name="research_projects"
    )
    partners = models.ManyToManyField(
        Company, verbose_name=_("partners"), blank=True, related_name="research_partnerships"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=5000)
    direction = models.CharField(_("direction"), max_length=30, choices=Direction.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("material category"), on_delete=models.PROTECT, related_name="+"
    )
    budget = models.DecimalField(_("budget (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    amount_requested = models.DecimalField(_("amount requested (CNY)"), **MONEY)
    started_on = models.DateField(_("project start"))
    ends_on = models.DateField(_("project end"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("R&D fund project")
        verbose_name_plural = _("R&D fund projects")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="research_project_budget_positive"),
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0) & Q(amount_requested__lte=F("budget")),
                name="research_project_request_within_budget",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("started_on")), name="research_project_dates_ordered"),
        ]
        indexes = [models.Index(fields=["direction", "lead"], name="research_project_direction_idx")]

    def __str__(self):
        return self.title

    @property
    def status(self) -> str:
        return self.application.status

    def get_status_display(self) -> str:
        return self.application.get_status_display()

    @property
    def is_granted(self) -> bool:
        return self.application.status in GRANTED


class ProjectTarget(models.Model):
    """One figure a project commits to move: from its baseline to its target, in the figure's unit."""

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="targets"
    )
    figure = models.CharField(_("figure"), max_length=40, choices=FIGURE_CHOICES)
    baseline = models.DecimalField(_("baseline"), **FIGURE_VALUE)
    target = models.DecimalField(_("target"), **FIGURE_VALUE)

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("project target")
        verbose_name_plural = _("project targets")
        constraints = [
            models.UniqueConstraint(fields=["project", "figure"], name="research_target_one_per_figure"),
            models.CheckConstraint(condition=~Q(baseline=F("target")), name="research_target_differs_from_baseline"),
        ]

    def __str__(self):
        definition = self.definition
        return f"{definition.label}: {definition.display(self.baseline)} → {definition.display(self.target)}"

    @property
    def definition(self):
        return TARGET_FIGURES[self.figure]


class ProgressReport(models.Model):
    """What the lead organisation measured on a date, with the evidence (stored privately)."""

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("measured on"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    evidence = models.FileField(
        _("evidence"), storage=get_private_storage, upload_to=private_upload_path, max_length=200
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["reported_on", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.project} · {self.reported_on.isoformat()}"


class ReportMeasurement(models.Model):
    """One measured value of a progress report, for one of the project's target figures."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="measurements"
    )
    figure = models.CharField(_("figure"), max_length=40, choices=FIGURE_CHOICES)
    value = models.DecimalField(_("measured value"), **FIGURE_VALUE)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["report", "figure"], name="research_measurement_one_per_figure"),
        ]

    def __str__(self):
        return f"{TARGET_FIGURES[self.figure].label}: {TARGET_FIGURES[self.figure].display(self.value)}"
