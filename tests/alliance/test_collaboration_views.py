"""Collaboration pages: the permission matrix of every page, the forms' refusals, what each role reads."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from alliance.models import Collaboration
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "supplier_x", "supplier_y", "anchor_user", "official")


def user_for(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def proposed(anchor_company, company_x):
    """Proposed by the anchor firm to SME X: waits for X's confirmation."""
    return factories.make_collaboration(anchor_company, company_x, status="proposed", title="Pending supply")


@pytest.fixture
def active(anchor_company, company_x):
    return factories.make_collaboration(anchor_company, company_x, status="active", title="Running supply")


# --- the permission matrix -------------------------------------------------------------------------------

DETAIL_EXPECTED = {"anonymous": 302, "supplier_x": 200, "supplier_y": 404, "anchor_user": 200, "official": 200}


@pytest.mark.parametrize("role", ROLES)
def test_detail_page_is_for_the_parties_and_officials_a_404_for_anyone_else(request, role, proposed):
    response = client_for(user_for(request, role)).get(reverse("alliance:collaboration_detail", args=[proposed.pk]))
    assert response.status_code == DETAIL_EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if response.status_code == 200:
        assert "Pending supply" in response.content.decode()


CONFIRM_GET = {"anonymous": 302, "supplier_x": 200, "supplier_y": 404, "anchor_user": 403, "official": 403}


@pytest.mark.parametrize("role", ROLES)
def test_confirm_page_only_for_the_party_that_did_not_propose(request, role, proposed):
    url = reverse("alliance:collaboration_confirm", args=[proposed.pk])
    client = client_for(user_for(request, role))
    assert client.get(url).status_code == CONFIRM_GET[role]
    response = client.post(url)
    proposed.refresh_from_db()
    if role == "supplier_x":
        assert response.status_code == 302
        assert proposed.status == "active"
        assert proposed.confirmed_by.username == "supplier_x"
    else:
        assert response.status_code == CONFIRM_GET[role]
        assert proposed.status == "proposed"
    if role == "anchor_user":
        assert "the other party confirms it" in response.content.decode()


ACTIVE_ACTION = {"anonymous": 302, "supplier_x": 200, "supplier_y": 404, "anchor_user": 200, "official": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["collaboration_terminate", "collaboration_complete", "milestone_create"])
def test_action_pages_of_an_active_collaboration(request, role, url_name, active):
    response = client_for(user_for(request, role)).get(reverse(f"alliance:{url_name}", args=[active.pk]))
    assert response.status_code == ACTIVE_ACTION[role]


@pytest.mark.parametrize("role", ROLES)
def test_terminate_post_matrix(request, role, active):
    response = client_for(user_for(request, role)).post(
        reverse("alliance:collaboration_terminate", args=[active.pk]), {"reason": "Supplier left the city"}
    )
    active.refresh_from_db()
    if role in ("supplier_x", "anchor_user"):
        assert response.status_code == 302
        assert (active.status, active.status_reason) == ("terminated", "Supplier left the city")
    else:
        assert response.status_code == ACTIVE_ACTION[role]
        assert active.status == "active"


@pytest.mark.parametrize("role", ROLES)
def test_milestone_done_matrix(request, role, active, anchor_user):
    milestone = active.milestones.create(title="Pilot batch", due_on=date(2025, 3, 1))
    response = client_for(user_for(request, role)).post(
        reverse("alliance:milestone_complete", args=[active.pk, milestone.pk]),
        {"done_on": "2025-02-28", "outcome": "Accepted"},
    )
    milestone.refresh_from_db()
    if role in ("supplier_x", "anchor_user"):
        assert response.status_code == 302
        assert (milestone.done_on, milestone.outcome) == (date(2025, 2, 28), "Accepted")
    else:
        assert response.status_code == ACTIVE_ACTION[role]
        assert milestone.done_on is None


def test_a_milestone_of_another_collaboration_is_a_404(active, anchor_company, supplier_x):
    other = factories.make_collaboration(anchor_company, factories.make_sme())
    milestone = other.milestones.create(title="Theirs", due_on=date(2025, 3, 1))
    response = client_for(supplier_x).get(reverse("alliance:milestone_complete", args=[active.pk, milestone.pk]))
    assert response.status_code == 404


