"""The demo data set: about 300 organisations of the city's solid-state battery chain, and users to log in as.

Everything is drawn from `random.Random(2026)` over fixed word lists, so every run plans the same rows.
Rows are keyed on their natural keys (USCC, username, company + product name, company + certificate
number) and only missing ones are created, so a second run adds nothing and leaves officials' changes
to existing companies alone. Rows are bulk-created (with one history entry each) to keep `make run` fast.
"""

import math
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from calculators.city_targets import meets_city_target
from calculators.enterprise_size import LARGE, MEDIUM, MICRO, SMALL, enterprise_size_class

from .apps import ensure_officials_group
from .figures import figures_for_category
from .identifiers import ALPHABET, suggests_local, with_check_digit
from .models import (
    OFFICIALS_GROUP,
    Category,
    Certificate,
    Company,
    District,
    LandRequest,
    Product,
    ProductFigure,
    ProductionBase,
    User,
)

SEED = 2026
TOTAL_ORGANISATIONS = 300
HISTORY_REASON = gettext_noop("Demo data")  # translated when shown (registry.history)


@dataclass(frozen=True)
class DemoLogin:
    """A demo user's username and published password, with what to try as that user."""

    username: str
    password: str
    role: str
    note: str


# The same table is printed by `manage.py load_demo` and shown in README.md.
DEMO_LOGINS = (
    DemoLogin("official", "demo-official-2026", "official", "staff, officials group: verifies in /admin/"),
    DemoLogin("admin", "demo-admin-2026", "superuser", "everything in /admin/"),
    DemoLogin("supplier", "demo-supplier-2026", "supplier", "verified local SME (sulfide electrolyte): /my/"),
    DemoLogin("newcomer", "demo-newcomer-2026", "supplier", "company pending verification: /my/"),
    DemoLogin("anchor", "demo-anchor-2026", "anchor firm", "verified local anchor (cell maker): /directory/"),
)

# --- word lists -------------------------------------------------------------------------------

