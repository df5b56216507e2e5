"""/api/v1/scans/: the scan self-checks a user may see, and the submit the scan page's outbox (and any
client) sends — idempotent by its ``Idempotency-Key``, as JSON or as a multipart form with photos::

    POST /api/v1/scans/   Idempotency-Key: 3f9c…
    {"code": "<token>", "done_at": "2026-11-16T09:58:00+08:00",
     "results": [{"item": "防护装置完好", "ok": true, "note": ""}, ...]}
    → 201 {"id": 7, "point": 3, "failed": 0, "hazards": []}

A replay of the key with the same payload answers the first body again with ``Idempotent-Replayed:
true``; the key with another payload (or another user's key) is a 409; a code that opens nothing for
the user — forged, revoked, another enterprise's, a deregistered enterprise's — a 404 saying only
that. In a multipart form ``results`` is one JSON text field and ``photos``/``photo_times`` repeat
(``photos[]``/``photo_times[]`` are taken too). The page and this endpoint call the same
``scan_submit``."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from portal.accounts import scope
from portal.api_common import (PARSERS, AttachmentSerializer, ErrorSerializer, JSONListField, attachments_of,
                               error_response)
from portal.submissions.api import HEADER
from portal.submissions.services import KeyReused

from ..filters_scans import ScanFilter
from ..models import PointHazard, Scan
from ..services.scans import CodeRefused, scan_submit


class ScanSerializer(serializers.ModelSerializer):
    point_name = serializers.CharField(source="point.name", read_only=True)
    area = serializers.CharField(source="point.area", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    by_name = serializers.CharField(source="by.full_name", read_only=True)

    class Meta:
        model = Scan
        fields = ["id", "point", "point_name", "area", "enterprise", "enterprise_name", "township", "by", "by_name",
                  "by_principal", "done_at", "done_on", "received_at", "cycle", "cycle_start", "shift", "failed",
                  "photos"]


class ResultSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="The check item, as the point names it.")
    ok = serializers.BooleanField(help_text="Passed (true) or failed (false).")
    note = serializers.CharField(allow_blank=True, required=False, help_text="Required for a failed item (≤ 200).")


class ScanDetailSerializer(ScanSerializer):
    results = ResultSerializer(many=True, read_only=True)
    hazards = serializers.SerializerMethodField()
    photo_files = serializers.SerializerMethodField()

    class Meta(ScanSerializer.Meta):
        fields = [*ScanSerializer.Meta.fields, "results", "hazards", "photo_files"]

    def get_hazards(self, obj) -> list[int]:
        return list(PointHazard.objects.filter(scan=obj).order_by("hazard_id").values_list("hazard_id", flat=True))

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_photo_files(self, obj):
        return AttachmentSerializer(attachments_of(Scan, [obj.pk])[obj.pk], many=True).data


class ScanSubmitSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="The Changan code's token (the end of its QR's URL).")
    done_at = serializers.DateTimeField(help_text="When the check was made (ISO 8601), not when it is sent.")
    results = JSONListField(child=serializers.DictField(), help_text="One {item, ok, note} per check item.")
    photos = serializers.ListField(child=serializers.FileField(), required=False, help_text="Multipart only.")
    photo_times = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False,
                                        help_text="Each photo's own time (EXIF DateTimeOriginal), in order.")


class SubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    point = serializers.IntegerField()
    failed = serializers.IntegerField()
    hazards = serializers.ListField(child=serializers.IntegerField())


def _repeated(data, files, name):
    """A repeated multipart field under ``name`` or ``name[]``; a JSON body's list as it is."""
    source = files if name == "photos" else data
    if hasattr(source, "getlist"):
        return source.getlist(name) or source.getlist(f"{name}[]")
    return (data.get(name) if hasattr(data, "get") else None) or []


class ScanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Scans the user may see; POST is the scan submit, idempotent by its key."""

    filterset_class = ScanFilter
    parser_classes = PARSERS

    def get_queryset(self):
        queryset = Scan.objects.select_related("point", "enterprise", "by").order_by("-done_at", "-id")
        return scope.visible(self.request.user, queryset)

    def get_serializer_class(self):
        return ScanDetailSerializer if self.action == "retrieve" else ScanSerializer

    @extend_schema(
        request=ScanSubmitSerializer,
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=True,
                                     description="8–64 letters, digits, _ or -: one per submission, kept on retries.")],
        responses={201: SubmittedSerializer,
                   404: OpenApiResponse(ErrorSerializer, description="The code opens nothing for this user."),
                   409: OpenApiResponse(ErrorSerializer, description="The key was used for another payload.")})
    def create(self, request, *args, **kwargs):
        data = request.data
        key = request.headers.get(HEADER) or (data.get("client_key") if hasattr(data, "get") else None)
        body = {"code": data.get("code"), "done_at": data.get("done_at"), "results": data.get("results")} \
            if hasattr(data, "get") else data
        submitted = ScanSubmitSerializer(data=body)
        submitted.is_valid(raise_exception=True)
        try:
            done = scan_submit(code_token=submitted.validated_data["code"], by=request.user,
                               results=submitted.validated_data["results"],
                               done_at=submitted.validated_data["done_at"], client_key=key,
                               photos=_repeated(data, request.FILES, "photos"),
                               photo_times=_repeated(data, request.FILES, "photo_times"))
        except CodeRefused as exc:
            return error_response(exc.message, code="not_found", status_code=status.HTTP_404_NOT_FOUND)
        except KeyReused as exc:
            return error_response(exc.message, code="conflict", status_code=status.HTTP_409_CONFLICT)
        headers = {"Idempotent-Replayed": "true"} if done.replayed else None
        return Response(done.body(), status=status.HTTP_201_CREATED, headers=headers)
