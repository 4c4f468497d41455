"""The alliance's demo (composed by `load_demo` after the registry's and procurement's): about 40 members in both
tiers, real standards with participations in every state, collaborations of the three models in every status,
and applications of the standards reward, the R&D matching fund and the energy quota in every state.

Idempotent: each part is added only when the demo has not added it before. Applications go through the
workflow's services, so their events, history and amounts are the real ones.
"""

import random
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
from procurement.demo import _applicant_user
from procurement.models import SubsidyApplication, SubsidyProgramme
from registry.demo import tiny_pdf
from registry.models import Company, User

from .models import Collaboration, Membership, Milestone, Standard, StandardParticipation

SEED = 2026
REASON = "Demo data"

# Real standards of the battery chain: (code, title, Chinese title, body, level, status).
STANDARDS = [
    ("IEC 62660-1", "Secondary lithium-ion cells for the propulsion of electric road vehicles – "
     "Part 1: Performance testing",
     "电动道路车辆用锂离子蓄电池 第1部分：性能试验", "IEC", "international", "published"),
    ("IEC 62660-2", "Secondary lithium-ion cells for the propulsion of electric road vehicles – "
     "Part 2: Reliability and abuse testing",
     "电动道路车辆用锂离子蓄电池 第2部分：可靠性和滥用试验", "IEC", "international", "published"),
    ("IEC 62660-3", "Secondary lithium-ion cells for the propulsion of electric road vehicles – "
     "Part 3: Safety requirements",
     "电动道路车辆用锂离子蓄电池 第3部分：安全要求", "IEC", "international", "published"),
    ("IEC 62619", "Secondary lithium cells and batteries for use in industrial applications – Safety requirements",
     "工业用锂蓄电池和蓄电池组 安全要求", "IEC", "international", "published"),
    ("IEC 62933-5-2", "Electrical energy storage systems – Part 5-2: "
     "Safety requirements for grid-integrated EES systems",
     "电能存储系统 第5-2部分：并网电化学储能系统安全要求", "IEC", "international", "published"),
    ("IEC 63056", "Secondary lithium cells and batteries for use in electrical energy storage systems – Safety",
     "电能存储系统用锂蓄电池和蓄电池组 安全要求", "IEC", "international", "published"),
    ("ISO 12405-4", "Electrically propelled road vehicles – Test specification for lithium-ion battery packs – Part 4",
     "电驱动道路车辆 锂离子电池包和系统测试规程 第4部分", "ISO", "international", "published"),
    ("ISO 6469-1", "Electrically propelled road vehicles – Safety specifications – Part 1: Rechargeable energy storage",
     "电驱动道路车辆 安全规范 第1部分：车载可充电储能系统", "ISO", "international", "published"),
    ("ISO/AWI 24815", "Solid-state lithium batteries – Terminology and test methods for solid electrolytes",
     "固态锂电池 固体电解质术语和试验方法", "ISO", "international", "in_development"),
    ("ITU-T L.1220", "Innovative energy storage technology for stationary use – Part 1: Overview",
     "固定用途创新储能技术 第1部分：概述", "ITU", "international", "published"),
    ("GB/T 36276-2023", "Lithium-ion battery for electrical energy storage", "电力储能用锂离子电池",
     "national", "national", "published"),
    ("GB 38031-2025", "Electric vehicles traction battery safety requirements", "电动汽车用动力蓄电池安全要求",
     "national", "national", "published"),
    ("GB/T 34131-2023", "Battery management system for electrochemical energy storage station",
     "电化学储能电站用锂离子电池管理系统技术规范", "national", "national", "published"),
    ("QC/T 743-2024", "Lithium-ion batteries for electric vehicles", "电动汽车用锂离子蓄电池", "industry",
     "industry", "published"),
    ("T/CIAPS 0021-2026", "Sulfide solid electrolyte powder – Ionic conductivity test method",
     "硫化物固体电解质粉体 离子电导率测试方法", "group", "group", "proposed"),
]

MILESTONES = [("Samples delivered", "First 50 kg batch passed incoming inspection."),
              ("Joint test plan agreed", "Plan signed by both technical directors."),
              ("Pilot line trial", ""), ("Annual review", "")]


