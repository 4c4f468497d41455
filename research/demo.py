"""The R&D fund's demo: projects in every direction and every state, granted ones with progress reports.

Everything goes through the workflow and the services (the amounts are the server's); running it again adds
nothing. The `supplier` login's company (a sulfide electrolyte maker) leads a granted project with two reports.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from procurement.applications import (
    application_approve,
    application_create_draft,
    application_mark_paid,
    application_reject,
    application_return,
    application_submit,
)
from procurement.models import SubsidyProgramme
from registry.models import Category, Company, User

from .models import ResearchProject
from .services import progress_report_file

# A minimal PDF (the upload checks read its first bytes), standing in for a test report.
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass(frozen=True)
class DemoProject:
    title: str
    direction: str
    category: str
    targets: dict
    # Reports as (days after the start, {figure: value}); only granted projects report.
    reports: tuple = ()


PROJECTS = {
    "solid_electrolytes": [
        DemoProject("Ton-scale Li6PS5Cl sulfide electrolyte at half the cost", "solid_electrolytes",
                    "sulfide-electrolyte",
                    {"ionic_conductivity": ("3e-3", "1.2e-2"), "cost_per_kg": ("2400", "")},
                    ((120, {"ionic_conductivity": "6.1e-3", "cost_per_kg": "1850"}),
                     (300, {"ionic_conductivity": "1.05e-2", "cost_per_kg": "1180"}))),
        DemoProject("Thin LLZO oxide separators with low interface resistance", "solid_electrolytes",
                    "oxide-electrolyte", {"area_specific_resistance": ("45", "8"), "cost_per_kg": ("5200", "2500")}),
        DemoProject("Halide electrolyte for high-voltage cathodes", "solid_electrolytes", "halide-electrolyte",
                    {"ionic_conductivity": ("1e-3", "5e-3"), "cost_per_kg": ("6000", "")}),
        DemoProject("Polymer–ceramic composite electrolyte membranes", "solid_electrolytes", "polymer-electrolyte",
                    {"ionic_conductivity": ("2e-4", "1e-3"), "cost_per_kg": ("900", "")}),
    ],
    "electrodes": [
        DemoProject("Li-rich Mn-based cathode above 300 mAh/g", "electrodes", "li-rich-mn-cathode",
                    {"specific_capacity": ("255", "310"), "capacity_decay_per_cycle": ("0.12", "0.04")},
                    ((150, {"specific_capacity": "281", "capacity_decay_per_cycle": "0.08"}),
                     (330, {"specific_capacity": "304", "capacity_decay_per_cycle": "0.048"}))),
        DemoProject("Lithium metal anode with 99.6 % coulombic efficiency", "electrodes", "lithium-metal-anode",
                    {"coulombic_efficiency": ("98.9", "99.6")}),
        DemoProject("Silicon-carbon anode for solid-state cells", "electrodes", "silicon-carbon-anode",
                    {"specific_capacity": ("900", "1500"), "coulombic_efficiency": ("98.0", "99.5")}),
        DemoProject("High-nickel single-crystal cathode coatings", "electrodes", "high-nickel-cathode",
                    {"specific_capacity": ("195", "220"), "capacity_decay_per_cycle": ("0.09", "0.05")}),
        DemoProject("Li-rich cathode surface coatings for sulfide cells", "electrodes", "li-rich-mn-cathode",
                    {"capacity_decay_per_cycle": ("0.15", "0.045")}),
    ],
    "auxiliary_materials": [
        DemoProject("Composite copper current collector 45 % lighter at cost parity", "auxiliary_materials",
                    "composite-copper", {"weight_reduction": ("25", "45"), "cost_per_kg": ("180", "90")},
                    ((200, {"weight_reduction": "38"}),)),
        DemoProject("Solvent-free dry-process PTFE binder", "auxiliary_materials", "dry-process-binder",
                    {"cost_per_kg": ("420", "")}),
        DemoProject("Composite aluminium foil for cathodes", "auxiliary_materials", "composite-aluminium",
                    {"weight_reduction": ("20", "42")}),
        DemoProject("Carbon nanotube conductive paste for dry electrodes", "auxiliary_materials", "carbon-nanotubes",
                    {"cost_per_kg": ("1600", "")}),
        DemoProject("Graphene-coated composite aluminium foil", "auxiliary_materials", "composite-aluminium",
                    {"weight_reduction": ("30", "48"), "cost_per_kg": ("260", "")},
                    ((90, {"weight_reduction": "36", "cost_per_kg": "210"}),)),
    ],
}
# Each direction's projects reach these states, in order; the first is granted and reports progress.
STATES = ["approved", "submitted", "draft", "rejected"]
EXTRA_STATES = {"Graphene-coated composite aluminium foil": "paid",
                "Li-rich cathode surface coatings for sulfide cells": "returned"}


def _applicant(category: Category, taken: set[int]) -> tuple[Company, User] | None:
    """A verified local company making this category (or its parent's), with a user; the demo's first if any."""
    candidates = Company.objects.published().filter(
        locality_confirmed=True, organisation_type=Company.OrganisationType.COMPANY,
    ).exclude(pk__in=taken)
    for scope in (category.descendant_ids(), category.parent.descendant_ids() if category.parent else []):
        company = candidates.filter(categories__in=scope).order_by("uscc").distinct().first()
        if company is not None:
            break
    else:
        company = candidates.order_by("uscc").first()
    if company is None:
        return None
    user = company.users.filter(is_active=True).order_by("pk").first()
    if user is None:
        user = User(username=f"demo-rd-{company.uscc[-6:].lower()}", company=company,
                    email=f"rd-{company.uscc[-6:].lower()}@example.com")
        user.set_unusable_password()
        user.save()
    return company, user


def _basis(spec: DemoProject, start: date, partners: list[Company], number: int) -> dict:
    budget = Decimal(4_000_000 + 1_500_000 * (number % 4))
    return {
        "title": spec.title, "direction": spec.direction, "category": Category.objects.get(slug=spec.category),
        "summary": f"{spec.title}: from the laboratory to a pilot line in the city, with the partners' testing.",
        "partners": partners, "budget": budget, "amount_requested": (budget * Decimal("0.4")).quantize(Decimal("1")),
        "started_on": start, "ends_on": start + timedelta(days=3 * 365),
        "targets": {code: {"baseline": base, "target": target} for code, (base, target) in spec.targets.items()},
    }


def _walk(application, *, user, official, state, number, today):
    if state == "draft":
        return application
    application = application_submit(by=user, application=application)
    if state == "rejected":
        return application_reject(by=official, application=application,
                                  reason="The budget does not show the partners' share of the work.")
    if state == "returned":
        return application_return(by=official, application=application, reason="Add the test method for each target.")
    if state in ("approved", "paid"):
        application = application_approve(by=official, application=application)
    if state == "paid":
        application = application_mark_paid(
            by=official, application=application, payment_reference=f"SZKJ-RD-{number:05d}",
            paid_on=today - timedelta(days=5),
        )
    return application


@transaction.atomic
def load_research_demo(now=None) -> int:
    today = timezone.localdate(now or timezone.now())
    official = User.objects.filter(username="official").first()
    programme = SubsidyProgramme.objects.filter(kind=SubsidyProgramme.Kind.RD_FUND).order_by("-version").first()
    titles = [spec.title for specs in PROJECTS.values() for spec in specs]
    if official is None or programme is None or ResearchProject.objects.filter(title__in=titles).exists():
        return 0
    partners = list(Company.objects.published().exclude(organisation_type=Company.OrganisationType.COMPANY)
                    .order_by("uscc")[:4])
    supplier = User.objects.filter(username="supplier").select_related("company").first()
    start = max(programme.period_start, today - timedelta(days=400))
    taken: set[int] = set()
    created = 0
    for specs in PROJECTS.values():
        for index, spec in enumerate(specs):
            state = EXTRA_STATES.get(spec.title, STATES[index % len(STATES)])
            category = Category.objects.get(slug=spec.category)
            if spec.category == "sulfide-electrolyte" and supplier is not None and supplier.company is not None:
                company, user = supplier.company, supplier
            else:
                found = _applicant(category, taken)
                if found is None:
                    continue
                company, user = found
            taken.add(company.pk)
            number = 500 + created
            application = application_create_draft(by=user, programme=programme, basis=_basis(
                spec, start, [p for p in partners[index % 2::2] if p.pk != company.pk], number))
            application = _walk(application, user=user, official=official, state=state, number=number, today=today)
            project = ResearchProject.objects.get(application=application)
            if project.is_granted:
                for days, values in spec.reports:
                    reported_on = min(start + timedelta(days=days), today)
                    progress_report_file(by=user, project=project, reported_on=reported_on, measurements=values,
                                         evidence=ContentFile(EVIDENCE, name="test-report.pdf"),
                                         note="Measured by the partner laboratory (demo).")
            created += 1
    return created


def load_app_demo() -> str:
    created = load_research_demo()
    return f"R&D fund demo: {created} projects added (now {ResearchProject.objects.count()} projects)"
