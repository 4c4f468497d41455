"""The fund's admin: officials read every project with direction and status filters, targets and reports inline;
nothing there changes a project (decisions are taken on its grant application)."""

from tests.conftest import client_for
from tests.research.conftest import basis, file_report

LIST = "/admin/research/researchproject/"


def test_officials_list_projects_with_filters(official, supplier_x, rd_fund, project_x):
    from procurement import applications as workflow

    workflow.application_create_draft(by=supplier_x, programme=rd_fund, basis=basis(title="A draft project"))
    client = client_for(official)
    page = client.get(LIST).content.decode()
    assert project_x.title in page and "A draft project" in page and "By direction" in page
    approved = client.get(LIST + "?status=approved").content.decode()
    assert project_x.title in approved and "A draft project" not in approved
    assert "A draft project" not in client.get(LIST + "?direction=electrodes").content.decode()


def test_the_project_page_shows_targets_and_reports_inline(official, supplier_x, project_x):
    report = file_report(supplier_x, project_x, ionic_conductivity="8e-3")
    page = client_for(official).get(f"{LIST}{project_x.pk}/change/").content.decode()
    assert "Ionic conductivity at 25 °C" in page and "1.2 × 10⁻² S/cm" in page
    assert f"/research/reports/{report.pk}/evidence/" in page and "8 × 10⁻³ S/cm" in page
    assert 'name="_save"' not in page  # read-only


def test_company_users_have_no_admin(supplier_x, project_x):
    assert client_for(supplier_x).get(LIST).status_code == 302


def test_a_report_reads_its_figures_by_name_and_unit(official, supplier_x, project_x):
    report = file_report(supplier_x, project_x, ionic_conductivity="8e-3")
    page = client_for(official).get(f"/admin/research/progressreport/{report.pk}/change/").content.decode()
    assert "Ionic conductivity at 25 °C" in page and "8 × 10⁻³ S/cm" in page
    assert "ionic_conductivity" not in page.split('id="content"')[1]
