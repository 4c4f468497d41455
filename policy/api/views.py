"""API of the scoreboard: every target of the policy with the value measured for it (/api/v1/policy/targets/).

The same figures as the page, for the same caller: public figures for everyone, all of them for officials.
Numbers go out as strings in plain notation (exact, never floats); a figure without data has null.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from policy import scoreboard
from policy.formatting import number_text
from registry.filtersets import UnknownParameters, refuse_unknown_parameters


class ScoreboardQuerySerializer(serializers.Serializer):
    """Which section's figures (all sections when absent)."""

    group = serializers.ChoiceField(
        choices=[(key, str(label)) for key, label in scoreboard.GROUPS.items()], required=False, allow_blank=True,
        help_text=_("One section of the scoreboard: lcr, rd, demonstration, support or talent."),
    )


class ScoreboardTrendPointSerializer(serializers.Serializer):
    """One year of a figure's trend, with the target for that year where the target moves (the LCR path)."""

    year = serializers.IntegerField()
    value = serializers.CharField(allow_null=True, help_text=_("The value measured that year; null: no data."))
    target = serializers.CharField(allow_null=True, help_text=_("The target for that year, where it moves by year."))


class ScoreboardFigureSerializer(serializers.Serializer):
    """One target of the policy and the value measured for it."""

    key = serializers.CharField(
        help_text=_("Stable and unique, e.g. “lcr” or “rd.directory.sulfide-electrolyte.ionic_conductivity”.")
    )
    group = serializers.ChoiceField(choices=list(scoreboard.GROUPS), help_text=_("The section it belongs to."))
    group_label = serializers.CharField()
    label = serializers.CharField(help_text=_("What is measured, in the caller’s language."))
    value = serializers.CharField(
        allow_null=True, help_text=_("The measured value in `unit`, exact; null: no data yet.")
    )
    unit = serializers.CharField(
        allow_blank=True, help_text=_("A percent sign, CNY, a product figure’s unit, or empty for a count.")
    )
    target = serializers.CharField(
        allow_null=True, help_text=_("The number the value is held against; null when the policy sets none.")
    )
    target_low = serializers.CharField(
        allow_null=True, help_text=_("The lower bound, for a target between two numbers.")
    )
    target_text = serializers.CharField(allow_blank=True, help_text=_("The target in the policy’s words."))
    comparison = serializers.ChoiceField(
        choices=["at_least", "more_than", "at_most", "less_than", "between"],
        help_text=_("How the value is held against the target."),
    )
    status = serializers.ChoiceField(choices=list(scoreboard.Status.LABELS),
                                     help_text=_("met, on_track, behind, measured (no numeric target) or no_data."))
    status_label = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    trend = ScoreboardTrendPointSerializer(
        many=True, help_text=_("By year, oldest first; empty when the figure has no trend.")
    )
    url = serializers.CharField(allow_blank=True, help_text=_("The page of the records it comes from, if any."))
    public = serializers.BooleanField(help_text=_("False: shown to officials only."))


class ScoreboardTargetsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ScoreboardFigureSerializer(many=True)


def figure_data(figure, request) -> dict:
    """A Figure as the API gives it."""
    status = figure.resolved_status
    targets = dict(figure.trend_target)
    return {
        "key": figure.key,
        "group": figure.group,
        "group_label": str(scoreboard.GROUPS.get(figure.group, figure.group)),
        "label": str(figure.label),
        "value": number_text(figure.value),
        "unit": str(figure.unit),
        "target": number_text(figure.target),
        "target_low": number_text(figure.target_low),
        "target_text": str(figure.target_text),
        "comparison": figure.comparison,
        "status": status,
        "status_label": str(scoreboard.Status.LABELS.get(status, status)),
        "detail": str(figure.detail),
        "trend": [{"year": year, "value": number_text(value), "target": number_text(targets.get(year))}
                  for year, value in figure.trend],
        "url": request.build_absolute_uri(figure.url) if figure.url else "",
        "public": figure.public,
    }


class TargetsView(APIView):
    """Every target of the policy with its measured value, status and trend (officials also see the non-public)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[ScoreboardQuerySerializer], responses=ScoreboardTargetsSerializer,
                   operation_id="policy_targets")
    def get(self, request):
        try:
            refuse_unknown_parameters(request.query_params, allowed={"group"})
        except UnknownParameters as error:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in error.names}) from None
        query = ScoreboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # An empty `group` is no filter, as an empty parameter is everywhere in the API.
        group = query.validated_data.get("group") or None
        figures = scoreboard.figures(request.user, timezone.localdate(), group=group)
        return Response({"count": len(figures), "results": [figure_data(figure, request) for figure in figures]})