# Two of these make a brand: 锐固 Ruigu, 恒储 Hengchu, ...
SYLLABLES = [
    ("锐", "rui"), ("固", "gu"), ("恒", "heng"), ("储", "chu"), ("华", "hua"), ("晶", "jing"), ("联", "lian"),
    ("科", "ke"), ("创", "chuang"), ("源", "yuan"), ("泰", "tai"), ("博", "bo"), ("德", "de"), ("信", "xin"),
    ("宏", "hong"), ("盛", "sheng"), ("达", "da"), ("通", "tong"), ("汇", "hui"), ("卓", "zhuo"), ("远", "yuan"),
    ("鼎", "ding"), ("安", "an"), ("鑫", "xin"), ("航", "hang"), ("诺", "nuo"), ("嘉", "jia"), ("凯", "kai"),
    ("峰", "feng"), ("坤", "kun"), ("致", "zhi"), ("启", "qi"), ("拓", "tuo"), ("越", "yue"), ("天", "tian"),
    ("海", "hai"), ("明", "ming"), ("瑞", "rui"), ("欣", "xin"), ("捷", "jie"), ("璞", "pu"), ("翔", "xiang"),
    ("新", "xin"), ("正", "zheng"), ("力", "li"), ("驰", "chi"), ("能", "neng"), ("芯", "xin"),
]
SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"),
    ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("顾", "Gu"), ("沈", "Shen"), ("陆", "Lu"),
]
GIVEN_NAMES = [
    ("伟", "Wei"), ("芳", "Fang"), ("敏", "Min"), ("静", "Jing"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
    ("杰", "Jie"), ("涛", "Tao"), ("超", "Chao"), ("婷", "Ting"), ("浩然", "Haoran"), ("子涵", "Zihan"),
    ("思远", "Siyuan"), ("嘉怡", "Jiayi"), ("晨", "Chen"), ("欣怡", "Xinyi"), ("建国", "Jianguo"), ("志强", "Zhiqiang"),
    ("雨桐", "Yutong"), ("海燕", "Haiyan"), ("俊杰", "Junjie"),
]
ROADS = [
    "星湖街", "金鸡湖大道", "苏虹东路", "东平街", "长江路", "太湖大道", "春申湖路", "中山北路", "人民路", "创新路",
    "科技大道", "新能源路", "华山路", "东环路", "滨江大道", "青年路",
]
# Outside the city: (division code, place, place in English, address prefix, telephone area code).
OUTSIDE_DIVISIONS = [
    ("310115", "上海", "Shanghai", "上海市浦东新区", "021"),
    ("440300", "深圳", "Shenzhen", "深圳市南山区", "0755"),
    ("320115", "南京", "Nanjing", "南京市江宁区", "025"),
    ("330100", "杭州", "Hangzhou", "杭州市", "0571"),
    ("320400", "常州", "Changzhou", "常州市武进区", "0519"),
    ("320200", "无锡", "Wuxi", "无锡市新吴区", "0510"),
    ("360500", "新余", "Xinyu", "江西省新余市", "0790"),
]
CITY_ZH = "苏州"  # the demo's districts (migration 0002) are Suzhou's
CITY_AREA_CODE = "0512"

LEGAL_FORMS = [("有限公司", "Co., Ltd."), ("科技有限公司", "Technology Co., Ltd.")]

# What companies of each leaf category call their business, make, and how much they weigh in the demo.
# "products" are (name, application) pairs; cells and packs carry the application their targets depend on.
CATEGORY_PROFILES = {
    "sulfide-electrolyte": {
        "weight": 2.0,
        "business": [("新能源材料", "New Energy Materials"), ("固态电解质", "Solid Electrolyte")],
        "products": ["Li6PS5Cl argyrodite electrolyte powder", "Li10GeP2S12 electrolyte powder",
                     "Sulfide electrolyte membrane (30 µm)", "Li7P3S11 glass-ceramic electrolyte"],
        "unit": "t", "made": "sulfide solid electrolytes",
    },
    "oxide-electrolyte": {
        "weight": 1.6,
        "business": [("先进陶瓷", "Advanced Ceramics"), ("新材料", "New Materials")],
        "products": ["LLZO garnet electrolyte powder", "Ta-doped LLZO ceramic sheet", "LATP electrolyte powder",
                     "Oxide-coated separator"],
        "unit": "t", "made": "oxide solid electrolytes",
    },
    "polymer-electrolyte": {
        "weight": 1.0,
        "business": [("高分子材料", "Polymer Materials"), ("功能膜材料", "Functional Membranes")],
        "products": ["PEO-based solid polymer electrolyte film", "Polycarbonate polymer electrolyte membrane",
                     "Composite polymer-ceramic electrolyte"],
        "unit": "m2", "made": "polymer electrolytes",
    },
    "halide-electrolyte": {
        "weight": 0.8,
        "business": [("新材料", "New Materials"), ("化学材料", "Chemical Materials")],
        "products": ["Li3InCl6 halide electrolyte", "Li3YCl6 halide electrolyte powder", "Li2ZrCl6 electrolyte"],
        "unit": "t", "made": "halide solid electrolytes",
    },
    "li-rich-mn-cathode": {
        "weight": 1.2,
        "business": [("锂电材料", "Lithium Battery Materials"), ("正极材料", "Cathode Materials")],
        "products": ["Li-rich Mn-based cathode powder", "Coated Li-rich layered oxide",
                     "Single-crystal Li-rich cathode"],
        "unit": "t", "made": "Li-rich manganese-based cathode materials",
    },
    "high-nickel-cathode": {
        "weight": 1.2,
        "business": [("正极材料", "Cathode Materials"), ("能源材料", "Energy Materials")],
        "products": ["NCM811 single-crystal cathode", "Ultra-high-nickel NCM cathode", "NCA high-nickel cathode"],
        "unit": "t", "made": "high-nickel cathode materials",
    },
    "lithium-metal-anode": {
        "weight": 1.2,
        "business": [("锂业", "Lithium"), ("锂电科技", "Lithium Battery Technology")],
        "products": ["Ultra-thin lithium foil (20 µm)", "Lithium-copper composite anode strip",
                     "3D-host lithium metal anode"],
        "unit": "t", "made": "lithium metal anodes",
    },
    "silicon-carbon-anode": {
        "weight": 1.2,
        "business": [("硅材料", "Silicon Materials"), ("碳材料", "Carbon Materials")],
        "products": ["Silicon-carbon composite anode powder", "CVD silicon-carbon anode",
                     "Nano-silicon carbon composite"],
        "unit": "t", "made": "silicon-carbon anode materials",
    },
    "carbon-nanotubes": {
        "weight": 0.9,
        "business": [("纳米科技", "Nano Technology"), ("碳材料", "Carbon Materials")],
        "products": ["Multi-walled carbon nanotube paste", "Single-walled carbon nanotube dispersion"],
        "unit": "t", "made": "carbon nanotube conductive agents",
    },
    "graphene": {
        "weight": 0.8,
        "business": [("石墨烯科技", "Graphene Technology"), ("纳米材料", "Nano Materials")],
        "products": ["Few-layer graphene conductive additive", "Graphene-coated carbon black"],
        "unit": "t", "made": "graphene conductive agents",
    },
    "dry-process-binder": {
        "weight": 0.8,
        "business": [("化学", "Chemical"), ("高分子材料", "Polymer Materials")],
        "products": ["PTFE fibrillating binder for dry electrodes", "Solvent-free binder powder"],
        "unit": "t", "made": "binders for dry-process electrodes",
    },
    "composite-copper": {
        "weight": 1.0,
        "business": [("薄膜科技", "Film Technology"), ("电子材料", "Electronic Materials")],
        "products": ["PET composite copper foil (4.5 µm)", "PP composite copper foil (6 µm)"],
        "unit": "m2", "made": "composite copper current collectors",
    },
    "composite-aluminium": {
        "weight": 0.9,
        "business": [("薄膜科技", "Film Technology"), ("新材料", "New Materials")],
        "products": ["PET composite aluminium foil (8 µm)", "PP composite aluminium foil (10 µm)"],
        "unit": "m2", "made": "composite aluminium current collectors",
    },
    "dry-electrode-equipment": {
        "weight": 1.0,
        "business": [("智能装备", "Intelligent Equipment"), ("精密机械", "Precision Machinery")],
        "products": ["Dry electrode fibrillation and calendering line", "Twin-roll dry film laminator"],
        "unit": "sets", "made": "dry electrode production lines",
    },
    "isostatic-press": {
        "weight": 0.8,
        "business": [("液压科技", "Hydraulic Technology"), ("精密机械", "Precision Machinery")],
        "products": ["Warm isostatic press for solid-state cells", "Cold isostatic press 600 MPa"],
        "unit": "sets", "made": "isostatic presses for solid-state cells",
    },
    "stacking-equipment": {
        "weight": 0.9,
        "business": [("自动化", "Automation"), ("智能装备", "Intelligent Equipment")],
        "products": ["High-speed Z-fold stacking machine", "Solid-state cell lamination stacker"],
        "unit": "sets", "made": "stacking machines",
    },
    "formation-equipment": {
        "weight": 0.8,
        "business": [("电子设备", "Electronic Equipment"), ("自动化", "Automation")],
        "products": ["High-pressure formation and grading system", "Pressure-controlled formation fixture"],
        "unit": "sets", "made": "formation and grading equipment",
    },
    "solid-state-cells": {
        "weight": 1.4,
        "business": [("新能源科技", "New Energy Technology"), ("电池", "Battery"), ("储能科技", "Energy Storage")],
        "products": {
            "grid_storage": "Solid-state prismatic cell 314 Ah for energy storage",
            "drone": "High-energy solid-state pouch cell for drones",
            "robot": "High-rate solid-state cylindrical cell for robots",
            "vehicle": "Semi-solid-state prismatic cell for vehicles",
        },
        "unit": "GWh", "made": "solid-state cells",
    },
    "solid-state-packs": {
        "weight": 1.2,
        "business": [("动力系统", "Power Systems"), ("储能科技", "Energy Storage"), ("电源科技", "Power Technology")],
        "products": {
            "grid_storage": "Solid-state energy storage cabinet 215 kWh",
            "drone": "Drone battery pack 6S 30 Ah",
            "robot": "Humanoid robot battery pack 48 V",
            "vehicle": "Solid-state vehicle battery pack 90 kWh",
        },
        "unit": "MWh", "made": "solid-state battery packs",
    },
    "testing-certification": {
        "weight": 0.8,
        "business": [("检测技术", "Testing Technology"), ("检测认证", "Testing and Certification")],
        "products": ["Solid-state cell abuse testing (nail, crush, thermal runaway)", "UN 38.3 transport testing",
                     "Electrolyte ionic conductivity measurement (EIS)"],
        "unit": "", "made": "testing and certification services",
    },
    "recycling": {
        "weight": 0.8,
        "business": [("资源循环", "Resource Recycling"), ("环保科技", "Environmental Technology")],
        "products": ["Black mass recovery from solid-state cells", "Lithium recovery from sulfide electrolyte scrap",
                     "Hydrometallurgical nickel and cobalt recovery"],
        "unit": "t", "made": "battery recycling",
    },
}
GENERIC_PROFILE = {
    "weight": 0.8,
    "business": [("新能源科技", "New Energy Technology")],
    "products": [],
    "unit": "",
    "made": "products for solid-state batteries",
}
APPLICATIONS = ["grid_storage", "drone", "robot", "vehicle"]
STAGE_WORDS = {"rd": "in development", "pilot": "pilot production", "mass": "in mass production"}

# Values of figures that no city target judges (or that the target of this product does not name).
# (low, high, decimals); a range over more than a factor of ten is drawn on a log scale.
BASE_FIGURES = {
    "ionic_conductivity": (1e-4, 5e-3, None),
    "area_specific_resistance": (4.0, 60.0, 1),
    "specific_capacity": (150.0, 300.0, 0),
    "capacity_decay_per_cycle": (0.02, 0.09, 3),
    "coulombic_efficiency": (99.0, 99.9, 2),
    "weight_reduction": (25.0, 60.0, 1),
    "cycle_life": (1500, 9000, -2),
    "round_trip_efficiency": (90.0, 96.5, 1),
    "specific_energy": (260.0, 460.0, 0),
    "volumetric_energy_density": (600.0, 1150.0, 0),
    "peak_discharge_rate": (1.0, 8.0, 1),
    "min_operating_temp": (-35.0, -10.0, 0),
    "max_operating_temp": (50.0, 70.0, 0),
}
BASE_FIGURES_BY_CATEGORY = {
    "polymer-electrolyte": {"ionic_conductivity": (1e-5, 8e-4, None), "area_specific_resistance": (20.0, 120.0, 1)},
    "halide-electrolyte": {"ionic_conductivity": (4e-4, 3e-3, None)},
    "oxide-electrolyte": {"ionic_conductivity": (1e-4, 1.5e-3, None)},
    "high-nickel-cathode": {"specific_capacity": (195.0, 228.0, 0)},
    "silicon-carbon-anode": {"specific_capacity": (420.0, 1600.0, 0), "coulombic_efficiency": (99.0, 99.85, 2)},
    "solid-state-packs": {"specific_energy": (200.0, 380.0, 0), "volumetric_energy_density": (400.0, 900.0, 0)},
}
# For figures a city target names: (range that meets it, range that misses it, decimals).
TARGET_FIGURES = {
    "sulfide-electrolyte": {"ionic_conductivity": ((1.05e-2, 2.5e-2), (1.5e-3, 9.6e-3), None)},
    "oxide-electrolyte": {"area_specific_resistance": ((2.5, 9.6), (10.5, 45.0), 1)},
    "li-rich-mn-cathode": {
        "specific_capacity": ((302.0, 335.0), (255.0, 298.0), 0),
        "capacity_decay_per_cycle": ((0.008, 0.048), (0.055, 0.15), 3),
    },
    "lithium-metal-anode": {"coulombic_efficiency": ((99.52, 99.92), (98.2, 99.45), 2)},
    "composite-copper": {"weight_reduction": ((41.0, 62.0), (22.0, 39.0), 1)},
    "composite-aluminium": {"weight_reduction": ((41.0, 62.0), (22.0, 39.0), 1)},
}
CELL_TARGET_FIGURES = {
    "grid_storage": {
        "cycle_life": ((15200, 22000), (6000, 14500), -2),
        "round_trip_efficiency": ((95.2, 97.8), (89.0, 94.6), 1),
    },
    "drone": {
        "specific_energy": ((405.0, 480.0), (300.0, 395.0), 0),
        "min_operating_temp": ((-40.0, -20.0), (-15.0, -5.0), 0),
        "max_operating_temp": ((60.0, 75.0), (45.0, 58.0), 0),
    },
    "robot": {
        "volumetric_energy_density": ((1010.0, 1250.0), (650.0, 990.0), 0),
        "peak_discharge_rate": ((5.2, 12.0), (1.5, 4.8), 1),
    },
}
for _slug in ("solid-state-cells", "solid-state-packs"):
    TARGET_FIGURES[_slug] = CELL_TARGET_FIGURES

CERTIFICATE_ISSUERS = {
    "iso9001": ["China Quality Certification Centre (CQC)", "TÜV SÜD", "SGS-CSTC Standards Technical Services"],
    "iso14001": ["China Quality Certification Centre (CQC)", "Bureau Veritas Certification", "TÜV Rheinland"],
    "iso45001": ["China Quality Certification Centre (CQC)", "DNV Business Assurance"],
    "iatf16949": ["TÜV Rheinland", "DEKRA Certification", "SGS-CSTC Standards Technical Services"],
    "un38_3": ["China Automotive Engineering Research Institute", "Intertek", "SGS-CSTC Standards Technical Services"],
    "iec62619": ["TÜV SÜD", "UL Solutions", "China Quality Certification Centre (CQC)"],
    "gbt36276": ["China Electric Power Research Institute", "China Quality Certification Centre (CQC)"],
    "high_tech": ["Provincial Department of Science and Technology"],
    "specialised_sme": ["Provincial Department of Industry and Information Technology"],
}
CERTIFICATE_PREFIXES = {
    "iso9001": "00124Q", "iso14001": "00124E", "iso45001": "00124S", "iatf16949": "IATF-0", "un38_3": "UN38.3-",
    "iec62619": "IEC62619-", "gbt36276": "GBT36276-", "high_tech": "GR2024", "specialised_sme": "ZJTX-2024-",
}
REJECTION_REASONS = [
    "The USCC on the form does not match the business licence.",
    "The company's business scope does not include the solid-state battery supply chain.",
    "The business licence has been revoked (National Enterprise Credit Information Publicity System).",
    "Duplicate registration of a company already in the registry.",
]
SUSPENSION_REASONS = [
    "Administrative penalty for an environmental violation under review.",
    "Contact details unreachable for three months.",
    "Product figures could not be substantiated at the site visit.",
]


# --- the plan ----------------------------------------------------------------------------------

@dataclass
class ProductPlan:
    """A product to create, with the figures it reports."""

    name: str
    category: Category
    stage: str
    application: str
    annual_capacity: Decimal | None
    capacity_unit: str
    made_in_city: bool
    description: str
    figures: dict
    changed_after_verification: bool = False


@dataclass
class CertificatePlan:
    """A certificate to create; a few carry a generated PDF."""

    cert_type: str
    number: str
    issuer: str
    valid_from: date
    valid_until: date
    with_document: bool = False


@dataclass
class CompanyPlan:
    """An organisation to create, in its verification state, with its products and certificates."""

    uscc: str
    name: str
    name_en: str
    organisation_type: str
    categories: list
    district: District | None
    address: str
    website: str
    contact_name: str
    contact_phone: str
    contact_email: str
    employees: int
    revenue_cny: Decimal
    description: str
    status: str
    status_reason: str = ""
    verified_at: datetime | None = None
    verified_until: date | None = None
    locality_confirmed: bool | None = None
    is_anchor: bool = False
    registered_at: datetime | None = None
    products: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    login: str = ""  # the demo username that belongs to this company, if any


class _Planner:
    """Draws the whole data set from one seeded generator; the order of draws is the data set."""

    def __init__(self, rng: random.Random, categories, districts, now: datetime):
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        self.by_slug = {c.slug: c for c in categories}
        parents = {c.parent_id for c in categories if c.parent_id}
        self.leaves = [c for c in categories if c.pk not in parents]
        prefix = settings.CITY_DIVISION_PREFIX
        self.districts = [d for d in districts if d.code.startswith(prefix)]
        self.outside = [o for o in OUTSIDE_DIVISIONS if not o[0].startswith(prefix)]
        self.usccs: set[str] = set()
        self.brands: set[str] = set()
        self.validity = settings.VERIFICATION_VALIDITY_DAYS

    # identifiers and names

    def uscc(self, authority: str, division: str) -> str:
        while True:
            if authority == "91" and self.rng.random() < 0.7:
                # Codes issued since 2015 mostly carry "MA" where the old organisation code began.
                tail = "MA" + "".join(self.rng.choice(ALPHABET) for _ in range(7))
            else:
                tail = "".join(self.rng.choice(ALPHABET) for _ in range(9))
            code = with_check_digit(f"{authority}{division}{tail[:9]}")
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def brand(self, fixed: tuple[str, str] | None = None) -> tuple[str, str]:
        if fixed:
            self.brands.add(fixed[0])
            return fixed
        while True:
            (zh1, py1), (zh2, py2) = self.rng.sample(SYLLABLES, 2)
            if zh1 + zh2 not in self.brands:
                self.brands.add(zh1 + zh2)
                return zh1 + zh2, (py1 + py2).capitalize()

    def place(self, local: bool, district: District | None = None):
        """(district, division code, place, place in English, address prefix, area code)."""
        if local:
            district = district or self.rng.choice(self.districts)
            if district.name_zh.endswith("市"):  # county-level cities name their own companies
                place_zh, place_en, address = district.name_zh[:-1], district.name, district.name_zh
            else:
                place_zh, place_en, address = CITY_ZH, settings.CITY_NAME, f"{CITY_ZH}市{district.name_zh}"
            # Some companies were registered by the city-level authority rather than the district's.
            division = district.code if self.rng.random() < 0.85 else settings.CITY_DIVISION_PREFIX.ljust(6, "0")
            return district, division, place_zh, place_en, address, CITY_AREA_CODE
        division, place_zh, place_en, address, area = self.rng.choice(self.outside)
        return None, division, place_zh, place_en, address, area

    def contact(self, area: str, slug: str) -> tuple[str, str, str]:
        (surname, surname_py), (given, given_py) = self.rng.choice(SURNAMES), self.rng.choice(GIVEN_NAMES)
        phone = f"{area}-{self.rng.randint(5, 8)}{self.rng.randint(0, 9_999_999):07d}"
        return f"{surname}{given} ({surname_py} {given_py})", phone, f"contact@{slug}.example.com"

    # figures

    def draw(self, low, high, decimals):
        if low > 0 and high / low > 10:
            value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
            return float(f"{value:.2e}")
        value = self.rng.uniform(low, high)
        return round(value, decimals) if decimals is not None else float(f"{value:.3g}")

    def figures(self, category: Category, application: str, meet: bool) -> dict:
        keys = figures_for_category(category)
        base = {**BASE_FIGURES, **BASE_FIGURES_BY_CATEGORY.get(category.slug, {})}
        targets = TARGET_FIGURES.get(category.slug, {})
        targets = targets.get(application, {}) if targets is CELL_TARGET_FIGURES else targets
        missed = set()
        if targets and not meet:
            named = sorted(targets)
            missed = set(self.rng.sample(named, self.rng.randint(1, len(named))))
        values = {}
        for key in keys:
            if key in targets:
                meet_range, miss_range, decimals = targets[key]
                low, high = miss_range if key in missed else meet_range
            else:
                low, high, decimals = base[key]
            values[key] = self.draw(low, high, decimals)
        return values

    # products and certificates

    def capacity(self, unit: str, stage: str) -> Decimal | None:
        if not unit or (stage == Product.Stage.RD and self.rng.random() < 0.5):
            return None
        scale = {"rd": 0.02, "pilot": 0.15, "mass": 1.0}[stage]
        typical = {"t": 2000, "m2": 30_000_000, "sets": 60, "GWh": 8, "MWh": 400}[unit]
        value = typical * scale * self.rng.uniform(0.3, 2.5)
        return Decimal(str(round(value, 1 if value < 100 else 0)))

    def products(self, company_name: str, brand_py: str, category: Category, count: int, local: bool,
                 stages=None, meet_first: bool | None = None) -> list[ProductPlan]:
        profile = CATEGORY_PROFILES.get(category.slug, GENERIC_PROFILE)
        plans, names = [], set()
        code = brand_py[:2].upper()
        for i in range(count):
            application = ""
            if isinstance(profile["products"], dict):
                application = self.rng.choice(APPLICATIONS) if i else self.rng.choice(APPLICATIONS[:3])
                base = profile["products"][application]
            elif profile["products"]:
                base = self.rng.choice(profile["products"])
            else:
                base = category.name
            name = f"{base} {code}-{self.rng.choice('ACEHKMPSTX')}{self.rng.randint(1, 9)}{self.rng.choice('05')}0"
            if name in names:
                continue
            names.add(name)
            stage = (stages[i % len(stages)] if stages else
                     self.rng.choices(["mass", "pilot", "rd"], weights=[5, 3, 2])[0])
            meet = meet_first if (i == 0 and meet_first is not None) else self.rng.random() < 0.55
            capacity = self.capacity(profile["unit"], stage)
            plans.append(ProductPlan(
                name=name, category=category, stage=stage, application=application,
                annual_capacity=capacity, capacity_unit=profile["unit"] if capacity is not None else "",
                made_in_city=local and stage != "rd",
                description=f"{base} by {company_name}; {STAGE_WORDS[stage]}.",
                figures=self.figures(category, application, meet),
                changed_after_verification=self.rng.random() < 0.06,
            ))
        return plans

    def certificate(self, cert_type: str, expired: bool) -> CertificatePlan:
        if expired:
            until = self.today - timedelta(days=self.rng.randint(5, 400))
        else:
            until = self.today + timedelta(days=self.rng.randint(30, 1000))
        number = f"{CERTIFICATE_PREFIXES[cert_type]}{self.rng.randint(10_000, 99_999_999):08d}"
        return CertificatePlan(
            cert_type=cert_type, number=number, issuer=self.rng.choice(CERTIFICATE_ISSUERS[cert_type]),
            valid_from=until - timedelta(days=3 * 365), valid_until=until,
        )

    def certificates(self, slug: str, size_class: str, organisation_type: str) -> list[CertificatePlan]:
        wanted = []
        if organisation_type == Company.OrganisationType.COMPANY:
            chances = [("iso9001", 0.75), ("iso14001", 0.4), ("iso45001", 0.25), ("high_tech", 0.4)]
            if slug in ("solid-state-cells", "solid-state-packs"):
                chances += [("un38_3", 0.7), ("iec62619", 0.4), ("gbt36276", 0.3), ("iatf16949", 0.4)]
            elif size_class != LARGE:
                chances += [("specialised_sme", 0.3)]
            wanted = [t for t, p in chances if self.rng.random() < p][:4]
        elif slug == "testing-certification":
            wanted = ["iso9001"]
        return [self.certificate(t, expired=self.rng.random() < 0.15) for t in wanted]

    # companies

    def size(self, size_class: str) -> tuple[int, Decimal]:
        rng = self.rng
        if size_class == LARGE:
            employees, revenue = rng.randint(1000, 12000), rng.uniform(4.2e8, 3e10)
        elif size_class == MEDIUM:
            employees, revenue = rng.randint(300, 990), rng.uniform(2.1e7, 3.9e8)
        elif size_class == SMALL:
            employees, revenue = rng.randint(20, 290), rng.uniform(3.1e6, 1.5e8)
        else:
            employees, revenue = rng.randint(3, 19), rng.uniform(3e5, 2.9e6)
        return employees, Decimal(round(revenue, -4)).quantize(Decimal("0.01"))

    def verification(self, plan: CompanyPlan, local: bool, status: str, expired: bool = False) -> None:
        plan.status = status
        if status in (Company.Status.PENDING, Company.Status.REJECTED):
            plan.registered_at = self.now - timedelta(days=self.rng.randint(1, 60), hours=self.rng.randint(0, 23))
            if status == Company.Status.REJECTED:
                plan.status_reason = self.rng.choice(REJECTION_REASONS)
            return
        if expired:
            days_ago = self.validity + self.rng.randint(5, 200)
        else:
            days_ago = self.rng.randint(3, max(4, min(self.validity - 5, 350)))
        plan.verified_at = self.now - timedelta(days=days_ago, hours=self.rng.randint(0, 8))
        plan.verified_until = timezone.localdate(plan.verified_at) + timedelta(days=self.validity)
        plan.registered_at = plan.verified_at - timedelta(days=self.rng.randint(3, 40))
        plan.locality_confirmed = local
        if status == Company.Status.SUSPENDED:
            plan.status_reason = self.rng.choice(SUSPENSION_REASONS)

    def company(self, *, category: Category, size_class: str, local: bool, status: str, expired=False,
                anchor=False, brand=None, district=None, extra_categories=(), product_count=None,
                stages=None, meet_first=None, login="", business=None, form=None) -> CompanyPlan:
        profile = CATEGORY_PROFILES.get(category.slug, GENERIC_PROFILE)
        brand_zh, brand_py = self.brand(brand)
        business_zh, business_en = business or self.rng.choice(profile["business"])
        form_zh, form_en = form or (("股份有限公司", "Co., Ltd.") if anchor else self.rng.choice(LEGAL_FORMS))
        if form_zh.startswith("科技") and (business_zh.endswith("科技") or "Technology" in business_en):
            form_zh, form_en = LEGAL_FORMS[0]
        district, division, place_zh, place_en, address, area = self.place(local, district)
        name = f"{place_zh}{brand_zh}{business_zh}{form_zh}"
        name_en = f"{place_en} {brand_py} {business_en} {form_en}"
        slug = f"{brand_py.lower()}-{place_en.lower().replace(' ', '')}"
        contact_name, phone, email = self.contact(area, slug)
        employees, revenue = self.size(size_class)
        description = (
            f"{name_en} develops and makes {profile['made']} for solid-state batteries"
            f"{', and buys materials and equipment from the local chain' if anchor else ''}.\n\n"
            f"{name}专注于{category.name_zh or category.name}的研发与生产。"
        )
        plan = CompanyPlan(
            uscc=self.uscc("91", division), name=name, name_en=name_en,
            organisation_type=Company.OrganisationType.COMPANY, categories=[category, *extra_categories],
            district=district, address=f"{address}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
            website=f"https://www.{slug}.example.com", contact_name=contact_name, contact_phone=phone,
            contact_email=email, employees=employees, revenue_cny=revenue, description=description,
            status=status, is_anchor=anchor, login=login,
        )
        self.verification(plan, local, status, expired)
        count = product_count or (self.rng.randint(3, 5) if anchor else self.rng.choice([1, 1, 2, 2, 3]))
        plan.products = self.products(name_en, brand_py, category, count, local, stages, meet_first)
        if extra_categories and self.rng.random() < 0.6:
            second = self.rng.choice(list(extra_categories))
            plan.products += self.products(name_en, brand_py, second, 1, local)
        plan.certificates = self.certificates(category.slug, size_class, plan.organisation_type)
        return plan

    def institution(self, *, authority: str, kind: str, name: str, name_en: str, slug: str, category: Category,
                    status: str, employees: int, revenue: int, product_count: int, district=None) -> CompanyPlan:
        district, division, *_rest, area = self.place(True, district)
        contact_name, phone, email = self.contact(area, slug)
        plan = CompanyPlan(
            uscc=self.uscc(authority, division), name=name, name_en=name_en, organisation_type=kind,
            categories=[category], district=district,
            address=f"{CITY_ZH}市{district.name_zh}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
            website=f"https://www.{slug}.example.com", contact_name=contact_name, contact_phone=phone,
            contact_email=email, employees=employees, revenue_cny=Decimal(revenue),
            description=f"{name_en}: research, testing and services for the city's solid-state battery chain.\n\n"
                        f"{name}服务于本市固态电池产业链。",
            status=status,
        )
        self.verification(plan, True, status)
        if product_count:
            if category.slug == "testing-certification":
                stages = ["mass"]  # a testing service is offered, not developed
            elif kind != Company.OrganisationType.COMPANY:
                stages = ["rd"]
            else:
                stages = None
            plan.products = self.products(name_en, slug, category, product_count, True, stages=stages)
        plan.certificates = self.certificates(category.slug, SMALL, kind)
        return plan


def _allocate(rng: random.Random, leaves, n: int) -> list:
    """n primary categories: every leaf at least twice, the rest by each profile's weight, shuffled."""
    weights = [CATEGORY_PROFILES.get(c.slug, GENERIC_PROFILE)["weight"] for c in leaves]
    total = sum(weights)
    counts = [max(2, math.floor(w / total * n)) for w in weights]
    while sum(counts) < n:
        counts[rng.choices(range(len(leaves)), weights=weights)[0]] += 1
    while sum(counts) > n:
        i = max(range(len(leaves)), key=lambda k: counts[k])
        counts[i] -= 1
    pool = [leaf for leaf, count in zip(leaves, counts, strict=True) for _ in range(count)]
    rng.shuffle(pool)
    return pool


def plan_demo(now: datetime | None = None, seed: int = SEED) -> list[CompanyPlan]:
    """Every organisation of the demo, with its products and certificates (no database writes)."""
    now = now or timezone.now()
    rng = random.Random(seed)
    categories = list(Category.objects.select_related("parent").order_by("pk"))
    districts = list(District.objects.order_by("code"))
    p = _Planner(rng, categories, districts, now)
    missing = {"solid-state-cells", "solid-state-packs", "sulfide-electrolyte", "halide-electrolyte"} - set(p.by_slug)
    if missing or not p.districts:
        raise ValueError(
            "The demo needs the seeded taxonomy and districts inside CITY_DIVISION_PREFIX "
            f"(migration registry 0002); missing categories: {sorted(missing)}, districts: {len(p.districts)}."
        )
    cat = p.by_slug.get
    district = {d.code: d for d in p.districts}.get
    verified, pending = Company.Status.VERIFIED, Company.Status.PENDING
    plans = []

    # The companies of the demo users are drawn first: changes to the rest of the plan leave them as they are.
    plans.append(p.company(
        category=cat("solid-state-cells"), size_class=LARGE, local=True, status=verified, anchor=True,
        brand=("恒储", "Hengchu"), district=district("320571"), extra_categories=[cat("solid-state-packs")],
        product_count=4, stages=["mass", "mass", "pilot", "rd"], meet_first=True, login="anchor",
    ))
    plans.append(p.company(
        category=cat("sulfide-electrolyte"), size_class=SMALL, local=True, status=verified,
        brand=("锐固", "Ruigu"), district=district("320571"), product_count=3,
        business=("新能源材料", "New Energy Materials"), form=LEGAL_FORMS[0],
        stages=["mass", "pilot", "rd"], meet_first=True, login="supplier",
    ))
    plans.append(p.company(
        category=cat("halide-electrolyte"), size_class=MICRO, local=True, status=pending,
        brand=("启航", "Qihang"), district=district("320507"), product_count=1, login="newcomer",
    ))
    plans[1].certificates = [p.certificate("iso9001", expired=False), p.certificate("high_tech", expired=False),
                             p.certificate("specialised_sme", expired=False), p.certificate("iso14001", expired=True)]
    plans[0].certificates = [p.certificate("un38_3", expired=False), p.certificate("iatf16949", expired=False),
                             p.certificate("iso9001", expired=False), p.certificate("iec62619", expired=True)]
    # The two demo companies' first certificates carry a document, to try the protected download.
    plans[0].certificates[0].with_document = True
    plans[1].certificates[0].with_document = True

    # The other anchor firms: large cell and pack makers and equipment makers.
    anchor_categories = ["solid-state-cells", "solid-state-cells", "solid-state-cells", "solid-state-packs",
                         "solid-state-packs", "solid-state-packs", "dry-electrode-equipment", "stacking-equipment",
                         "isostatic-press"]
    for i, slug in enumerate(anchor_categories):
        extra = [cat("solid-state-packs")] if slug == "solid-state-cells" else []
        plans.append(p.company(
            category=cat(slug) or cat("solid-state-cells"), size_class=LARGE, local=i != 4, status=verified,
            anchor=True, extra_categories=extra,
        ))

    # Universities, institutes and associations: GB 32100 codes of other registering authorities.
    institutions = [
        ("12", "institute", "苏州先进储能技术研究院", "Suzhou Institute of Advanced Energy Storage", "sias",
         "sulfide-electrolyte", verified, 2, None),
        ("12", "institute", "苏州固态电池创新中心", "Suzhou Solid-State Battery Innovation Centre", "ssbic",
         "lithium-metal-anode", verified, 2, None),
        ("12", "university", "苏州新能源职业技术学院", "Suzhou Vocational College of New Energy", "svcne",
         "oxide-electrolyte", verified, 1, None),
        ("12", "university", "苏州材料科学大学固态离子学实验室", "Solid-State Ionics Laboratory, Suzhou University of "
         "Materials Science", "susm", "polymer-electrolyte", verified, 1, None),
        ("12", "institute", "苏州市电池产品质量检验所", "Suzhou Battery Product Quality Inspection Institute", "sbqi",
         "testing-certification", verified, 2, None),
        ("12", "institute", "苏州市计量测试研究所", "Suzhou Institute of Metrology and Testing", "simt",
         "testing-certification", verified, 1, None),
        ("12", "institute", "苏州绿色制造研究院", "Suzhou Institute of Green Manufacturing", "sigm",
         "recycling", pending, 1, None),
        ("51", "association", "苏州市固态电池产业协会", "Suzhou Solid-State Battery Industry Association", "ssbia",
         "cells-and-packs", verified, 0, None),
        ("52", "institute", "苏州锂能科技研究院", "Suzhou Lithium Energy Research Institute", "sleri",
         "li-rich-mn-cathode", verified, 1, None),
        ("N2", "company", "苏州市吴江区开弦村股份经济合作社", "Kaixian Village Joint-Stock Economic Cooperative, "
         "Wujiang, Suzhou", "kaixian", "recycling", verified, 1, "320509"),
        ("N2", "company", "苏州市相城区湘北村股份经济合作社", "Xiangbei Village Joint-Stock Economic Cooperative, "
         "Xiangcheng, Suzhou", "xiangbei", "recycling", pending, 1, "320507"),
    ]
    for authority, kind, name, name_en, slug, category_slug, status, count, district_code in institutions:
        category = cat(category_slug) or p.leaves[0]
        plans.append(p.institution(
            authority=authority, kind=kind, name=name, name_en=name_en, slug=slug, category=category,
            status=status, employees=rng.randint(40, 600), revenue=rng.randint(2, 80) * 1_000_000,
            product_count=count, district=district(district_code) if district_code else None,
        ))

    # The rest: a spread over every leaf category, status, size and place.
    n = TOTAL_ORGANISATIONS - len(plans)
    primaries = _allocate(rng, p.leaves, n)
    statuses = ([("pending", False)] * 24 + [("rejected", False)] * 10 + [("suspended", False)] * 8
                + [("verified", True)] * 14)
    statuses += [("verified", False)] * (n - len(statuses))
    rng.shuffle(statuses)
    for category, (status, expired) in zip(primaries, statuses, strict=True):
        siblings = [c for c in p.leaves if c.parent_id and c.parent_id == category.parent_id and c != category]
        extra = [rng.choice(siblings)] if siblings and rng.random() < 0.3 else []
        size_class = rng.choices([LARGE, MEDIUM, SMALL, MICRO], weights=[5, 24, 46, 25])[0]
        plans.append(p.company(category=category, size_class=size_class, local=rng.random() < 0.8,
                               status=status, expired=expired, extra_categories=extra))
    return plans


# --- writing it --------------------------------------------------------------------------------

def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII): enough for the certificate download to show something real."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class _DemoPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few rounds, for passwords printed in the README: their hash protects nothing.

    The default hasher verifies these hashes (the rounds are part of the stored hash) and re-hashes them
    at full cost on the first log-in; hashing five at full cost would make every `make run` seconds slower.
    """

    iterations = 10_000


def _demo_user(username: str, password: str, **fields) -> User:
    """Create or reset a demo user so the printed password always works."""
    user = User.objects.filter(username=username).first() or User(username=username)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = True
    user.password = make_password(password, hasher=_DemoPasswordHasher())
    user.save()
    return user


@dataclass
class DemoResult:
    """What a run added, the totals after it, and the logins to print."""

    created: dict
    totals: dict
    logins: tuple = DEMO_LOGINS


@contextmanager
def _given_timestamps(*models):
    """Let bulk_create store the created_at/updated_at set on each row instead of the current time.

    Demo rows were entered before their company was verified; stamped "now", every product would show
    as changed since verification. A bulk_update afterwards would cost more than the whole load.
    """
    fields = [f for model in models for f in model._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@transaction.atomic
def load_demo(now: datetime | None = None) -> DemoResult:
    """Create whatever of the demo data set is missing, reset the demo users' passwords, and count."""
    now = now or timezone.now()
    ensure_officials_group(sender=None)
    logins = {login.username: login for login in DEMO_LOGINS}
    official = _demo_user("official", logins["official"].password, is_staff=True, is_superuser=False,
                          first_name="Mei", last_name="Zhou", email="official@industry-bureau.example.com")
    official.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    _demo_user("admin", logins["admin"].password, is_staff=True, is_superuser=True,
               email="admin@industry-bureau.example.com")

    plans = plan_demo(now)
    created = {"companies": 0, "products": 0, "certificates": 0}

    existing = dict(Company.objects.filter(uscc__in=[p.uscc for p in plans]).values_list("uscc", "pk"))
    new_plans = [p for p in plans if p.uscc not in existing]
    new_companies = []
    for plan in new_plans:
        company = Company(
            uscc=plan.uscc, name=plan.name, name_en=plan.name_en, organisation_type=plan.organisation_type,
            description=plan.description, district=plan.district, address=plan.address, website=plan.website,
            contact_name=plan.contact_name, contact_phone=plan.contact_phone, contact_email=plan.contact_email,
            employees=plan.employees, revenue_cny=plan.revenue_cny, status=plan.status,
            status_reason=plan.status_reason, verified_at=plan.verified_at,
            verified_by=official if plan.verified_at else None, verified_until=plan.verified_until,
            is_anchor=plan.is_anchor, locality_confirmed=plan.locality_confirmed,
        )
        # bulk_create skips save(): derive what save() would, with the same functions.
        company.size_class = enterprise_size_class(company.employees, company.revenue_cny)
        company.locality_suggested = suggests_local(company.uscc)
        company.created_at, company.updated_at = plan.registered_at, plan.verified_at or plan.registered_at
        new_companies.append(company)
    if new_companies:
        with _given_timestamps(Company):
            new_companies = bulk_create_with_history(
                new_companies, Company, batch_size=500, default_user=official, default_change_reason=HISTORY_REASON,
            )
        existing.update({c.uscc: c.pk for c in new_companies})
        through = Company.categories.through
        through.objects.bulk_create(
            [through(company_id=existing[p.uscc], category_id=c.pk) for p in new_plans for c in p.categories],
            ignore_conflicts=True,
        )
        created["companies"] = len(new_companies)

    company_ids = {p.uscc: existing[p.uscc] for p in plans}
    have_products = set(Product.objects.filter(company_id__in=company_ids.values()).values_list("company_id", "name"))
    product_rows, product_plans = [], []
    for plan in plans:
        company_id = company_ids[plan.uscc]
        for item in plan.products:
            if (company_id, item.name) in have_products:
                continue
            created_at, updated_at = _row_dates(plan, item.changed_after_verification, now)
            product_rows.append(Product(
                company_id=company_id, category=item.category, name=item.name, description=item.description,
                stage=item.stage, application=item.application, annual_capacity=item.annual_capacity,
                capacity_unit=item.capacity_unit, made_in_city=item.made_in_city,
                meets_target=meets_city_target(item.category.slug, item.application, item.figures),
                created_at=created_at, updated_at=updated_at,
            ))
            product_plans.append(item)
    if product_rows:
        with _given_timestamps(Product):
            product_rows = bulk_create_with_history(
                product_rows, Product, batch_size=500, default_user=official, default_change_reason=HISTORY_REASON,
            )
        ProductFigure.objects.bulk_create(
            [ProductFigure(product_id=row.pk, figure=key, value=value)
             for row, item in zip(product_rows, product_plans, strict=True) for key, value in item.figures.items()],
            batch_size=1000,
        )
        created["products"] = len(product_rows)

    have_certificates = set(
        Certificate.objects.filter(company_id__in=company_ids.values()).values_list("company_id", "number")
    )
    certificate_rows, documents = [], []
    for plan in plans:
        company_id = company_ids[plan.uscc]
        for item in plan.certificates:
            if (company_id, item.number) in have_certificates:
                continue
            created_at, updated_at = _row_dates(plan, False, now)
            certificate = Certificate(
                company_id=company_id, cert_type=item.cert_type, number=item.number, issuer=item.issuer,
                valid_from=item.valid_from, valid_until=item.valid_until, created_at=created_at, updated_at=updated_at,
                # Looked at when the company was verified; a pending company's wait in the officials' queue.
                checked_at=plan.verified_at, checked_by=official if plan.verified_at else None,
            )
            if item.with_document:
                with translation.override("en"):
                    label = str(Certificate.Type(item.cert_type).label)
                documents.append((certificate, f"{plan.name_en}: {label} {item.number}, "
                                               f"valid until {item.valid_until.isoformat()}"))
            certificate_rows.append(certificate)
    for certificate, text in documents:
        # Saved without the model: the row is bulk-created below with the stored name.
        certificate.document.save("certificate.pdf", ContentFile(tiny_pdf(text)), save=False)
    if certificate_rows:
        with _given_timestamps(Certificate):
            certificate_rows = bulk_create_with_history(
                certificate_rows, Certificate, batch_size=500, default_user=official,
                default_change_reason=HISTORY_REASON,
            )
        created["certificates"] = len(certificate_rows)

    for plan in plans:
        if plan.login:
            login = logins[plan.login]
            _demo_user(login.username, login.password, is_staff=False, is_superuser=False,
                       company_id=company_ids[plan.uscc], email=f"{login.username}@{plan.contact_email.split('@')[1]}")

    created["production_bases"], created["land_requests"] = load_production_bases_demo(official, now)

    totals = {
        "companies": Company.objects.count(),
        "products": Product.objects.count(),
        "certificates": Certificate.objects.count(),
        "users": User.objects.count(),
    }
    return DemoResult(created=created, totals=totals)


