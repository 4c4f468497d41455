"""The officials' side of the registry: verification of companies, the taxonomy, and read-only views of the rest.

Every state change goes through registry.services, one company at a time, reported with message_user: the admin
can never move a company in a way the rules forbid, and every move lands in the company's history with the
official's name and reason.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, Min, OuterRef, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, mark_safe
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import history, production_bases, services
from .bounds import bound_numbers
from .filtersets import CompanyFilterSet
from .identifiers import division_code, normalise_uscc, record_id, validate_uscc
from .models import (
    Category,
    Certificate,
    Company,
    District,
    JoinRequest,
    LandRequest,
    Product,
    ProductFigure,
    ProductionBase,
    User,
)

# The same colour pairs as the .tag rules of static/css/site.css (which the admin does not load);
# the label is always printed as well, so colour is never the only cue.
TAG_COLOURS = {
    Company.Status.PENDING: ("#fff7bf", "#594d00"),
    Company.Status.VERIFIED: ("#cce2d8", "#005a30"),
    Company.Status.REJECTED: ("#f6d7d2", "#942514"),
    Company.Status.SUSPENDED: ("#f6d7d2", "#942514"),
    "expired": ("#f6d7d2", "#942514"),
    "changed": ("#fcd6c3", "#6e3619"),
    "valid": ("#cce2d8", "#005a30"),
    "local": ("#bbd4ea", "#0c2d4a"),
}
EXPIRY_WARNING_DAYS = 30


def tag(kind: str, label) -> str:
    """A coloured label, styled inline so that it needs no stylesheet in the admin."""
    background, colour = TAG_COLOURS.get(kind, ("#dbdad9", "#0b0c0c"))
    return format_html(
        '<span class="registry-tag registry-tag-{}" style="display:inline-block;padding:0 .4em;'
        'font-weight:700;background:{};color:{}">{}</span>',
        kind, background, colour, label,
    )


def changed_marker(obj) -> str:
    return tag("changed", _("Changed since verification")) if obj.changed_since_verification else ""


# --- "changed since verification": one definition for the list column, its filter and the detail page -------

def _changes_after_verification() -> dict:
    """What a company's users changed after an official last verified it, one subquery per kind of change."""
    verified_at = OuterRef("verified_at")
    return {
        "products": Product.objects.filter(company=OuterRef("pk"), updated_at__gt=verified_at),
        "certificates": Certificate.objects.filter(company=OuterRef("pk"), updated_at__gt=verified_at),
        "deleted_products": Product.history.model.objects.filter(
            company_id=OuterRef("pk"), history_type="-", history_date__gt=verified_at
        ),
        "deleted_certificates": Certificate.history.model.objects.filter(
            company_id=OuterRef("pk"), history_type="-", history_date__gt=verified_at
        ),
        # Profile edits by the company's own users; officials' actions are made by users without a company.
        "profile": Company.history.model.objects.filter(
            id=OuterRef("pk"), history_date__gt=verified_at, history_user__company_id=OuterRef("pk")
        ),
    }


def with_changed_since_verification(queryset):
    condition = Q()
    for subquery in _changes_after_verification().values():
        condition |= Exists(subquery)
    return queryset.annotate(
        changed_since_verification=ExpressionWrapper(
            Q(verified_at__isnull=False) & condition, output_field=BooleanField()
        )
    )


# --- list filters ------------------------------------------------------------------------------------------

