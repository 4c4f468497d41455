"""A company's production bases and industrial land requests under /my/ (registry.production_bases).

Bases and requests are looked up through the signed-in user's company: another company's id is a 404 on a page
and an error naming the field in a form, never its data.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from .. import production_bases as service
from ..bounds import MAX_QUANTITY, validate_quantity_bound
from ..forms import AmountField, apply_service_errors, say_what_is_missing
from ..identifiers import record_id
from ..models import District, LandRequest, Product, ProductionBase
from ..permissions import is_company_member
from .my import CompanyRequiredMixin

# The largest area a request may name: 10 km², far beyond any industrial plot.
MAX_AREA_M2 = Decimal("10000000.00")


class RecordChoiceField(forms.ModelChoiceField):
    """A record by id; an id that is not a whole number within the database's range is an invalid choice (a
    message beside the field), never a driver's overflow."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and record_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if isinstance(value, int) and record_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value or ():
            if record_id(item) is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": str(item)[:40]})
        return super()._check_values(value)


class ProductionBaseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the base"), max_length=200)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300)
    district = RecordChoiceField(
        label=gettext_lazy("District"), queryset=District.objects.order_by("code"), required=False,
        help_text=gettext_lazy("Leave empty for a base outside the city."),
    )
    capacity = AmountField(
        label=gettext_lazy("Annual capacity"), min_value=Decimal("0"), max_value=MAX_QUANTITY, max_digits=14,
        decimal_places=2, validators=[validate_quantity_bound],
        help_text=gettext_lazy("Planned or actual, in the unit chosen below."),
    )
    capacity_unit = forms.ChoiceField(label=gettext_lazy("Capacity unit"), choices=Product.CapacityUnit.choices)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=ProductionBase.Stage.choices,
                              widget=forms.RadioSelect)
    is_solid_state = forms.BooleanField(
        label=gettext_lazy("It is a solid-state battery production base"), required=False,
        help_text=gettext_lazy("It makes solid-state batteries or their materials. Its land requests come first."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_what_is_missing(self, {
            "name": _("Enter the name of the base."),
            "address": _("Enter the address of the base."),
            "capacity": _("Enter the annual capacity."),
            "capacity_unit": _("Choose the unit of the capacity."),
            "stage": _("Choose how far the base has come."),
        })


class LandRequestForm(forms.Form):
    base = RecordChoiceField(label=gettext_lazy("Production base"), queryset=ProductionBase.objects.none())
    area_m2 = AmountField(
        label=gettext_lazy("Area"), min_value=Decimal("0.01"), max_value=MAX_AREA_M2, max_digits=14,
        decimal_places=2, help_text=gettext_lazy("In square metres."),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the land is for: a new line, a warehouse, an extension of the plant."),
    )

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the company's own bases are offered, and only they are accepted.
        self.fields["base"].queryset = service.company_bases(company) if company else ProductionBase.objects.none()
        self.fields["base"].error_messages["invalid_choice"] = _("Choose one of your company's production bases.")
        say_what_is_missing(self, {
            "base": _("Choose the production base."),
            "area_m2": _("Enter the area in square metres."),
            "purpose": _("Say what the land is for."),
        })


class MyProductionBasesView(CompanyRequiredMixin, TemplateView):
    """The company's bases and its land requests with their status and the officials' reasons."""

    template_name = "registry/my_production_bases.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs), "company": self.company,
            "bases": service.company_bases(self.company),
            "land_requests": LandRequest.objects.filter(base__company=self.company).select_related("base"),
        }


class ProductionBaseFormView(CompanyRequiredMixin, FormView):
    template_name = "registry/production_base_form.html"
    form_class = ProductionBaseForm
    base = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.is_authenticated and request.user.company_id:
            self.base = get_object_or_404(ProductionBase, pk=kwargs["pk"], company_id=request.user.company_id)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.base is None:
            return {}
        return {name: getattr(self.base, name) for name in (
            "name", "address", "district", "capacity", "capacity_unit", "stage", "is_solid_state")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "base": self.base, "company": self.company}

    def form_valid(self, form):
        try:
            base = service.production_base_save(by=self.request.user, company=self.company,
                                                data=form.cleaned_data, base=self.base)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The production base %(name)s is saved.") % {"name": base.name})
        return redirect("registry:my_production_bases")


class LandRequestCreateView(CompanyRequiredMixin, FormView):
    template_name = "registry/land_request_form.html"
    form_class = LandRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "company": self.company}

    def get_initial(self):
        pk = record_id(self.request.GET.get("base", ""))
        return {"base": pk} if pk else {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "company": self.company}

    def form_valid(self, form):
        try:
            service.land_request_submit(by=self.request.user, base=form.cleaned_data["base"],
                                        area_m2=form.cleaned_data["area_m2"], purpose=form.cleaned_data["purpose"])
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your request for industrial land is submitted. Officials decide it in "
                                         "order of priority; its status shows here."))
        return redirect(reverse("registry:my_production_bases") + "#land-requests")


urlpatterns = [
    path("my/production-bases/", MyProductionBasesView.as_view(), name="my_production_bases"),
    path("my/production-bases/new/", ProductionBaseFormView.as_view(), name="production_base_create"),
    path("my/production-bases/<int:pk>/edit/", ProductionBaseFormView.as_view(), name="production_base_update"),
    path("my/land-requests/new/", LandRequestCreateView.as_view(), name="land_request_create"),
]


def my_section(request, company) -> str:
    """The company's production bases and land requests on /my/, with the links to record them."""
    if not is_company_member(request.user, company):
        return ""
    return render_to_string("registry/_production_bases_my_section.html", {
        "bases": list(service.company_bases(company)),
        "waiting": LandRequest.objects.filter(base__company=company, status__in=service.WAITING).count(),
    }, request=request)
