"""Talent plan fixtures: a university, training bases of two organisations, and builders for records."""

from decimal import Decimal

import pytest

from registry.models import Company
from talent import services
from tests import factories


@pytest.fixture
def university(db):
    return factories.make_company(name="Suzhou University of Materials", uscc=factories.make_uscc(authority="12"),
                                  organisation_type=Company.OrganisationType.UNIVERSITY)


def make_base(organisation, institution, *, by=None, name="Training base", years=()):
    """A training base with yearly figures: years as (year, internships, placements, graduates, retained)."""
    base = services.training_base_save(by=by, organisation=organisation,
                                       data={"name": name, "institution": institution}, companies=[])
    for year, internships, placements, graduates, retained in years:
        services.training_year_save(by=by, base=base, year=year, internships=internships, placements=placements,
                                    graduates=graduates, retained=retained)
    return base


def make_specialist(company, *, year=2025, reference="OS-1", base_salary="900000", housing="240000", other=()):
    return services.specialist_save(by=None, company=company, data={
        "reference": reference, "year": year, "field": "electrolytes", "base_salary": Decimal(base_salary),
        "housing": Decimal(housing), "other_benefits": [{"label": label, "amount": amount} for label, amount in other],
    })


def make_scholarship(company, *, year=2025, award="10000", recipients=0, name="SSB Scholarship", institution=None):
    scholarship = services.scholarship_save(by=None, company=company, data={
        "name": name, "year": year, "award": Decimal(award), "institution": institution})
    if recipients:
        services.recipients_add(by=None, scholarship=scholarship, count=recipients, degree="master",
                                field="electrolytes", reference_prefix="S-")
    return scholarship
