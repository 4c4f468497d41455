"""The OpenAPI schema's error answers: every operation documents the 4xx answers it can give.

drf-spectacular documents the success answers from the serializers; the errors come from the framework and
our shared machinery, by rules that hold for every operation, added here once:

- 400: operations with query parameters (an unknown or bad parameter is named, registry.filtersets) and
  every write (field errors, or a move the workflow refuses); the body names each parameter or field.
- 401: every operation: a wrong or expired token is refused before anything else, and anonymous writes
  are asked to authenticate (TokenAuthentication comes first, so its WWW-Authenticate turns them into 401).
- 403: writes, and reads that need a signed-in caller: the caller's role does not allow it.
- 404: operations with a path parameter: no such record, or one the caller may not see.
- 429: every operation: the anonymous, per-user and token throttles (config/settings.py).

It also says that an empty query parameter means "no filter" (`allowEmptyValue`), and that an address too
long for the web server is refused with 414.
"""

ERROR = {
    "type": "object",
    "description": "A message for the caller.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each bad parameter or field with its messages (`non_field_errors` for the whole request).",
    "additionalProperties": {},
}

DESCRIPTIONS = {
    "400": "A parameter or field is bad or unknown: each is named with its messages.",
    "401": "Not signed in (or the token is wrong): send `Authorization: Token <key>`.",
    "403": "Signed in, but your role does not allow this.",
    "404": "No such record, or not one you may see.",
    "429": "Too many requests: try again after the number of seconds in `Retry-After`.",
}


def _answer(code):
    schema = {"$ref": "#/components/schemas/FieldErrors"} if code == "400" else {"$ref": "#/components/schemas/Error"}
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def _empty_means_no_filter(parameter):
    """An empty query parameter (`?size=`) is no filter, in the API as in the pages: the schema says so."""
    if not parameter.get("required"):
        parameter["allowEmptyValue"] = True


def error_responses(result, generator, request, public):
    """Postprocessing hook: add the error answers above to every operation (never replacing one it has)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    # A serializer that shows some callers only part of a record lists what is always there (x-required-fields);
    # drf-spectacular would otherwise require every read-only field.
    for schema in schemas.values():
        always = schema.pop("x-required-fields", None)
        if always is not None and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name in always]
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                if parameter.get("in") == "query":
                    _empty_means_no_filter(parameter)
            codes = {"401", "429"}
            # A write refuses a bad body, and a state change a move the workflow does not allow.
            if any(p.get("in") == "query" for p in parameters) or method not in ("get", "head", "options"):
                codes.add("400")
            anonymous_allowed = {} in operation.get("security", [{}])
            if method not in ("get", "head", "options") or not anonymous_allowed:
                codes.add("403")
            if "{" in path:
                codes.add("404")
            for code in sorted(codes):
                if operation["responses"].get(code, {}).get("content") is None:
                    operation["responses"][code] = _answer(code)
            if any(p.get("in") == "query" for p in parameters):
                # The web server (gunicorn) refuses a request line over its limit before Django sees it.
                operation["responses"].setdefault("414", {"description": "The address is too long."})
    return result
