"""English and Simplified Chinese: every page switches language, and the shipped catalogue is complete."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from registry.models import Company
from tests import factories
from tests.conftest import client_for

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
SWITCH_FORM = 'action="/i18n/setlang/"'


def switch_language(client, language):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    # The printable directory is streamed.
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


@pytest.fixture
def published(company_x):
    factories.make_product(company_x, name="Sulfide SE-1", figures={"ionic_conductivity": 0.02})
    factories.make_certificate(company_x)
    return company_x


def pages(published, supplier_x, official):
    """(who, url, Chinese text the page shows, English text it no longer shows) for the key pages."""
    return [
        (None, "/", "苏州市固态电池产业平台", "Search the supplier directory"),
        (None, "/directory/", "供应商名录", "Supplier directory"),
        (None, "/chain/", "产业链图谱：各类别已审核本地供应商", "Chain map: verified local suppliers per category"),
        (None, "/directory/print/", "苏州市采购推荐名录", "procurement recommendation directory"),
        (None, f"/directory/{published.pk}/", "达到市级目标", "Meets city target"),
        (None, "/accounts/signup/", "统一社会信用代码", "Unified Social Credit Code"),
        (None, "/accounts/login/", "忘记密码？", "Forgotten your password?"),
        (supplier_x, "/my/", "规模与本地属性", "Size and locality"),
        (official, "/admin/registry/company/", "审核通过所选企业（有效期一年）…", "Verify the selected companies"),
    ]


def test_every_key_page_renders_in_chinese_with_the_language_switch(published, supplier_x, official):
    for user, url, chinese, english in pages(published, supplier_x, official):
        html = page(switch_language(client_for(user), "zh-hans"), url)
        assert chinese in html, url
        assert english not in html, url
        assert SWITCH_FORM in html and 'value="zh-hans"' in html, url


def test_every_key_page_is_english_by_default_and_carries_the_switch(published, supplier_x, official):
    for user, url, chinese, _english in pages(published, supplier_x, official):
        html = page(client_for(user), url)
        assert chinese not in html, url
        assert SWITCH_FORM in html and "简体中文" in html, url


def test_switching_back_brings_english_back(published):
    client = switch_language(client_for(None), "zh-hans")
    assert '<html lang="zh-hans">' in page(client, "/directory/")
    switch_language(client, "en")
    html = page(client, "/directory/")
    assert '<html lang="en">' in html
    assert "Supplier directory" in html and "供应商名录" not in html


def test_a_chinese_browser_gets_chinese_without_choosing(db):
    html = client_for(None).get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "苏州市固态电池产业平台" in html


def test_the_admin_header_and_actions_are_chinese(official, company_x):
    html = page(switch_language(client_for(official), "zh-hans"), "/admin/registry/company/")
    assert "固态电池产业平台 — 工作人员后台" in html
    assert "取消链主企业认定" in html


def test_a_bad_uscc_on_sign_up_is_explained_in_chinese(db):
    good = factories.make_uscc()
    wrong_check_digit = good[:-1] + ("1" if good[-1] != "1" else "2")
    client = switch_language(client_for(None), "zh-hans")
    response = client.post("/accounts/signup/", {"uscc": wrong_check_digit, "username": "newcomer"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "存在问题" in html  # the error summary's heading
    assert "校验码（最后一位）不符，请检查代码是否填写有误。" in html
    assert wrong_check_digit in html  # the typing is kept
    assert not Company.objects.filter(uscc=wrong_check_digit).exists()


def test_the_status_of_a_pending_company_reads_in_chinese(db):
    company = factories.make_company(name="Pending Co", status=Company.Status.PENDING)
    user = factories.make_user(company)
    html = page(switch_language(client_for(user), "zh-hans"), "/my/")
    assert "待审核" in html and "等待审核。" in html


# --- the procurement pages


def procurement_pages(anchor_user, supplier_x):
    """(who, url, Chinese text the page shows, English text it no longer shows) for the procurement pages."""
    return [
        (None, "/dashboard/", "本地配套率数据看板", "Local content ratio dashboard"),
        (anchor_user, "/my/purchases/", "我的采购", "My purchases"),
        (supplier_x, "/my/applications/", "补贴申请", "Subsidy applications"),
    ]


def test_the_procurement_pages_render_in_chinese_with_the_language_switch(anchor_user, supplier_x, company_x):
    factories.make_purchase(anchor_user.company, company_x, invoice_number="FP-2025-001")
    factories.make_programme()
    for user, url, chinese, english in procurement_pages(anchor_user, supplier_x):
        html = page(switch_language(client_for(user), "zh-hans"), url)
        assert chinese in html, url
        assert english not in html, url
        assert SWITCH_FORM in html, url


def test_the_procurement_pages_are_english_by_default(anchor_user, supplier_x):
    for user, url, chinese, english in procurement_pages(anchor_user, supplier_x):
        html = page(client_for(user), url)
        assert english in html and chinese not in html, url


def test_an_anchor_firms_purchases_read_in_chinese(anchor_user, company_x):
    factories.make_purchase(anchor_user.company, company_x, invoice_number="FP-2025-002")
    html = page(switch_language(client_for(anchor_user), "zh-hans"), "/my/purchases/")
    assert "录入采购" in html and "从文件导入采购" not in html  # the button, not the import page
    assert "总金额" in html and "来自本地供应商" in html
    assert "FP-2025-002" in html


def test_a_company_sees_the_subsidy_programme_terms_in_chinese(supplier_x):
    factories.make_programme()
    html = page(switch_language(client_for(supplier_x), "zh-hans"), "/my/applications/")
    assert "补贴申请" in html and "开始申请" in html
    assert "本企业尚无申请。" in html
    assert "Start an application" not in html


def test_the_subsidy_admin_reads_in_chinese(official, supplier_x):
    from procurement.models import SubsidyApplication

    SubsidyApplication.objects.create(
        applicant=supplier_x.company, programme=factories.make_programme(), created_by=supplier_x,
        status=SubsidyApplication.Status.SUBMITTED,
    )
    html = page(switch_language(client_for(official), "zh-hans"), "/admin/procurement/subsidyapplication/")
    assert "本地采购补贴" in html and "已提交" in html
    assert "批准所选申请" in html and "将所选申请退回修改（须填写理由）" in html
    assert "Approve the selected applications" not in html


# --- the shipped catalogue


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr list and flags (obsolete entries left out)."""

    def unquote(text):
        return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])

    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": [], "flags": set()}
        current = None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry = None
                break
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if current == "msgstr":
                    entry["msgstr"][-1] += unquote(line)
                else:
                    entry[current] += unquote(line)
            else:
                keyword, value = line.split(" ", 1)
                if keyword.startswith("msgstr"):
                    current = "msgstr"
                    entry["msgstr"].append(unquote(value))
                else:
                    current = keyword
                    entry[keyword] = unquote(value)
        if entry and entry["msgid"] is not None:
            entries.append(entry)
    return entries