LIST_EXPECTED = {"anonymous": 302, "supplier_x": 200, "supplier_y": 200, "anchor_user": 200, "official": 302}


@pytest.mark.parametrize("role", ROLES)
def test_my_list_shows_the_companys_own_collaborations_only(request, role, proposed, active):
    response = client_for(user_for(request, role)).get(reverse("alliance:collaboration_list"))
    assert response.status_code == LIST_EXPECTED[role]
    if response.status_code == 200:
        titles = {c.title for c in response.context["collaborations"]}
        assert titles == ({"Pending supply", "Running supply"} if role in ("supplier_x", "anchor_user") else set())


CREATE_EXPECTED = {"anonymous": 302, "supplier_x": 200, "supplier_y": 200, "anchor_user": 200, "official": 302}


@pytest.mark.parametrize("role", ROLES)
def test_propose_page_matrix(request, role):
    response = client_for(user_for(request, role)).get(reverse("alliance:collaboration_create"))
    assert response.status_code == CREATE_EXPECTED[role]


def test_a_large_company_that_is_no_anchor_may_not_propose():
    large = factories.make_company(employees=3000, revenue_cny=Decimal("900000000"))
    response = client_for(factories.make_user(large)).get(reverse("alliance:collaboration_create"))
    assert response.status_code == 403
    assert "neither" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_overview_is_public_and_counts_only_active_and_completed(request, role, proposed, active):
    factories.make_collaboration(proposed.anchor, proposed.sme, status="terminated")
    factories.make_collaboration(proposed.anchor, proposed.sme, status="completed", model="licensing")
    response = client_for(user_for(request, role)).get(reverse("alliance:collaboration_overview"))
    assert response.status_code == 200
    assert response.context["total"] == 2
    by_model = {row["key"]: row["count"] for row in response.context["sections"][0]["rows"]}
    assert by_model == {"licensing": 1, "supply": 1, "standard": 0}
    body = response.content.decode()
    assert "Running supply" not in body  # counts only: no titles
    assert 'id="model-table"' in body and 'id="year-table"' in body and 'id="category-table"' in body


# --- the registry's pages --------------------------------------------------------------------------------

def test_company_page_shows_the_public_only_the_fact_and_the_model(client, proposed, active, company_x):
    body = client.get(reverse("registry:company_detail", args=[company_x.pk])).content.decode()
    assert "Alliance collaborations" in body
    assert "Long-term supply agreement" in body
    assert "Anchor Cells Ltd" in body
    assert "Running supply" not in body and "Pending supply" not in body  # titles are the parties'
    assert reverse("alliance:collaboration_detail", args=[active.pk]) not in body


def test_company_page_of_a_third_company_viewer_shows_no_link_or_proposal(supplier_y, proposed, active, company_x):
    body = client_for(supplier_y).get(reverse("registry:company_detail", args=[company_x.pk])).content.decode()
    assert "Pending supply" not in body and "Running supply" not in body
    assert reverse("alliance:collaboration_detail", args=[active.pk]) not in body


def test_company_page_shows_the_parties_everything_with_links(supplier_x, anchor_user, proposed, active, company_x):
    for user in (supplier_x, anchor_user):
        body = client_for(user).get(reverse("registry:company_detail", args=[company_x.pk])).content.decode()
        assert reverse("alliance:collaboration_detail", args=[active.pk]) in body
    body = client_for(supplier_x).get(reverse("registry:company_detail", args=[company_x.pk])).content.decode()
    assert "Pending supply" in body


def test_company_page_without_collaborations_has_no_section(client, company_y):
    body = client.get(reverse("registry:company_detail", args=[company_y.pk])).content.decode()
    assert "Alliance collaborations" not in body


def test_my_home_lists_what_waits_for_the_companys_confirmation(supplier_x, anchor_user, proposed):
    body = client_for(supplier_x).get(reverse("registry:my_home")).content.decode()
    assert "1 proposal waits for your confirmation" in body
    assert reverse("alliance:collaboration_detail", args=[proposed.pk]) in body
    # The proposer waits for the other side: nothing waits for it.
    body = client_for(anchor_user).get(reverse("registry:my_home")).content.decode()
    assert "waits for your confirmation" not in body
    assert "Pending supply" in body


# --- proposing through the form --------------------------------------------------------------------------

