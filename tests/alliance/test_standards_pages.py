"""Standards pages and the company's participations under /my/: permission matrix, the form, evidence privacy,
hostile input, and the sections on the company's own pages."""

import re

import pytest
from django.test import Client

from alliance.models import StandardParticipation
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "supplier_x", "supplier_y", "anchor_user", "official"]


@pytest.fixture
def clients(supplier_x, supplier_y, anchor_user, official):
    return {
        "anonymous": Client(),
        "supplier_x": client_for(supplier_x),
        "supplier_y": client_for(supplier_y),
        "anchor_user": client_for(anchor_user),
        "official": client_for(official),
    }


@pytest.fixture
def iec():
    return factories.make_standard(code="IEC 62660-9", title="Solid-state secondary lithium cells", body="IEC")


@pytest.fixture
def pending_x(company_x, iec):
    return factories.make_participation(company_x, iec, role="lead", status="pending", note="Convenor of WG3")


@pytest.fixture
def verified_y(company_y, iec):
    return factories.make_participation(company_y, iec, role="participant", status="verified")


# --- permission matrix ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_public_pages_answer_everyone(clients, role, iec):
    for url in ("/alliance/", "/alliance/members/", "/alliance/standards/", f"/alliance/standards/{iec.pk}/"):
        assert clients[role].get(url).status_code == 200, url


MY_PAGES = {"anonymous": 302, "supplier_x": 200, "supplier_y": 200, "anchor_user": 200, "official": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/my/standards/", "/my/standards/new/"])
def test_my_pages_are_for_company_users(clients, role, url):
    response = clients[role].get(url)
    assert response.status_code == MY_PAGES[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if role == "official":  # an official has no company: /my/ explains
        assert response["Location"] == "/my/"


EVIDENCE = {"anonymous": 302, "supplier_x": 200, "supplier_y": 404, "anchor_user": 404, "official": 200}


@pytest.mark.parametrize("role", ROLES)
def test_evidence_only_to_the_company_and_officials(clients, role, pending_x):
    response = clients[role].get(f"/alliance/participations/{pending_x.pk}/evidence/")
    assert response.status_code == EVIDENCE[role]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_evidence_of_a_verified_participation_is_still_private(clients, verified_y):
    assert clients["supplier_x"].get(f"/alliance/participations/{verified_y.pk}/evidence/").status_code == 404
    assert clients["supplier_y"].get(f"/alliance/participations/{verified_y.pk}/evidence/").status_code == 200


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_unknown_ids_are_404(clients, pk):
    assert clients["official"].get(f"/alliance/participations/{pk}/evidence/").status_code == 404
    assert clients["anonymous"].get(f"/alliance/standards/{pk}/").status_code == 404


DETAIL_SEES_PENDING = {"anonymous": False, "supplier_x": True, "supplier_y": False, "anchor_user": False,
                       "official": True}


@pytest.mark.parametrize("role", ROLES)
def test_the_detail_shows_pending_participations_only_to_their_company_and_officials(
    clients, role, iec, pending_x, verified_y
):
    html = clients[role].get(f"/alliance/standards/{iec.pk}/").content.decode()
    assert "Company Y Equipment" in html
    assert ("Company X Materials" in html) is DETAIL_SEES_PENDING[role]
    evidence_links = re.findall(r"/alliance/participations/(\d+)/evidence/", html)
    expected = {"supplier_x": {str(pending_x.pk)}, "supplier_y": {str(verified_y.pk)},
                "official": {str(pending_x.pk), str(verified_y.pk)}}.get(role, set())
    assert set(evidence_links) == expected


# --- recording a participation ------------------------------------------------------------------------------------

def form_data(chosen, **overrides):
    data = {"standard": chosen.pk, "role": "lead", "note": "Convenor",
            "evidence": factories.document_upload("pdf", name="iec-letter.pdf")}
    data.update(overrides)
    return data


def test_recording_through_the_form(clients, supplier_x, iec):
    response = clients["supplier_x"].post("/my/standards/new/", form_data(iec), follow=True)
    assert response.redirect_chain[-1][0] == "/my/standards/"
    participation = StandardParticipation.objects.get()
    assert (participation.company, participation.status, participation.created_by) == (
        supplier_x.company, "pending", supplier_x
    )
    html = response.content.decode()
    assert "IEC 62660-9" in html and "Pending verification" in html


def test_the_standard_can_be_chosen_from_its_page(clients, iec):
    html = clients["supplier_x"].get(f"/my/standards/new/?standard={iec.pk}").content.decode()
    assert re.search(rf'<option value="{iec.pk}" selected>', html)


def test_missing_fields_are_named_and_typing_kept(clients, iec):
    response = clients["supplier_x"].post("/my/standards/new/", {"note": "Kept note"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    for message in ("Choose the standard.", "Choose your company’s role", "Choose the evidence to upload."):
        assert message in html
    assert "Kept note" in html
    assert not StandardParticipation.objects.exists()


@pytest.mark.parametrize("field,value,message", [
    ("note", "a\x00b", "Null characters are not allowed."),
    ("note", "x" * 2001, "at most 2000 characters"),
    ("role", "convenor\x00", "Select a valid choice"),
    ("standard", "99999999999999999999999999", "Select a valid choice"),
    ("standard", "1\x00", "Select a valid choice"),  # not an id: refused as a choice, beside the field
    ("standard", "x" * 5000, "Select a valid choice"),
])
def test_hostile_values_are_refused_beside_the_field(clients, iec, field, value, message):
    response = clients["supplier_x"].post("/my/standards/new/", form_data(iec, **{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert not StandardParticipation.objects.exists()


def test_a_renamed_executable_is_refused(clients, iec):
    fake = factories.document_upload(name="letter.pdf", content=b"MZ\x90\x00" + b"0" * 100)
    html = clients["supplier_x"].post("/my/standards/new/", form_data(iec, evidence=fake)).content.decode()
    assert "not a real PDF document" in html
    assert not StandardParticipation.objects.exists()


def test_recording_the_same_role_twice_says_so(clients, iec, pending_x):
    html = clients["supplier_x"].post("/my/standards/new/", form_data(iec)).content.decode()
    assert 'id="id_standard_error"' in html and "already recorded" in html


# --- the company's pages --------------------------------------------------------------------------------------------

def test_my_home_shows_membership_and_every_participation(clients, company_x, pending_x):
    factories.make_membership(company_x, tier="council")
    rejected = factories.make_participation(
        company_x, factories.make_standard(code="GB/T 99999", body="national"), status="rejected",
        status_reason="Letter unsigned.",
    )
    html = clients["supplier_x"].get("/my/").content.decode()
    assert "Council member" in html
    assert "Pending verification" in html and "IEC 62660-9" in html
    assert "Letter unsigned." in html and rejected.standard.code in html
    assert "/my/standards/new/" in html


def test_the_public_company_page_shows_only_verified_participations(clients, company_x, pending_x):
    verified = factories.make_participation(
        company_x, factories.make_standard(code="ISO 12405-4", body="ISO"), role="participant", status="verified"
    )
    html = clients["anonymous"].get(f"/directory/{company_x.pk}/").content.decode()
    assert verified.standard.code in html
    assert "IEC 62660-9" not in html
    assert "/evidence/" not in html


def test_a_company_with_nothing_in_the_alliance_has_no_section(clients, company_y):
    html = clients["anonymous"].get(f"/directory/{company_y.pk}/").content.decode()
    assert "Industry alliance and standards" not in html
