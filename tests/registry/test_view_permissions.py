"""The permission matrix of the company's own pages: anonymous, supplier of X, supplier of Y, anchor firm,
official, against every /my/ view and the certificate document. X's records are 404 to everyone else."""

import pytest

from registry.models import Certificate, JoinRequest, Product
from registry.services import certificate_save
from tests import factories
from tests.conftest import client_for

ROLES = ["anonymous", "supplier_x", "supplier_y", "anchor_user", "official"]
LOGIN = "login"




@pytest.fixture
def records_of_x(company_x, supplier_x):
    """A product, a certificate with its document, and a pending join request, all of company X."""
    product = factories.make_product(company_x, name="X powder", figures={"ionic_conductivity": 0.02})
    certificate = certificate_save(
        by=supplier_x,
        company=company_x,
        data={
            "cert_type": "iso9001", "number": "X-1", "issuer": "CQC",
            "valid_from": "2025-01-01", "valid_until": "2030-01-01",
        },
        document=factories.document_upload(),
    )
    join_request = JoinRequest.objects.create(user=factories.make_user(None, username="wants_x"), company=company_x)
    return {"product": product, "certificate": certificate, "join_request": join_request}


@pytest.fixture
def as_role(request, records_of_x, supplier_y, anchor_user, official):
    """A client logged in as the named role (all five roles exist in every test, so each sees the same data)."""

    def make(role):
        user = None if role == "anonymous" else request.getfixturevalue(role)
        return client_for(user)

    return make


def outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


# Pages about the user's own company: a user without one (the official) is sent to /my/, which explains.
OWN_PAGES = ["/my/", "/my/profile/", "/my/products/new/", "/my/certificates/new/"]
OWN_EXPECTED = {
    "anonymous": [LOGIN] * 4,
    "supplier_x": [200] * 4,
    "supplier_y": [200] * 4,
    "anchor_user": [200] * 4,
    "official": [200, 302, 302, 302],
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_own_company_pages(role, as_role):
    client = as_role(role)
    assert [outcome(client.get(url)) for url in OWN_PAGES] == OWN_EXPECTED[role]


def x_record_urls(records) -> list[str]:
    product, certificate = records["product"].pk, records["certificate"].pk
    return [
        f"/my/products/{product}/edit/",
        f"/my/products/{product}/delete/",
        f"/my/certificates/{certificate}/edit/",
        f"/my/certificates/{certificate}/delete/",
        f"/certificates/{certificate}/document/",
    ]


X_RECORD_EXPECTED = {
    "anonymous": [LOGIN] * 5,
    "supplier_x": [200] * 5,
    "supplier_y": [404] * 5,
    "anchor_user": [404] * 5,
    # Officials read documents (to verify), but edit nothing of a company here.
    "official": [404, 404, 404, 404, 200],
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_of_company_x_records(role, as_role, records_of_x):
    client = as_role(role)
    assert [outcome(client.get(url)) for url in x_record_urls(records_of_x)] == X_RECORD_EXPECTED[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "supplier_y", "anchor_user", "official"])
def test_nobody_else_changes_or_deletes_x_records(role, as_role, records_of_x):
    client = as_role(role)
    product, certificate = records_of_x["product"], records_of_x["certificate"]
    expected = LOGIN if role == "anonymous" else 404
    changes = [
        client.post(f"/my/products/{product.pk}/edit/", {
            "name": "Hijacked", "category": product.category_id, "stage": "rd",
        }),
        client.post(f"/my/products/{product.pk}/delete/"),
        client.post(f"/my/certificates/{certificate.pk}/edit/", {
            "cert_type": "other", "number": "Hijacked", "issuer": "Nobody",
            "valid_from": "2025-01-01", "valid_until": "2026-01-01",
        }),
        client.post(f"/my/certificates/{certificate.pk}/delete/"),
    ]
    assert [outcome(response) for response in changes] == [expected] * 4
    assert Product.objects.get(pk=product.pk).name == "X powder"
    assert Certificate.objects.get(pk=certificate.pk).number == "X-1"


JOIN_DECISION_EXPECTED = {
    "anonymous": (LOGIN, "pending"),
    "supplier_x": (302, "approved"),
    "supplier_y": (404, "pending"),
    "anchor_user": (404, "pending"),
    "official": (302, "approved"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_deciding_x_join_request(role, as_role, records_of_x):
    join_request = records_of_x["join_request"]
    response = as_role(role).post(f"/my/join-requests/{join_request.pk}/decide/", {"decision": "approve"})
    join_request.refresh_from_db()
    assert (outcome(response), join_request.status) == JOIN_DECISION_EXPECTED[role]


@pytest.mark.django_db
def test_deciding_needs_a_post(as_role, records_of_x):
    join_request = records_of_x["join_request"]
    assert as_role("supplier_x").get(f"/my/join-requests/{join_request.pk}/decide/").status_code == 405


@pytest.mark.django_db
def test_the_decision_redirect_stays_on_this_site(as_role, records_of_x):
    join_request = records_of_x["join_request"]
    response = as_role("supplier_x").post(
        f"/my/join-requests/{join_request.pk}/decide/", {"decision": "decline", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/my/#join-requests"


@pytest.mark.django_db
def test_the_owner_changes_and_deletes_its_records(as_role, records_of_x):
    client = as_role("supplier_x")
    product, certificate = records_of_x["product"], records_of_x["certificate"]
    response = client.post(
        f"/my/products/{product.pk}/edit/", {"name": "Renamed", "category": product.category_id, "stage": "rd"}
    )
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).name == "Renamed"
    assert client.post(f"/my/certificates/{certificate.pk}/delete/").status_code == 302
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
