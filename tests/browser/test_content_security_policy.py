"""The main pages under the Content-Security-Policy in a real browser: no page reports a violation.

A listener added before any page script runs records every `securitypolicyviolation` event; the test also
fails on a console message about the policy (some violations are only reported there).
"""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Csp-journey-2026!"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""

PUBLIC_PAGES = [
    "/", "/directory/", "/directory/?q=electrolyte", "/directory/print/", "/chain/", "/dashboard/",
    "/alliance/", "/alliance/members/", "/alliance/standards/", "/alliance/collaborations/",
    "/accounts/login/", "/accounts/signup/", "/accessibility/", "/no-such-page/", "/api/docs/",
]
SUPPLIER_PAGES = [
    "/my/", "/my/profile/", "/my/products/new/", "/my/certificates/new/", "/my/standards/", "/my/standards/new/",
    "/my/collaborations/", "/my/collaborations/new/", "/my/applications/", "/my/applications/new/",
]
ANCHOR_PAGES = ["/my/purchases/", "/my/purchases/new/", "/my/purchases/import/", "/my/applications/"]
OFFICIAL_PAGES = ["/admin/", "/admin/registry/company/", "/admin/procurement/subsidyapplication/"]


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def _visit(page, console, path):
    response = page.goto(path)
    assert response is not None and response.status < 500, (path, response and response.status)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    reported = [text for text in console if "Content Security Policy" in text]
    assert not violations and not reported, (path, violations, reported)
    console.clear()


def _log_in(page, console, username, login_path="/accounts/login/"):
    page.goto(login_path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "login" not in page.url, page.url


def _company_pages():
    company = factories.make_company(name="CSP Electrolytes")
    factories.make_product(company, figures={"ionic_conductivity": "0.012"})
    return [f"/directory/{company.pk}/"]


def test_public_pages_report_no_policy_violation(watched):
    page, console = watched
    for path in PUBLIC_PAGES + _company_pages():
        _visit(page, console, path)


def test_pages_of_a_supplier_and_an_anchor_firm_report_no_policy_violation(watched):
    page, console = watched
    supplier = factories.make_user(factories.make_sme(), username="csp_supplier", password=PASSWORD)
    assert supplier.company_id
    _log_in(page, console, "csp_supplier")
    for path in SUPPLIER_PAGES:
        _visit(page, console, path)
    page.context.clear_cookies()
    factories.make_user(factories.make_company(anchor=True, employees=3000), username="csp_anchor", password=PASSWORD)
    _log_in(page, console, "csp_anchor")
    for path in ANCHOR_PAGES:
        _visit(page, console, path)


def test_admin_pages_report_no_policy_violation(watched):
    page, console = watched
    factories.make_official(username="csp_official", password=PASSWORD)
    _log_in(page, console, "csp_official", login_path="/admin/login/")
    for path in OFFICIAL_PAGES:
        _visit(page, console, path)
    # A change form loads the admin's widgets (calendar, related-object popups, select boxes).
    company = factories.make_company(status="pending", name="CSP Pending Materials")
    for path in (f"/admin/registry/company/{company.pk}/change/", "/admin/registry/category/add/"):
        _visit(page, console, path)
