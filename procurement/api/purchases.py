"""API of the purchases part: /api/v1/purchases/ (list, retrieve, create one or many, correct, delete).

Filters are procurement.filtersets.PurchaseFilterSet (the same as the HTML list), who may do what is
procurement.permissions, and every write goes through procurement.services.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from procurement.filtersets import PurchaseFilterSet
from procurement.models import Purchase
from procurement.permissions import can_record_purchases
from procurement.services import PurchaseFrozen, purchase_delete, purchase_record, purchase_row, purchase_update
from registry.api.views import FilterBackend
from registry.permissions import is_official

from .serializers import PurchaseInputSerializer, PurchaseSerializer, purchase_input_errors

# A list in one request is checked and saved in one transaction; bigger batches belong in a file import.
MAX_OBJECTS_PER_REQUEST = 1000


class PurchasePermission(permissions.BasePermission):
    """Anchor firms' users read and write their own purchases; officials read everyone's; nobody else."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS and is_official(user):
            return True
        allowed, reason = can_record_purchases(user)
        if not allowed:
            self.message = reason
        return allowed


class _Refused(Exception):
    """Leaves the atomic block of a list POST so that nothing of it is saved."""


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List purchases"), description=gettext_lazy(
        "An anchor firm's users see their own company's purchases; officials see every purchase."
    )),
    retrieve=extend_schema(summary=gettext_lazy("A purchase")),
    create=extend_schema(
        summary=gettext_lazy("Record one purchase, or a list of them"),
        description=gettext_lazy(
            "Send one object or a list of objects. A list is all-or-nothing: if any object is refused, nothing "
            "is saved and the answer is 400 with {\"errors\": [{\"index\": i, \"errors\": {column: [message]}}]}."
        ),
        request=PurchaseInputSerializer,
        responses={201: PurchaseSerializer},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Correct one of your company's purchases"),
        description=gettext_lazy(
            "The columns sent replace the current values; the whole record is checked again and the "
            "supplier's locality snapshotted again. A purchase claimed by a submitted, approved or paid "
            "application is refused with 409."
        ),
        request=PurchaseInputSerializer,
    ),
    destroy=extend_schema(summary=gettext_lazy("Delete one of your company's purchases")),
)
class PurchaseViewSet(viewsets.ModelViewSet):
    """Purchases of the caller's own company (all of them for officials), recorded with source "api"."""

    serializer_class = PurchaseSerializer
    filter_backends = [FilterBackend]
    filterset_class = PurchaseFilterSet
    permission_classes = [PurchasePermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Ids only: /purchases/import/ belongs to the file import, not to a purchase called "import".
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = Purchase.objects.select_related("buyer", "category").order_by("-purchased_on", "-pk")
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()  # the schema generator asks without a user
        if is_official(user):
            return queryset
        # Anyone else sees the purchases of their own company only: another company's pk is a 404.
        return queryset.filter(buyer_id=user.company_id)

    def create(self, request, *args, **kwargs):
        data = request.data
        if isinstance(data, list):
            return self._create_many(data)
        row, errors = purchase_input_errors(data)
        if errors:
            raise ValidationError(errors)
        try:
            purchase = purchase_record(by=request.user, buyer=request.user.company, row=row, source="api")
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(self.get_serializer(purchase).data, status=status.HTTP_201_CREATED)

    def _create_many(self, items):
        if not items:
            raise ValidationError({"non_field_errors": [_("Send at least one purchase.")]})
        if len(items) > MAX_OBJECTS_PER_REQUEST:
            raise ValidationError({"non_field_errors": [
                _("Send at most %(n)d purchases in one request; import a file for more.")
                % {"n": MAX_OBJECTS_PER_REQUEST}
            ]})
        user, created, refused = self.request.user, [], []
        try:
            with transaction.atomic():
                for index, item in enumerate(items):
                    row, errors = purchase_input_errors(item)
                    if not errors:
                        try:
                            # Each object in its own savepoint: a refused one leaves the others' checks intact,
                            # and a duplicate invoice inside the list is caught against the ones before it.
                            created.append(purchase_record(by=user, buyer=user.company, row=row, source="api"))
                        except DjangoValidationError as error:
                            errors = _messages(error)
                    if errors:
                        refused.append({"index": index, "errors": errors})
                if refused:
                    raise _Refused
        except _Refused:
            return Response({"errors": refused}, status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        purchase = self.get_object()
        sent, errors = purchase_input_errors(request.data)
        if errors:
            raise ValidationError(errors)
        row = purchase_row(purchase)
        if "supplier_identifier" in sent and "supplier_name" not in sent:
            # A different supplier must not inherit the old one's name.
            row["supplier_name"] = ""
        row.update(sent)
        try:
            purchase = purchase_update(by=request.user, purchase=purchase, row=row)
        except PurchaseFrozen as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(self.get_serializer(purchase).data)

    def destroy(self, request, *args, **kwargs):
        purchase = self.get_object()
        try:
            purchase_delete(by=request.user, purchase=purchase)
        except PurchaseFrozen as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


def _messages(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {column: [str(m) for m in messages] for column, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


router = SimpleRouter()
router.register("purchases", PurchaseViewSet, basename="purchase")

urlpatterns = router.urls
