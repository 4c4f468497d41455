"""The officials' admin: the company list and its filters, the verification actions, the company page, who gets in."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from registry import services
from registry.admin import VERIFICATION_ACTIONS
from registry.history import reason_in_words
from registry.models import Category, Company, District, JoinRequest, Product
from tests import factories
from tests.conftest import client_for

CHANGELIST = "admin:registry_company_changelist"



@pytest.fixture
def official_client(official):
    return client_for(official)


@pytest.fixture
def pending(db):
    return factories.make_company(name="Pending Electrolytes", status=Company.Status.PENDING)


@pytest.fixture
def clerk(db):
    """A staff user who may look at and edit companies but not verify them."""
    user = factories.make_user(None, username="clerk", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_company", "change_company", "view_product"])
    )
    return user


def reload(company):
    return Company.objects.get(pk=company.pk)


def listed(response) -> set[str]:
    return {company.name for company in response.context["cl"].result_list}


def run_action(client, action, companies, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in companies], "index": 0, **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def latest_history(company):
    return company.history.order_by("-history_date", "-history_id").first()


def page_text(response) -> str:
    return response.content.decode()


# --- who gets in ------------------------------------------------------------------------------------------

def test_a_supplier_is_sent_to_the_admin_login(supplier_x):
    client = client_for(supplier_x)
    for url in ("/admin/", reverse(CHANGELIST)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, db):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_official_sees_every_verification_action(official_client, company_x):
    response = official_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    choices = {name for name, _label in response.context["action_form"].fields["action"].choices}
    assert set(VERIFICATION_ACTIONS) <= choices
    assert "delete_selected" not in choices


def test_staff_without_verify_permission_has_no_action_and_cannot_force_one(clerk, pending):
    client = client_for(clerk)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    action_form = response.context["action_form"]
    choices = {name for name, _label in action_form.fields["action"].choices} if action_form else set()
    assert not choices & set(VERIFICATION_ACTIONS)

    response = run_action(client, "verify_companies", [pending])
    assert response.status_code == 200
    assert reload(pending).status == Company.Status.PENDING
    assert pending.history.count() == 1

    button = client.post(
        reverse("admin:registry_company_verification", args=[pending.pk]), {"do": "verify_companies"}
    )
    assert button.status_code == 403
    assert reload(pending).status == Company.Status.PENDING


def test_staff_without_verify_permission_sees_no_buttons_on_the_company_page(clerk, pending):
    response = client_for(clerk).get(reverse("admin:registry_company_change", args=[pending.pk]))
    assert response.status_code == 200
    assert response.context["verification_buttons"] == []
    assert reverse("admin:registry_company_verification", args=[pending.pk]) not in page_text(response)


# --- the list: columns, filters, search -------------------------------------------------------------------

@pytest.fixture
def population(db):
    """Companies that differ in one filtered property each."""
    today = timezone.localdate()
    sulfide = Category.objects.get(slug="sulfide-electrolyte")
    cathode = Category.objects.get(slug="high-nickel-cathode")
    companies = {
        "pending": factories.make_company(name="Alpha Pending", status=Company.Status.PENDING, categories=[sulfide]),
        "verified": factories.make_company(name="Beta Verified", categories=[cathode]),
        "outside": factories.make_company(name="Gamma Outside", local=False, status=Company.Status.PENDING),
        "anchor": factories.make_company(name="Delta Anchor", anchor=True, employees=1500,
                                         revenue_cny=Decimal("500000000"),
                                         district=District.objects.get(code="320505")),
        "expired": factories.make_company(name="Epsilon Expired"),
        "expiring": factories.make_company(name="Zeta Expiring"),
        "denied": factories.make_company(name="Eta Denied"),
    }
    Company.objects.filter(pk=companies["expired"].pk).update(verified_until=today - timedelta(days=2))
    Company.objects.filter(pk=companies["expiring"].pk).update(verified_until=today + timedelta(days=10))
    Company.objects.filter(pk=companies["denied"].pk).update(locality_confirmed=False)
    # A product in a category counts for the category filter too, as in the directory.
    factories.make_product(companies["verified"], category_slug="oxide-electrolyte")
    return {key: reload(company) for key, company in companies.items()}


def test_changelist_columns(official_client, population):
    response = official_client.get(reverse(CHANGELIST))
    text = page_text(response)
    assert population["pending"].uscc in text
    assert "Pending verification" in text
    assert "registry-tag-pending" in text
    assert "registry-tag-expired" in text  # Epsilon's verification ran out
    assert population["expired"].verified_until.isoformat() in text
    assert "suggested / unconfirmed" in text  # Alpha: local USCC, not yet confirmed
    assert "not suggested / unconfirmed" in text  # Gamma: outside the city
    assert "registry-tag-changed" in text  # Beta added a product after its verification


ALL = {"Alpha Pending", "Beta Verified", "Gamma Outside", "Delta Anchor", "Epsilon Expired", "Zeta Expiring",
       "Eta Denied"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ALL),
        ({"status__exact": "pending"}, {"Alpha Pending", "Gamma Outside"}),
        ({"status__exact": "verified"}, ALL - {"Alpha Pending", "Gamma Outside"}),
        ({"category": "slug:solid-electrolytes"}, {"Alpha Pending", "Beta Verified"}),
        ({"category": "slug:sulfide-electrolyte"}, {"Alpha Pending"}),
        ({"category": "slug:cathode-materials"}, {"Beta Verified"}),
        ({"category": "slug:recycling"}, set()),
        ({"district__id__exact": "code:320505"}, {"Delta Anchor"}),
        ({"locality": "yes"}, {"Beta Verified", "Delta Anchor", "Epsilon Expired", "Zeta Expiring"}),
        ({"locality": "no"}, {"Eta Denied"}),
        ({"locality": "unconfirmed"}, {"Alpha Pending", "Gamma Outside"}),
        ({"locality_suggested__exact": "0"}, {"Gamma Outside"}),
        ({"size_class__exact": "large"}, {"Delta Anchor"}),
        ({"size_class__exact": "small"}, ALL - {"Delta Anchor"}),
        ({"size_class__exact": "micro"}, set()),
        ({"is_anchor__exact": "1"}, {"Delta Anchor"}),
        ({"verification": "expired"}, {"Epsilon Expired"}),
        ({"verification": "expiring"}, {"Zeta Expiring"}),
        ({"verification": "current"}, {"Beta Verified", "Delta Anchor", "Zeta Expiring", "Eta Denied"}),
        ({"changed": "yes"}, {"Beta Verified"}),
        ({"status__exact": "verified", "locality": "yes", "verification": "current"},
         {"Beta Verified", "Delta Anchor", "Zeta Expiring"}),
    ],
)
def test_changelist_filters(official_client, population, query, expected):
    query = dict(query)
    for key, value in query.items():
        if value.startswith("slug:"):
            query[key] = str(Category.objects.get(slug=value[5:]).pk)
        elif value.startswith("code:"):
            query[key] = str(District.objects.get(code=value[5:]).pk)
    response = official_client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    assert listed(response) == expected


def test_category_filter_lists_the_tree(official_client, population):
    response = official_client.get(reverse(CHANGELIST))
    text = page_text(response)
    assert "Solid electrolytes" in text
    assert "— Sulfide electrolytes" in text


def test_an_unknown_category_lists_nothing(official_client, population):
    response = official_client.get(reverse(CHANGELIST), {"category": "999999"})
    assert response.status_code == 200
    assert listed(response) == set()


@pytest.mark.parametrize("transform", [str, str.lower, lambda code: f"{code[:6]} {code[6:12]} {code[12:]}"])
def test_search_by_uscc(official_client, population, transform):
    code = population["outside"].uscc
    response = official_client.get(reverse(CHANGELIST), {"q": transform(code)})
    assert listed(response) == {"Gamma Outside"}


def test_search_by_name_and_english_name(official_client, population):
    Company.objects.filter(pk=population["anchor"].pk).update(name_en="Delta Solid-State Cells Co.")
    assert listed(official_client.get(reverse(CHANGELIST), {"q": "Epsilon"})) == {"Epsilon Expired"}
    assert listed(official_client.get(reverse(CHANGELIST), {"q": "Solid-State Cells"})) == {"Delta Anchor"}


# --- the actions on the list -----------------------------------------------------------------------------

def verify(client, companies, **localities):
    """Choose verify on the list, then confirm it with each company's locality (`locality_<pk>`) as given."""
    return run_action(client, "verify_companies", companies, apply="Verify", **localities)


