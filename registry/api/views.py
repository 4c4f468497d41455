"""API viewsets of the registry: the directory's companies, the taxonomy and products.

Filters come from registry.filtersets (the same FilterSets as the HTML directory), who sees what from
registry.permissions, and writes go through registry.services.
"""

import re

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.throttling import ScopedRateThrottle

from registry import permissions as rules
from registry import services
from registry.filtersets import CompanyFilterSet, ProductFilterSet
from registry.models import Category, Product

from .pagination import TreePagination
from .permissions import CompanyPermission, ProductPermission
from .serializers import CategorySerializer, CompanyDetailSerializer, CompanySerializer, ProductSerializer

# Query-string spellings of yes and no. Django's NullBooleanField reads anything else as "not given",
# which would silently drop a filter the caller asked for; the API refuses it instead.
_BOOLEAN_WORDS = {"true": "true", "1": "true", "yes": "true", "false": "false", "0": "false", "no": "false"}


# Each search word adds a subquery: a few hundred make SQLite refuse the query and PostgreSQL take seconds.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_LENGTH = 200


# Ids are 64-bit integers; a larger number overflows SQLite's driver instead of matching nothing.
_ID = re.compile(r"[0-9]{1,19}\Z")
_MAX_ID = 2**63 - 1


def _is_id_filter(filterset_class, declared) -> bool:
    """Whether a number filter compares an integer column (a company id), not a measured figure."""
    if declared.method is not None:
        return False
    try:
        field = filterset_class._meta.model._meta.get_field(declared.field_name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey)


class StrictFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that also refuses unreadable yes/no values and overlong searches (400 naming them)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        data = kwargs["data"].copy()
        errors = {}
        for name, declared in filterset_class.base_filters.items():
            if name not in data:
                continue
            if isinstance(declared, django_filters.BooleanFilter):
                words = []
                for raw in data.getlist(name):
                    raw = raw.strip().lower()
                    if raw and raw not in _BOOLEAN_WORDS:
                        errors[name] = [_("Use true or false.")]
                    words.append(_BOOLEAN_WORDS.get(raw, ""))
                data.setlist(name, words)
            elif isinstance(declared, django_filters.NumberFilter) and _is_id_filter(filterset_class, declared):
                raw = data.get(name, "").strip()
                if raw and not (_ID.match(raw) and int(raw) <= _MAX_ID):
                    errors[name] = [_("Enter a record id: a whole number.")]
            elif isinstance(declared, django_filters.CharFilter):
                text = data.get(name, "")
                if len(text) > SEARCH_MAX_LENGTH or len(text.split()) > SEARCH_MAX_WORDS:
                    errors[name] = [
                        _("Search for at most %(words)d words and %(chars)d characters.")
                        % {"words": SEARCH_MAX_WORDS, "chars": SEARCH_MAX_LENGTH}
                    ]
        if errors:
            raise ValidationError(errors)
        kwargs["data"] = data
        return kwargs


class StrictFilterBackendSchema(DjangoFilterExtension):
    """Documents StrictFilterBackend's parameters: categories and districts by slug or code, ids as integers."""

    target_class = StrictFilterBackend
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, django_filters.ModelChoiceFilter) and filter_field.extra.get("to_field_name"):
            kind = OpenApiTypes.STR
        elif isinstance(filter_field, django_filters.NumberFilter) and _is_id_filter(filterset_class, filter_field):
            kind = OpenApiTypes.INT
        else:
            return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        return [
            build_parameter_type(
                name=field_name,
                required=False,
                location=OpenApiParameter.QUERY,
                description=self._get_field_description(filter_field, None),
                schema=build_basic_type(kind),
            )
        ]


def _visible_companies(request):
    # Anonymous callers get the published directory; visible_companies() gives exactly that for them.
    return rules.visible_companies(request.user)


@extend_schema_view(
    list=extend_schema(summary=_("List companies"), description=_(
        "Anonymous callers see the published directory; signed-in callers also see what their role "
        "allows (a company its own record, officials every company). Contacts are null unless the "
        "caller may see them."
    )),
    retrieve=extend_schema(summary=_("A company, with its products and valid certificates")),
    partial_update=extend_schema(summary=_("Change your own company's profile"), description=_(
        "Only the company's own users. USCC, status, anchor designation and locality are set by officials."
    )),
)
class CompanyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Companies of the registry: the directory list, a company's record, and its users' profile edits."""

    filter_backends = [StrictFilterBackend]
    filterset_class = CompanyFilterSet
    permission_classes = [CompanyPermission]
    # Sign-up and verification are web and admin flows; the API only reads and edits profiles.
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        queryset = _visible_companies(self.request).select_related("district").prefetch_related("categories")
        if self.action != "list":
            queryset = queryset.prefetch_related("products__category")
        return queryset

    def get_serializer_class(self):
        return CompanySerializer if self.action == "list" else CompanyDetailSerializer

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Sorting by a column with ties (employees, dates) needs a tie-breaker, or pages overlap.
        ordering = list(queryset.query.order_by)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            queryset = queryset.order_by(*ordering, "pk")
        return queryset


@extend_schema_view(
    list=extend_schema(summary=_("The supply-chain taxonomy")),
    retrieve=extend_schema(summary=_("A category")),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The category tree, read-only (officials edit it in the admin); one page holds all of it."""

    queryset = Category.objects.select_related("parent").prefetch_related("children").order_by(
        "position", "name", "pk"
    )
    serializer_class = CategorySerializer
    pagination_class = TreePagination
    filter_backends = []


@extend_schema_view(
    list=extend_schema(summary=_("List products"), description=_(
        "Products of the companies the caller can see (the published directory for anonymous callers)."
    )),
    retrieve=extend_schema(summary=_("A product")),
    create=extend_schema(summary=_("Add a product to your own company")),
    partial_update=extend_schema(summary=_("Change one of your company's products")),
    destroy=extend_schema(summary=_("Delete one of your company's products")),
)
class ProductViewSet(viewsets.ModelViewSet):
    """Products of visible companies; a company's own users add, change and delete its products."""

    serializer_class = ProductSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ProductFilterSet
    permission_classes = [ProductPermission]
    # PATCH only: a PUT that left out the figures would look like "keep them", which surprises.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Product.objects.filter(company__in=_visible_companies(self.request))
            .select_related("company", "category")
            .prefetch_related("figures")
            .order_by("company__name", "name", "pk")
        )

    def perform_destroy(self, instance):
        services.product_delete(by=self.request.user, product=instance)


@extend_schema(
    summary=_("Get an API token"),
    description=_("Exchange a username and password for the token to send as `Authorization: Token <key>`."),
    responses=inline_serializer("AuthTokenResponse", {"token": serializers.CharField()}),
)
class TokenView(ObtainAuthToken):
    """Username and password in, API token out; throttled because it accepts passwords."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

