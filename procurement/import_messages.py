"""An import report in its reader's language: each problem stored as a code and its parameters, worded when shown.

A report is written once, by the worker, in the uploader's language, but read later, perhaps by someone else (an
official, a colleague who reads Chinese, a client of the API asking in English). So a stored entry holds no
sentence: it holds `code` (a key of CATALOGUE) and `params` (numbers, the column, a value from the file), and
`report_entry` words it with gettext in the language active when it is shown.

The rows are checked by procurement.services.purchase_clean, the same path as the web form and the API, which
hands back worded messages. Rather than teach that shared path a second way of speaking, `stored_message`
recognises a worded message (in any of the site's languages) as the catalogue entry it came from and keeps its
code and parameters: the catalogue below lists every message a report can hold, by the same msgids as the code
that words them, so their translations are shared. Reports stored before this module (entries with a worded
`message`) are recognised the same way when shown, so they read in the reader's language too; a message no
entry matches is shown as it was stored, never lost.
"""

import functools
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """A report message: its msgid (and plural msgid with the parameter counting, for ngettext)."""

    msgid: str
    plural: str = ""
    count: str = ""


# Every message an import report can hold, keyed by a code that stays when the wording changes. Singular msgids are
# marked with gettext_noop (their translations live with the code that words them); plural ones are extracted from
# procurement.imports, where ngettext words them.
CATALOGUE: dict[str, Message] = {
    # A row's cells (procurement.services.purchase_clean and its parsers, registry.bounds, registry.middleware).
    "required": Message(gettext_noop("This column is required.")),
    "control_characters": Message(gettext_noop("Remove the control characters (such as NUL bytes) from this value.")),
    "uscc_check_digit": Message(gettext_noop(
        "This looks like a USCC but its check digit (the last character) does not match: probably a typing error. "
        "Check the code against the supplier’s licence."
    )),
    "identifier_too_long": Message(gettext_noop("An identifier has at most 40 characters.")),
    "supplier_name_needed": Message(gettext_noop("The supplier is not registered: give its name.")),
    "too_long": Message(gettext_noop("At most %(n)d characters.")),
    "buys_from_itself": Message(gettext_noop("A company cannot buy from itself.")),
    "date": Message(gettext_noop("Enter a date as YYYY-MM-DD or YYYY/MM/DD.")),
    "date_future": Message(gettext_noop("The purchase date is in the future.")),
    "amount": Message(gettext_noop("Enter an amount in CNY, such as 12500.00 or 12,500.00.")),
    "amount_positive": Message(gettext_noop("The amount must be more than zero.")),
    "amount_large": Message(gettext_noop("The amount is too large: at most %(max)s CNY.")),
    "amount_places": Message(gettext_noop("An amount has at most two decimal places (fen).")),
    "quantity": Message(gettext_noop("Enter a number.")),
    "quantity_negative": Message(gettext_noop("Enter a number of zero or more.")),
    "quantity_large": Message(gettext_noop("The quantity is too large: at most %(max)s.")),
    "quantity_places": Message(gettext_noop("A quantity has at most %(n)d decimal places.")),
    "category_unknown": Message(gettext_noop(
        "Unknown category: use a category code such as solid-state-cells, or its English or Chinese name, as "
        "listed on the import page."
    )),
    "product_unknown": Message(gettext_noop("No such product of this supplier.")),
    "invoice_too_long": Message(gettext_noop("An invoice number has at most 60 characters.")),
    # A row against the others (procurement.imports).
    "undecodable": Message(gettext_noop(
        "This cell is not valid text in the file’s encoding (UTF-8 or GB18030): save the file as CSV UTF-8."
    )),
    "invoice_repeated": Message(gettext_noop("The same invoice of this supplier is already on row %(row)d.")),
    "invoice_other_buyer": Message(gettext_noop("This supplier’s invoice is already recorded by another buyer.")),
    "more_problems": Message(gettext_noop(
        "%(n)s more problems are not listed: fix the ones above and import the file again."
    )),
    "unregistered_uscc": Message(
        "No registered company has the USCC %(code)s: its purchase (row %(row)d) will count as not local. "
        "If the supplier is local, ask it to register.",
        "No registered company has the USCC %(code)s: its %(n)d purchases (the first on row %(row)d) will "
        "count as not local. If the supplier is local, ask it to register.",
        "n",
    ),
    "more_unregistered": Message(
        "%(n)s more unregistered USCC is not listed: its purchases will count as not local as well.",
        "%(n)s more unregistered USCCs are not listed: their purchases will count as not local as well.",
        "n",
    ),
    # The file as a whole (procurement.imports).
    "column_unknown": Message(gettext_noop("Unknown column %(column)s: ignored.")),
    "column_twice": Message(gettext_noop("The column %(column)s appears twice.")),
    "column_missing": Message(gettext_noop("The column %(column)s is missing.")),
    "file_type": Message(gettext_noop("Only CSV and .xlsx files can be imported.")),
    "file_too_large": Message(gettext_noop("The file is larger than %(mb)s MB: split it into smaller files.")),
    "file_empty": Message(gettext_noop("The file is empty.")),
    "file_encoding": Message(gettext_noop("The file’s encoding is neither UTF-8 nor GB18030: save it as CSV UTF-8.")),
    "file_not_csv": Message(gettext_noop("The file is not a CSV text file.")),
    "file_csv_unreadable": Message(gettext_noop("The file could not be read as CSV: %(reason)s")),
    "file_not_xlsx": Message(gettext_noop("The file is not a valid .xlsx workbook.")),
    "xlsx_too_large": Message(gettext_noop(
        "The workbook unpacks to more than %(mb)d MB: save only the purchase sheet, or split the file."
    )),
    "xlsx_too_many_texts": Message(gettext_noop(
        "The workbook holds more than %(n)s different texts: save only the purchase sheet, or split the file."
    )),
    "file_too_many_rows": Message(gettext_noop("The file has more than %(max)d rows: split it into smaller files.")),
    "file_no_rows": Message(gettext_noop("The file has no purchase rows under its header.")),
    # The job that ran the import (procurement.tasks).
    "job_not_queued": Message(gettext_noop("The import could not be queued; nothing was saved. Try again later.")),
    "job_file_gone": Message(gettext_noop(
        "The uploaded file is no longer stored; nothing was saved. Import the file again."
    )),
    "job_error": Message(gettext_noop("The import stopped on an unexpected error; nothing was saved.")),
    "job_timeout": Message(gettext_noop(
        "The import took longer than %(minutes)d minutes and was stopped; nothing was saved. Import the file again."
    )),
    "job_stopped": Message(gettext_noop(
        "The import’s job stopped (its worker failed or was stopped); nothing was saved. Import the file again."
    )),
}

