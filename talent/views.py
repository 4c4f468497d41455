"""The talent plan's pages: the public yearly totals (/talent/) and an organisation's own records (/my/talent/).

Records are looked up through talent.permissions: another organisation's record is a 404, never its data.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from calculators.talent import scholarship_fund
from registry.filtersets import refuse_unknown_parameters
from registry.forms import apply_service_errors
from registry.views.my import CompanyRequiredMixin

from . import selectors, services
from .forms import RecipientsForm, ScholarshipForm, SpecialistForm, TrainingBaseForm, TrainingYearForm
from .models import OverseasSpecialist, Scholarship, ScholarshipRecipient, TrainingBase, TrainingYear
from .permissions import can_enter_talent_records, owner_id, visible_talent_records


class TalentIndexView(TemplateView):
    """The plan's yearly totals against its targets, and the training bases (organisations only, no people)."""

    template_name = "talent/index.html"

    def get_context_data(self, **kwargs):
        # Not a filtered list: any query parameter is one it does not know (a 400 page naming it).
        refuse_unknown_parameters(self.request.GET)
        today = timezone.localdate()
        years = selectors.talent_years()
        return {
            **super().get_context_data(**kwargs),
            "years": list(reversed(years)),
            "latest_training": selectors.latest_training_year(years),
            "latest_scholarships": selectors.latest_scholarship_year(years),
            "specialists_window": selectors.specialists_in_window(years, today.year),
            "window_first": today.year - selectors.SPECIALIST_WINDOW_YEARS + 1, "window_last": today.year,
            "targets": {
                "graduates": selectors.GRADUATES_TARGET, "retention": selectors.RETENTION_TARGET_PERCENT,
                "specialists_low": selectors.SPECIALISTS_LOW, "specialists_high": selectors.SPECIALISTS_HIGH,
                "recipients": selectors.RECIPIENTS_TARGET,
            },
            "bases": selectors.public_training_bases(),
            "can_enter": can_enter_talent_records(self.request.user),
        }


def _own(user, model, pk):
    """One of the organisation's own records, to change on its own pages: a 404 for anyone else's (officials
    correct records in the admin, where talent.permissions lets them see every one)."""
    record = get_object_or_404(visible_talent_records(user, model.objects.all()), pk=pk)
    if owner_id(record) != user.company_id:
        raise Http404
    return record


class MyTalentView(CompanyRequiredMixin, TemplateView):
    """The organisation's training bases with their yearly figures, its specialists and its scholarships."""

    template_name = "talent/my_talent.html"

    def get_context_data(self, **kwargs):
        company = self.company
        scholarships = Scholarship.objects.filter(company=company).prefetch_related("recipients")
        for scholarship in scholarships:
            scholarship.n = len(scholarship.recipients.all())
            scholarship.fund = scholarship_fund(scholarship.n, scholarship.award)
        return {
            **super().get_context_data(**kwargs), "company": company,
            "bases": TrainingBase.objects.filter(organisation=company).select_related("institution")
            .prefetch_related("companies", "years"),
            "specialists": OverseasSpecialist.objects.filter(company=company),
            "scholarships": scholarships,
        }


class _RecordFormView(CompanyRequiredMixin, FormView):
    """A form for one of the organisation's records, saved through talent.services; errors beside the fields."""

    template_name = "talent/record_form.html"
    title = ""
    intro = ""
    submit_label = gettext_lazy("Save")
    units: dict = {}
    success_message = ""

    def back_url(self):
        return reverse("talent:my_talent")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title, "intro": self.intro,
                "submit_label": self.submit_label, "units": self.units, "back_url": self.back_url()}

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.save(form)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.back_url())


