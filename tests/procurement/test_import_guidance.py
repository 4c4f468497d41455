"""What the import page gives an anchor firm: both languages' headers, the category codes and names, a template in
each language; supplier codes checked for typos and for not being registered; a report a Chinese reader can read.
"""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from procurement.imports import CHINESE_HEADERS, import_errors, import_report_rows, open_purchase_file, purchase_import
from procurement.models import ImportBatch, Purchase
from procurement.services import COLUMNS, category_lookup
from procurement.tasks import import_batch_enqueue, import_batch_run
from registry.identifiers import ALPHABET
from registry.models import Category
from tests import factories
from tests.conftest import client_for
from tests.procurement.test_imports import HEADER, csv_bytes
from tests.test_i18n import switch_language

IMPORT_URL = "/my/purchases/import/"


def run(user, data, filename="purchases.csv"):
    return purchase_import(by=user, buyer=user.company, file=io.BytesIO(data), filename=filename)


def mistyped(uscc: str) -> str:
    """The code with its check digit changed: a USCC in shape, wrong in its last character."""
    return uscc[:17] + next(c for c in ALPHABET if c != uscc[17])


def downloaded_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- the headers, in both languages -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_page_lists_every_column_with_its_english_and_chinese_header(anchor_user):
    html = client_for(anchor_user).get(IMPORT_URL).content.decode()
    table = html[html.index('id="import-columns"'):html.index("</table>", html.index('id="import-columns"'))]
    for header, column in CHINESE_HEADERS.items():
        row = next(line for line in table.splitlines() if f"<code>{column}</code>" in line)
        assert header in row
    assert set(CHINESE_HEADERS.values()) == set(COLUMNS)


@pytest.mark.django_db
def test_both_templates_are_linked_and_the_chinese_one_reads_back_as_every_column(anchor_user, company_x):
    client = client_for(anchor_user)
    html = client.get(IMPORT_URL).content.decode()
    english_url = reverse("procurement:purchase_import_template")
    chinese_url = reverse("procurement:purchase_import_template_zh")
    assert english_url in html and chinese_url in html
    assert downloaded_csv(client.get(english_url)) == [list(COLUMNS)]
    chinese = downloaded_csv(client.get(chinese_url))
    assert chinese[0][:5] == ["供应商统一社会信用代码", "采购日期", "类别", "金额", "发票号"]
    # The Chinese template, filled in, is a file the importer reads with every column recognised.
    filled = chinese + [[company_x.uscc, "2026-03-01", "固态电芯", "1,000.00", "ZH-1", "", "", "电芯", "10", "只"]]
    opened = open_purchase_file(io.BytesIO(csv_bytes(filled[1:], header=filled[0])), "模板.csv")
    assert sorted(opened.columns.values()) == sorted(COLUMNS) and not opened.warnings
    batch = run(anchor_user, csv_bytes(filled[1:], header=filled[0]))
    assert batch.status == ImportBatch.Status.DONE and Purchase.objects.get().unit == "只"


# --- the categories: codes and names in both languages ------------------------------------------------------------

@pytest.mark.django_db
def test_the_page_and_the_csv_list_every_category_code_with_both_names(anchor_user):
    client = client_for(anchor_user)
    html = client.get(IMPORT_URL).content.decode()
    cells = Category.objects.get(slug="solid-state-cells")
    assert cells.name_zh
    table = html[html.index('id="import-categories"'):]
    row = table[table.index("<code>solid-state-cells</code>") - 200:table.index("<code>solid-state-cells</code>") + 200]
    assert cells.name in row and cells.name_zh in row
    csv_url = reverse("procurement:purchase_import_categories")
    assert csv_url in html
    rows = downloaded_csv(client.get(csv_url))
    assert rows[0] == ["code", "name", "name_zh", "parent_code"]
    assert len(rows) - 1 == Category.objects.count()
    listed = {row[0]: row for row in rows[1:]}
    assert listed["solid-state-cells"][1:3] == [cells.name, cells.name_zh]
    child = Category.objects.filter(parent__isnull=False).select_related("parent").first()
    assert listed[child.slug][3] == child.parent.slug