def _save(obj, by, reason=REASON):
    obj._history_user = by
    obj._change_reason = reason
    obj.save()


def _load_standards(official: User, today: date) -> int:
    created = 0
    for code, title, title_zh, body, level, status in STANDARDS:
        if Standard.objects.filter(code=code).exists():
            continue
        year = int(code.split("-")[-1]) if code.split("-")[-1].isdigit() and len(code.split("-")[-1]) == 4 else None
        standard = Standard(
            code=code, title=title, title_zh=title_zh, body=body, level=level, status=status,
            proposed_on=date(2023, 3, 1), published_on=date(year or 2024, 6, 1) if status == "published" else None,
        )
        _save(standard, official)
        created += 1
    return created


def _load_members(rng: random.Random, official: User, today: date) -> int:
    if Membership.objects.exists():
        return 0
    published = list(Company.objects.published().filter(locality_confirmed=True).order_by("uscc"))
    anchors = [c for c in published if c.is_anchor]
    institutions = [c for c in published if c.organisation_type != Company.OrganisationType.COMPANY]
    smes = [c for c in published if not c.is_anchor and c.organisation_type == Company.OrganisationType.COMPANY
            and c.size_class != Company.SizeClass.LARGE_]
    chosen = anchors[:8] + institutions[:6] + rng.sample(smes, min(len(smes), 26))
    supplier = User.objects.filter(username="supplier").select_related("company").first()
    if supplier and supplier.company and supplier.company not in chosen and supplier.company.is_published:
        chosen.append(supplier.company)
    created = 0
    for index, company in enumerate(chosen):
        council = company.is_anchor or company.organisation_type == Company.OrganisationType.UNIVERSITY
        membership = Membership(
            organisation=company, tier=Membership.Tier.COUNCIL if council else Membership.Tier.MEMBER,
            joined_on=date(2024, 1, 15) + timedelta(days=rng.randint(0, 600)), admitted_by=official,
        )
        if index % 13 == 12:  # a few have left, with the reason on record
            membership.status = Membership.Status.ENDED
            membership.left_on = min(membership.joined_on + timedelta(days=300), today)
            membership.end_reason = "Left the field: sold its battery materials business."
        _save(membership, official)
        created += 1
    return created


def _load_participations(rng: random.Random, official: User) -> int:
    if StandardParticipation.objects.exists():
        return 0
    members = list(
        Company.objects.filter(alliance_memberships__status=Membership.Status.ACTIVE).order_by("uscc").distinct()
    )
    standards = list(Standard.objects.order_by("code"))
    supplier = User.objects.filter(username="supplier").select_related("company").first()
    plans = []
    if supplier and supplier.company_id:
        iec = Standard.objects.get(code="IEC 62660-1")
        plans += [(supplier.company, iec, "participant", "verified"),
                  (supplier.company, Standard.objects.get(code="GB/T 36276-2023"), "participant", "verified"),
                  (supplier.company, Standard.objects.get(code="ISO/AWI 24815"), "lead", "pending")]
    statuses = ["verified"] * 6 + ["pending", "pending", "rejected"]
    for index, standard in enumerate(standards):
        company = members[(index * 7) % len(members)] if members else None
        if company is None:
            break
        plans.append((company, standard, "lead" if index % 3 == 0 else "participant", statuses[index % len(statuses)]))
        other = members[(index * 11 + 3) % len(members)]
        if other != company:
            plans.append((other, standard, "participant", "verified"))
    created = 0
    for company, standard, role, status in plans:
        if StandardParticipation.objects.filter(company=company, standard=standard, role=role).exists():
            continue
        participation = StandardParticipation(
            company=company, standard=standard, role=role, status=status,
            note=f"Named in the {standard.body} working group's member list.",
        )
        participation.evidence.save(
            "evidence.pdf", ContentFile(tiny_pdf(f"{standard.code}: {company.name_en or company.uscc} ({role})")),
            save=False,
        )
        if status == "verified":
            participation.verified_by, participation.verified_at = official, timezone.now()
        elif status == "rejected":
            participation.status_reason = "The evidence names another company's subsidiary."
        _save(participation, official)
        created += 1
    return created


