"""/api/v1/inspections/: the inspections a user may see, and the field submission — idempotent by
its client key (``portal.submissions.api_submit_once``), as JSON or as a multipart form with photos."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets

from enterprises.models import Enterprise
from grid.models import PATH_STEP
from portal.accounts import scope
from portal.api_common import ErrorSerializer
from portal.submissions.api import api_submit_once

from .. import services
from ..filters import InspectionFilter
from ..models import CheckingLevel, ChecklistTemplate, Hazard, Inspection, InspectionAnswer, InspectionKind
from .common import PARSERS, JSONListField, PhotosMixin, criterion_field, enum_field, required_id

SUBMIT_KIND = "inspections.submit"


class AnswerSerializer(serializers.ModelSerializer):
    result = enum_field(InspectionAnswer.Result, "AnswerResultEnum", read_only=True)

    class Meta:
        model = InspectionAnswer
        fields = ["item", "item_code", "result", "note"]


class InspectionSerializer(serializers.ModelSerializer):
    kind = enum_field(InspectionKind, "InspectionKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    checking_level = enum_field(CheckingLevel, "CheckingLevelEnum", read_only=True)
    checking_level_display = serializers.CharField(source="get_checking_level_display", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    checklist_name = serializers.CharField(source="checklist.__str__", read_only=True, allow_null=True)
    officers = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()), read_only=True,
        help_text="[[name, enforcement certificate no.], [name, certificate no.]]")
    hazards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "kind", "kind_display", "checking_level", "checking_level_display", "enterprise",
                  "enterprise_name", "township", "township_name",
                  "inspected_on", "checklist", "checklist_name", "plan_item", "campaign", "officers", "summary",
                  "hazards", "submitted_by", "submitted_at"]


class InspectionDetailSerializer(PhotosMixin, InspectionSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "answers", "photos"]


class AnswerInSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="The checklist item's id.")
    result = serializers.CharField(help_text="pass, fail or na (the service says which item is wrong).")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingInSerializer(serializers.Serializer):
    item_code = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="The code of the non-compliant checklist item, e.g. GEN-12.")
    description = serializers.CharField(allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    major_criterion = criterion_field()
    on_the_spot = serializers.BooleanField(required=False, default=False,
                                           help_text="Fixed during the visit (general hazards): closed at once; "
                                                     "needs a photo, so send the submission as multipart.")


MULTIPART_HELP = ("In a multipart/form-data submission, answers, findings and officers are each one field holding "
                  "the JSON text of the list; the photos of finding n (counting from 1) are files in fields named "
                  "finding_<n>_photos, the inspection's own photos files in the field photos.")


class InspectionSubmitSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    kind = enum_field(InspectionKind, "InspectionKindEnum", default=InspectionKind.ENFORCEMENT)
    checking_level = enum_field(
        CheckingLevel, "CheckingLevelEnum", required=False,
        help_text="The level of the unit that checked; by default the level of the submitting user's region.")
    inspected_on = serializers.DateField()
    checklist = serializers.IntegerField(help_text="The id of the checklist version the inspection was filled from.")
    plan_item = serializers.IntegerField(required=False, allow_null=True, default=None,
                                         help_text="The plan item this inspection carries out.")
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="The campaign it belongs to (the enterprise must be a target).")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    answers = JSONListField(child=AnswerInSerializer(), help_text=f"One answer per checklist item. {MULTIPART_HELP}")
    findings = JSONListField(child=FindingInSerializer(), required=False, default=list,
                             help_text="One hazard per finding; every non-compliant item needs one.")
    officers = JSONListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=32),
                                    min_length=2, max_length=2),
        required=False, default=list, help_text="[[name, certificate no.], [name, certificate no.]].")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                   help_text="Multipart only: photos of the inspection itself.")


def _checklist(enterprise, pk):
    """The checklist version ``pk`` if it applies to the enterprise's township (deployment-wide or
    of the township or a region above it)."""
    path = enterprise.township.path
    paths = [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]
    checklist = ChecklistTemplate.objects.filter(Q(region__isnull=True) | Q(region__path__in=paths), pk=pk).first()
    if checklist is None:
        raise DjangoValidationError({"checklist": _("Unknown checklist.")})
    return checklist


def _linked(field, related, pk, message):
    """A plan item or campaign reached through the (scoped) enterprise, or a 400 on ``field``."""
    if pk is None:
        return None
    found = related.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({field: message})
    return found


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections the user may see; POST is the field submission, idempotent by its key."""

    filterset_class = InspectionFilter
    ordering_fields = ["inspected_on", "id"]
    ordering = ["-inspected_on", "-id"]
    parser_classes = PARSERS

    def get_queryset(self):
        queryset = Inspection.objects.select_related("enterprise", "township", "checklist", "checklist__region")
        queryset = queryset.prefetch_related(Prefetch("hazards", queryset=Hazard.objects.only("id", "inspection_id")))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("answers")
        return scope.visible(self.request.user, queryset)

    def get_serializer_class(self):
        if self.action == "create":
            return InspectionSubmitSerializer
        return InspectionDetailSerializer if self.action == "retrieve" else InspectionSerializer

    @extend_schema(
        request=InspectionSubmitSerializer,
        responses={201: InspectionDetailSerializer,
                   409: OpenApiResponse(ErrorSerializer, description="The key was used for another payload.")},
        description="Submit an inspection from the field. Send a client key in the Idempotency-Key header "
                    "(8–64 letters, digits, _ or -): the same key with the same payload returns the first "
                    "inspection again (header Idempotent-Replayed: true); the key with another payload is a 409; "
                    "no key is a 400. " + MULTIPART_HELP)
    def create(self, request, *args, **kwargs):
        user = request.user
        # scope (404), then who may inspect (403), before the input is read (400): like the page
        scope.get_for(user, Enterprise.objects.all(), "inspect", pk=required_id(request.data, "enterprise"),
                      message=_("Only inspectors may submit inspections."))

        def handler():
            serializer = InspectionSubmitSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            enterprise, _can_change = scope.get(user, Enterprise.objects.select_related("township"),
                                                pk=data.pop("enterprise"))
            data["checklist"] = _checklist(enterprise, data["checklist"])
            data["plan_item"] = _linked("plan_item", enterprise.plan_items.select_related("plan"), data["plan_item"],
                                        _("No plan item of this enterprise has this id."))
            data["campaign"] = _linked("campaign", enterprise.campaigns.all(), data["campaign"],
                                       _("This enterprise is not a target of a campaign with this id."))
            for number, finding in enumerate(data["findings"], start=1):
                finding["photos"] = request.FILES.getlist(f"finding_{number}_photos")
            inspection = services.inspection_submit(enterprise=enterprise, by=user, **data)
            inspection = Inspection.objects.prefetch_related("hazards", "answers").select_related(
                "enterprise", "township", "checklist").get(pk=inspection.pk)
            return status.HTTP_201_CREATED, InspectionDetailSerializer(inspection).data

        return api_submit_once(request, SUBMIT_KIND, handler)