class CategoryTreeFilter(admin.SimpleListFilter):
    """A category of the tree; a parent includes its descendants (the directory's own category rule)."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        children = defaultdict(list)
        for category in Category.objects.all():
            children[category.parent_id].append(category)
        choices = []

        def walk(parent_id, depth):
            for category in children[parent_id]:
                choices.append((str(category.pk), f"{'— ' * depth}{category.display_name}"))
                walk(category.pk, depth + 1)

        walk(None, 0)
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        pk = record_id(self.value())
        category = Category.objects.filter(pk=pk).first() if pk else None
        if category is None:
            return queryset.none()
        return CompanyFilterSet(queryset=queryset).filter_category(queryset, "category", category)


class LocalityConfirmedFilter(admin.SimpleListFilter):
    """Whether an official confirmed the company as local, denied it, or has not decided yet."""

    title = _("local (confirmed)")
    parameter_name = "locality"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed local")), ("no", _("Denied")), ("unconfirmed", _("Not yet confirmed"))]

    def queryset(self, request, queryset):
        return {
            "yes": lambda: queryset.filter(locality_confirmed=True),
            "no": lambda: queryset.filter(locality_confirmed=False),
            "unconfirmed": lambda: queryset.filter(locality_confirmed__isnull=True),
        }.get(self.value(), lambda: queryset)()


class VerificationExpiryFilter(admin.SimpleListFilter):
    """Verified companies by the state of their verification: current, expiring soon, or expired."""

    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("expired", _("Expired")),
            ("expiring", _("Expires within %(days)d days") % {"days": EXPIRY_WARNING_DAYS}),
            ("current", _("Current")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        verified = queryset.filter(status=Company.Status.VERIFIED)
        if self.value() == "expired":
            return verified.filter(Q(verified_until__lt=today) | Q(verified_until__isnull=True))
        if self.value() == "expiring":
            return verified.filter(
                verified_until__gte=today, verified_until__lte=today + timedelta(days=EXPIRY_WARNING_DAYS)
            )
        if self.value() == "current":
            return verified.filter(verified_until__gte=today)
        return queryset


class ChangedSinceVerificationFilter(admin.SimpleListFilter):
    """Companies whose users changed products, certificates or the profile after the last verification."""

    title = _("changed since verification")
    parameter_name = "changed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(changed_since_verification=True)
        if self.value() == "no":
            return queryset.filter(changed_since_verification=False)
        return queryset


class RecordChangedSinceVerificationFilter(admin.SimpleListFilter):
    """Products or certificates edited after their company was last verified."""

    title = _("changed since verification")
    parameter_name = "changed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        changed = Q(company__verified_at__isnull=False, updated_at__gt=F("company__verified_at"))
        if self.value() == "yes":
            return queryset.filter(changed)
        if self.value() == "no":
            return queryset.exclude(changed)
        return queryset


class CertificateValidityFilter(admin.SimpleListFilter):
    """Certificates valid today, or not (expired or not yet in force)."""

    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("Valid")), ("invalid", _("Expired or not yet valid"))]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.valid()
        if self.value() == "invalid":
            return queryset.exclude(pk__in=Certificate.objects.valid().values("pk"))
        return queryset


class CertificateCheckedFilter(admin.SimpleListFilter):
    """Certificates an official has looked at since the company last changed them, or not."""

    title = _("checked by an official")
    parameter_name = "checked"
    NOT_YET = "no"

    def lookups(self, request, model_admin):
        return [(self.NOT_YET, _("Not yet checked")), ("yes", _("Checked"))]

    def queryset(self, request, queryset):
        if self.value() == self.NOT_YET:
            return queryset.filter(checked_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(checked_at__isnull=False)
        return queryset


def checked_shown(certificate) -> str:
    if certificate.checked_at is None:
        return tag("changed", _("Not yet checked"))
    return format_html("{} {}", tag("valid", _("Checked")), certificate.checked_at.date().isoformat())


# --- company: inlines -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkQueue:
    """What waits for an official in one admin list: shown with its count and oldest wait on the admin's index
    (templates/admin/index.html), and listed oldest first when the list is filtered to it."""

    label: str  # what waits, in words ("Companies waiting for verification")
    query: dict  # the list's filter that shows it, as URL parameters
    condition: Q  # the same records, for the count
    since: str  # the field the wait starts from


class WorkQueueMixin:
    """A ModelAdmin with a `work_queue`: its waiting records oldest first, with the date they started waiting."""

    work_queue: WorkQueue | None = None

    def in_work_queue(self, request) -> bool:
        queue = self.work_queue
        return queue is not None and all(request.GET.get(key) == value for key, value in queue.query.items())

    def get_ordering(self, request):
        if self.in_work_queue(request):
            return (self.work_queue.since, "pk")
        return super().get_ordering(request)

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if self.in_work_queue(request) and self.work_queue.since not in shown:
            shown.insert(min(3, len(shown)), "waiting_since")
        return shown

    @admin.display(description=_("waiting since"))
    def waiting_since(self, obj):
        value = getattr(obj, self.work_queue.since)
        return value.date().isoformat() if value else "—"

    def waiting(self, request) -> dict | None:
        """The queue's count and oldest wait for the index, or None for a reader who may not see this list."""
        if self.work_queue is None or not self.has_view_permission(request):
            return None
        queue = self.work_queue
        figures = self.model._default_manager.filter(queue.condition).aggregate(
            count=Count("pk"), oldest=Min(queue.since)
        )
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?" + urlencode(queue.query)
        return {"label": queue.label, "url": url, **figures}


