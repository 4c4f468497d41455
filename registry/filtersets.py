"""Directory filters, defined once: the HTML directory, its exports and the API all use these FilterSets.

Conditions about products (stage, meets city target, figure thresholds) are combined on the *same*
product: "a mass-production sulfide electrolyte above 1e-2 S/cm", not three different products of one
company that each satisfy one condition.
"""

import django_filters
from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .figures import FIGURES
from .models import Category, Certificate, Company, District, LandRequest, Product, ProductFigure, ProductionBase

# Query-string spellings of yes and no. Django's NullBooleanSelect reads anything else as "not given",
# which would silently drop a filter the person asked for; we refuse it with a message instead.
_YES = {"true", "1", "yes", "on"}
_NO = {"false", "0", "no", "off"}
_UNSET = {"", "unknown"}  # what NullBooleanSelect's empty option sends

# Each search word adds a subquery: a few hundred make SQLite refuse the query and PostgreSQL take seconds.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_LENGTH = 200
# Ids are 64-bit integers; a larger number overflows SQLite's driver instead of matching nothing.
MAX_ID = 2**63 - 1


class YesNoSelect(forms.NullBooleanSelect):
    """NullBooleanSelect that passes an unreadable word on to the field, which refuses it."""

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        word = "" if raw is None else str(raw).strip().lower()
        if word in _UNSET:
            return None
        if word in _YES:
            return True
        if word in _NO:
            return False
        return raw


class YesNoField(forms.NullBooleanField):
    widget = YesNoSelect

    def to_python(self, value):
        if value in (True, False, None):
            return value
        raise ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        pass


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses values it cannot read (400 in the API, a message in the page)."""

    field_class = YesNoField


class IdFilter(django_filters.NumberFilter):
    """A record id: a positive whole number within the database's integer range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


# What every list accepts besides its filters: pagination, DRF's output format, ordering, the language.
LIST_PARAMETERS = frozenset({"page", "page_size", "format", "ordering", "language"})


class UnknownParameters(BadRequest):
    """A list was asked for with query parameters it does not know (a misspelt filter would else do nothing)."""

    def __init__(self, names):
        self.names = list(names)
        super().__init__(self.message)

    @property
    def message(self):
        return ngettext(
            "Unknown query parameter: %(names)s.", "Unknown query parameters: %(names)s.", len(self.names)
        ) % {"names": ", ".join(f"“{name}”" for name in self.names)}


def refuse_unknown_parameters(query_dict, filterset_class=None, *, allowed=()) -> None:
    """Raise UnknownParameters (a 400 naming them) for each parameter that is neither a filter nor allowed.

    A misspelt `min_ionic_conductivty` must not quietly return the unfiltered list. Every HTML list reaches
    this through clean_query(); the API through registry.api.views.FilterBackend.
    """
    known = LIST_PARAMETERS | set(allowed)
    if filterset_class is not None:
        known |= set(filterset_class.base_filters)
    unknown = sorted(name for name in query_dict.keys() if name not in known)
    if unknown:
        raise UnknownParameters(unknown)


def clean_query(query_dict, filterset_class, *, without=()):
    """The query string of a filtered list minus empty values, the page number and `without`.

    Empty parameters (a form sent without JavaScript, a hand-edited link) mean "no filter", and so does the
    "unknown" that a yes/no select's "Any" option sends: the HTML lists use this for their links and chips.
    A parameter the list does not know is refused (UnknownParameters: a 400 page naming it).
    """
    refuse_unknown_parameters(query_dict, filterset_class)
    yes_no = {
        name for name, flt in filterset_class.base_filters.items() if isinstance(flt, django_filters.BooleanFilter)
    }
    clean = query_dict.copy()
    for key in list(clean.keys()):
        values = [v for v in clean.getlist(key) if v != "" and not (v == "unknown" and key in yes_no)]
        if key == "page" or key in without or not values:
            del clean[key]
        else:
            clean.setlist(key, values)
    return clean


