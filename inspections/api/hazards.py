"""/api/v1/hazards/: the hazard ledger, a report outside an inspection, and each step of the life
cycle as a POST action (plan, submit, verify, send-back, extension, extension-decision, suspend)."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .. import services
from ..filters import HazardFilter
from ..models import Hazard, HazardEvent, HazardExtension, HazardSeverity, HazardSource, HazardStatus
from .common import (PARSERS, AttachmentSerializer, PhotosMixin, attachments_of, call_service, criterion_field,
                     enum_field, required_id)


class HazardSerializer(serializers.ModelSerializer):
    source = enum_field(HazardSource, "HazardSourceEnum", read_only=True)
    severity = enum_field(HazardSeverity, "HazardSeverityEnum", read_only=True)
    status = enum_field(HazardStatus, "HazardStatusEnum", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    major_criterion_code = serializers.CharField(source="major_criterion.code", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = ["id", "enterprise", "enterprise_name", "township", "township_name", "source", "source_display",
                  "inspection", "item_code", "severity", "severity_display", "major_criterion",
                  "major_criterion_code", "description", "location", "found_on", "deadline", "overdue", "status",
                  "status_display", "on_the_spot", "district_supervised", "suspension_ordered",
                  "responsible_person", "measures", "funds", "emergency_plan", "closed_on", "closed_by",
                  "reported_by", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, obj):
        return obj.overdue_on(timezone.localdate())


class HazardEventSerializer(serializers.ModelSerializer):
    action = enum_field(HazardEvent.Action, "HazardEventActionEnum", read_only=True)
    from_status = enum_field(HazardStatus, "HazardStatusEnum", read_only=True, allow_blank=True)
    to_status = enum_field(HazardStatus, "HazardStatusEnum", read_only=True, allow_blank=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    by_name = serializers.CharField(source="by.display_name", read_only=True, allow_null=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = HazardEvent
        fields = ["id", "action", "action_display", "from_status", "to_status", "note", "by", "by_name", "at",
                  "evidence"]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_evidence(self, obj):
        return AttachmentSerializer(self.context.get("evidence", {}).get(obj.pk, []), many=True).data


class HazardExtensionSerializer(serializers.ModelSerializer):
    status = enum_field(HazardExtension.Status, "HazardExtensionStatusEnum", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = HazardExtension
        fields = ["id", "old_deadline", "new_deadline", "reason", "status", "status_display", "requested_by",
                  "requested_at", "decided_by", "decided_at", "decision_note"]


class HazardDetailSerializer(PhotosMixin, HazardSerializer):
    events = serializers.SerializerMethodField()
    extensions = HazardExtensionSerializer(many=True, read_only=True)
    can_verify = serializers.SerializerMethodField(
        help_text="Whether the user verifies this hazard and decides its extensions.")

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "photos", "events", "extensions", "can_verify"]
        read_only_fields = fields

    @extend_schema_field(HazardEventSerializer(many=True))
    def get_events(self, obj):
        events = list(obj.events.select_related("by"))
        evidence = attachments_of(HazardEvent, [e.pk for e in events])
        return HazardEventSerializer(events, many=True, context={"evidence": evidence}).data

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_verify(self, obj):
        request = self.context.get("request")
        return request is not None and services.hazard_may_verify(request.user, obj)


class HazardReportSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          help_text="Inspectors name it; an enterprise user reports on their own.")
    description = serializers.CharField(allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True, default="")
    found_on = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="Default: today.")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    major_criterion = criterion_field()
    on_the_spot = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                   help_text="Multipart: photos of the hazard (one is needed when fixed on the spot).")


class HazardPlanSerializer(serializers.Serializer):
    responsible_person = serializers.CharField(allow_blank=True)
    measures = serializers.CharField(allow_blank=True)
    funds = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    emergency_plan = serializers.CharField(allow_blank=True)


class HazardSubmitSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                     help_text="Multipart: photos or PDFs showing the rectification (at least one).")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ExtensionRequestSerializer(serializers.Serializer):
    new_deadline = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class ExtensionDecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField(help_text="true: the deadline moves to the requested one; false: refused.")
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="Required when refusing.")


class SuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)


def _hazard_action(request_serializer, description):
    return extend_schema(request=request_serializer, responses={200: HazardDetailSerializer}, description=description,
                         filters=False)


class HazardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The hazard ledger the user may see, and each step of a hazard's life as a POST action."""

    filterset_class = HazardFilter
    ordering_fields = ["found_on", "deadline", "id"]
    ordering = ["-found_on", "-id"]
    parser_classes = PARSERS

    def get_queryset(self):
        queryset = Hazard.objects.select_related("enterprise__township", "township", "major_criterion")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("extensions")
        return scope.visible(self.request.user, queryset)

    def get_serializer_class(self):
        if self.action == "create":
            return HazardReportSerializer
        return HazardDetailSerializer if self.action == "retrieve" else HazardSerializer

    def _detail(self, hazard, code=status.HTTP_200_OK):
        hazard = Hazard.objects.select_related(
            "enterprise__township", "township", "major_criterion").prefetch_related("extensions").get(pk=hazard.pk)
        return Response(HazardDetailSerializer(hazard, context=self.get_serializer_context()).data, status=code)

    def _hazard(self, request, pk, capability):
        """scope (404), then who may take the step (403, saying why): before the input is read."""
        hazard, _can = scope.get(request.user, Hazard.objects.select_related("enterprise__township"), pk=pk)
        services.hazard_require(request.user, capability, hazard)
        return hazard

    def _act(self, request, pk, capability, input_serializer, service, **extra):
        """scope (404), the actor (403), then the input (400), then the service (403 / 400 with its messages)."""
        hazard = self._hazard(request, pk, capability)
        serializer = input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(service, hazard=hazard, by=request.user, **serializer.validated_data, **extra)
        return self._detail(hazard)

    @extend_schema(request=HazardReportSerializer, responses={201: HazardDetailSerializer},
                   description="Report a hazard outside an inspection: an enterprise's principal or safety manager "
                               "reports a self-check finding of their own enterprise (source self_check), an "
                               "inspector a reported hazard (source report). The source follows from the role.")
    def create(self, request, *args, **kwargs):
        user = request.user
        serializer = HazardReportSerializer(data=request.data)
        member = scope.membership(user)
        if member is not None:
            enterprise_id, source = member.enterprise_id, HazardSource.SELF_CHECK
        else:  # scope first (404), then who may report (403)
            enterprise_id, source = required_id(request.data, "enterprise"), HazardSource.REPORT
        enterprise = scope.get_for(user, Enterprise.objects.select_related("township"), caps.REPORT_HAZARD,
                                   pk=enterprise_id)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("enterprise")
        data["found_on"] = data["found_on"] or timezone.localdate()
        hazard = call_service(services.hazard_report, enterprise=enterprise, by=user, source=source, **data)
        return self._detail(hazard, status.HTTP_201_CREATED)

    @_hazard_action(HazardPlanSerializer, "The five in place (the deadline is set when reported): reported → "
                                          "rectifying; may be revised while rectifying.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def plan(self, request, pk=None):
        return self._act(request, pk, caps.RECTIFY, HazardPlanSerializer, services.hazard_plan)

    @_hazard_action(HazardSubmitSerializer, "Reported fixed, with evidence files (multipart, field evidence): "
                                            "rectifying → submitted.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._act(request, pk, caps.RECTIFY, HazardSubmitSerializer, services.hazard_submit)

    @_hazard_action(NoteSerializer, "Verified fixed: submitted → closed (the township for general hazards, "
                                    "bureau staff for major ones).")
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        return self._act(request, pk, caps.VERIFY_HAZARD, NoteSerializer, services.hazard_verify)

    @_hazard_action(ReasonSerializer, "Not fixed as reported: submitted → rectifying, with the reason.")
    @action(detail=True, methods=["post"], url_path="send-back", filter_backends=[])
    def send_back(self, request, pk=None):
        return self._act(request, pk, caps.VERIFY_HAZARD, ReasonSerializer, services.hazard_send_back)

    @_hazard_action(ExtensionRequestSerializer, "The enterprise asks to move the deadline (one request at a time).")
    @action(detail=True, methods=["post"], filter_backends=[])
    def extension(self, request, pk=None):
        return self._act(request, pk, caps.RECTIFY, ExtensionRequestSerializer, services.hazard_extension_request)

    @_hazard_action(ExtensionDecisionSerializer, "Grant or refuse the hazard's pending extension request (whoever "
                                                 "verifies the hazard decides).")
    @action(detail=True, methods=["post"], url_path="extension-decision", filter_backends=[])
    def extension_decision(self, request, pk=None):
        hazard = self._hazard(request, pk, caps.DECIDE_EXTENSION)
        serializer = ExtensionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = hazard.extensions.filter(status=HazardExtension.Status.PENDING).first()
        if extension is None:
            raise serializers.ValidationError({"detail": [_("No extension request of this hazard is waiting for a "
                                                            "decision.")]})
        call_service(services.hazard_extension_decide, extension=extension, by=request.user, **serializer.validated_data)
        return self._detail(hazard)

    @_hazard_action(SuspendSerializer, "Order production suspended until rectified (停产整改): the enterprise's "
                                       "roster status becomes suspended.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def suspend(self, request, pk=None):
        return self._act(request, pk, caps.INSPECT, SuspendSerializer, services.hazard_suspend)
