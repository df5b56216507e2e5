"""/api/v1/key-task-lists/, /key-tasks/, /key-task-evidence/, /key-task-bonuses/: the key tasks
(issue 12 item 3) through the same services and scope as the pages (``services_key_tasks``).

Reading needs ``supervise`` or one of the key-task capabilities; a unit reads its parents' lists
and only its own evidence, targets, statuses and bonuses. Writes: the list's region
(``manage_key_tasks``) creates lists and tasks, copies a list forward, accepts or returns evidence
and records bonus points; a unit (``submit_key_task_evidence``) uploads its evidence. Out of scope
is 404, a step the user may not take 403, bad input 400."""
import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import call_service, enum_field

from . import services_key_tasks as services
from .models import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList


def may_read(user):
    return any(scope.holds(user, c) for c in (caps.SUPERVISE, caps.MANAGE_KEY_TASKS, caps.SUBMIT_KEY_TASK_EVIDENCE))


def _refused():
    return _("Only the bureau that set the list changes it.")


class _Scoped:
    model = None

    def base(self):
        return self.model.objects.all()

    def get_queryset(self):
        user = self.request.user
        if not may_read(user):
            return self.model.objects.none()
        return scope.visible(user, self.base())


# -- lists ------------------------------------------------------------------------------------------------------------
class KeyTaskListSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), help_text=(
        "The assessing region (a district for its townships, a city for its districts)."))
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = KeyTaskList
        fields = ["id", "region", "region_name", "year", "title", "copied_from", "created_at"]
        read_only_fields = ["copied_from", "created_at"]


class CopyForwardSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, allow_null=True, help_text="Default: the next year.")


class StatusSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    deadline = serializers.DateField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    status = serializers.ChoiceField(choices=list(services.STATUSES))
    status_display = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    evidence_state = serializers.CharField(allow_null=True)


def status_rows(result, unit=None):
    out = []
    for task, cells in result.rows(unit=unit):
        for u, c in cells:
            out.append({"task": task.pk, "number": task.number, "title": task.title, "deadline": task.deadline,
                        "unit": u.pk, "unit_name": u.name, "status": c.status, "status_display": str(c.label),
                        "value": c.value, "numerator": c.numerator, "denominator": c.denominator,
                        "target": None if c.target is None else float(c.target),
                        "evidence_state": c.evidence.state if c.evidence else None})
    return out


def own_unit(user, task_list):
    """The one unit of a list whose rows a user sees (a township inspector: their township), or None
    for all of them (the list's region, a region above it, a superuser)."""
    if user.is_superuser or scope.can(user, caps.MANAGE_KEY_TASKS, task_list):
        return None
    region = scope.bound_region(user)
    if region is None or task_list.region.path.startswith(region.path):
        return None
    return region


class KeyTaskListViewSet(_Scoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Key task lists: one per assessing region and year."""

    model = KeyTaskList
    serializer_class = KeyTaskListSerializer
    filterset_fields = ["year", "region"]
    ordering = ["-year", "id"]

    def base(self):
        return KeyTaskList.objects.select_related("region")

    def create(self, request, *args, **kwargs):
        if not scope.can(request.user, caps.MANAGE_KEY_TASKS):
            raise PermissionDenied(_refused())
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_list = call_service(services.task_list_create, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(task_list).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CopyForwardSerializer, responses=KeyTaskListSerializer)
    @action(detail=True, methods=["post"], url_path="copy-forward")
    def copy_forward(self, request, pk=None):
        """The list copied to the next year (or ``year``): deadlines moved, units' targets kept."""
        task_list = scope.get_for(request.user, self.get_queryset(), caps.MANAGE_KEY_TASKS, _refused(), pk=pk)
        body = CopyForwardSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = call_service(services.task_list_copy_forward, by=request.user, task_list=task_list,
                           year=body.validated_data.get("year"))
        return Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="Default: today.")],
                   responses=StatusSerializer(many=True))
    @action(detail=True, methods=["get"])
    def statuses(self, request, pk=None):
        """Every unit × task on ``day`` (met, not_met, due, overdue) with its figure; a unit sees its own."""
        task_list, _can = scope.get(request.user, self.get_queryset(), pk=pk)
        day = None
        if request.query_params.get("day"):
            try:
                day = datetime.date.fromisoformat(request.query_params["day"])
            except ValueError:
                raise DRFValidationError({"day": [_("Enter a valid date.")]}) from None
        result = services.board(task_list, day)
        return Response(StatusSerializer(status_rows(result, own_unit(request.user, task_list)), many=True).data)


