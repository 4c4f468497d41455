"""The LCR dashboard: city figures for everyone, an anchor firm's own beside them, per-anchor tables for officials."""

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from calculators.local_content import lcr_target_percent
from procurement import charts
from procurement.permissions import can_view_buyer_figures
from procurement.reports import dashboard_frames, frames_to_xlsx
from procurement.selectors import BuyerFigures, LcrSlice, anchor_ranking, lcr_by, lcr_trend, trend_year_figures
from registry.exports import CONTENT_TYPES
from registry.permissions import is_official


def _own_company(user):
    """The logged-in anchor firm whose own figures are shown, if any."""
    if user.is_authenticated and user.company_id and user.company.is_anchor and can_view_buyer_figures(
        user, user.company
    ):
        return user.company
    return None


def _selected_year(request, years: list[int]) -> int:
    # An unknown or malformed year falls back to the current one rather than showing an error page:
    # the selector only offers years the series covers.
    current = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and int(raw) in years:
        return int(raw)
    return current


class DashboardView(TemplateView):
    """The city's LCR by year against the target path and by category; own figures and rankings by role."""

    template_name = "procurement/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        city_trend = lcr_trend()
        series = city_trend["series"]
        years = [row["year"] for row in series]
        year = _selected_year(self.request, years)
        categories = lcr_by("category", LcrSlice(year=year))
        # One read of the year's sums per buyer gives the districts' table and the officials' ranking.
        by_buyer = BuyerFigures(LcrSlice(year=year))
        context.update(
            year=year,
            years=years,
            baseline_year=city_trend["baseline_year"],
            city=trend_year_figures(city_trend, year),
            city_target=lcr_target_percent(year, city_trend["baseline_year"]),
            city_series=series,
            city_chart=charts.line_chart(series, [("lcr_percent", "line-actual"), ("target_percent", "line-target")]),
            city_summary=charts.trend_summary(series, _("The city")),
            categories=categories,
            category_chart=charts.bar_chart(categories),
            category_summary=charts.bars_summary(categories),
            districts=by_buyer.district_rows(),
        )
        own = _own_company(user)
        if own is not None:
            own_trend = lcr_trend(own, start_year=years[0])
            own_series = own_trend["series"]
            context.update(
                own=own,
                own_figures=trend_year_figures(own_trend, year),
                own_categories=lcr_by("category", LcrSlice(buyer=own, year=year)),
                own_series=own_series,
                own_chart=charts.line_chart(
                    own_series, [("lcr_percent", "line-own"), ("target_percent", "line-target")]
                ),
                own_summary=charts.trend_summary(own_series, own.name),
            )
        if is_official(user):
            context["ranking"] = anchor_ranking(year, figures=by_buyer)
        return context


class DashboardXlsxView(View):
    """The dashboard's tables as an .xlsx file, one sheet per table (the per-anchor sheet for officials)."""

    def get(self, request):
        years = [row["year"] for row in lcr_trend()["series"]]
        year = _selected_year(request, years)
        frames = dashboard_frames(year, buyer=_own_company(request.user), include_anchors=is_official(request.user))
        response = HttpResponse(frames_to_xlsx(frames), content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="lcr-dashboard-{year}.xlsx"'
        return response


urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.xlsx", DashboardXlsxView.as_view(), name="dashboard_xlsx"),
]
