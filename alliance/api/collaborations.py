"""API of collaborations: /api/v1/collaborations/ (filters: model, status, anchor, sme, year).

Filters are alliance.filtersets.CollaborationFilterSet (the same as the HTML pages), who sees what is
alliance.selectors / alliance.permissions, and every write goes through the services of alliance.collaborations.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from registry.api.views import FilterBackend
from registry.bounds import validate_amount_bound, validate_quantity_bound
from registry.identifiers import normalise_uscc
from registry.models import Category, Company

from .. import selectors
from ..collaborations import (
    collaboration_complete,
    collaboration_confirm,
    collaboration_propose,
    collaboration_terminate,
    milestone_add,
    milestone_complete,
)
from ..filtersets import CollaborationFilterSet
from ..models import Collaboration, Milestone, Standard
from ..permissions import can_view_collaboration

# What anyone may read of a collaboration they are not a party to: the fact, the parties, the model, the status
# and the year, as on the companies' public pages.
PUBLIC_FIELDS = ("id", "anchor", "sme", "model", "model_display", "status", "status_display", "year")


class PartySerializer(serializers.ModelSerializer):
    """One party of a collaboration."""

    class Meta:
        model = Company
        fields = ("id", "name", "uscc")
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    """A milestone: what is due when, when it was done and what came of it."""

    class Meta:
        model = Milestone
        fields = ("id", "title", "due_on", "done_on", "outcome", "created_at")
        read_only_fields = fields


# Only the public fields are always there (config/schema.py reads this): the rest go to the parties only.
@extend_schema_serializer(extensions={"x-required-fields": list(PUBLIC_FIELDS)})
class CollaborationSerializer(serializers.ModelSerializer):
    """A collaboration. Callers who are not one of the two parties (or an official) get only PUBLIC_FIELDS."""

    anchor = PartySerializer(read_only=True)
    sme = PartySerializer(read_only=True)
    # Plain strings: enums here would clash in the schema with other models' "status" and "model" enums.
    model = serializers.CharField(read_only=True, help_text=_("licensing, supply or standard."))
    model_display = serializers.CharField(source="get_model_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("proposed, active, completed or terminated."))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    year = serializers.SerializerMethodField(help_text=_("The year the collaboration started."))
    proposed_by_company = serializers.PrimaryKeyRelatedField(read_only=True)
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    standard = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Collaboration
        fields = (*PUBLIC_FIELDS, "title", "description", "started_on", "ends_on", "status_reason",
                  "proposed_by_company", "confirmed_at", "licensed_patents", "joint_outputs", "committed_quantity",
                  "quantity_unit", "committed_value_per_year", "categories", "standard", "milestones", "created_at")
        read_only_fields = fields
        # Not "required" in the schema: callers who are not a party receive only PUBLIC_FIELDS.
        extra_kwargs = {name: {"required": False} for name in fields if name not in PUBLIC_FIELDS}

    def get_year(self, collaboration) -> int:
        return collaboration.started_on.year

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not can_view_collaboration(request.user, instance):
            return {name: data[name] for name in PUBLIC_FIELDS}
        return data


class NoNulSlugRelatedField(serializers.SlugRelatedField):
    """A slug lookup that refuses NUL before the database does (PostgreSQL would raise, not answer "no such")."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ProposeSerializer(serializers.Serializer):
    """A proposal: the other party by USCC, the model, and that model's fields (the others are not kept)."""

    other_party = serializers.CharField(max_length=40, help_text=_("The other party's USCC."))
    model = serializers.ChoiceField(choices=Collaboration.Model.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    started_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, help_text=_("Required for a supply agreement."))
    licensed_patents = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    joint_outputs = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    committed_quantity = serializers.DecimalField(
        max_digits=16, decimal_places=3, min_value=0, required=False, allow_null=True,
        validators=[validate_quantity_bound],
    )
    quantity_unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    committed_value_per_year = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True,
        validators=[validate_amount_bound],
        help_text=_("CNY per agreement year; required for a supply agreement."),
    )
    categories = NoNulSlugRelatedField(
        many=True, slug_field="slug", queryset=Category.objects.all(), required=False,
        help_text=_("Category slugs; only purchases in these (or below them) count as deliveries."),
    )
    standard = NoNulSlugRelatedField(
        slug_field="code", queryset=Standard.objects.all(), required=False, allow_null=True,
        help_text=_("The standard's code; required for standard co-creation."),
    )

    def validate_other_party(self, value):
        party = Company.objects.filter(uscc=normalise_uscc(value)).first()
        if party is None:
            raise serializers.ValidationError(_("No registered company has this USCC."))
        return party


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text=_("Why it ends; the other party reads it."))


class NoteSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, help_text=_("An optional closing note.")
    )


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class MilestoneDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True)


def _raise_for(error):
    if isinstance(error, DjangoPermissionDenied):
        raise PermissionDenied(str(error))
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict)
    raise ValidationError({"non_field_errors": error.messages})


@extend_schema_view(
    list=extend_schema(summary=_("List collaborations"), description=_(
        "Anonymous callers and other companies see the public fields (parties, model, status, year) of active and "
        "completed collaborations; the two parties' users see everything of theirs, proposals and terminated "
        "ones included; officials see everything."
    )),
    retrieve=extend_schema(summary=_("A collaboration")),
    create=extend_schema(
        summary=_("Propose a collaboration"), request=ProposeSerializer, responses={201: CollaborationSerializer},
        description=_("A user of a verified anchor firm or SME proposes; a user of the other party confirms."),
    ),
)
class CollaborationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           viewsets.GenericViewSet):
    """Collaborations between anchor firms and SMEs: list, read, propose, confirm, complete, terminate, milestones."""

    serializer_class = CollaborationSerializer
    filter_backends = [FilterBackend]
    filterset_class = CollaborationFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Collaboration.objects.none()
        return selectors.visible_collaborations(self.request.user).prefetch_related(
            "categories", "milestones"
        ).order_by("-started_on", "-pk")

    def _detail(self, collaboration, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=collaboration.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        other_party = data.pop("other_party")
        model = data.pop("model")
        categories = data.pop("categories", [])
        try:
            collaboration = collaboration_propose(
                by=request.user, other_party=other_party, model=model, data=data, categories=categories
            )
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return self._detail(collaboration, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Confirm a proposal (the other party's users)"), request=None,
                   responses=CollaborationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        try:
            collaboration = collaboration_confirm(by=request.user, collaboration=self.get_object())
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return self._detail(collaboration)

    @extend_schema(summary=_("Terminate a collaboration, or decline or withdraw a proposal"),
                   request=ReasonSerializer, responses=CollaborationSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        collaboration = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            collaboration = collaboration_terminate(
                by=request.user, collaboration=collaboration, reason=serializer.validated_data["reason"]
            )
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return self._detail(collaboration)

    @extend_schema(summary=_("Record an active collaboration as completed"), request=NoteSerializer,
                   responses=CollaborationSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        collaboration = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            collaboration = collaboration_complete(
                by=request.user, collaboration=collaboration, note=serializer.validated_data.get("reason", "")
            )
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return self._detail(collaboration)

    def _private(self):
        collaboration = self.get_object()
        if not can_view_collaboration(self.request.user, collaboration):
            # Milestones are details: for a third party the collaboration's details do not exist.
            raise NotFound
        return collaboration

    @extend_schema(methods=["GET"], summary=_("The milestones of a collaboration (its parties and officials)"),
                   request=None, responses=MilestoneSerializer(many=True))
    @extend_schema(methods=["POST"], summary=_("Add a milestone to an active collaboration"),
                   request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def milestones(self, request, pk=None):
        collaboration = self._private()
        if request.method == "GET":
            return Response(MilestoneSerializer(collaboration.milestones.all(), many=True).data)
        serializer = MilestoneInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            milestone = milestone_add(by=request.user, collaboration=collaboration, **serializer.validated_data)
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Record a milestone as done"), request=MilestoneDoneSerializer,
                   responses=MilestoneSerializer)
    @action(detail=True, methods=["post"], url_path=r"milestones/(?P<milestone_pk>\d+)/complete",
            filter_backends=[])
    def milestone_complete(self, request, pk=None, milestone_pk=None):
        collaboration = self._private()
        milestone = get_object_or_404(Milestone, pk=milestone_pk, collaboration=collaboration)
        serializer = MilestoneDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            milestone = milestone_complete(by=request.user, milestone=milestone, **serializer.validated_data)
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return Response(MilestoneSerializer(milestone).data)


router = SimpleRouter()
router.register("collaborations", CollaborationViewSet, basename="collaboration")

urlpatterns = router.urls