# -- tasks ------------------------------------------------------------------------------------------------------------
class KeyTaskSerializer(serializers.ModelSerializer):
    task_list = serializers.PrimaryKeyRelatedField(queryset=KeyTaskList.objects.all())
    kind = enum_field(KeyTask.Kind, "KeyTaskKindEnum")
    comparison = enum_field(KeyTask.Comparison, "KeyTaskComparisonEnum", allow_blank=True, required=False)
    figure = serializers.CharField(max_length=96, allow_blank=True, required=False)
    threshold = serializers.CharField(max_length=64, allow_blank=True, required=False)
    target_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, required=False)
    targets = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=4), required=False,
                                    write_only=True, help_text="The units' own targets: {unit id: value}.")
    unit_targets = serializers.SerializerMethodField(help_text="The units' own targets: {unit id: value}.")

    class Meta:
        model = KeyTask
        fields = ["id", "task_list", "number", "title", "requirement", "deadline", "kind", "figure", "comparison",
                  "target_value", "threshold", "note", "order", "targets", "unit_targets"]
        extra_kwargs = {"order": {"required": False}, "requirement": {"required": False}, "note": {"required": False}}

    def get_unit_targets(self, obj) -> dict[str, str]:
        return {str(t.unit_id): str(t.value) for t in obj.targets.all()}


def _int_keys(targets):
    out = {}
    for key, value in (targets or {}).items():
        if not str(key).isdigit():
            raise DRFValidationError({"targets": [_("A unit is given by its id.")]})
        out[int(key)] = value
    return out


