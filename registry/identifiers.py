"""The Unified Social Credit Code (GB 32100-2015): validation and what its digits tell.

python-stdnum implements the check digit. Its `validate()` also insists that the first eight
characters are digits, but GB 32100 lets the first character (the registering authority) be a
letter (e.g. `A`, `N`, `Y` for authorities other than the market regulator), so we apply the
same check-digit rule and alphabet ourselves around it.
"""

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
