"""The fund's pages: the public list of granted projects, a project's page with its progress, the company's own
projects under /my/research/ with the progress-report form, and the reports' evidence (lead and officials only).

Projects are looked up through what the visitor may see (research.permissions): a draft of another company is a
404, never its data.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from procurement.applications import open_programmes
from procurement.charts import line_chart
from procurement.models import SubsidyProgramme
from registry.filtersets import clean_query
from registry.forms import DOCUMENT_ACCEPT, apply_service_errors, say_what_is_missing
from registry.permissions import is_company_member, is_official
from registry.uploads import CONTENT_TYPES, validate_document_upload
from registry.views.my import CompanyRequiredMixin

from . import selectors, services
from .filtersets import ResearchProjectFilterSet
from .models import ProgressReport, ResearchProject
from .permissions import can_file_report, can_see_reports, visible_projects

PAGE_SIZE = 25
FILTER_FORM_ID = "project-filters"


def _list_url(query) -> str:
    return reverse("research:project_list") + (f"?{query.urlencode()}" if query else "")


def _with_progress(projects):
    projects = list(projects)
    for project in projects:
        project.progress = selectors.progress_summary(project)
    return projects


class ProjectListView(TemplateView):
    """Granted projects (and, for a company's users, its own; for officials, all) with their progress."""

    template_name = "research/project_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, ResearchProjectFilterSet)
        filterset = ResearchProjectFilterSet(query, queryset=visible_projects(self.request.user))
        form = filterset.form
        any_label = gettext_lazy("Any")
        for name in ("direction", "status", "figure"):
            form.fields[name].widget.choices = [("", any_label), *list(form.fields[name].choices)[1:]]
        form.fields["category"].empty_label = any_label
        form.fields["q"].widget.input_type = "search"
        form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
        valid = filterset.is_valid()
        projects = selectors.projects_for_list(filterset.qs) if valid else ResearchProject.objects.none()
        page = Paginator(projects, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form, form_id=FILTER_FORM_ID, filters_valid=valid, query=query,
            panel_fields=[form[name] for name in form.fields if name != "q"],
            page_obj=page, page_range=list(page.paginator.get_elided_page_range(page.number)),
            ellipsis=page.paginator.ELLIPSIS, projects=_with_progress(page.object_list),
            result_count=page.paginator.count,
            chips=[
                {"label": label, "value": value,
                 "url": _list_url(clean_query(self.request.GET, ResearchProjectFilterSet, without={name}))}
                for name, label, value in filterset.active_filters()
            ],
        )
        return context


def _charts(progress):
    charts = []
    for index, row in enumerate(progress.targets):
        if len(row.points) < 1:
            continue
        series = selectors.progress_chart_series(row)
        charts.append({
            "row": row, "id": f"progress-chart-{index}",
            "chart": line_chart(series, [("share", "line-actual"), ("target", "line-target")]),
            "summary": _("%(figure)s: %(percent)s of the way from the baseline to the target at the latest report "
                         "(%(date)s).") % {"figure": row.definition.label, "percent": f"{row.latest.percent} %",
                                           "date": row.latest.reported_on.isoformat()},
        })
    return charts


class ProjectDetailView(TemplateView):
    """A project's facts, each target's path toward it, the lead's products against the city's targets, reports."""

    template_name = "research/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        project = get_object_or_404(
            visible_projects(user).select_related("lead", "category", "application__programme"), pk=kwargs["pk"]
        )
        progress = selectors.project_progress(project)
        private = can_see_reports(user, project)
        products = list(selectors.lead_products(project)) if (project.lead.is_published or private) else []
        context.update(
            project=project, progress=progress, charts=_charts(progress), private=private,
            partners=list(project.partners.all()), products=products,
            products_meeting=sum(1 for p in products if p.meets_target),
            reports=list(project.reports.prefetch_related("measurements").select_related("filed_by"))
            if private else [],
            can_file=can_file_report(user, project)[0],
        )
        return context


