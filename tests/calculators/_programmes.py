"""Programme versions as plain objects, for the catalogue's programme-driven calculators without a database."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace


def programme(**fields):
    values = {
        "pk": 1, "code": "test", "version": 1, "name": "Test programme", "kind": "local_procurement",
        "rate": None, "lead_reward": None, "participant_reward": None, "quota_factor": None,
        "cap_per_application": None, "cap_per_applicant_year": None, "active_from": date(2025, 1, 1),
        "active_until": None,
    }
    values.update({k: Decimal(v) if isinstance(v, str) and k not in ("kind", "code", "name") else v
                   for k, v in fields.items()})
    return SimpleNamespace(**values)
