"""API viewsets of the registry: the directory's companies, the taxonomy and products.

Filters come from registry.filtersets (the same FilterSets as the HTML directory), who sees what from
registry.permissions, and writes go through registry.services.
"""


import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from config.lockout import lockout_response
from registry import directory_cache, services
from registry import permissions as rules
from registry.filtersets import (
    CompanyFilterSet,
    IdFilter,
    ProductFilterSet,
    UnknownParameters,
    refuse_unknown_parameters,
)
from registry.models import Category, Product
from registry.selectors import directory_reads

from .pagination import DirectoryPagination, TreePagination
from .permissions import CompanyPermission, ProductPermission
from .serializers import CategorySerializer, CompanyDetailSerializer, CompanySerializer, ProductSerializer
from .throttling import SignedInUserRateThrottle


class FilterBackend(DjangoFilterBackend):
    """The shared FilterSets' backend; its own class so the schema extension below documents our filters.

    A list refuses query parameters it does not know: 400 naming each (registry.filtersets).
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") == "list" and request.method in ("GET", "HEAD"):
            paginator = getattr(view, "paginator", None)
            allowed = {getattr(paginator, "page_query_param", "page"), getattr(paginator, "page_size_query_param", "")}
            filterset_class = self.get_filterset_class(view, queryset)
            try:
                refuse_unknown_parameters(request.query_params, filterset_class, allowed=allowed)
            except UnknownParameters as error:
                raise ValidationError({name: [_("Unknown query parameter.")] for name in error.names}) from None
        return super().filter_queryset(request, queryset, view)


class FilterBackendSchema(DjangoFilterExtension):
    """Documents our filter parameters: categories and districts by slug or code, ids as integers."""

    target_class = FilterBackend
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, django_filters.ModelChoiceFilter) and filter_field.extra.get("to_field_name"):
            kind = OpenApiTypes.STR
        elif isinstance(filter_field, IdFilter):
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

    filter_backends = [FilterBackend]
    filterset_class = CompanyFilterSet
    pagination_class = DirectoryPagination
    permission_classes = [CompanyPermission]
    # The settings' two throttles, the user one for signed-in callers only (registry.api.throttling).
    throttle_classes = [AnonRateThrottle, SignedInUserRateThrottle]
    # Sign-up and verification are web and admin flows; the API only reads and edits profiles.
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        queryset = _visible_companies(self.request).select_related("district").prefetch_related("categories")
        if self.action != "list":
            queryset = queryset.prefetch_related("products__category")
        if self.action in ("list", "retrieve"):
            queryset = directory_reads(queryset, self.request.user)
        return queryset

    def get_serializer_class(self):
        return CompanySerializer if self.action == "list" else CompanyDetailSerializer

    def list(self, request, *args, **kwargs):
        # An anonymous page asked before, unchanged since: from the cache (registry.directory_cache says when).
        key = directory_cache.api_list_key(request)
        if key is None:
            return super().list(request, *args, **kwargs)
        with directory_cache.filling(key) as data:
            if data is not None:
                return Response(data)
            response = super().list(request, *args, **kwargs)
            if response.status_code == 200:
                directory_cache.store(key, response.data)
            return response


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
    filter_backends = [FilterBackend]  # no filters: only refuses unknown parameters


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
    filter_backends = [FilterBackend]
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

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes flags DRF's request, which its middleware never sees: answer the lockout here.
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise

