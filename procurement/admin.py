"""The officials' side of procurement: subsidy programmes (new versions, never rewritten history), the
decisions on applications, and read-only views of purchases and imports.

Every decision goes through procurement.applications, one application at a time, reported with message_user:
the admin cannot move an application in a way the workflow forbids, and each move leaves an event and a
history row with the official's name.
"""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import (
    HistoryInWordsMixin,
    HistoryWithoutRevertMixin,
    ReadOnlyInline,
    WorkQueue,
    WorkQueueMixin,
    tag,
)
from registry.bounds import validate_amount_bound
from registry.identifiers import normalise_uscc
from registry.templatetags.platform_format import cny

from . import applications as workflow
from .models import (
    ApplicationClaim,
    ApplicationDocument,
    ApplicationEvent,
    ImportBatch,
    Purchase,
    SubsidyApplication,
    SubsidyProgramme,
)
from .programme_kinds import kind_of

Status = SubsidyApplication.Status
STATUS_TAG = {
    Status.DRAFT: "pending", Status.SUBMITTED: "pending", Status.RETURNED: "changed",
    Status.APPROVED: "valid", Status.PAID: "valid", Status.REJECTED: "expired",
}
# A policy lives in these fields: once a version has applications they are fixed, and a change is a new version.
POLICY_FIELDS = (
    "code", "version", "kind", "rate", "lead_reward", "participant_reward", "quota_factor", "period_start",
    "period_end", "cap_per_applicant_year", "cap_per_application", "eligible_category",
)
PROGRAMME_AMOUNTS = ("lead_reward", "participant_reward", "cap_per_applicant_year", "cap_per_application")


# --- programmes ------------------------------------------------------------------------------------------

@admin.register(SubsidyProgramme)
class SubsidyProgrammeAdmin(HistoryInWordsMixin, SimpleHistoryAdmin):
    """Programme versions: officials add versions; a version already applied under keeps its policy."""

    list_display = ("name", "code", "version", "kind", "amount_rule", "period_start", "period_end", "active_from",
                    "active_until", "application_count")
    list_filter = ("kind", "code")
    # A programme's name is kept in both languages: either finds it.
    search_fields = ("name", "name_zh", "code")
    actions = ("create_next_version",)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in PROGRAMME_AMOUNTS:
            # The caps and rewards are amounts like any other: the one bound, the one message.
            field.validators.append(validate_amount_bound)
        return field

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk and obj.applications.exists():
            return POLICY_FIELDS
        return ("version",) if obj is not None and obj.pk else ()

    @admin.display(description=_("amount rule"))
    def amount_rule(self, programme):
        # Each kind states its own rule with this version's parameters: 5 %, 1,000,000 / 500,000 CNY, × 1.10.
        try:
            return kind_of(programme).rule_text(programme)
        except (ValidationError, TypeError, ArithmeticError):
            return "—"

    @admin.display(description=_("applications"))
    def application_count(self, programme):
        return programme.applications.count()

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = gettext_noop("Edited in the admin") if change else gettext_noop("Added in the admin")
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Create the next version of the selected programmes"), permissions=["add"])
    def create_next_version(self, request, queryset):
        made = []
        for programme in queryset:
            with transaction.atomic():
                latest = (
                    SubsidyProgramme.objects.select_for_update().filter(code=programme.code)
                    .aggregate(v=Max("version"))["v"]
                )
                copy = SubsidyProgramme.objects.get(pk=programme.pk)
                copy.pk = None
                copy.version = latest + 1
                copy._history_user = request.user
                copy._change_reason = f"Copied from version {programme.version}"
                copy.save()
                made.append(copy)
        for copy in made:
            self.message_user(
                request,
                format_html(
                    _("Created {} — <a href=\"{}\">change its dates, rate or period</a>."),
                    copy, reverse("admin:procurement_subsidyprogramme_change", args=[copy.pk]),
                ),
                messages.SUCCESS,
            )


# --- applications ----------------------------------------------------------------------------------------