class HistoryInWordsMixin:
    """A SimpleHistoryAdmin whose history page reads in words in the reader's language (registry.history): the
    columns and changes by their labels, the reasons with their actions translated."""

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return history.HistoryInWords(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        names = self.get_history_list_display(request)
        extra_context = {**(extra_context or {}), "history_columns": history.column_labels(self.model, names)}
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        names = self.get_history_list_display(request)
        for record in historical_records:
            record.columns_in_words = history.columns_in_words(self.model, record, names)
            record.reason_in_words = history.reason_in_words(self.model, record.history_change_reason)


class HistoryWithoutRevertMixin(HistoryInWordsMixin):
    """The history of a record whose status moves only through services: shown to officials, never reverted (a
    revert would move the status around the services and their checks)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    """Records the company's users keep through their own pages; officials look, never edit."""

    extra = 0
    can_delete = False
    show_change_link = False
    # The row's columns already name the record; admin.css hides the "Model object (4)" line above each row.
    classes = ["readonly-inline"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProductInline(ReadOnlyInline):
    """The company's products with their figures and whether they changed since the verification."""

    model = Product
    fields = ("name", "category", "stage", "figures_shown", "meets_target", "made_in_city", "updated_at", "changed")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "category").prefetch_related("figures")

    @admin.display(description=_("figures"))
    def figures_shown(self, product):
        return format_html_join(mark_safe("<br>"), "{}", ((str(figure),) for figure in product.figures.all()))

    @admin.display(description=_("changed since verification"))
    def changed(self, product):
        return changed_marker(product)


class CertificateInline(ReadOnlyInline):
    """The company's certificates: validity, the scanned document, and whether they changed since verification."""

    model = Certificate
    fields = ("cert_type", "number", "issuer", "valid_from", "valid_until", "validity", "document_link",
              "updated_at", "changed", "checked")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")

    @admin.display(description=_("checked by an official"))
    def checked(self, certificate):
        return checked_shown(certificate)

    @admin.display(description=_("validity"))
    def validity(self, certificate):
        return tag("valid", _("Valid")) if certificate.is_valid else tag("expired", _("Expired"))

    @admin.display(description=pgettext_lazy("certificate", "document"))
    def document_link(self, certificate):
        return certificate_document_link(certificate)

    @admin.display(description=_("changed since verification"))
    def changed(self, certificate):
        return changed_marker(certificate)


def certificate_document_link(certificate) -> str:
    if not certificate.document:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        reverse("registry:certificate_document", args=[certificate.pk]),
        _("View document"),
    )


class UserInline(ReadOnlyInline):
    """The people who log in for the company."""

    model = User
    fields = ("username", "first_name", "last_name", "email", "is_active", "last_login", "date_joined")
    readonly_fields = fields
    verbose_name = _("user of the company")
    verbose_name_plural = _("users of the company")


# --- company: forms for the admin's own edits and for the actions' reasons --------------------------------

