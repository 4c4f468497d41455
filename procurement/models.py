"""Purchases recorded by anchor firms, and the subsidy programmes and applications built on them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Category, Company, Product, get_private_storage, private_upload_path

MONEY = {"max_digits": 16, "decimal_places": 2}


class ImportBatch(models.Model):
    """One uploaded purchase file: who sent it, how it went, and the report of its bad rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused: bad rows")

    # Not finished yet: a worker may still start it, or is running it.
    LIVE = (Status.QUEUED, Status.RUNNING)

    buyer = models.ForeignKey(Company, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("purchases created"), default=0)
    duplicate_count = models.PositiveIntegerField(_("rows already recorded"), default=0)
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    # The uploaded file, kept in private storage until the background task has read it, then deleted.
    upload = models.FileField(
        _("uploaded file"), storage=get_private_storage, upload_to=private_upload_path, max_length=200, blank=True
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("purchase import")
        verbose_name_plural = _("purchase imports")


class Purchase(models.Model):
    """One purchase by a buyer from a supplier, with the supplier's locality fixed at the time it was saved."""

    class Source(models.TextChoices):
        FORM = "form", _("Web form")
        API = "api", _("API")
        IMPORT = "import", _("File import")

    buyer = models.ForeignKey(Company, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="purchases")
    supplier = models.ForeignKey(
        Company, verbose_name=_("registered supplier"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="sales",
    )
    # Always filled: for a registered supplier a copy of its USCC and name, for an outside one what the buyer gave.
    supplier_identifier = models.CharField(_("supplier identifier"), max_length=40)
    supplier_name = models.CharField(_("supplier name"), max_length=200)
    # Snapshots taken when the record is saved; a later change of the supplier's status never rewrites them.
    supplier_is_local = models.BooleanField(_("local supplier (at purchase)"), default=False)
    supplier_was_verified = models.BooleanField(_("verified supplier (at purchase)"), default=False)
    purchased_on = models.DateField(_("purchase date"))
    # The calendar year of purchased_on, stored so that grouping by year is a plain column on every database
    # (SQLite would otherwise call a Python function per row). Filled by save() and by every bulk write.
    purchased_year = models.PositiveSmallIntegerField(_("purchase year"), editable=False)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    invoice_number = models.CharField(_("invoice number"), max_length=60)
    source = models.CharField(_("recorded through"), max_length=10, choices=Source.choices)
    import_batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="purchases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-purchased_on", "-pk"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="purchase_amount_positive"),
            models.UniqueConstraint(
                fields=["supplier_identifier", "invoice_number"], name="purchase_invoice_unique_per_supplier"
            ),
        ]
        indexes = [
            # A buyer's purchases newest first, as /my/purchases/ lists them: a page is read straight off the index.
            models.Index(fields=["buyer", "-purchased_on", "-id"], name="purchase_buyer_newest_idx"),
            models.Index(fields=["purchased_on", "supplier_is_local"], name="purchase_date_local_idx"),
        ]

    def __str__(self):
        return f"{self.invoice_number} · {self.supplier_name}"

    def save(self, *args, **kwargs):
        self.purchased_year = self.purchased_on.year
        super().save(*args, **kwargs)


class LcrCell(models.Model):
    """What every LCR rollup row holds: a category, a year and the locality snapshot, with the sum in whole fen and
    the count of the purchases in that cell (LcrRollup adds the buyer)."""

    # CASCADE is safe: a buyer or category with purchases cannot be deleted (PROTECT on Purchase), so only
    # cells whose purchases are all gone (zero rows) can ever go with them.
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    supplier_is_local = models.BooleanField(_("local supplier (at purchase)"))
    amount_fen = models.BigIntegerField(_("amount (fen)"), default=0)
    purchase_count = models.BigIntegerField(_("purchases"), default=0)

    class Meta:
        abstract = True


class LcrRollup(LcrCell):
    """The sum and count of purchases per buyer, category, year and locality snapshot: what LCR figures read.

    One row per cell, kept exact in the transaction of every purchase write (procurement.rollups). The
    category is the purchase's own (not its top-level one), so moving a category in the tree changes no row;
    the buyer's district is joined when read, as the figures by district always used the buyer's current one.
    Amounts are whole fen (CNY × 100) so that sums are exact integers on SQLite as on PostgreSQL. No CHECK
    keeps them non-negative: both databases check the row an upsert proposes (the negative change of a
    correction or deletion) before they see the conflict that turns it into an update.
    """

    buyer = models.ForeignKey(Company, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("LCR rollup cell")
        verbose_name_plural = _("LCR rollup cells")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "category", "year", "supplier_is_local"], name="lcr_rollup_one_row_per_cell"
            ),
        ]
        indexes = [models.Index(fields=["year", "buyer"], name="lcr_rollup_year_buyer_idx")]

    def __str__(self):
        return f"{self.buyer_id} · {self.category_id} · {self.year} · {self.supplier_is_local}"


