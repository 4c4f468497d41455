"""The supplier registry: companies, their users, products, figures and certificates."""

import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from calculators.enterprise_size import LARGE, MEDIUM, MICRO, SMALL, enterprise_size_class

from .figures import FIGURES


class District(models.Model):
    """An administrative district of the city, identified by its six-digit division code."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name


class Category(models.Model):
    """A node of the supply-chain taxonomy (solid electrolytes > sulfide, ...)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name

    def descendant_ids(self) -> list[int]:
        """This category's id and those of all categories below it (the tree is small: one query)."""
        children = {}
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        ids, stack = [], [self.pk]
        while stack:
            pk = stack.pop()
            ids.append(pk)
            stack.extend(children.get(pk, []))
        return ids


class CompanyQuerySet(models.QuerySet):
    def published(self, today=None):
        """Verified companies whose verification has not expired: what the directory shows."""
        today = today or timezone.localdate()
        return self.filter(status=Company.Status.VERIFIED, verified_until__gte=today)


class Company(models.Model):
    """An organisation in the registry: a supplier, an anchor firm, or an alliance institution."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    class OrganisationType(models.TextChoices):
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        ASSOCIATION = "association", _("Association")

    class SizeClass(models.TextChoices):
        LARGE_ = LARGE, _("Large")
        MEDIUM_ = MEDIUM, _("Medium")
        SMALL_ = SMALL, _("Small")
        MICRO_ = MICRO, _("Micro")

    uscc = models.CharField(
        _("Unified Social Credit Code"),
        max_length=18,
        unique=True,
        help_text=_("18 characters, as printed on the business licence."),
    )
    name = models.CharField(_("registered name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices, default=OrganisationType.COMPANY
    )
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="companies")
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="companies"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    employees = models.PositiveIntegerField(_("employees"), help_text=_("Average number of employees last year."))
    revenue_cny = models.DecimalField(
        _("annual revenue (CNY)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Operating revenue of the last financial year, in CNY."),
    )
    # Derived from employees and revenue on every save; stored so the directory can filter on it.
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, editable=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(_("reason"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    verified_until = models.DateField(_("verified until"), null=True, blank=True)

    is_anchor = models.BooleanField(_("anchor firm"), default=False)
    locality_suggested = models.BooleanField(
        _("locality suggested"), default=False, editable=False,
        help_text=_("The USCC's division code lies inside the city."),
    )
    locality_confirmed = models.BooleanField(
        _("local (confirmed)"), null=True, blank=True,
        help_text=_("Confirmed by an official at verification; this is what counts."),
    )

    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        permissions = [("verify_company", _("Can verify, reject and suspend companies"))]
        indexes = [models.Index(fields=["status", "verified_until"], name="company_status_until_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(revenue_cny__gte=0), name="company_revenue_not_negative"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Size class and locality suggestion are pure functions of stored fields; deriving them here
        # keeps every path (forms, admin, API, demo loader) from ever storing a typed-in value.
        from .identifiers import suggests_local

        self.size_class = enterprise_size_class(self.employees, self.revenue_cny)
        self.locality_suggested = suggests_local(self.uscc)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"size_class", "locality_suggested"}
        # One transaction even when the caller opened none: a new size class moves the company's purchases between
        # the size classes' LCR cells (procurement.rollups, on pre_save and post_save), and that move must commit
        # with the row, holding it locked, or an import saved in between would be moved twice.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            super().save(*args, **kwargs)

    @property
    def is_local(self) -> bool:
        return self.locality_confirmed is True

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.VERIFIED
            and self.verified_until is not None
            and self.verified_until >= timezone.localdate()
        )

    @property
    def verification_expired(self) -> bool:
        return self.status == self.Status.VERIFIED and not self.is_published

    def verification_end(self, verified_on):
        return verified_on + timedelta(days=settings.VERIFICATION_VALIDITY_DAYS)


class User(AbstractUser):
    """A person who logs in: company staff (belonging to one company) or an official (staff)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # The language the person last chose while logged in: followed on every device they log in from.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def is_official(self) -> bool:
        return self.is_active and self.is_staff and (
            self.is_superuser or self.groups.filter(name=OFFICIALS_GROUP).exists()
        )

    @property
    def is_anchor_user(self) -> bool:
        return self.company_id is not None and self.company.is_anchor


