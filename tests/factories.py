"""Builders for test data: plain functions with sensible defaults, keyword overrides for what a test cares about."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from registry.identifiers import with_check_digit
from registry.models import OFFICIALS_GROUP, Category, Certificate, Company, District, Product, ProductFigure, User

_sequence = itertools.count(1)

LOCAL_DIVISION = "320583"  # inside the city (prefix 3205)
OUTSIDE_DIVISION = "440300"  # elsewhere


def make_uscc(division: str = LOCAL_DIVISION, authority: str = "91") -> str:
    """A valid USCC with the given division code and a unique body."""
    n = next(_sequence)
    body = f"{authority}{division}MA{n:07d}"[:17]
    return with_check_digit(body)


def make_company(*, status=Company.Status.VERIFIED, local=True, anchor=False, categories=(), **fields) -> Company:
    division = LOCAL_DIVISION if local else OUTSIDE_DIVISION
    defaults = {
        "uscc": make_uscc(division),
        "name": f"Test company {next(_sequence)}",
        "employees": 120,
        "revenue_cny": Decimal("50000000.00"),
        "district": District.objects.filter(code=division).first(),
        "contact_name": "Li Wei",
        "contact_phone": "0512-12345678",
        "contact_email": "contact@example.com",
        "description": "A maker of battery materials.",
    }
    defaults.update(fields)
    company = Company(status=status, is_anchor=anchor, **defaults)
    if status == Company.Status.VERIFIED:
        company.verified_at = timezone.now() - timedelta(days=1)
        company.verified_until = timezone.localdate() + timedelta(days=300)
        company.locality_confirmed = local
    company.save()
    if categories:
        company.categories.set(categories)
    return company


def make_user(company: Company | None = None, *, username=None, password="correct-horse-42", **fields) -> User:
    user = User(username=username or f"user{next(_sequence)}", company=company, email="user@example.com", **fields)
    user.set_password(password)
    user.save()
    return user


def make_official(*, username=None, password="correct-horse-42") -> User:
    """A staff user in the officials group, with the group's permissions (created by post_migrate)."""
    user = make_user(None, username=username or f"official{next(_sequence)}", password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    return user


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def make_product(company: Company, *, category_slug="sulfide-electrolyte", figures=None, **fields) -> Product:
    """A product saved directly (tests of services go through product_save instead)."""
    from calculators.city_targets import meets_city_target

    defaults = {"name": f"Product {next(_sequence)}", "stage": Product.Stage.MASS}
    defaults.update(fields)
    product = Product(company=company, category=category(category_slug), **defaults)
    figures = figures or {}
    product.meets_target = meets_city_target(category_slug, product.application, figures)
    product.save()
    for key, value in figures.items():
        ProductFigure.objects.create(product=product, figure=key, value=value)
    return product


def make_certificate(company: Company, *, cert_type=Certificate.Type.ISO9001, valid=True, **fields) -> Certificate:
    today = date.today()
    if valid:
        dates = {"valid_from": today - timedelta(days=100), "valid_until": today + timedelta(days=265)}
    else:
        dates = {"valid_from": today - timedelta(days=800), "valid_until": today - timedelta(days=1)}
    defaults = {"number": f"CERT-{next(_sequence)}", "issuer": "China Quality Certification Centre", **dates}
    defaults.update(fields)
    return Certificate.objects.create(company=company, cert_type=cert_type, **defaults)


# --- uploads (registration and the company's own pages) ---

_SIGNATURES = {"pdf": b"%PDF-1.7\n", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff\xe0"}


def document_upload(kind="pdf", *, name=None, size=2048, content=None):
    """An uploaded file whose first bytes are those of `kind` (pdf, png, jpeg), padded to `size` bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    extension = "jpg" if kind == "jpeg" else kind
    if content is None:
        head = _SIGNATURES[kind]
        content = head + b"0" * max(size - len(head), 0)
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}.get(kind, "text/plain")
    return SimpleUploadedFile(name or f"scan.{extension}", content, content_type=content_type)


def make_purchase(buyer: Company, supplier: Company | None = None, **fields):
    """A purchase saved directly, its locality snapshotted from the supplier (tests of the form use the service)."""
    from procurement.models import Purchase

    n = next(_sequence)
    defaults = {
        "supplier_identifier": supplier.uscc if supplier else f"OUT-{n}",
        "supplier_name": supplier.name if supplier else f"Outside supplier {n}",
        "supplier_is_local": bool(supplier and supplier.is_local),
        "supplier_was_verified": bool(supplier and supplier.is_published),
        "purchased_on": date(2025, 6, 1),
        "category": Category.objects.get(slug="solid-state-cells"),
        "amount": Decimal("1000.00"),
        "invoice_number": f"INV-{n}",
        "source": "form",
    }
    defaults.update(fields)
    from django.db import transaction

    from procurement.rollups import rollups_record_created

    # Saved directly, but counted in the LCR rollup cells in the same transaction, as every write path does.
    with transaction.atomic():
        purchase = Purchase.objects.create(buyer=buyer, supplier=supplier, **defaults)
        rollups_record_created([purchase])
    return purchase


# --- subsidy applications ---

def make_programme(*, code="test-procurement", version=1, **fields):
    """A local procurement programme version, open today, covering purchases of 2025–2027 in cells and packs."""
    from procurement.models import SubsidyProgramme

    defaults = {
        "name": f"Test procurement subsidy v{version}",
        "kind": SubsidyProgramme.Kind.LOCAL_PROCUREMENT,
        "rate": Decimal("0.05"),
        "period_start": date(2025, 1, 1),
        "period_end": date(2027, 12, 31),
        "eligible_category": Category.objects.get(slug="cells-and-packs"),
        "active_from": date(2025, 1, 1),
    }
    defaults.update(fields)
    return SubsidyProgramme.objects.create(code=code, version=version, **defaults)


# --- alliance collaborations ---

def make_sme(**fields) -> Company:
    """A verified local SME (small by its employees and revenue)."""
    defaults = {"employees": 80, "revenue_cny": Decimal("30000000.00")}
    defaults.update(fields)
    return make_company(**defaults)


def make_collaboration(anchor: Company, sme: Company, *, model="supply", status="active", proposed_by=None,
                       categories=(), **fields):
    """A collaboration saved directly, in any status (tests of the workflow go through the services)."""
    from alliance.models import Collaboration

    n = next(_sequence)
    defaults = {"title": f"Collaboration {n}", "started_on": date(2025, 1, 1)}
    if model == "supply":
        defaults.update(ends_on=date(2027, 12, 31), committed_value_per_year=Decimal("1000000.00"))
    elif model == "licensing":
        defaults.update(licensed_patents="CN114123456B")
    defaults.update(fields)
    if model == "standard" and "standard" not in defaults:
        from alliance.models import Standard

        defaults["standard"] = Standard.objects.create(
            code=f"T/TEST {n}-2025", title="Test standard", body="group", level="group"
        )
    collaboration = Collaboration.objects.create(
        anchor=anchor, sme=sme, model=model, status=status, proposed_by_company=proposed_by or anchor, **defaults
    )
    if categories:
        collaboration.categories.set(categories)
    return collaboration


# --- the alliance: standards, participations, memberships ---

def make_standard(*, code=None, body="IEC", **fields):
    """A standard; the level follows the body (ISO, IEC and ITU are international) unless given."""
    from alliance.models import Standard

    international = body in ("ISO", "IEC", "ITU")
    defaults = {
        "title": f"Secondary lithium cells, part {next(_sequence)}",
        "level": Standard.Level.INTERNATIONAL if international else (body if body in ("national", "industry", "group")
                                                                     else Standard.Level.GROUP),
        "status": Standard.Status.IN_DEVELOPMENT,
    }
    defaults.update(fields)
    return Standard.objects.create(code=code or f"{body} {60000 + next(_sequence)}", body=body, **defaults)


def make_participation(company: Company, standard=None, *, role="participant", status="pending", evidence=True,
                       **fields):
    """A participation saved directly, with a small PDF as evidence (tests of the form use the service)."""
    from alliance.models import StandardParticipation

    participation = StandardParticipation(
        company=company, standard=standard or make_standard(), role=role, status=status, **fields
    )
    if status == "verified" and "verified_at" not in fields:
        participation.verified_at = timezone.now()
    if evidence:
        participation.evidence = document_upload("pdf", name="evidence.pdf")
    participation.save()
    return participation


def make_membership(organisation: Company, *, tier="member", status="active", joined_on=None, **fields):
    """A membership saved directly (tests of admission use the service)."""
    from alliance.models import Membership

    joined_on = joined_on or date(2024, 3, 1)
    if status == "ended":
        fields.setdefault("left_on", date(2025, 1, 31))
        fields.setdefault("end_reason", "Left the alliance.")
    return Membership.objects.create(organisation=organisation, tier=tier, status=status, joined_on=joined_on, **fields)