class LcrCityRollup(LcrCell):
    """The city's sums of purchases per category, year and locality snapshot: LcrRollup without the buyer.

    The city-wide figures, the trend and the figures by category read a few hundred rows here instead of every
    buyer's cells; written in the same statement batch as LcrRollup, so the two always agree.
    """


    class Meta:
        verbose_name = _("city LCR rollup cell")
        verbose_name_plural = _("city LCR rollup cells")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year", "supplier_is_local"], name="lcr_city_rollup_one_row_per_cell"
            ),
        ]

    def __str__(self):
        return f"{self.category_id} · {self.year} · {self.supplier_is_local}"


class LcrSizeRollup(LcrCell):
    """The sums of purchases from registered suppliers per category, year, locality snapshot and the supplier's
    size class: the LCR of SMEs (or any size class) in a few thousand rows whatever the number of purchases.

    The size class is the supplier's current one (computed from its employees and revenue), so when a company
    moves into another class its purchases move with it, in the transaction that saves the company
    (procurement.rollups). Purchases from suppliers outside the registry have no size class and no cell here.
    """

    supplier_size_class = models.CharField(_("supplier size class"), max_length=10, choices=Company.SizeClass.choices)

    class Meta:
        verbose_name = _("size class LCR rollup cell")
        verbose_name_plural = _("size class LCR rollup cells")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year", "supplier_is_local", "supplier_size_class"],
                name="lcr_size_rollup_one_row_per_cell",
            ),
        ]

    def __str__(self):
        return f"{self.category_id} · {self.year} · {self.supplier_is_local} · {self.supplier_size_class}"


