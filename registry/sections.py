"""Sections that apps built on the registry add to its pages, without the registry importing them.

An app registers a function from its `AppConfig.ready()`; the company page and `/my/` call each one with the
request and the company and show what it returns (rendered HTML, or "" to show nothing). The registry knows the
hook, never the apps: the way Django's admin site learns about models it never imports.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

SectionRenderer = Callable[..., str]

_COMPANY_PAGE: list[SectionRenderer] = []
_MY_HOME: list[SectionRenderer] = []
_CATEGORY_LINKS: list[Callable[..., dict]] = []


def register_company_section(renderer: SectionRenderer) -> SectionRenderer:
    """Add a section to the public company page: `renderer(request, company) -> html`."""
    if renderer not in _COMPANY_PAGE:
        _COMPANY_PAGE.append(renderer)
    return renderer


def register_my_section(renderer: SectionRenderer) -> SectionRenderer:
    """Add a section to the company's home under /my/: `renderer(request, company) -> html`."""
    if renderer not in _MY_HOME:
        _MY_HOME.append(renderer)
    return renderer


def _render(renderers, request, company) -> list[SafeString]:
    # Each renderer returns HTML it rendered through a template (auto-escaped), so marking it safe is sound.
    return [mark_safe(html) for html in (renderer(request, company) for renderer in renderers) if html]


def company_sections(request, company) -> list[SafeString]:
    return _render(_COMPANY_PAGE, request, company)


def my_sections(request, company) -> list[SafeString]:
    return _render(_MY_HOME, request, company)


def register_category_links(provider: Callable[..., dict]) -> Callable[..., dict]:
    """Add links beside the chain map's categories: `provider(request, categories) -> {category id: [link, ...]}`,
    each link a dict with "text" and "url"."""
    if provider not in _CATEGORY_LINKS:
        _CATEGORY_LINKS.append(provider)
    return provider


def category_links(request, categories) -> dict[int, list[dict]]:
    """Every registered provider's links for the categories, merged per category id."""
    merged: dict[int, list[dict]] = {}
    for provider in _CATEGORY_LINKS:
        for category_id, links in (provider(request, categories) or {}).items():
            merged.setdefault(category_id, []).extend(links)
    return merged
