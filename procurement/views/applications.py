"""The applicant's subsidy pages under /my/applications/: list, create or change, detail, submit, documents, summary.

Views are thin: what is eligible and what an application is worth come from procurement.applications, which
computes every amount from the stored purchases; nothing a browser sends as an amount is read.
"""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View

from registry.filtersets import refuse_unknown_parameters
from registry.identifiers import record_id
from registry.spreadsheets import csv_response
from registry.uploads import CONTENT_TYPES, validate_document_upload
from registry.views.my import CompanyRequiredMixin

from .. import applications as workflow
from .. import local_procurement
from ..models import ApplicationDocument, SubsidyApplication, SubsidyProgramme
from ..programme_kinds import kind_of

Status = SubsidyApplication.Status


class ApplicationPageMixin(CompanyRequiredMixin):
    """Pages of the user's own company's applications."""

    def get_application(self, pk) -> SubsidyApplication:
        # Found through the company: another company's application is a 404, not a 403 that confirms it exists.
        return get_object_or_404(
            SubsidyApplication.objects.select_related("programme", "applicant"), pk=pk, applicant=self.company
        )


class ApplicationForm(forms.Form):
    """The programme and the purchases claimed; the amount is never a field."""

    programme = forms.ModelChoiceField(
        queryset=SubsidyProgramme.objects.none(), label=gettext_lazy("Programme"), empty_label=None,
        help_text=gettext_lazy("The programme version open today. Your application keeps this version."),
        error_messages={"required": gettext_lazy("Choose the programme.")},
    )
    purchases = forms.TypedMultipleChoiceField(
        coerce=int, label=gettext_lazy("Eligible purchases"), widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick the purchases to claim. Only eligible purchases are listed here."),
        error_messages={
            "required": gettext_lazy("Choose at least one eligible purchase."),
            "invalid_choice": gettext_lazy("Purchase %(value)s cannot be claimed: it is not in the eligible list."),
        },
    )

    def __init__(self, *args, programmes, purchase_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["purchases"].choices = [(pk, pk) for pk in purchase_ids]


class DocumentForm(forms.Form):
    """A supporting document: a title and a PDF, PNG or JPEG file."""

    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200,
        help_text=gettext_lazy("For example: Invoices for March 2026."),
        error_messages={"required": gettext_lazy("Enter a title for the document.")},
    )
    document = forms.FileField(
        label=gettext_lazy("Document"), widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=gettext_lazy(
            "A PDF, PNG or JPEG file. Seen only by your company’s users and the bureau’s officials."
        ),
        error_messages={"required": gettext_lazy("Choose the document to upload.")},
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        validate_document_upload(upload)
        return upload


def _add_service_errors(form, error: ValidationError, default_field="purchases"):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(default_field, error.messages)


def _events(application) -> list:
    """The application's events with their statuses as labels, for people to read."""
    events = list(application.events.select_related("by"))
    for event in events:
        event.from_label = Status(event.from_status).label if event.from_status else ""
        event.to_label = Status(event.to_status).label
    return events


class ApplicationListView(ApplicationPageMixin, View):
    """The company's applications with their status."""

    def get(self, request):
        refuse_unknown_parameters(request.GET)  # no filters: a stray parameter is a 400 naming it
        applications = (
            SubsidyApplication.objects.filter(applicant=self.company).select_related("programme").order_by("-created_at")
        )
        # In the order of the kinds (the procurement subsidy first), then by programme and newest version.
        order = SubsidyProgramme.Kind.values
        programmes = sorted(workflow.open_programmes(), key=lambda p: (order.index(p.kind), p.code, -p.version))
        allowed = [(p, *workflow.can_apply(request.user, p)) for p in programmes]
        return render(request, "procurement/application_list.html", {
            "company": self.company, "applications": applications, "programmes": allowed,
            "can_apply": any(ok for _p, ok, _why in allowed),
        })


class ApplicationFormView(ApplicationPageMixin, View):
    """Create a draft (no pk) or change the purchases of a draft or returned one; "Recalculate" saves nothing."""

    template_name = "procurement/application_form.html"

    def setup_page(self, request, pk):
        self.application = self.get_application(pk) if pk else None
        if self.application is not None:
            allowed, reason = workflow.can_edit_application(request.user, self.application)
            if not allowed:
                raise PermissionDenied(reason)
            self.programmes = SubsidyProgramme.objects.filter(pk=self.application.programme_id)
            self.programme = self.application.programme
        else:
            open_programmes = workflow.open_programmes()
            chosen = str(request.POST.get("programme") or request.GET.get("programme") or "")
            self.programme = (
                open_programmes.filter(pk=record_id(chosen)).first() if record_id(chosen) else None
            ) or open_programmes.filter(kind=SubsidyProgramme.Kind.LOCAL_PROCUREMENT).first() or open_programmes.first()
            # The page offers the versions of the chosen programme's kind: each kind asks for its own basis.
            self.programmes = open_programmes.filter(kind=self.programme.kind) if self.programme else open_programmes

    @property
    def basis_form_class(self):
        """The kind's own form, for every kind but the local procurement subsidy (whose page lists purchases)."""
        return kind_of(self.programme).form_class if self.programme is not None else None

    def render_basis_page(self, request, form, status=200):
        allowed, reason = workflow.can_apply(request.user, self.programme)
        return render(request, "procurement/application_basis_form.html", {
            "company": self.company, "application": self.application, "programme": self.programme,
            "form": form, "basis_label": kind_of(self.programme).basis_label,
            "rule_text": kind_of(self.programme).rule_text(self.programme),
            "can_apply": allowed, "cannot_apply_reason": reason,
        }, status=status)

    def make_basis_form(self, data=None):
        initial = kind_of(self.programme).initial(self.application) if self.application is not None else None
        return self.basis_form_class(data, initial=initial, company=self.company)

    def post_basis(self, request):
        form = self.make_basis_form(request.POST)
        if not form.is_valid():
            return self.render_basis_page(request, form, status=400)
        try:
            if self.application is None:
                application = workflow.application_create_draft(
                    by=request.user, programme=self.programme, basis=form.cleaned_data
                )
                messages.success(request, _("Draft application saved. Attach documents, then submit it."))
            else:
                application = workflow.application_set_basis(
                    by=request.user, application=self.application, basis=form.cleaned_data
                )
                messages.success(request, _("The application is saved."))
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.render_basis_page(request, form, status=403)
        except ValidationError as error:
            _add_service_errors(form, error, default_field=None)
            return self.render_basis_page(request, form, status=400)
        return redirect("procurement:application_detail", pk=application.pk)

    def render_page(self, request, form, preview=None, status=200):
        eligibility = (
            local_procurement.purchase_eligibility(self.company, self.programme, application=self.application)
            if self.programme else workflow.Eligibility()
        )
        chosen = set()
        if form.is_bound:
            chosen = {record_id(v) for v in form.data.getlist("purchases")} - {None}
        elif self.application is not None:
            chosen = set(self.application.claims.filter(live=True).values_list("purchase_id", flat=True))
        if preview is None and self.programme is not None:
            preview = local_procurement.application_preview(
                applicant=self.company, programme=self.programme,
                purchase_ids=sorted(chosen & eligibility.eligible_ids), application=self.application,
            )
        allowed, reason = (True, "") if self.programme is None else workflow.can_apply(request.user, self.programme)
        return render(request, self.template_name, {
            "company": self.company, "application": self.application, "programme": self.programme,
            "form": form, "eligibility": eligibility, "chosen": chosen, "preview": preview,
            "can_apply": allowed, "cannot_apply_reason": reason,
        }, status=status)

    def make_form(self, request, data=None):
        eligibility_ids = set()
        if self.programme:
            eligibility_ids = local_procurement.purchase_eligibility(
                self.company, self.programme, application=self.application
            ).eligible_ids
        initial = {"programme": self.programme}
        return ApplicationForm(data, programmes=self.programmes, purchase_ids=sorted(eligibility_ids),
                               initial=initial)

    def get(self, request, pk=None):
        self.setup_page(request, pk)
        if self.basis_form_class is not None:
            return self.render_basis_page(request, self.make_basis_form())
        return self.render_page(request, self.make_form(request))

    def post(self, request, pk=None):
        self.setup_page(request, pk)
        if self.basis_form_class is not None:
            return self.post_basis(request)
        data = request.POST.copy()
        if self.application is not None:
            data["programme"] = str(self.application.programme_id)
        form = self.make_form(request, data)
        if "recalculate" in request.POST or not form.is_valid():
            return self.render_page(request, form, status=200 if "recalculate" in request.POST else 400)
        try:
            if self.application is None:
                application = workflow.application_create_draft(
                    by=request.user, programme=form.cleaned_data["programme"],
                    basis={"purchases": form.cleaned_data["purchases"]},
                )
                messages.success(request, _("Draft application saved. Attach documents, then submit it."))
            else:
                application = workflow.application_set_purchases(
                    by=request.user, application=self.application, purchase_ids=form.cleaned_data["purchases"],
                )
                messages.success(request, _("The purchases of the application are saved."))
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.render_page(request, form, status=403)
        except ValidationError as error:
            _add_service_errors(form, error)
            return self.render_page(request, form, status=400)
        return redirect("procurement:application_detail", pk=application.pk)


class ApplicationPreviewView(ApplicationPageMixin, View):
    """The amount the chosen purchases would give, as JSON, for the page's live figure (saves nothing)."""

    def post(self, request):
        programme_id = record_id(request.POST.get("programme"))
        programme = SubsidyProgramme.objects.filter(pk=programme_id).first() if programme_id else None
        if programme is None:
            return JsonResponse({"error": _("Choose the programme.")}, status=400)
        application = None
        if record_id(request.POST.get("application")):
            application = self.get_application(record_id(request.POST["application"]))
        try:
            preview = local_procurement.application_preview(
                applicant=self.company, programme=programme, purchase_ids=request.POST.getlist("purchases"),
                application=application,
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse({
            "eligible_total": str(preview["eligible_total"]), "amount": str(preview["amount"]),
            "purchase_count": preview["purchase_count"],
            "problems": {str(k): str(v) for k, v in preview["problems"].items()},
        })


class ApplicationDetailView(ApplicationPageMixin, View):
    """One application: status, history, purchases, amount, documents, and what can be done next."""

    def get(self, request, pk, document_form=None, status=200):
        application = self.get_application(pk)
        editable, _reason = workflow.can_edit_application(request.user, application)
        kind = kind_of(application.programme)
        return render(request, "procurement/application_detail.html", {
            "company": self.company,
            "application": application,
            "basis_label": kind.basis_label,
            "basis_lines": kind.describe(application),
            "claims_purchases": kind.claims_purchases,
            "claims": application.claims.filter(live=True).select_related("purchase__category"),
            "events": _events(application),
            "documents": application.documents.all(),
            "editable": editable,
            "document_form": document_form or DocumentForm(),
        }, status=status)


class ApplicationSubmitView(ApplicationPageMixin, View):
    """Submit the application: the amount is recomputed from the stored purchases."""

    def post(self, request, pk):
        application = self.get_application(pk)
        try:
            workflow.application_submit(by=request.user, application=application)
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        else:
            messages.success(request, _("Application submitted. The industry bureau will decide on it."))
        return redirect("procurement:application_detail", pk=application.pk)


class ApplicationDocumentAddView(ApplicationPageMixin, View):
    """Attach a supporting document to a draft or returned application."""

    def post(self, request, pk):
        application = self.get_application(pk)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                workflow.application_document_add(
                    by=request.user, application=application, title=form.cleaned_data["title"],
                    upload=form.cleaned_data["document"],
                )
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                _add_service_errors(form, error, default_field="document")
            else:
                messages.success(request, _("Document attached."))
                return redirect(reverse("procurement:application_detail", args=[pk]) + "#documents")
        return ApplicationDetailView.get(self, request, pk, document_form=form, status=400)


class ApplicationSummaryView(ApplicationPageMixin, View):
    """A printable summary (HTML) or a CSV of the application and its purchases."""

    file_format = "html"

    def get(self, request, pk):
        application = self.get_application(pk)
        claims = application.claims.filter(live=True).select_related("purchase__category").order_by(
            "purchase__purchased_on", "purchase_id"
        )
        if self.file_format == "csv":
            return self.csv_response(application, claims)
        kind = kind_of(application.programme)
        return render(request, "procurement/application_summary.html", {
            "application": application, "claims": claims, "events": _events(application),
            "basis_label": kind.basis_label, "basis_lines": kind.describe(application),
            "claims_purchases": kind.claims_purchases,
        })

    @staticmethod
    def csv_response(application, claims):
        # Through the one writer: supplier names and invoice numbers come from people and files (formulas).
        rows = [
            [pgettext("subsidy application", "Application"), application.pk],
            [_("Applicant"), application.applicant.name, application.applicant.uscc],
            [_("Programme"), application.programme.display_name, f"v{application.programme.version}"],
            [_("Status"), application.get_status_display()],
        ]
        kind = kind_of(application.programme)
        rows.extend([label, value] for label, value in kind.describe(application))
        if application.eligible_total is not None:
            rows.append([_("Basis (CNY)"), application.eligible_total])
        if application.quota_granted is not None:
            rows.append([_("Quota granted"), application.quota_granted, application.quota_unit])
        else:
            rows.append([_("Amount (CNY)"), application.amount])
        if kind.claims_purchases:
            rows.append([])
            rows.append([_("Purchase"), _("Invoice number"), _("Purchase date"), _("Supplier"),
                         _("Supplier identifier"), _("Category"), _("Amount (CNY)")])
            for claim in claims:
                purchase = claim.purchase
                rows.append([purchase.pk, purchase.invoice_number, purchase.purchased_on.isoformat(),
                             purchase.supplier_name, purchase.supplier_identifier, purchase.category.name,
                             claim.amount])
        return csv_response(rows, filename=f"application-{application.pk}.csv")


class ApplicationDocumentView(LoginRequiredMixin, View):
    """A supporting document, only to the applicant's users and officials."""

    def get(self, request, pk):
        document = get_object_or_404(ApplicationDocument.objects.select_related("application__applicant"), pk=pk)
        if not workflow.can_view_application(request.user, document.application):
            raise Http404
        extension = Path(document.document.name).suffix.lower()
        try:
            handle = document.document.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"), as_attachment=False,
            filename=f"{slugify(document.title) or 'document'}{extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        # A private document: no shared cache may keep a copy.
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("my/applications/", ApplicationListView.as_view(), name="application_list"),
    path("my/applications/new/", ApplicationFormView.as_view(), name="application_create"),
    path("my/applications/preview/", ApplicationPreviewView.as_view(), name="application_preview"),
    path("my/applications/<int:pk>/", ApplicationDetailView.as_view(), name="application_detail"),
    path("my/applications/<int:pk>/purchases/", ApplicationFormView.as_view(), name="application_edit"),
    path("my/applications/<int:pk>/submit/", ApplicationSubmitView.as_view(), name="application_submit"),
    path("my/applications/<int:pk>/documents/", ApplicationDocumentAddView.as_view(),
         name="application_document_add"),
    path("my/applications/<int:pk>/summary/", ApplicationSummaryView.as_view(), name="application_summary"),
    path("my/applications/<int:pk>/summary.csv", ApplicationSummaryView.as_view(file_format="csv"),
         name="application_summary_csv"),
    path("applications/documents/<int:pk>/", ApplicationDocumentView.as_view(), name="application_document"),
]
