"""Who sees the talent plan's records: one rule for the pages, the admin and the API.

Training bases' figures, overseas specialists and scholarship recipients are seen by the organisation that
entered them and by officials, never by the public or another organisation (a 404 for them, not a 403, so that
nobody learns a record exists). The yearly totals built from them are public (talent.selectors).
"""

from registry.permissions import is_official

from .models import OverseasSpecialist, Scholarship, ScholarshipRecipient, TrainingBase, TrainingYear

# The field that names the organisation a record belongs to, per kind of record.
OWNER = {
    TrainingBase: "organisation",
    TrainingYear: "base__organisation",
    OverseasSpecialist: "company",
    Scholarship: "company",
    ScholarshipRecipient: "scholarship__company",
}


def owner_id(record) -> int | None:
    value = record
    for part in OWNER[type(record)].split("__"):
        value = getattr(value, part)
    return value.pk


def can_see_talent_record(user, record) -> bool:
    """The rule: officials see every talent record; an organisation's own users see its own; nobody else."""
    if is_official(user):
        return True
    return bool(user and user.is_authenticated and user.company_id and user.company_id == owner_id(record))


def visible_talent_records(user, queryset):
    """The same rule over a list: what `can_see_talent_record` allows, as a queryset."""
    if is_official(user):
        return queryset
    if not (user and user.is_authenticated and user.company_id):
        return queryset.none()
    return queryset.filter(**{f"{OWNER[queryset.model]}_id": user.company_id})


def can_enter_talent_records(user) -> bool:
    """An organisation's users enter its own figures (officials look and correct in the admin)."""
    return bool(user and user.is_authenticated and user.company_id)