def test_verify_asks_first_and_shows_what_the_uscc_suggests(official_client, pending):
    page = run_action(official_client, "verify_companies", [pending])
    assert page.status_code == 200
    assert reload(pending).status == Company.Status.PENDING  # nothing happens before the confirmation
    text = page_text(page)
    division = pending.uscc[2:8]
    assert f"USCC {pending.uscc} was issued in division {division}" in text
    suggested = "local" if pending.locality_suggested else "not_local"
    assert re.search(rf'name="locality_{pending.pk}" value="{suggested}" required id="[^"]+" checked', text)
    assert 'class="default decision-approve"' in text


def test_verify_action(official, official_client, pending, company_y):
    Company.objects.filter(pk=company_y.pk).update(status=Company.Status.SUSPENDED)
    response = verify(
        official_client, [pending, company_y],
        **{f"locality_{pending.pk}": "local", f"locality_{company_y.pk}": "not_local"},
    )
    assert response.status_code == 200
    assert "2 companies verified." in page_text(response)
    for company in (pending, company_y):
        company = reload(company)
        assert company.status == Company.Status.VERIFIED
        assert company.verified_by == official
        assert company.verified_until == timezone.localdate() + timedelta(days=365)
        record = latest_history(company)
        assert record.history_user == official
        assert record.history_change_reason.startswith(("Verified", "Re-verified"))
    assert reload(pending).locality_confirmed is True
    assert reload(company_y).locality_confirmed is False