class SubsidyProgramme(models.Model):
    """One version of a subsidy or reward programme; a policy change is a new version, never an edit of history."""

    class Kind(models.TextChoices):
        LOCAL_PROCUREMENT = "local_procurement", _("Local procurement subsidy")
        RD_MATCHING = "rd_matching", _("R&D matching fund")
        STANDARDS_REWARD = "standards_reward", _("Standards reward")
        ENERGY_QUOTA = "energy_quota", _("Energy quota uplift")
        RD_FUND = "rd_fund", _("R&D fund grant")

    code = models.SlugField(_("programme code"), max_length=60, help_text=_("The same for every version."))
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # The amount rule's parameters: each kind uses some of them (procurement.programme_kinds says which).
    rate = models.DecimalField(
        _("rate"), max_digits=6, decimal_places=4, null=True, blank=True,
        help_text=_("As a fraction: 0.05 for 5 %, 0.15 for 15 %."),
    )
    lead_reward = models.DecimalField(
        _("reward for leading (CNY)"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        **MONEY,
    )
    participant_reward = models.DecimalField(
        _("reward for taking part (CNY)"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        **MONEY,
    )
    quota_factor = models.DecimalField(
        _("quota factor"), max_digits=6, decimal_places=4, null=True, blank=True,
        help_text=_("The granted quota is the standard quota times this factor: 1.10 raises it by a tenth."),
    )
    period_start = models.DateField(
        _("eligible period from"),
        help_text=_("Purchases, projects or participations must fall in this period to count."),
    )
    period_end = models.DateField(_("eligible period until"))
    cap_per_applicant_year = models.DecimalField(
        _("cap per applicant per year (CNY)"), null=True, blank=True, **MONEY
    )
    cap_per_application = models.DecimalField(_("cap per application (CNY)"), null=True, blank=True, **MONEY)
    eligible_category = models.ForeignKey(
        Category, verbose_name=_("eligible category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Purchases in this category or below it are eligible."),
    )
    active_from = models.DateField(_("open for applications from"))
    active_until = models.DateField(_("open for applications until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("subsidy programme")
        verbose_name_plural = _("subsidy programmes")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="programme_one_row_per_version"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="programme_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | (Q(rate__gt=0) & Q(rate__lte=1)), name="programme_rate_fraction"
            ),
            models.CheckConstraint(
                condition=Q(quota_factor__isnull=True) | Q(quota_factor__gt=0), name="programme_quota_factor_positive"
            ),
            models.CheckConstraint(
                condition=Q(lead_reward__isnull=True) | Q(participant_reward__isnull=True)
                | Q(lead_reward__gte=models.F("participant_reward")),
                name="programme_lead_reward_not_below_participant",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} (v{self.version})"

    @property
    def display_name(self):
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name

    def clean(self):
        # Each kind's amount rule reads some of the parameters; a version of that kind must fill them.
        from .programme_kinds import kind_of, registered

        if self.kind and registered(self.kind):
            errors = kind_of(self).check_programme(self)
            if errors:
                raise ValidationError(errors)


class SubsidyApplication(models.Model):
    """A company's application under one programme version, moving draft → submitted → approved → paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    applicant = models.ForeignKey(
        Company, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="subsidy_applications"
    )
    programme = models.ForeignKey(
        SubsidyProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # What the programme's amount rule computed, on the server, from the stored basis. Money and quota never
    # share a column: a money programme fills `amount` (and `eligible_total` where the amount is a rate of a
    # sum), the energy quota fills `quota_granted` in `quota_unit` and leaves `amount` empty.
    eligible_total = models.DecimalField(
        _("basis (CNY)"), null=True, blank=True, default=0,
        help_text=_("The sum the rate applies to: eligible purchases, or the project's total investment."), **MONEY,
    )
    amount = models.DecimalField(_("amount (CNY)"), null=True, blank=True, default=0, **MONEY)
    # In the standard quota's own precision (3 places): see procurement.energy_quota.
    quota_granted = models.DecimalField(
        _("quota granted"), max_digits=18, decimal_places=3, null=True, blank=True
    )
    quota_unit = models.CharField(_("quota unit"), max_length=10, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        permissions = [("approve_subsidyapplication", _("Can approve, reject, return and mark paid"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="application_amount_not_negative"
            ),
            # Money or a quota, never both: a quota is not money and is never summed with it.
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(quota_granted__isnull=True),
                name="application_money_or_quota",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.applicant} · {self.programme}"

    @property
    def award_display(self) -> str:
        """What the application is worth as people read it: ¥1,234.56, or 1,100 kWh for a quota (never money)."""
        from registry.templatetags.platform_format import cny, quantity

        if self.quota_granted is not None:
            return quantity(self.quota_granted, self.quota_unit)
        return cny(self.amount) or "—"


class ApplicationClaim(models.Model):
    """A purchase claimed by an application; the partial unique index lets a purchase have one live claim, ever."""

    application = models.ForeignKey(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="claims"
    )
    purchase = models.ForeignKey(Purchase, verbose_name=_("purchase"), on_delete=models.PROTECT, related_name="claims")
    # False once the application is rejected (or the purchase is taken out of a draft): the purchase is free again.
    live = models.BooleanField(_("live"), default=True)
    amount = models.DecimalField(_("amount at claim (CNY)"), **MONEY)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claimed purchase")
        verbose_name_plural = _("claimed purchases")
        constraints = [
            models.UniqueConstraint(fields=["purchase"], condition=Q(live=True), name="claim_one_live_per_purchase"),
        ]

    def __str__(self):
        return str(self.purchase)


class ApplicationEvent(models.Model):
    """One status change of an application: who moved it, when, from what to what, and why."""

    application = models.ForeignKey(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        status = SubsidyApplication.Status
        moved_from = status(self.from_status).label if self.from_status else "—"
        return f"{moved_from} → {status(self.to_status).label}"


class ApplicationDocument(models.Model):
    """A supporting document attached to an application, stored privately as certificates are."""

    application = models.ForeignKey(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    document = models.FileField(
        _("document"), storage=get_private_storage, upload_to=private_upload_path, max_length=200
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")


class MajorProjectClaim(models.Model):
    """The basis of an R&D matching-fund application: the national major project the company undertakes.

    One live application per national project, ever: the partial unique index holds it whatever the timing.
    """

    application = models.OneToOneField(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="major_project"
    )
    name = models.CharField(_("project name"), max_length=300)
    national_programme = models.CharField(
        _("national programme"), max_length=200,
        help_text=_("For example: National Key R&D Programme, “New energy vehicles” special project."),
    )
    project_number = models.CharField(
        _("project number"), max_length=60, help_text=_("As on the national task agreement, e.g. 2025YFB2400100.")
    )
    started_on = models.DateField(_("project start"))
    ends_on = models.DateField(_("project end"))
    total_investment = models.DecimalField(
        _("total investment (CNY)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    # False once the application is rejected: the project may be applied for again.
    live = models.BooleanField(_("live"), default=True)

    class Meta:
        verbose_name = _("national major project")
        verbose_name_plural = _("national major projects")
        constraints = [
            models.UniqueConstraint(
                fields=["national_programme", "project_number"], condition=Q(live=True),
                name="major_project_one_live_application",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("started_on")), name="major_project_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(total_investment__gt=0), name="major_project_investment_positive"),
        ]

    def __str__(self):
        return f"{self.project_number} {self.name}"


class EnergyQuotaClaim(models.Model):
    """The basis of an energy quota uplift: a production base's standard annual energy quota, in kWh or tce."""

    class Unit(models.TextChoices):
        KWH = "kWh", _("kWh (kilowatt-hours)")
        TCE = "tce", _("tce (tonnes of coal equivalent)")

    application = models.OneToOneField(
        SubsidyApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="energy_quota"
    )
    # The applicant, copied so that the database holds "one live request per base and year".
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    base_name = models.CharField(_("production base"), max_length=200)
    base_address = models.CharField(_("address of the base"), max_length=300)
    quota_year = models.PositiveIntegerField(_("year of the quota"))
    standard_quota = models.DecimalField(
        _("standard annual energy quota"), max_digits=18, decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    live = models.BooleanField(_("live"), default=True)

    class Meta:
        verbose_name = _("energy quota request")
        verbose_name_plural = _("energy quota requests")
        constraints = [
            models.CheckConstraint(condition=Q(standard_quota__gt=0), name="energy_quota_positive"),
            models.UniqueConstraint(
                fields=["company", "base_name", "quota_year"], condition=Q(live=True),
                name="energy_quota_one_live_per_base_year",
            ),
        ]

    def __str__(self):
        return f"{self.base_name} {self.quota_year}"
