"""The directory's text search: served by trigram indexes on both databases, same answers as a plain LIKE.

Runs on SQLite (FTS5 trigram tables kept by triggers) and on PostgreSQL (pg_trgm GIN indexes) alike: set
DATABASE_URL to run it on PostgreSQL.
"""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from registry.filtersets import CompanyFilterSet, company_text_match
from registry.models import Company, Product
from tests.factories import make_company, make_product

pytestmark = pytest.mark.django_db


def search(q: str) -> list[str]:
    filterset = CompanyFilterSet({"q": q}, queryset=Company.objects.published())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("name", flat=True))


def like_scan(term: str) -> set[str]:
    """What the search answered before the indexes: icontains on every column, scanned."""
    product = Product.objects.filter(company=OuterRef("pk"), name__icontains=term)
    return set(
        Company.objects.filter(
            Q(name__icontains=term) | Q(name_en__icontains=term) | Q(description__icontains=term)
            | Q(uscc__iexact=term) | Exists(product)
        ).values_list("name", flat=True)
    )


@pytest.fixture
def registry():
    electrolyte = make_company(
        name="苏州固态电解质有限公司", name_en="Suzhou Solid Electrolyte Co.",
        description="硫化物固态电解质，离子电导率高。Dry-room production, 50% lighter packaging.",
    )
    make_product(electrolyte, name="硫化物电解质 LPSCl-3", category_slug="sulfide-electrolyte")
    halide = make_company(name="Kunshan Halide Ltd", name_en="", description="Halide electrolytes for \"solid\" cells")
    make_product(halide, name="Li3InCl6 powder", category_slug="halide-electrolyte")
    cathode = make_company(name="昆山正极材料科技", name_en="Kunshan Cathode Tech", description="高镍正极")
    make_product(cathode, name="NCM811 高镍", category_slug="high-nickel-cathode")
    make_company(name="固德电池", name_en="Good Cells", description="电池包")
    return {"electrolyte": electrolyte, "halide": halide, "cathode": cathode}


ELECTROLYTE, HALIDE, CATHODE, GOOD = "苏州固态电解质有限公司", "Kunshan Halide Ltd", "昆山正极材料科技", "固德电池"


@pytest.mark.parametrize(
    "q, expected",
    [
        # Chinese names, by any three or more consecutive characters
        ("固态电", [ELECTROLYTE]),
        ("电解质有限公司", [ELECTROLYTE]),
        ("正极材料", [CATHODE]),
        ("固体电", []),
        # one and two characters: the plain LIKE, still correct
        ("固", [ELECTROLYTE, GOOD]),
        ("固态", [ELECTROLYTE]),
        ("高镍", [CATHODE]),  # description and product name
        ("电", [ELECTROLYTE, GOOD]),
        # English, any case, 1, 2 and 3+ letters
        ("halide", [HALIDE]),
        ("HALIDE", [HALIDE]),
        ("hal", [HALIDE]),
        ("Ku", [CATHODE, HALIDE]),
        ("z", [ELECTROLYTE]),
        ("kunshan", [CATHODE, HALIDE]),
        ("kunshan cathode", [CATHODE]),
        # product names only
        ("lpscl", [ELECTROLYTE]),
        ("Li3InCl6", [HALIDE]),
        ("硫化物电解质", [ELECTROLYTE]),
        ("ncm", [CATHODE]),
        # characters that mean something to LIKE or to FTS5 are plain characters
        ("50%", [ELECTROLYTE]),
        ('"solid"', [HALIDE]),
        ("LPSCl-3", [ELECTROLYTE]),
        ("_", []),
        ("%", [ELECTROLYTE]),
    ],
)
def test_search_finds_substrings_of_names_descriptions_and_products(registry, q, expected):
    assert search(q) == sorted(expected)


def test_the_uscc_is_found_whole_in_any_case(registry):
    uscc = registry["halide"].uscc
    assert search(uscc) == [HALIDE]
    assert search(uscc.lower()) == [HALIDE]
    assert search(uscc[:10]) == []


@pytest.mark.parametrize(
    "term", ["固", "固态", "固态电", "电解质", "Kun", "kunshan", "ha", "L", "ncm811", "高镍", "50%", "Li3", "olid", "x"]
)
def test_the_index_answers_exactly_what_a_plain_like_scan_does(registry, term):
    indexed = set(Company.objects.filter(company_text_match(term, connection.alias)).values_list("name", flat=True))
    assert indexed == like_scan(term)


def test_the_index_follows_renames_new_products_and_deletions(registry):
    company = registry["electrolyte"]
    company.name = "吴江硅碳负极有限公司"
    company.save()
    assert search("电解质有限") == []
    assert search("硅碳负极") == ["吴江硅碳负极有限公司"]

    make_product(registry["halide"], name="卤化物电解质粉体", category_slug="halide-electrolyte")
    assert search("卤化物") == [HALIDE]
    Product.objects.filter(name="卤化物电解质粉体").delete()
    assert search("卤化物") == []

    registry["cathode"].delete()
    assert search("正极材料") == []


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows: without this the planner rightly prefers reading the table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_words_of_three_characters_or_more_are_looked_up_in_the_trigram_index(registry):
    plan = _plan(Company.objects.filter(company_text_match("固态电", connection.alias)).values("pk"))
    if connection.vendor == "postgresql":
        assert "registry_company_name_trgm" in plan
        assert "registry_product_name_trgm" in plan
    else:
        assert "registry_company_search VIRTUAL TABLE" in plan
        assert "registry_product_search VIRTUAL TABLE" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_the_apps_postgresql_connections_do_not_jit_compile():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