# Parameters naming one of our columns: shown as the reader's language heads that column.
COLUMN_PARAMETERS = {"column_twice", "column_missing"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def row_error(code: str, /, **params) -> dict:
    """A message as a report stores it: its code and parameters (numbers and text from the file), no words."""
    if code not in CATALOGUE:
        raise KeyError(f"No import message {code!r} in procurement.import_messages.CATALOGUE")
    return {"code": code, "params": params} if params else {"code": code}


def _worded(code: str, params: dict) -> str:
    message = CATALOGUE[code]
    if message.plural:
        text = ngettext(message.msgid, message.plural, int(params.get(message.count, 1)))
    else:
        text = gettext(message.msgid)
    if code in COLUMN_PARAMETERS and "column" in params:
        params = {**params, "column": column_label(str(params["column"]))}
    return text % params if _PLACEHOLDER.search(text) else text


def message_text(code: str, params: dict | None = None) -> str:
    """The message in the active language; in English if the translation wants a parameter the entry lacks."""
    params = params or {}
    try:
        return _worded(code, params)
    except (KeyError, TypeError, ValueError):
        with translation.override("en"):
            try:
                return _worded(code, params)
            except (KeyError, TypeError, ValueError):
                return CATALOGUE[code].msgid


# --- recognising a worded message (from the shared row checks, or a report stored before codes)


def _pattern(text: str) -> tuple[re.Pattern, dict]:
    """A worded message with placeholders as a regular expression capturing them; {name: "d" or "s"}."""
    parts, kinds, position = ["^"], {}, 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[position:match.start()]))
        name, kind = match.groups()
        if name in kinds:
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>-?\\d+)" if kind == "d" else f"(?P<{name}>.+?)")
            kinds[name] = kind
        position = match.end()
    parts.extend([re.escape(text[position:]), "$"])
    return re.compile("".join(parts), re.S), kinds


