"""Standards pages: the standards list and detail, and a company's participations under /my/.

Participations are looked up through what the user may see (alliance.permissions): a pending or rejected one
of another company is a 404, never its data; the evidence is served to the company and officials only.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from registry.filtersets import clean_query
from registry.forms import DOCUMENT_ACCEPT, apply_service_errors, say_what_is_missing
from registry.identifiers import record_id
from registry.permissions import is_company_member, is_official
from registry.uploads import CONTENT_TYPES, validate_document_upload
from registry.views.my import CompanyRequiredMixin

from .. import members
from .. import standards as service
from ..filtersets import StandardFilterSet
from ..models import Standard, StandardParticipation
from ..permissions import can_record_participation, can_view_participation_evidence

PAGE_SIZE = 25
FILTER_FORM_ID = "standard-filters"


# --- the public list and detail ---------------------------------------------------------------------------------

def _prepare_filter_form(form):
    any_label = gettext_lazy("Any")
    for name in ("body", "level", "status"):
        form.fields[name].widget.choices = [("", any_label), *form.fields[name].choices[1:]]
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].help_text = _("Code or title, for example IEC 62660.")
    form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
    return form


def _list_url(query) -> str:
    return reverse("alliance:standard_list") + (f"?{query.urlencode()}" if query else "")


class StandardListView(TemplateView):
    """Every standard with its body, level and status, and how many members lead it or take part (verified)."""

    template_name = "alliance/standard_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, StandardFilterSet)
        filterset = StandardFilterSet(query, queryset=Standard.objects.all())
        form = _prepare_filter_form(filterset.form)
        valid = filterset.is_valid()
        standards = service.standards_with_counts(filterset.qs) if valid else Standard.objects.none()
        page = Paginator(standards, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form, form_id=FILTER_FORM_ID, filters_valid=valid, query=query,
            panel_fields=[form[name] for name in form.fields if name != "q"],
            page_obj=page, page_range=list(page.paginator.get_elided_page_range(page.number)),
            ellipsis=page.paginator.ELLIPSIS, standards=page.object_list, result_count=page.paginator.count,
            chips=[
                {"label": label, "value": value,
                 "url": _list_url(clean_query(self.request.GET, StandardFilterSet, without={name}))}
                for name, label, value in filterset.active_filters()
            ],
        )
        return context


class StandardDetailView(TemplateView):
    """A standard's facts and the participations the visitor may see (verified ones for the public)."""

    template_name = "alliance/standard_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        standard = get_object_or_404(service.standards_with_counts(), pk=kwargs["pk"])
        user = self.request.user
        participations = list(service.participations_for(user, standard))
        for participation in participations:
            participation.evidence_visible = bool(participation.evidence) and can_view_participation_evidence(
                user, participation
            )
        context.update(
            standard=standard,
            participations=participations,
            can_record=can_record_participation(user)[0],
        )
        return context


# --- the company's own participations (/my/standards/) ---------------------------------------------------------

class StandardChoiceField(forms.ModelChoiceField):
    """A standard by id; an id beyond the database's integer range is an invalid choice, not a crash."""

    def to_python(self, value):
        # "²" passes str.isdigit() but not int(): only an id record_id() accepts reaches the database.
        if isinstance(value, str) and value.strip() and record_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def label_from_instance(self, standard):
        return f"{standard.code} — {standard.display_title} ({standard.get_body_display()})"


class ParticipationForm(forms.Form):
    """The company's part in a standard, with the evidence an official checks."""

    standard = StandardChoiceField(
        label=gettext_lazy("Standard"), queryset=Standard.objects.none(),
        help_text=gettext_lazy("If the standard is not on the list, ask the industry bureau to add it."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Your company’s role"), choices=StandardParticipation.Role.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Lead: the company leads the drafting (convenor, editor or first drafting unit). "
                               "Participant: it takes part in the drafting."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence"), widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=service.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Optional. For example the working group or the clause your company drafted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = service.recordable_standards()
        self.fields["evidence"].help_text = _(
            "The body’s record naming your company and its role: a PDF, PNG or JPEG file of at most %(limit)s. "
            "Only your company’s users and the industry bureau’s officials see it. If the page shows an error, "
            "choose the file again."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        say_what_is_missing(self, {
            "standard": _("Choose the standard."),
            "role": _("Choose your company’s role: lead or participant."),
            "evidence": _("Choose the evidence to upload."),
        })

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            validate_document_upload(evidence)
        return evidence


class MyStandardsView(CompanyRequiredMixin, TemplateView):
    """The company's membership and every participation it recorded, with its status and the official's reason."""

    template_name = "alliance/my_standards.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "company": self.company,
            "membership": members.membership_of(self.company),
            "participations": service.company_participations(self.company),
        }


class ParticipationCreateView(CompanyRequiredMixin, FormView):
    """Record the company's part in a standard; it shows publicly once an official verifies it."""

    template_name = "alliance/participation_form.html"
    form_class = ParticipationForm

    def get_initial(self):
        raw = self.request.GET.get("standard", "")
        if raw.isdigit() and len(raw) <= 18:
            return {"standard": raw}
        return {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "company": self.company}

    def form_valid(self, form):
        try:
            participation = service.participation_record(
                by=self.request.user, company=self.company, standard=form.cleaned_data["standard"],
                role=form.cleaned_data["role"], evidence=form.cleaned_data["evidence"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _(
            "Your participation in %(code)s is recorded. It shows publicly once an official has checked the evidence."
        ) % {"code": participation.standard.code})
        return redirect(reverse("alliance:my_standards"))


class ParticipationEvidenceView(LoginRequiredMixin, View):
    """The evidence of a participation, only to its company and officials; a 404 to anyone else."""

    def get(self, request, pk):
        participation = get_object_or_404(StandardParticipation.objects.select_related("company", "standard"), pk=pk)
        if not participation.evidence or not can_view_participation_evidence(request.user, participation):
            raise Http404
        extension = Path(participation.evidence.name).suffix.lower()
        try:
            handle = participation.evidence.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        filename = f"{slugify(participation.standard.code) or 'standard'}-{participation.role}-evidence{extension}"
        response = FileResponse(
            handle, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"), as_attachment=False,
            filename=filename,
        )
        response["X-Content-Type-Options"] = "nosniff"
        # A private document: no shared cache may keep a copy.
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("alliance/standards/", StandardListView.as_view(), name="standard_list"),
    path("alliance/standards/<int:pk>/", StandardDetailView.as_view(), name="standard_detail"),
    path("alliance/participations/<int:pk>/evidence/", ParticipationEvidenceView.as_view(),
         name="participation_evidence"),
    path("my/standards/", MyStandardsView.as_view(), name="my_standards"),
    path("my/standards/new/", ParticipationCreateView.as_view(), name="participation_create"),
]


# --- sections of the registry's company pages ---------------------------------------------------------------

def company_section(request, company) -> str:
    """The company's alliance membership and verified standard participations on its public page."""
    membership = members.membership_of(company)
    participations = list(service.company_participations(company, verified_only=True))
    if membership is None and not participations:
        return ""
    return render_to_string(
        "alliance/_company_section.html",
        {"membership": membership, "participations": participations, "company": company},
        request=request,
    )


def my_section(request, company) -> str:
    """The company's membership and standard participations on /my/."""
    if not (is_company_member(request.user, company) or is_official(request.user)):
        return ""
    return render_to_string(
        "alliance/_my_section.html",
        {
            "membership": members.membership_of(company),
            "participations": list(service.company_participations(company)),
            "company": company,
        },
        request=request,
    )
