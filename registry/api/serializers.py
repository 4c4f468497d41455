"""Serializers of the registry API: the wire shape of companies, categories and products.

Writes go through registry.services (company_update, product_save), never through model.save() here,
so the API keeps the same rules, history and messages as the web forms.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from registry import permissions as rules
from registry import services
from registry.bounds import validate_amount_bound
from registry.figures import FIGURES, figures_for_category
from registry.filtersets import MATCHING_PRODUCTS
from registry.models import Category, Certificate, Company, District, Product

CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email", "address")
# Business figures and verification notes the company and officials see, but not the public or competitors.
PRIVATE_FIELDS = ("revenue_cny", "status_reason")


def service_errors(exc: DjangoValidationError, nest: dict[str, str] | None = None) -> serializers.ValidationError:
    """A service's ValidationError as DRF's 400, each message under the field it names.

    `nest` moves some keys under a parent field (figure keys under "figures"), so the client can tell
    which part of its payload was refused.
    """
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    for key, parent in (nest or {}).items():
        if key in detail:
            detail.setdefault(parent, {})[key] = detail.pop(key)
    return serializers.ValidationError(detail)


class CategorySerializer(serializers.ModelSerializer):
    """A node of the supply-chain taxonomy, with its parent, children and the figures its products report."""

    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)  # null at the top
    children = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    figures = serializers.SerializerMethodField(help_text=_("Keys of the performance figures its products report."))

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "name_zh", "parent", "children", "figures"]

    def get_figures(self, category) -> list[str]:
        return list(figures_for_category(category))


class FigureSerializer(serializers.Serializer):
    """One performance figure: its key, the label and unit it is shown with, and the value in that unit."""

    key = serializers.ChoiceField(source="figure", choices=sorted(FIGURES))
    label = serializers.CharField(source="definition.label", read_only=True)
    unit = serializers.CharField(source="definition.unit", read_only=True)
    value = serializers.FloatField()


class ProductSerializer(serializers.ModelSerializer):
    """A product of a company; its figures are replaced as a whole when sent, and meets_target is computed."""

    url = serializers.HyperlinkedIdentityField(view_name="api:product-detail")
    company = serializers.PrimaryKeyRelatedField(read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    figures = FigureSerializer(
        many=True,
        required=False,
        help_text=_(
            "The product's performance figures. When sent, the list replaces all figures; "
            "leave it out to keep them."
        ),
    )

    class Meta:
        model = Product
        fields = [
            "id", "url", "company", "company_name", "category", "name", "description", "stage", "application",
            "annual_capacity", "capacity_unit", "made_in_city", "meets_target", "figures",
            "created_at", "updated_at",
        ]
        read_only_fields = ["meets_target", "created_at", "updated_at"]

    def validate_figures(self, figures):
        keys = [item["figure"] for item in figures]
        if len(keys) != len(set(keys)):
            raise serializers.ValidationError(_("Give each figure once."))
        return figures

    def _save(self, company, product, validated_data):
        figures = validated_data.pop("figures", None)
        if figures is None:
            values = product.figure_values if product is not None else {}
        else:
            values = {item["figure"]: item["value"] for item in figures}
        try:
            return services.product_save(
                by=self.context["request"].user, company=company, data=validated_data, figures=values,
                product=product,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc, nest={key: "figures" for key in FIGURES}) from exc

    def create(self, validated_data):
        return self._save(self.context["request"].user.company, None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance.company, instance, validated_data)


class ProductSummarySerializer(serializers.ModelSerializer):
    """A product as listed on its company's record; the product endpoint has the rest."""

    url = serializers.HyperlinkedIdentityField(view_name="api:product-detail")
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "url", "name", "category", "stage", "application", "meets_target"]
        read_only_fields = fields


class CertificateSerializer(serializers.ModelSerializer):
    """A valid certificate a company holds; the scanned document is served only by the web pages."""

    cert_type_display = serializers.CharField(source="get_cert_type_display", read_only=True)

    class Meta:
        model = Certificate
        fields = ["cert_type", "cert_type_display", "number", "issuer", "valid_from", "valid_until"]
        read_only_fields = fields


