"""/api/v1/notices/: the notices the user may see (drafts: the issuing bureau; published: also the
addressed units), a draft from a snapshot, changing a draft, deleting it, ``publish/``, and the
rendered files ``pdf/`` and ``docx/`` (reading them records the reader's receipt, as the page does).

Thin over ``services`` and ``scope``, like the pages: out of scope is a 404, a reader's write a 403,
a published notice's change a 400 with its Chinese message, all in the API's one error shape."""
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import PARSERS, ErrorSerializer, call_service, enum_field, required_id
from portal.assessments.models import Snapshot

from . import services
from .documents import file_name
from .filters import NoticeFilter
from .models import Notice, NoticeReceipt


class NotYetRendered(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class NoticeBlockSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=services.BLOCK_KINDS)
    text = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_TEXT)
    header = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=200), required=False)
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField(allow_blank=True,
                                                                                         max_length=200)),
                                 required=False)


class RankingTableSerializer(serializers.Serializer):
    figure = serializers.CharField(help_text="The figure ranked, e.g. risk.overdue_rate.")
    title = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class NoticeRecipientSerializer(serializers.Serializer):
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")


class NoticeSerializer(serializers.ModelSerializer):
    state = enum_field(Notice.State, "NoticeStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    issuing_region_name = serializers.CharField(source="issuing_region.name", read_only=True)
    body = NoticeBlockSerializer(many=True, read_only=True)
    next_steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    attachments = RankingTableSerializer(many=True, read_only=True)
    recipients = NoticeRecipientSerializer(many=True, read_only=True)
    rendered = serializers.BooleanField(read_only=True, help_text="Whether the PDF and the .docx are ready.")

    class Meta:
        model = Notice
        fields = ["id", "issuing_region", "issuing_region_name", "snapshot", "period", "state", "state_display",
                  "authority", "number_prefix", "number", "title", "addressees", "body", "next_steps", "attachments",
                  "copied_to", "printing_office", "signature_date", "recipients", "created_at", "updated_at",
                  "published_at", "rendered", "rendered_at"]
        read_only_fields = fields


class DraftSerializer(serializers.Serializer):
    snapshot = serializers.IntegerField(help_text="A current snapshot holding the user's region's units.")
    number_prefix = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                          help_text="Default: the region's short name and 应急函.")


class ChangeSerializer(serializers.Serializer):
    """What a draft's change may send (only what changes)."""

    authority = serializers.CharField(max_length=64, required=False, allow_blank=True)
    number_prefix = serializers.CharField(max_length=32, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    addressees = serializers.CharField(max_length=300, required=False, allow_blank=True)
    body = NoticeBlockSerializer(many=True, required=False)
    next_steps = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=services.MAX_TEXT),
                                       required=False)
    attachments = serializers.ListField(child=serializers.CharField(), required=False,
                                        help_text="The ranking tables kept, by figure (a draft's own only).")
    copied_to = serializers.CharField(max_length=300, required=False, allow_blank=True)
    printing_office = serializers.CharField(max_length=64, required=False, allow_blank=True)
    signature_date = serializers.DateField(required=False, allow_null=True)


PDF = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF, as an attachment.")}
DOCX = {(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiResponse(
    OpenApiTypes.BINARY, description="The .docx, as an attachment.")}
CONFLICT = OpenApiResponse(ErrorSerializer, description="The files are not rendered yet.")


class NoticeViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The notices the user may see, newest first."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
    ordering_fields = ["created_at", "published_at", "period", "id"]
    ordering = ["-created_at", "-id"]
    parser_classes = PARSERS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return scope.visible(self.request.user, Notice.objects.select_related("issuing_region")
                             .prefetch_related("recipients__region"))

    def _notice(self, request, pk):
        """scope (404), then who may change it (403): before the body is read."""
        return scope.get_for(request.user, self.get_queryset(), caps.ISSUE_NOTICES, pk=pk)

    def _detail(self, notice, code=status.HTTP_200_OK):
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        notice = self.get_object()
        services.notice_read(notice=notice, user=request.user, via=NoticeReceipt.Via.API)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=DraftSerializer, responses={201: NoticeSerializer},
                   description="Draft the notice of the user's region from a current snapshot: main work from the "
                               "registered paragraphs, the problems named by the rules, next steps left to write, a "
                               "ranking table per ranked figure.")
    def create(self, request, *args, **kwargs):
        if not (scope.holds(request.user, caps.READ_NOTICES) or scope.holds(request.user, caps.ISSUE_NOTICES)):
            raise Http404("No notices for this role")  # as the pages: a role that reads no notices
        if not scope.holds(request.user, caps.ISSUE_NOTICES):
            raise exceptions.PermissionDenied(_("Your account may not take this step."))
        try:
            snapshot = services.draftable_snapshots(request.user).get(pk=required_id(request.data, "snapshot"))
        except Snapshot.DoesNotExist:
            raise Http404("No such snapshot") from None
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = call_service(services.notice_draft, snapshot=snapshot, by=request.user,
                              number_prefix=serializer.validated_data["number_prefix"])
        return self._detail(notice, status.HTTP_201_CREATED)

    @extend_schema(request=ChangeSerializer, responses={200: NoticeSerializer},
                   description="Change a draft: send only what changes (a block emptied is removed). A published "
                               "notice is refused.")
    def partial_update(self, request, pk=None):
        notice = self._notice(request, pk)
        serializer = ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(services.notice_update, notice=notice, by=request.user, **serializer.validated_data)
        return self._detail(notice)

    @extend_schema(description="Delete a draft (a published notice stays).")
    def destroy(self, request, pk=None):
        notice = self._notice(request, pk)
        call_service(services.notice_delete, notice=notice, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: NoticeSerializer}, filters=False,
                   description="Publish a draft: numbered (e.g. 常应急函〔2026〕1号), frozen, sent to the addressed "
                               "units' users, its PDF and .docx rendered by a background job.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        notice = self._notice(request, pk)
        call_service(services.notice_publish, notice=notice, by=request.user)
        return self._detail(notice)

    def _file(self, request, pk, kind):
        notice = self.get_object()
        stored = getattr(notice, kind)
        if not notice.is_published or not stored:
            raise NotYetRendered(_("The files of this notice are not ready yet."))
        services.notice_read(notice=notice, user=request.user, via=kind)
        return FileResponse(stored.open("rb"), as_attachment=True, filename=file_name(notice, kind))

    @extend_schema(responses={**PDF, 409: CONFLICT}, filters=False,
                   description="The published notice as PDF (GB/T 9704); records the reader's receipt.")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def pdf(self, request, pk=None):
        return self._file(request, pk, "pdf")

    @extend_schema(responses={**DOCX, 409: CONFLICT}, filters=False,
                   description="The published notice as .docx (for WPS or Word); records the reader's receipt.")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def docx(self, request, pk=None):
        return self._file(request, pk, "docx")


router.register("notices", NoticeViewSet, basename="notice")
