"""/api/v1/self-checks/: the self-check lists a user may see (a township its enterprises', an enterprise
its own), one list with its answers, and the enterprise's submission — idempotent by its
``Idempotency-Key`` (``portal.submissions.api_submit_once``), as JSON or as a multipart form::

    POST /api/v1/self-checks/7/submit/   Idempotency-Key: 3f9c…
    {"answers": [{"item": "GEN-01", "result": "pass"}, {"item": "GEN-02", "result": "fail", "note": "…"}, ...]}
    → 200 {"id": 7, "state": "done", "done_at": "…", "failed": 1, "hazards": [31]}

In a multipart form ``answers`` is one JSON text field and an item's photo is the file ``photo_<code>``
(``photo_GEN-02``). The same key and payload answer the first body again (``Idempotent-Replayed:
true``); the key with another payload is a 409; a list already submitted under another key a 400
saying when it was. A list out of scope is a 404, another enterprise user's or a supervisor's submit a
403. The fill page and this endpoint call the same ``self_check_submit``.

Sending is an action of the campaign (``CampaignSelfCheckSendMixin`` on ``/api/v1/campaigns/``)::

    POST /api/v1/campaigns/3/self-checks/   {"checklist": 12, "due_date": "2026-11-30"}
    → 200 {"sent": 3, "already": 0, "lists": 3}

idempotent as the send page is (the same ``self_check_send``): a second call sends only to the
targets still missing a list. Out of scope, or a role without the supervisors' pages, a 404; a unit
that may see the campaign but did not organise it a 403; bad input a 400 that sends nothing."""
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api_common import ErrorSerializer
from portal.submissions.api import HEADER, api_submit_once

from ..filters_self_checks import SelfCheckFilter
from ..models import Campaign, SelfCheckAnswer, SelfCheckList, SelfCheckState
from ..services import self_checks as services
from .common import PARSERS, JSONListField, PhotosMixin, call_service, enum_field

SEND_REFUSED = "Only %(unit)s (or the bureau above it) may send this campaign's self-check list."


class SelfCheckSerializer(serializers.ModelSerializer):
    state = enum_field(SelfCheckState, "SelfCheckStateEnum", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    checklist_name = serializers.CharField(source="checklist.__str__", read_only=True)

    class Meta:
        model = SelfCheckList
        fields = ["id", "campaign", "campaign_name", "enterprise", "enterprise_name", "township", "township_name",
                  "checklist", "checklist_name", "state", "state_display", "due_date", "sent_at", "done_at", "done_by"]


class SelfCheckAnswerSerializer(PhotosMixin, serializers.ModelSerializer):
    result = enum_field(SelfCheckAnswer.Result, "SelfCheckResultEnum", read_only=True)
    text = serializers.CharField(source="item.text", read_only=True)

    class Meta:
        model = SelfCheckAnswer
        fields = ["item_code", "text", "result", "note", "hazard", "photos"]


class SelfCheckItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    section = serializers.CharField()
    text = serializers.CharField()


class SelfCheckDetailSerializer(SelfCheckSerializer):
    items = serializers.SerializerMethodField()
    answers = SelfCheckAnswerSerializer(many=True, read_only=True)

    class Meta(SelfCheckSerializer.Meta):
        fields = [*SelfCheckSerializer.Meta.fields, "items", "answers"]

    @extend_schema_field(SelfCheckItemSerializer(many=True))
    def get_items(self, obj):
        return SelfCheckItemSerializer(services.self_check_items(obj), many=True).data


class SelfCheckSubmitSerializer(serializers.Serializer):
    answers = JSONListField(child=serializers.DictField(), help_text="One {item, result, note} per item of the list.")


class SelfCheckResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    done_at = serializers.DateTimeField()
    failed = serializers.IntegerField()
    hazards = serializers.ListField(child=serializers.IntegerField())


class SelfCheckViewSet(viewsets.ReadOnlyModelViewSet):
    """Self-check lists the user may see; ``submit`` is the enterprise's one submission of its answers."""

    filterset_class = SelfCheckFilter
    ordering_fields = ["sent_at", "due_date", "id"]
    ordering = ["-sent_at", "id"]
    parser_classes = PARSERS

    def get_queryset(self):
        queryset = SelfCheckList.objects.select_related("campaign", "enterprise", "township", "checklist")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("answers__item")
        return scope.visible(self.request.user, queryset)

    def get_serializer_class(self):
        if self.action == "submit":
            return SelfCheckSubmitSerializer
        return SelfCheckDetailSerializer if self.action == "retrieve" else SelfCheckSerializer

    @extend_schema(
        request=SelfCheckSubmitSerializer,
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=True,
                                     description="8–64 letters, digits, _ or -: one per submission, kept on retries.")],
        responses={200: SelfCheckResultSerializer,
                   400: OpenApiResponse(ErrorSerializer, description="Bad answers, or the list was submitted."),
                   403: OpenApiResponse(ErrorSerializer, description="Not this list's enterprise's to fill."),
                   404: OpenApiResponse(ErrorSerializer, description="No such list in the user's scope."),
                   409: OpenApiResponse(ErrorSerializer, description="The key was used for another payload.")})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        self_check = self.get_object()  # through scope: 404 out of it

        def handler():
            serializer = SelfCheckSubmitSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            photos = {name[len("photo_"):]: f for name, f in request.FILES.items() if name.startswith("photo_")}
            done = services.self_check_submit(self_check=self_check, by=request.user,
                                              answers=serializer.validated_data["answers"], photos=photos)
            return status.HTTP_200_OK, services.self_check_result(done)

        return api_submit_once(request, services.SUBMIT_KIND, handler)


