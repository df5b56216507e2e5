"""/api/v1/risk-points/ and /api/v1/shift-schedules/: an enterprise's risk points (list with the
page's filters, one point, record, edit its copy) and the actions grade, retire, bulk (from
dictionary categories) and copy (a workshop's points to another); the enterprise's shifts.

Thin over ``services.points`` and ``scope``, like the pages: a point out of scope (or a user without
``view_risk``) is a 404, a reader's write a 403 before the body is read, then the input (400), then
the service (400 with its Chinese messages), all in the API's one error shape."""
from types import SimpleNamespace

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api_common import PARSERS, call_service, enum_field, required_id

from .. import exports_points  # noqa: F401  (registers the point list's export with the shared exports)
from ..dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS
from ..filters_points import PointFilter
from ..models import CheckCycle, GradingBasis, RiskCategory, RiskLevel, RiskPoint, ShiftSchedule
from ..services import points as services

AccidentType = SimpleNamespace(values=[code for code, _name in ACCIDENT_TYPES], choices=list(ACCIDENT_TYPES))
MeasureKind = SimpleNamespace(values=[code for code, _name in MEASURE_KINDS], choices=list(MEASURE_KINDS))
TEXT = 300  # the longest item of a point's copy


def _texts(**kwargs):
    return serializers.ListField(child=serializers.CharField(max_length=TEXT), **kwargs)


class PointMeasuresSerializer(serializers.Serializer):
    """A point's control measures by kind (each kind optional)."""

    engineering = _texts(required=False)
    management = _texts(required=False)
    ppe = _texts(required=False)
    emergency = _texts(required=False)


class GradingValuesSerializer(serializers.Serializer):
    """The factor values: L, E and C for LEC; L and S for the risk matrix (each from the method's scale)."""

    L = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    E = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    C = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    S = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)


class RiskPointSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True, allow_null=True)
    factors = _texts(read_only=True)
    accident_types = serializers.ListField(child=enum_field(AccidentType, "AccidentTypeEnum"), read_only=True)
    measures = PointMeasuresSerializer(read_only=True)
    check_items = _texts(read_only=True)
    cycle = enum_field(CheckCycle, "CheckCycleEnum", read_only=True)
    basis = enum_field(GradingBasis, "GradingBasisEnum", read_only=True)
    grading_values = serializers.DictField(child=serializers.CharField(), read_only=True)
    level = enum_field(RiskLevel, "RiskLevelEnum", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    is_significant = serializers.BooleanField(read_only=True)
    live_code = serializers.SerializerMethodField(help_text="Whether the point has a live Changan code.")

    class Meta:
        model = RiskPoint
        fields = ["id", "enterprise", "enterprise_name", "name", "area", "category", "category_code", "factors",
                  "accident_types", "measures", "check_items", "cycle", "responsible_person", "responsible_phone",
                  "basis", "grading_values", "score", "level", "level_display", "level_reason", "is_significant",
                  "graded_on", "graded_by", "created_on", "retired_on", "live_code", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_live_code(self, obj):
        return any(code.revoked_at is None for code in obj.codes.all())


class PointCopySerializer(serializers.Serializer):
    """The point's own copy (an edit sends only what changes)."""

    name = serializers.CharField(max_length=100)
    area = serializers.CharField(max_length=60)
    factors = _texts(required=False)
    accident_types = serializers.ListField(child=enum_field(AccidentType, "AccidentTypeEnum"), required=False)
    measures = PointMeasuresSerializer(required=False)
    check_items = _texts()
    cycle = enum_field(CheckCycle, "CheckCycleEnum")
    responsible_person = serializers.CharField(max_length=32)
    responsible_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class GradeSerializer(serializers.Serializer):
    basis = enum_field(GradingBasis, "GradingBasisEnum")
    values = GradingValuesSerializer(required=False, help_text="For lec and ls: the factor values.")
    level = enum_field(RiskLevel, "RiskLevelEnum", required=False, allow_null=True,
                       help_text="For manual: the class.")
    level_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                         help_text="Required for manual.")


class PointCreateSerializer(PointCopySerializer, GradeSerializer):
    enterprise = serializers.IntegerField(required=False, help_text="An enterprise user records their own; others "
                                                                    "name it (and may not: 403).")
    category = serializers.PrimaryKeyRelatedField(queryset=RiskCategory.objects.filter(active=True), required=False,
                                                  allow_null=True, help_text="What is not given is copied from it.")
    check_items = _texts(required=False)


class RetireSerializer(serializers.Serializer):
    retired_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class BulkSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False)
    area = serializers.CharField(max_length=60)
    categories = serializers.PrimaryKeyRelatedField(queryset=RiskCategory.objects.filter(active=True), many=True)
    responsible_person = serializers.CharField(max_length=32)
    responsible_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    cycle = enum_field(CheckCycle, "CheckCycleEnum", required=False, allow_null=True, default=None,
                       help_text="Default: each category's own.")


class CopySerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False)
    from_area = serializers.CharField(max_length=60)
    to_area = serializers.CharField(max_length=60)


def _copy_kwargs(data):
    out = {k: v for k, v in data.items() if k in services.EDITABLE}
    if "measures" in out:
        out["measures"] = {kind: items for kind, items in out["measures"].items() if items}
    return out


def _grading_kwargs(data):
    values = {k: v for k, v in (data.get("values") or {}).items() if v is not None}
    return {"basis": data["basis"], "values": values, "level": data.get("level"),
            "level_reason": data.get("level_reason") or ""}


def managed_enterprise(request):
    """The enterprise a write is for: an enterprise user's own, anyone else's named in the body —
    404 out of scope, 403 unless the user manages its points."""
    if not scope.can(request.user, caps.VIEW_RISK):
        raise Http404("No risk points for this role")
    member = scope.membership(request.user)
    pk = member.enterprise_id if member is not None else required_id(request.data, "enterprise")
    return scope.get_for(request.user, Enterprise.objects.all(), caps.MANAGE_RISK_POINTS, pk=pk)


def _points(request, points, code=status.HTTP_201_CREATED):
    queryset = RiskPoint.objects.filter(pk__in=[p.pk for p in points]).select_related(
        "enterprise", "category").prefetch_related("codes").order_by("area", "name")
    return Response(RiskPointSerializer(queryset, many=True).data, status=code)


class RiskPointViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The risk points the user may see (every point, retired ones too, unless filtered)."""

    filterset_class = PointFilter
    ordering_fields = ["area", "name", "graded_on", "id"]
    ordering = ["enterprise_id", "area", "name", "id"]
    parser_classes = PARSERS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if not scope.can(self.request.user, caps.VIEW_RISK):
            return RiskPoint.objects.none()
        return scope.visible(self.request.user, RiskPoint.objects.select_related("enterprise", "category")
                             .prefetch_related("codes"))

    def get_serializer_class(self):
        return PointCreateSerializer if self.action == "create" else RiskPointSerializer

    def _point(self, request, pk):
        """scope (404), then who may change it (403): before the body is read."""
        return scope.get_for(request.user, self.get_queryset(), caps.MANAGE_RISK_POINTS, pk=pk)

    def _detail(self, point, code=status.HTTP_200_OK):
        point = self.get_queryset().get(pk=point.pk)
        return Response(RiskPointSerializer(point).data, status=code)

    @extend_schema(request=PointCreateSerializer, responses={201: RiskPointSerializer},
                   description="Record a risk point and issue its Changan code; what is not given is copied from "
                               "the dictionary category.")
    def create(self, request, *args, **kwargs):
        enterprise = managed_enterprise(request)
        serializer = PointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        copy = _copy_kwargs(data)
        category = data.get("category")
        if "check_items" not in copy:
            copy["check_items"] = list(category.check_items) if category else []
        point = call_service(services.point_create, enterprise=enterprise, by=request.user, category=category,
                             **copy, **_grading_kwargs(data))
        return self._detail(point, status.HTTP_201_CREATED)

    @extend_schema(request=PointCopySerializer(partial=True), responses={200: RiskPointSerializer},
                   description="Edit the point's own copy: send only what changes.")
    def partial_update(self, request, pk=None):
        point = self._point(request, pk)
        serializer = PointCopySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        call_service(services.point_update, point=point, by=request.user, **_copy_kwargs(serializer.validated_data))
        return self._detail(point)

    @extend_schema(request=GradeSerializer, responses={200: RiskPointSerializer}, filters=False,
                   description="Grade the point again: LEC or the risk matrix from its factor values, or the class "
                               "by hand with a reason.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def grade(self, request, pk=None):
        point = self._point(request, pk)
        serializer = GradeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(services.point_grade, point=point, by=request.user, **_grading_kwargs(serializer.validated_data))
        return self._detail(point)

    @extend_schema(request=RetireSerializer, responses={200: RiskPointSerializer}, filters=False,
                   description="Retire the point (it owes no more checks); its live code is revoked.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def retire(self, request, pk=None):
        point = self._point(request, pk)
        serializer = RetireSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(services.point_retire, point=point, by=request.user, on=serializer.validated_data["retired_on"])
        return self._detail(point)

    @extend_schema(request=BulkSerializer, responses={201: RiskPointSerializer(many=True)}, filters=False,
                   description="One point of the area per dictionary category, at the category's typical class "
                               "(set by hand); a name the area has refuses the whole request.")
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        enterprise = managed_enterprise(request)
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("enterprise", None)
        points = call_service(services.points_from_categories, enterprise=enterprise, by=request.user, **data)
        return _points(request, points)

    @extend_schema(request=CopySerializer, responses={201: RiskPointSerializer(many=True)}, filters=False,
                   description="The live points of one workshop copied to another, each with a new code; a name "
                               "clash refuses the whole copy.")
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def copy(self, request):
        enterprise = managed_enterprise(request)
        serializer = CopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        points = call_service(services.point_copy, enterprise=enterprise, by=request.user,
                              from_area=serializer.validated_data["from_area"],
                              to_area=serializer.validated_data["to_area"])
        return _points(request, points)


class ShiftScheduleSerializer(serializers.ModelSerializer):
    starts = serializers.ListField(child=serializers.CharField(max_length=5), read_only=True)

    class Meta:
        model = ShiftSchedule
        fields = ["id", "enterprise", "starts", "updated_at"]
        read_only_fields = fields


class ShiftsSetSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False, help_text="An enterprise user sets their own.")
    starts = serializers.ListField(child=serializers.CharField(max_length=8), max_length=8,
                                   help_text="Start times HH:MM, 1 to 4 of them, each once.")


class ShiftScheduleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The shifts enterprises declared (those the user may see); a POST sets an enterprise's."""

    serializer_class = ShiftScheduleSerializer
    parser_classes = PARSERS
    ordering = ["enterprise_id"]

    def get_queryset(self):
        if not scope.can(self.request.user, caps.VIEW_RISK):
            return ShiftSchedule.objects.none()
        return scope.visible(self.request.user, ShiftSchedule.objects.all())

    @extend_schema(request=ShiftsSetSerializer, responses={200: ShiftScheduleSerializer},
                   description="Declare the enterprise's shifts by their start times (replacing what it declared).")
    def create(self, request, *args, **kwargs):
        enterprise = managed_enterprise(request)
        serializer = ShiftsSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        schedule = call_service(services.shifts_set, enterprise=enterprise, by=request.user,
                                starts=serializer.validated_data["starts"])
        return Response(ShiftScheduleSerializer(schedule).data, status=status.HTTP_200_OK)