def supply_form(company, **overrides):
    data = {
        "other_party_uscc": company.uscc, "model": "supply", "title": "Electrolyte supply",
        "started_on": "2025-01-01", "ends_on": "2026-12-31", "committed_value_per_year": "1,000,000.00",
        "committed_quantity": "12", "quantity_unit": "t", "categories": ["sulfide-electrolyte"],
        "licensed_patents": "ignored for supply",
    }
    data.update(overrides)
    return data


def test_an_anchor_proposes_a_supply_agreement_by_uscc(anchor_user, company_x):
    response = client_for(anchor_user).post(reverse("alliance:collaboration_create"), supply_form(company_x))
    collaboration = Collaboration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alliance:collaboration_detail", args=[collaboration.pk])
    assert (collaboration.sme, collaboration.status, collaboration.licensed_patents) == (company_x, "proposed", "")
    assert collaboration.committed_value_per_year == Decimal("1000000.00")
    assert [c.slug for c in collaboration.categories.all()] == ["sulfide-electrolyte"]


def test_the_other_party_can_be_chosen_from_the_select(supplier_x, anchor_company):
    form = supply_form(anchor_company, other_party_uscc="", other_party=str(anchor_company.pk))
    response = client_for(supplier_x).post(reverse("alliance:collaboration_create"), form)
    assert response.status_code == 302
    assert Collaboration.objects.get().anchor == anchor_company


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"committed_value_per_year": "1e20"}, "committed_value_per_year", "digits"),
    ({"committed_value_per_year": "100000000000000000000"}, "committed_value_per_year", "digits"),
    ({"title": "bad\x00title"}, "title", "Null characters"),
    ({"other_party_uscc": "91\x00"}, "other_party_uscc", "Null characters"),
    ({"started_on": "2025-13-01"}, "started_on", "Enter a date"),
    ({"ends_on": "2024-12-31"}, "ends_on", "before the start"),
    ({"ends_on": ""}, "ends_on", "end date"),
    ({"model": "barter"}, "model", "valid choice"),
    ({"categories": ["no-such\x00"]}, "categories", ""),
    ({"other_party_uscc": "", "other_party": "99999999999999999999999"}, "other_party", "valid choice"),
    ({"other_party_uscc": "91320583MA00000000"}, "other_party_uscc", "No registered company"),
])
def test_hostile_or_wrong_input_answers_400_naming_the_field(anchor_user, company_x, overrides, field, message):
    response = client_for(anchor_user).post(
        reverse("alliance:collaboration_create"), supply_form(company_x, **overrides)
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert not Collaboration.objects.exists()
    assert "There is a problem" in response.content.decode()


def test_the_sme_cannot_propose_to_another_sme(supplier_x, company_y):
    response = client_for(supplier_x).post(reverse("alliance:collaboration_create"), supply_form(company_y))
    assert response.status_code == 400
    assert "other_party" in response.context["form"].errors or "other_party_uscc" in response.context["form"].errors


def test_the_select_offers_only_possible_other_parties(anchor_user, company_x, company_y):
    factories.make_company(employees=3000, revenue_cny=Decimal("900000000"), name="Large Non Anchor")
    factories.make_sme(status="pending", name="Pending SME")
    response = client_for(anchor_user).get(reverse("alliance:collaboration_create"))
    offered = {c.name for c in response.context["form"].fields["other_party"].queryset}
    assert offered == {company_x.name, company_y.name}


def test_terminate_without_a_reason_answers_400(supplier_x, active):
    url = reverse("alliance:collaboration_terminate", args=[active.pk])
    response = client_for(supplier_x).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    active.refresh_from_db()
    assert active.status == "active"


def test_list_filter_with_a_bad_value_answers_400_naming_it(supplier_x, active):
    response = client_for(supplier_x).get(reverse("alliance:collaboration_list"), {"year": "20x5"})
    assert response.status_code == 400
    assert "year" in response.context["form"].errors


def test_huge_ids_in_the_url_are_404(supplier_x):
    assert client_for(supplier_x).get("/collaborations/99999999999999999999999/").status_code == 404


# --- the agreement page: deliveries and local content --------------------------------------------------

def test_agreement_page_shows_delivered_against_committed_and_the_buyers_lcr(anchor_user, anchor_company, company_x):
    agreement = factories.make_collaboration(
        anchor_company, company_x, started_on=date(2025, 1, 1), ends_on=date(2026, 12, 31),
        committed_value_per_year=Decimal("1000000.00"),
    )
    buy = factories.make_purchase
    buy(anchor_company, company_x, purchased_on=date(2024, 12, 31), amount=Decimal("10000.00"))  # before
    buy(anchor_company, None, purchased_on=date(2024, 6, 1), amount=Decimal("30000.00"))  # before, outside
    buy(anchor_company, company_x, purchased_on=date(2025, 2, 1), amount=Decimal("300000.00"))
    buy(anchor_company, company_x, purchased_on=date(2025, 12, 31), amount=Decimal("200000.00"))
    buy(anchor_company, company_x, purchased_on=date(2026, 1, 1), amount=Decimal("50000.00"))
    buy(anchor_company, None, purchased_on=date(2025, 6, 1), amount=Decimal("450000.00"))  # outside supplier
    other_buyer = factories.make_company(anchor=True, employees=3000, revenue_cny=Decimal("900000000"))
    buy(other_buyer, company_x, purchased_on=date(2025, 3, 1), amount=Decimal("777.00"))  # not this buyer

    response = client_for(anchor_user).get(reverse("alliance:collaboration_detail", args=[agreement.pk]))
    rows = response.context["deliveries"]
    assert [(r["number"], r["delivered"], r["percent"], r["shortfall"]) for r in rows] == [
        (1, Decimal("500000.00"), Decimal("50.00"), Decimal("500000.00")),
        (2, Decimal("50000.00"), Decimal("5.00"), Decimal("950000.00")),
    ]
    before, since = response.context["local_content"]["before"], response.context["local_content"]["since"]
    # Before: 10,000 local of 40,000 → 25 %; all of the local spend went to X.
    assert (before["total_amount"], before["lcr_percent"], before["supplier_share_percent"]) == (
        Decimal("40000.00"), Decimal("25.00"), Decimal("25.00")
    )
    # Since: 550,000 local (all from X) of 1,000,000 → 55 %.
    assert (since["total_amount"], since["lcr_percent"], since["supplier_share_percent"]) == (
        Decimal("1000000.00"), Decimal("55.00"), Decimal("55.00")
    )
    body = response.content.decode()
    assert "¥500,000.00" in body and "50.00 %" in body and "55.00 %" in body
    assert "not pro-rated" in body


def test_agreement_categories_include_their_children(anchor_company, company_x, anchor_user):
    agreement = factories.make_collaboration(
        anchor_company, company_x, categories=[factories.category("cells-and-packs")]
    )
    factories.make_purchase(anchor_company, company_x, purchased_on=date(2025, 5, 1), amount=Decimal("100.00"),
                            category=factories.category("solid-state-cells"))
    factories.make_purchase(anchor_company, company_x, purchased_on=date(2025, 5, 1), amount=Decimal("900.00"),
                            category=factories.category("sulfide-electrolyte"))
    response = client_for(anchor_user).get(reverse("alliance:collaboration_detail", args=[agreement.pk]))
    assert response.context["deliveries"][0]["delivered"] == Decimal("100.00")


def test_an_agreement_without_purchases_says_so_and_divides_by_nothing(anchor_user, anchor_company, company_x):
    agreement = factories.make_collaboration(anchor_company, company_x)
    response = client_for(anchor_user).get(reverse("alliance:collaboration_detail", args=[agreement.pk]))
    local = response.context["local_content"]
    assert local["before"]["lcr_percent"] is None and local["before"]["supplier_share_percent"] is None
    assert response.content.decode().count("No purchases") == 2


def test_detail_page_shows_the_history_of_status_changes(anchor_user, supplier_x, company_x):
    client_for(anchor_user).post(reverse("alliance:collaboration_create"), supply_form(company_x))
    collaboration = Collaboration.objects.get()
    client_for(supplier_x).post(reverse("alliance:collaboration_confirm", args=[collaboration.pk]))
    response = client_for(anchor_user).get(reverse("alliance:collaboration_detail", args=[collaboration.pk]))
    changes = response.context["changes"]
    assert [(c["from_status"], c["to_status"], c["by"].username) for c in changes] == [
        (None, "proposed", "anchor_user"), ("proposed", "active", "supplier_x")
    ]
    assert "Proposed → Active" in response.content.decode()
