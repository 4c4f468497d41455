"""Form widgets written out in Python: the same HTML as Django's own widget templates, a tenth of the time.

The directory's filter panel renders a dozen selects and checkboxes on every page; through the template engine
(one template per option, each with its attributes' template) that was about a third of the page's time.
`fast(widget)` swaps a widget for the same class with `_render` written out for the templates below; any other
template (a subclass with its own) still goes through the engine. tests/registry/test_directory_fast_paths.py
holds the output byte for byte to the engine's.
"""

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
CHECKBOX_SELECT = "django/forms/widgets/checkbox_select.html"
CHECKBOX_OPTION = "django/forms/widgets/checkbox_option.html"
INPUTS = {f"django/forms/widgets/{kind}.html" for kind in ("text", "search", "number", "email", "url", "hidden")}


def _text(value) -> str:
    return conditional_escape(str(value))


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    # django/forms/widgets/input.html
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _select(widget: dict) -> str | None:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            out.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}'
                "</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _checkbox_select(widget: dict) -> str | None:
    # checkbox_select.html includes multiple_input.html, whose options include input_option.html.
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_text(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            if option["template_name"] != CHECKBOX_OPTION:
                return None
            html = _input(option)
            if option["wrap_label"]:
                label_for = f' for="{_text(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
                html = f"<label{label_for}>{html} {_text(option['label'])}</label>"
            out.append(f"<div>\n    {html}\n\n</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n\n")
    return "".join(out)


def _render_html(template_name: str, widget: dict) -> str | None:
    if template_name == SELECT:
        return _select(widget)
    if template_name == CHECKBOX_SELECT:
        return _checkbox_select(widget)
    if template_name in INPUTS:
        return _input(widget) + "\n"
    return None


class FastRenderMixin:
    """Renders the widget's template in Python when it is one of Django's own above."""

    def _render(self, template_name, context, renderer=None):
        html = _render_html(template_name, context["widget"])
        if html is None:
            return super()._render(template_name, context, renderer)
        # Django's renderer strips the template's output too (BaseRenderer.render).
        return mark_safe(html.strip())  # noqa: S308  (every value above is escaped)


_FAST_CLASSES: dict[type, type] = {}


def fast(widget):
    """The widget itself, its class swapped for one that renders in Python (same attributes, same behaviour)."""
    cls = type(widget)
    if not issubclass(cls, FastRenderMixin):
        if cls not in _FAST_CLASSES:
            _FAST_CLASSES[cls] = type(cls.__name__, (FastRenderMixin, cls), {"__module__": cls.__module__})
        widget.__class__ = _FAST_CLASSES[cls]
    return widget
