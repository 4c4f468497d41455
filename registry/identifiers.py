"""The Unified Social Credit Code (GB 32100-2015): validation and what its digits tell.

python-stdnum implements the check digit. Its `validate()` also insists that the first eight
characters are digits, but GB 32100 lets the first character (the registering authority) be a
letter (e.g. `A`, `N`, `Y` for authorities other than the market regulator), so we apply the
same check-digit rule and alphabet ourselves around it.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalise_uscc(value: str) -> str:
    """Upper case, without spaces or dashes: the form we store and compare."""
    return stdnum_uscc.compact(value or "")


def validate_uscc(value: str) -> str:
    """Return the normalised USCC or raise ValidationError with a message a person can act on."""
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A Unified Social Credit Code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise ValidationError(
            _("The code contains characters a USCC never uses: %(chars)s (I, O, Z, S and V are not used)."),
            code="characters",
            params={"chars": ", ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a USCC are the administrative division code and must be digits."),
            code="division",
        )
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        raise ValidationError(
            _("The check digit (the last character) does not match; please check the code for a typing error."),
            code="checksum",
        )
    return code


def division_code(uscc: str) -> str:
    """Characters 3-8: the administrative division code of the registering authority."""
    return normalise_uscc(uscc)[2:8]


def suggests_local(uscc: str, prefix: str | None = None) -> bool:
    """True when the USCC was issued inside the city's division code prefix (a suggestion only)."""
    prefix = settings.CITY_DIVISION_PREFIX if prefix is None else prefix
    return division_code(uscc).startswith(prefix)


def with_check_digit(first17: str) -> str:
    """Complete a 17-character body with its check digit (used to make demo and test codes)."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


# --- what characters 1 and 2 tell: the registering authority and the entity type (GB 32100-2015, table 1) ----

# The entity types of the three authorities whose organisations register here; other authorities' codes
# (letters such as A, N, Y; digits 2-8) are valid but say nothing we check.
ENTITY_TYPES = {
    "11": _("organ"),
    "12": _("public institution"),
    "13": _("mass organisation under the institutional organisation authority"),
    "19": _("other institutional organisation"),
    "51": _("social organisation"),
    "52": _("private non-enterprise unit"),
    "53": _("foundation"),
    "59": _("other civil-affairs organisation"),
    "91": _("enterprise"),
    "92": _("individual business"),
    "93": _("farmers’ specialised cooperative"),
}

# Which entity types each organisation type of the registry may carry. Universities and public research
# institutes are public institutions (12); private ones are private non-enterprise units (52).
ENTITY_TYPES_BY_ORGANISATION = {
    "company": ("91", "92", "93"),
    "university": ("12", "52"),
    "institute": ("12", "52"),
    "association": ("51", "53"),
}


def entity_type(uscc: str) -> str:
    """Characters 1-2: the registering authority and the entity type it registered (e.g. "91" an enterprise)."""
    return normalise_uscc(uscc)[:2]


def entity_type_label(uscc: str) -> str:
    """The entity type in words, or the two characters themselves when we do not know them."""
    code = entity_type(uscc)
    label = ENTITY_TYPES.get(code)
    return f"{code} · {label}" if label else code


def organisation_type_fits(organisation_type: str, uscc: str) -> bool:
    """True when the code's entity type is one the organisation type may have (a company: 91, 92 or 93)."""
    return entity_type(uscc) in ENTITY_TYPES_BY_ORGANISATION.get(organisation_type, ())


def _mismatch_error(organisation_type: str, uscc: str) -> ValidationError:
    from .models import Company  # the labels of the organisation types; imported late, models import this module

    return ValidationError(
        _(
            "The code’s first two characters (%(entity)s) do not fit the organisation type “%(type)s”, "
            "which needs %(allowed)s. Check the organisation type or the code."
        ),
        code="entity_type",
        params={
            "entity": entity_type_label(uscc),
            "type": Company.OrganisationType(organisation_type).label if organisation_type in
            Company.OrganisationType.values else organisation_type,
            "allowed": ", ".join(ENTITY_TYPES_BY_ORGANISATION.get(organisation_type, ())) or "—",
        },
    )


def check_organisation_type(organisation_type: str, uscc: str) -> None:
    """Strict: raise unless the code's entity type fits (admission to the alliance relies on it)."""
    if not organisation_type_fits(organisation_type, uscc):
        raise _mismatch_error(organisation_type, uscc)


def check_organisation_type_if_known(organisation_type: str, uscc: str) -> None:
    """Lenient, for sign-up and the profile: raise only when the code names an entity type we know and it
    contradicts the organisation type; other authorities' codes are left to the official at verification."""
    if entity_type(uscc) in ENTITY_TYPES and not organisation_type_fits(organisation_type, uscc):
        raise _mismatch_error(organisation_type, uscc)


# Record ids are 64-bit integers: a larger number overflows the database driver instead of matching nothing.
MAX_RECORD_ID = 2**63 - 1
_ASCII_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}\Z")


def record_id(value) -> int | None:
    """A record id written as text ("42"), or None: ASCII digits only (str.isdigit() also accepts "²", which
    int() refuses) and within the database's integer range."""
    text = str(value if value is not None else "").strip()
    if not _ASCII_WHOLE_NUMBER.match(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_RECORD_ID else None
