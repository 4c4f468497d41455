"""The industry alliance (seed suggestion 2, Table 2): members, anchor–SME collaborations, standards and who
took part in them, and the standards-reward claims that plug those participations into the subsidy workflow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.models import MONEY, SubsidyApplication
from registry.models import Category, Company, get_private_storage, private_upload_path

# --- members ---------------------------------------------------------------------------------------------


class Membership(models.Model):
    """An organisation's membership of the alliance, in a tier, from the day it was admitted to the day it ended."""

    class Tier(models.TextChoices):
        COUNCIL = "council", _("Council member")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    organisation = models.ForeignKey(
        Company, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="alliance_memberships"
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("admitted by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["tier", "organisation__name"]
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="active"), name="membership_one_active_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(left_on__isnull=True))
                | (Q(status="ended") & Q(left_on__isnull=False)),
                name="membership_ended_has_left_on",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_tier_display()}"


# --- standards -------------------------------------------------------------------------------------------


class Standard(models.Model):
    """A standard (ISO, IEC, ITU, national, industry or group) that alliance members lead or take part in."""

    class Body(models.TextChoices):
        ISO = "ISO", _("ISO")
        IEC = "IEC", _("IEC")
        ITU = "ITU", _("ITU")
        NATIONAL = "national", _("National (SAC)")
        INDUSTRY = "industry", _("Industry")
        GROUP = "group", _("Group (association)")

    class Level(models.TextChoices):
        INTERNATIONAL = "international", _("International")
        NATIONAL = "national", _("National")
        INDUSTRY = "industry", _("Industry")
        GROUP = "group", _("Group")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_DEVELOPMENT = "in_development", _("In development")
        PUBLISHED = "published", _("Published")

    # The bodies whose standards the standards reward pays for (the policy's "Subsidies and rewards" rules).
    INTERNATIONAL_BODIES = (Body.ISO, Body.IEC, Body.ITU)

    code = models.CharField(_("code"), max_length=60, unique=True, help_text=_("For example IEC 62660-1."))
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            # An ISO, IEC or ITU standard is international and only theirs are: the reward rests on this.
            models.CheckConstraint(
                condition=(Q(body__in=["ISO", "IEC", "ITU"]) & Q(level="international"))
                | (~Q(body__in=["ISO", "IEC", "ITU"]) & ~Q(level="international")),
                name="standard_international_iff_iso_iec_itu",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(status="published"),
                name="standard_published_on_only_when_published",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.display_title}"

    def clean(self):
        # The messages a person reads for the two check constraints below the form.
        errors = {}
        if self.body and self.level:
            if self.body in self.INTERNATIONAL_BODIES and self.level != self.Level.INTERNATIONAL:
                errors["level"] = _("A standard of ISO, IEC or ITU is international.")
            elif self.body not in self.INTERNATIONAL_BODIES and self.level == self.Level.INTERNATIONAL:
                errors["level"] = _("Only standards of ISO, IEC or ITU are international; choose the level "
                                    "that fits the body.")
        if self.published_on and self.status != self.Status.PUBLISHED:
            errors["published_on"] = _("Give a publication date only for a published standard.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_title(self):
        return self.title_zh if (get_language() or "").startswith("zh") and self.title_zh else self.title

    @property
    def is_international(self) -> bool:
        return self.body in self.INTERNATIONAL_BODIES


class StandardParticipation(models.Model):
    """A company's part in a standard (leading it or taking part), with the evidence an official verifies."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTICIPANT = "participant", _("Participant")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="standard_participations"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    evidence = models.FileField(
        _("evidence"), storage=get_private_storage, upload_to=private_upload_path, max_length=200, blank=True,
        help_text=_("A PDF, PNG or JPEG: the body's record naming the company and its role."),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(_("reason"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard__code", "company__name"]
        verbose_name = _("standard participation")
        verbose_name_plural = _("standard participations")
        permissions = [("verify_standardparticipation", _("Can verify and reject standard participations"))]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "standard", "role"], name="participation_one_per_company_standard_role"
            ),
        ]

    def __str__(self):
        return f"{self.company} · {self.standard.code} · {self.get_role_display()}"


class StandardRewardClaim(models.Model):
    """The basis of a standards-reward application: one participation, claimed live by one application at a time.

    The partial unique index makes the reward once per company, standard and role whatever the timing; leading
    supersedes taking part through the amount rule (a lead claim after a granted participant claim pays the
    difference, and a participant claim after a lead claim pays nothing).
    """

    application = models.OneToOneField(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="standard_claim"
    )
    participation = models.ForeignKey(
        StandardParticipation, verbose_name=_("participation"), on_delete=models.PROTECT, related_name="claims"
    )
    # Copied from the participation so that the database can hold the rule on these columns.
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=StandardParticipation.Role.choices)
    # False once the application is rejected: the participation may be claimed again.
    live = models.BooleanField(_("live"), default=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("standards-reward claim")
        verbose_name_plural = _("standards-reward claims")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "standard", "role"], condition=Q(live=True),
                name="reward_claim_once_per_company_standard_role",
            ),
        ]


# --- collaborations --------------------------------------------------------------------------------------


class Collaboration(models.Model):
    """A collaboration between an anchor firm and an SME under one of the three models of the seed's Table 2."""

    class Model(models.TextChoices):
        LICENSING = "licensing", _("Technology licensing and joint development")
        SUPPLY = "supply", _("Long-term supply agreement")
        STANDARD = "standard", _("Standard co-creation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    anchor = models.ForeignKey(
        Company, verbose_name=_("anchor firm"), on_delete=models.PROTECT, related_name="anchor_collaborations"
    )
    sme = models.ForeignKey(Company, verbose_name=_("SME"), on_delete=models.PROTECT, related_name="sme_collaborations")
    model = models.CharField(_("model"), max_length=20, choices=Model.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    status_reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # Which party proposed: the other one confirms.
    proposed_by_company = models.ForeignKey(
        Company, verbose_name=_("proposing party"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    # Technology licensing and joint development.
    licensed_patents = models.TextField(
        _("licensed patent numbers"), blank=True, help_text=_("One patent number a line, e.g. CN114123456B.")
    )
    joint_outputs = models.TextField(
        _("jointly developed materials or products"), blank=True, help_text=_("One a line.")
    )
    # Long-term supply agreement: the period is started_on–ends_on.
    committed_quantity = models.DecimalField(
        _("committed quantity per year"), max_digits=16, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    quantity_unit = models.CharField(_("unit"), max_length=20, blank=True)
    committed_value_per_year = models.DecimalField(
        _("committed value per year (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories supplied"), blank=True, related_name="+",
        help_text=_("When given, only purchases in these categories (or below them) count as deliveries."),
    )
    # Standard co-creation.
    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="collaborations",
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        constraints = [
            models.CheckConstraint(condition=~Q(anchor=models.F("sme")), name="collaboration_two_parties"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("started_on")),
                name="collaboration_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(model="supply") | (Q(ends_on__isnull=False) & Q(committed_value_per_year__isnull=False)),
                name="collaboration_supply_has_period_and_value",
            ),
            models.CheckConstraint(
                condition=~Q(model="standard") | Q(standard__isnull=False),
                name="collaboration_standard_names_standard",
            ),
            models.CheckConstraint(
                condition=Q(committed_value_per_year__isnull=True) | Q(committed_value_per_year__gte=0),
                name="collaboration_committed_value_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "model"], name="collaboration_status_model_idx")]

    def __str__(self):
        return f"{self.title} ({self.anchor} · {self.sme})"

    # The colour of the status tag: the stylesheet's tag rules of the registry's statuses, reused.
    STATUS_TAGS = {"proposed": "pending", "active": "verified", "completed": "approved", "terminated": "rejected"}

    @property
    def status_tag(self) -> str:
        return self.STATUS_TAGS.get(self.status, self.status)


class Milestone(models.Model):
    """A step of a collaboration: what is due when, when it was done, and what came of it."""

    collaboration = models.ForeignKey(
        Collaboration, verbose_name=_("collaboration"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title