@functools.lru_cache(maxsize=8)
def _recognisers(language: str) -> tuple[dict, list]:
    """({exact text: code}, [(pattern, kinds, code, default params)]) for the catalogue worded in `language`."""
    exact, patterns = {}, []
    with translation.override(language):
        for code, message in CATALOGUE.items():
            if message.plural:
                forms = {ngettext(message.msgid, message.plural, 1): {message.count: 1},
                         ngettext(message.msgid, message.plural, 2): {}}
            else:
                forms = {gettext(message.msgid): {}}
            for text, defaults in forms.items():
                if _PLACEHOLDER.search(text):
                    pattern, kinds = _pattern(text)
                    patterns.append((pattern, kinds, code, defaults))
                else:
                    exact.setdefault(text, code)
    return exact, patterns


def _languages() -> list[str]:
    active = translation.get_language() or settings.LANGUAGE_CODE
    return [active] + [code for code, _name in settings.LANGUAGES if code != active]


def recognise(text: str) -> dict | None:
    """{"code", "params"} of a worded message in any of the site's languages, or None if no entry words it so."""
    for language in _languages():
        exact, patterns = _recognisers(language)
        if text in exact:
            return row_error(exact[text])
        for pattern, kinds, code, defaults in patterns:
            match = pattern.match(text)
            if match:
                params = {**defaults, **{name: int(value) if kinds[name] == "d" else value
                                         for name, value in match.groupdict().items()}}
                return row_error(code, **params)
    return None


def stored_message(text) -> dict:
    """What a report stores for a worded message: its code and parameters, or the words if none match."""
    text = str(text)
    found = recognise(text)
    if found is None:
        # A message added to the checks but not to CATALOGUE: kept in words (shown as they are), and said here.
        logger.warning("Import message not in procurement.import_messages.CATALOGUE: %r", text)
        return {"message": text}
    return found


def stored_entry(entry: dict) -> dict:
    """A report entry ready to store: its worded `message`, if it has one, replaced by code and parameters."""
    if "message" not in entry or "code" in entry:
        return entry
    stored = {key: value for key, value in entry.items() if key != "message"}
    return {**stored, **stored_message(entry["message"])}


def stored_report(entries) -> list[dict]:
    """Every entry of a report as it is stored (see stored_entry)."""
    return [stored_entry(entry) for entry in entries]


# --- showing a report


def column_label(column: str) -> str:
    """A column as the reader's language heads it in a file: its Chinese header for a Chinese reader, else its name
    (the accepted English header). A column we do not know (one the file added) is shown as the file wrote it."""
    from .imports import CHINESE_HEADER_BY_COLUMN

    if (translation.get_language() or "").startswith("zh"):
        return CHINESE_HEADER_BY_COLUMN.get(column, column)
    return column


def entry_message(entry: dict) -> str:
    """An entry's message in the active language, whether it was stored as a code or (before codes) in words."""
    if entry.get("code") in CATALOGUE:
        return message_text(entry["code"], entry.get("params"))
    text = str(entry.get("message", ""))
    found = recognise(text) if text else None
    return message_text(found["code"], found.get("params")) if found else text


def level_label(level: str) -> str:
    """An entry's level in the reader's language, for the downloadable report."""
    if level == "warning":
        return pgettext("import problem", "Warning")
    return pgettext("import problem", "Error")


def report_entry(entry: dict) -> dict:
    """A stored entry as the page, the downloads and the API show it: worded now, in the reader's language."""
    column = entry.get("column", "") or ""
    shown = {
        "row": entry.get("row"), "column": column, "column_label": column_label(column),
        "message": entry_message(entry), "value": entry.get("value", ""), "level": entry.get("level", "error"),
        "code": entry.get("code", ""),
    }
    for key in ("omitted", "job"):
        if key in entry:
            shown[key] = entry[key]
    return shown


def report_csv_header() -> list[str]:
    """The downloadable report's header, in the reader's language."""
    return [gettext("Row"), gettext("Column"), gettext("Problem"), gettext("Value given"), gettext("Kind of problem")]