def _https_urls(db_field, **kwargs):
    # Django 6 makes https the default scheme of typed-in addresses; opt in now.
    if db_field.name == "website":
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class CompanyAdminForm(forms.ModelForm):
    """The profile facts an official may correct; the USCC is checked the way sign-up checks it."""

    class Meta:
        model = Company
        # Status, verification, anchor and locality fields are deliberately absent: only the actions move them.
        fields = [
            "uscc", "name", "name_en", "organisation_type", "description", "categories", "district", "address",
            "website", "contact_name", "contact_phone", "contact_email", "employees", "revenue_cny",
        ]
        formfield_callback = _https_urls

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self.fields, amounts=("revenue_cny",))

    def clean_uscc(self):
        code = validate_uscc(self.cleaned_data["uscc"])
        if Company.objects.filter(uscc=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A company with this USCC is already registered."))
        return code


class ReasonForm(forms.Form):
    """The official's reason for rejecting (required) or suspending (optional) the chosen companies."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        required=False,
        help_text=_("The company sees this reason. Say what is wrong and what it can do about it."),
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if required:
            self.fields["reason"].error_messages["required"] = _("Give the reason for rejecting.")
        else:
            self.fields["reason"].help_text = _("Optional. The company sees this reason.")



class VerifyForm(forms.Form):
    """Verify, in one step with settling each company's locality: the USCC's suggestion is shown beside the choice,
    so that an official confirms or denies it as part of verifying rather than as a separate move forgotten later."""

    LOCAL, NOT_LOCAL = "local", "not_local"

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.companies = list(companies)
        for company in self.companies:
            settled = company.locality_confirmed
            local = company.locality_suggested if settled is None else settled
            self.fields[self.field_name(company)] = forms.ChoiceField(
                label=company.name,
                choices=[(self.LOCAL, _("Local")), (self.NOT_LOCAL, _("Not local"))],
                initial=self.LOCAL if local else self.NOT_LOCAL,
                widget=forms.RadioSelect,
                help_text=locality_evidence(company),
                error_messages={"required": _("Say whether %(name)s is local.") % {"name": company.name}},
            )

    @staticmethod
    def field_name(company) -> str:
        return f"locality_{company.pk}"

    def is_local(self, company) -> bool:
        return self.cleaned_data[self.field_name(company)] == self.LOCAL


def locality_evidence(company) -> str:
    """What the record says about where the company is: the USCC's division code, and any earlier decision."""
    division = division_code(company.uscc)
    if company.locality_suggested:
        sentence = _("USCC %(uscc)s was issued in division %(division)s, inside the city: it suggests local.")
    else:
        sentence = _("USCC %(uscc)s was issued in division %(division)s, outside the city: it suggests not local.")
    sentence = sentence % {"uscc": company.uscc, "division": division}
    if company.locality_confirmed is not None:
        earlier = _("An official confirmed it as local.") if company.locality_confirmed else _(
            "An official recorded it as not local.")
        sentence = f"{sentence} {earlier}"
    if company.district_id:
        sentence = f"{sentence} " + _("District given: %(district)s.") % {"district": company.district}
    return sentence


# --- company admin ----------------------------------------------------------------------------------------

# The verification moves, by name: admin action on the list and button on the company's page alike.
VERIFICATION_ACTIONS = (
    "verify_companies",
    "reject_companies",
    "suspend_companies",
    "designate_anchor",
    "remove_anchor",
    "confirm_locality",
    "deny_locality",
)


@admin.register(Company)
class CompanyAdmin(WorkQueueMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    """Verification of companies: list, filters, the company's records, and the verification actions."""

    work_queue = WorkQueue(
        label=_("Companies waiting for verification"), query={"status__exact": Company.Status.PENDING},
        condition=Q(status=Company.Status.PENDING), since="created_at",
    )

    form = CompanyAdminForm
    change_form_template = "admin/registry/company/change_form.html"
    list_display = (
        "name", "uscc", "status_shown", "district", "size_class", "local_shown", "is_anchor",
        "verified_until_shown", "changed_shown",
    )
    list_filter = (
        "status",
        CategoryTreeFilter,
        "district",
        LocalityConfirmedFilter,
        "locality_suggested",
        "size_class",
        "is_anchor",
        VerificationExpiryFilter,
        ChangedSinceVerificationFilter,
        "organisation_type",
    )
    search_fields = ("name", "name_en", "uscc")
    search_help_text = _("Search by registered name, English name or USCC.")
    list_select_related = ("district",)
    list_per_page = 50
    filter_horizontal = ("categories",)
    actions = VERIFICATION_ACTIONS
    history_list_display = ["status"]
    inlines = (ProductInline, CertificateInline, UserInline)
    verification_fields = (
        "status", "status_reason", "verified_at", "verified_by", "verified_until",
        "is_anchor", "locality_suggested", "locality_confirmed", "verification_changes",
    )
    fieldsets = (
        (None, {"fields": ("uscc", "name", "name_en", "organisation_type", "description", "categories")}),
        (_("Verification"), {"fields": verification_fields}),
        (_("Location and contact"), {
            "fields": ("district", "address", "website", "contact_name", "contact_phone", "contact_email"),
        }),
        (_("Size"), {"fields": ("employees", "revenue_cny", "size_class")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    # --- permissions

    def has_verify_permission(self, request):
        return request.user.has_perm("registry.verify_company")

    def has_delete_permission(self, request, obj=None):
        # Companies are rejected or suspended, never deleted: purchases and applications refer to them.
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Status and the verification facts change only through the actions, which call the services.
        readonly = [*self.verification_fields, "size_class", "created_at", "updated_at"]
        if obj is not None:
            readonly.append("uscc")
        return readonly

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": (
                "uscc", "name", "name_en", "organisation_type", "description", "categories", "district",
                "address", "website", "contact_name", "contact_phone", "contact_email", "employees", "revenue_cny",
            )})]
        return self.fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def get_queryset(self, request):
        return with_changed_since_verification(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        if not change and obj.district_id is None:
            obj.district = services.district_for_uscc(obj.uscc)
        obj._history_user = request.user
        obj._change_reason = gettext_noop("Edited in the admin") if change else gettext_noop("Added in the admin")
        super().save_model(request, obj, form, change)

    # --- the list's columns

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, company):
        return tag(company.status, company.get_status_display())

    @admin.display(description=_("local (suggested / confirmed)"), ordering="locality_confirmed")
    def local_shown(self, company):
        suggested = _("suggested") if company.locality_suggested else _("not suggested")
        if company.locality_confirmed is None:
            return format_html("{} / {}", suggested, _("unconfirmed"))
        confirmed = tag("local", _("confirmed")) if company.locality_confirmed else _("denied")
        return format_html("{} / {}", suggested, confirmed)

    @admin.display(description=_("verified until"), ordering="verified_until")
    def verified_until_shown(self, company):
        if company.verified_until is None:
            return "—"
        if company.verification_expired:
            return format_html("{} {}", company.verified_until.isoformat(), tag("expired", _("Expired")))
        return company.verified_until.isoformat()

    @admin.display(description=_("changed since verification"), ordering="changed_since_verification")
    def changed_shown(self, company):
        return tag("changed", _("Changed")) if company.changed_since_verification else ""

    @admin.display(description=_("changes since verification"))
    def verification_changes(self, company):
        """A sentence per kind of change the company's users made after the last verification."""
        if company.verified_at is None:
            return _("Never verified.")
        counts = {name: changes.count() for name, changes in self._changes_for(company).items()}
        lines = []
        if counts["products"]:
            lines.append(ngettext("%(n)d product added or edited", "%(n)d products added or edited",
                                  counts["products"]) % {"n": counts["products"]})
        if counts["certificates"]:
            lines.append(ngettext("%(n)d certificate added or edited", "%(n)d certificates added or edited",
                                  counts["certificates"]) % {"n": counts["certificates"]})
        if counts["deleted_products"]:
            lines.append(ngettext("%(n)d product deleted", "%(n)d products deleted",
                                  counts["deleted_products"]) % {"n": counts["deleted_products"]})
        if counts["deleted_certificates"]:
            lines.append(ngettext("%(n)d certificate deleted", "%(n)d certificates deleted",
                                  counts["deleted_certificates"]) % {"n": counts["deleted_certificates"]})
        if counts["profile"]:
            lines.append(_("profile edited by the company"))
        if not lines:
            return _("Nothing changed since the verification.")
        return format_html("{} {}", tag("changed", _("Changed since verification")), "; ".join(lines) + ".")

    @staticmethod
    def _changes_for(company):
        verified_at = company.verified_at
        return {
            "products": company.products.filter(updated_at__gt=verified_at),
            "certificates": company.certificates.filter(updated_at__gt=verified_at),
            "deleted_products": Product.history.model.objects.filter(
                company_id=company.pk, history_type="-", history_date__gt=verified_at
            ),
            "deleted_certificates": Certificate.history.model.objects.filter(
                company_id=company.pk, history_type="-", history_date__gt=verified_at
            ),
            "profile": company.history.filter(history_date__gt=verified_at, history_user__company_id=company.pk),
        }

    # --- search: a USCC typed with spaces or in lower case still finds its company

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_uscc(search_term)
        if len(code) == 18 and code != search_term:
            results = results | queryset.filter(uscc=code)
        return results, may_have_duplicates

    # --- the verification actions (list) and buttons (company page)

    def _apply(self, request, queryset, service, done_message, **kwargs):
        """Call the service for each company; report how many succeeded and why each failure failed."""
        done = []
        for company in queryset.order_by("name"):
            try:
                done.append(service(company=company, by=request.user, **kwargs))
            except PermissionDenied as exc:
                self.message_user(request, f"{company}: {exc}", messages.ERROR)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.WARNING)
        if done:
            self.message_user(request, done_message(len(done)), messages.SUCCESS)
        return done

    @admin.action(description=_("Verify the selected companies (valid for a year)…"), permissions=["verify"])
    def verify_companies(self, request, queryset):
        companies = list(queryset.select_related("district").order_by("name"))
        form = VerifyForm(request.POST if "apply" in request.POST else None, companies=companies)
        if form.is_bound and form.is_valid():
            self._apply(
                request, queryset, lambda company, by: services.company_verify(
                    company=company, by=by, locality_confirmed=form.is_local(company)),
                lambda n: ngettext("%(n)d company verified.", "%(n)d companies verified.", n) % {"n": n},
            )
            return None
        return self._step_page(
            request, queryset, form, template="admin/registry/company/verify.html",
            title=_("Verify companies"), button=_("Verify"), decision="approve", companies=companies,
        )

    @admin.action(description=_("Reject the selected companies (reason required)"), permissions=["verify"])
    def reject_companies(self, request, queryset):
        return self._reason_step(
            request, queryset, services.company_reject, required=True,
            title=_("Reject companies"), button=_("Reject"),
            done_message=lambda n: ngettext("%(n)d company rejected.", "%(n)d companies rejected.", n) % {"n": n},
        )

    @admin.action(description=_("Suspend the selected companies"), permissions=["verify"])
    def suspend_companies(self, request, queryset):
        return self._reason_step(
            request, queryset, services.company_suspend, required=False,
            title=_("Suspend companies"), button=_("Suspend"),
            done_message=lambda n: ngettext("%(n)d company suspended.", "%(n)d companies suspended.", n) % {"n": n},
        )

    @admin.action(description=_("Designate as anchor firms"), permissions=["verify"])
    def designate_anchor(self, request, queryset):
        self._apply(
            request, queryset, services.company_set_anchor,
            lambda n: ngettext("%(n)d company designated an anchor firm.",
                               "%(n)d companies designated anchor firms.", n) % {"n": n},
            is_anchor=True,
        )

    @admin.action(description=_("Remove the anchor firm designation"), permissions=["verify"])
    def remove_anchor(self, request, queryset):
        self._apply(
            request, queryset, services.company_set_anchor,
            lambda n: ngettext("Anchor designation removed from %(n)d company.",
                               "Anchor designation removed from %(n)d companies.", n) % {"n": n},
            is_anchor=False,
        )

    @admin.action(description=_("Confirm the selected companies as local"), permissions=["verify"])
    def confirm_locality(self, request, queryset):
        self._apply(
            request, queryset, services.company_confirm_locality,
            lambda n: ngettext("%(n)d company confirmed as local.", "%(n)d companies confirmed as local.", n)
            % {"n": n},
            is_local=True,
        )

    @admin.action(description=_("Deny locality (not local)"), permissions=["verify"])
    def deny_locality(self, request, queryset):
        self._apply(
            request, queryset, services.company_confirm_locality,
            lambda n: ngettext("%(n)d company recorded as not local.", "%(n)d companies recorded as not local.", n)
            % {"n": n},
            is_local=False,
        )

    def _reason_step(self, request, queryset, service, *, required, title, button, done_message):
        """Ask for the reason on an intermediate page; act once it is given (or, when optional, confirmed)."""
        if "apply" in request.POST:
            form = ReasonForm(request.POST, required=required)
            if form.is_valid():
                self._apply(request, queryset, service, done_message, reason=form.cleaned_data["reason"])
                return None
        else:
            form = ReasonForm(required=required)
        return self._step_page(
            request, queryset, form, template="admin/registry/company/reason.html", title=title, button=button,
            decision="reject" if required else "", companies=queryset.order_by("name"), required=required,
        )

    def _step_page(self, request, queryset, form, *, template, title, button, decision, companies, **extra):
        """The intermediate page of a move: the companies, the form, and the same choice posted back."""
        # The page posts back the same choice: the list's action and selection, or the company page's button.
        hidden = [
            (name, value)
            for name in ("action", "select_across", "_selected_action", "do")
            for value in request.POST.getlist(name)
        ]
        if "do" in request.POST:
            cancel_url = reverse("admin:registry_company_change", args=[queryset.get().pk])
        else:
            cancel_url = reverse("admin:registry_company_changelist")
            if request.GET:
                cancel_url += "?" + request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "button": button,
            "decision": decision,
            "opts": self.model._meta,
            "form": form,
            "companies": companies,
            "hidden": hidden,
            "cancel_url": cancel_url,
            **extra,
        }
        return TemplateResponse(request, template, context)

    def get_urls(self):
        urls = super().get_urls()
        own = [
            path(
                "<path:object_id>/verification/",
                self.admin_site.admin_view(self.verification_view),
                name="registry_company_verification",
            ),
        ]
        return own + urls

    def verification_view(self, request, object_id):
        """The buttons on a company's page: the same actions, applied to this one company."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_verify_permission(request) and self.has_view_or_change_permission(request)):
            raise PermissionDenied
        company = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        name = request.POST.get("do")
        if name not in VERIFICATION_ACTIONS:
            self.message_user(request, _("Choose an action."), messages.ERROR)
        else:
            response = getattr(self, name)(request, self.get_queryset(request).filter(pk=company.pk))
            if response is not None:
                return response
        return HttpResponseRedirect(reverse("admin:registry_company_change", args=[company.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["verification_buttons"] = self._buttons_for(obj) if self.has_verify_permission(request) else []
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @staticmethod
    def _buttons_for(company):
        """The moves that make sense for this company now, as (action name, label, look): verifying looks like
        approving, rejecting and suspending like refusing, the rest plain."""
        buttons = []
        if company.status == Company.Status.VERIFIED:
            buttons.append(("verify_companies", _("Re-verify for another year…"), "approve"))
            buttons.append(("suspend_companies", _("Suspend…"), "reject"))
        else:
            buttons.append(("verify_companies", _("Verify…"), "approve"))
        if company.status in services.COMPANY_STATUS_MOVES[Company.Status.REJECTED]:
            buttons.append(("reject_companies", _("Reject…"), "reject"))
        if company.locality_confirmed is not True:
            buttons.append(("confirm_locality", _("Confirm local"), ""))
        if company.locality_confirmed is not False:
            buttons.append(("deny_locality", _("Deny locality"), ""))
        if company.is_anchor:
            buttons.append(("remove_anchor", _("Remove anchor designation"), ""))
        else:
            buttons.append(("designate_anchor", _("Designate anchor firm"), ""))
        return buttons


# --- the taxonomy and districts (officials edit them) ------------------------------------------------------

@admin.register(Category)
class CategoryAdmin(HistoryInWordsMixin, SimpleHistoryAdmin):
    """The supply-chain taxonomy: a tree, edited by officials, with its history."""

    list_display = ("path_shown", "name_zh", "slug", "parent", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    ordering = ("parent__position", "position", "name")

    @admin.display(description=_("category"), ordering="name")
    def path_shown(self, category):
        names, node, seen = [], category, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return " › ".join(reversed(names))

    def save_model(self, request, obj, form, change):
        obj._change_reason = gettext_noop("Edited in the admin") if change else gettext_noop("Added in the admin")
        super().save_model(request, obj, form, change)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """The city's districts by division code."""

    list_display = ("code", "name", "name_zh")
    search_fields = ("code", "name", "name_zh")