def _row_dates(plan: CompanyPlan, changed_after_verification: bool, now: datetime) -> tuple[datetime, datetime]:
    """Products and certificates entered at registration; a few edited after the verification."""
    created = plan.registered_at + timedelta(hours=2)
    updated = now if changed_after_verification and plan.verified_at else created
    return created, updated


# --- production bases and industrial land requests ------------------------------------------------------

# (stage, capacity, unit, solid-state) per base, taken in turn; the anchor login's company gets the first.
BASE_PLANS = [
    ("in_production", Decimal("12"), "GWh", True),
    ("under_construction", Decimal("20"), "GWh", True),
    ("planned", Decimal("800"), "MWh", True),
    ("in_production", Decimal("30"), "GWh", False),
    ("in_production", Decimal("5000"), "t", True),
    ("under_construction", Decimal("8"), "GWh", False),
    ("planned", Decimal("2"), "GWh", True),
    ("in_production", Decimal("1200"), "t", False),
]
# (days ago, area in m², status, reason) per request, one per base in turn.
LAND_REQUEST_PLANS = [
    (40, Decimal("60000"), "submitted", ""),
    (75, Decimal("120000"), "under_review", ""),
    (20, Decimal("30000"), "submitted", ""),
    (120, Decimal("90000"), "submitted", ""),
    (200, Decimal("45000"), "granted", "Plot 7 of the new materials park allocated."),
    (160, Decimal("80000"), "declined", "The plot asked for is reserved for logistics; apply for the east park."),
    (10, Decimal("15000"), "submitted", ""),
    (300, Decimal("25000"), "granted", "Allocated next to the existing plant."),
]
LAND_PURPOSES = [
    "A second solid-state cell line and its dry room.",
    "Sulfide electrolyte synthesis plant with an argon-protected warehouse.",
    "Extension of the pack assembly hall.",
    "Raw material warehouse and a testing centre.",
]


