"""/api/v1/risk-reports/: the reports the user may see (list, one report with its frozen items), a
draft (enterprise), and the actions submit (enterprise), accept and return (township or bureau).
Thin over ``services.reports`` and ``scope``: out of scope a 404, a reader's write a 403, then the
service's Chinese ``ValidationError`` as a 400."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import PARSERS, call_service, enum_field

from .api.points import managed_enterprise
from .models import ReportKind, ReportState, RiskLevel, RiskReport, RiskReportItem
from .services import reports as services


class RiskReportItemSerializer(serializers.ModelSerializer):
    level = enum_field(RiskLevel, "RiskLevelEnum", read_only=True)

    class Meta:
        model = RiskReportItem
        fields = ["id", "point", "name", "area", "level", "basis", "score", "factors", "accident_types", "measures",
                  "responsible_person", "responsible_phone"]
        read_only_fields = fields


class RiskReportSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    items = RiskReportItemSerializer(many=True, read_only=True)
    kind = enum_field(ReportKind, "RiskReportKindEnum", read_only=True)
    state = enum_field(ReportState, "RiskReportStateEnum", read_only=True)

    class Meta:
        model = RiskReport
        fields = ["id", "enterprise", "enterprise_name", "kind", "year", "state", "note", "return_reason", "township",
                  "created_at", "submitted_at", "submitted_by", "accepted_at", "accepted_by", "returned_at", "items"]
        read_only_fields = fields


class ReportDraftSerializer(serializers.Serializer):
    kind = enum_field(ReportKind, "RiskReportKindEnum")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ReportReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class RiskReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Risk reports (first, periodic, change) the user may see."""

    serializer_class = RiskReportSerializer
    parser_classes = PARSERS
    filterset_fields = ["state", "kind", "year", "enterprise"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if not scope.can(self.request.user, caps.VIEW_RISK):
            return RiskReport.objects.none()
        return scope.visible(self.request.user, RiskReport.objects.select_related("enterprise")
                             .prefetch_related("items"))

    def _detail(self, report, code=status.HTTP_200_OK):
        return Response(RiskReportSerializer(self.get_queryset().get(pk=report.pk)).data, status=code)

    @extend_schema(request=ReportDraftSerializer, responses={201: RiskReportSerializer},
                   description="Draft a report of the user's enterprise; it shows the live points until submitted.")
    def create(self, request, *args, **kwargs):
        enterprise = managed_enterprise(request)
        serializer = ReportDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = call_service(services.report_draft, enterprise=enterprise, by=request.user,
                              **serializer.validated_data)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RiskReportSerializer}, filters=False,
                   description="Submit: the enterprise's live points are frozen in the report.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        report = scope.get_for(request.user, self.get_queryset(), caps.MANAGE_RISK_POINTS, pk=pk)
        call_service(services.report_submit, report=report, by=request.user)
        return self._detail(report)

    @extend_schema(request=None, responses={200: RiskReportSerializer}, filters=False,
                   description="Accept a submitted report (its township or the bureau).")
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        report = scope.get_for(request.user, self.get_queryset(), caps.SUPERVISE, pk=pk)
        call_service(services.report_accept, report=report, by=request.user)
        return self._detail(report)

    @extend_schema(request=ReportReturnSerializer, responses={200: RiskReportSerializer}, filters=False,
                   description="Return a submitted report with a reason (its township or the bureau).")
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_report(self, request, pk=None):
        report = scope.get_for(request.user, self.get_queryset(), caps.SUPERVISE, pk=pk)
        serializer = ReportReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(services.report_return, report=report, by=request.user, **serializer.validated_data)
        return self._detail(report)


router.register("risk-reports", RiskReportViewSet, basename="risk-report")
