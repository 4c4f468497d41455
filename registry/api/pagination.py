"""Page-number pagination for every list of the API: `count`, `next`, `previous`, `results`."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from registry.selectors import DirectoryPaginator

# ASCII digits only (str.isdigit() also accepts "²", which int() refuses), and few enough of them that
# int() never hits Python's limit on digits.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}\Z")


def _positive(raw: str) -> bool:
    return bool(_WHOLE_NUMBER.match(raw)) and int(raw) > 0


class StandardPagination(PageNumberPagination):
    """Pages of 25 (page_size up to 200); a page or page_size that cannot be served is a 400 naming it."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # A bad page is a bad parameter (400 naming it), not a missing resource (DRF's 404).
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not _positive(raw):
            raise ValidationError({self.page_query_param: [_("A page number must be a positive whole number.")]})
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not _positive(size):
            raise ValidationError({self.page_size_query_param: [_("page_size must be a positive whole number.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise ValidationError(
                {self.page_query_param: [_("There is no such page: the results have fewer pages.")]}
            ) from None


class TreePagination(StandardPagination):
    """The whole category tree fits on one page, in the same count/next/previous/results shape as other lists."""

    page_size = 200
    max_page_size = 500


class DirectoryPagination(StandardPagination):
    """The companies list: a page's ids and the total in one statement, then its rows (DirectoryPaginator)."""

    django_paginator_class = DirectoryPaginator