@pytest.mark.django_db
def test_a_category_is_accepted_by_its_code_its_english_name_or_its_chinese_name(anchor_user, company_x):
    cells = Category.objects.get(slug="solid-state-cells")
    rows = [
        [company_x.uscc, "", "2026-03-01", "Solid-State-Cells", "10", "C-1"],
        [company_x.uscc, "", "2026-03-01", f"  {cells.name.upper()} ", "10", "C-2"],
        [company_x.uscc, "", "2026-03-01", cells.name_zh, "10", "C-3"],
    ]
    batch = run(anchor_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 3
    assert set(Purchase.objects.values_list("category__slug", flat=True)) == {"solid-state-cells"}


def test_a_name_two_categories_share_names_neither_and_codes_win_over_names():
    first = Category(slug="sulfide-other", name="Other", name_zh="其他")
    second = Category(slug="oxide-other", name="Other", name_zh="其他")
    tricky = Category(slug="cells", name="oxide-other", name_zh="电芯")
    lookup = category_lookup([first, second, tricky])
    assert "other" not in lookup and "其他" not in lookup
    assert lookup["oxide-other"] is second and lookup["sulfide-other"] is first
    assert lookup["电芯"] is tricky and lookup["cells"] is tricky


# --- supplier codes: a typo, and a valid code nobody registered ---------------------------------------------------

@pytest.mark.django_db
def test_a_uscc_with_a_wrong_check_digit_is_refused_as_a_probable_typo(anchor_user, company_x):
    typo = mistyped(factories.make_uscc())
    rows = [[company_x.uscc, "", "2026-03-01", "solid-state-cells", "10", "T-1"],
            [typo, "Some Supplier Ltd", "2026-03-01", "solid-state-cells", "10", "T-2"],
            ["VAT-DE-123", "Elsewhere GmbH", "2026-03-01", "solid-state-cells", "10", "T-3"]]
    batch = run(anchor_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.FAILED and not Purchase.objects.exists()
    [error] = import_errors(batch)
    assert (error["row"], error["column"], error["value"]) == (3, "supplier_identifier", typo)
    assert "probably a typing error" in error["message"]
    # A registered company's own code, mistyped, is refused the same way (it matches no company).
    batch = run(anchor_user, csv_bytes([[mistyped(company_x.uscc), "", "2026-03-01", "solid-state-cells", "10",
                                         "T-4"]]))
    assert [entry["column"] for entry in batch.errors] == ["supplier_identifier"]
    assert "check digit" in import_report_rows(batch)[0]["message"]


@pytest.mark.django_db
def test_a_valid_uscc_nobody_registered_is_imported_with_a_warning_that_it_counts_as_not_local(
    anchor_user, company_x
):
    unregistered = factories.make_uscc()
    rows = [[unregistered, "Local But Unregistered Co", "2026-03-01", "solid-state-cells", "10", "U-1"],
            [company_x.uscc, "", "2026-03-01", "solid-state-cells", "10", "U-2"],
            [unregistered, "Local But Unregistered Co", "2026-03-02", "solid-state-cells", "20", "U-3"],
            ["VAT-DE-123", "Elsewhere GmbH", "2026-03-01", "solid-state-cells", "10", "U-4"]]
    client = client_for(anchor_user)
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("p.csv", csv_bytes(rows), content_type="text/csv")})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 4
    assert not Purchase.objects.get(invoice_number="U-1").supplier_is_local
    [warning] = import_report_rows(batch)  # one per code, not one per row; nothing about the identifier from abroad
    assert warning["level"] == "warning" and warning["value"] == unregistered and warning["row"] == 2
    assert "will count as not local" in warning["message"] and "2 purchases" in warning["message"]
    html = client.get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    assert "4 purchases created" in html and unregistered in html and "will count as not local" in html


# --- the report in Chinese ----------------------------------------------------------------------------------------

# Letters a Chinese message may carry: abbreviations and formats, not English words.
ALLOWED_LATIN = {"USCC", "CSV", "UTF", "GB", "YYYY", "MM", "DD", "CNY", "kg", "pcs"}