OFFICIALS_GROUP = "officials"


class JoinRequest(models.Model):
    """A person's request to join a company already registered, approved by its users or an official."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="join_requests")
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company"], condition=Q(status="pending"), name="joinrequest_one_pending_per_user"
            )
        ]


class Product(models.Model):
    """A product a company offers, in one category, with its stage, capacity and performance figures."""

    class Stage(models.TextChoices):
        RD = "rd", _("R&D")
        PILOT = "pilot", _("Pilot")
        MASS = "mass", _("Mass production")

    class Application(models.TextChoices):
        NONE = "", _("Not applicable")
        GRID_STORAGE = "grid_storage", _("Grid storage")
        DRONE = "drone", _("Drones (low-altitude aircraft)")
        ROBOT = "robot", _("Robots")
        VEHICLE = "vehicle", _("Vehicles")
        OTHER = "other", _("Other")

    class CapacityUnit(models.TextChoices):
        TONNES = "t", _("tonnes per year")
        GWH = "GWh", _("GWh per year")
        MWH = "MWh", _("MWh per year")
        UNITS = "units", _("units per year")
        SETS = "sets", _("sets per year")
        SQUARE_METRES = "m2", _("m² per year")

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("product name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("production stage"), max_length=10, choices=Stage.choices)
    application = models.CharField(
        pgettext_lazy("product use", "application"), max_length=20, choices=Application.choices, blank=True, default="",
        help_text=_("For cells and packs: what they are made for; the city's targets depend on it."),
    )
    annual_capacity = models.DecimalField(
        _("annual capacity"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=10, choices=CapacityUnit.choices, blank=True)
    made_in_city = models.BooleanField(_("made in the city"), default=False)
    # Derived from the figures by calculators.city_targets whenever figures change (services.product_save).
    meets_target = models.BooleanField(_("meets city target"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["company__name", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_capacity__isnull=True) | Q(annual_capacity__gte=0),
                name="product_capacity_not_negative",
            )
        ]

    def __str__(self):
        return self.name

    @cached_property
    def figure_values(self) -> dict[str, float]:
        return {f.figure: f.value for f in self.figures.all()}

    @property
    def changed_since_verification(self) -> bool:
        verified_at = self.company.verified_at
        return verified_at is not None and self.updated_at > verified_at


class ProductFigure(models.Model):
    """One performance figure of a product, stored in the unit `registry.figures` names for it."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="figures")
    figure = models.CharField(
        _("figure"), max_length=40, choices=[(k, f.label) for k, f in FIGURES.items()]
    )
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["figure"]
        verbose_name = _("performance figure")
        verbose_name_plural = _("performance figures")
        constraints = [models.UniqueConstraint(fields=["product", "figure"], name="productfigure_one_per_product")]
        indexes = [models.Index(fields=["figure", "value"], name="productfigure_figure_value_idx")]

    def __str__(self):
        return f"{self.definition.label}: {self.display_value}"

    @property
    def definition(self):
        return FIGURES[self.figure]

    @property
    def display_value(self) -> str:
        return self.definition.display(self.value)


def private_upload_path(instance, filename):
    """A random name under a per-kind folder: the original name never reaches the disk or a URL."""
    suffix = Path(filename).suffix.lower()
    return f"{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


# settings.STORAGES["private"]: a folder of this machine, or an S3 bucket (config/private_storage.py).
private_storage = storages["private"]


def get_private_storage():
    """The private storage, given to FileFields as a callable so migrations do not record a machine's path."""
    return private_storage


class CertificateQuerySet(models.QuerySet):
    def valid(self, today=None):
        today = today or timezone.localdate()
        return self.filter(valid_from__lte=today, valid_until__gte=today)


