"""Reads that join or aggregate for the directory pages: annotated result lists, export rows,
the recommendation directory grouped by category, and the chain map's counts per category."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Category, Certificate, Company, District, Product, ProductFigure


def _count_per_company(queryset):
    """A correlated COUNT subquery: counting in a subquery keeps joins from multiplying each other."""
    counted = queryset.filter(company=OuterRef("pk")).order_by().values("company").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def stable_order(queryset):
    """The queryset's ordering with the primary key last, so pages never overlap on ties (same size, same date)."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if "pk" not in ordering and "-pk" not in ordering:
        ordering.append("pk")
    return queryset.order_by(*ordering)


def directory_reads(queryset, user=None):
    """The queryset read from the replica (DATABASE_REPLICA_URL), when there is one, for the public directory.

    Only the directory's reads come here: its list (the same for everyone) without a user; a company's page and
    the API with the reader, and then a signed-in one reads the primary: they may just have changed their
    company, and replication lag must never show them the old record. Writes never pass here.
    """
    if "replica" in settings.DATABASES and (user is None or not user.is_authenticated):
        return queryset.using("replica")
    return queryset


def directory_results(queryset):
    """Companies ready for the directory's result list: district joined, categories and products prefetched.

    Read a page of it through DirectoryPaginator, which fetches only that page's rows; each company's product
    counts are then worked out from its prefetched products (with_listed_categories), not by a correlated
    COUNT per row, which the database evaluated for every matching company before sorting.
    """
    queryset = directory_reads(queryset).select_related("district")
    return stable_order(queryset).prefetch_related(
        Prefetch("categories", queryset=Category.objects.select_related("parent")),
        Prefetch("products", queryset=Product.objects.select_related("category__parent").order_by("name", "pk")),
    )


# OFFSET beyond this overflows the database driver's 64-bit integer; such a page is empty anyway.
_MAX_OFFSET = 2**62


def page_ids(queryset, offset: int, limit: int) -> tuple[list[int], int | None]:
    """The ids of one page of the queryset, in its order, and the total count, in ONE statement.

    `COUNT(*) OVER ()` is computed over every matching row before LIMIT, so the page and the total come from
    one pass over the filters (search, category, figures) instead of two, and the sort handles ids, not whole
    rows. The total is None when the page is empty (no row to carry it).
    """
    if offset >= _MAX_OFFSET:
        return [], None
    # Instances with only the id (not values_list(), whose ORDER BY would name the id by its position).
    rows = list(
        queryset.prefetch_related(None)
        .select_related(None)
        .annotate(directory_total=Window(Count("pk")))
        .only("pk")[offset : offset + limit]
    )
    return [row.pk for row in rows], (rows[0].directory_total if rows else None)


def rows_by_ids(queryset, ids: list[int]) -> list:
    """The queryset's model rows with these ids, in the ids' order, with its select_related and prefetches.

    Read by primary key, without the queryset's filters: they were applied when the ids were chosen.
    """
    if not ids:
        return []
    rows = queryset.model._default_manager.db_manager(queryset.db).filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