class MatchedFigureSerializer(serializers.Serializer):
    """A figure of a matching product: its key, label, unit, value in that unit, and the value as shown."""

    key = serializers.CharField(source="figure")
    label = serializers.CharField(source="definition.label")
    unit = serializers.CharField(source="definition.unit")
    value = serializers.FloatField()
    display = serializers.CharField(source="display_value", help_text=_("The value with its unit, as on the page."))


class MatchedProductSerializer(serializers.ModelSerializer):
    """A product of the company that satisfies the product filters, with the figures they were about."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    figures = MatchedFigureSerializer(source="matched_figures", many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "category", "stage", "application", "meets_target", "figures"]
        read_only_fields = fields


# An id no company has, to find where the id sits in a company's URL.
_URL_PROBE_ID = 918273645546372819


def _url_writer(url_field):
    """company -> its API URL: the field's own answer for a probe id, with each company's id put in its place.

    Reversing the URL for each company of a page took longer than the rest of its row. Should the probe's digits
    not appear exactly once, each URL is reversed by the field as before.
    """
    probe = url_field.to_representation(Company(pk=_URL_PROBE_ID))
    if probe is None or str(probe).count(str(_URL_PROBE_ID)) != 1:
        return url_field.to_representation
    prefix, suffix = str(probe).split(str(_URL_PROBE_ID))
    return lambda company: f"{prefix}{company.pk}{suffix}"


def _matched_product(product) -> dict:
    """MatchedProductSerializer's output for a product (CompanySerializer.list_row)."""
    return {
        "id": product.pk,
        "name": product.name,
        "category": product.category.slug,
        "stage": product.stage,
        "application": product.application,
        "meets_target": product.meets_target,
        "figures": [
            {
                "key": figure.figure,
                "label": str(figure.definition.label),
                "unit": str(figure.definition.unit),
                "value": float(figure.value),
                "display": str(figure.display_value),
            }
            for figure in product.matched_figures
        ],
    }


class CompanyListSerializer(serializers.ListSerializer):
    """The directory's list: each company written by CompanySerializer.list_row, the fields' output without
    DRF's per-field machinery (a page of 25 spent more time there than in the database)."""

    def to_representation(self, data):
        if type(self.child) is not CompanySerializer:
            return super().to_representation(data)
        iterable = data.all() if hasattr(data, "all") else data
        row = self.child.list_row_writer()
        return [row(company) for company in iterable]