def test_verify_without_a_locality_choice_says_which_company_and_changes_nothing(official_client, pending):
    response = verify(official_client, [pending])
    assert response.status_code == 200
    assert "Say whether Pending Electrolytes is local." in page_text(response)
    assert reload(pending).status == Company.Status.PENDING


@pytest.mark.parametrize(
    ("action", "field", "before", "after", "reason"),
    [
        ("designate_anchor", "is_anchor", False, True, "Designated anchor firm"),
        ("confirm_locality", "locality_confirmed", None, True, "Locality confirmed"),
        ("deny_locality", "locality_confirmed", None, False, "Locality denied"),
    ],
)
def test_flag_actions(official, official_client, pending, action, field, before, after, reason):
    assert getattr(reload(pending), field) is before
    response = run_action(official_client, action, [pending])
    assert response.status_code == 200
    assert getattr(reload(pending), field) is after
    record = latest_history(pending)
    assert (record.history_user, record.history_change_reason) == (official, reason)


def test_remove_anchor_action(official, official_client, db):
    anchor = factories.make_company(name="Anchor Packs", anchor=True)
    run_action(official_client, "remove_anchor", [anchor])
    assert reload(anchor).is_anchor is False
    record = latest_history(anchor)
    assert (record.history_user, record.history_change_reason) == (official, "Anchor designation removed")


def test_an_action_reports_each_company_it_could_not_move(official_client, pending, company_x):
    response = run_action(official_client, "suspend_companies", [pending, company_x], apply="1", reason="Audit")
    text = page_text(response)
    assert "1 company suspended." in text
    assert "Pending Electrolytes cannot be suspended while it is pending verification." in text
    assert reload(company_x).status == Company.Status.SUSPENDED
    assert reload(pending).status == Company.Status.PENDING


