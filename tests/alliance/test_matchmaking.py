"""Matchmaking: ranking on hand-built suppliers, the request and offer workflow (moves and refusals), an accepted
offer becoming a proposed supply agreement, notices and mail, the gap prompts, and the pages' permission matrix."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alliance import matchmaking as services
from alliance.models import Collaboration, Notice, Offer, SourcingRequest
from alliance.selectors import matching_filter_data, sourcing_gaps, suggested_suppliers
from registry.models import Certificate
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "supplier_x", "supplier_y", "anchor_user", "official")


def user_for(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


def post_request(by, **overrides):
    data = {"title": "Sulfide electrolyte powder", "description": "", "category": factories.category(
        "sulfide-electrolyte"), "quantity": Decimal("100"), "quantity_unit": "t", "local_only": False,
        "deadline": timezone.localdate() + timedelta(days=30), "visibility": "public"}
    requirements = overrides.pop("requirements", [("ionic_conductivity", "min", 0.01)])
    certificates = overrides.pop("certificates", ["iso9001"])
    data.update(overrides)
    return services.sourcing_request_create(by=by, data=data, requirements=requirements, certificates=certificates)


@pytest.fixture
def sourcing_request(anchor_user):
    return post_request(anchor_user)


@pytest.fixture
def x_product(company_x):
    return factories.make_product(company_x, figures={"ionic_conductivity": 0.02}, annual_capacity=Decimal("80"),
                                  capacity_unit="t")


def offer_data(**overrides):
    return {"note": "Samples in two weeks.", "price_low": Decimal("100.00"), "price_high": Decimal("140.00"),
            "lead_time_days": 30, **overrides}


@pytest.fixture
def x_offer(supplier_x, sourcing_request, x_product):
    return services.offer_submit(by=supplier_x, sourcing_request=sourcing_request, data=offer_data(),
                                 products=[x_product])


# --- ranking -----------------------------------------------------------------------------------------------------


def test_ranking_of_hand_built_suppliers_order_and_reasons(anchor_user, anchor_company):
    def supplier(name, conductivity, capacity, *, local=True, category="sulfide-electrolyte", cert=False, **kw):
        company = factories.make_sme(name=name, local=local, **kw)
        factories.make_product(company, category_slug=category, figures={"ionic_conductivity": conductivity},
                               annual_capacity=capacity, capacity_unit="t")
        if cert:
            factories.make_certificate(company, cert_type=Certificate.Type.ISO9001)
        return company

    best = supplier("Alpha", 0.03, Decimal("200"), cert=True)
    factories.make_collaboration(anchor_company, best, status="active")
    supplier("Beta", 0.015, Decimal("50"), cert=True)
    outside = supplier("Gamma", 0.02, Decimal("100"), local=False)
    supplier("Delta (too low)", 0.005, Decimal("500"), cert=True)
    supplier("Epsilon (oxide)", 0.05, Decimal("500"), category="oxide-electrolyte", cert=True)
    supplier("Zeta (large)", 0.05, Decimal("500"), cert=True, employees=3000, revenue_cny=Decimal("900000000"))
    expired = factories.make_certificate(outside, cert_type=Certificate.Type.ISO9001, valid=False)
    assert expired

    request = post_request(anchor_user)
    matches = suggested_suppliers(request)
    assert [m.company.name for m in matches] == ["Alpha", "Beta", "Gamma"]
    assert [m.score.total for m in matches] == [Decimal("100.0"), Decimal("72.5"), Decimal("65.0")]
    alpha, beta, gamma = (m.reasons for m in matches)
    assert any("200.00 % above the minimum of 1 × 10⁻² S/cm" in r for r in alpha)
    assert "Capacity of 200 tonnes per year covers the 100 tonnes per year requested." in alpha
    assert "Already works with your company in an active or completed collaboration." in alpha
    assert any("50.00 % above the minimum" in r for r in beta)
    assert "Capacity of 50 tonnes per year covers 50.00 % of the 100 tonnes per year requested." in beta
    assert "Holds every required certificate, valid today." in beta
    assert "Holds 0 of the 1 required certificates; lacks ISO 9001 quality management." in gamma
    assert "Not confirmed as local: outside the city." in gamma


def test_ranking_uses_the_directorys_filter_parameters(anchor_user):
    request = post_request(anchor_user, local_only=True,
                           requirements=[("ionic_conductivity", "min", 0.01), ("area_specific_resistance", "max", 20)])
    assert matching_filter_data(request) == {
        "category": "sulfide-electrolyte", "min_ionic_conductivity": "0.01", "max_area_specific_resistance": "20.0",
        "local": "true",
    }


def test_local_only_excludes_outside_suppliers(anchor_user):
    outside = factories.make_sme(local=False)
    factories.make_product(outside, figures={"ionic_conductivity": 0.02})
    assert suggested_suppliers(post_request(anchor_user, local_only=True)) == []
    assert [m.company for m in suggested_suppliers(post_request(anchor_user))] == [outside]


def test_ranking_costs_a_bounded_number_of_queries(anchor_user, django_assert_max_num_queries):
    for n in range(30):
        company = factories.make_sme(name=f"Supplier {n:02d}")
        factories.make_product(company, figures={"ionic_conductivity": 0.01 + n / 1000})
        factories.make_certificate(company)
    request = post_request(anchor_user)
    request = SourcingRequest.objects.get(pk=request.pk)
    with django_assert_max_num_queries(13):
        matches = suggested_suppliers(request, limit=10)
    # From 0.02 S/cm up the margin is capped at 100 %: equal scores keep the order by name.
    assert len(matches) == 10 and matches[0].company.name == "Supplier 10"


# --- the workflow ------------------------------------------------------------------------------------------------


def test_only_a_verified_anchor_posts_and_thresholds_are_checked(supplier_x, anchor_user):
    with pytest.raises(PermissionDenied):
        post_request(supplier_x)
    with pytest.raises(ValidationError) as error:
        post_request(anchor_user, requirements=[("ionic_conductivity", "min", 5.0), ("cycle_life", "min", 1e400)],
                     certificates=["no-such"], deadline=timezone.localdate() - timedelta(days=1))
    assert {"min_ionic_conductivity", "min_cycle_life", "required_certificates", "deadline"} <= set(
        error.value.message_dict)
    assert not SourcingRequest.objects.exists()


def test_offer_shortlist_accept_becomes_a_proposed_supply_agreement(anchor_user, supplier_x, supplier_y,
                                                                    company_y, x_offer, sourcing_request):
    y_product = factories.make_product(company_y, figures={"ionic_conductivity": 0.03})
    y_offer = services.offer_submit(by=supplier_y, sourcing_request=sourcing_request, data=offer_data(),
                                    products=[y_product])
    services.offer_shortlist(by=anchor_user, offer=x_offer)
    sourcing_request.refresh_from_db()
    assert sourcing_request.status == "shortlisted"
    offer = services.offer_accept(by=anchor_user, offer=x_offer)
    collaboration = offer.collaboration
    assert offer.status == "accepted"
    assert collaboration.status == Collaboration.Status.PROPOSED and collaboration.model == "supply"
    assert (collaboration.anchor, collaboration.sme) == (anchor_user.company, supplier_x.company)
    assert collaboration.committed_quantity == Decimal("100") and collaboration.quantity_unit == "t"
    assert collaboration.committed_value_per_year == Decimal("12000.00")  # 100 t × 120 CNY
    today = timezone.localdate()
    assert (collaboration.started_on, collaboration.ends_on) == (today, today + timedelta(days=364))
    assert list(collaboration.categories.all()) == [sourcing_request.category]
    sourcing_request.refresh_from_db()
    assert sourcing_request.status == "awarded"
    y_offer.refresh_from_db()
    assert y_offer.status == "declined" and y_offer.status_reason == "Another offer was accepted."
    # The supplier confirms as for any collaboration.
    from alliance.collaborations import collaboration_confirm

    assert collaboration_confirm(by=supplier_x, collaboration=collaboration).status == "active"
    assert [r.status for r in sourcing_request.history.order_by("history_date")] == ["open", "shortlisted", "awarded"]


def test_refused_moves(anchor_user, supplier_x, supplier_y, x_offer, sourcing_request, x_product):
    with pytest.raises(PermissionDenied):
        services.offer_shortlist(by=supplier_x, offer=x_offer)  # not the anchor
    with pytest.raises(PermissionDenied):
        services.offer_submit(by=supplier_x, sourcing_request=sourcing_request, data=offer_data(),
                              products=[x_product])  # answered already
    with pytest.raises(PermissionDenied):  # no product in the category
        services.offer_submit(by=supplier_y, sourcing_request=sourcing_request, data=offer_data(), products=[])
    with pytest.raises(ValidationError):
        services.offer_decline(by=anchor_user, offer=x_offer, reason="  ")
    services.offer_decline(by=anchor_user, offer=x_offer, reason="Price too high.")
    with pytest.raises(ValidationError):
        services.offer_accept(by=anchor_user, offer=x_offer)  # declined is final
    services.sourcing_request_withdraw(by=anchor_user, sourcing_request=sourcing_request, reason="Budget cut.")
    with pytest.raises(ValidationError):
        services.sourcing_request_withdraw(by=anchor_user, sourcing_request=sourcing_request, reason="Again.")


def test_offer_refuses_another_companys_product_and_a_bad_price_range(supplier_x, company_y, sourcing_request,
                                                                      x_product):
    other = factories.make_product(company_y, figures={"ionic_conductivity": 0.02})
    with pytest.raises(ValidationError) as error:
        services.offer_submit(by=supplier_x, sourcing_request=sourcing_request,
                              data=offer_data(price_low=Decimal("10"), price_high=Decimal("5")), products=[other])
    assert {"products", "price_high"} <= set(error.value.message_dict)
    assert "Company Y" not in str(error.value)


def test_expiry_at_read_time_and_by_the_sweep(anchor_user, sourcing_request, supplier_x, x_product):
    SourcingRequest.objects.filter(pk=sourcing_request.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    sourcing_request.refresh_from_db()
    assert sourcing_request.status == "open" and sourcing_request.current_status == "expired"
    with pytest.raises(PermissionDenied):
        services.offer_submit(by=supplier_x, sourcing_request=sourcing_request, data=offer_data(),
                              products=[x_product])
    call_command("expire_sourcing_requests")
    sourcing_request.refresh_from_db()
    assert sourcing_request.status == "expired"
    assert services.sourcing_requests_expire() == 0


# --- notifications -----------------------------------------------------------------------------------------------


def test_offer_shortlist_and_accept_send_mail_and_notices(anchor_user, supplier_x, sourcing_request, x_product):
    anchor_user.email = "buyer@anchor.example"
    anchor_user.save()
    supplier_x.email = "sales@x.example"
    supplier_x.save()
    mail.outbox.clear()
    offer = services.offer_submit(by=supplier_x, sourcing_request=sourcing_request, data=offer_data(),
                                  products=[x_product])
    assert mail.outbox[-1].to == ["buyer@anchor.example"]
    assert Notice.objects.get(company=anchor_user.company).text.startswith("Company X Materials made an offer")
    services.offer_shortlist(by=anchor_user, offer=offer)
    assert mail.outbox[-1].to == ["sales@x.example"] and "shortlisted" in mail.outbox[-1].subject
    services.offer_accept(by=anchor_user, offer=offer)
    assert mail.outbox[-1].to == ["sales@x.example"] and "accepted" in mail.outbox[-1].subject
    assert Notice.objects.filter(company=supplier_x.company).count() == 2

    notice = Notice.objects.filter(company=supplier_x.company).first()
    home = client_for(supplier_x).get("/my/").content.decode()
    assert "accepted your offer" in home and "Mark as read" in home
    response = client_for(anchor_user).post(reverse("alliance:notice_read", args=[notice.pk]))
    assert response.status_code == 404  # not the anchor's notice
    response = client_for(supplier_x).post(reverse("alliance:notice_read", args=[notice.pk]), {"next": "/my/"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


# --- gap prompts -------------------------------------------------------------------------------------------------


def test_gap_prompts_against_hand_computed_non_local_spend(anchor_user, anchor_company, company_x):
    today = timezone.localdate()
    sulfide, cells = factories.category("sulfide-electrolyte"), factories.category("solid-state-cells")
    factories.make_product(company_x, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.02})
    for days, amount, category in ((10, "3000.00", sulfide), (200, "2000.50", sulfide), (30, "4000.00", cells),
                                   (400, "99999.00", cells)):  # the last one is older than twelve months
        factories.make_purchase(anchor_company, None, purchased_on=today - timedelta(days=days),
                                amount=Decimal(amount), category=category)
    factories.make_purchase(anchor_company, company_x, purchased_on=today, amount=Decimal("50000"), category=cells)
    gaps = sourcing_gaps(anchor_company, today=today)
    assert [(g.category.slug, g.amount, g.local_suppliers) for g in gaps] == [
        ("sulfide-electrolyte", Decimal("5000.50"), 1), ("solid-state-cells", Decimal("4000.00"), 0),
    ]
    html = client_for(anchor_user).get("/my/").content.decode()
    assert "Your largest non-local spend, last twelve months" in html
    assert "/sourcing-requests/new/?category=sulfide-electrolyte" in html
    form = client_for(anchor_user).get("/sourcing-requests/new/?category=sulfide-electrolyte")
    assert form.context["form"].initial["category"] == "sulfide-electrolyte"


def test_chain_map_links_a_category_to_its_open_requests(client, sourcing_request):
    html = client.get("/chain/").content.decode()
    assert "1 open sourcing request" in html
    assert "/sourcing-requests/?category=sulfide-electrolyte&amp;status=open" in html


# --- pages: the permission matrix ----------------------------------------------------------------------------------


@pytest.fixture
def private_request(anchor_user, company_x):
    factories.make_membership(company_x)  # X is an alliance member, Y is not
    return post_request(anchor_user, visibility="members", title="Members-only request")


PRIVATE_DETAIL = {"anonymous": 404, "supplier_x": 200, "supplier_y": 404, "anchor_user": 200, "official": 200}


@pytest.mark.parametrize("role", ROLES)
def test_members_only_request_page(request, role, private_request):
    response = client_for(user_for(request, role)).get(
        reverse("alliance:sourcing_request_detail", args=[private_request.pk]))
    assert response.status_code == PRIVATE_DETAIL[role]
    listed = client_for(user_for(request, role)).get("/sourcing-requests/").content.decode()
    assert ("Members-only request" in listed) == (PRIVATE_DETAIL[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_public_request_page_shows_matches_only_to_the_anchor_and_officials(request, role, sourcing_request, x_product):
    response = client_for(user_for(request, role)).get(
        reverse("alliance:sourcing_request_detail", args=[sourcing_request.pk]))
    assert response.status_code == 200
    assert ("Suggested suppliers" in response.content.decode()) == (role in ("anchor_user", "official"))


OFFER_PAGE = {"anonymous": 302, "supplier_x": 200, "supplier_y": 403, "anchor_user": 403, "official": 302}


@pytest.mark.parametrize("role", ROLES)
def test_offer_page(request, role, sourcing_request, x_product):
    response = client_for(user_for(request, role)).get(reverse("alliance:offer_create", args=[sourcing_request.pk]))
    assert response.status_code == OFFER_PAGE[role]


SHORTLIST = {"anonymous": 302, "supplier_x": 403, "supplier_y": 404, "anchor_user": 302, "official": 403}


@pytest.mark.parametrize("role", ROLES)
def test_shortlist_action(request, role, x_offer, sourcing_request):
    url = reverse("alliance:offer_shortlist", args=[sourcing_request.pk, x_offer.pk])
    response = client_for(user_for(request, role)).post(url)
    assert response.status_code == SHORTLIST[role]
    x_offer.refresh_from_db()
    assert (x_offer.status == "shortlisted") == (role == "anchor_user")


def test_a_supplier_sees_only_its_own_offer(supplier_x, supplier_y, company_y, x_offer, sourcing_request):
    factories.make_product(company_y, figures={"ionic_conductivity": 0.03})
    client_for(supplier_y).post(reverse("alliance:offer_create", args=[sourcing_request.pk]), {
        "products": [company_y.products.get().pk], "price_low": "90", "price_high": "95", "lead_time_days": "20",
        "note": "Y's own terms"})
    assert Offer.objects.filter(supplier=company_y).exists()
    page = client_for(supplier_x).get(reverse("alliance:sourcing_request_detail", args=[sourcing_request.pk]))
    html = page.content.decode()
    assert "Samples in two weeks." in html and "Y's own terms" not in html and "Company Y" not in html


def test_the_full_journey_through_the_pages(anchor_user, supplier_x, x_product):
    anchor = client_for(anchor_user)
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = anchor.post("/sourcing-requests/new/", {
        "title": "Powder", "category": "sulfide-electrolyte", "quantity": "1,000", "quantity_unit": "t",
        "deadline": deadline, "visibility": "public", "min_ionic_conductivity": "1e-2",
        "required_certificates": ["iso9001"]})
    assert response.status_code == 302, response.context["form"].errors
    request = SourcingRequest.objects.get()
    assert request.requirements.get().value == 0.01
    bad = anchor.post("/sourcing-requests/new/", {"title": "x", "category": "sulfide-electrolyte",
                                                  "quantity": "1", "quantity_unit": "t", "deadline": deadline,
                                                  "visibility": "public", "min_ionic_conductivity": "1e400"})
    assert bad.status_code == 400
    supplier = client_for(supplier_x)
    response = supplier.post(f"/sourcing-requests/{request.pk}/offer/", {
        "products": [x_product.pk], "price_low": "100", "price_high": "120", "lead_time_days": "14"})
    assert response.status_code == 302
    offer = Offer.objects.get()
    response = anchor.post(f"/sourcing-requests/{request.pk}/offers/{offer.pk}/accept/")
    offer.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/collaborations/{offer.collaboration_id}/"


def test_list_filters_and_bad_parameters(client, sourcing_request):
    assert client.get("/sourcing-requests/", {"status": "open"}).context["result_count"] == 1
    assert client.get("/sourcing-requests/", {"status": "expired"}).context["result_count"] == 0
    assert client.get("/sourcing-requests/", {"category": "solid-electrolytes"}).context["result_count"] == 1
    assert client.get("/sourcing-requests/", {"status": "bogus"}).status_code == 400
    assert client.get("/sourcing-requests/", {"anchor": str(10**30)}).status_code == 400
    assert client.get("/sourcing-requests/", {"nonsense": "1"}).status_code == 400


def test_deadline_window_is_checked(anchor_user):
    with pytest.raises(ValidationError) as error:
        post_request(anchor_user, deadline=date.today() + timedelta(days=400))
    assert "deadline" in error.value.message_dict


def test_an_open_request_reads_open_not_the_open_link_in_chinese():
    from django.utils import translation

    from alliance.models import SourcingRequest

    with translation.override("zh-hans"):
        assert str(SourcingRequest.Status.OPEN.label) == "征集中"
        assert translation.gettext("Open") == "打开"  # the link that opens a document keeps its own word