def load_production_bases_demo(official: User, now: datetime) -> tuple[int, int]:
    """Production bases for the anchor firms and a few manufacturers, and land requests in every status (the
    `anchor` login's company has a solid-state base with a request waiting). Added once: nothing when the anchor
    login's company already has a base."""
    from .production_bases import land_request_decline, land_request_grant, land_request_review

    anchor_user = User.objects.filter(username="anchor").select_related("company").first()
    if anchor_user is None or anchor_user.company is None or anchor_user.company.production_bases.exists():
        return 0, 0
    others = list(
        Company.objects.published().filter(organisation_type=Company.OrganisationType.COMPANY)
        .exclude(pk=anchor_user.company_id).order_by("-is_anchor", "-employees", "pk")[: len(BASE_PLANS) - 1]
    )
    companies = [anchor_user.company, *others]
    today = timezone.localdate(now)
    bases = []
    for number, (company, (stage, capacity, unit, solid_state)) in enumerate(
        zip(companies, BASE_PLANS, strict=False)
    ):
        base = ProductionBase(
            company=company, name=f"{company.name_en or company.name} production base {number + 1}",
            address=company.address or "Suzhou", district=company.district, capacity=capacity, capacity_unit=unit,
            stage=stage, is_solid_state=solid_state, created_by=official,
        )
        base._history_user, base._change_reason = official, HISTORY_REASON
        base.save()
        bases.append(base)
    requests = 0
    for number, (base, (days_ago, area, status, reason)) in enumerate(zip(bases, LAND_REQUEST_PLANS, strict=False)):
        land_request = LandRequest(
            base=base, area_m2=area, purpose=LAND_PURPOSES[number % len(LAND_PURPOSES)],
            requested_on=today - timedelta(days=days_ago),
            created_by=base.company.users.first(),
        )
        land_request._history_user, land_request._change_reason = land_request.created_by, gettext_noop("Submitted")
        land_request.save()
        requests += 1
        if status == "under_review":
            land_request_review(land_request=land_request, by=official)
        elif status == "granted":
            land_request_grant(land_request=land_request, by=official, reason=reason)
        elif status == "declined":
            land_request_decline(land_request=land_request, by=official, reason=reason)
    return len(bases), requests