class CompanySerializer(serializers.ModelSerializer):
    """A company of the registry; contacts and business figures are null for callers who may not see them."""

    url = serializers.HyperlinkedIdentityField(view_name="api:company-detail")
    categories = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Category.objects.all(), required=False
    )
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), allow_null=True, required=False
    )
    district_name = serializers.CharField(source="district.display_name", read_only=True, default=None, allow_null=True)
    local = serializers.BooleanField(
        source="is_local", read_only=True, help_text=_("Confirmed as local by an official.")
    )
    # Null in responses for callers who may not see them; on input an empty string clears them.
    contact_name = serializers.CharField(max_length=100, allow_blank=True, allow_null=True, required=False)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, allow_null=True, required=False)
    contact_email = serializers.EmailField(allow_blank=True, allow_null=True, required=False)
    address = serializers.CharField(max_length=300, allow_blank=True, allow_null=True, required=False)
    status_reason = serializers.CharField(read_only=True, allow_null=True)
    revenue_cny = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, allow_null=True, required=False,
        validators=[validate_amount_bound],
        help_text=_("Shown only to the company's own users and officials."),
    )

    matched_products = serializers.SerializerMethodField(help_text=_(
        "Why the company matched: with product filters (figures, stage, application, city target) in the "
        "query, its products that meet them, with the figures filtered on (all its figures when none is). "
        "Null without product filters."
    ))

    class Meta:
        model = Company
        fields = [
            "id", "url", "uscc", "name", "name_en", "organisation_type", "description", "categories",
            "district", "district_name", "address", "website", "contact_name", "contact_phone", "contact_email",
            "employees", "revenue_cny", "size_class", "status", "status_reason", "verified_until", "is_anchor",
            "local", "matched_products",
        ]
        read_only_fields = ["uscc", "size_class", "status", "verified_until", "is_anchor"]
        list_serializer_class = CompanyListSerializer

    @extend_schema_field(MatchedProductSerializer(many=True, allow_null=True))
    def get_matched_products(self, company):
        # Prefetched by CompanyFilterSet when the query has product filters (registry.filtersets).
        products = getattr(company, MATCHING_PRODUCTS, None)
        if products is None:
            return None
        return MatchedProductSerializer(products, many=True, context=self.context).data

    def list_row_writer(self):
        """A function writing what to_representation() returns for a company, field by field, for the list.

        Set up once a page (the URL's shape, the role's rights), then a dict a company.
        tests/registry/test_directory_fast_paths.py holds it to the fields' own output, for every role and with
        product filters: a field added to Meta.fields must be added here too (the test fails until it is).
        """
        url_field = serializers.HyperlinkedIdentityField(view_name="api:company-detail")
        url_field.bind("url", self)
        url_of = _url_writer(url_field)
        revenue_field = serializers.DecimalField(max_digits=16, decimal_places=2)
        revenue_field.bind("revenue_cny", self)
        user = self.context["request"].user
        official = rules.is_official(user)

        def row(company) -> dict:
            contacts = rules.can_see_contacts(user, company)
            private = official or rules.is_company_member(user, company)
            district = company.district
            verified_until = company.verified_until
            revenue = company.revenue_cny if private else None
            matching = getattr(company, MATCHING_PRODUCTS, None)
            return {
                "id": company.pk,
                "url": url_of(company),
                "uscc": company.uscc,
                "name": company.name,
                "name_en": company.name_en,
                "organisation_type": company.organisation_type,
                "description": company.description,
                "categories": [category.slug for category in company.categories.all()],
                "district": district.code if district is not None else None,
                "district_name": str(district.display_name) if district is not None else None,
                "address": company.address if contacts else None,
                "website": company.website,
                "contact_name": company.contact_name if contacts else None,
                "contact_phone": company.contact_phone if contacts else None,
                "contact_email": company.contact_email if contacts else None,
                "employees": company.employees,
                "revenue_cny": None if revenue is None else revenue_field.to_representation(revenue),
                "size_class": company.size_class,
                "status": company.status,
                "status_reason": company.status_reason if private else None,
                "verified_until": verified_until.isoformat() if verified_until else None,
                "is_anchor": company.is_anchor,
                "local": company.is_local,
                "matched_products": None if matching is None else [_matched_product(p) for p in matching],
            }

        return row

    def validate(self, attrs):
        for field in CONTACT_FIELDS:
            if field in attrs and attrs[field] is None:
                attrs[field] = ""
        if "revenue_cny" in attrs and attrs["revenue_cny"] is None:
            raise serializers.ValidationError({"revenue_cny": [_("Give the annual revenue.")]})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        if not rules.can_see_contacts(user, instance):
            for field in CONTACT_FIELDS:
                data[field] = None
        if not (rules.is_company_member(user, instance) or rules.is_official(user)):
            for field in PRIVATE_FIELDS:
                data[field] = None
        return data

    def update(self, instance, validated_data):
        categories = validated_data.pop("categories", None)
        try:
            return services.company_update(
                company=instance, by=self.context["request"].user, data=validated_data, categories=categories
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc


class CompanyDetailSerializer(CompanySerializer):
    """A company with its products and valid certificates."""

    products = ProductSummarySerializer(many=True, read_only=True)
    certificates = serializers.SerializerMethodField()

    class Meta(CompanySerializer.Meta):
        fields = [*CompanySerializer.Meta.fields, "products", "certificates"]

    @extend_schema_field(CertificateSerializer(many=True))
    def get_certificates(self, company):
        return CertificateSerializer(Certificate.objects.valid().filter(company=company), many=True).data
