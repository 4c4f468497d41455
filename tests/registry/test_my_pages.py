"""The company's own pages: /my/, the profile, products and certificates with their private documents."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from registry.models import Certificate, Company, JoinRequest, Product
from registry.services import certificate_delete, certificate_save
from tests import factories
from tests.conftest import client_for


def page(user, url="/my/") -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- /my/ -----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestMyHome:
    def test_shows_a_pending_company_with_size_and_locality(self, db):
        company = factories.make_company(status=Company.Status.PENDING, employees=350, revenue_cny="25000000")
        html = page(factories.make_user(company))
        assert '<span class="tag tag-pending">Pending verification</span>' in html
        assert "Awaiting verification." in html
        assert '<span class="tag tag-size">Medium</span>' in html
        assert "Local: the division code 320583 lies inside Suzhou." in html
        assert "Not confirmed yet" in html
        assert company.uscc in html
        assert "¥25,000,000.00" in html

    def test_shows_a_rejection_with_its_reason(self, db):
        company = factories.make_company(status=Company.Status.REJECTED, status_reason="Licence scan unreadable.")
        html = page(factories.make_user(company))
        assert '<span class="tag tag-rejected">Rejected</span>' in html
        assert "Licence scan unreadable." in html

    def test_shows_a_suspension(self, db):
        company = factories.make_company(status=Company.Status.SUSPENDED, status_reason="Under investigation.")
        html = page(factories.make_user(company))
        assert '<span class="tag tag-suspended">Suspended</span>' in html
        assert "Under investigation." in html

    def test_shows_verified_until(self, supplier_x, company_x):
        html = page(supplier_x)
        assert '<span class="tag tag-verified">Verified</span>' in html
        assert f'datetime="{company_x.verified_until.isoformat()}"' in html
        assert "Confirmed: purchases from the company count as local." in html

    def test_shows_an_expired_verification(self, db):
        company = factories.make_company()
        Company.objects.filter(pk=company.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
        html = page(factories.make_user(company))
        assert '<span class="tag tag-expired">Verification expired</span>' in html
        assert "has left the published directory" in html

    def test_lists_products_with_figures_units_and_target_badge(self, supplier_x, company_x):
        factories.make_product(company_x, name="LPSC-1", figures={"ionic_conductivity": 0.012})
        factories.make_product(company_x, name="LPSC-2", figures={"ionic_conductivity": 0.005})
        html = page(supplier_x)
        assert "LPSC-1" in html and "LPSC-2" in html
        assert "Ionic conductivity at 25 °C: <strong>1.2 × 10⁻² S/cm</strong>" in html
        assert html.count('<span class="tag tag-meets">Meets city target</span>') == 1
        product = Product.objects.get(name="LPSC-1")
        assert f'href="/my/products/{product.pk}/edit/"' in html
        assert f'href="/my/products/{product.pk}/delete/"' in html

    def test_lists_certificates_valid_and_expired(self, supplier_x, company_x):
        valid = factories.make_certificate(company_x, number="VALID-1", document=None)
        factories.make_certificate(company_x, number="OLD-1", valid=False)
        certificate_save(
            by=supplier_x, company=company_x, data={}, document=factories.document_upload(), certificate=valid
        )
        html = page(supplier_x)
        assert "VALID-1" in html and "OLD-1" in html
        assert '<span class="tag tag-verified">Valid</span>' in html
        assert '<span class="tag tag-expired">Expired</span>' in html
        assert f'href="/certificates/{valid.pk}/document/"' in html
        assert "None uploaded" in html  # the expired one has no document

    def test_lists_pending_join_requests_and_users(self, supplier_x, company_x):
        newcomer = factories.make_user(None, username="zhao.lei")
        pending = JoinRequest.objects.create(user=newcomer, company=company_x, message="Quality engineer.")
        other = factories.make_user(None, username="declined.one")
        JoinRequest.objects.create(user=other, company=company_x, status="declined")
        html = page(supplier_x)
        assert "zhao.lei" in html and "Quality engineer." in html
        assert f'action="/my/join-requests/{pending.pk}/decide/"' in html
        assert "declined.one" not in html
        assert "supplier_x" in html

    def test_another_companys_join_requests_are_not_listed(self, supplier_x, company_y):
        JoinRequest.objects.create(user=factories.make_user(None, username="wants.y"), company=company_y)
        assert "wants.y" not in page(supplier_x)

    def test_a_user_without_a_company_is_told_how_to_proceed(self, db):
        html = page(factories.make_user(None))
        assert "not linked to a company" in html
        assert 'href="/accounts/signup/"' in html

    def test_an_official_is_sent_to_the_admin(self, official):
        assert 'href="/admin/"' in page(official)


# --- profile ----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestProfileEdit:
    def profile_data(self, company, **overrides):
        data = {
            "name": company.name, "name_en": "", "organisation_type": "company", "district": company.district_id or "",
            "address": "", "website": "", "contact_name": "Li Wei", "contact_phone": "", "contact_email": "",
            "employees": str(company.employees), "revenue_cny": str(company.revenue_cny), "description": "",
            "categories": [],
        }
        data.update(overrides)
        return data

    def test_the_form_is_filled_with_the_profile(self, supplier_x, company_x):
        html = page(supplier_x, "/my/profile/")
        assert f'value="{company_x.name}"' in html
        assert company_x.uscc in html  # shown, not editable
        assert 'name="uscc"' not in html

    def test_saving_recomputes_the_size_class(self, supplier_x, company_x):
        assert company_x.size_class == "small"
        response = client_for(supplier_x).post(
            "/my/profile/", self.profile_data(company_x, employees="1,200", revenue_cny="450000000")
        )
        assert response.status_code == 302
        company_x.refresh_from_db()
        assert (company_x.employees, company_x.size_class) == (1200, "large")
        assert company_x.history.first().history_user == supplier_x

    def test_uscc_and_status_cannot_be_changed(self, supplier_x, company_x):
        original = company_x.uscc
        client_for(supplier_x).post(
            "/my/profile/", self.profile_data(company_x, uscc=factories.make_uscc(), status="verified", is_anchor="on")
        )
        company_x.refresh_from_db()
        assert company_x.uscc == original
        assert company_x.is_anchor is False

    def test_bad_input_is_refused_beside_the_field_and_kept(self, supplier_x, company_x):
        response = client_for(supplier_x).post(
            "/my/profile/", self.profile_data(company_x, name="", employees="many")
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert {"name", "employees"} <= set(response.context["form"].errors)
        assert 'value="many"' in html
        assert 'href="#id_employees"' in html
        company_x.refresh_from_db()
        assert company_x.name == "Company X Materials"

    def test_categories_are_saved(self, supplier_x, company_x):
        graphene = factories.category("graphene")
        client_for(supplier_x).post("/my/profile/", self.profile_data(company_x, categories=[graphene.pk]))
        assert list(company_x.categories.all()) == [graphene]


# --- products ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestProducts:
    def product_data(self, slug="sulfide-electrolyte", **overrides):
        data = {
            "name": "LPSC powder", "category": factories.category(slug).pk, "stage": "mass", "application": "",
            "annual_capacity": "", "capacity_unit": "", "description": "",
        }
        data.update(overrides)
        return data

    def test_the_form_shows_every_figure_with_its_unit_and_the_categories_using_it(self, supplier_x):
        html = page(supplier_x, "/my/products/new/")
        assert 'name="figure_ionic_conductivity"' in html
        assert '<span class="unit" aria-hidden="true">S/cm</span>' in html
        assert '<span class="unit" aria-hidden="true">mAh/g</span>' in html
        sulfide = factories.category("sulfide-electrolyte").pk
        row = re.search(r'data-figure-categories="([^"]*)">\s*\n?.*?name="figure_ionic_conductivity"', html, re.S)
        assert str(sulfide) in row.group(1).split()
        assert "Reported for: Solid electrolytes." in html

    def test_adding_a_product_that_meets_the_target(self, supplier_x, company_x):
        response = client_for(supplier_x).post(
            "/my/products/new/", self.product_data(figure_ionic_conductivity="1.2e-2"), follow=True
        )
        product = Product.objects.get()
        assert product.company == company_x
        assert product.meets_target is True
        assert product.figure_values == {"ionic_conductivity": pytest.approx(0.012)}
        assert "It meets the city’s target for its category." in response.content.decode()

    @pytest.mark.parametrize(
        ("slug", "figure", "value", "message"),
        [
            ("sulfide-electrolyte", "ionic_conductivity", "5", "must be less than 1 S/cm"),
            ("oxide-electrolyte", "area_specific_resistance", "-3", "must be more than 0 Ω·cm²"),
            ("lithium-metal-anode", "coulombic_efficiency", "101", "must be at most 100 %"),
            ("sulfide-electrolyte", "ionic_conductivity", "fast", "Enter a number."),
        ],
    )
    def test_bad_figures_are_refused_beside_the_field(self, supplier_x, slug, figure, value, message):
        response = client_for(supplier_x).post(
            "/my/products/new/", self.product_data(slug, **{f"figure_{figure}": value})
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert message in response.context["form"].errors[f"figure_{figure}"][0]
        assert f'href="#id_figure_{figure}"' in html
        assert f'value="{value}"' in html
        assert not Product.objects.exists()

    def test_figures_of_other_categories_are_ignored_and_said_so(self, supplier_x):
        response = client_for(supplier_x).post(
            "/my/products/new/",
            self.product_data(figure_ionic_conductivity="0.02", figure_specific_capacity="-7"),
            follow=True,
        )
        product = Product.objects.get()
        assert product.figure_values == {"ionic_conductivity": pytest.approx(0.02)}
        assert "Not kept, because Sulfide electrolytes products do not report them: Specific capacity." in (
            response.content.decode()
        )

    def test_a_capacity_needs_its_unit(self, supplier_x):
        response = client_for(supplier_x).post("/my/products/new/", self.product_data(annual_capacity="1,200"))
        assert "capacity_unit" in response.context["form"].errors
        assert not Product.objects.exists()
        client_for(supplier_x).post("/my/products/new/", self.product_data(annual_capacity="1,200", capacity_unit="t"))
        assert Product.objects.get().annual_capacity == 1200

    def test_editing_shows_the_figures_and_saves_changes(self, supplier_x, company_x):
        product = factories.make_product(company_x, name="Old", figures={"ionic_conductivity": 0.012})
        html = page(supplier_x, f"/my/products/{product.pk}/edit/")
        assert 'value="0.012"' in html
        client_for(supplier_x).post(
            f"/my/products/{product.pk}/edit/", self.product_data(name="New", figure_ionic_conductivity="0.008")
        )
        product = Product.objects.get(pk=product.pk)
        assert product.name == "New"
        assert product.meets_target is False
        assert product.figure_values == {"ionic_conductivity": pytest.approx(0.008)}

    def test_deleting_asks_first_then_deletes_on_post(self, supplier_x, company_x):
        product = factories.make_product(company_x, name="To go")
        html = page(supplier_x, f"/my/products/{product.pk}/delete/")
        assert "Delete “To go”?" in html and 'method="post"' in html
        assert Product.objects.filter(pk=product.pk).exists()
        response = client_for(supplier_x).post(f"/my/products/{product.pk}/delete/")
        assert response.status_code == 302
        assert not Product.objects.filter(pk=product.pk).exists()


# --- certificates -----------------------------------------------------------------------------------


def certificate_data(**overrides):
    today = date.today()
    data = {
        "cert_type": "iso9001", "number": "CQC-2025-001", "issuer": "China Quality Certification Centre",
        "valid_from": (today - timedelta(days=30)).isoformat(),
        "valid_until": (today + timedelta(days=700)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestCertificates:
    def test_adding_a_certificate_stores_the_document_privately_under_a_random_name(
        self, supplier_x, company_x, private_media
    ):
        upload = factories.document_upload("pdf", name="Our ISO licence.pdf")
        response = client_for(supplier_x).post("/my/certificates/new/", {**certificate_data(), "document": upload})
        assert response.status_code == 302
        certificate = Certificate.objects.get()
        assert certificate.company == company_x
        assert re.fullmatch(r"certificate/[0-9a-f]{32}\.pdf", certificate.document.name)
        stored = private_media / certificate.document.name
        assert stored.read_bytes().startswith(b"%PDF-")
        assert "licence" not in certificate.document.name
        # Never reachable as plain media.
        assert client_for(supplier_x).get(f"/media/{certificate.document.name}").status_code == 404

    @pytest.mark.parametrize("kind", ["png", "jpeg"])
    def test_images_are_accepted(self, supplier_x, kind):
        client_for(supplier_x).post(
            "/my/certificates/new/", {**certificate_data(), "document": factories.document_upload(kind)}
        )
        assert Certificate.objects.get().document.name.endswith(".png" if kind == "png" else ".jpg")

    def test_a_pdf_that_is_really_text_is_refused(self, supplier_x, private_media):
        fake = factories.document_upload(name="certificate.pdf", content=b"just some text, not a PDF")
        response = client_for(supplier_x).post("/my/certificates/new/", {**certificate_data(), "document": fake})
        assert response.status_code == 200
        assert "not a real PDF document" in response.context["form"].errors["document"][0]
        assert not Certificate.objects.exists()
        assert not list(private_media.rglob("*.*"))

    def test_another_file_type_is_refused(self, supplier_x):
        exe = factories.document_upload(name="setup.exe", content=b"MZ\x90\x00")
        response = client_for(supplier_x).post("/my/certificates/new/", {**certificate_data(), "document": exe})
        assert "Upload a PDF, PNG or JPEG file" in response.context["form"].errors["document"][0]
        assert not Certificate.objects.exists()

    def test_a_too_big_file_is_refused(self, supplier_x, settings):
        settings.UPLOAD_MAX_BYTES = 1024
        big = factories.document_upload("pdf", size=4096)
        response = client_for(supplier_x).post("/my/certificates/new/", {**certificate_data(), "document": big})
        assert "the largest accepted is 1.0\u00a0KB" in response.context["form"].errors["document"][0]
        assert not Certificate.objects.exists()

    def test_a_document_is_required_for_a_new_certificate(self, supplier_x):
        response = client_for(supplier_x).post("/my/certificates/new/", certificate_data())
        assert "document" in response.context["form"].errors

    def test_valid_until_before_valid_from_is_refused_and_the_typing_kept(self, supplier_x):
        response = client_for(supplier_x).post(
            "/my/certificates/new/",
            {
                **certificate_data(valid_from="2025-06-01", valid_until="2025-05-31"),
                "document": factories.document_upload(),
            },
        )
        html = response.content.decode()
        assert "The end of validity cannot be before its start." in response.context["form"].errors["valid_until"][0]
        assert 'value="2025-05-31"' in html and 'value="CQC-2025-001"' in html
        assert not Certificate.objects.exists()

    def test_the_same_day_is_a_valid_range(self, supplier_x):
        client_for(supplier_x).post(
            "/my/certificates/new/",
            {
                **certificate_data(valid_from="2025-06-01", valid_until="2025-06-01"),
                "document": factories.document_upload(),
            },
        )
        assert Certificate.objects.get().valid_until == date(2025, 6, 1)

    def test_editing_without_a_new_file_keeps_the_document(self, supplier_x, company_x):
        certificate = certificate_save(
            by=supplier_x, company=company_x, data=certificate_data(), document=factories.document_upload()
        )
        name = certificate.document.name
        client_for(supplier_x).post(f"/my/certificates/{certificate.pk}/edit/", certificate_data(number="NEW-2"))
        certificate.refresh_from_db()
        assert (certificate.number, certificate.document.name) == ("NEW-2", name)

    def test_a_new_document_replaces_the_old_file(
        self, supplier_x, company_x, private_media, django_capture_on_commit_callbacks
    ):
        certificate = certificate_save(
            by=supplier_x, company=company_x, data=certificate_data(), document=factories.document_upload()
        )
        old = private_media / certificate.document.name
        with django_capture_on_commit_callbacks(execute=True):
            client_for(supplier_x).post(
                f"/my/certificates/{certificate.pk}/edit/",
                {**certificate_data(), "document": factories.document_upload("png")},
            )
        certificate.refresh_from_db()
        assert certificate.document.name.endswith(".png")
        assert (private_media / certificate.document.name).exists()
        assert not old.exists()

    def test_deleting_removes_the_record_and_its_file(
        self, supplier_x, company_x, private_media, django_capture_on_commit_callbacks
    ):
        certificate = certificate_save(
            by=supplier_x, company=company_x, data=certificate_data(), document=factories.document_upload()
        )
        stored = private_media / certificate.document.name
        assert "Delete “ISO 9001 quality management CQC-2025-001”?" in page(
            supplier_x, f"/my/certificates/{certificate.pk}/delete/"
        )
        with django_capture_on_commit_callbacks(execute=True):
            client_for(supplier_x).post(f"/my/certificates/{certificate.pk}/delete/")
        assert not Certificate.objects.exists()
        assert not stored.exists()

    def test_the_service_refuses_other_companies(self, supplier_y, company_x):
        certificate = factories.make_certificate(company_x)
        with pytest.raises(PermissionDenied):
            certificate_delete(by=supplier_y, certificate=certificate)
        assert Certificate.objects.exists()


@pytest.mark.django_db
class TestCertificateDocument:
    @pytest.fixture
    def certificate(self, supplier_x, company_x):
        return certificate_save(
            by=supplier_x, company=company_x, data=certificate_data(number="CQC/7"),
            document=factories.document_upload("pdf", size=3000),
        )

    def test_served_to_the_companys_user_inline_with_its_type(self, supplier_x, certificate):
        response = client_for(supplier_x).get(f"/certificates/{certificate.pk}/document/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="iso-9001-quality-management-cqc7.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_an_image_is_served_as_an_image(self, supplier_x, company_x):
        certificate = certificate_save(
            by=supplier_x, company=company_x, data=certificate_data(), document=factories.document_upload("jpeg")
        )
        response = client_for(supplier_x).get(f"/certificates/{certificate.pk}/document/")
        assert response["Content-Type"] == "image/jpeg"

    def test_served_to_an_official(self, official, certificate):
        assert client_for(official).get(f"/certificates/{certificate.pk}/document/").status_code == 200

    def test_not_found_for_another_supplier_and_an_anchor_firm(self, supplier_y, anchor_user, certificate):
        assert client_for(supplier_y).get(f"/certificates/{certificate.pk}/document/").status_code == 404
        assert client_for(anchor_user).get(f"/certificates/{certificate.pk}/document/").status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self, client, certificate):
        response = client.get(f"/certificates/{certificate.pk}/document/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    def test_a_certificate_without_a_document_is_not_found(self, supplier_x, company_x):
        certificate = factories.make_certificate(company_x)
        assert client_for(supplier_x).get(f"/certificates/{certificate.pk}/document/").status_code == 404

    def test_a_missing_file_is_not_found(self, supplier_x, certificate, private_media):
        (private_media / certificate.document.name).unlink()
        assert client_for(supplier_x).get(f"/certificates/{certificate.pk}/document/").status_code == 404
