"""The USCC (GB 32100-2015): what is accepted, what is refused and with which message, what it tells."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidFormat

from registry.identifiers import (
    check_organisation_type,
    check_organisation_type_if_known,
    division_code,
    entity_type,
    normalise_uscc,
    organisation_type_fits,
    suggests_local,
    validate_uscc,
    with_check_digit,
)
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


# --- entity types (characters 1-2) and whether an organisation's type fits them ------------------------------

@pytest.mark.parametrize("authority,expected", [("91", "91"), ("12", "12"), ("51", "51"), ("N1", "N1")])
def test_entity_type_is_the_first_two_characters(authority, expected):
    assert entity_type(with_check_digit(f"{authority}320583MA1K4T2B0").lower()) == expected


@pytest.mark.parametrize("organisation_type,authority,fits", [
    ("company", "91", True), ("company", "92", True), ("company", "93", True),
    ("company", "12", False), ("company", "51", False),
    ("university", "12", True), ("university", "52", True), ("university", "91", False), ("university", "51", False),
    ("institute", "12", True), ("institute", "52", True), ("institute", "91", False),
    ("association", "51", True), ("association", "53", True), ("association", "52", False),
    ("association", "91", False), ("association", "N1", False),
])
def test_organisation_type_fits_its_code(organisation_type, authority, fits):
    code = with_check_digit(f"{authority}320583MA1K4T2B0")
    assert organisation_type_fits(organisation_type, code) is fits


def test_the_strict_check_names_the_code_and_what_the_type_needs():
    with pytest.raises(ValidationError) as excinfo:
        check_organisation_type("university", with_check_digit("91320583MA1K4T2B0"))
    message = excinfo.value.messages[0]
    assert "91 · enterprise" in message and "“University”" in message and "12, 52" in message


def test_the_lenient_check_leaves_other_authorities_to_the_official():
    check_organisation_type_if_known("association", with_check_digit("N1320583MA1K4T2B0"))  # no error
    with pytest.raises(ValidationError):
        check_organisation_type_if_known("association", with_check_digit("91320583MA1K4T2B0"))


@pytest.mark.django_db
def test_sign_up_refuses_a_university_with_an_enterprise_code_beside_the_type(client):
    from registry.models import Company
    from tests.registry.test_signup import SIGNUP, form_data

    response = client.post(SIGNUP, form_data(organisation_type="university"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_organisation_type_error"' in html and "do not fit the organisation type" in html
    assert not Company.objects.exists()
    code = make_uscc(authority="12")
    assert client.post(SIGNUP, form_data(organisation_type="university", uscc=code)).status_code == 302


@pytest.mark.django_db
def test_changing_the_profile_type_to_one_the_code_contradicts_is_refused(supplier_x):
    from registry.services import company_update

    with pytest.raises(ValidationError) as excinfo:
        company_update(company=supplier_x.company, by=supplier_x, data={"organisation_type": "association"})
    assert "organisation_type" in excinfo.value.message_dict
    supplier_x.company.refresh_from_db()
    assert supplier_x.company.organisation_type == "company"
