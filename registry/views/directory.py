"""The published directory, company pages, exports, the printable recommendation directory, the chain map."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from .. import sections, selectors
from ..exports import directory_export_response
from ..figures import FIGURES
from ..filtersets import CompanyFilterSet, clean_query
from ..models import Category, Certificate, Company, Product, ProductFigure
from ..permissions import can_see_contacts, can_view_company, can_view_company_documents

PAGE_SIZE = 25
FILTER_FORM_ID = "directory-filters"
# Shown outside the panel (search box, sort select) or not at all: every company listed is verified.
NOT_IN_PANEL = {"q", "sort", "status"}
# Yes/no filters whose "Any" option is sent as "unknown".


def directory_filterset(request) -> CompanyFilterSet:
    """The directory's filters bound to the query string, over the published companies only."""
    # Empty parameters (a form sent without JavaScript, a hand-edited link) mean "no filter", not an error.
    return CompanyFilterSet(clean_query(request.GET, CompanyFilterSet), queryset=Company.objects.published())



def _directory_url(query) -> str:
    return reverse("registry:directory") + (f"?{query.urlencode()}" if query else "")


def _prepare_form(form):
    """Presentation of the shared filter form on the HTML page: friendlier widgets and empty labels."""
    any_label = _("Any")
    for name, field in form.fields.items():
        if isinstance(field, forms.NullBooleanField):
            field.widget.choices = [("unknown", any_label), ("true", _("Yes")), ("false", _("No"))]
        elif isinstance(field, forms.ModelChoiceField):
            field.empty_label = any_label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            first = _("Name (default)") if name == "sort" else any_label
            field.widget.choices = [("", first)] + [choice for choice in field.choices if choice[0] != ""]
    # The widget's options only: the field still validates against its queryset by slug.
    form.fields["category"].widget.choices = [("", any_label)] + [
        (category.slug, ("— " * depth) + category.display_name) for category, depth in selectors.category_tree()
    ]
    form.fields["size"].widget = forms.CheckboxSelectMultiple(choices=form.fields["size"].choices)
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            # A text box, as GOV.UK advises: type=number drops what it cannot parse (the user's typing is lost)
            # and some browsers refuse "1e-2", the way conductivities are written.
            field.widget = forms.TextInput(
                attrs={"spellcheck": "false", "autocomplete": "off", "class": "figure-input"}
            )
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].help_text = _("Company name, description, product name or USCC.")
    for name in ("q", "sort"):
        form.fields[name].widget.attrs["form"] = FILTER_FORM_ID
    return form


class DirectoryView(TemplateView):
    """The published directory: search, filter panel, removable chips, sortable, paginated results."""

    template_name = "registry/directory_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = directory_filterset(self.request)
        form = _prepare_form(filterset.form)
        valid = filterset.is_valid()
        companies = filterset.qs if valid else Company.objects.none()
        page = Paginator(selectors.directory_results(companies), PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = clean_query(self.request.GET, CompanyFilterSet)
        figure_names = {f"{bound}_{key}" for key in FIGURES for bound in ("min", "max")}
        context.update(
            filterset=filterset,
            form=form,
            form_id=FILTER_FORM_ID,
            filters_valid=valid,
            page_obj=page,
            page_range=list(page.paginator.get_elided_page_range(page.number)),
            ellipsis=page.paginator.ELLIPSIS,
            companies=selectors.with_listed_categories(page.object_list),
            result_count=page.paginator.count,
            query=query,
            query_string=query.urlencode(),
            panel_fields=[form[name] for name in form.fields if name not in NOT_IN_PANEL | figure_names],
            figure_groups=[
                {"figure": figure, "min": form[f"min_{key}"], "max": form[f"max_{key}"]}
                for key, figure in FIGURES.items()
            ],
            figures_open=any(form[name].errors or form[name].value() for name in figure_names),
            chips=[
                {
                    "label": label,
                    "value": value,
                    "url": _directory_url(clean_query(self.request.GET, CompanyFilterSet, without={name})),
                }
                for name, label, value in filterset.active_filters()
            ],
        )
        return context


class DirectoryExportView(View):
    """The directory's current result (every page of it) as a CSV or Excel download."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        filterset = directory_filterset(request)
        if not filterset.is_valid():
            lines = [
                gettext("Invalid value for parameter “%(name)s”: %(message)s") % {"name": name, "message": message}
                for name, messages in filterset.errors.items()
                for message in messages
            ]
            return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
        return directory_export_response(filterset.qs, self.file_format, timezone.localdate())


class CompanyDetailView(DetailView):
    """A company's page: facts, products with figures and target badges, valid certificates, contacts by role."""

    template_name = "registry/company_detail.html"
    context_object_name = "company"

    def get_queryset(self):
        products = Product.objects.select_related("category__parent").prefetch_related(
            Prefetch("figures", queryset=ProductFigure.objects.order_by("figure"))
        )
        companies = Company.objects.select_related("district").prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("parent")),
            Prefetch("products", queryset=products.order_by("category__position", "name", "pk")),
            Prefetch("certificates", queryset=Certificate.objects.valid(), to_attr="valid_certificates"),
        )
        return selectors.directory_reads(companies, self.request.user)

    def get_object(self, queryset=None):
        company = super().get_object(queryset)
        # Unpublished companies answer 404, not 403: their existence is not public either.
        if not can_view_company(self.request.user, company):
            raise Http404
        return company

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        company = self.object
        context["listed_categories"] = selectors.listed_categories(company)
        context["show_contacts"] = can_see_contacts(self.request.user, company)
        context["show_documents"] = can_view_company_documents(self.request.user, company)
        context["extra_sections"] = sections.company_sections(self.request, company)
        return context


class RecommendationDirectoryView(TemplateView):
    """The printable procurement recommendation directory: every published company, grouped by category."""

    template_name = "registry/directory_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.recommendation_directory()
        context["generated_on"] = timezone.localdate()
        context["company_count"] = Company.objects.published().count()
        return context


class ChainMapView(TemplateView):
    """Verified local suppliers per category of the chain, with the gaps marked."""

    template_name = "registry/chain_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.chain_map_rows()
        context["rows"] = rows
        # Links other apps add beside a category (registry.sections.register_category_links).
        links = sections.category_links(self.request, [row.category for row in rows])
        context["linked_rows"] = [(row, links.get(row.category.pk, [])) for row in rows]
        context["gap_count"] = sum(1 for row in rows if row.is_gap)
        context["thin_count"] = sum(1 for row in rows if row.is_thin)
        return context