def _main_local_sme_supplier(buyer: Company):
    """The verified local SME the buyer bought most from (by amount), or None."""
    from django.db.models import Sum

    from procurement.models import Purchase

    row = (
        Purchase.objects.filter(buyer=buyer, supplier__isnull=False, supplier_is_local=True)
        .exclude(supplier__size_class=Company.SizeClass.LARGE_)
        .values("supplier").annotate(total=Sum("amount")).order_by("-total").first()
    )
    return Company.objects.filter(pk=row["supplier"]).first() if row else None


def _load_collaborations(rng: random.Random, official: User, today: date) -> int:
    if Collaboration.objects.exists():
        return 0
    anchor_user = User.objects.filter(username="anchor").select_related("company").first()
    supplier_user = User.objects.filter(username="supplier").select_related("company").first()
    anchors = list(Company.objects.published().filter(is_anchor=True).order_by("uscc"))
    smes = list(
        Company.objects.published().filter(is_anchor=False, organisation_type=Company.OrganisationType.COMPANY)
        .exclude(size_class=Company.SizeClass.LARGE_).order_by("uscc")
    )
    if not anchors or not smes:
        return 0
    standards = list(Standard.objects.order_by("code"))
    statuses = ["proposed", "active", "active", "completed", "terminated"]
    created = 0
    for index in range(18):
        model = Collaboration.Model.values[index % 3]
        status = statuses[index % len(statuses)]
        anchor = anchors[index % len(anchors)]
        sme = smes[(index * 5) % len(smes)]
        # Starts spread over the last three years, none in the future.
        started = min(date(today.year - index % 3, 1 + index % 12, 1), today.replace(day=1))
        if index == 0 and anchor_user and (main_supplier := _main_local_sme_supplier(anchor_user.company)):
            # The `anchor` login's supply agreement with an SME it really buys from: its purchases show as
            # deliveries, and its local content ratio before and after the agreement began.
            anchor, sme, model, status = anchor_user.company, main_supplier, "supply", "active"
            started = date(today.year - 1, 1, 1)
        if index == 1 and anchor_user and supplier_user and supplier_user.company.size_class != "large":
            # A proposal from the `anchor` login waiting for the `supplier` login's confirmation.
            anchor, sme, model, status = anchor_user.company, supplier_user.company, "licensing", "proposed"
        collaboration = Collaboration(
            anchor=anchor, sme=sme, model=model, status=status, started_on=started,
            title={"licensing": "Sulfide electrolyte licence and joint cell development",
                   "supply": "Long-term supply of electrolyte powder",
                   "standard": "Co-drafting a solid-state cell test standard"}[model],
            description="Recorded by the two parties for the alliance's collaboration register.",
            proposed_by_company=anchor if index % 2 == 0 or index == 1 else sme,
        )
        if model == "licensing":
            collaboration.licensed_patents = f"CN11{4000000 + index * 7919}B\nCN11{5000000 + index * 104729}A"
            collaboration.joint_outputs = "Li6PS5Cl electrolyte membrane, 20 µm"
        elif model == "supply":
            collaboration.ends_on = started + timedelta(days=3 * 365 - 1)
            collaboration.committed_quantity = Decimal(rng.choice([20, 50, 120]))
            collaboration.quantity_unit = "t"
            collaboration.committed_value_per_year = Decimal(rng.choice([2_000_000, 5_000_000, 12_000_000]))
        else:
            collaboration.standard = standards[index % len(standards)] if standards else None
            if collaboration.standard is None:
                continue
        if status != "proposed":
            collaboration.confirmed_at = timezone.now() - timedelta(days=200 - index)
        if status == "terminated":
            collaboration.status_reason = "The SME's pilot line closed; both parties agreed to end."
            collaboration.ends_on = collaboration.ends_on or today
        _save(collaboration, official)
        if status in ("active", "completed"):
            for step, (title, outcome) in enumerate(MILESTONES[: 2 + index % 3]):
                due = started + timedelta(days=90 * (step + 1))
                done = due - timedelta(days=5) if due < today and (status == "completed" or step < 1) else None
                _save(Milestone(collaboration=collaboration, title=title, due_on=due, done_on=done,
                                outcome=outcome if done else ""), official)
        created += 1
    return created


