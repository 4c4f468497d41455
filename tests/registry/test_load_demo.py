"""`manage.py load_demo`: a demo that feels real, covers every case the pages show, and loads idempotently."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from calculators.city_targets import meets_city_target
from calculators.enterprise_size import is_sme
from registry.demo import DEMO_LOGINS
from registry.figures import FIGURES, figures_for_category
from registry.identifiers import validate_uscc
from registry.models import (
    OFFICIALS_GROUP,
    Category,
    Certificate,
    Company,
    Product,
    ProductFigure,
    User,
    private_storage,
)
from tests.demo_fixtures import run_load_demo

pytestmark = pytest.mark.usefixtures("demo_private_media")


def printed_logins(output: str) -> dict[str, str]:
    """username -> password, read from the table the command prints."""
    rows = re.findall(r"^\| (\S+)\s+\| (\S+)\s+\|", output, flags=re.MULTILINE)
    return {username: password for username, password in rows if username != "username"}


def test_about_300_companies_cover_every_category(demo):
    assert 280 <= Company.objects.count() <= 320
    leaves = Category.objects.filter(children__isnull=True)
    assert leaves.count() >= 21  # every leaf of the seeded taxonomy, incl. the top-level ones without children
    for category in leaves:
        has_company = Company.objects.filter(categories=category).exists()
        has_product = Product.objects.filter(category=category).exists()
        assert has_company or has_product, category.slug
        assert Company.objects.filter(categories=category, status=Company.Status.VERIFIED).exists(), category.slug


def test_every_verification_state_including_expired(demo):
    today = timezone.localdate()
    statuses = set(Company.objects.values_list("status", flat=True))
    assert statuses == set(Company.Status.values)
    assert Company.objects.filter(status=Company.Status.REJECTED).exclude(status_reason="").count() == (
        Company.objects.filter(status=Company.Status.REJECTED).count()
    )
    expired = Company.objects.filter(status=Company.Status.VERIFIED, verified_until__lt=today)
    assert expired.count() >= 5
    assert not Company.objects.published().filter(pk__in=expired).exists()
    published = Company.objects.published()
    assert published.count() > 200
    for company in published.filter(verified_at__isnull=False):
        assert company.verified_at >= timezone.now() - timezone.timedelta(days=366)
    assert Company.objects.filter(is_anchor=True, status=Company.Status.VERIFIED).count() >= 8


def test_outside_companies_are_not_confirmed_local(demo):
    outside = Company.objects.filter(locality_suggested=False)
    assert outside.count() >= 20
    assert not outside.filter(locality_confirmed=True).exists()
    assert not outside.exclude(district=None).exists()
    assert outside.filter(status=Company.Status.VERIFIED, locality_confirmed=False).exists()
    local_verified = Company.objects.published().filter(locality_suggested=True)
    assert local_verified.count() > 100
    assert not local_verified.exclude(locality_confirmed=True).exists()
    assert Company.objects.filter(district__isnull=False).values("district").distinct().count() >= 5


def test_every_size_class_and_valid_codes(demo):
    assert set(Company.objects.values_list("size_class", flat=True)) == set(Company.SizeClass.values)
    codes = list(Company.objects.values_list("uscc", flat=True))
    for code in codes:
        assert validate_uscc(code) == code
    authorities = {code[:2] for code in codes}
    assert {"91", "12"} <= authorities
    assert any(code[0].isalpha() for code in codes)  # a registering authority with a letter code
    assert Company.objects.exclude(organisation_type=Company.OrganisationType.COMPANY).exists()


def test_products_figures_and_targets(demo):
    products = Product.objects.select_related("category__parent").prefetch_related("figures")
    assert products.filter(meets_target=True).count() >= 20
    assert products.filter(meets_target=False).count() >= 20
    for product in products:
        figures = product.figure_values
        assert set(figures) == set(figures_for_category(product.category)), product.name
        for key, value in figures.items():
            assert FIGURES[key].problem(value) is None, (product.name, key, value)
        assert product.meets_target == meets_city_target(product.category.slug, product.application, figures)
    cells = products.filter(category__slug__in=["solid-state-cells", "solid-state-packs"])
    assert {"grid_storage", "drone", "robot", "vehicle"} <= set(cells.values_list("application", flat=True))
    for application in ("grid_storage", "drone", "robot"):
        assert cells.filter(application=application, meets_target=True).exists(), application
        assert cells.filter(application=application, meets_target=False).exists(), application
    for slug in ("sulfide-electrolyte", "oxide-electrolyte", "li-rich-mn-cathode", "lithium-metal-anode"):
        assert products.filter(category__slug=slug, meets_target=True).exists(), slug
        assert products.filter(category__slug=slug, meets_target=False).exists(), slug


def test_certificates_some_expired_and_documents_are_pdfs(demo):
    today = timezone.localdate()
    assert Certificate.objects.filter(valid_until__lt=today).count() >= 10
    assert Certificate.objects.valid().count() >= 100
    assert len(set(Certificate.objects.values_list("cert_type", flat=True))) >= 6
    with_documents = Certificate.objects.exclude(document="")
    assert with_documents.exists()
    for certificate in with_documents:
        with certificate.document.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert Path(certificate.document.path).is_relative_to(Path(private_storage.location))


def test_demo_users_log_in_with_printed_passwords_and_have_their_roles(demo):
    logins = printed_logins(demo)
    assert set(logins) == {"official", "admin", "supplier", "newcomer", "anchor"}
    for username, password in logins.items():
        # django-axes needs the request a login comes with.
        request = RequestFactory().post("/accounts/login/")
        assert Client().login(request=request, username=username, password=password), username

    official = User.objects.get(username="official")
    assert official.is_staff and not official.is_superuser
    assert official.groups.filter(name=OFFICIALS_GROUP).exists()
    assert official.has_perm("registry.verify_company")
    assert official.is_official

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff

    supplier = User.objects.get(username="supplier").company
    assert supplier.is_published and supplier.is_local and is_sme(supplier.size_class)
    assert supplier.products.filter(category__slug="sulfide-electrolyte").exists()
    assert not supplier.is_anchor

    newcomer = User.objects.get(username="newcomer").company
    assert newcomer.status == Company.Status.PENDING

    anchor_user = User.objects.get(username="anchor")
    assert anchor_user.is_anchor_user
    assert anchor_user.company.is_published and anchor_user.company.is_local
    assert not anchor_user.is_staff


def test_running_twice_keeps_the_same_rows(demo):
    def counts():
        return {
            "companies": Company.objects.count(),
            "history": Company.history.count(),
            "links": Company.categories.through.objects.count(),
            "products": Product.objects.count(),
            "figures": ProductFigure.objects.count(),
            "certificates": Certificate.objects.count(),
            "users": User.objects.count(),
            "published": Company.objects.published().count(),
        }

    before = counts()
    usccs = set(Company.objects.values_list("uscc", flat=True))
    second = run_load_demo()
    assert counts() == before
    assert set(Company.objects.values_list("uscc", flat=True)) == usccs
    assert "0 companies, 0 products and 0 certificates added" in second
    for username, password in printed_logins(second).items():
        # django-axes needs the request a login comes with.
        request = RequestFactory().post("/accounts/login/")
        assert Client().login(request=request, username=username, password=password), username


def test_refuses_on_production_settings(db, settings):
    # Runs inside this module's demo transaction: "nothing written" means the counts do not move.
    settings.DEBUG = False
    companies = Company.objects.count()
    User.objects.filter(username="admin").delete()
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()
    assert Company.objects.count() == companies


def test_readme_shows_the_logins_the_command_prints():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for login in DEMO_LOGINS:
        assert f"| `{login.username}` | `{login.password}` |" in readme, login.username
