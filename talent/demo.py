"""The talent plan's demo (composed by `load_demo` after the registry's and the alliance's): three training bases
run by the demo's universities and institutes with local companies, four years of their figures, overseas
specialists recruited by anchor firms and scholarships with their recipients.

The figures are chosen so that the plan shows both sides: graduates pass 500 in the latest year and the
specialists recruited in the last three years are inside 20–30 (met), while retention stays under 60 % and the
latest year's scholarship recipients fall short of 50 (missed); the year before had 55. Idempotent: nothing is
added when the demo's first training base exists.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from registry.models import Company, User

from . import services
from .models import Field, OverseasSpecialist, Scholarship, ScholarshipRecipient, TrainingBase

BASES = [
    # (name, institution's English name fragment, yearly figures oldest first:
    #  (internships, placements, graduates, retained))
    ("Solid-State Battery Practical Training Base", "Vocational College of New Energy",
     [(160, 70, 150, 72), (190, 84, 180, 95), (230, 101, 220, 121), (260, 120, 250, 140)]),
    ("Solid-State Ionics Joint Training Base", "Solid-State Ionics Laboratory",
     [(90, 40, 110, 52), (110, 55, 140, 70), (130, 60, 160, 90), (150, 72, 170, 92)]),
    ("Energy Storage Engineering Training Base", "Institute of Advanced Energy Storage",
     [(60, 25, 70, 30), (70, 32, 90, 48), (80, 40, 100, 55), (95, 44, 110, 60)]),
]
# Specialists recruited per year, oldest first, from three years ago to this year: 24 in the last three.
SPECIALISTS_PER_YEAR = [4, 7, 9, 8]
# (recipients, award per student): the year before the latest meets 50, the latest does not.
SCHOLARSHIPS_PER_YEAR = [(30, Decimal("8000")), (44, Decimal("8000")), (55, Decimal("10000")),
                         (42, Decimal("10000"))]
FIELDS = list(Field.values)


def _institution(fragment: str):
    return Company.objects.filter(name_en__icontains=fragment, organisation_type__in=services.INSTITUTION_TYPES).first()


@transaction.atomic
def load_talent_demo(now=None) -> dict:
    today = timezone.localdate(now)
    if TrainingBase.objects.filter(name=BASES[0][0]).exists():
        return {}
    official = User.objects.filter(username="official").first()
    companies = list(Company.objects.published().filter(organisation_type=Company.OrganisationType.COMPANY)
                     .order_by("-is_anchor", "name")[:12])
    anchors = [company for company in companies if company.is_anchor] or companies[:2]
    if not companies:
        return {}
    years = list(range(today.year - 4, today.year))  # four complete years, the latest last year
    created = {"bases": 0, "years": 0, "specialists": 0, "scholarships": 0, "recipients": 0}
    for index, (name, fragment, figures) in enumerate(BASES):
        institution = _institution(fragment)
        if institution is None:
            continue
        base = services.training_base_save(
            by=official, organisation=institution, data={"name": name, "institution": institution,
                                                         "established_year": years[0] - 1},
            companies=companies[index * 3:index * 3 + 4],
        )
        created["bases"] += 1
        for year, (internships, placements, graduates, retained) in zip(years, figures, strict=True):
            services.training_year_save(by=official, base=base, year=year, internships=internships,
                                        placements=placements, graduates=graduates, retained=retained)
            created["years"] += 1
    for year, count in zip(range(today.year - 3, today.year + 1), SPECIALISTS_PER_YEAR, strict=True):
        for number in range(count):
            company = anchors[number % len(anchors)]
            services.specialist_save(by=official, company=company, data={
                "reference": f"OS-{year}-{number + 1:02d}", "year": year, "field": FIELDS[number % 6],
                "base_salary": Decimal(900_000 + 50_000 * (number % 5)), "housing": Decimal("240000"),
                "other_benefits": [{"label": "Children's schooling", "amount": "80000"},
                                   {"label": "Relocation", "amount": "50000"}][: 1 + number % 2],
            })
            created["specialists"] += 1
    sponsors = anchors[:2] if len(anchors) >= 2 else companies[:2]
    university = _institution(BASES[1][1])
    for year, (recipients, award) in zip(years, SCHOLARSHIPS_PER_YEAR, strict=True):
        # Two scholarships a year share the recipients: the year's n is their sum.
        split = [recipients // 2, recipients - recipients // 2]
        for sponsor, n in zip(sponsors, split, strict=False):
            scholarship = services.scholarship_save(by=official, company=sponsor, data={
                "name": "Solid-State Battery Scholarship", "institution": university, "year": year, "award": award,
            })
            created["scholarships"] += 1
            masters = n * 2 // 3
            for count, degree in ((masters, ScholarshipRecipient.Degree.MASTER),
                                  (n - masters, ScholarshipRecipient.Degree.DOCTORATE)):
                if count:
                    services.recipients_add(by=official, scholarship=scholarship, count=count, degree=degree,
                                            field=FIELDS[year % 3], reference_prefix=f"SCH-{year}-{sponsor.pk}-")
                    created["recipients"] += count
    return created


def load_app_demo() -> str:
    created = load_talent_demo()
    return (
        f"Talent demo: {created.get('bases', 0)} training bases with {created.get('years', 0)} yearly figures, "
        f"{created.get('specialists', 0)} overseas specialists, {created.get('scholarships', 0)} scholarships with "
        f"{created.get('recipients', 0)} recipients added (now {TrainingBase.objects.count()} bases, "
        f"{OverseasSpecialist.objects.count()} specialists, {Scholarship.objects.count()} scholarships)"
    )
