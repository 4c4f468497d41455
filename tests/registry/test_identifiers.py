"""The USCC (GB 32100-2015): what is accepted, what is refused and with which message, what it tells."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidFormat

from registry.identifiers import division_code, normalise_uscc, suggests_local, validate_uscc, with_check_digit
from registry.services import district_for_uscc
from tests.factories import LOCAL_DIVISION, OUTSIDE_DIVISION, make_uscc

VALID = with_check_digit("91320583MA1K4T2B0")


def refusal(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)
    return excinfo.value


def test_a_valid_code_is_returned_normalised():
    spaced = f" {VALID[:6].lower()} {VALID[6:12]}-{VALID[12:]} "
    assert validate_uscc(spaced) == VALID
    assert normalise_uscc(spaced) == VALID


@pytest.mark.parametrize("code", ["", "9132058", VALID[:17], VALID + "1"])
def test_wrong_length_says_how_many_characters(code):
    error = refusal(code)
    assert error.code == "length"
    assert "18 characters" in error.messages[0]
    assert f"this one has {len(code)}" in error.messages[0]


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_the_standard_never_uses_are_named(letter):
    code = VALID[:10] + letter + VALID[11:]
    error = refusal(code)
    assert error.code == "characters"
    assert letter in error.messages[0]


def test_punctuation_is_a_bad_character():
    error = refusal(VALID[:10] + "#" + VALID[11:])
    assert error.code == "characters"


def test_a_wrong_check_digit_is_refused():
    wrong = "0" if VALID[-1] != "0" else "1"
    error = refusal(VALID[:17] + wrong)
    assert error.code == "checksum"
    assert "check digit" in error.messages[0]


def test_a_single_typing_error_is_caught_by_the_check_digit():
    typo = VALID[:12] + ("1" if VALID[12] != "1" else "2") + VALID[13:]
    assert refusal(typo).code == "checksum"


def test_the_division_code_must_be_digits():
    error = refusal(with_check_digit("91A20583MA1K4T2B0"))
    assert error.code == "division"


@pytest.mark.parametrize("authority", ["A1", "N1", "Y1", "11", "51"])
def test_registering_authorities_other_than_the_market_regulator_are_accepted(authority):
    code = with_check_digit(f"{authority}320583MA1K4T2B0")
    assert validate_uscc(code) == code


def test_stdnum_alone_would_refuse_a_letter_authority_code():
    # Why identifiers.py wraps stdnum: its validate() insists on digits in the first eight characters.
    code = with_check_digit("N1320583MA1K4T2B0")
    with pytest.raises(InvalidFormat):
        stdnum_uscc.validate(code)
    assert validate_uscc(code) == code


def test_a_letter_authority_code_with_a_wrong_check_digit_is_still_refused():
    code = with_check_digit("Y1320583MA1K4T2B0")
    wrong = "0" if code[-1] != "0" else "1"
    assert refusal(code[:17] + wrong).code == "checksum"


def test_division_code_is_characters_3_to_8():
    assert division_code(VALID) == "320583"


def test_a_code_from_inside_the_city_prefix_suggests_local():
    assert suggests_local(make_uscc(LOCAL_DIVISION)) is True


def test_a_code_from_another_prefix_does_not_suggest_local():
    assert suggests_local(make_uscc(OUTSIDE_DIVISION)) is False


def test_a_code_sharing_only_the_province_does_not_suggest_local():
    # 3201 is Nanjing, same province (32) as the city (3205): not local.
    assert suggests_local(make_uscc("320102")) is False


def test_the_city_prefix_is_a_setting(settings):
    settings.CITY_DIVISION_PREFIX = "4403"
    assert suggests_local(make_uscc(OUTSIDE_DIVISION)) is True
    assert suggests_local(make_uscc(LOCAL_DIVISION)) is False


def test_an_explicit_prefix_overrides_the_setting():
    assert suggests_local(make_uscc(OUTSIDE_DIVISION), prefix="44") is True


def test_district_for_a_city_code_is_found(db):
    district = district_for_uscc(make_uscc("320583"))
    assert district is not None and district.code == "320583"


def test_no_district_for_a_code_outside_the_city(db):
    assert district_for_uscc(make_uscc(OUTSIDE_DIVISION)) is None


def test_the_locality_suggestion_is_stored_on_save(db, settings):
    from tests.factories import make_company

    assert make_company(local=True).locality_suggested is True
    assert make_company(local=False).locality_suggested is False
    settings.CITY_DIVISION_PREFIX = "4403"
    assert make_company(local=False).locality_suggested is True