# --- products and certificates: read-only for officials (companies keep them through their own pages) -----

class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and detail to look at: the records change only through the company's own pages and services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProductFigureInline(ReadOnlyInline):
    """A product's performance figures with their units."""

    model = ProductFigure
    fields = ("figure", "value_shown")
    readonly_fields = fields

    @admin.display(description=_("value"))
    def value_shown(self, figure):
        return figure.display_value


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    """Every company's products, read-only, with what changed since the company's verification."""

    list_display = ("name", "company", "category", "stage", "application", "meets_target", "made_in_city",
                    "updated_at", "changed")
    list_filter = ("category", "stage", "meets_target", RecordChangedSinceVerificationFilter, "made_in_city",
                   "application")
    search_fields = ("name", "company__name", "company__uscc")
    list_select_related = ("company", "category")
    inlines = (ProductFigureInline,)

    @admin.display(description=_("changed since verification"))
    def changed(self, product):
        return changed_marker(product)


@admin.register(Certificate)
class CertificateAdmin(WorkQueueMixin, ReadOnlyAdmin):
    """Every company's certificates, read-only, with validity, the link to the scanned document, and whether an
    official has checked it; those not yet checked wait oldest first (from the company's last change)."""

    work_queue = WorkQueue(
        label=_("Certificates not yet checked"), query={"checked": CertificateCheckedFilter.NOT_YET},
        condition=Q(checked_at__isnull=True), since="updated_at",
    )

    list_display = ("__str__", "company", "issuer", "valid_from", "valid_until", "validity", "document_link",
                    "changed", "checked")
    list_filter = (CertificateCheckedFilter, "cert_type", CertificateValidityFilter,
                   RecordChangedSinceVerificationFilter)
    search_fields = ("number", "issuer", "company__name", "company__uscc")
    list_select_related = ("company",)
    exclude = ("document",)
    readonly_fields = ("document_link",)
    actions = ("mark_checked",)

    def has_verify_permission(self, request):
        return request.user.has_perm("registry.verify_company")

    @admin.display(description=_("validity"))
    def validity(self, certificate):
        return tag("valid", _("Valid")) if certificate.is_valid else tag("expired", _("Expired"))

    @admin.display(description=pgettext_lazy("certificate", "document"))
    def document_link(self, certificate):
        return certificate_document_link(certificate)

    @admin.display(description=_("changed since verification"))
    def changed(self, certificate):
        return changed_marker(certificate)

    @admin.display(description=_("checked by an official"), ordering="checked_at")
    def checked(self, certificate):
        return checked_shown(certificate)

    @admin.action(description=_("Mark the selected certificates as checked"), permissions=["verify"])
    def mark_checked(self, request, queryset):
        count = services.certificates_mark_checked(certificates=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(n)d certificate marked as checked.", "%(n)d certificates marked as checked.", count)
            % {"n": count},
            messages.SUCCESS,
        )


