"""Pages of the imports part: upload a purchase file, follow its progress, read and download its report."""

import csv
import io
import json
import logging
import threading

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from registry.permissions import is_official

from ..imports import (
    EXTENSIONS,
    import_batch_start,
    import_errors,
    import_report_rows,
    import_warnings,
    require_importer,
    run_import,
)
from ..models import ImportBatch
from ..services import COLUMNS

logger = logging.getLogger(__name__)


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
        return upload


def _import_in_thread(batch_pk: int, data: bytes, recorded_by_pk: int) -> None:
    """Runs in its own thread with its own database connection, closed at the end."""
    from registry.models import User

    try:
        batch = ImportBatch.objects.select_related("buyer").get(pk=batch_pk)
        run_import(batch, io.BytesIO(data), recorded_by=User.objects.get(pk=recorded_by_pk))
    except Exception:
        logger.exception("Purchase import %s failed", batch_pk)
        ImportBatch.objects.filter(pk=batch_pk).update(
            status=ImportBatch.Status.FAILED,
            errors=[{"row": None, "column": "", "value": "",
                     "message": str(_("The import stopped on an unexpected error; nothing was saved."))}],
        )
    finally:
        connection.close()


class PurchaseImportView(LoginRequiredMixin, View):
    """The upload form; the import runs in the background and the batch page follows it."""

    template_name = "procurement/import_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.company_id is None:
                return redirect("registry:my_home")
            require_importer(request.user, request.user.company)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": PurchaseFileForm()})

    def post(self, request):
        form = PurchaseFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        # Read now: the uploaded temporary file is gone once this request ends.
        data = upload.read()
        batch = import_batch_start(buyer=request.user.company, by=request.user, filename=upload.name)
        if settings.PURCHASE_IMPORT_IN_BACKGROUND:
            threading.Thread(
                target=_import_in_thread, args=(batch.pk, data, request.user.pk), daemon=True
            ).start()
        else:
            run_import(batch, io.BytesIO(data), recorded_by=request.user)
        return redirect("procurement:import_batch", pk=batch.pk)


def _batch_for(request, pk) -> ImportBatch:
    if not request.user.is_authenticated:
        raise PermissionDenied
    batch = get_object_or_404(ImportBatch.objects.select_related("buyer"), pk=pk)
    if batch.buyer_id != request.user.company_id and not is_official(request.user):
        raise Http404
    return batch


class ImportBatchView(LoginRequiredMixin, View):
    """One import: its progress while running, then what was created or the report of every bad row."""

    def get(self, request, pk):
        batch = _batch_for(request, pk)
        return render(request, "procurement/import_batch.html", {
            "batch": batch,
            "running": batch.status == ImportBatch.Status.RUNNING,
            "errors": import_errors(batch),
            "warnings": import_warnings(batch),
        })


class ImportStatusView(LoginRequiredMixin, View):
    """What the batch page polls every second while the import runs."""

    def get(self, request, pk):
        batch = _batch_for(request, pk)
        return JsonResponse({
            "status": batch.status,
            "status_display": str(batch.get_status_display()),
            "processed": batch.processed_rows,
            "total": batch.total_rows,
            "created": batch.created_count,
            "already_recorded": batch.duplicate_count,
            "running": batch.status == ImportBatch.Status.RUNNING,
        })


class ImportReportView(LoginRequiredMixin, View):
    """The report of bad rows as a file: CSV (?format=csv, the default) or JSON (?format=json)."""

    def get(self, request, pk):
        batch = _batch_for(request, pk)
        rows = import_report_rows(batch)
        stem = f"purchase-import-{batch.pk}-report"
        if request.GET.get("format") == "json":
            response = HttpResponse(
                json.dumps({"batch": batch.pk, "file": batch.file_name, "status": batch.status, "errors": rows},
                           ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
            return response
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["row", "column", "problem", "value", "level"])
        for entry in rows:
            writer.writerow([entry["row"] or "", entry["column"], entry["message"], entry["value"], entry["level"]])
        # A BOM so that Excel opens Chinese text correctly.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response


def import_template(request):
    """An empty purchase file with the column headers, to fill in."""
    response = HttpResponse("\ufeff" + ",".join(COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="purchases-template.csv"'
    return response



urlpatterns = [
    path("my/purchases/import/", PurchaseImportView.as_view(), name="purchase_import"),
    path("my/purchases/import/template.csv", import_template, name="purchase_import_template"),
    path("my/purchases/imports/<int:pk>/", ImportBatchView.as_view(), name="import_batch"),
    path("my/purchases/imports/<int:pk>/status.json", ImportStatusView.as_view(), name="import_status"),
    path("my/purchases/imports/<int:pk>/report/", ImportReportView.as_view(), name="import_report"),
]
