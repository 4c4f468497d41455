"""The scoreboard's page (/policy/) and its files: every target of the policy with the value measured for it.

Everyone sees the public figures; officials see all (policy.scoreboard.figures filters). The page and the files
show the same figures, from the same call.
"""

from itertools import groupby

from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from registry import spreadsheets
from registry.filtersets import refuse_unknown_parameters

from . import exports, scoreboard


class ScoreboardView(TemplateView):
    """Every figure, grouped by the policy's sections, each with its target, status, trend and records."""

    template_name = "policy/scoreboard.html"

    def get(self, request, *args, **kwargs):
        refuse_unknown_parameters(request.GET)  # no filters: a stray parameter is a 400 naming it
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        figures = scoreboard.figures(self.request.user, today)
        sections = [
            {"key": group, "label": scoreboard.GROUPS.get(group, group), "figures": list(rows)}
            for group, rows in groupby(figures, key=lambda figure: figure.group)
        ]
        counts = {status: 0 for status in scoreboard.Status.LABELS}
        for figure in figures:
            counts[figure.resolved_status] = counts.get(figure.resolved_status, 0) + 1
        context.update(today=today, sections=sections, figure_count=len(figures), counts=counts)
        return context


class ScoreboardFileView(View):
    """The figures as a workbook (two sheets: the figures, their trends by year) or a CSV (the figures)."""

    file_format = "xlsx"

    def get(self, request):
        refuse_unknown_parameters(request.GET)
        today = timezone.localdate()
        figures = scoreboard.figures(request.user, today)
        base_url = request.build_absolute_uri("/").rstrip("/")
        filename = f"policy-targets-{today.isoformat()}.{self.file_format}"
        if self.file_format == "csv":
            return spreadsheets.csv_response(exports.figure_rows(figures, base_url), filename=filename)
        return spreadsheets.xlsx_response(exports.scoreboard_sheets(figures, base_url), filename=filename)
