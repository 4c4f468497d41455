"""The published directory, company pages, exports, the printable recommendation directory, the chain map."""

from django import forms
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from .. import sections, selectors
from ..exports import can_export_contacts, directory_export_response
from ..figures import FIGURES, FIGURES_BY_CATEGORY
from ..filtersets import CompanyFilterSet, clean_query
from ..models import Category, Certificate, Company, District, Product, ProductFigure
from ..permissions import can_see_contacts, can_view_company, can_view_company_documents
from ..widget_html import fast

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


class CategorySelect(forms.Select):
    """The category list: options carry the figures their products report, for the figures panel's script."""

    def __init__(self, *args, figures_by_slug=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.figures_by_slug = figures_by_slug or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-figures"] = " ".join(self.figures_by_slug.get(str(value), ()))
        return option


def category_options(tree, any_label) -> list:
    """The taxonomy as a select's choices, its tree kept without text in front of the names.

    A parent with children is a group (the browser indents its options) whose first option is the parent
    itself, "(all)"; every option starts with the category's own name, so typing its first letters finds it.
    Categories deeper than two levels stay in their top-level group, indented by the stylesheet.
    """
    choices, group = [("", any_label)], None
    has_children = {category.parent_id for category, _depth in tree}
    for category, depth in tree:
        if depth == 0:
            if category.pk in has_children:
                label = gettext("%(name)s (all)") % {"name": category.display_name}
                group = [(category.slug, label)]
                choices.append((category.display_name, group))
            else:
                group = None
                choices.append((category.slug, category.display_name))
        elif group is not None:
            group.append((category.slug, category.display_name))
    return choices


def _subtree_figures(tree) -> dict[str, tuple[str, ...]]:
    """For each category slug, the figures its products and those of every category below it report."""
    by_pk = {category.pk: category for category, _depth in tree}

    def own_figures(category) -> tuple[str, ...]:
        # registry.figures.figures_for_category, walking up through the tree already read (no query a level).
        node = category
        while node is not None:
            if node.slug in FIGURES_BY_CATEGORY:
                return FIGURES_BY_CATEGORY[node.slug]
            node = by_pk.get(node.parent_id)
        return ()

    below: dict[int, set[str]] = {category.pk: set(own_figures(category)) for category, _depth in tree}
    for category, _depth in tree:
        ancestor = category.parent_id
        while ancestor is not None and ancestor in below:
            below[ancestor] |= below[category.pk]
            ancestor = by_pk[ancestor].parent_id
    # In the order of FIGURES, the order the panel shows them in.
    return {by_pk[pk].slug: tuple(key for key in FIGURES if key in keys) for pk, keys in below.items()}


def figures_in_play(form, figures_by_slug) -> list[str]:
    """The figure keys the panel shows: the chosen category's (all when none is), plus any the query uses.

    Rendering every figure's two inputs was ~40 % of the page's time; a category's products report two
    to seven figures. A threshold typed for another figure is still shown, so it can be seen and removed.
    """
    chosen = form["category"].value() if not form["category"].errors else None
    keys = set(figures_by_slug.get(chosen, ())) if chosen else set(FIGURES)
    for key in FIGURES:
        for bound in ("min", "max"):
            name = f"{bound}_{key}"
            if form[name].value() not in (None, "") or form[name].errors:
                keys.add(key)
    return [key for key in FIGURES if key in keys]


def _prepare_form(form, tree=None):
    """Presentation of the shared filter form on the HTML page: friendlier widgets and empty labels."""
    tree = selectors.category_tree() if tree is None else tree
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
    form.fields["category"].widget = CategorySelect(
        choices=category_options(tree, any_label), figures_by_slug=_subtree_figures(tree)
    )
    form.fields["size"].widget = forms.CheckboxSelectMultiple(choices=form.fields["size"].choices)
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].help_text = _("Company name, description, product name or USCC.")
    for name in ("q", "sort"):
        form.fields[name].widget.attrs["form"] = FILTER_FORM_ID
    for field in form.fields.values():
        fast(field.widget)  # the same HTML as Django's widget templates, written out in Python
    return form


def figure_panel(form, tree) -> list[dict]:
    """The figures panel's groups: each figure in play with its two inputs, bound and unit.

    The inputs are written by the template itself (a text box, as GOV.UK advises: type=number drops what
    it cannot parse and some browsers refuse "1e-2", the way conductivities are written), not through
    Django's widget templates, which cost more than the rest of the page.
    """
    figures_by_slug = _subtree_figures(tree)
    users: dict[str, list[str]] = {key: [] for key in FIGURES}
    for slug, keys in figures_by_slug.items():
        for key in keys:
            users[key].append(slug)
    groups = []
    for key in figures_in_play(form, figures_by_slug):
        figure = FIGURES[key]
        groups.append({
            "key": key,
            "figure": figure,
            "categories": " ".join(users[key]),
            "bounds": [(gettext("at least"), form[f"min_{key}"]), (gettext("at most"), form[f"max_{key}"])],
        })
    return groups


class DirectoryView(TemplateView):
    """The published directory: search, filter panel, removable chips, sortable, paginated results."""

    template_name = "registry/directory_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = directory_filterset(self.request)
        tree = selectors.category_tree()
        form = _prepare_form(filterset.form, tree)
        valid = filterset.is_valid()
        companies = filterset.qs if valid else Company.objects.none()
        page = selectors.DirectoryPaginator(selectors.directory_results(companies), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        query = clean_query(self.request.GET, CompanyFilterSet)
        figure_names = {f"{bound}_{key}" for key in FIGURES for bound in ("min", "max")}
        figure_groups = figure_panel(form, tree)
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
            figure_groups=figure_groups,
            all_figures_shown=len(figure_groups) == len(FIGURES),
            # Open when thresholds are set, or when the chosen category has a few figures worth showing.
            figures_open=any(form[name].errors or form[name].value() for name in figure_names)
            or bool(figure_groups and form["category"].value() and len(figure_groups) < len(FIGURES)),
            filters_applied=bool(query),
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
        return directory_export_response(
            filterset.qs, self.file_format, timezone.localdate(),
            contacts=can_export_contacts(request.user), matching=filterset.product_condition(),
        )


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


GROUPS_MARKER = "@@recommendation-directory-groups@@"


class RecommendationDirectoryView(View):
    """The printable procurement recommendation directory: every published company, grouped by category.

    At city scale the page is megabytes: it is streamed. The page around the groups (header, contents with
    each group's count) is rendered first and its top sent at once; then each top-level category is read
    (three queries) and rendered in turn.
    """

    template_name = "registry/directory_print.html"
    group_template_name = "registry/_directory_print_group.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        groups = selectors.recommendation_directory_outline(today)
        page = render_to_string(self.template_name, {
            "groups": groups,
            "generated_on": today,
            "company_count": Company.objects.published(today).count(),
            "groups_marker": GROUPS_MARKER,
        }, request)
        top, bottom = page.split(GROUPS_MARKER)
        return StreamingHttpResponse(
            self._stream(top, groups, bottom, today, translation.get_language()),
            content_type="text/html; charset=utf-8",
        )

    def _stream(self, top, groups, bottom, today, language):
        yield top
        # The response is sent after the view returns: keep the request's language for the groups.
        with translation.override(language):
            template = get_template(self.group_template_name)
            detail = reverse("registry:company_detail", args=[0])
            detail_prefix = detail[: -len("0/")]
            districts = {d.pk: d.display_name for d in District.objects.all()}
            for group in groups:
                group = selectors.recommendation_directory_fill(group, today, districts)
                yield template.render({"group": group, "detail_prefix": detail_prefix})
        yield bottom


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
