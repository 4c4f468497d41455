"""The public directory pages: the list with its filters, the company page, the printable directory, the chain map."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Company, Product
from registry.selectors import recommendation_directory
from tests.conftest import client_for
from tests.factories import category, make_certificate, make_company, make_product, make_user

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("registry:directory")


def listed_names(response) -> list[str]:
    return [company.name for company in response.context["companies"]]


def make_unpublished():
    """One company in each state the directory must leave out."""
    make_company(name="Pending Co", status=Company.Status.PENDING)
    make_company(name="Rejected Co", status=Company.Status.REJECTED)
    make_company(name="Suspended Co", status=Company.Status.SUSPENDED)
    expired = make_company(name="Expired Co")
    Company.objects.filter(pk=expired.pk).update(verified_until=timezone.localdate() - timedelta(days=1))


class TestDirectoryList:
    def test_shows_only_published_companies_to_everyone(self, client, official, anchor_user):
        make_company(name="Published Co")
        make_unpublished()
        for user in (None, official, anchor_user):
            response = client_for(user).get(DIRECTORY)
            assert response.status_code == 200
            names = listed_names(response)
            assert "Published Co" in names
            assert not {"Pending Co", "Rejected Co", "Suspended Co", "Expired Co"} & set(names)
            assert "Pending Co" not in response.content.decode()

    def test_a_supplier_does_not_see_its_own_pending_company_in_the_public_directory(self):
        pending = make_company(name="My pending Co", status=Company.Status.PENDING)
        response = client_for(make_user(pending)).get(DIRECTORY)
        assert "My pending Co" not in listed_names(response)

    def test_each_result_shows_tags_district_categories_and_product_counts(self, client):
        company = make_company(name="Kunshan Sulfide", anchor=True, categories=[category("oxide-electrolyte")])
        make_product(company, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.02})
        make_product(company, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.002})
        make_product(company, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.03})

        html = client.get(DIRECTORY).content.decode()
        assert f'href="{reverse("registry:company_detail", args=[company.pk])}"' in html
        assert 'class="tag tag-local">Local<' in html
        assert 'class="tag tag-anchor">Anchor firm<' in html
        assert 'class="tag tag-size">Small<' in html
        assert "Kunshan" in html
        assert "Sulfide electrolytes, Oxide electrolytes" in html
        assert "3 products, 2 meeting the city target" in html

    def test_search_and_filters_narrow_the_result_and_are_kept_in_the_form(self, client):
        wanted = make_company(name="Local sulfide", local=True)
        make_product(wanted, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.02})
        make_company(name="Outside sulfide", local=False, categories=[category("sulfide-electrolyte")])
        make_company(name="Local cathode", local=True, categories=[category("high-nickel-cathode")])

        response = client.get(DIRECTORY, {"q": "sulfide", "category": "solid-electrolytes", "local": "true"})
        assert listed_names(response) == ["Local sulfide"]
        assert response.context["result_count"] == 1
        html = response.content.decode()
        assert "1 company" in html
        assert 'value="sulfide"' in html  # the search box keeps what was typed
        assert '<option value="solid-electrolytes" selected' in html

    def test_figure_thresholds_are_grouped_in_a_details_section_with_units(self, client):
        html = client.get(DIRECTORY).content.decode()
        details = html[html.index('<details class="figure-filters"'):html.index("</details>")]
        assert "Performance figures" in details
        assert 'name="min_ionic_conductivity"' in details and 'name="max_ionic_conductivity"' in details
        assert '<span class="unit" aria-hidden="true">S/cm</span>' in details
        assert '<span class="unit" aria-hidden="true">mAh/g</span>' in details
        assert "<details class=\"figure-filters\">" in html  # closed when no figure filter is used

        html = client.get(DIRECTORY, {"min_ionic_conductivity": "1e-2"}).content.decode()
        assert '<details class="figure-filters" open>' in html

    def test_figure_threshold_filters_the_list(self, client):
        make_product(make_company(name="Fast conductor"), figures={"ionic_conductivity": 0.012})
        make_product(make_company(name="Slow conductor"), figures={"ionic_conductivity": 0.001})
        response = client.get(DIRECTORY, {"min_ionic_conductivity": "1e-2"})
        assert listed_names(response) == ["Fast conductor"]

    def test_chips_remove_one_filter_and_keep_the_others(self, client):
        make_company(name="Any Co")
        response = client.get(DIRECTORY, {"category": "sulfide-electrolyte", "local": "true", "page": "1"})
        chips = {str(chip["label"]): chip["url"] for chip in response.context["chips"]}
        assert set(chips) == {"Category", "Local suppliers only"}

        without_category = urlsplit(chips["Category"])
        assert without_category.path == DIRECTORY
        assert parse_qs(without_category.query) == {"local": ["true"]}
        assert parse_qs(urlsplit(chips["Local suppliers only"]).query) == {"category": ["sulfide-electrolyte"]}
        html = response.content.decode()
        assert 'href="/directory/?local=true"' in html
        assert "Remove filter Category: Sulfide electrolytes" in html

    def test_pagination_25_per_page_keeps_the_query(self, client):
        for n in range(30):
            make_company(name=f"Company {n:02d}", local=True)
        make_company(name="Outside", local=False)

        first = client.get(DIRECTORY, {"local": "true"})
        assert len(listed_names(first)) == 25
        assert first.context["result_count"] == 30
        html = first.content.decode()
        assert 'href="?local=true&amp;page=2"' in html

        second = client.get(DIRECTORY, {"local": "true", "page": "2"})
        assert listed_names(second) == [f"Company {n:02d}" for n in range(25, 30)]
        assert 'href="?local=true&amp;page=1"' in second.content.decode()

    def test_a_page_number_out_of_range_or_not_a_number_does_not_fail(self, client):
        make_company(name="Only Co")
        for page in ("99", "abc", "-1"):
            response = client.get(DIRECTORY, {"page": page})
            assert response.status_code == 200
            assert listed_names(response) == ["Only Co"]

    def test_sort_select_orders_the_results(self, client):
        make_company(name="Alpha")
        make_company(name="Bravo")
        response = client.get(DIRECTORY, {"sort": "-name"})
        assert listed_names(response) == ["Bravo", "Alpha"]
        assert '<option value="-name" selected>' in response.content.decode()

    def test_export_and_print_links_carry_the_current_query(self, client):
        html = client.get(DIRECTORY, {"category": "sulfide-electrolyte", "local": "true", "page": "1"}).content.decode()
        assert 'href="/directory/export.csv?category=sulfide-electrolyte&amp;local=true"' in html
        assert 'href="/directory/export.xlsx?category=sulfide-electrolyte&amp;local=true"' in html
        assert f'href="{reverse("registry:directory_print")}"' in html

    def test_empty_parameters_from_the_form_are_ignored(self, client):
        make_company(name="Any Co")
        response = client.get(DIRECTORY + "?q=&category=&local=unknown&size=&min_ionic_conductivity=&sort=")
        assert response.status_code == 200
        assert listed_names(response) == ["Any Co"]
        assert response.context["chips"] == []

    def test_searching_for_the_word_unknown_is_not_mistaken_for_an_empty_yes_no_filter(self, client):
        make_company(name="Unknown Materials")
        make_company(name="Known Materials")
        assert listed_names(client.get(DIRECTORY, {"q": "unknown"})) == ["Unknown Materials"]

    @pytest.mark.parametrize(
        "query, field_id",
        [
            ({"category": "no-such-thing"}, "id_category"),
            ({"min_ionic_conductivity": "lots"}, "id_min_ionic_conductivity"),
            ({"size": "giant"}, "id_size"),
            ({"sort": "uscc"}, "id_sort"),
        ],
    )
    def test_invalid_values_show_errors_beside_the_field_and_no_results(self, client, query, field_id):
        make_company(name="Any Co")
        response = client.get(DIRECTORY, query)
        assert response.status_code == 200
        assert listed_names(response) == []
        html = response.content.decode()
        assert "There is a problem with the filters" in html
        assert f'href="#{field_id}"' in html  # the summary links to the field
        assert f'id="{field_id}_error"' in html  # and the error is repeated beside it
        assert "No results are shown until the filters marked above are corrected." in html

    def test_query_count_does_not_grow_with_the_results(self, client, django_assert_max_num_queries):
        for n in range(12):
            company = make_company(name=f"Company {n}", categories=[category("graphene")])
            make_product(company, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.02})
            make_product(company, category_slug="oxide-electrolyte")
            make_certificate(company)
        with django_assert_max_num_queries(12):
            response = client.get(DIRECTORY, {"category": "solid-electrolytes"})
        assert len(listed_names(response)) == 12


class TestCompanyPage:
    def url(self, company):
        return reverse("registry:company_detail", args=[company.pk])

    def test_published_company_is_public_with_facts_products_and_badges(self, client):
        company = make_company(name="Kunshan Sulfide", website="https://sulfide.example.cn",
                               categories=[category("sulfide-electrolyte")])
        make_product(company, name="LPSCl powder", figures={"ionic_conductivity": 0.012})
        make_product(company, name="Old powder", figures={"ionic_conductivity": 0.0004})

        response = client.get(self.url(company))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="tag tag-verified"' in html
        assert company.uscc in html
        assert "https://sulfide.example.cn" in html
        assert "Confirmed by the industry bureau" in html
        assert "1.2 × 10⁻² S/cm" in html
        assert "4 × 10⁻⁴ S/cm" in html
        lpscl = html[html.index("LPSCl powder"):html.index("Old powder")]
        assert "Meets city target" in lpscl
        old = html[html.index("Old powder"):html.index('id="certificates"')]
        assert "Meets city target" not in old

    def test_only_valid_certificates_are_shown(self, client):
        company = make_company()
        make_certificate(company, number="VALID-001")
        make_certificate(company, number="EXPIRED-002", valid=False)
        make_certificate(
            company, number="FUTURE-003",
            valid_from=timezone.localdate() + timedelta(days=10),
            valid_until=timezone.localdate() + timedelta(days=400),
        )
        html = client.get(self.url(company)).content.decode()
        assert "VALID-001" in html
        assert "EXPIRED-002" not in html
        assert "FUTURE-003" not in html

    @pytest.mark.parametrize("status", [Company.Status.PENDING, Company.Status.REJECTED, Company.Status.SUSPENDED])
    def test_unpublished_company_is_404_to_the_public_and_other_companies(
        self, client, status, supplier_y, anchor_user, official
    ):
        company = make_company(name="Hidden Co", status=status)
        own_user = make_user(company)
        assert client.get(self.url(company)).status_code == 404
        assert client_for(supplier_y).get(self.url(company)).status_code == 404
        assert client_for(anchor_user).get(self.url(company)).status_code == 404
        for user in (own_user, official):
            response = client_for(user).get(self.url(company))
            assert response.status_code == 200
            assert "not in the published directory" in response.content.decode()

    def test_expired_verification_is_404_to_the_public_and_tagged_expired_for_the_company(self, client):
        company = make_company(name="Lapsed Co")
        Company.objects.filter(pk=company.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
        assert client.get(self.url(company)).status_code == 404
        html = client_for(make_user(company)).get(self.url(company)).content.decode()
        assert 'class="tag tag-expired">Verification expired<' in html

    def test_unknown_company_is_404(self, client):
        assert client.get(reverse("registry:company_detail", args=[999999])).status_code == 404

    def test_contacts_by_role(self, client, company_x, supplier_x, supplier_y, anchor_user, official):
        url = self.url(company_x)
        for user in (anchor_user, supplier_x, official):
            html = client_for(user).get(url).content.decode()
            assert "0512-12345678" in html and "contact@example.com" in html, user
            assert "Log in as an anchor firm to see contact details." not in html
        for user in (None, supplier_y):
            html = client_for(user).get(url).content.decode()
            assert "0512-12345678" not in html and "contact@example.com" not in html, user
            assert "Log in as an anchor firm to see contact details." in html

    def test_query_count_does_not_grow_with_products(self, client, django_assert_max_num_queries):
        company = make_company(categories=[category("sulfide-electrolyte")])
        for n in range(8):
            make_product(company, name=f"P{n}", figures={"ionic_conductivity": 0.01 + n / 1000})
            make_certificate(company)
        with django_assert_max_num_queries(10):
            response = client.get(self.url(company))
        assert response.content.decode().count("S/cm") == 8


class TestRecommendationDirectory:
    def test_groups_published_companies_by_category_with_products_and_badges(self, client):
        sulfide = make_company(name="Sulfide Co")
        make_product(sulfide, name="LPSCl", category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.02})
        make_product(sulfide, name="NCM811", category_slug="high-nickel-cathode", stage=Product.Stage.PILOT)
        make_company(name="Broad electrolyte Co", categories=[category("solid-electrolytes")])
        make_company(name="Pending Co", status=Company.Status.PENDING, categories=[category("sulfide-electrolyte")])

        response = client.get(reverse("registry:directory_print"))
        assert response.status_code == 200
        assert response.streaming  # megabytes at city scale: sent as it is rendered
        groups = {group.category.slug: group for group in recommendation_directory()}
        electrolytes = {s.category.slug: [c.name for c, _p in s.entries] for s in groups["solid-electrolytes"].sections}
        assert electrolytes == {"solid-electrolytes": ["Broad electrolyte Co"], "sulfide-electrolyte": ["Sulfide Co"]}
        cathodes = {s.category.slug: [c.name for c, _p in s.entries] for s in groups["cathode-materials"].sections}
        assert cathodes == {"high-nickel-cathode": ["Sulfide Co"]}
        assert groups["recycling"].sections == []

        html = b"".join(response.streaming_content).decode()
        assert html.count('<section class="print-category') == len(groups)
        assert html.rstrip().endswith("</html>")
        assert 'href="#category-solid-electrolytes">Solid electrolytes</a>\n      (2 companies)' in html
        assert f'<a href="/directory/{sulfide.pk}/">Sulfide Co</a>' in html
        start, end = html.index("<h3>Sulfide electrolytes</h3>"), html.index('id="category-cathode-materials"')
        sulfide_section = html[start:end]
        assert "Sulfide Co" in sulfide_section and sulfide.uscc in sulfide_section
        assert "LPSCl" in sulfide_section and "Meets city target" in sulfide_section
        assert "NCM811" not in sulfide_section  # the cathode product is listed under cathodes
        assert "Pending Co" not in html
        assert "data-print" in html and "no-print" in html
        assert f'datetime="{timezone.localdate().isoformat()}"' in html


class TestChainMap:
    @pytest.fixture
    def chain(self):
        a = make_company(name="A local sulfide", local=True)
        make_product(a, category_slug="sulfide-electrolyte")
        b = make_company(name="B local, lists sulfide, makes oxide", local=True,
                         categories=[category("sulfide-electrolyte")])
        make_product(b, category_slug="oxide-electrolyte")
        make_company(name="C outside polymer", local=False, categories=[category("polymer-electrolyte")])
        make_company(
            name="D pending halide", status=Company.Status.PENDING, categories=[category("halide-electrolyte")]
        )
        e = make_company(name="E expired halide", categories=[category("halide-electrolyte")])
        Company.objects.filter(pk=e.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
        make_company(name="F local broad cathode", local=True, categories=[category("cathode-materials")])

    def counts(self, response):
        return {row.category.slug: row.count for row in response.context["rows"]}

    def test_counts_verified_local_suppliers_per_category(self, client, chain):
        counts = self.counts(client.get(reverse("registry:chain_map")))
        assert counts["sulfide-electrolyte"] == 2
        assert counts["oxide-electrolyte"] == 1
        assert counts["polymer-electrolyte"] == 0  # only a non-local company
        assert counts["halide-electrolyte"] == 0  # pending and expired do not count
        assert counts["solid-electrolytes"] == 2  # A and B, each once
        assert counts["cathode-materials"] == 1
        assert counts["li-rich-mn-cathode"] == 0  # a company listing the parent does not fill the children

    def test_rows_come_parents_first_then_their_children(self, client, chain):
        rows = client.get(reverse("registry:chain_map")).context["rows"]
        slugs = [row.category.slug for row in rows]
        assert slugs[:5] == [
            "solid-electrolytes", "sulfide-electrolyte", "oxide-electrolyte", "polymer-electrolyte",
            "halide-electrolyte",
        ]
        assert [row.depth for row in rows[:2]] == [0, 1]

    def test_gaps_are_marked_in_words_and_counts_link_to_the_directory(self, client, chain):
        html = client.get(reverse("registry:chain_map")).content.decode()
        halide_row = html[html.index('href="/directory/?category=halide-electrolyte'):]
        halide_row = halide_row[:halide_row.index("</tr>")]
        assert "Gap" in halide_row
        row_start = html.rindex("<tr", 0, html.index("?category=halide-electrolyte"))
        assert 'gap"' in html[row_start:html.index(">", row_start)]
        sulfide_row = html[html.index('href="/directory/?category=sulfide-electrolyte&amp;local=true"'):]
        assert "Gap" not in sulfide_row[:sulfide_row.index("</tr>")]

    def test_one_or_two_suppliers_are_marked_thin_apart_from_gaps_and_good_coverage(self, client, chain):
        response = client.get(reverse("registry:chain_map"))
        coverage = {
            row.category.slug: "gap" if row.is_gap else "thin" if row.is_thin else "covered"
            for row, _links in response.context["linked_rows"]
        }
        assert coverage["sulfide-electrolyte"] == "thin"  # two suppliers
        assert coverage["oxide-electrolyte"] == "thin"  # one
        assert coverage["halide-electrolyte"] == "gap"
        html = response.content.decode()
        oxide_row = html[html.index('href="/directory/?category=oxide-electrolyte&amp;local=true"'):]
        assert "Thin" in oxide_row[:oxide_row.index("</tr>")]
        assert response.context["thin_count"] == sum(1 for kind in coverage.values() if kind == "thin")

    def test_a_count_matches_the_directory_it_links_to(self, client, chain):
        counts = self.counts(client.get(reverse("registry:chain_map")))
        for slug in ("solid-electrolytes", "sulfide-electrolyte", "cathode-materials", "halide-electrolyte"):
            response = client.get(DIRECTORY, {"category": slug, "local": "true"})
            assert response.context["result_count"] == counts[slug], slug

    def test_few_queries(self, client, chain, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            client.get(reverse("registry:chain_map"))


def test_pages_answer_in_chinese(client):
    make_company(name="苏州固态科技", categories=[category("sulfide-electrolyte")])
    for name in ("registry:directory", "registry:directory_print", "registry:chain_map"):
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "硫化物电解质" in body.decode()