def bad_rows(company_x):
    unregistered = factories.make_uscc()
    return [
        [company_x.uscc, "", "2026-03-01", "固态电芯", "100", "Z-1", "", ""],
        [mistyped(factories.make_uscc()), "Someone", "2026-03-01", "solid-state-cells", "100", "Z-2", "", ""],
        [company_x.uscc, "", "2026-13-40", "solid-state-cells", "100", "Z-3", "", ""],
        [company_x.uscc, "", "2026-03-01", "batteries", "100", "Z-4", "", ""],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "", "Z-5", "", ""],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "1.234", "Z-6", "", ""],
        [factories.make_uscc(), "", "2026-03-01", "solid-state-cells", "100", "Z-7", "", ""],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "100", "Z-1", "", ""],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "100", "Z-9", "-1", ""],
        [company_x.uscc, "", "2099-01-01", "solid-state-cells", "100", "Z-10", "", ""],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "100", "Z-11", "1", "u" * 30],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "-5", "Z-12", "", ""],
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "100", "Z" * 70, "", ""],
        [unregistered, "Outside Co", "2026-03-01", "solid-state-cells", "100", "Z-14", "", ""],
    ]


def report_cells(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>", html.index("<caption>")):html.index("</tbody>")]
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def english_words(text: str) -> set[str]:
    text = re.sub(r"[a-z0-9]+(?:-[a-z0-9]+)+", " ", text)  # a category code quoted as an example
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def assert_no_english_in_the_report(html: str) -> None:
    cells = report_cells(html)
    # One problem at least on each bad row (rows 3 to 14), every kind of check represented.
    assert {int(row) for row, _column, _message, _value in cells} >= set(range(3, 15))
    for row, column, message, _value in cells:
        assert not english_words(message), (row, message)
        assert not english_words(column), (row, column)  # the Chinese header, not our column name
    warnings = html[html.index("<ul>", html.index("</table>")):]
    assert "USCC" in warnings or "统一社会信用代码" in warnings
    warning_text = re.sub(r"<[^>]+>|[0-9A-Z]{18}", " ", warnings[:warnings.index("</ul>")])
    assert not english_words(warning_text), warning_text


@pytest.mark.django_db
@pytest.mark.parametrize("uploaded_in", ["zh-hans", "en"])
def test_a_chinese_reader_sees_no_english_message_on_the_import_report(anchor_user, company_x, uploaded_in):
    """Whoever uploaded the file, in whichever language: the report reads in Chinese for a Chinese reader, on the
    page and in both downloads, and in English for an English one."""
    header = HEADER + ["quantity", "unit"]
    client = switch_language(client_for(anchor_user), uploaded_in)
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("p.csv", csv_bytes(bad_rows(company_x), header=header),
                                                        content_type="text/csv")})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and not Purchase.objects.exists()
    # Stored without words: a code and its parameters, worded when someone reads the report.
    assert all("code" in entry and "message" not in entry for entry in batch.errors), batch.errors

    client = switch_language(client, "zh-hans")
    html = client.get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    with translation.override("zh-hans"):
        nothing_imported = translation.gettext("Nothing was imported")
        header_row = [translation.gettext(text) for text in ("Row", "Column", "Problem", "Value given")]
    assert nothing_imported != "Nothing was imported" and nothing_imported in html
    assert_no_english_in_the_report(html)

    report = downloaded_csv(client.get(reverse("procurement:import_report", args=[batch.pk]), {"format": "csv"}))
    assert report[0][:4] == header_row
    for row, column, message, _value, _kind in report[1:]:
        assert not english_words(re.sub(r"[0-9A-Z]{18}", " ", message)), (row, message)
        assert not english_words(column), (row, column)
    assert "金额" in {row[1] for row in report[1:]}
    body = client.get(reverse("procurement:import_report", args=[batch.pk]), {"format": "json"}).json()
    assert all(not english_words(re.sub(r"[0-9A-Z]{18}", " ", entry["message"])) for entry in body["errors"])

    # The same report for an English reader: English words, our column names.
    client = switch_language(client, "en")
    html = client.get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    cells = report_cells(html)
    assert all(english_words(message) for _row, _column, message, _value in cells)
    assert "amount" in {column for _row, column, _message, _value in cells}
    report = downloaded_csv(client.get(reverse("procurement:import_report", args=[batch.pk]), {"format": "csv"}))
    assert report[0] == ["Row", "Column", "Problem", "Value given", "Kind of problem"]


