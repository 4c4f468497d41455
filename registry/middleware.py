"""Refuses control characters in what a request sends, before any view, form, filter or serializer reads it.

A NUL byte cannot be stored in a PostgreSQL text column (psycopg raises ValueError, a 500) and a lone
surrogate from a JSON escape ("\\ud800") cannot be encoded at all; other control characters (bell, escape,
backspace) are never part of a name, a code or a description, and only spoof what people read. One check
here covers every query parameter, form field and JSON field of every page, API and the admin, instead of
a check per view. Tab, line feed and carriage return pass: multi-line text (descriptions) uses them; the
places where a single line is meant (file cells) refuse them on their own.
"""

import json
import re

from django.shortcuts import render
from django.utils.translation import gettext as _

# C0 controls except tab (\x09), line feed (\x0a) and carriage return (\x0d); DEL; UTF-16 surrogates.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# JSON nested deeper than this is not ours to read; json.loads would stop at Python's recursion limit anyway.
_MAX_DEPTH = 50


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def control_character_message() -> str:
    return _("Remove the control characters (such as NUL bytes) from this value.")


def printable_name(name: str) -> str:
    """A parameter's name as it can be shown: its own control characters escaped."""
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", name)[:100]


def _json_fields(value, path="", depth=0):
    """(field path, text) for every string in a JSON document: keys and values, "figures.0.key" style."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _json_fields(item, inner, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            # A list of plain values is one field (DRF names "categories"); objects in a list get their index.
            if not path:
                inner = str(index)
            else:
                inner = f"{path}.{index}" if isinstance(item, dict | list) else path
            yield from _json_fields(item, inner, depth + 1)
    elif isinstance(value, str):
        yield path or "non_field_errors", value


def _query_fields(query_dict):
    for key in query_dict:
        yield key, key
        for value in query_dict.getlist(key):
            yield key, value


def _form_field_refuses(text: str) -> bool:
    # A NUL in a page's form field is left to the form: Django's fields refuse it beside the field ("Null
    # characters are not allowed"), which tells a person more than a page of its own. Query parameters get no
    # such exemption: pages read them in code of their own (initial values, lookups), where a NUL is a 500.
    return has_control_characters(text.replace("\x00", ""))


def refused_fields(request) -> dict[str, str]:
    """{name: message} for the parameters and fields whose text holds a control character."""
    found = {}
    # The admin's forms and filters pass some values to the database unread: no exemption there either.
    strict = request.path.startswith(("/api/", "/admin/"))
    sources = [(has_control_characters, _query_fields(request.GET))]
    content_type = request.content_type or ""
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            refuses = has_control_characters if strict else _form_field_refuses
            sources.append((refuses, _query_fields(request.POST)))
            sources.append((has_control_characters, ((key, key) for key in request.FILES)))
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                document = json.loads(request.body or b"null")
            except ValueError:
                document = None  # the API's parser answers 400 for malformed JSON
            except RecursionError:
                # Nesting past Python's recursion limit: the API's parser would fail the same way, with a 500.
                return {"non_field_errors": _("The JSON document is nested too deeply.")}
            sources.append((has_control_characters, _json_fields(document)))
    for refuses, source in sources:
        for name, text in source:
            if refuses(text):
                found.setdefault(printable_name(name), control_character_message())
    return found


def nested(fields: dict[str, str]) -> dict:
    """{"major_project.name": message} as DRF nests errors: {"major_project": {"name": [message]}}."""
    detail: dict = {}
    for path, message in fields.items():
        *parents, last = path.split(".") if path != "." else [path]
        node = detail
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if not isinstance(node.get(last), dict):
            node[last] = [message]
    return detail


class ControlCharacterMiddleware:
    """400 naming each field that holds a control character: JSON for the API, a page for people."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = refused_fields(request)
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # Imported here: the middleware loads before DRF's settings may import the API's modules.
            from rest_framework.renderers import JSONRenderer
            from rest_framework.response import Response

            # A DRF response, as every other 400 of the API: the same JSON shape, and `.data` for its tests.
            response = Response(nested(fields), status=400)
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
            response.renderer_context = {}
            return response.render()
        return render(request, "400_control_characters.html", {"fields": fields}, status=400)