def _sourcing_categories(exclude: Company | None) -> list:
    """Categories in which at least two verified SMEs (other than `exclude`) have products, by slug."""
    from registry.models import Product

    from .permissions import SME_SIZE_CLASSES

    companies: dict = {}
    products = Product.objects.filter(
        company__in=Company.objects.published().filter(is_anchor=False, size_class__in=SME_SIZE_CLASSES)
    ).exclude(company=exclude).select_related("category", "company").order_by("category__slug", "company__uscc")
    for product in products:
        companies.setdefault(product.category, {}).setdefault(product.company_id, product)
    return [(category, list(found.values())) for category, found in companies.items() if len(found) >= 2]


def _load_sourcing(today: date) -> int:
    """Sourcing requests of the `anchor` login in every status, with offers: one open request the `supplier` login
    fits and can answer, one shortlisted, one awarded (its accepted offer a proposed supply agreement), one
    withdrawn, one expired, one for alliance members only."""
    from registry.models import Category, Product

    from .matchmaking import (
        mail_held_back,
        offer_accept,
        offer_shortlist,
        offer_submit,
        sourcing_request_create,
        sourcing_request_withdraw,
        sourcing_requests_expire,
    )
    from .models import SourcingRequest

    if SourcingRequest.objects.exists():
        return 0
    anchor_user = User.objects.filter(username="anchor").select_related("company").first()
    supplier_user = User.objects.filter(username="supplier").select_related("company").first()
    if not (anchor_user and supplier_user and anchor_user.company and anchor_user.company.is_published):
        return 0
    created = 0

    def post(title, category, *, days=45, requirements=(), visibility="public", quantity="50", **extra):
        return sourcing_request_create(by=anchor_user, data={
            "title": title, "description": "For the pilot line of solid-state cells; samples first.",
            "category": category, "quantity": Decimal(quantity), "quantity_unit": "t", "local_only": False,
            "deadline": today + timedelta(days=days), "visibility": visibility, **extra,
        }, requirements=requirements, certificates=["iso9001"])

    def answer(request, product, low="180.00", high="220.00"):
        return offer_submit(by=_applicant_user(product.company), sourcing_request=request, data={
            "note": "Samples within two weeks; test report attached on request.", "price_low": Decimal(low),
            "price_high": Decimal(high), "lead_time_days": 45}, products=[product])

    with mail_held_back():
        sulfide = Category.objects.filter(slug="sulfide-electrolyte").first()
        best = (
            Product.objects.filter(company=supplier_user.company, category=sulfide,
                                   figures__figure="ionic_conductivity")
            .order_by("-figures__value").values_list("figures__value", flat=True).first()
        )
        if sulfide is not None:
            # A threshold the `supplier` login's best product clears by a margin: it is among the matches.
            threshold = float(f"{best / 2:.1e}") if best else None
            post("Sulfide electrolyte powder for the pilot line", sulfide,
                 requirements=[("ionic_conductivity", "min", threshold)] if threshold else [])
            post("Sulfide electrolyte for members' joint pilot", sulfide, visibility="members", quantity="5")
            created += 2
        pools = _sourcing_categories(supplier_user.company)
        if pools:
            category, products = pools[0]
            shortlisted = post(f"Local supply of {category.name}", category)
            first = answer(shortlisted, products[0])
            answer(shortlisted, products[1], low="150.00", high="260.00")
            offer_shortlist(by=anchor_user, offer=first)
            withdrawn = post(f"{category.name} for a cancelled line", category)
            answer(withdrawn, products[1])
            sourcing_request_withdraw(by=anchor_user, sourcing_request=withdrawn,
                                      reason="The pilot line was postponed to next year.")
            expired = post(f"{category.name}, spot purchase", category, days=3)
            SourcingRequest.objects.filter(pk=expired.pk).update(deadline=today - timedelta(days=2))
            sourcing_requests_expire(today=today)
            created += 3
        if len(pools) > 1:
            category, products = pools[1]
            awarded = post(f"Yearly supply of {category.name}", category)
            accepted = answer(awarded, products[0])
            answer(awarded, products[1], low="170.00", high="240.00")
            if products[0].company.size_class != "large":
                offer_accept(by=anchor_user, offer=accepted)
            created += 1
    return created


# The states each new kind's demo applications reach, and the applicant companies' order.
STATES = ["draft", "submitted", "returned", "approved", "rejected", "paid"]