def test_every_catalogue_entry_is_translated_and_checked():
    entries = read_po(PO_FILE)
    header, messages = entries[0], entries[1:]
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    assert len(messages) > 500
    untranslated = [e["msgid"] for e in messages if not e["msgstr"] or not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    for entry in read_po(PO_FILE)[1:]:
        source = entry["msgid_plural"] or entry["msgid"]
        for translation in entry["msgstr"]:
            assert sorted(placeholder.findall(translation)) == sorted(placeholder.findall(source)), entry["msgid"]


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(PO_FILE)[1:]:
        if entry["msgid_plural"]:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr"][0], entry["msgid"]
        elif entry["msgctxt"]:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def test_the_alliance_and_every_programme_read_in_chinese(supplier_x, official):
    from procurement.models import SubsidyProgramme

    client = switch_language(client_for(supplier_x), "zh-hans")
    assert "固态电池产业联盟" in page(client, "/alliance/")
    listing = page(client, "/my/applications/")
    # The seeded programmes carry their Chinese names; the column reads "application", not a product's use.
    for name in ("本地采购补贴", "研发配套资金", "标准奖励", "用能指标上浮"):
        assert name in listing, name
    assert "应用领域" not in listing
    energy = SubsidyProgramme.objects.get(code="energy-quota", version=1)
    form = page(client, f"/my/applications/new/?programme={energy.pk}")
    assert "保存为草稿" in form and "Save as a draft" not in form