class Certificate(models.Model):
    """A certificate a company holds (quality, safety, product), with the scanned document."""

    class Type(models.TextChoices):
        ISO9001 = "iso9001", _("ISO 9001 quality management")
        IATF16949 = "iatf16949", _("IATF 16949 automotive quality")
        ISO14001 = "iso14001", _("ISO 14001 environmental management")
        ISO45001 = "iso45001", _("ISO 45001 occupational health and safety")
        UN38_3 = "un38_3", _("UN 38.3 transport safety")
        IEC62619 = "iec62619", _("IEC 62619 industrial battery safety")
        GBT36276 = "gbt36276", _("GB/T 36276 energy storage battery")
        HIGH_TECH = "high_tech", _("High-tech enterprise")
        SPECIALISED_SME = "specialised_sme", _("Specialised and sophisticated SME")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="certificates"
    )
    cert_type = models.CharField(_("certificate type"), max_length=30, choices=Type.choices)
    number = models.CharField(_("certificate number"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    document = models.FileField(
        pgettext_lazy("certificate", "document"), storage=get_private_storage, upload_to=private_upload_path,
        max_length=200, blank=True
    )
    # An official's look at the document: cleared whenever the company changes the certificate, so that what the
    # directory shows as checked is what an official saw.
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="certificate_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.get_cert_type_display()} {self.number}"

    @property
    def is_valid(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today <= self.valid_until

    @property
    def changed_since_verification(self) -> bool:
        verified_at = self.company.verified_at
        return verified_at is not None and self.updated_at > verified_at


class SweepNotice(models.Model):
    """A notice the scheduled sweeps sent about a company or a certificate, kept so that none is sent twice."""

    class Kind(models.TextChoices):
        VERIFICATION_LAPSED = "verification_lapsed", _("Verification lapsed: left the directory")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring soon")
        CERTIFICATE_EXPIRED = "certificate_expired", _("Certificate expired (reported to officials)")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="sweep_notices"
    )
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="sweep_notices",
    )
    # The end date the notice is about: a renewed verification or certificate (a new end date) gets its own.
    about_date = models.DateField(_("about the end date"))
    recipients = models.JSONField(_("sent to"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("notice sent by the sweeps")
        verbose_name_plural = _("notices sent by the sweeps")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "company", "about_date"], condition=Q(certificate__isnull=True),
                name="notice_once_per_company_date",
            ),
            models.UniqueConstraint(
                fields=["kind", "certificate", "about_date"], condition=Q(certificate__isnull=False),
                name="notice_once_per_certificate_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.certificate or self.company} ({self.about_date})"


class ProductionBase(models.Model):
    """A company's production site: where it makes what, how much a year, and how far the site has come (seed
    suggestion 4: land and energy quotas go to production bases, solid-state battery ones first)."""

    class Stage(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        IN_PRODUCTION = "in_production", _("In production")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="production_bases"
    )
    name = models.CharField(_("name of the base"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="production_bases",
    )
    capacity = models.DecimalField(
        _("annual capacity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)],
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=10, choices=Product.CapacityUnit.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNED)
    is_solid_state = models.BooleanField(
        _("solid-state battery production base"), default=False,
        help_text=_("The base makes solid-state batteries or their materials: its land requests come first."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["company__name", "name"]
        verbose_name = _("production base")
        verbose_name_plural = _("production bases")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=0), name="productionbase_capacity_not_negative"),
            models.UniqueConstraint(fields=["company", "name"], name="productionbase_name_unique_per_company"),
        ]

    def __str__(self):
        return self.name


class LandRequest(models.Model):
    """A company's request for industrial land for one of its production bases, decided by officials in priority
    order (registry.production_bases)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")

    base = models.ForeignKey(
        ProductionBase, verbose_name=_("production base"), on_delete=models.PROTECT, related_name="land_requests"
    )
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))],
    )
    purpose = models.TextField(_("purpose"))
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = _("industrial land request")
        verbose_name_plural = _("industrial land requests")
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="landrequest_area_positive"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""), name="landrequest_declined_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_on"], name="landrequest_status_date_idx")]

    def __str__(self):
        return _("%(area)s m² for %(base)s") % {"area": f"{self.area_m2:,}", "base": self.base}

    @property
    def company(self):
        return self.base.company


class DirectoryVersion(models.Model):
    """A counter raised in the same transaction as every write that can change the public directory.

    The companies API's cached pages are keyed on it (registry.directory_cache): a write makes every page cached
    before it unreachable the moment it commits. One row.
    """

    number = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("directory version")
        verbose_name_plural = _("directory versions")

    def __str__(self):
        return str(self.number)