def validate_search(value: str) -> None:
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search for at most %(words)d words."), params={"words": SEARCH_MAX_WORDS}, code="too_many_words"
        )


def search_filter():
    return django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=SEARCH_MAX_LENGTH, validators=[validate_search]
    )


PRODUCT_LEVEL_FILTERS = {"stage", "meets_target", "application"} | {
    f"{bound}_{key}" for key in FIGURES for bound in ("min", "max")
}


def _figure_filters():
    filters = {}
    for key, figure in FIGURES.items():
        for bound, word in (("min", _("at least")), ("max", _("at most"))):
            filters[f"{bound}_{key}"] = django_filters.NumberFilter(
                label=format_lazy(_("{label} {bound} ({unit})"), label=figure.label, bound=word, unit=figure.unit),
                method="filter_nothing",
            )
    return filters


def product_condition(data: dict) -> Q | None:
    """One Q over Product for every product-level condition present in cleaned filter data."""
    condition = Q()
    used = False
    if data.get("stage"):
        condition &= Q(stage=data["stage"])
        used = True
    if data.get("application"):
        condition &= Q(application=data["application"])
        used = True
    if data.get("meets_target") is not None:
        condition &= Q(meets_target=data["meets_target"])
        used = True
    for key in FIGURES:
        for bound, lookup in (("min", "gte"), ("max", "lte")):
            value = data.get(f"{bound}_{key}")
            if value is not None:
                condition &= Exists(
                    ProductFigure.objects.filter(
                        product=OuterRef("pk"), figure=key, **{f"value__{lookup}": float(value)}
                    )
                )
                used = True
    return condition if used else None


# Trigram indexes (registry/migrations/0006_directory_text_search_index.py) hold sequences of three characters:
# a shorter word has no trigram to look up, so it is answered by scanning, as before.
INDEXED_TERM_MIN_LENGTH = 3


def _fts_phrase(term: str) -> str:
    """An FTS5 query for the term as one phrase: with the trigram tokenizer, the term as a substring."""
    return '"' + term.replace('"', '""') + '"'


def _fts_rowids(table: str, term: str) -> RawSQL:
    # Candidates only: FTS5 folds case beyond ASCII where SQLite's LIKE does not, so callers keep the
    # icontains test beside it and both databases return exactly the rows the plain LIKE would.
    return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [_fts_phrase(term)])  # noqa: S611


def company_text_match(term: str, using: str = "default") -> Q:
    """Q over Company: the term is in the name, English name, description or a product's name, or is the USCC.

    Written as two `pk IN (…)` sets so that each is answered from its own indexes: PostgreSQL's trigram GIN
    indexes on the very expressions icontains compares, SQLite's FTS5 trigram tables (words of three
    characters or more). Short words fall back to the plain LIKE scan, which finds them correctly.
    """
    in_text = Q(name__icontains=term) | Q(name_en__icontains=term) | Q(description__icontains=term)
    in_product = Q(name__icontains=term)
    indexed = len(term) >= INDEXED_TERM_MIN_LENGTH
    if indexed and connections[using].vendor == "sqlite":
        in_text &= Q(pk__in=_fts_rowids("registry_company_search", term))
        in_product &= Q(pk__in=_fts_rowids("registry_product_search", term))
    # USCCs are stored upper-case (registry.identifiers): the equality uses the unique index, iexact keeps
    # the comparison the same as before for any input.
    is_uscc = Q(uscc=term.upper(), uscc__iexact=term) if indexed else Q(uscc__iexact=term)
    companies = Company.objects.filter(in_text | is_uscc).values("pk")
    products = Product.objects.filter(in_product).values("company_id")
    return Q(pk__in=companies) | Q(pk__in=products)


MATCHING_PRODUCTS = "matching_products"


