"""GET /api/v1/calculators/ (the list) and /api/v1/calculators/<name>/ (one operation per calculator).

Parameters, bounds, units and results come from `calculators.catalogue`, the registry the page uses too.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..catalogue import (
    CALCULATORS,
    CHOICE,
    INTEGER,
    LIST,
    MONEY,
    QUANTITY,
    SIGNIFICANT_FIGURES,
    TEXT,
    WHOLE,
    Calculator,
    InvalidInput,
    evaluate,
)
from ..programmes import current_programme

# DRF's own: `?format=json` picks the renderer.
ACCEPTED_EXTRA = frozenset({"format"})

WIRE_NOTE = (
    f"Money (CNY) comes as a decimal string rounded half-up to 0.01 once, at the end; an energy quota as a decimal "
    f"string to 0.001 of its unit, as the application workflow grants it; physical figures as JSON numbers to "
    f"{SIGNIFICANT_FIGURES} significant figures. `units` gives each result's unit, `inputs` the values used "
    f"(defaults filled in). Bad input is a 400 with the parameter named: "
    f'`{{"<parameter>": ["<message>"]}}`; an unknown or repeated parameter is refused the same way.'
)


class CalculatorProgrammeSerializer(serializers.Serializer):
    """The programme version a programme-driven result used."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    rate = serializers.CharField(allow_null=True)
    lead_reward = serializers.CharField(allow_null=True)
    participant_reward = serializers.CharField(allow_null=True)
    quota_factor = serializers.CharField(allow_null=True)
    cap_per_application = serializers.CharField(allow_null=True)
    cap_per_applicant_year = serializers.CharField(allow_null=True)
    active_from = serializers.DateField()
    active_until = serializers.DateField(allow_null=True)


class CalculatorView(APIView):
    """One calculator: its result for the query's parameters."""

    permission_classes = [AllowAny]
    calculator: Calculator

    def get(self, request):
        calculator = self.calculator
        unknown = [name for name in request.query_params
                   if name not in calculator.parameter_names and name not in ACCEPTED_EXTRA]
        if unknown:
            return Response({name: [_("Unknown parameter: this calculator reads %(names)s.") % {
                "names": ", ".join(calculator.parameter_names)}] for name in unknown}, status=400)
        programme = None
        if calculator.programme_kind:
            programme = current_programme(calculator.programme_kind)
            if programme is None:
                return Response({"detail": _("No programme of this kind is open today.")}, status=404)
        try:
            outcome = evaluate(calculator, request.query_params, programme)
        except InvalidInput as error:
            return Response(error.errors, status=400)
        return Response(outcome.as_json())


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _default(parameter):
    if parameter.default is None or parameter.type in (CHOICE, LIST):
        return parameter.default
    return int(parameter.default) if parameter.type == INTEGER else float(parameter.default)


def _openapi_parameter(calculator: Calculator, parameter) -> OpenApiParameter:
    kind = {INTEGER: OpenApiTypes.INT, CHOICE: OpenApiTypes.STR, LIST: OpenApiTypes.STR}.get(
        parameter.type, OpenApiTypes.NUMBER)
    parts = [str(parameter.label) + (f" ({parameter.unit})" if parameter.unit else "") + "."]
    if parameter.help:
        parts.append(str(parameter.help))
    if parameter.type == LIST:
        parts.append(f"Comma-separated numbers, each {parameter.bounds_text()}; at most {parameter.max_items}.")
    elif parameter.type != CHOICE:
        parts.append(f"Allowed: {parameter.bounds_text()}.")
    if calculator.in_group(parameter.name):
        index = next(i for i, group in enumerate(calculator.groups) if parameter.name in group)
        parts.append(f"Required with {str(calculator.group_labels[index])} (give exactly one set).")
    return OpenApiParameter(
        parameter.name, kind, location=OpenApiParameter.QUERY,
        required=not parameter.optional and not calculator.in_group(parameter.name),
        description=" ".join(parts), default=_default(parameter),
        enum=[value for value, _label in parameter.choices] or None,
    )


def _result_field(result):
    help_text = str(result.label) + (f" ({result.unit})" if result.unit else "")
    if result.kind in (MONEY, QUANTITY, TEXT):
        return serializers.CharField(help_text=help_text, allow_null=True)
    if result.kind == WHOLE:
        return serializers.IntegerField(help_text=help_text, allow_null=True)
    return serializers.FloatField(help_text=help_text + f", {SIGNIFICANT_FIGURES} significant figures",
                                  allow_null=True)


def calculator_view(calculator: Calculator):
    """The view of one calculator, with its own operation in the OpenAPI schema."""
    fields = {result.name: _result_field(result) for result in calculator.results}
    fields["units"] = serializers.DictField(child=serializers.CharField())
    fields["formula"] = serializers.CharField()
    fields["inputs"] = serializers.DictField()
    description = f"{calculator.description}\n\nFormula: `{calculator.formula}`\n\n{WIRE_NOTE}"
    responses = {400: OpenApiResponse(OpenApiTypes.OBJECT, description="A parameter is missing or refused.")}
    if calculator.programme_kind:
        fields["programme"] = CalculatorProgrammeSerializer(allow_null=True)
        description += (" Uses the programme version of its kind open today (named in `programme`), with the "
                        "same amount rule an application is paid by.")
        responses[404] = OpenApiResponse(OpenApiTypes.OBJECT, description="No programme of this kind is open today.")
    responses[200] = inline_serializer(f"{_camel(calculator.name)}Result", fields)
    view = type(f"{_camel(calculator.name)}CalculatorView", (CalculatorView,), {
        "calculator": calculator, "__doc__": str(calculator.title),
    })
    return extend_schema_view(get=extend_schema(
        operation_id=f"calculators_{calculator.name.replace('-', '_')}", summary=str(calculator.title),
        description=description, tags=["calculators"],
        parameters=[_openapi_parameter(calculator, p) for p in calculator.parameters], responses=responses,
    ))(view)


class CalculatorListView(APIView):
    """Every calculator with its parameters (type, unit, bounds, default) and results."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calculators_list", summary="The policy calculators", tags=["calculators"],
        description="Each calculator's name, formula, parameters and results; call `/api/v1/calculators/<name>/`.",
        responses=inline_serializer("CalculatorList", {"calculators": serializers.ListField(
            child=serializers.DictField())}),
    )
    def get(self, request):
        return Response({"calculators": [
            {
                "name": c.name, "title": str(c.title), "formula": c.formula, "description": str(c.description),
                "url": request.build_absolute_uri(f"{c.name}/"),
                "programme_kind": c.programme_kind or None,
                "parameters": [
                    {"name": p.name, "label": str(p.label), "type": p.type, "unit": p.unit, "help": str(p.help),
                     "required": not p.optional and not c.in_group(p.name), "default": p.default,
                     "minimum": None if p.minimum is None else f"{p.minimum:f}",
                     "minimum_exclusive": p.minimum_exclusive,
                     "maximum": None if p.maximum is None else f"{p.maximum:f}",
                     "maximum_exclusive": p.maximum_exclusive,
                     "choices": [value for value, _label in p.choices]}
                    for p in c.parameters
                ],
                "alternatives": [list(group) for group in c.groups],
                "results": [{"name": r.name, "label": str(r.label), "unit": str(r.unit), "kind": r.kind}
                            for r in c.results],
            }
            for c in CALCULATORS.values()
        ]})