# -- sending: an action of the campaign ------------------------------------------------------------------------------
class SelfCheckSendSerializer(serializers.Serializer):
    checklist = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1,
        help_text="A published checklist version of the campaign's unit, a unit above it or the deployment.")
    due_date = serializers.DateField(help_text="The day the self-check is due: today or later.")


class SelfCheckSentSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="Lists sent by this call (0 when every target had one).")
    already = serializers.IntegerField(help_text="Lists the campaign had already sent before this call.")
    lists = serializers.IntegerField(help_text="The campaign's lists after this call.")


class CampaignSelfCheckSendMixin:
    """``POST /api/v1/campaigns/<id>/self-checks/``: the campaign page's "send the self-check list"."""

    @extend_schema(
        request=SelfCheckSendSerializer, filters=False,
        responses={200: SelfCheckSentSerializer,
                   400: OpenApiResponse(ErrorSerializer, description="Bad checklist or due date, or the campaign "
                                                                     "ended or has no targets: nothing was sent."),
                   403: OpenApiResponse(ErrorSerializer, description="Not the organising unit (or one above it)."),
                   404: OpenApiResponse(ErrorSerializer, description="No such campaign in the user's scope.")})
    @action(detail=True, methods=["post"], url_path="self-checks", filter_backends=[], pagination_class=None)
    def self_checks(self, request, pk=None):
        """Send a checklist to every target enterprise of the campaign still without its list."""
        user = request.user
        if not scope.can(user, caps.SUPERVISE):  # campaigns are the supervisors' pages: as the send page
            raise Http404("No campaigns for this role")
        campaign = scope.get_for(user, Campaign.objects.select_related("region"), caps.MANAGE_CAMPAIGNS,
                                 _(SEND_REFUSED) % {"unit": _("the organising unit")}, pk=pk)
        serializer = SelfCheckSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = call_service(services.self_check_send, campaign=campaign, by=user, **serializer.validated_data)
        lists = SelfCheckList.objects.filter(campaign=campaign).count()
        return Response({"sent": sent, "already": lists - sent, "lists": lists}, status=status.HTTP_200_OK)
