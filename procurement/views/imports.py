"""Pages of the imports part: upload a purchase file, follow its progress, read and download its report."""

import json

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from registry.permissions import is_official
from registry.selectors import category_tree
from registry.spreadsheets import csv_response

from ..imports import (
    EXTENSIONS,
    ImportFileError,
    category_code_rows,
    check_file_size,
    import_columns,
    import_errors,
    import_errors_page,
    import_report_csv_rows,
    import_report_json,
    import_warnings,
    require_importer,
    template_headers,
)
from ..models import ImportBatch
from ..tasks import import_batch_enqueue, import_batch_failure


class PurchaseFileForm(forms.Form):
    """The file to import; its contents are checked by the import, not here."""

    file = forms.FileField(
        label=_("Purchase file"),
        help_text=_("A CSV file (UTF-8 or GB18030) or an Excel .xlsx workbook, with one purchase a row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,"
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Choose a CSV or .xlsx file."))
        try:
            check_file_size(upload)  # before the file is stored for the worker
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from None
        return upload


class PurchaseImportView(LoginRequiredMixin, View):
    """The upload form; the file is stored and its import queued as a task, and the batch page follows it."""

    template_name = "procurement/import_form.html"

    def context(self, form) -> dict:
        return {"form": form, "columns": import_columns(), "categories": category_tree()}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.company_id is None:
                return redirect("registry:my_home")
            require_importer(request.user, request.user.company)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, self.context(PurchaseFileForm()))

    def post(self, request):
        form = PurchaseFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form))
        batch = import_batch_enqueue(buyer=request.user.company, by=request.user, upload=form.cleaned_data["file"])
        return redirect("procurement:import_batch", pk=batch.pk)


def import_batch_state(batch: ImportBatch) -> dict:
    """A batch's state as the page's polling and the API read it."""
    failure = import_batch_failure(batch)
    return {
        "status": batch.status,
        "status_display": str(_("Failed: %(message)s") % {"message": failure} if failure
                              else batch.get_status_display()),
        "processed": batch.processed_rows,
        "total": batch.total_rows,
        "created": batch.created_count,
        "already_recorded": batch.duplicate_count,
        "running": batch.status == ImportBatch.Status.RUNNING,
        "finished": batch.status not in ImportBatch.LIVE,
        "failure": failure,
    }


def _batch_for(request, pk) -> ImportBatch:
    if not request.user.is_authenticated:
        raise PermissionDenied
    batch = get_object_or_404(ImportBatch.objects.select_related("buyer"), pk=pk)
    if batch.buyer_id != request.user.company_id and not is_official(request.user):
        raise Http404
    return batch


class ImportBatchView(LoginRequiredMixin, View):
    """One import: queued, then its progress while running, then what was created, the report of every bad row,
    or why its job failed."""

    def get(self, request, pk):
        batch = _batch_for(request, pk)
        return render(request, "procurement/import_batch.html", {
            "batch": batch,
            "live": batch.status in ImportBatch.LIVE,
            "queued": batch.status == ImportBatch.Status.QUEUED,
            "failure": import_batch_failure(batch),
            "errors": import_errors(batch),
            "errors_page": import_errors_page(batch, request.GET.get("page")),
            "warnings": import_warnings(batch),
        })


class ImportStatusView(LoginRequiredMixin, View):
    """What the batch page polls every second while the import is queued or runs; it stops once "finished"."""

    def get(self, request, pk):
        batch = _batch_for(request, pk)
        return JsonResponse(import_batch_state(batch))


class ImportReportView(LoginRequiredMixin, View):
    """The report of bad rows as a file: CSV (?format=csv, the default) or JSON (?format=json)."""

    def get(self, request, pk):
        batch = _batch_for(request, pk)
        stem = f"purchase-import-{batch.pk}-report"
        if request.GET.get("format") == "json":
            response = HttpResponse(
                json.dumps(import_report_json(batch), ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
            return response
        return csv_response(import_report_csv_rows(batch), filename=f"{stem}.csv")


def import_template(request, language="en"):
    """An empty purchase file with the column headers, to fill in: our column names, or the Chinese headers."""
    suffix = "-zh" if language == "zh" else ""
    return csv_response([template_headers(language)], filename=f"purchases-template{suffix}.csv")


def import_category_codes(request):
    """The category codes a purchase file may use, with their English and Chinese names, as CSV."""
    return csv_response(category_code_rows(), filename="purchase-categories.csv")


urlpatterns = [
    path("my/purchases/import/", PurchaseImportView.as_view(), name="purchase_import"),
    path("my/purchases/import/template.csv", import_template, name="purchase_import_template"),
    path("my/purchases/import/template-zh.csv", import_template, {"language": "zh"},
         name="purchase_import_template_zh"),
    path("my/purchases/import/categories.csv", import_category_codes, name="purchase_import_categories"),
    path("my/purchases/imports/<int:pk>/", ImportBatchView.as_view(), name="import_batch"),
    path("my/purchases/imports/<int:pk>/status.json", ImportStatusView.as_view(), name="import_status"),
    path("my/purchases/imports/<int:pk>/report/", ImportReportView.as_view(), name="import_report"),
]