def matching_products_prefetch(condition: Q, figure_keys=()) -> Prefetch:
    """Prefetch, as `company.matching_products`, the products meeting `condition`, each with `matched_figures`.

    `matched_figures` are the figures a threshold was set for, or all the product's figures when the
    conditions are about stage, application or the city target only.
    """
    figures = ProductFigure.objects.all()
    if figure_keys:
        figures = figures.filter(figure__in=list(figure_keys))
    products = (
        Product.objects.filter(condition)
        .select_related("category")
        .prefetch_related(Prefetch("figures", queryset=figures.order_by("figure", "pk"), to_attr="matched_figures"))
        .order_by("name", "pk")
    )
    return Prefetch("products", queryset=products, to_attr=MATCHING_PRODUCTS)


class CategoryChoiceFilter(django_filters.ModelChoiceFilter):
    """A category by slug; a parent category includes all its children."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Category.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class CompanyFilterSet(django_filters.FilterSet):
    q = search_filter()
    category = CategoryChoiceFilter(label=_("Category"), method="filter_category")
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), to_field_name="code"
    )
    local = YesNoFilter(label=_("Local suppliers only"), method="filter_local")
    # A column of the company itself cannot repeat a company: no DISTINCT (django-filter's default for this
    # filter), which would sort whole rows twice (count, page) and keep the page off DirectoryPaginator's one query.
    size = django_filters.MultipleChoiceFilter(
        label=_("Size class"), field_name="size_class", choices=Company.SizeClass.choices, distinct=False
    )
    anchor = YesNoFilter(label=_("Anchor firms"), field_name="is_anchor")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Company.Status.choices)
    certificate = django_filters.ChoiceFilter(
        label=_("Holds a valid certificate"), choices=Certificate.Type.choices, method="filter_certificate"
    )
    stage = django_filters.ChoiceFilter(
        label=_("Production stage"), choices=Product.Stage.choices, method="filter_nothing"
    )
    application = django_filters.ChoiceFilter(
        label=_("Application"), choices=Product.Application.choices[1:], method="filter_nothing"
    )
    meets_target = YesNoFilter(label=_("Meets city target"), method="filter_nothing")
    locals().update(_figure_filters())
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"), ("verified_at", "verified"), ("employees", "employees"), ("created_at", "registered")
        ),
        field_labels={"name": _("Name"), "verified_at": _("Verification date"), "employees": _("Employees"),
                      "created_at": _("Registration date"),
                      # django-filter would build these at import time, in English, from an untranslated format.
                      "-name": _("Name (descending)"), "-verified": _("Verification date (descending)"),
                      "-employees": _("Employees (descending)"), "-registered": _("Registration date (descending)")},
    )

    class Meta:
        model = Company
        fields = []

    def get_form_class(self):
        # The form class is the same for every request (its fields come from the class's filters): built once,
        # not ~40 fields a request. Each form instance still gets its own copies of the fields (Form.__init__).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_search(self, queryset, name, value):
        # Substrings (icontains) rather than PostgreSQL full-text search: names and descriptions are often
        # Chinese, which PostgreSQL's default parsers do not split into words. Every word must match.
        for term in value.split():
            queryset = queryset.filter(company_text_match(term, queryset.db))
        return queryset

    def filter_category(self, queryset, name, value):
        # `pk IN (listed) OR pk IN (with a product there)`: each subquery runs once, from its index, into a
        # hashed set. The same test written as two correlated EXISTS made PostgreSQL plan a lookup per company,
        # costed at city scale above jit_above_cost, so every category search paid ~100 ms of JIT compilation.
        ids = value.descendant_ids()
        listed = Company.categories.through.objects.filter(category_id__in=ids).values("company_id")
        in_products = Product.objects.filter(category_id__in=ids).values("company_id")
        return queryset.filter(Q(pk__in=listed) | Q(pk__in=in_products))

    def filter_local(self, queryset, name, value):
        return queryset.filter(locality_confirmed=True) if value else queryset.exclude(locality_confirmed=True)

    def filter_certificate(self, queryset, name, value):
        today = timezone.localdate()
        valid = Certificate.objects.filter(
            company=OuterRef("pk"), cert_type=value, valid_from__lte=today, valid_until__gte=today
        )
        return queryset.filter(Exists(valid))

    def filter_nothing(self, queryset, name, value):
        # Product-level filters are applied together in filter_queryset().
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        condition = product_condition(self.form.cleaned_data)
        if condition is not None:
            queryset = queryset.filter(Exists(Product.objects.filter(condition, company=OuterRef("pk"))))
            # Why each company matched: the products that satisfy the conditions, with their figures (two
            # queries per page, whatever its length). A prefetch changes neither the rows nor their order.
            queryset = queryset.prefetch_related(matching_products_prefetch(condition, self.filtered_figures()))
        # Sorting by a column with ties (employees, dates) needs a tie-breaker, or pages overlap.
        ordering = list(queryset.query.order_by) or ["name"]
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("pk")
        return queryset.order_by(*ordering)

    def product_condition(self) -> Q | None:
        """The product filters in use as one Q over Product (None without any, or while the form is invalid)."""
        if not self.is_bound or not self.form.is_valid():
            return None
        return product_condition(self.form.cleaned_data)

    def filtered_figures(self) -> list[str]:
        """The keys of the figures a threshold is set for, in the order of registry.figures.FIGURES."""
        if not self.is_bound or not self.form.is_valid():
            return []
        data = self.form.cleaned_data
        return [key for key in FIGURES if data.get(f"min_{key}") is not None or data.get(f"max_{key}") is not None]

    def active_filters(self):
        """(parameter, label, shown value) for each filter in use: the removable chips of the HTML list."""
        chips = []
        if not self.is_bound or not self.form.is_valid():
            return chips
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name == "sort":
                continue
            field = self.form.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(value, list | tuple):
                shown = dict(field.choices).get(value, value)
            elif isinstance(value, list | tuple):
                choices = dict(getattr(field, "choices", []))
                shown = ", ".join(str(choices.get(v, v)) for v in value)
            elif isinstance(value, bool):
                shown = _("yes") if value else _("no")
            else:
                shown = value
            chips.append((name, field.label, shown))
        return chips


class ProductFilterSet(django_filters.FilterSet):
    q = search_filter()
    category = CategoryChoiceFilter(label=_("Category"), method="filter_category")
    company = IdFilter(label=_("Company id"), field_name="company_id")
    stage = django_filters.ChoiceFilter(label=_("Production stage"), choices=Product.Stage.choices)
    application = django_filters.ChoiceFilter(label=_("Application"), choices=Product.Application.choices[1:])
    meets_target = YesNoFilter(label=_("Meets city target"))
    made_in_city = YesNoFilter(label=_("Made in the city"))
    locals().update(_figure_filters())

    class Meta:
        model = Product
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(name__icontains=term) | Q(description__icontains=term))
        return queryset

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=value.descendant_ids())

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = {k: v for k, v in self.form.cleaned_data.items() if k.startswith(("min_", "max_"))}
        condition = product_condition(data)
        return queryset.filter(condition) if condition is not None else queryset


# --- production bases and industrial land requests (registry.production_bases) ------------------------------

class ProductionBaseFilterSet(django_filters.FilterSet):
    """Stage and whether the base makes solid-state batteries."""

    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=ProductionBase.Stage.choices)
    solid_state = YesNoFilter(label=_("Solid-state battery production base"), field_name="is_solid_state")

    class Meta:
        model = ProductionBase
        fields = []


class LandRequestFilterSet(django_filters.FilterSet):
    """Status, the base (id), and whether its base makes solid-state batteries; the order stays the priority."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=LandRequest.Status.choices)
    base = IdFilter(label=_("Production base (id)"), field_name="base_id")
    solid_state = YesNoFilter(label=_("Solid-state battery production base"), field_name="base__is_solid_state")

    class Meta:
        model = LandRequest
        fields = []
