"""API of the imports part: POST a purchase file, which is queued as a task; GET the batch to follow it.

The answer to the POST is 201 (imported) or 400 (refused, with the report) when the import has finished by the
time of answering (a quick worker, or the immediate backend of tests), else 202 with the batch to poll.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.permissions import is_official

from ..imports import ImportFileError, check_file_size, import_errors, import_warnings, require_importer
from ..models import ImportBatch
from ..tasks import import_batch_enqueue
from ..views.imports import import_batch_state


class ImportRowErrorSerializer(serializers.Serializer):
    """One problem of an import report: the row (1 is the header), the column, what is wrong, the value given."""

    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    column_label = serializers.CharField(
        required=False, help_text=gettext_lazy("The column as a purchase file in the request's language heads it."),
    )
    message = serializers.CharField(help_text=gettext_lazy("What is wrong, in the request's language."))
    code = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "What is wrong, as a code that stays the same in every language (such as category_unknown)."
        ),
    )
    value = serializers.CharField()


class PurchaseImportAPIView(APIView):
    """Queue the import of a CSV or .xlsx purchase file (multipart field "file"), all rows or none."""

    parser_classes = [MultiPartParser]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="purchases_import",
        request={"multipart/form-data": inline_serializer("PurchaseImportRequest", {"file": serializers.FileField()})},
        responses={
            201: inline_serializer("PurchaseImportDone", {
                "created": serializers.IntegerField(), "already_recorded": serializers.IntegerField(),
                "batch": serializers.IntegerField(), "warnings": ImportRowErrorSerializer(many=True),
            }),
            202: inline_serializer("PurchaseImportQueued", {
                "batch": serializers.IntegerField(), "status": serializers.CharField(), "url": serializers.CharField(),
            }),
            400: OpenApiResponse(inline_serializer("PurchaseImportRefused", {
                "errors": ImportRowErrorSerializer(many=True), "batch": serializers.IntegerField(allow_null=True),
            })),
        },
    )
    def post(self, request):
        company = request.user.company
        require_importer(request.user, company)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"errors": [{"row": None, "column": "file", "value": "",
                                         "message": _("Send the purchase file in the multipart field “file”.")}],
                             "batch": None}, status=status.HTTP_400_BAD_REQUEST)
        try:
            # Refused before anything is stored: an oversized file never reaches the disk or a worker.
            check_file_size(upload)
        except ImportFileError as error:
            return Response({"errors": [{"row": None, "column": "file", "value": "", "message": error.message}],
                             "batch": None}, status=status.HTTP_400_BAD_REQUEST)
        batch = import_batch_enqueue(buyer=company, by=request.user, upload=upload)
        if batch.status in ImportBatch.LIVE:
            return Response(
                {"batch": batch.pk, "status": batch.status,
                 "url": request.build_absolute_uri(reverse("purchase-import-batch", args=[batch.pk]))},
                status=status.HTTP_202_ACCEPTED,
            )
        if batch.status != ImportBatch.Status.DONE:
            return Response({"errors": import_errors(batch), "batch": batch.pk}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": batch.created_count, "already_recorded": batch.duplicate_count, "batch": batch.pk,
             "warnings": import_warnings(batch)},
            status=status.HTTP_201_CREATED,
        )


class ImportBatchAPIView(APIView):
    """One purchase import: queued, running (rows checked of rows), done (what was created) or failed (why)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="purchases_import_retrieve",
        responses={200: inline_serializer("PurchaseImportBatch", {
            "batch": serializers.IntegerField(), "status": serializers.CharField(),
            "status_display": serializers.CharField(), "processed": serializers.IntegerField(),
            "total": serializers.IntegerField(), "created": serializers.IntegerField(),
            "already_recorded": serializers.IntegerField(), "running": serializers.BooleanField(),
            "finished": serializers.BooleanField(), "failure": serializers.CharField(),
            "errors": ImportRowErrorSerializer(many=True), "warnings": ImportRowErrorSerializer(many=True),
        })},
    )
    def get(self, request, pk):
        batch = get_object_or_404(ImportBatch, pk=pk)
        if batch.buyer_id != request.user.company_id and not is_official(request.user):
            raise Http404
        return Response({"batch": batch.pk, **import_batch_state(batch), "errors": import_errors(batch),
                         "warnings": import_warnings(batch)})


urlpatterns = [
    path("purchases/import/", PurchaseImportAPIView.as_view(), name="purchase-import"),
    path("purchases/imports/<int:pk>/", ImportBatchAPIView.as_view(), name="purchase-import-batch"),
]
