"""Page-number pagination for every list of the API: `count`, `next`, `previous`, `results`."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # A page that is not a positive number is a bad parameter (400), not a missing page (404).
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isdigit() and int(raw) > 0):
            raise ValidationError({self.page_query_param: ["A page number must be a positive whole number."]})
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not (size.isdigit() and int(size) > 0):
            raise ValidationError({self.page_size_query_param: ["page_size must be a positive whole number."]})
        return super().paginate_queryset(queryset, request, view)