@pytest.mark.django_db
def test_a_report_stored_in_words_before_codes_still_reads_in_the_readers_language(anchor_user, company_x):
    """Reports stored before the codes hold worded messages (in the uploader's language): recognised and worded
    again for the reader; a message nothing recognises is shown as it was."""
    with translation.override("zh-hans"):
        chinese_required = translation.gettext("This column is required.")
    batch = ImportBatch.objects.create(buyer=anchor_user.company, uploaded_by=anchor_user, file_name="old.csv",
                                       status=ImportBatch.Status.FAILED, errors=[
        {"row": 3, "column": "category", "value": "batteries", "message":
         "Unknown category: use a category code such as solid-state-cells, or its English or Chinese name, as "
         "listed on the import page."},
        {"row": 4, "column": "invoice_number", "value": "Z-1",
         "message": "The same invoice of this supplier is already on row 2."},
        {"row": 5, "column": "amount", "value": "", "message": chinese_required},
        {"row": 6, "column": "unit", "value": "x", "message": "A message from long ago."},
        {"row": 2, "column": "supplier_identifier", "value": "91320500MA1234567X", "level": "warning", "message":
         "No registered company has the USCC 91320500MA1234567X: its 3 purchases (the first on row 2) will "
         "count as not local. If the supplier is local, ask it to register."},
    ])
    client = switch_language(client_for(anchor_user), "zh-hans")
    html = client.get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    messages = [message for _row, _column, message, _value in report_cells(html)]
    with translation.override("zh-hans"):
        assert messages[:3] == [
            translation.gettext("Unknown category: use a category code such as solid-state-cells, or its English or "
                                "Chinese name, as listed on the import page."),
            translation.gettext("The same invoice of this supplier is already on row %(row)d.") % {"row": 2},
            chinese_required,
        ]
        warning = translation.ngettext(
            "No registered company has the USCC %(code)s: its purchase (row %(row)d) will count as not local. "
            "If the supplier is local, ask it to register.",
            "No registered company has the USCC %(code)s: its %(n)d purchases (the first on row %(row)d) will "
            "count as not local. If the supplier is local, ask it to register.", 3,
        ) % {"code": "91320500MA1234567X", "n": 3, "row": 2}
    assert messages[3] == "A message from long ago."
    assert warning in html
    with translation.override("en"):
        english = import_report_rows(batch)
    assert english[2]["message"] == "This column is required."


@pytest.mark.django_db
def test_every_message_of_the_checks_is_stored_as_a_code(anchor_user, company_x):
    """No message of a row's checks falls back to words: each is in the catalogue, in either language."""
    header = HEADER + ["quantity", "unit"]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            batch = run(anchor_user, csv_bytes(bad_rows(company_x), header=header))
        worded = [entry for entry in batch.errors if "code" not in entry]
        assert worded == [], (language, worded)
        assert len({entry["code"] for entry in batch.errors}) >= 10


@pytest.mark.django_db
def test_a_worker_stores_the_report_as_codes_that_read_in_each_readers_language(
    settings, anchor_user, company_x, private_media
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    rows = [[company_x.uscc, "", "2026-03-01", "batteries", "100", "W-1"]]
    with translation.override("zh-hans"):
        batch = import_batch_enqueue(buyer=anchor_user.company, by=anchor_user,
                                     upload=SimpleUploadedFile("p.csv", csv_bytes(rows), content_type="text/csv"))
    from django_tasks_db.models import DBTaskResult

    job = DBTaskResult.objects.get()
    assert job.args_kwargs["kwargs"] == {"language": "zh-hans"}
    # The worker, English by default, runs the job as queued.
    assert import_batch_run.call(batch.pk, **job.args_kwargs["kwargs"]) == "failed"
    batch.refresh_from_db()
    [error] = batch.errors
    assert (error["column"], error["code"]) == ("category", "category_unknown") and "message" not in error
    with translation.override("zh-hans"):
        [chinese] = import_errors(batch)
    assert not english_words(chinese["message"]) and chinese["column_label"] == "类别"
    with translation.override("en"):
        [english] = import_errors(batch)
    assert english["message"].startswith("Unknown category") and english["column_label"] == "category"


@pytest.mark.django_db
def test_unregistered_codes_past_the_limit_are_counted_in_one_more_warning(monkeypatch, anchor_user):
    monkeypatch.setattr("procurement.imports.MAX_UNREGISTERED_WARNINGS", 2)
    rows = [[factories.make_uscc(), f"Outside {n}", "2026-03-01", "solid-state-cells", "10", f"M-{n}"]
            for n in range(5)]
    batch = run(anchor_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 5
    assert [warning["value"] for warning in batch.errors[:2]] == [rows[0][0], rows[1][0]]
    assert len(batch.errors) == 3 and "3 more unregistered USCCs" in import_report_rows(batch)[2]["message"]
