"""The admin index's work queue: every registered admin that declares a `work_queue` (registry.admin.WorkQueue)."""

from django import template
from django.contrib import admin

register = template.Library()


@register.simple_tag(takes_context=True)
def work_queue(context) -> list[dict]:
    """What waits for the reader, as dicts of label, count, oldest and url, in the admin's app order."""
    request = context["request"]
    site = admin.site
    entries = []
    for _model, model_admin in sorted(site._registry.items(), key=lambda item: item[0]._meta.label):
        waiting = getattr(model_admin, "waiting", None)
        entry = waiting(request) if waiting else None
        if entry is not None:
            entries.append(entry)
    return entries
