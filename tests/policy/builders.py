"""Records for the scoreboard's tests, each with the figure it should produce computed by hand in the docstring."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from procurement.models import SubsidyApplication, SubsidyProgramme
from tests import factories

BASELINE = 2025
YEAR = 2026  # the scoreboard's "today" in these tests: the path's second step, 46 %
TODAY = date(YEAR, 6, 30)


def aware(year, month=6, day=1) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12, 0))


def lcr_purchases(local_2026="450.00", outside_2026="550.00"):
    """The city: 2024 (before the path) 100 of 1,000 local; 2025 400 of 1,000 (40.00 %, the step: 40 %);
    2026 `local_2026` of their sum (default 45.00 %, the step: 46 %)."""
    anchor = factories.make_company(name="Anchor Cells", anchor=True)
    local = factories.make_company(name="Local Electrolytes")
    outside = factories.make_company(name="Faraway Materials", local=False)
    for year, local_amount, outside_amount in ((2024, "100.00", "900.00"), (2025, "400.00", "600.00"),
                                               (YEAR, local_2026, outside_2026)):
        factories.make_purchase(anchor, local, amount=Decimal(local_amount), purchased_on=date(year, 3, 1))
        factories.make_purchase(anchor, outside, amount=Decimal(outside_amount), purchased_on=date(year, 4, 1))
    return anchor, local, outside


def directory_products():
    """Sulfide electrolyte (> 1e-2 S/cm): local published products at 0.012, 0.02 and 0.005 and one at exactly 0.01
    (not above it): best 0.02, 2 of 4 meet it. Left out: an outside company's 0.05, a pending company's 0.09 and an
    expired verification's 0.08. Oxide electrolyte (< 10 Ω·cm²): local 12 and 15: best 12, none meets it."""
    local = factories.make_company(name="Local Electrolytes")
    for value in ("0.012", "0.02", "0.005", "0.01"):
        factories.make_product(local, figures={"ionic_conductivity": value})
    factories.make_product(factories.make_company(local=False), figures={"ionic_conductivity": "0.05"})
    factories.make_product(factories.make_company(status="pending"), figures={"ionic_conductivity": "0.09"})
    expired = factories.make_company()
    expired.verified_until = date(2020, 1, 1)
    expired.save()
    factories.make_product(expired, figures={"ionic_conductivity": "0.08"})
    for value in ("12", "15"):
        factories.make_product(local, category_slug="oxide-electrolyte", figures={"area_specific_resistance": value})
    return local


def _application(programme, status, amount, *, decided=None, paid_on=None, applicant=None):
    return SubsidyApplication.objects.create(
        applicant=applicant or factories.make_company(), programme=programme, status=status, amount=Decimal(amount),
        decided_at=decided, paid_on=paid_on,
    )


def _programme(code, **fields):
    # Called twice in a test, the builder adds applications under the same programmes.
    return SubsidyProgramme.objects.filter(code=code).first() or factories.make_programme(code=code, **fields)


def programme_applications():
    """R&D matching fund: approved in 2025 150,000.00 (not paid) and 300,000.00 (paid in 2026); a rejected 99,999.00
    and a submitted 50,000.00 left out: approved 450,000.00 (2025), paid 300,000.00 (2026).
    Local procurement: paid 1,234.56 and 100.01 (2026, decided 2026) and approved 10.00 (2026): approved 1,344.57,
    paid 1,334.57. An energy quota (no money) is left out."""
    status = SubsidyApplication.Status
    rd = _programme(code="test-rd", kind=SubsidyProgramme.Kind.RD_MATCHING, rate=Decimal("0.15"),
                    eligible_category=None)
    local = _programme(code="test-local")
    _application(rd, status.APPROVED, "150000.00", decided=aware(2025, 5))
    _application(rd, status.PAID, "300000.00", decided=aware(2025, 11), paid_on=date(YEAR, 3, 1))
    _application(rd, status.REJECTED, "99999.00", decided=aware(YEAR, 2))
    _application(rd, status.SUBMITTED, "50000.00")
    _application(local, status.PAID, "1234.56", decided=aware(YEAR, 1), paid_on=date(YEAR, 2, 1))
    _application(local, status.PAID, "100.01", decided=aware(YEAR, 1), paid_on=date(YEAR, 2, 2))
    _application(local, status.APPROVED, "10.00", decided=aware(YEAR, 3))
    quota = _programme(code="test-quota", kind=SubsidyProgramme.Kind.ENERGY_QUOTA, rate=None,
                       quota_factor=Decimal("1.10"), eligible_category=None)
    SubsidyApplication.objects.create(applicant=factories.make_company(), programme=quota, status=status.PAID,
                                      amount=None, quota_granted=Decimal("1100.000"), quota_unit="kWh",
                                      decided_at=aware(YEAR, 1), paid_on=date(YEAR, 2, 1))


def standards_participations():
    """Led: IEC A led by two companies (verified 2025 and 2026: one standard, counted in 2025); an ISO lead still
    pending and a national standard's verified lead left out: led 1 (2025). Taken part in: ITU B (2026) and IEC A
    (2026): 2 (2026)."""
    first, second, third = (factories.make_company() for _ in range(3))
    iec = factories.make_standard(body="IEC")
    itu = factories.make_standard(body="ITU")
    factories.make_participation(first, iec, role="lead", status="verified", verified_at=aware(2025, 5))
    factories.make_participation(second, iec, role="lead", status="verified", verified_at=aware(YEAR, 2))
    factories.make_participation(first, factories.make_standard(body="ISO"), role="lead", status="pending")
    factories.make_participation(first, factories.make_standard(body="national"), role="lead", status="verified",
                                 verified_at=aware(YEAR, 2))
    factories.make_participation(third, itu, role="participant", status="verified", verified_at=aware(YEAR, 4))
    factories.make_participation(third, iec, role="participant", status="verified", verified_at=aware(YEAR, 5))
