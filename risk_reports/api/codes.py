"""/api/v1/changan-codes/: the Changan codes the user may see (an enterprise's own, a supervisor's
territory), and the two writes — revoke a code, reissue a point's code — through the same services
and scope as the pages. Out of scope is a 404, in scope but read-only a 403 (before the body is
read), a missing reason a 400 with the service's Chinese message."""
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api_common import call_service, enum_field

from .. import qr
from ..forms_codes import CodeFilter
from ..models import ChanganCode, RiskLevel
from ..services.codes import MANAGERS_ONLY, code_reissue, code_revoke


class ChanganCodeSerializer(serializers.ModelSerializer):
    point_name = serializers.CharField(source="point.name", read_only=True)
    area = serializers.CharField(source="point.area", read_only=True, help_text="The point's workshop or area.")
    enterprise = serializers.IntegerField(source="point.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="point.enterprise.name", read_only=True)
    level = enum_field(RiskLevel, "RiskLevelEnum", source="point.level", read_only=True)
    live = serializers.BooleanField(read_only=True, help_text="False once revoked: a revoked code opens nothing.")
    short_id = serializers.SerializerMethodField(help_text="The id printed on the label (the token's first characters).")
    scan_url = serializers.SerializerMethodField(help_text="What the code's QR encodes: the point's scan page.")
    qr_url = serializers.SerializerMethodField(help_text="The QR as an SVG image (live codes only; null once revoked).")

    class Meta:
        model = ChanganCode
        fields = ["id", "token", "short_id", "point", "point_name", "area", "enterprise", "enterprise_name", "level",
                  "live", "issued_at", "issued_by", "revoked_at", "revoked_by", "revoke_reason", "scan_url", "qr_url"]
        read_only_fields = fields

    def get_short_id(self, code) -> str:
        return qr.short_id(code)

    def _base(self):
        request = self.context.get("request")
        return qr.base_url(request)

    def get_scan_url(self, code) -> str:
        return qr.scan_url(code, base=self._base())

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_qr_url(self, code):
        if not code.live:
            return None
        return self._base() + reverse("risk_reports:code_qr", args=[code.token])


class CodeReasonSerializer(serializers.Serializer):
    # the service requires it, with its own Chinese message (one rule for the page and the API)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Why: the label was lost, damaged or is unreadable.")


class ChanganCodeViewSet(viewsets.ReadOnlyModelViewSet):
    """Changan codes, live and revoked, of the risk points the user sees."""

    serializer_class = ChanganCodeSerializer
    filterset_class = CodeFilter
    ordering_fields = ["issued_at", "revoked_at", "id"]
    ordering = ["-issued_at", "-id"]

    def get_queryset(self):
        return scope.visible(self.request.user, ChanganCode.objects.select_related("point", "point__enterprise"))

    def _for_change(self, pk):
        return scope.get_for(self.request.user, self.get_queryset(), caps.MANAGE_RISK_POINTS, pk=pk,
                             message=MANAGERS_ONLY)

    @extend_schema(request=CodeReasonSerializer, responses={200: ChanganCodeSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def revoke(self, request, pk=None):
        """Revoke this code (its label opens nothing any more) without issuing another."""
        code = self._for_change(pk)
        serializer = CodeReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = call_service(code_revoke, code=code, by=request.user, reason=serializer.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=code.pk)).data)

    @extend_schema(request=CodeReasonSerializer, responses={201: ChanganCodeSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reissue(self, request, pk=None):
        """Replace the code of this code's point: its live code is revoked with the reason and a new
        one issued (the answer), in one step. Not for a retired point or a deregistered enterprise."""
        code = self._for_change(pk)
        serializer = CodeReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = call_service(code_reissue, point=code.point, by=request.user, reason=serializer.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=status.HTTP_201_CREATED)
