"""Sign-up: a company and its first user in one step, the USCC checks, duplicates and join requests,
and nothing half-saved when any part fails."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from registry.identifiers import with_check_digit
from registry.models import Company, JoinRequest, User
from registry.services import company_register, join_request_decide
from tests import factories
from tests.conftest import client_for

SIGNUP = "/accounts/signup/"
PASSWORD = "Solid-state-2030!"



def form_data(**overrides) -> dict:
    data = {
        "username": "wang.fang",
        "email": "wang.fang@lpsc-materials.cn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "uscc": factories.make_uscc(factories.LOCAL_DIVISION),
        "name": "Kunshan LPSC Materials Co., Ltd.",
        "name_en": "Kunshan LPSC Materials",
        "organisation_type": "company",
        "district": "",
        "address": "88 Qianjin Road, Kunshan",
        "website": "https://lpsc-materials.cn",
        "contact_name": "Wang Fang",
        "contact_phone": "0512-5555 1234",
        "contact_email": "sales@lpsc-materials.cn",
        "employees": "120",
        "revenue_cny": "50,000,000",
        "categories": [factories.category("sulfide-electrolyte").pk, factories.category("recycling").pk],
        "description": "Sulfide electrolyte powders.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def nothing_saved():
    return Company.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.django_db
class TestSignupPage:
    def test_the_page_has_both_sections_and_the_categories_grouped(self, client):
        response = client.get(SIGNUP)
        html = response.content.decode()
        assert response.status_code == 200
        assert "1. Your account" in html and "2. Your company" in html
        assert "<legend>Solid electrolytes</legend>" in html
        assert 'value="{}"'.format(factories.category("sulfide-electrolyte").pk) in html
        assert 'data-division="320583"' in html  # the script's hook to pre-select the district
        assert "CNY" in html
        assert "Ask to join this company" not in html  # only offered for a registered USCC

    def test_a_company_user_is_sent_to_their_company(self, supplier_x):
        response = client_for(supplier_x).get(SIGNUP)
        assert response.status_code == 302 and response["Location"] == "/my/"


@pytest.mark.django_db
class TestSignupSuccess:
    def test_creates_a_pending_company_with_its_user_logged_in(self, client):
        data = form_data()
        response = client.post(SIGNUP, data)
        assert response.status_code == 302
        assert response["Location"] == "/my/"
        company = Company.objects.get()
        user = User.objects.get()
        assert company.status == Company.Status.PENDING
        assert company.uscc == data["uscc"]
        assert user.company == company
        assert user.check_password(PASSWORD)
        assert company.revenue_cny == 50_000_000
        assert set(company.categories.values_list("slug", flat=True)) == {"sulfide-electrolyte", "recycling"}
        # The session belongs to the new user.
        assert int(client.session["_auth_user_id"]) == user.pk

    def test_size_class_is_computed_and_shown_on_my_page(self, client):
        client.post(SIGNUP, form_data(employees="1000", revenue_cny="400000000"))
        assert Company.objects.get().size_class == "large"
        page = client.get("/my/").content.decode()
        assert "Size class from the employees and revenue you gave: Large." in page
        assert "Pending verification" in page

    def test_small_company_is_small(self, client):
        client.post(SIGNUP, form_data(employees="20", revenue_cny="3000000"))
        assert Company.objects.get().size_class == "small"

    def test_district_is_suggested_from_the_uscc_when_left_empty(self, client):
        client.post(SIGNUP, form_data(uscc=factories.make_uscc("320583"), district=""))
        assert Company.objects.get().district.code == "320583"

    def test_the_person_may_choose_another_district(self, client):
        taicang = factories.District.objects.get(code="320585")
        client.post(SIGNUP, form_data(uscc=factories.make_uscc("320583"), district=str(taicang.pk)))
        assert Company.objects.get().district == taicang

    def test_locality_suggestion_is_told_after_sign_up(self, client):
        client.post(SIGNUP, form_data(uscc=factories.make_uscc("320583")))
        page = client.get("/my/").content.decode()
        assert Company.objects.get().locality_suggested is True
        assert "division code 320583 lies inside the city" in page

    def test_a_company_from_outside_the_city_is_told_it_does_not_look_local(self, client):
        client.post(SIGNUP, form_data(uscc=factories.make_uscc(factories.OUTSIDE_DIVISION)))
        company = Company.objects.get()
        assert company.locality_suggested is False
        assert company.district is None
        assert "lies outside the city" in client.get("/my/").content.decode()

    def test_the_registration_is_in_the_companys_history_under_the_new_user(self, client):
        client.post(SIGNUP, form_data())
        record = Company.objects.get().history.get()
        assert record.history_user == User.objects.get()
        assert record.history_change_reason == "Registered"

    @pytest.mark.parametrize("authority", ["A1", "N1", "Y1"])
    def test_a_letter_authority_code_is_accepted(self, client, authority):
        code = with_check_digit(f"{authority}320583MA1K4T2B0")
        response = client.post(SIGNUP, form_data(uscc=code, organisation_type="association"))
        assert response.status_code == 302
        assert Company.objects.get().uscc == code

    def test_the_uscc_is_stored_normalised(self, client):
        code = factories.make_uscc()
        client.post(SIGNUP, form_data(uscc=f" {code[:9].lower()} {code[9:]} "))
        assert Company.objects.get().uscc == code


@pytest.mark.django_db
class TestUsccErrors:
    def post_uscc(self, client, code):
        response = client.post(SIGNUP, form_data(uscc=code))
        assert response.status_code == 200
        assert nothing_saved()
        return response

    def test_wrong_length(self, client):
        response = self.post_uscc(client, "91320583MA1K4T2B")
        assert "A Unified Social Credit Code has 18 characters; this one has 16." in response.content.decode()

    @pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
    def test_letters_never_used(self, client, letter):
        code = with_check_digit("91320583MA1K4T2B0")
        response = self.post_uscc(client, code[:10] + letter + code[11:])
        assert response.context["form"].errors["uscc"][0].startswith(
            f"The code contains characters a USCC never uses: {letter}"
        )

    def test_bad_check_digit(self, client):
        code = with_check_digit("91320583MA1K4T2B0")
        response = self.post_uscc(client, code[:17] + ("0" if code[-1] != "0" else "1"))
        assert "The check digit (the last character) does not match" in response.context["form"].errors["uscc"][0]

    def test_the_error_is_beside_the_field_and_in_the_summary(self, client):
        html = self.post_uscc(client, "123").content.decode()
        assert 'href="#id_uscc"' in html  # the summary links to the field
        assert 'id="id_uscc_error"' in html  # the message beside it
        assert 'aria-invalid="true"' in html


@pytest.mark.django_db
class TestDuplicatesAndJoining:
    def test_a_registered_uscc_is_refused_with_the_offer_to_join(self, client, company_x):
        response = client.post(SIGNUP, form_data(uscc=company_x.uscc))
        html = response.content.decode()
        assert response.status_code == 200
        assert "A company with this USCC is already registered." in response.context["form"].errors["uscc"][0]
        assert "Ask to join this company" in html
        assert Company.objects.count() == 1 and not User.objects.exists()

    def test_asking_to_join_creates_the_user_and_a_pending_request_only(self, client, company_x):
        data = {
            "username": "li.na", "email": "li.na@example.com", "password1": PASSWORD, "password2": PASSWORD,
            "uscc": company_x.uscc, "join_existing": "on", "join_message": "I run the sulfide line.",
        }
        response = client.post(SIGNUP, data)
        assert response.status_code == 302 and response["Location"] == "/my/"
        user = User.objects.get(username="li.na")
        assert user.company is None
        join_request = JoinRequest.objects.get()
        assert (join_request.user, join_request.company, join_request.status) == (user, company_x, "pending")
        assert join_request.message == "I run the sulfide line."
        assert Company.objects.count() == 1
        page = client.get("/my/").content.decode()
        assert company_x.name in page
        assert "awaits approval by the company’s users or an official" in page

    def test_asking_to_join_an_unregistered_uscc_is_refused(self, client):
        data = form_data(join_existing="on", name="")
        response = client.post(SIGNUP, data)
        assert "No company with this USCC is registered yet" in response.context["form"].errors["join_existing"][0]
        assert nothing_saved()

    def test_a_join_request_still_needs_a_valid_account(self, client, company_x):
        response = client.post(
            SIGNUP, {"username": "li.na", "email": "li.na@example.com", "password1": "123", "password2": "123",
                     "uscc": company_x.uscc, "join_existing": "on"},
        )
        assert "password1" in response.context["form"].errors
        assert not JoinRequest.objects.exists() and not User.objects.filter(username="li.na").exists()

    def test_a_company_user_approves_the_request(self, company_x, supplier_x):
        newcomer = factories.make_user(None, username="newcomer")
        join_request = JoinRequest.objects.create(user=newcomer, company=company_x)
        response = client_for(supplier_x).post(
            f"/my/join-requests/{join_request.pk}/decide/", {"decision": "approve"}
        )
        assert response.status_code == 302
        newcomer.refresh_from_db()
        join_request.refresh_from_db()
        assert newcomer.company == company_x
        assert (join_request.status, join_request.decided_by) == ("approved", supplier_x)
        assert join_request.decided_at is not None

    def test_an_official_approves_the_request(self, company_x, official):
        newcomer = factories.make_user(None, username="newcomer")
        join_request = JoinRequest.objects.create(user=newcomer, company=company_x)
        response = client_for(official).post(f"/my/join-requests/{join_request.pk}/decide/", {"decision": "approve"})
        assert response.status_code == 302
        newcomer.refresh_from_db()
        assert newcomer.company == company_x
        assert JoinRequest.objects.get().decided_by == official

    def test_a_declined_request_leaves_the_user_without_a_company(self, company_x, supplier_x):
        newcomer = factories.make_user(None, username="newcomer")
        join_request = JoinRequest.objects.create(user=newcomer, company=company_x)
        client_for(supplier_x).post(f"/my/join-requests/{join_request.pk}/decide/", {"decision": "decline"})
        newcomer.refresh_from_db()
        assert newcomer.company is None
        assert JoinRequest.objects.get().status == "declined"
        assert "The request was declined" in client_for(newcomer).get("/my/").content.decode()

    def test_a_request_cannot_be_decided_twice(self, company_x, supplier_x, official):
        newcomer = factories.make_user(None, username="newcomer")
        join_request = JoinRequest.objects.create(user=newcomer, company=company_x)
        join_request_decide(join_request=join_request, by=supplier_x, approve=False)
        response = client_for(official).post(
            f"/my/join-requests/{join_request.pk}/decide/", {"decision": "approve"}, follow=True
        )
        assert "already been decided" in response.content.decode()
        newcomer.refresh_from_db()
        assert newcomer.company is None

    def test_approving_someone_who_joined_another_company_meanwhile_is_refused(
        self, company_x, company_y, supplier_x, supplier_y
    ):
        newcomer = factories.make_user(None, username="newcomer")
        to_x = JoinRequest.objects.create(user=newcomer, company=company_x)
        to_y = JoinRequest.objects.create(user=newcomer, company=company_y)
        join_request_decide(join_request=to_x, by=supplier_x, approve=True)
        with pytest.raises(ValidationError):
            join_request_decide(join_request=to_y, by=supplier_y, approve=True)
        newcomer.refresh_from_db()
        assert newcomer.company == company_x
        assert JoinRequest.objects.get(pk=to_y.pk).status == "pending"

    def test_a_signed_in_user_without_a_company_can_ask_to_join(self, company_x):
        declined = factories.make_user(None, username="declined")
        client = client_for(declined)
        assert 'name="username"' not in client.get(SIGNUP).content.decode()
        response = client.post(SIGNUP, {"uscc": company_x.uscc, "join_existing": "on"})
        assert response.status_code == 302
        assert JoinRequest.objects.get().user == declined
        # Asking twice while the first request waits is refused with a message.
        again = client.post(SIGNUP, {"uscc": company_x.uscc, "join_existing": "on"})
        assert "already asked to join this company" in again.content.decode()
        assert JoinRequest.objects.count() == 1

    def test_a_signed_in_user_without_a_company_can_register_one(self, company_x):
        declined = factories.make_user(None, username="declined")
        data = form_data()
        for field in ("username", "email", "password1", "password2"):
            del data[field]
        response = client_for(declined).post(SIGNUP, data)
        assert response.status_code == 302
        declined.refresh_from_db()
        assert declined.company.name == data["name"]
        assert declined.company.status == Company.Status.PENDING


@pytest.mark.django_db
class TestNothingHalfSaved:
    def test_a_taken_username_saves_nothing_and_keeps_the_typing(self, client):
        factories.make_user(None, username="Wang.Fang")
        before = User.objects.count()
        data = form_data(username="wang.fang")
        response = client.post(SIGNUP, data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "That username is taken" in response.context["form"].errors["username"][0]
        assert Company.objects.count() == 0 and User.objects.count() == before
        # What was typed comes back, except the passwords.
        assert 'value="Kunshan LPSC Materials Co., Ltd."' in html
        assert 'value="50,000,000"' in html
        assert f'value="{data["uscc"]}"' in html
        assert "checked" in html.split(f'value="{factories.category("recycling").pk}"')[1][:40]
        assert PASSWORD not in html

    def test_a_company_error_saves_no_user(self, client):
        response = client.post(SIGNUP, form_data(revenue_cny="-5", website="not a website"))
        errors = response.context["form"].errors
        assert {"revenue_cny", "website"} <= set(errors)
        assert nothing_saved()

    def test_required_company_fields_are_named(self, client):
        response = client.post(SIGNUP, form_data(name="", employees="", revenue_cny=""))
        errors = response.context["form"].errors
        # Each says what to enter, not "This field is required."
        assert errors["name"] == ["Enter the registered name, as on the business licence."]
        assert errors["employees"] == ["Enter the number of employees."]
        assert errors["revenue_cny"] == ["Enter the annual revenue in CNY (0 if there was none)."]
        assert nothing_saved()

    def test_passwords_must_match_and_pass_the_validators(self, client):
        response = client.post(SIGNUP, form_data(password1="12345678", password2="12345679"))
        errors = response.context["form"].errors
        assert "The two passwords differ" in errors["password2"][0]
        assert any("entirely numeric" in message for message in errors["password1"])
        assert nothing_saved()

    def test_the_district_comes_back_pre_selected_after_an_error(self, client):
        kunshan = factories.District.objects.get(code="320583")
        response = client.post(SIGNUP, form_data(uscc=factories.make_uscc("320583"), name=""))
        html = response.content.decode()
        assert f'<option value="{kunshan.pk}" selected data-division="320583">Kunshan</option>' in html
        assert "Suggested from the USCC’s division code: Kunshan." in html

    def test_service_refuses_both_halves_at_once_and_saves_nothing(self):
        factories.make_user(None, username="taken")
        with pytest.raises(ValidationError) as excinfo:
            company_register(
                user_data={"username": "taken", "email": "x@example.com", "password": PASSWORD},
                company_data={"uscc": "123", "name": "X", "employees": 1, "revenue_cny": 1},
            )
        assert {"username", "uscc"} <= set(excinfo.value.message_dict)
        assert Company.objects.count() == 0

    def test_a_failure_after_the_company_is_written_rolls_it_back(self, monkeypatch):
        def fail(*args, **kwargs):
            raise IntegrityError("disk on fire")

        monkeypatch.setattr(User, "save", fail)
        with pytest.raises(ValidationError):
            company_register(
                user_data={"username": "someone", "email": "x@example.com", "password": PASSWORD},
                company_data={"uscc": factories.make_uscc(), "name": "X", "employees": 1, "revenue_cny": 1},
            )
        assert Company.objects.count() == 0

    def test_the_service_applies_the_password_rules(self):
        with pytest.raises(ValidationError) as excinfo:
            company_register(
                user_data={"username": "someone", "email": "x@example.com", "password": "password"},
                company_data={"uscc": factories.make_uscc(), "name": "X", "employees": 1, "revenue_cny": 1},
            )
        assert "password" in excinfo.value.message_dict
        assert Company.objects.count() == 0


@pytest.mark.django_db
class TestAccountPages:
    def test_login_page_and_a_wrong_password(self, client, supplier_x):
        page = client.get("/accounts/login/").content.decode()
        assert 'name="username"' in page and 'href="/accounts/password_reset/"' in page
        response = client.post("/accounts/login/", {"username": "supplier_x", "password": "wrong"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert 'value="supplier_x"' in html

    def test_login_then_logout_by_post(self, client, supplier_x):
        response = client.post("/accounts/login/", {"username": "supplier_x", "password": "correct-horse-42"})
        assert response["Location"] == "/my/"
        assert client.post("/accounts/logout/").status_code == 302
        assert client.get("/my/")["Location"].startswith("/accounts/login/")

    def test_password_reset_sends_a_working_link(self, client, supplier_x, mailoutbox):
        response = client.post("/accounts/password_reset/", {"email": "user@example.com"})
        assert response["Location"] == "/accounts/password_reset/done/"
        assert "Check your email" in client.get(response["Location"]).content.decode()
        assert len(mailoutbox) == 1
        link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
        path = link.split("testserver", 1)[1]
        form_page = client.get(path, follow=True)
        assert "Choose a new password" in form_page.content.decode()
        done = client.post(
            form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
        )
        assert "Your password is changed" in done.content.decode()
        supplier_x.refresh_from_db()
        assert supplier_x.check_password(PASSWORD)

    def test_a_used_reset_link_says_so(self, client):
        response = client.get("/accounts/reset/MQ/bad-token/")
        assert "This link does not work any more" in response.content.decode()

    def test_password_change(self, supplier_x):
        client = client_for(supplier_x)
        assert "Change your password" in client.get("/accounts/password_change/").content.decode()
        response = client.post(
            "/accounts/password_change/",
            {"old_password": "correct-horse-42", "new_password1": PASSWORD, "new_password2": PASSWORD},
            follow=True,
        )
        assert "Your password is changed" in response.content.decode()
