"""The industry alliance (seed suggestion 2, Table 2): members, anchor–SME collaborations, standards and who
took part in them, and the standards-reward claims that plug those participations into the subsidy workflow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.models import MONEY, SubsidyApplication
from registry.figures import FIGURES
from registry.models import Category, Company, Product, get_private_storage, private_upload_path

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


# --- matchmaking: sourcing requests, offers, notices ---------------------------------------------------------


class SourcingRequest(models.Model):
    """An anchor firm's call for supply in one category, with the figures, quantity and certificates it needs."""

    class Status(models.TextChoices):
        # "Open" alone is also the link that opens a document: the context keeps the two translations apart.
        OPEN = "open", pgettext_lazy("sourcing request status", "Open")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        AWARDED = "awarded", _("Closed: awarded")
        WITHDRAWN = "withdrawn", _("Closed: withdrawn")
        EXPIRED = "expired", _("Expired")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: every verified supplier")
        MEMBERS = "members", _("Alliance members only")

    # The statuses in which suppliers may still answer and the anchor firm may still decide (before the deadline).
    LIVE_STATUSES = (Status.OPEN, Status.SHORTLISTED)
    STATUS_TAGS = {"open": "verified", "shortlisted": "pending", "awarded": "approved", "withdrawn": "rejected",
                   "expired": "rejected"}

    anchor = models.ForeignKey(
        Company, verbose_name=_("anchor firm"), on_delete=models.PROTECT, related_name="sourcing_requests"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        _("quantity per year"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    # The units products state their annual capacity in, so that capacity and quantity can be compared.
    quantity_unit = models.CharField(_("unit"), max_length=10, choices=Product.CapacityUnit.choices)
    required_certificates = models.JSONField(
        _("required certificates"), default=list, blank=True,
        help_text=_("Certificate types (registry Certificate.Type values) a supplier should hold, valid."),
    )
    local_only = models.BooleanField(_("local suppliers only"), default=False)
    deadline = models.DateField(_("deadline"))
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sourcing request")
        verbose_name_plural = _("sourcing requests")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sourcingrequest_quantity_positive"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="sourcingrequest_status_idx")]

    def __str__(self):
        return self.title

    def effective_status(self, today=None) -> str:
        """The status as of today: a live request past its deadline is expired, whether or not a sweep ran."""
        from django.utils import timezone

        today = today or timezone.localdate()
        if self.status in self.LIVE_STATUSES and self.deadline < today:
            return self.Status.EXPIRED
        return self.status

    @property
    def current_status(self) -> str:
        return self.effective_status()

    @property
    def current_status_display(self) -> str:
        return self.Status(self.current_status).label

    @property
    def status_tag(self) -> str:
        return self.STATUS_TAGS.get(self.current_status, "pending")

    @property
    def is_live(self) -> bool:
        return self.current_status in self.LIVE_STATUSES

    @property
    def certificate_labels(self) -> list[str]:
        from registry.models import Certificate

        labels = dict(Certificate.Type.choices)
        return [str(labels.get(value, value)) for value in self.required_certificates]


class SourcingRequirement(models.Model):
    """A figure threshold of a sourcing request (e.g. ionic conductivity at least 1e-2 S/cm), in registry units."""

    class Bound(models.TextChoices):
        MIN = "min", _("at least")
        MAX = "max", _("at most")

    request = models.ForeignKey(
        SourcingRequest, verbose_name=_("sourcing request"), on_delete=models.CASCADE, related_name="requirements"
    )
    figure = models.CharField(_("figure"), max_length=40, choices=[(k, f.label) for k, f in FIGURES.items()])
    bound = models.CharField(_("bound"), max_length=3, choices=Bound.choices)
    value = models.FloatField(_("threshold"))

    class Meta:
        ordering = ["figure", "bound"]
        verbose_name = _("figure requirement")
        verbose_name_plural = _("figure requirements")
        constraints = [
            models.UniqueConstraint(fields=["request", "figure", "bound"], name="requirement_one_per_figure_bound"),
        ]

    def __str__(self):
        return f"{self.definition.label} {self.get_bound_display()} {self.display_value}"

    @property
    def definition(self):
        return FIGURES[self.figure]

    @property
    def display_value(self) -> str:
        return self.definition.display(self.value)

    @property
    def parameter(self) -> str:
        """The directory's filter parameter for this threshold: min_ionic_conductivity, max_cycle_life, ..."""
        return f"{self.bound}_{self.figure}"


class Offer(models.Model):
    """A supplier's answer to a sourcing request: which products, a price range, a lead time and a note."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    STATUS_TAGS = {"submitted": "pending", "shortlisted": "pending", "accepted": "approved", "declined": "rejected"}

    request = models.ForeignKey(
        SourcingRequest, verbose_name=_("sourcing request"), on_delete=models.PROTECT, related_name="offers"
    )
    supplier = models.ForeignKey(
        Company, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="sourcing_offers"
    )
    products = models.ManyToManyField(Product, verbose_name=_("products offered"), blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    price_low = models.DecimalField(
        _("price from (CNY per unit)"), validators=[MinValueValidator(0)], **MONEY
    )
    price_high = models.DecimalField(
        _("price up to (CNY per unit)"), validators=[MinValueValidator(0)], **MONEY
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_reason = models.TextField(_("reason"), blank=True)
    collaboration = models.OneToOneField(
        Collaboration, verbose_name=_("collaboration"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="offer",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "supplier"], condition=~Q(status="declined"),
                name="offer_one_live_per_supplier",
            ),
            models.CheckConstraint(
                condition=Q(price_high__gte=models.F("price_low")), name="offer_price_range_ordered"
            ),
            models.CheckConstraint(condition=Q(price_low__gte=0), name="offer_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.supplier} · {self.request}"

    @property
    def status_tag(self) -> str:
        return self.STATUS_TAGS.get(self.status, "pending")


class Notice(models.Model):
    """A message to a company's users on /my/ (an offer arrived, an offer was shortlisted or accepted)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="alliance_notices"
    )
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["company", "read_at"], name="alliancenotice_company_idx")]

    def __str__(self):
        return self.text
