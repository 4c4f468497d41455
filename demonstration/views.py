"""Pages: the public list of demonstration projects by scenario, a project's page, the operator's measurement form
and the section of /my/ listing the projects the company operates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from registry.filtersets import clean_query
from registry.forms import apply_service_errors
from registry.identifiers import record_id
from registry.models import Company
from registry.permissions import is_company_member, is_official
from registry.views.my import CompanyRequiredMixin

from . import selectors, services
from .charts import figure_chart, figure_summary
from .filtersets import DemonstrationProjectFilterSet
from .forms import MeasurementForm
from .models import DemonstrationProject
from .permissions import can_record_measurement
from .scenarios import Scenario, targets_for

PAGE_SIZE = 30
FILTER_FORM_ID = "demonstration-filters"


def _prepare_filter_form(form):
    any_label = gettext_lazy("Any")
    for name in ("scenario", "status"):
        form.fields[name].widget.choices = [("", any_label), *form.fields[name].choices[1:]]
    # In the page the supplier is chosen from those taking part in a project; the API takes any company id.
    from django import forms as django_forms

    suppliers = Company.objects.filter(supplied_demonstrations__isnull=False).distinct().order_by("name")
    form.fields["supplier"].widget = django_forms.Select(
        choices=[("", any_label), *((c.pk, c.name) for c in suppliers)]
    )
    form.fields["local"].widget.choices = [("", any_label), ("true", _("yes")), ("false", _("no"))]
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].help_text = _("Project, site or operator.")
    form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
    return form


def _list_url(query) -> str:
    return reverse("demonstration:project_list") + (f"?{query.urlencode()}" if query else "")


class ProjectListView(TemplateView):
    """Every demonstration project by scenario: status, operator, suppliers and the latest measurements against
    the targets."""

    template_name = "demonstration/project_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, DemonstrationProjectFilterSet)
        filterset = DemonstrationProjectFilterSet(query, queryset=selectors.projects_queryset())
        form = _prepare_filter_form(filterset.form)
        valid = filterset.is_valid()
        projects = filterset.qs if valid else DemonstrationProject.objects.none()
        page = Paginator(projects, PAGE_SIZE).get_page(self.request.GET.get("page"))
        standings = selectors.standings(page.object_list)
        groups = []
        for scenario in Scenario:
            rows = [s for s in standings if s.project.scenario == scenario]
            if rows:
                groups.append({"scenario": scenario, "targets": targets_for(scenario), "rows": rows})
        context.update(
            form=form, form_id=FILTER_FORM_ID, filters_valid=valid, query=query,
            panel_fields=[form[name] for name in form.fields if name != "q"],
            page_obj=page, page_range=list(page.paginator.get_elided_page_range(page.number)),
            ellipsis=page.paginator.ELLIPSIS, groups=groups, result_count=page.paginator.count,
            chips=[
                {"label": label, "value": value,
                 "url": _list_url(clean_query(self.request.GET, DemonstrationProjectFilterSet, without={name}))}
                for name, label, value in filterset.active_filters()
            ],
        )
        return context


class ProjectDetailView(TemplateView):
    """A project's facts, suppliers, latest values against the targets, its measurements by date with a chart per
    figure, and its LCOS (storage) or flight time (drones)."""

    template_name = "demonstration/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(selectors.projects_queryset(), pk=record_id(str(kwargs["pk"])) or -1)
        standing = selectors.standings([project])[0]
        targets, rows = selectors.measurement_table(project)
        charts = []
        for index, target in enumerate(targets):
            points = [(row["date"], row["cells"][index]["measurement"].value) for row in rows
                      if row["cells"][index]["measurement"] is not None]
            if points:
                charts.append({
                    "id": f"chart-{target.figure.replace('_', '-')}", "target": target,
                    "chart": figure_chart(points, target.threshold, str(target.unit)),
                    "summary": figure_summary(str(target.label), points, target.text, target.definition.display),
                })
        user = self.request.user
        context.update(
            project=project, standing=standing, targets=targets, rows=rows, charts=charts,
            lcos=selectors.station_lcos(project), flight=selectors.drone_flight_time(project),
            can_record=can_record_measurement(user, project)[0],
            history=_status_history(project),
        )
        return context


def _status_history(project) -> list[dict]:
    """The status changes (and when), oldest first, from the project's history; who changed it stays in the admin."""
    changes, previous = [], None
    for record in project.history.order_by("history_date", "history_id").only("status", "history_date"):
        if record.status != previous:
            changes.append({"status": DemonstrationProject.Status(record.status).label, "when": record.history_date})
            previous = record.status
    return changes


class MeasurementCreateView(CompanyRequiredMixin, FormView):
    """The operator records a day's measurements; another company's project is a 404."""

    template_name = "demonstration/measurement_form.html"
    form_class = MeasurementForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        pk = record_id(str(kwargs["pk"]))
        # Looked up through the user's own company: anyone else's project does not exist for them.
        self.project = get_object_or_404(
            DemonstrationProject.objects.filter(operator_id=request.user.company_id or -1), pk=pk or -1
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_context_data(self, **kwargs):
        allowed, reason = can_record_measurement(self.request.user, self.project)
        return {**super().get_context_data(**kwargs), "project": self.project, "allowed": allowed,
                "reason": reason}

    def form_valid(self, form):
        try:
            saved = services.measurement_record(
                by=self.request.user, project=self.project, measured_on=form.cleaned_data["measured_on"],
                values=form.values(), note=form.cleaned_data["note"],
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            apply_service_errors(form, error, MeasurementForm.field_map())
            return self.form_invalid(form)
        messages.success(self.request, _("%(count)d values of %(date)s recorded for %(project)s.") % {
            "count": len(saved), "date": form.cleaned_data["measured_on"].isoformat(), "project": self.project.name,
        })
        return redirect(reverse("demonstration:project_detail", args=[self.project.pk]))


urlpatterns = [
    path("demonstration/", ProjectListView.as_view(), name="project_list"),
    path("demonstration/<int:pk>/", ProjectDetailView.as_view(), name="project_detail"),
    path("my/demonstration/<int:pk>/measurements/new/", MeasurementCreateView.as_view(), name="measurement_create"),
]


def company_section(request, company) -> str:
    """On a company's public page: the demonstration projects it operates or supplies batteries to."""
    from django.db.models import Q

    projects = list(
        DemonstrationProject.objects.filter(Q(operator=company) | Q(suppliers=company)).distinct()
        .order_by("scenario", "name")
    )
    if not projects:
        return ""
    for project in projects:
        project.role_here = (_("Operator") if project.operator_id == company.pk else _("Battery supplier"))
    return render_to_string("demonstration/_company_section.html", {"projects": projects, "company": company},
                            request=request)


def my_section(request, company) -> str:
    """The demonstration projects the company operates, on /my/, each with its latest values and a link to record."""
    if not (is_company_member(request.user, company) or is_official(request.user)):
        return ""
    projects = selectors.projects_queryset().filter(operator=company)
    standings = selectors.standings(projects)
    if not standings:
        return ""
    return render_to_string("demonstration/_my_section.html", {"standings": standings, "company": company},
                            request=request)
