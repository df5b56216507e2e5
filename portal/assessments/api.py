"""/api/v1/problem-rules/: the problems the quarterly notice names (issue 10 item 2), as data.

Holders of ``read_notices`` (and the bureau) read the rules that apply to them — deployment-wide
ones, those of the regions above theirs and those of their region and below; the bureau
(``issue_notices``) creates, edits and takes out of use the rules of its own region through the same
services as the pages (``services.problem_rule_*``). Write access is asked before the input is read:
a role that may not write gets 403, a rule out of scope 404."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import call_service, enum_field
from portal.figures import registry

from . import services
from .filters import ProblemRuleFilter
from .models import ProblemRule


def _refused():
    return _("Only the bureau writes the problem rules of its region.")


def _may_read(user):
    return scope.holds(user, caps.READ_NOTICES) or scope.holds(user, caps.ISSUE_NOTICES)


class ProblemRuleSerializer(serializers.ModelSerializer):
    figure = serializers.CharField(max_length=96, help_text=(
        "A registered figure (risk.overdue_rate); a parameter after a colon (inspections.coverage:dust_30)."))
    figure_label = serializers.SerializerMethodField()
    comparison = enum_field(ProblemRule.Comparison, "ProblemRuleComparisonEnum")
    comparison_display = serializers.CharField(source="get_comparison_display", read_only=True)
    # the rule's own checks (n at least 1, as the comparison needs) are the service's: one message for page and API
    n = serializers.IntegerField(allow_null=True, required=False, help_text=(
        "lowest/highest: how many units are named (ties at the cut are all named); null for above/below."))
    threshold = serializers.CharField(max_length=64, allow_blank=True, required=False, help_text=(
        "above/below: a portal.rules threshold (risk.overdue_rate_max), each unit's value in force on the "
        "period's last day; empty for lowest/highest."))
    sentence = serializers.CharField(help_text=(
        "The notice's sentence with placeholders: {units} {values} {each} {threshold} {figure} {count}."))
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), allow_null=True, help_text=(
        "The region whose notices (and those below it) the rule applies to; null: deployment-wide."))
    region_name = serializers.CharField(source="region.name", read_only=True, allow_null=True)

    class Meta:
        model = ProblemRule
        fields = ["id", "title", "figure", "figure_label", "comparison", "comparison_display", "n", "threshold",
                  "sentence", "order", "active", "region", "region_name", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"order": {"required": False}, "active": {"required": False}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_figure_label(self, obj):
        """The figure's label; null for a figure no longer registered."""
        try:
            return str(registry.get(obj.figure).label)
        except LookupError:
            return None


class ProblemRuleViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Problem rules: the figure, the comparison (above/below a threshold, the lowest/highest n units)
    and the sentence each problem of the notice is named by. Never deleted: ``deactivate`` takes a
    rule out of use."""

    serializer_class = ProblemRuleSerializer
    filterset_class = ProblemRuleFilter
    ordering_fields = ["order", "title", "updated_at"]
    ordering = ["order", "id"]

    def get_queryset(self):
        user = self.request.user
        if not _may_read(user):
            return ProblemRule.objects.none()
        return scope.visible(user, ProblemRule.objects.select_related("region"))

    def _for_change(self):
        """404 for a rule missing or out of scope, 403 for one the user reads but may not change."""
        return scope.get_for(self.request.user, self.get_queryset(), caps.ISSUE_NOTICES, _refused(),
                             pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        if not scope.can(request.user, caps.ISSUE_NOTICES):
            raise PermissionDenied(_refused())
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = call_service(services.problem_rule_create, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        rule = self._for_change()
        serializer = self.get_serializer(rule, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        rule = call_service(services.problem_rule_update, rule=rule, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(rule).data)

    @extend_schema(request=None, responses=ProblemRuleSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Take the rule out of use: the next notices name no problem by it."""
        rule = call_service(services.problem_rule_deactivate, rule=self._for_change(), by=request.user)
        return Response(self.get_serializer(rule).data)


router.register("problem-rules", ProblemRuleViewSet, basename="problem-rule")