class ProgressReportForm(forms.Form):
    """A progress report: the date of the measurements, a value per target figure, and the evidence."""

    reported_on = forms.DateField(
        label=gettext_lazy("Date of the measurements"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("For example 2026-03-01; not in the future."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence"), widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Optional. For example the test conditions or the batch measured."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_fields = []
        for target in project.targets.all():
            definition = target.definition
            name = f"value_{target.figure}"
            self.fields[name] = forms.CharField(
                label=_("%(figure)s (%(unit)s)") % {"figure": definition.label, "unit": definition.unit},
                required=False, max_length=50,
                help_text=_("Baseline %(baseline)s, target %(target)s. Leave empty if not measured this time.") % {
                    "baseline": definition.display(target.baseline), "target": definition.display(target.target)},
            )
            self.target_fields.append(name)
        self.fields["evidence"].help_text = _(
            "The test report behind the values: a PDF, PNG or JPEG file of at most %(limit)s. Only your "
            "organisation’s users and the industry bureau’s officials see it. If the page shows an error, choose "
            "the file again."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        say_what_is_missing(self, {
            "reported_on": _("Enter the date of the measurements."),
            "evidence": _("Choose the evidence to upload."),
        })

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            validate_document_upload(evidence)
        return evidence

    @property
    def measurement_fields(self):
        return [self[name] for name in self.target_fields]


class MyProjectsView(CompanyRequiredMixin, TemplateView):
    """The company's projects as lead organisation, in every status, then those it is a partner of."""

    template_name = "research/my_projects.html"

    def get_context_data(self, **kwargs):
        projects = selectors.projects_for_list(ResearchProject.objects.filter(lead=self.company)).order_by(
            "-created_at", "-pk")
        partnered = selectors.projects_for_list(
            ResearchProject.objects.filter(partners=self.company).exclude(lead=self.company)
        ).order_by("-created_at", "-pk")
        return {**super().get_context_data(**kwargs), "company": self.company,
                "projects": _with_progress(projects), "partnered": list(partnered),
                "programme": _rd_fund_programme()}


def _rd_fund_programme():
    return open_programmes().filter(kind=SubsidyProgramme.Kind.RD_FUND).order_by("code", "-version").first()


class ProgressReportCreateView(CompanyRequiredMixin, FormView):
    """File a progress report on one of the company's granted projects."""

    template_name = "research/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.company_id:
            # Found through the company: another company's project is a 404, not a 403 that confirms it exists.
            self.project = get_object_or_404(
                ResearchProject.objects.select_related("application", "lead"),
                pk=kwargs["pk"], lead_id=request.user.company_id,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ProgressReportForm(**self.get_form_kwargs(), project=self.project)

    def get_context_data(self, **kwargs):
        allowed, reason = can_file_report(self.request.user, self.project)
        return {**super().get_context_data(**kwargs), "project": self.project, "can_file": allowed,
                "cannot_file_reason": reason}

    def form_valid(self, form):
        measurements = {name.removeprefix("value_"): form.cleaned_data[name] for name in form.target_fields}
        try:
            services.progress_report_file(
                by=self.request.user, project=self.project, reported_on=form.cleaned_data["reported_on"],
                measurements=measurements, evidence=form.cleaned_data["evidence"], note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Progress report filed. The project page shows the new values."))
        return redirect("research:project_detail", pk=self.project.pk)


class ReportEvidenceView(LoginRequiredMixin, View):
    """A report's evidence, only to the lead organisation's users and officials; a 404 to anyone else."""

    def get(self, request, pk):
        report = get_object_or_404(ProgressReport.objects.select_related("project__lead"), pk=pk)
        if not report.evidence or not can_see_reports(request.user, report.project):
            raise Http404
        extension = Path(report.evidence.name).suffix.lower()
        try:
            handle = report.evidence.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"), as_attachment=False,
            filename=f"progress-report-{report.pk}{extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def my_section(request, company) -> str:
    """The company's R&D fund projects on /my/, with the way to apply and to report progress."""
    if not (is_company_member(request.user, company) or is_official(request.user)):
        return ""
    projects = _with_progress(selectors.projects_for_list(ResearchProject.objects.filter(lead=company)))
    programme = _rd_fund_programme()
    if not projects and programme is None:
        return ""
    return render_to_string("research/_my_section.html", {
        "projects": projects, "programme": programme, "company": company,
    }, request=request)


urlpatterns = [
    path("research/", ProjectListView.as_view(), name="project_list"),
    path("research/<int:pk>/", ProjectDetailView.as_view(), name="project_detail"),
    path("research/reports/<int:pk>/evidence/", ReportEvidenceView.as_view(), name="report_evidence"),
    path("my/research/", MyProjectsView.as_view(), name="my_projects"),
    path("my/research/<int:pk>/report/", ProgressReportCreateView.as_view(), name="report_create"),
]
