"""Accessibility: axe-core over the pages people use, in English and Chinese, at 1280 and 360 px, with the demo data.

Every public page, the company pages (a supplier's and an anchor firm's), the dashboard, the import pages and the
admin pages officials work in: 0 violations of WCAG 2.2 A and AA. A failure names the language, width, page, rule
and the first element that breaks it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from procurement.models import SubsidyApplication
from registry.demo import DEMO_LOGINS
from registry.models import Company, User
from tests.demo_fixtures import run_load_demo

# The pages' HTML does not depend on the database engine: .ci/run checks them once, in the SQLite pass.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.accessibility]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGUAGES = ("en", "zh-hans")
WIDTHS = (1280, 360)

PUBLIC = [
    "/", "/directory/", "/directory/?q=electrolyte&local=true", "/chain/", "/dashboard/", "/alliance/",
    "/alliance/members/", "/alliance/collaborations/", "/alliance/standards/", "/sourcing-requests/",
    "/calculators/", "/api/docs/", "/accounts/login/", "/accounts/signup/", "/accessibility/", "/no-such-page/",
    "/policy/", "/research/", "/demonstration/", "/talent/",
]
SUPPLIER = ["/my/", "/my/profile/", "/my/products/new/", "/my/certificates/new/", "/my/standards/",
            "/my/collaborations/", "/my/applications/", "/my/research/", "/my/talent/", "/my/production-bases/"]
ANCHOR = ["/my/", "/my/purchases/", "/my/purchases/new/", "/my/purchases/import/", "/my/applications/",
          "/my/applications/new/", "/dashboard/", "/sourcing-requests/new/", "/my/collaborations/new/"]


def public_pages() -> list[str]:
    """The public lists, and a granted R&D project's and a demonstration project's own pages."""
    from demonstration.models import DemonstrationProject
    from research.models import ResearchProject

    granted = ResearchProject.objects.filter(
        application__status__in=[SubsidyApplication.Status.APPROVED, SubsidyApplication.Status.PAID]
    ).order_by("pk").first()
    station = DemonstrationProject.objects.order_by("pk").first()
    return [*PUBLIC, f"/research/{granted.pk}/", f"/demonstration/{station.pk}/"]


def official_pages() -> list[str]:
    pending = Company.objects.filter(status=Company.Status.PENDING).order_by("pk").first()
    submitted = SubsidyApplication.objects.filter(status=SubsidyApplication.Status.SUBMITTED).order_by("pk").first()
    return [
        "/admin/",
        "/admin/registry/company/",
        "/admin/registry/company/?status__exact=pending",
        f"/admin/registry/company/{pending.pk}/change/",
        f"/admin/registry/company/{pending.pk}/history/",
        "/admin/registry/certificate/?checked=no",
        "/admin/procurement/subsidyapplication/?status__exact=submitted",
        f"/admin/procurement/subsidyapplication/{submitted.pk}/change/",
        f"/admin/procurement/subsidyapplication/{submitted.pk}/decide/reject/",
        f"/admin/procurement/subsidyapplication/{submitted.pk}/history/",
        "/admin/procurement/subsidyprogramme/",
        "/admin/alliance/standardparticipation/?status__exact=pending",
        "/admin/alliance/membership/",
        "/admin/alliance/collaboration/",
        "/admin/registry/landrequest/",
        "/admin/research/researchproject/",
    ]


def log_in(page, username: str) -> None:
    password = next(login.password for login in DEMO_LOGINS if login.username == username)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_meets_wcag_22_aa(browser, live_server, demo_private_media, language, width):
    run_load_demo()
    visits = [(None, public_pages()), ("supplier", SUPPLIER), ("anchor", ANCHOR), ("official", official_pages())]
    axe = Axe()
    violations, checked = [], 0
    for username, paths in visits:
        # Each visit starts from the browser's choice: an account would otherwise keep the language last chosen.
        User.objects.update(language="")
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        if username:
            log_in(page, username)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("load")
            assert page.get_attribute("html", "lang") == language, path
            options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
            if path == "/api/docs/":
                # Check Swagger UI once it has drawn the operations, for what we control: its colours (our
                # api-docs.css) and the page around it. Its own markup nests a link in each operation's button
                # and sizes its links itself: two rules we cannot meet without rewriting the widget.
                page.wait_for_selector(".opblock")
                options["rules"] = {"nested-interactive": {"enabled": False}, "target-size": {"enabled": False}}
            result = axe.run(page, options=options)
            checked += 1
            for violation in result.response["violations"]:
                node = violation["nodes"][0]
                violations.append(
                    f"{username or 'anonymous'} {path}: {violation['id']} ({len(violation['nodes'])}×) "
                    f"{node['target']} {node['html'][:120]}"
                )
        context.close()
    assert checked == sum(len(paths) for _user, paths in visits)
    assert violations == [], "\n".join(violations)
