"""/api/v1/rubric-forms/, /api/v1/rubric-scores/, /api/v1/rectification-plans/: the two assessments
(issue 12 item 5) as data, scoped like the pages (a record out of scope is a 404) and written through
the same services (``services_rubrics``: 403 for a refused capability, 400 with the Chinese message
for bad input, nothing changed)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import PARSERS, AttachmentSerializer, attachments_of, call_service, enum_field

from . import services_rubrics as services
from .filters_rubrics import PlanFilter, ScoreFilter
from .models import RectificationPlan, RubricForm, RubricItem, Score, ScoreItem


def _may_read_scores(user):
    return any(scope.holds(user, c) for c in (caps.SCORE_UNITS, caps.SCORE_ENTERPRISES, caps.FILE_PLAN))


class RubricItemSerializer(serializers.ModelSerializer):
    method = enum_field(RubricItem.Method, "RubricItemMethodEnum")

    class Meta:
        model = RubricItem
        fields = ["number", "title", "requirement", "points", "due_month", "due_day", "unfilled", "method", "figure",
                  "multiplier", "cap"]


class RubricFormSerializer(serializers.ModelSerializer):
    kind = enum_field(RubricForm.Kind, "RubricFormKindEnum")
    items = RubricItemSerializer(many=True, source="items_list", read_only=True)
    total_points = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    is_complete = serializers.BooleanField(read_only=True)
    problems = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RubricForm
        fields = ["id", "kind", "version", "title", "total_points", "is_complete", "problems", "items", "created_at"]


class RubricFormViewSet(viewsets.ReadOnlyModelViewSet):
    """The assessment forms, every version (the newest first within a kind), with their items."""

    serializer_class = RubricFormSerializer
    ordering = ["kind", "-version"]

    def get_queryset(self):
        return scope.visible(self.request.user, services.forms_with_items()).order_by("kind", "-version")


class RubricScoreLineSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="item.number")
    title = serializers.CharField(source="item.title")
    max_points = serializers.DecimalField(source="item.points", max_digits=5, decimal_places=1)
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    from_figure = serializers.BooleanField()
    figure_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    note = serializers.CharField()
    evidence = serializers.SerializerMethodField()

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_evidence(self, obj):
        files = self.context.get("files", {})
        return AttachmentSerializer(files.get(obj.pk, []), many=True).data


class RubricScoreSerializer(serializers.ModelSerializer):
    kind = enum_field(Score.Kind, "RubricScoreKindEnum")
    region_name = serializers.CharField(source="region.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    assessor_name = serializers.CharField(source="assessor.name", read_only=True)
    form_version = serializers.IntegerField(source="form.version", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "kind", "period", "region", "region_name", "enterprise", "enterprise_name", "assessor",
                  "assessor_name", "form", "form_version", "items_total", "deducted", "total", "flagged", "threshold",
                  "note", "scored_at"]


class RubricScoreDetailSerializer(RubricScoreSerializer):
    lines = serializers.SerializerMethodField()
    deductions = serializers.SerializerMethodField()

    class Meta(RubricScoreSerializer.Meta):
        fields = RubricScoreSerializer.Meta.fields + ["lines", "deductions"]

    @extend_schema_field(RubricScoreLineSerializer(many=True))
    def get_lines(self, obj):
        lines = list(obj.lines.select_related("item").order_by("item__number"))
        files = attachments_of(ScoreItem, [line.pk for line in lines])
        return RubricScoreLineSerializer(lines, many=True, context={"files": files}).data

    def get_deductions(self, obj) -> list:
        return [{"item": d.item.number, "points": str(d.points), "reason": d.reason}
                for d in obj.deductions.select_related("item")]


class _RubricScoreInput(serializers.Serializer):
    period = serializers.CharField(help_text="2026-10 (a month) or 2026Q3 (a quarter).")
    points = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                   help_text='{"1": "8", "2": "5", ...}: item number -> points (hand-scored items).')
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class RubricEnterpriseScoreInput(_RubricScoreInput):
    enterprise = serializers.IntegerField()


class RubricUnitScoreInput(_RubricScoreInput):
    region = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[Score.Kind.SELF, Score.Kind.QUARTERLY])


class RubricEvidenceInput(serializers.Serializer):
    item = serializers.IntegerField()
    file = serializers.FileField()


class ScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Scores: a township's monthly enterprise scores, units' monthly self-scores and the level
    above's quarterly scores, each pointing at the form version it used."""

    filterset_class = ScoreFilter
    parser_classes = PARSERS
    ordering_fields = ["period_start", "total"]
    ordering = ["-period_start", "kind", "id"]

    def get_serializer_class(self):
        return RubricScoreDetailSerializer if self.action != "list" else RubricScoreSerializer

    def get_queryset(self):
        user = self.request.user
        if not _may_read_scores(user):
            return Score.objects.none()
        return scope.visible(user, Score.objects.select_related("region", "enterprise", "assessor", "form"))

    def _score(self, data):
        return Response(RubricScoreDetailSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RubricEnterpriseScoreInput, responses=RubricScoreDetailSerializer)
    @action(detail=False, methods=["post"])
    def enterprise(self, request):
        """Score an enterprise for a month with the newest enterprise form."""
        if not scope.holds(request.user, caps.SCORE_ENTERPRISES):
            raise PermissionDenied(_("Your account may not score this enterprise."))
        data = RubricEnterpriseScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        enterprise = scope.visible(request.user, Enterprise.objects.filter(pk=v["enterprise"])).first()
        if enterprise is None:
            raise NotFound()
        return self._score(call_service(services.score_enterprise, enterprise=enterprise, period=v["period"],
                                        by=request.user, points=v["points"], notes=v.get("notes"),
                                        note=v.get("note", "")))

    @extend_schema(request=RubricUnitScoreInput, responses=RubricScoreDetailSerializer)
    @action(detail=False, methods=["post"])
    def unit(self, request):
        """A unit's monthly self-score (kind self) or the level above's quarterly score (kind quarterly)."""
        if not scope.holds(request.user, caps.SCORE_UNITS):
            raise PermissionDenied(_("A unit scores itself monthly; the level above scores it quarterly."))
        data = RubricUnitScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        region = scope.regions(request.user).filter(pk=v["region"]).first()
        if region is None:
            raise NotFound()
        return self._score(call_service(services.score_unit, region=region, kind=v["kind"], period=v["period"],
                                        by=request.user, points=v["points"], notes=v.get("notes"),
                                        note=v.get("note", "")))

    @extend_schema(request=RubricEvidenceInput, responses=AttachmentSerializer)
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """Add an evidence file (a photo or a PDF) to a hand-scored item of the score."""
        score, _can = scope.get(request.user, self.get_queryset(), pk=pk)  # 404: missing, out of scope, not an id
        data = RubricEvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = call_service(services.score_evidence_add, score=score, by=request.user,
                                  item_number=data.validated_data["item"], file=data.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class RectificationPlanSerializer(serializers.ModelSerializer):
    state = enum_field(RectificationPlan.State, "RectificationPlanStateEnum", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = RectificationPlan
        fields = ["id", "enterprise", "enterprise_name", "township", "township_name", "year", "title", "summary",
                  "state", "times_returned", "filed_at", "reviewed_at", "review_reason", "files"]
        read_only_fields = ["enterprise", "township", "year", "times_returned", "filed_at", "reviewed_at",
                            "review_reason"]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_files(self, obj):
        return AttachmentSerializer(attachments_of(RectificationPlan, [obj.pk])[obj.pk], many=True).data


class RectificationPlanInput(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class RectificationPlanReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    reason = serializers.CharField(required=False, allow_blank=True)


class PlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Special-rectification plans: the enterprise files (multipart, files[]), the township reviews."""

    serializer_class = RectificationPlanSerializer
    filterset_class = PlanFilter
    parser_classes = PARSERS
    ordering = ["-filed_at", "-id"]

    def get_queryset(self):
        user = self.request.user
        if not (scope.holds(user, caps.REVIEW_PLANS) or scope.holds(user, caps.FILE_PLAN)):
            return RectificationPlan.objects.none()
        return scope.visible(user, RectificationPlan.objects.select_related("enterprise", "township"))

    @extend_schema(request=RectificationPlanInput, responses=RectificationPlanSerializer)
    def create(self, request, *args, **kwargs):
        member = scope.membership(request.user)
        if member is None or not scope.holds(request.user, caps.FILE_PLAN):
            raise PermissionDenied(_("Only the enterprise's principal or safety manager files its plan."))
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        data = RectificationPlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = call_service(services.plan_file, enterprise=member.enterprise, by=request.user,
                            title=data.validated_data["title"], summary=data.validated_data.get("summary", ""),
                            files=files)
        return Response(RectificationPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RectificationPlanReviewInput, responses=RectificationPlanSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve the plan, or return it with reasons (the township)."""
        plan = scope.get_for(request.user, self.get_queryset(), caps.REVIEW_PLANS,
                             _("Only the enterprise's township reviews its plan."), pk=pk)
        data = RectificationPlanReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = call_service(services.plan_review, plan=plan, by=request.user,
                            approve=data.validated_data["decision"] == "approve",
                            reason=data.validated_data.get("reason", ""))
        return Response(RectificationPlanSerializer(plan).data)


router.register("rubric-forms", RubricFormViewSet, basename="rubric-form")
router.register("rubric-scores", ScoreViewSet, basename="rubric-score")
router.register("rectification-plans", PlanViewSet, basename="rectification-plan")