# --- join requests --------------------------------------------------------------------------------------

@admin.register(JoinRequest)
class JoinRequestAdmin(HistoryInWordsMixin, SimpleHistoryAdmin):
    """Requests to join a registered company; officials may decide them as the company's users can."""

    list_display = ("user", "company", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__username", "user__email", "company__name", "company__uscc")
    list_select_related = ("user", "company", "decided_by")
    readonly_fields = ("user", "company", "message", "status", "decided_by", "decided_at", "created_at")
    actions = ("approve_requests", "decline_requests")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve: bool):
        done = 0
        for join_request in queryset:
            try:
                services.join_request_decide(join_request=join_request, by=request.user, approve=approve)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{join_request.user} → {join_request.company}: {exc}", messages.WARNING)
        if done:
            message = (
                ngettext("%(n)d request approved.", "%(n)d requests approved.", done)
                if approve
                else ngettext("%(n)d request declined.", "%(n)d requests declined.", done)
            )
            self.message_user(request, message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Decline the selected requests"), permissions=["change"])
    def decline_requests(self, request, queryset):
        self._decide(request, queryset, approve=False)


# --- users: managed by superusers only; officials may look ------------------------------------------------

@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People who log in; the company field ties company staff to their company."""

    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Company"), {"fields": ("company",)}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Company"), {"fields": ("company",)}))
    list_display = ("username", "email", "first_name", "last_name", "company", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email", "company__name")
    autocomplete_fields = ("company",)
    list_select_related = ("company",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# --- production bases and industrial land requests (registry.production_bases) ---------------------------

@admin.register(ProductionBase)
class ProductionBaseAdmin(HistoryInWordsMixin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Companies' production bases, read-only: the companies keep them on their own pages."""

    list_display = ("name", "company", "district", "capacity_shown", "stage", "is_solid_state")
    list_filter = ("is_solid_state", "stage", "district")
    search_fields = ("name", "address", "company__name", "company__uscc")
    list_select_related = ("company", "district")
    history_list_display = ["stage", "capacity"]

    @admin.display(description=_("annual capacity"), ordering="capacity")
    def capacity_shown(self, base):
        return f"{base.capacity.normalize():,f} {base.get_capacity_unit_display()}"


class LandRequestWaitingFilter(admin.SimpleListFilter):
    """Requests still waiting for a decision (submitted or under review)."""

    title = _("waiting for a decision")
    parameter_name = "waiting"
    YES = "yes"

    def lookups(self, request, model_admin):
        return [(self.YES, _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == self.YES:
            return queryset.filter(status__in=production_bases.WAITING)
        if self.value() == "no":
            return queryset.exclude(status__in=production_bases.WAITING)
        return queryset


class LandDecisionForm(forms.Form):
    """The official's reason: required to decline (the company reads it), optional to grant."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("The company sees this reason."),
    )


class LandDeclineForm(LandDecisionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = _("Give the reason for declining.")


@admin.register(LandRequest)
class LandRequestAdmin(WorkQueueMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    """Industrial land requests in priority order (registry.production_bases): solid-state battery bases first,
    then the larger base, then the older request; officials review, grant or decline them."""

    work_queue = WorkQueue(
        label=_("Industrial land requests waiting for a decision"), query={"waiting": LandRequestWaitingFilter.YES},
        condition=Q(status__in=production_bases.WAITING), since="created_at",
    )
    list_display = ("__str__", "company_shown", "solid_state", "base_capacity", "requested_on", "status_shown")
    list_filter = (LandRequestWaitingFilter, "status", "base__is_solid_state")
    search_fields = ("base__name", "base__company__name", "base__company__uscc", "purpose")
    fields = ("base", "area_m2", "purpose", "requested_on", "status", "decision_reason", "decided_by",
              "decided_at", "created_by", "created_at")
    readonly_fields = fields
    actions = ("review_requests", "grant_requests", "decline_requests")
    history_list_display = ["status"]

    def get_queryset(self, request):
        return production_bases.in_priority_order(super().get_queryset(request))

    def get_ordering(self, request):
        # Priority order always, the work queue's view included: the waiting list is taken from the top.
        return production_bases.PRIORITY_ORDERING

    def has_add_permission(self, request):
        return False  # companies request land on their own pages

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("company"), ordering="base__company__name")
    def company_shown(self, land_request):
        return land_request.base.company

    @admin.display(description=_("solid-state battery base"), boolean=True, ordering="base__is_solid_state")
    def solid_state(self, land_request):
        return land_request.base.is_solid_state

    @admin.display(description=_("annual capacity of the base"), ordering="capacity_gwh")
    def base_capacity(self, land_request):
        base = land_request.base
        return f"{base.capacity.normalize():,f} {base.get_capacity_unit_display()}"

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, land_request):
        kind = {"submitted": "pending", "under_review": "pending", "granted": "verified", "declined": "rejected"}
        return tag(kind.get(land_request.status, land_request.status), land_request.get_status_display())

    def _apply(self, request, queryset, call, done_message):
        done = 0
        for land_request in queryset:
            try:
                call(land_request)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{land_request}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                  messages.WARNING)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    def _with_reason(self, request, queryset, *, title, button, act, form_class=LandDecisionForm):
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                act(form.cleaned_data["reason"])
                return None
        else:
            form = form_class()
        hidden = [(name, value) for name in ("action", "select_across", "_selected_action")
                  for value in request.POST.getlist(name)]
        context = {
            **self.admin_site.each_context(request), "title": title, "button": button, "opts": self.model._meta,
            "form": form, "objects": list(queryset), "hidden": hidden,
            "cancel_url": reverse("admin:registry_landrequest_changelist"),
        }
        return TemplateResponse(request, "admin/decision_form.html", context)

    @admin.action(description=_("Take the selected requests under review"), permissions=["change"])
    def review_requests(self, request, queryset):
        self._apply(request, queryset, lambda r: production_bases.land_request_review(land_request=r, by=request.user),
                    lambda n: ngettext("%(n)d request under review.", "%(n)d requests under review.", n) % {"n": n})

    @admin.action(description=_("Grant the selected requests"), permissions=["change"])
    def grant_requests(self, request, queryset):
        def grant(reason):
            self._apply(
                request, queryset,
                lambda r: production_bases.land_request_grant(land_request=r, by=request.user, reason=reason),
                lambda n: ngettext("%(n)d request granted.", "%(n)d requests granted.", n) % {"n": n},
            )

        return self._with_reason(request, queryset, title=_("Grant land requests"), button=_("Grant"), act=grant)

    @admin.action(description=_("Decline the selected requests (reason required)"), permissions=["change"])
    def decline_requests(self, request, queryset):
        def decline(reason):
            self._apply(
                request, queryset,
                lambda r: production_bases.land_request_decline(land_request=r, by=request.user, reason=reason),
                lambda n: ngettext("%(n)d request declined.", "%(n)d requests declined.", n) % {"n": n},
            )

        return self._with_reason(request, queryset, title=_("Decline land requests"), button=_("Decline"),
                                 act=decline, form_class=LandDeclineForm)
