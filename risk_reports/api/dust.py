"""/api/v1/dust-sites/ and /api/v1/dust-uploads/: the key dust sites and their cleaning photos a user
may see; POST on dust-uploads is the upload the site page's outbox sends (multipart, idempotent by
its ``Idempotency-Key``), the same ``dust_upload_submit`` the page's no-script form calls.

    POST /api/v1/dust-uploads/   Idempotency-Key: 3f9c…
    code=<site token>  uploaded_at=2026-11-16T09:58:00+08:00  photo=<jpeg>  photo_time=2026-11-16T09:57:10
    → 201 {"id": 7, "site": 3, "day": "2026-11-16", "flagged": false, "flag_reason": "", ...}
"""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api_common import PARSERS, ErrorSerializer, call_service, error_response
from portal.submissions.api import HEADER
from portal.submissions.services import KeyReused

from ..models import DustSite, DustUpload
from ..services.dust import MANAGERS_ONLY, dust_site_retire, dust_upload_submit
from ..services.scans import CodeRefused


class DustSiteSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = DustSite
        fields = ["id", "enterprise", "enterprise_name", "name", "location", "created_on", "retired_on"]


class DustUploadSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    flag_reason_display = serializers.CharField(source="get_flag_reason_display", read_only=True)

    class Meta:
        model = DustUpload
        fields = ["id", "site", "site_name", "enterprise", "township", "day", "photo", "uploaded_at", "taken_at",
                  "flagged", "flag_reason", "flag_reason_display", "reviewed_at", "sent_back_at", "sent_back_reason"]


class DustUploadSubmitSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="The site's code (the end of its QR's URL).")
    uploaded_at = serializers.DateTimeField(help_text="When the photo was sent from the phone (ISO 8601).")
    photo = serializers.FileField()
    photo_time = serializers.CharField(allow_blank=True, required=False,
                                       help_text="The photo's own time (EXIF DateTimeOriginal) as the browser read it.")


class DustSiteRetireSerializer(serializers.Serializer):
    retired_on = serializers.DateField(
        required=False, allow_null=True,
        help_text="The first day the site is no longer a key dust site (default: today).")


class DustSiteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DustSiteSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return scope.visible(self.request.user, DustSite.objects.select_related("enterprise").order_by("enterprise", "name"))

    @extend_schema(request=DustSiteRetireSerializer, responses={200: DustSiteSerializer}, filters=False,
                   description="Retire the site (its enterprise's principal or safety manager): from that day no "
                               "photo is due and its code opens nothing.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def retire(self, request, pk=None):
        site = scope.get_for(request.user, self.get_queryset(), caps.MANAGE_RISK_POINTS, message=str(MANAGERS_ONLY),
                             pk=pk)
        data = DustSiteRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = call_service(dust_site_retire, site=site, by=request.user, on=data.validated_data.get("retired_on"))
        return Response(DustSiteSerializer(site).data)


class DustUploadViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DustUploadSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return scope.visible(self.request.user, DustUpload.objects.select_related("site").order_by("-day", "-id"))

    @extend_schema(
        request=DustUploadSubmitSerializer,
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses={201: DustUploadSerializer,
                   404: OpenApiResponse(ErrorSerializer, description="The code opens nothing for this user."),
                   409: OpenApiResponse(ErrorSerializer, description="The key was used for another payload.")})
    def create(self, request, *args, **kwargs):
        data = request.data
        key = request.headers.get(HEADER) or data.get("client_key")
        submitted = DustUploadSubmitSerializer(data={
            "code": data.get("code"), "uploaded_at": data.get("uploaded_at"), "photo": request.FILES.get("photo"),
            "photo_time": data.get("photo_time") or ""})
        submitted.is_valid(raise_exception=True)
        try:
            upload = dust_upload_submit(token=submitted.validated_data["code"], by=request.user,
                                        photo=submitted.validated_data["photo"],
                                        uploaded_at=submitted.validated_data["uploaded_at"], client_key=key,
                                        photo_time=submitted.validated_data.get("photo_time"))
        except CodeRefused as exc:
            return error_response(exc.message, code="not_found", status_code=status.HTTP_404_NOT_FOUND)
        except KeyReused as exc:
            return error_response(exc.message, code="conflict", status_code=status.HTTP_409_CONFLICT)
        return Response(DustUploadSerializer(upload).data, status=status.HTTP_201_CREATED)