def _walk(application, *, user: User, official: User, state: str, number: int, today: date) -> None:
    if state == "draft":
        return
    application = application_submit(by=user, application=application)
    if state == "returned":
        application_return(by=official, application=application, reason="Attach the signed task agreement.")
    elif state == "rejected":
        application_reject(by=official, application=application, reason="The project is not a national major project.")
    elif state in ("approved", "paid"):
        application = application_approve(by=official, application=application)
        if state == "paid":
            application_mark_paid(by=official, application=application, payment_reference=f"SZCZ-R-{number:05d}",
                                  paid_on=today - timedelta(days=3))


def _load_applications(rng: random.Random, official: User, today: date) -> int:
    kind = SubsidyProgramme.Kind
    kinds = [kind.RD_MATCHING, kind.ENERGY_QUOTA, kind.STANDARDS_REWARD]
    if SubsidyApplication.objects.filter(programme__kind__in=kinds).exists():
        return 0
    programmes = {p.kind: p for p in SubsidyProgramme.objects.filter(kind__in=kinds, version=1)}
    companies = [c for c in Company.objects.published().filter(locality_confirmed=True).order_by("uscc")
                 if c.organisation_type == Company.OrganisationType.COMPANY]
    created = 0
    for index, state in enumerate(STATES):
        company = companies[(index * 13) % len(companies)]
        user = _applicant_user(company)
        programme = programmes.get(SubsidyProgramme.Kind.RD_MATCHING)
        if programme:
            application = application_create_draft(by=user, programme=programme, basis={
                "name": "Sulfide solid electrolyte at ton scale", "national_programme": "National Key R&D Programme",
                "project_number": f"2025YFB24{index:05d}", "started_on": date(2025, 7, 1),
                "ends_on": date(2028, 6, 30), "total_investment": Decimal(rng.choice([8, 12, 30])) * 1_000_000,
            })
            _walk(application, user=user, official=official, state=state, number=100 + index, today=today)
            created += 1
        programme = programmes.get(SubsidyProgramme.Kind.ENERGY_QUOTA)
        if programme:
            application = application_create_draft(by=user, programme=programme, basis={
                "base_name": f"{company.name_en or company.name} production base", "base_address": company.address
                or "Industrial park", "quota_year": today.year, "unit": "tce" if index % 2 else "kWh",
                "standard_quota": Decimal(rng.choice([12_000, 35_000])) if index % 2 else Decimal(48_000_000),
            })
            _walk(application, user=user, official=official, state=state, number=200 + index, today=today)
            created += 1
    programme = programmes.get(SubsidyProgramme.Kind.STANDARDS_REWARD)
    if programme:
        verified = StandardParticipation.objects.filter(
            status="verified", standard__body__in=Standard.INTERNATIONAL_BODIES
        ).select_related("company").order_by("pk")
        for index, participation in enumerate(verified[: len(STATES)]):
            if not (participation.company.is_published and participation.company.is_local):
                continue
            user = _applicant_user(participation.company)
            application = application_create_draft(by=user, programme=programme,
                                                   basis={"participation": participation.pk})
            _walk(application, user=user, official=official, state=STATES[index % len(STATES)],
                  number=300 + index, today=today)
            created += 1
    return created


@transaction.atomic
def load_alliance_demo(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    official = User.objects.filter(username="official").first()
    if official is None:
        return {}
    rng = random.Random(SEED + 5)
    return {
        "standards": _load_standards(official, today),
        "members": _load_members(rng, official, today),
        "participations": _load_participations(rng, official),
        "collaborations": _load_collaborations(rng, official, today),
        "applications": _load_applications(rng, official, today),
        "sourcing_requests": _load_sourcing(today),
    }


def load_app_demo() -> str:
    created = load_alliance_demo()
    return (
        f"Alliance demo: {created.get('members', 0)} members, {created.get('standards', 0)} standards, "
        f"{created.get('participations', 0)} participations, {created.get('collaborations', 0)} collaborations and "
        f"{created.get('applications', 0)} applications of the other programmes added "
        f"(now {Membership.objects.count()} members, {Collaboration.objects.count()} collaborations); "
        f"{created.get('sourcing_requests', 0)} sourcing requests added"
    )