class _ApplicationPartInline(ReadOnlyInline):
    """Claims, events and documents are seen by whoever may see the application; they have no admin of their own."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("procurement.view_subsidyapplication")


class ClaimInline(_ApplicationPartInline):
    """The purchases the application claims, with the supplier's locality as it was at the purchase."""

    model = ApplicationClaim
    fields = ("purchase", "purchased_on", "supplier", "category", "amount_shown", "live")
    readonly_fields = fields
    verbose_name_plural = _("claimed purchases")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("purchase__category")

    @admin.display(description=_("purchase date"))
    def purchased_on(self, claim):
        return claim.purchase.purchased_on

    @admin.display(description=_("supplier"))
    def supplier(self, claim):
        purchase = claim.purchase
        return f"{purchase.supplier_name} ({purchase.supplier_identifier})"

    @admin.display(description=_("category"))
    def category(self, claim):
        return claim.purchase.category

    @admin.display(description=_("amount at claim"))
    def amount_shown(self, claim):
        return cny(claim.amount)


class EventInline(_ApplicationPartInline):
    """Every status change: from, to, who, when and why."""

    model = ApplicationEvent
    fields = ("at", "from_label", "to_label", "by", "reason")
    readonly_fields = fields

    # The statuses in the reader's words and language, not their stored codes.
    @admin.display(description=_("from"))
    def from_label(self, event):
        return Status(event.from_status).label if event.from_status else "—"

    @admin.display(description=_("to"))
    def to_label(self, event):
        return Status(event.to_status).label


class DocumentInline(_ApplicationPartInline):
    """The applicant's supporting documents, opened through the private document view."""

    model = ApplicationDocument
    fields = ("title", "document_link", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("document"))
    def document_link(self, document):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("procurement:application_document", args=[document.pk]), _("View document"),
        )


class YearFilter(admin.SimpleListFilter):
    """The year the application was created in (the cap and the bureau's budgets run per year)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = SubsidyApplication.objects.dates("created_at", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isascii() and self.value().isdigit() and len(self.value()) <= 4:
            return queryset.filter(created_at__year=int(self.value()))
        return queryset


class ReasonForm(forms.Form):
    """The official's reason for rejecting or returning: the applicant reads it."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The applicant sees this reason. Say what is wrong and what it can do about it."),
        error_messages={"required": _("Give the reason.")},
    )



class ConfirmForm(forms.Form):
    """Approving asks nothing more than a confirmation: the amount is the server's, fixed at this step."""