class KeyTaskViewSet(_Scoped, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The tasks of the lists: a registered figure with a comparison and target, or evidence."""

    model = KeyTask
    serializer_class = KeyTaskSerializer
    filterset_fields = ["task_list", "kind"]
    ordering = ["task_list", "order", "id"]

    def base(self):
        return KeyTask.objects.select_related("task_list__region").prefetch_related("targets")

    def create(self, request, *args, **kwargs):
        task_list_id = request.data.get("task_list")
        lists = scope.visible(request.user, KeyTaskList.objects.all()) if may_read(request.user) \
            else KeyTaskList.objects.none()
        task_list = scope.get_for(request.user, lists, caps.MANAGE_KEY_TASKS, _refused(),
                                  pk=task_list_id if str(task_list_id).isdigit() else 0)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("task_list")
        targets = _int_keys(data.pop("targets", None))
        task = call_service(services.task_create, by=request.user, task_list=task_list, targets=targets, **data)
        return Response(self.get_serializer(task).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        task = scope.get_for(request.user, self.get_queryset(), caps.MANAGE_KEY_TASKS, _refused(),
                             pk=self.kwargs["pk"])
        serializer = self.get_serializer(task, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("task_list", None)
        targets = _int_keys(data.pop("targets")) if "targets" in data else None
        task = call_service(services.task_update, by=request.user, task=task, targets=targets, **data)
        return Response(self.get_serializer(task).data)


# -- evidence ---------------------------------------------------------------------------------------------------------
class KeyTaskEvidenceSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = KeyTaskEvidence
        fields = ["id", "task", "unit", "unit_name", "state", "note", "reported_value", "submitted_on",
                  "submitted_at", "decided_on", "reason", "attachments"]
        read_only_fields = ["unit", "state", "submitted_on", "submitted_at", "decided_on", "reason"]

    def get_attachments(self, obj) -> list[int]:
        """The ids of its files (``/attachments/<id>/`` serves each to whoever sees the evidence)."""
        return [a.pk for a in obj.files.all()]


class EvidenceSubmitSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    files = serializers.ListField(child=serializers.FileField(), allow_empty=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False)
    reported_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, required=False)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False)


class KeyTaskEvidenceViewSet(_Scoped, viewsets.ReadOnlyModelViewSet):
    """Evidence a unit uploads for an evidence task; the list's region accepts or returns it."""

    model = KeyTaskEvidence
    serializer_class = KeyTaskEvidenceSerializer
    filterset_fields = ["task", "unit", "state"]
    ordering = ["-submitted_at", "-id"]

    def base(self):
        return KeyTaskEvidence.objects.select_related("unit", "task__task_list").prefetch_related("files")

    @extend_schema(request={"multipart/form-data": EvidenceSubmitSerializer}, responses={201: KeyTaskEvidenceSerializer})
    def create(self, request, *args, **kwargs):
        """Upload the signed-in unit's evidence (multipart: ``task``, ``files``, ``note``, ``reported_value``)."""
        if not scope.can(request.user, caps.SUBMIT_KEY_TASK_EVIDENCE):
            raise PermissionDenied(_("Only the unit itself uploads its evidence."))
        tasks = scope.visible(request.user, KeyTask.objects.select_related("task_list__region"))
        task_id = request.data.get("task")
        task, _can = scope.get(request.user, tasks, pk=task_id if str(task_id).isdigit() else 0)
        body = EvidenceSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = scope.bound_region(request.user)
        if unit is None or unit.parent_id != task.task_list.region_id:
            raise PermissionDenied(_("Only the unit itself uploads its evidence."))
        evidence = call_service(services.evidence_submit, by=request.user, task=task, unit=unit,
                                files=request.FILES.getlist("files"), note=body.validated_data.get("note", ""),
                                reported_value=body.validated_data.get("reported_value"))
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)

    def _for_decision(self):
        return scope.get_for(self.request.user, self.get_queryset(), caps.MANAGE_KEY_TASKS, _refused(),
                             pk=self.kwargs["pk"])

    @extend_schema(request=None, responses=KeyTaskEvidenceSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        evidence = call_service(services.evidence_accept, by=request.user, evidence=self._for_decision())
        return Response(self.get_serializer(evidence).data)

    @extend_schema(request=ReturnSerializer, responses=KeyTaskEvidenceSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        evidence = self._for_decision()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evidence = call_service(services.evidence_return, by=request.user, evidence=evidence,
                                reason=body.validated_data.get("reason", ""))
        return Response(self.get_serializer(evidence).data)


# -- bonus points -----------------------------------------------------------------------------------------------------
class KeyTaskBonusSerializer(serializers.ModelSerializer):
    task_list = serializers.PrimaryKeyRelatedField(queryset=KeyTaskList.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    task = serializers.PrimaryKeyRelatedField(queryset=KeyTask.objects.all(), allow_null=True, required=False)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = serializers.CharField(allow_blank=True)

    class Meta:
        model = KeyTaskBonus
        fields = ["id", "task_list", "task", "unit", "unit_name", "points", "reason", "recorded_at"]
        read_only_fields = ["recorded_at"]


class KeyTaskBonusViewSet(_Scoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Bonus points for units that exceed their creation targets (seed 000 item 12), with the reason."""

    model = KeyTaskBonus
    serializer_class = KeyTaskBonusSerializer
    filterset_fields = ["task_list", "unit"]
    ordering = ["task_list", "id"]

    def base(self):
        return KeyTaskBonus.objects.select_related("unit", "task_list")

    def create(self, request, *args, **kwargs):
        task_list_id = request.data.get("task_list")
        lists = scope.visible(request.user, KeyTaskList.objects.all()) if may_read(request.user) \
            else KeyTaskList.objects.none()
        task_list = scope.get_for(request.user, lists, caps.MANAGE_KEY_TASKS, _refused(),
                                  pk=task_list_id if str(task_list_id).isdigit() else 0)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("task_list")
        bonus = call_service(services.bonus_record, by=request.user, task_list=task_list, **data)
        return Response(self.get_serializer(bonus).data, status=status.HTTP_201_CREATED)


router.register("key-task-lists", KeyTaskListViewSet, basename="key-task-list")
router.register("key-tasks", KeyTaskViewSet, basename="key-task")
router.register("key-task-evidence", KeyTaskEvidenceViewSet, basename="key-task-evidence")
router.register("key-task-bonuses", KeyTaskBonusViewSet, basename="key-task-bonus")