class TrainingBaseFormView(_RecordFormView):
    form_class = TrainingBaseForm
    title = gettext_lazy("A training base")
    intro = gettext_lazy("A practical training base your organisation runs with a university or institute and "
                         "companies. Its yearly figures are entered next.")
    success_message = gettext_lazy("The training base is saved.")
    base = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.is_authenticated:
            self.base = _own(request.user, TrainingBase, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.base is None:
            return {}
        return {"name": self.base.name, "institution": self.base.institution,
                "companies": list(self.base.companies.all()), "established_year": self.base.established_year}

    def save(self, form):
        data = dict(form.cleaned_data)
        companies = data.pop("companies")
        services.training_base_save(by=self.request.user, organisation=self.base.organisation if self.base
                                    else self.company, data=data, companies=companies, base=self.base)


class TrainingYearFormView(_RecordFormView):
    form_class = TrainingYearForm
    title = gettext_lazy("A training base's figures for a year")
    intro = gettext_lazy("Counts only, no names. Entering a year already recorded replaces its figures.")
    success_message = gettext_lazy("The year's figures are saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.base = _own(request.user, TrainingBase, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        year = self.request.GET.get("year", "")
        record = TrainingYear.objects.filter(base=self.base, year=int(year)).first() if (
            year.isascii() and year.isdigit() and len(year) == 4) else None
        if record is None:
            return {"year": timezone.localdate().year - 1}
        return {name: getattr(record, name) for name in ("year", "internships", "placements", "graduates",
                                                          "retained")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subject": self.base.name}

    def save(self, form):
        services.training_year_save(by=self.request.user, base=self.base, **form.cleaned_data)


class SpecialistFormView(_RecordFormView):
    form_class = SpecialistForm
    title = gettext_lazy("An overseas specialist")
    intro = gettext_lazy("Only your organisation and the industry bureau's officials see this record. The total "
                         "package is the base salary, the housing benefit and the other benefits added up.")
    success_message = gettext_lazy("The specialist is saved.")
    template_name = "talent/specialist_form.html"
    specialist = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.is_authenticated:
            self.specialist = _own(request.user, OverseasSpecialist, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return SpecialistForm.initial_for(self.specialist) if self.specialist else {}

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in ("reference", "year", "field", "base_salary", "housing",
                                                            "other_benefits")}
        services.specialist_save(by=self.request.user, company=self.company, data=data, specialist=self.specialist)


class ScholarshipFormView(_RecordFormView):
    form_class = ScholarshipForm
    title = gettext_lazy("A scholarship")
    intro = gettext_lazy("One scholarship for one year. Its recipients are added on the scholarship's page, "
                         "without names.")
    success_message = gettext_lazy("The scholarship is saved.")
    scholarship = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.is_authenticated:
            self.scholarship = _own(request.user, Scholarship, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.scholarship is None:
            return {"year": timezone.localdate().year}
        return {name: getattr(self.scholarship, name) for name in ("name", "institution", "year", "award")}

    def save(self, form):
        self.saved = services.scholarship_save(by=self.request.user, company=self.company, data=form.cleaned_data,
                                               scholarship=self.scholarship)


class ScholarshipDetailView(_RecordFormView):
    """A scholarship's recipients (no names) and the form to add more; the fund F = n × A_scholar."""

    form_class = RecipientsForm
    template_name = "talent/scholarship_detail.html"
    success_message = gettext_lazy("The recipients are added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scholarship = _own(request.user, Scholarship, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def back_url(self):
        return reverse("talent:scholarship_detail", args=[self.scholarship.pk])

    def get_context_data(self, **kwargs):
        recipients = list(self.scholarship.recipients.all())
        return {**super().get_context_data(**kwargs), "scholarship": self.scholarship, "recipients": recipients,
                "fund": scholarship_fund(len(recipients), self.scholarship.award)}

    def save(self, form):
        services.recipients_add(by=self.request.user, scholarship=self.scholarship, **form.cleaned_data)


class RecipientRemoveView(CompanyRequiredMixin, TemplateView):
    """Remove a recipient recorded by mistake (POST only; the history keeps it)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        recipient = _own(request.user, ScholarshipRecipient, pk)
        scholarship_id = recipient.scholarship_id
        services.recipient_remove(by=request.user, recipient=recipient)
        messages.success(request, _("The recipient is removed."))
        return redirect("talent:scholarship_detail", pk=scholarship_id)


def my_section(request, company) -> str:
    """The organisation's talent records on /my/: counts, and the way to its own talent page."""
    if not (request.user.is_authenticated and request.user.company_id == company.pk):
        return ""
    return render_to_string("talent/_my_section.html", {
        "bases": TrainingBase.objects.filter(organisation=company).count(),
        "specialists": OverseasSpecialist.objects.filter(company=company).count(),
        "scholarships": Scholarship.objects.filter(company=company).count(),
    }, request=request)
