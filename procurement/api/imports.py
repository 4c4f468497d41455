"""API of the imports part: POST a purchase file, get what was created or the report of every bad row."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..imports import import_errors, import_warnings, purchase_import, require_importer
from ..models import ImportBatch


class ImportRowErrorSerializer(serializers.Serializer):
    """One problem of an import report: the row (1 is the header), the column, what is wrong, the value given."""

    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()
    value = serializers.CharField()


class PurchaseImportAPIView(APIView):
    """Import a CSV or .xlsx purchase file (multipart field "file"), all rows or none, run before answering."""

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
        batch = purchase_import(by=request.user, buyer=company, file=upload, filename=upload.name)
        if batch.status != ImportBatch.Status.DONE:
            return Response({"errors": import_errors(batch), "batch": batch.pk}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": batch.created_count, "already_recorded": batch.duplicate_count, "batch": batch.pk,
             "warnings": import_warnings(batch)},
            status=status.HTTP_201_CREATED,
        )


urlpatterns = [
    path("purchases/import/", PurchaseImportAPIView.as_view(), name="purchase-import"),
]
