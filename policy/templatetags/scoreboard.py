"""A scoreboard figure on the page: its value with its unit, its status as a coloured tag, its trend's drawing."""

from django import template
from django.utils.html import format_html

from policy import charts
from policy.formatting import display_value
from policy.scoreboard import Status

register = template.Library()

# The site's own tag colours (static/css/site.css): green for met and on track, red for behind, blue for a value
# measured against no number, grey for no data.
TAG_CLASSES = {
    Status.MET: "tag-meets",
    Status.ON_TRACK: "tag-approved",
    Status.BEHIND: "tag-below",
    Status.MEASURED: "tag-local",
    Status.NO_DATA: "",
}


@register.simple_tag
def figure_value(figure, value=None, use_value=False):
    """The figure's measured value (or `value`, one of its trend's, when use_value) with its unit."""
    shown = value if use_value else figure.value
    return display_value(shown, figure.unit, figure.extra.get("figure", ""))


@register.simple_tag
def figure_status_tag(figure):
    status = figure.resolved_status
    return format_html('<span class="tag {} status-{}">{}</span>', TAG_CLASSES.get(status, ""), status,
                       Status.LABELS.get(status, status))


@register.simple_tag
def figure_chart(figure):
    return charts.trend_chart(figure)


@register.simple_tag
def figure_summary(figure):
    return charts.trend_summary(figure)


@register.simple_tag
def trend_rows(figure):
    """[(year, value, target for the year)] of the figure's trend, for the table beside its chart."""
    targets = dict(figure.trend_target)
    return [(year, value, targets.get(year)) for year, value in figure.trend]