class DirectoryPaginator(Paginator):
    """A paginator that reads a page in two short queries: its ids with the total, then its rows by id.

    Django's paginator counts (one pass over the filters) and then reads the page (a second pass, sorting whole
    rows). Here the total comes with the ids (page_ids); only an empty page (past the end) counts separately,
    to tell "no such page" from "no results". Pages, errors and counts are the same as Django's paginator.
    Querysets with DISTINCT are paginated the usual way (a window counts rows before DISTINCT removes any).
    """

    def page(self, number):
        if getattr(self.object_list.query, "distinct", False) or self.orphans:
            return super().page(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        ids, total = page_ids(self.object_list, (number - 1) * self.per_page, self.per_page)
        if total is not None:
            self.__dict__["count"] = total  # Paginator.count is a cached_property: this is its value
        number = self.validate_number(number)  # counts only when the page came back empty
        return self._get_page(rows_by_ids(self.object_list, ids), number, self)

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


def _tree_key(category: Category):
    parent = category.parent
    if parent is None:
        return (category.position, category.name, 0, 0, "")
    return (parent.position, parent.name, 1, category.position, category.name)


def listed_categories(company: Company) -> list[Category]:
    """The categories a company is in: those it lists and those of its products, in tree order.

    Reads prefetched `categories` and `products` (with `category__parent`) so a page costs no extra query.
    """
    found = {c.pk: c for c in company.categories.all()}
    for product in company.products.all():
        found.setdefault(product.category_id, product.category)
    return sorted(found.values(), key=_tree_key)


def with_listed_categories(companies):
    """The companies as a list, each with `listed_categories`, `product_count` and `target_count` set for the
    templates, from the prefetched categories and products (directory_results)."""
    companies = list(companies)
    for company in companies:
        company.listed_categories = listed_categories(company)
        products = company.products.all()
        company.product_count = len(products)
        company.target_count = sum(1 for product in products if product.meets_target)
    return companies


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


EXPORT_CHUNK = 1000
CONTACT_EXPORT_FIELDS = ("contact_name", "contact_phone", "contact_email", "address")


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def directory_export_rows(queryset, today=None, *, contacts=False, matching=None, chunk_size=EXPORT_CHUNK):
    """One plain row per product of each company of the queryset (all of it, not one page), keyed by column.

    A company without products has one row with the product columns empty. Company columns repeat on each
    of its products' rows; `contacts` adds the contact columns; `matching` (a Q over Product: the product
    filters in use) adds whether each product meets them. A generator over chunks of `chunk_size` companies,
    read with iterator(): the first rows are ready after the first chunk, memory stays flat, and each chunk
    costs five queries whatever its companies hold.
    """
    today = today or timezone.localdate()
    fields = [
        "pk", "uscc", "name", "name_en", "district_id", "locality_confirmed", "size_class", "is_anchor",
        "website", "verified_until", "product_count", "target_count",
    ]
    if contacts:
        fields += CONTACT_EXPORT_FIELDS
    companies = (
        stable_order(queryset.prefetch_related(None))
        .annotate(
            product_count=_count_per_company(Product.objects.all()),
            target_count=_count_per_company(Product.objects.filter(meets_target=True)),
        )
        .values(*fields)
        .iterator(chunk_size=chunk_size)
    )
    categories = {c.pk: c for c in Category.objects.select_related("parent")}
    tree_position = {c.pk: _tree_key(c) for c in categories.values()}
    districts = {d.pk: d.display_name for d in District.objects.all()}
    # Labels translated once, not once a row (gettext on every cell was a third of the time at city scale).
    sizes = {key: str(label) for key, label in Company.SizeClass.choices}
    cert_types = {key: str(label) for key, label in Certificate.Type.choices}
    stages = {key: str(label) for key, label in Product.Stage.choices}
    applications = {key: str(label) for key, label in Product.Application.choices if key}
    units = {key: str(label) for key, label in Product.CapacityUnit.choices}
    yes, no = _yes_no(True), _yes_no(False)
    for chunk in _chunks(companies, chunk_size):
        ids = [c["pk"] for c in chunk]
        listed: dict[int, set[int]] = {}
        for company_id, category_id in Company.categories.through.objects.filter(company_id__in=ids).values_list(
            "company_id", "category_id"
        ):
            listed.setdefault(company_id, set()).add(category_id)
        products: dict[int, list[dict]] = {}
        for product in (
            Product.objects.filter(company_id__in=ids).order_by("company_id", "name", "pk")
            .values("pk", "company_id", "name", "category_id", "stage", "application", "annual_capacity",
                    "capacity_unit", "made_in_city", "meets_target")
        ):
            products.setdefault(product["company_id"], []).append(product)
            listed.setdefault(product["company_id"], set()).add(product["category_id"])
        figures: dict[int, dict[str, float]] = {}
        for product_id, key, value in ProductFigure.objects.filter(product__company_id__in=ids).values_list(
            "product_id", "figure", "value"
        ):
            # Figures are stored as floats: 16000.0 cycles reads better, and sorts the same, as 16000.
            figures.setdefault(product_id, {})[key] = int(value) if value.is_integer() and abs(value) < 2**53 else value
        matched = set()
        if matching is not None:
            matched = set(Product.objects.filter(matching, company_id__in=ids).values_list("pk", flat=True))
        certificates: dict[int, list[str]] = {}
        for company_id, cert_type in (
            Certificate.objects.valid(today).filter(company_id__in=ids).order_by("cert_type", "pk")
            .values_list("company_id", "cert_type")
        ):
            certificates.setdefault(company_id, []).append(cert_types.get(cert_type, cert_type))
        for company in chunk:
            in_categories = sorted(listed.get(company["pk"], ()), key=tree_position.__getitem__)
            row = {
                "uscc": company["uscc"],
                "name": company["name"],
                "name_en": company["name_en"],
                "district": districts.get(company["district_id"], ""),
                "local": yes if company["locality_confirmed"] is True else no,
                "size_class": sizes.get(company["size_class"], company["size_class"]),
                "anchor": yes if company["is_anchor"] else no,
                "categories": "; ".join(categories[pk].display_name for pk in in_categories),
                "products": company["product_count"],
                "products_meeting_target": company["target_count"],
                "valid_certificates": "; ".join(certificates.get(company["pk"], ())),
                "website": company["website"],
                "verified_until": company["verified_until"].isoformat() if company["verified_until"] else "",
            }
            if contacts:
                row.update({field: company[field] for field in CONTACT_EXPORT_FIELDS})
            if not products.get(company["pk"]):
                yield row
            for product in products.get(company["pk"], ()):
                yield {
                    **row,
                    "product": product["name"],
                    "product_category": categories[product["category_id"]].display_name,
                    "stage": stages.get(product["stage"], product["stage"]),
                    "application": applications.get(product["application"], ""),
                    "annual_capacity": product["annual_capacity"],
                    "capacity_unit": units.get(product["capacity_unit"], product["capacity_unit"]),
                    "made_in_city": yes if product["made_in_city"] else no,
                    "meets_target": yes if product["meets_target"] else no,
                    "matches_filters": yes if product["pk"] in matched else no,
                    **{f"figure_{key}": value for key, value in figures.get(product["pk"], {}).items()},
                }


def category_tree() -> list[tuple[Category, int]]:
    """Every category once, parents before their children, with its depth (0 for a top-level category)."""
    categories = list(Category.objects.all())  # Meta ordering: position, name
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered, stack = [], [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        category, depth = stack.pop()
        ordered.append((category, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(category.pk, [])))
    return ordered


def _subtree_ids(tree: list[tuple[Category, int]]) -> dict[int, set[int]]:
    """For each category, its own id and those of every category below it."""
    parents = {category.pk: category.parent_id for category, _depth in tree}
    subtree = {pk: {pk} for pk in parents}
    for pk in parents:
        ancestor = parents[pk]
        while ancestor is not None:
            subtree[ancestor].add(pk)
            ancestor = parents[ancestor]
    return subtree


def _companies_by_category(companies) -> dict[int, set[int]]:
    """category id -> ids of the companies (of the given queryset) that list it or have a product in it."""
    found: dict[int, set[int]] = {}
    listed = Company.categories.through.objects.filter(company__in=companies).values_list("category_id", "company_id")
    in_products = Product.objects.filter(company__in=companies).values_list("category_id", "company_id")
    for category_id, company_id in [*listed, *in_products]:
        found.setdefault(category_id, set()).add(company_id)
    return found


# At most this many verified local suppliers is thin coverage on the chain map.
THIN_COVERAGE_MAX = 2


@dataclass(frozen=True)
class ChainMapRow:
    """One category of the chain map with the number of verified local suppliers in it."""

    category: Category
    depth: int
    count: int

    @property
    def is_gap(self) -> bool:
        return self.count == 0

    @property
    def is_thin(self) -> bool:
        """One or two suppliers: the chain holds, but one firm's exit or failure would open a gap."""
        return 0 < self.count <= THIN_COVERAGE_MAX


def chain_map_rows(today=None) -> list[ChainMapRow]:
    """Verified local suppliers per category, in tree order (three queries whatever the size).

    A company counts for a category when it lists it or has a product in it; a parent counts the
    distinct companies of its whole subtree, so a supplier in two subcategories counts once above them.
    """
    local = Company.objects.published(today).filter(locality_confirmed=True)
    tree = category_tree()
    by_category = _companies_by_category(local)
    subtree = _subtree_ids(tree)
    rows = []
    for category, depth in tree:
        companies = set().union(*(by_category.get(pk, set()) for pk in subtree[category.pk]))
        rows.append(ChainMapRow(category=category, depth=depth, count=len(companies)))
    return rows


@dataclass(frozen=True)
class PrintedCompany:
    """A company as the printed directory shows it: plain values, read once per top-level category."""

    pk: int
    name: str
    name_en: str
    uscc: str
    district: str
    is_local: bool


@dataclass(frozen=True)
class PrintedProduct:
    """A product as the printed directory lists it under its category."""

    name: str
    stage: str
    meets_target: bool


@dataclass
class DirectorySection:
    """The companies under one category of the printed directory, each with its products there."""

    category: Category
    depth: int
    entries: list[tuple[PrintedCompany, list[PrintedProduct]]] = field(default_factory=list)


@dataclass
class DirectoryGroup:
    """A top-level category of the printed directory with its own section and its subcategories'."""

    category: Category
    sections: list[DirectorySection] = field(default_factory=list)
    company_count: int = 0


def recommendation_directory_outline(today=None) -> list[DirectoryGroup]:
    """The printed directory's top-level groups in tree order, with their sections (still empty) and counts.

    Two queries whatever the size: enough for the page's contents, which come before the groups themselves
    (recommendation_directory_fill reads each group's companies as the page is sent).
    """
    published = Company.objects.published(today)
    tree = category_tree()
    by_category = _companies_by_category(published)
    subtree = _subtree_ids(tree)
    groups: list[DirectoryGroup] = []
    for category, depth in tree:
        if depth == 0:
            companies = set().union(*(by_category.get(pk, set()) for pk in subtree[category.pk]))
            groups.append(DirectoryGroup(category=category, company_count=len(companies)))
        groups[-1].sections.append(DirectorySection(category=category, depth=depth))
    return groups


def recommendation_directory_fill(group: DirectoryGroup, today=None, districts=None) -> DirectoryGroup:
    """The group's sections filled: each company (by name) that lists the category or has a product in it.

    Three queries a group, over the group's categories only; empty subcategories are left out, an empty
    top-level group stays (it shows a gap).
    """
    published = Company.objects.published(today)
    if districts is None:
        districts = {d.pk: d.display_name for d in District.objects.all()}
    category_ids = [section.category.pk for section in group.sections]
    listed_rows = list(
        Company.categories.through.objects.filter(category_id__in=category_ids, company__in=published)
        .values_list("company_id", "category_id")
    )
    product_rows = list(
        Product.objects.filter(category_id__in=category_ids, company__in=published).order_by("name", "pk")
        .values_list("company_id", "category_id", "name", "stage", "meets_target")
    )
    company_ids = {company_id for company_id, *_rest in listed_rows} | {row[0] for row in product_rows}
    if not company_ids:
        group.sections = []
        return group
    in_group = Q(pk__in=Company.categories.through.objects.filter(category_id__in=category_ids).values("company_id"))
    in_group |= Q(pk__in=Product.objects.filter(category_id__in=category_ids).values("company_id"))
    companies = [
        PrintedCompany(
            pk=row["pk"], name=row["name"], name_en=row["name_en"], uscc=row["uscc"],
            district=districts.get(row["district_id"], ""), is_local=row["locality_confirmed"] is True,
        )
        for row in published.filter(in_group).order_by("name", "pk").values(
            "pk", "name", "name_en", "uscc", "district_id", "locality_confirmed"
        )
    ]
    stages = dict(Product.Stage.choices)
    offered: dict[tuple[int, int], list[PrintedProduct]] = {}
    for company_id, category_id in listed_rows:
        offered.setdefault((company_id, category_id), [])
    for company_id, category_id, name, stage, meets_target in product_rows:
        offered.setdefault((company_id, category_id), []).append(
            PrintedProduct(name=name, stage=str(stages.get(stage, stage)), meets_target=meets_target)
        )
    for section in group.sections:
        section.entries = [
            (company, offered[(company.pk, section.category.pk)])
            for company in companies
            if (company.pk, section.category.pk) in offered
        ]
    group.sections = [section for section in group.sections if section.entries]
    return group


def recommendation_directory(today=None) -> list[DirectoryGroup]:
    """The whole published directory grouped by top-level category, then by subcategory.

    A company appears under every category it lists or has a product in, with the products it offers
    in that category; empty subcategories are left out, empty top-level groups stay (they show a gap).
    The page streams the same groups one at a time (registry.views.directory.RecommendationDirectoryView).
    """
    districts = {d.pk: d.display_name for d in District.objects.all()}
    return [recommendation_directory_fill(group, today, districts) for group in recommendation_directory_outline(today)]