def test_reject_asks_for_the_reason_first(official_client, pending):
    response = run_action(official_client, "reject_companies", [pending])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/registry/company/reason.html"
    text = page_text(response)
    assert 'name="reason"' in text
    assert "Pending Electrolytes" in text
    assert f'name="_selected_action" value="{pending.pk}"' in text
    assert 'name="action" value="reject_companies"' in text
    assert reload(pending).status == Company.Status.PENDING


@pytest.mark.parametrize("reason", ["", "    "])
def test_reject_without_reason_shows_the_error_and_changes_nothing(official_client, pending, reason):
    records = pending.history.count()
    data = {"action": "reject_companies", "_selected_action": [pending.pk], "apply": "Reject", "reason": reason}
    response = official_client.post(reverse(CHANGELIST), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert '<a href="#id_reason">Give the reason for rejecting.</a>' in text
    assert 'aria-invalid="true"' in text
    assert reload(pending).status == Company.Status.PENDING
    assert pending.history.count() == records


def test_reject_with_reason(official, official_client, pending):
    data = {
        "action": "reject_companies", "_selected_action": [pending.pk], "apply": "Reject",
        "reason": "The licence scan is unreadable.",
    }
    response = official_client.post(reverse(CHANGELIST), data, follow=True)
    assert "1 company rejected." in page_text(response)
    company = reload(pending)
    assert company.status == Company.Status.REJECTED
    assert company.status_reason == "The licence scan is unreadable."
    record = latest_history(company)
    assert record.history_user == official
    assert record.history_change_reason == "Rejected: The licence scan is unreadable."


def test_the_reason_page_has_a_way_back_that_changes_nothing(official_client, pending):
    response = run_action(official_client, "reject_companies", [pending])
    cancel = response.context["cancel_url"]
    assert cancel == reverse(CHANGELIST)
    assert official_client.get(cancel).status_code == 200
    assert reload(pending).status == Company.Status.PENDING


def test_suspend_action_with_and_without_reason(official, official_client, company_x, company_y):
    page = run_action(official_client, "suspend_companies", [company_x])
    assert "Optional" in page_text(page)
    assert reload(company_x).status == Company.Status.VERIFIED

    run_action(official_client, "suspend_companies", [company_x], apply="Suspend", reason="Fire at the plant")
    run_action(official_client, "suspend_companies", [company_y], apply="Suspend", reason="")
    assert reload(company_x).status == Company.Status.SUSPENDED
    assert reload(company_x).status_reason == "Fire at the plant"
    assert reload(company_y).status == Company.Status.SUSPENDED
    assert latest_history(company_x).history_change_reason == "Suspended: Fire at the plant"
    assert latest_history(company_y).history_user == official


# --- the history page ------------------------------------------------------------------------------------

def test_history_page_shows_who_when_and_why(official, official_client, pending):
    run_action(official_client, "reject_companies", [pending], apply="Reject", reason="Wrong district")
    verify(official_client, [pending], **{f"locality_{pending.pk}": "local"})
    response = official_client.get(reverse("admin:registry_company_history", args=[pending.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Rejected: Wrong district" in text
    assert "Verified: until" in text
    assert text.count(">official<") >= 2
    records = list(pending.history.order_by("history_date")[1:])
    assert [r.history_user for r in records] == [official, official]


def test_history_page_reads_in_words_not_codes(official_client, pending):
    verify(official_client, [pending], **{f"locality_{pending.pk}": "not_local"})
    response = official_client.get(reverse("admin:registry_company_history", args=[pending.pk]))
    text = page_text(response)
    assert "<th scope=\"col\">Status</th>" in text
    assert "<td>Verified</td>" in text and "<td>Pending verification</td>" in text
    assert "<strong>Status:</strong> Pending verification &rarr; Verified" in text
    assert "<td>verified</td>" not in text and "<td>pending</td>" not in text


@pytest.mark.parametrize("language", ["zh-hans"])
def test_history_reasons_have_their_action_translated(language):
    with translation.override(language):
        words = reason_in_words(Company, "Rejected: 地址不符")
    assert words.endswith(": 地址不符") and not words.startswith("Rejected")


def test_history_cannot_be_reverted(official_client, company_x):
    record = company_x.history.first()
    url = reverse("admin:registry_company_simple_history", args=[company_x.pk, record.history_id])
    assert official_client.get(url).status_code == 200
    assert official_client.post(url, {"name": "Reverted"}).status_code == 403
    assert reload(company_x).name == company_x.name


# --- the company's page ----------------------------------------------------------------------------------

def inline_rows(response, model) -> list[dict]:
    """The read-only cells of an inline as an official sees them: one dict per row, by field name."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            rows = []
            for admin_form in inline:
                cells = {}
                for fieldset in admin_form:
                    for line in fieldset:
                        for field in line:
                            cells[field.field["name"]] = str(field.contents())
                rows.append(cells)
            return rows
    raise AssertionError(f"no inline for {model}")


def test_company_page_marks_products_and_certificates_changed_after_verification(official, official_client, pending):
    old_product = factories.make_product(pending, name="Sulfide SE-1")
    old_cert = factories.make_certificate(pending, number="OLD-1")
    services.company_verify(company=pending, by=official)
    url = reverse("admin:registry_company_change", args=[pending.pk])

    response = official_client.get(url)
    products = inline_rows(response, Product)
    assert [row["name"] for row in products] == ["Sulfide SE-1"]
    assert "Changed since verification" not in products[0]["changed"]
    assert "Nothing changed since the verification." in page_text(response)

    old_product.name = "Sulfide SE-1b"
    old_product.save()
    factories.make_certificate(pending, number="NEW-2")
    response = official_client.get(url)
    products = inline_rows(response, Product)
    assert "Changed since verification" in products[0]["changed"]
    certificates = {row["number"]: row for row in inline_rows(response, type(old_cert))}
    assert "Changed since verification" in certificates["NEW-2"]["changed"]
    assert "Changed since verification" not in certificates["OLD-1"]["changed"]
    assert "1 product added or edited; 1 certificate added or edited." in page_text(response)


def test_company_page_shows_certificate_validity_and_document_link(official_client, company_x):
    valid = factories.make_certificate(company_x, number="VALID-1")
    expired = factories.make_certificate(company_x, number="EXPIRED-1", valid=False)
    type(valid).objects.filter(pk=valid.pk).update(document="certificate/0123abcd.pdf")
    response = official_client.get(reverse("admin:registry_company_change", args=[company_x.pk]))
    rows = {row["number"]: row for row in inline_rows(response, type(valid))}
    assert "Valid" in rows["VALID-1"]["validity"]
    assert "Expired" in rows["EXPIRED-1"]["validity"]
    assert reverse("registry:certificate_document", args=[valid.pk]) in rows["VALID-1"]["document_link"]
    assert rows["EXPIRED-1"]["document_link"] == "—"
    assert expired.number in page_text(response)


def test_company_page_lists_the_companys_users_read_only(official_client, company_x, supplier_x):
    response = official_client.get(reverse("admin:registry_company_change", args=[company_x.pk]))
    from registry.models import User

    assert [row["username"] for row in inline_rows(response, User)] == ["supplier_x"]


def change_form_data(response) -> dict:
    """What the browser would post back from the change page unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = str(management[name].value() or 0)
    return data


def test_editing_the_change_form_cannot_set_status_anchor_or_locality(official, official_client, pending):
    url = reverse("admin:registry_company_change", args=[pending.pk])
    data = change_form_data(official_client.get(url))
    assert not {"status", "is_anchor", "locality_confirmed", "verified_until", "uscc"} & set(data)
    data.update({
        "name": "Pending Electrolytes (renamed)", "status": "verified", "is_anchor": "on",
        "locality_confirmed": "true", "verified_until": "2099-01-01",
    })
    response = official_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    company = reload(pending)
    assert company.name == "Pending Electrolytes (renamed)"
    assert (company.status, company.is_anchor, company.locality_confirmed, company.verified_until) == (
        Company.Status.PENDING, False, None, None
    )
    record = latest_history(company)
    assert (record.history_user, record.history_change_reason) == (official, "Edited in the admin")


def test_buttons_on_the_company_page(official, official_client, pending):
    url = reverse("admin:registry_company_verification", args=[pending.pk])
    page = official_client.get(reverse("admin:registry_company_change", args=[pending.pk]))
    names = [name for name, _label, _look in page.context["verification_buttons"]]
    assert names == ["verify_companies", "reject_companies", "confirm_locality", "deny_locality", "designate_anchor"]
    assert url in page_text(page)

    response = official_client.post(url, {"do": "confirm_locality"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_company_change", args=[pending.pk])
    assert reload(pending).locality_confirmed is True

    step = official_client.post(url, {"do": "verify_companies"})
    assert step.status_code == 200 and reload(pending).status == Company.Status.PENDING
    assert step.context["cancel_url"] == reverse("admin:registry_company_change", args=[pending.pk])
    response = official_client.post(
        url, {"do": "verify_companies", "apply": "Verify", f"locality_{pending.pk}": "local"}, follow=True
    )
    assert "1 company verified." in page_text(response)
    assert reload(pending).status == Company.Status.VERIFIED
    assert "suspend_companies" in [name for name, _label, _look in response.context["verification_buttons"]]

    reason_page = official_client.post(url, {"do": "suspend_companies"})
    assert reason_page.status_code == 200
    assert 'name="do" value="suspend_companies"' in page_text(reason_page)
    assert reason_page.context["cancel_url"] == reverse("admin:registry_company_change", args=[pending.pk])
    official_client.post(url, {"do": "suspend_companies", "apply": "Suspend", "reason": "Recall"})
    assert reload(pending).status == Company.Status.SUSPENDED
    assert latest_history(pending).history_change_reason == "Suspended: Recall"


def test_company_page_button_rejects_only_with_reason(official_client, pending):
    url = reverse("admin:registry_company_verification", args=[pending.pk])
    response = official_client.post(url, {"do": "reject_companies", "apply": "Reject", "reason": ""})
    assert response.status_code == 200
    assert "Give the reason for rejecting." in page_text(response)
    assert reload(pending).status == Company.Status.PENDING
    official_client.post(url, {"do": "reject_companies", "apply": "Reject", "reason": "Duplicate"})
    assert reload(pending).status == Company.Status.REJECTED


def test_company_page_buttons_refuse_get_and_unknown_actions(official_client, pending):
    url = reverse("admin:registry_company_verification", args=[pending.pk])
    assert official_client.get(url).status_code == 405
    response = official_client.post(url, {"do": "delete_selected"}, follow=True)
    assert "Choose an action." in page_text(response)
    assert Company.objects.filter(pk=pending.pk).exists()


# --- the other registry admin pages ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "query",
    [{}, {"stage__exact": "mass"}, {"meets_target__exact": "1"}, {"changed": "yes"}, {"changed": "no"},
     {"category__id__exact": "slug:sulfide-electrolyte"}],
)
def test_product_list_and_filters(official_client, company_x, query):
    factories.make_product(company_x, name="Fresh Sulfide", figures={"ionic_conductivity": 0.02})
    query = {k: str(Category.objects.get(slug=v[5:]).pk) if v.startswith("slug:") else v for k, v in query.items()}
    response = official_client.get(reverse("admin:registry_product_changelist"), query)
    assert response.status_code == 200
    names = {product.name for product in response.context["cl"].result_list}
    # company_x was verified yesterday (factory), so its new product changed since then.
    assert names == (set() if query.get("changed") == "no" else {"Fresh Sulfide"})


def test_products_and_certificates_are_read_only_for_officials(official_client, company_x):
    product = factories.make_product(company_x)
    certificate = factories.make_certificate(company_x)
    for url in (
        reverse("admin:registry_product_change", args=[product.pk]),
        reverse("admin:registry_certificate_change", args=[certificate.pk]),
    ):
        response = official_client.get(url)
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        assert official_client.post(url, {"name": "Tampered"}).status_code == 403
    assert official_client.get(reverse("admin:registry_product_add")).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"V-1", "X-1"}),
        ({"validity": "valid"}, {"V-1"}),
        ({"validity": "invalid"}, {"X-1"}),
        ({"cert_type__exact": "un38_3"}, {"X-1"}),
        ({"changed": "yes"}, {"V-1", "X-1"}),  # company_x was verified yesterday (factory)
        ({"changed": "no"}, set()),
    ],
)
def test_certificate_list_and_filters(official_client, company_x, query, expected):
    factories.make_certificate(company_x, number="V-1")
    factories.make_certificate(company_x, number="X-1", valid=False, cert_type="un38_3")
    response = official_client.get(reverse("admin:registry_certificate_changelist"), query)
    assert response.status_code == 200
    assert {c.number for c in response.context["cl"].result_list} == expected


def test_official_edits_the_taxonomy_with_history(official, official_client, db):
    parent = Category.objects.get(slug="recycling")
    response = official_client.post(
        reverse("admin:registry_category_add"),
        {"slug": "direct-recycling", "name": "Direct recycling", "name_zh": "直接回收", "parent": parent.pk,
         "position": 1},
    )
    assert response.status_code == 302
    category = Category.objects.get(slug="direct-recycling")
    assert category.parent == parent
    record = category.history.get()
    assert (record.history_user, record.history_change_reason) == (official, "Added in the admin")
    listing = official_client.get(reverse("admin:registry_category_changelist"), {"q": "Direct"})
    assert "Recycling › Direct recycling" in page_text(listing)


def test_join_request_actions(official, official_client, company_x):
    newcomer = factories.make_user(None, username="newcomer")
    other = factories.make_user(None, username="other")
    approve = JoinRequest.objects.create(user=newcomer, company=company_x)
    decline = JoinRequest.objects.create(user=other, company=company_x)
    url = reverse("admin:registry_joinrequest_changelist")
    official_client.post(url, {"action": "approve_requests", "_selected_action": [approve.pk], "index": 0})
    official_client.post(url, {"action": "decline_requests", "_selected_action": [decline.pk], "index": 0})
    approve.refresh_from_db()
    decline.refresh_from_db()
    newcomer.refresh_from_db()
    other.refresh_from_db()
    assert (approve.status, approve.decided_by) == (JoinRequest.Status.APPROVED, official)
    assert newcomer.company == company_x
    assert decline.status == JoinRequest.Status.DECLINED
    assert other.company is None


def test_only_superusers_manage_users(official_client, supplier_x):
    assert official_client.get(reverse("admin:registry_user_changelist")).status_code == 200
    assert official_client.get(reverse("admin:registry_user_add")).status_code == 403
    url = reverse("admin:registry_user_change", args=[supplier_x.pk])
    assert official_client.post(url, {"username": "hijacked"}).status_code == 403
    root = factories.make_user(None, username="root", is_staff=True, is_superuser=True)
    response = client_for(root).get(url)
    assert response.status_code == 200
    assert "company" in response.context["adminform"].form.fields


def test_changelist_with_filter_counts(official_client, population):
    response = official_client.get(reverse(CHANGELIST), {"_facets": "True"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Expired (1)" in text
    assert "Not yet confirmed (2)" in text