class PaymentForm(forms.Form):
    """The payment's reference and date, as the treasury recorded them."""

    payment_reference = forms.CharField(
        label=_("Payment reference"), max_length=100, help_text=_("As on the treasury's payment record."),
        error_messages={"required": _("Enter the payment reference.")},
    )
    paid_on = forms.DateField(
        label=_("Paid on"), help_text=_("For example 2026-03-31."), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date of payment."), "invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > date.today():
            raise ValidationError(_("The date of payment cannot be in the future."))
        return paid_on


@admin.register(SubsidyApplication)
class SubsidyApplicationAdmin(WorkQueueMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    """Decisions on applications: filters, the claimed purchases, events and documents, and the actions."""

    work_queue = WorkQueue(
        label=_("Applications waiting for a decision"), query={"status__exact": Status.SUBMITTED},
        condition=Q(status=Status.SUBMITTED), since="submitted_at",
    )

    # The programme's name says its kind (the kind is a filter): one narrow column less at 1280 px.
    list_display = ("pk", "applicant", "programme", "status_shown", "award", "submitted_at", "decided_at")
    list_display_links = ("pk", "applicant")
    # Only companies that have applied are offered: the directory holds hundreds.
    list_filter = ("status", "programme__kind", "programme", YearFilter,
                   ("applicant", admin.RelatedOnlyFieldListFilter))
    search_fields = ("applicant__name", "applicant__uscc")
    list_select_related = ("applicant", "programme")
    inlines = (ClaimInline, EventInline, DocumentInline)
    actions = ("approve_applications", "reject_applications", "return_applications", "mark_paid")
    fields = ("applicant", "programme", "kind", "status", "basis", "eligible_total_shown", "award", "status_reason",
              "payment_reference", "paid_on", "created_by", "created_at", "submitted_at", "decided_at", "decided_by")
    # Everything is read-only here: the status and amount move only through the actions, which call the services.
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return request.user.has_perm(workflow.APPROVE_PERMISSION)


    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_uscc(search_term)
        if len(code) == 18 and code != search_term:
            results = results | queryset.filter(applicant__uscc=code)
        return results, may_have_duplicates

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, application):
        return tag(STATUS_TAG.get(application.status, ""), application.get_status_display())

    @admin.display(description=_("kind"), ordering="programme__kind")
    def kind(self, application):
        return application.programme.get_kind_display()

    @admin.display(description=_("amount or quota"), ordering="amount")
    def award(self, application):
        # Money as ¥, a quota in its own unit: the two are never one number.
        return application.award_display

    @admin.display(description=_("basis (CNY)"))
    def eligible_total_shown(self, application):
        return cny(application.eligible_total)

    @admin.display(description=_("basis"))
    def basis(self, application):
        lines = kind_of(application.programme).describe(application)
        return format_html_join("", "<div><strong>{}:</strong> {}</div>", lines) or "—"

    def get_inlines(self, request, obj):
        if obj is not None and not kind_of(obj.programme).claims_purchases:
            return (EventInline, DocumentInline)
        return super().get_inlines(request, obj)

    # --- deciding from the application's own page -------------------------------------------------------

    def get_urls(self):
        return [
            path("<path:object_id>/decide/<slug:decision>/", self.admin_site.admin_view(self.decide_view),
                 name="procurement_subsidyapplication_decide"),
            *super().get_urls(),
        ]

    def decisions(self):
        """Each decision: the status it leads to, its form (None: a confirmation), the service, and its words."""
        return {
            "approve": (Status.APPROVED, ConfirmForm, workflow.application_approve, _("Approve"),
                        _("Application #%(n)s approved.")),
            "reject": (Status.REJECTED, ReasonForm, workflow.application_reject, _("Reject"),
                       _("Application #%(n)s rejected.")),
            "return": (Status.RETURNED, ReasonForm, workflow.application_return, _("Return for changes"),
                       _("Application #%(n)s returned for changes.")),
            "pay": (Status.PAID, PaymentForm, workflow.application_mark_paid, _("Mark paid"),
                    _("Application #%(n)s marked paid.")),
        }

    def decisions_open(self, request, application) -> list[tuple[str, str, str]]:
        """(url, label, name) of the decisions this official may take on this application now."""
        allowed, _reason = workflow.can_approve(request.user, application)
        if not allowed:
            return []
        moves = workflow.ALLOWED_TRANSITIONS[application.status]
        return [
            (reverse("admin:procurement_subsidyapplication_decide", args=[application.pk, name]), label, name)
            for name, (to_status, _form, _service, label, _done) in self.decisions().items() if to_status in moves
        ]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.eligible_total is None:  # a reward or a quota rests on no sum of money
            fields = [name for name in fields if name != "eligible_total_shown"]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        # Nothing on the page is edited: the decisions are the buttons, so no Save button misleads.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        if application is not None:
            extra_context["decisions"] = self.decisions_open(request, application)
            allowed, reason = workflow.can_approve(request.user, application)
            extra_context["cannot_decide_reason"] = "" if allowed else reason
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id, decision):
        """One decision on one application, from its own page: a confirmation, or the reason or payment first."""
        if not self.has_approve_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            SubsidyApplication.objects.select_related("applicant", "programme"), pk=object_id
        )
        if decision not in self.decisions():
            raise Http404
        to_status, form_class, service, button, done = self.decisions()[decision]
        change_url = reverse("admin:procurement_subsidyapplication_change", args=[application.pk])
        allowed, reason = workflow.can_approve(request.user, application)
        if not allowed:  # e.g. an official of the applicant's own company: say so, offer nothing
            self.message_user(request, reason, messages.ERROR)
            return redirect(change_url)
        submitted = request.method == "POST" and "apply" in request.POST
        form = form_class(request.POST if submitted else None)
        if submitted and form.is_valid():
            try:
                service(application=application, by=request.user, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(request, done % {"n": application.pk}, messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(decision)s application #%(n)s") % {"decision": button, "n": application.pk},
            "button": button, "opts": self.model._meta, "form": form, "applications": [application],
            "hidden": [], "cancel_url": change_url, "decision": decision,
        }
        return TemplateResponse(request, "admin/procurement/subsidyapplication/action_form.html", context)

    def _apply(self, request, queryset, service, done_message, **kwargs):
        """Call the service for each application; report the successes and each refusal with its reason."""
        done = 0
        for application in queryset.order_by("pk"):
            try:
                service(application=application, by=request.user, **kwargs)
            except (PermissionDenied, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"#{application.pk} {application.applicant}: {text}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Approve the selected applications"), permissions=["approve"])
    def approve_applications(self, request, queryset):
        self._apply(
            request, queryset, workflow.application_approve,
            lambda n: ngettext("%(n)d application approved.", "%(n)d applications approved.", n) % {"n": n},
        )

    @admin.action(description=_("Reject the selected applications (reason required)"), permissions=["approve"])
    def reject_applications(self, request, queryset):
        return self._form_step(
            request, queryset, ReasonForm, workflow.application_reject, title=_("Reject applications"),
            button=_("Reject"),
            done=lambda n: ngettext("%(n)d application rejected.", "%(n)d applications rejected.", n) % {"n": n},
        )

    @admin.action(description=_("Return the selected applications for changes (reason required)"),
                  permissions=["approve"])
    def return_applications(self, request, queryset):
        return self._form_step(
            request, queryset, ReasonForm, workflow.application_return, title=_("Return applications for changes"),
            button=_("Return for changes"),
            done=lambda n: ngettext("%(n)d application returned.", "%(n)d applications returned.", n) % {"n": n},
        )

    @admin.action(description=_("Mark the selected applications paid"), permissions=["approve"])
    def mark_paid(self, request, queryset):
        return self._form_step(
            request, queryset, PaymentForm, workflow.application_mark_paid, title=_("Mark applications paid"),
            button=_("Mark paid"),
            done=lambda n: ngettext("%(n)d application marked paid.", "%(n)d applications marked paid.", n)
            % {"n": n},
        )

    def _form_step(self, request, queryset, form_class, service, *, title, button, done):
        """An intermediate page asks for the reason (or payment); the action runs once the form is valid."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                self._apply(request, queryset, service, done, **form.cleaned_data)
                return None
        else:
            form = form_class()
        hidden = [
            (name, value)
            for name in ("action", "select_across", "_selected_action")
            for value in request.POST.getlist(name)
        ]
        cancel_url = reverse("admin:procurement_subsidyapplication_changelist")
        if request.GET:
            cancel_url += "?" + request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "button": button,
            "opts": self.model._meta,
            "form": form,
            "applications": queryset.select_related("applicant", "programme").order_by("pk"),
            "hidden": hidden,
            "cancel_url": cancel_url,
        }
        return TemplateResponse(request, "admin/procurement/subsidyapplication/action_form.html", context)


# --- purchases and imports: officials look, never edit -----------------------------------------------------

class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Purchase)
class PurchaseAdmin(_ReadOnlyAdmin):
    """Purchases as the buyers recorded them, with the supplier's locality snapshot."""

    list_display = ("invoice_number", "buyer", "supplier_name", "purchased_on", "category", "amount",
                    "supplier_is_local", "supplier_was_verified", "source")
    list_filter = ("supplier_is_local", "supplier_was_verified", "source", "purchased_on")
    search_fields = ("invoice_number", "supplier_name", "supplier_identifier", "buyer__name", "buyer__uscc")
    list_select_related = ("buyer", "category")
    date_hierarchy = "purchased_on"


@admin.register(ImportBatch)
class ImportBatchAdmin(_ReadOnlyAdmin):
    """Purchase files uploaded by buyers, with their outcome."""

    list_display = ("file_name", "buyer", "status", "total_rows", "created_count", "duplicate_count", "created_at")
    list_filter = ("status",)
    search_fields = ("file_name", "buyer__name", "buyer__uscc")
    list_select_related = ("buyer",)
