"""/api/v1/risk-categories/, /api/v1/grading-scales/, /api/v1/grading-bands/ and /api/v1/risk-grade/:
the risk control dictionary and the grading methods. Every signed-in user reads them; the bureau
(``manage_risk_dictionary``) writes them through the same services as the pages
(``services.dictionary``), so a page and its endpoint give the same answer. Write access is asked
before the input is read: a role that may not write gets 403, not field errors."""
from types import SimpleNamespace

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from enterprises.models import KeyDomain
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api_common import call_service, django_errors, enum_field

from ..dictionary_catalogue import ACCIDENT_TYPES
from ..filters_dictionary import RiskCategoryFilter
from ..models import (METHOD_FACTORS, CheckCycle, GradingBand, GradingMethod, GradingScale, RiskCategory,
                      RiskLevel, RiskPoint)
from ..services import dictionary as services
from ..services.grading import risk_grade

ACCIDENT_NAMES = dict(ACCIDENT_TYPES)
ACCIDENT_TYPE_CHOICES = SimpleNamespace(values=[code for code, _name in ACCIDENT_TYPES], choices=ACCIDENT_TYPES)


def _refused():
    return PermissionDenied(_("Only the bureau edits the risk control dictionary."))


def _require_edit(user):
    """Write access before the input: 403 for every role but the bureau's."""
    if not scope.can(user, caps.MANAGE_RISK_DICTIONARY):
        raise _refused()


def _texts(help_text, required=True):
    return serializers.ListField(child=serializers.CharField(max_length=services.TEXT_MAX), help_text=help_text,
                                 required=required)


# -- categories --------------------------------------------------------------------------------------
class MeasuresSerializer(serializers.Serializer):
    """Control measures of the four kinds (each a list of texts); a category needs all four."""

    # not required here: a missing kind is the category's rule (the service), said in its words
    engineering = _texts("工程技术措施 (engineering).", required=False)
    management = _texts("管理措施 (management).", required=False)
    ppe = _texts("个体防护措施 (personal protection).", required=False)
    emergency = _texts("应急处置措施 (emergency).", required=False)


class AccidentTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="The GB 6441 name.")


class RiskCategorySerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", queryset=KeyDomain.objects.all(), allow_null=True,
                                          required=False, help_text="Key domain code (dust, smelting, ...); null: general.")
    domain_name = serializers.CharField(source="domain.name", read_only=True, allow_null=True)
    typical_level = enum_field(RiskLevel, "RiskLevelEnum")
    typical_level_display = serializers.CharField(source="get_typical_level_display", read_only=True)
    cycle = enum_field(CheckCycle, "CheckCycleEnum")
    cycle_display = serializers.CharField(source="get_cycle_display", read_only=True)
    factors = _texts("Hazardous factors: at least three.")
    accident_types = serializers.ListField(child=enum_field(ACCIDENT_TYPE_CHOICES, "AccidentTypeEnum"),
                                           help_text="Codes of the 20 accident types of GB 6441.")
    accident_type_names = serializers.SerializerMethodField()
    measures = MeasuresSerializer()
    check_items = _texts("What an employee checks on the spot: at least three.")
    points_count = serializers.SerializerMethodField()

    class Meta:
        model = RiskCategory
        fields = ["id", "code", "name", "domain", "domain_name", "typical_level", "typical_level_display", "cycle",
                  "cycle_display", "factors", "accident_types", "accident_type_names", "measures", "check_items",
                  "order", "active", "points_count", "updated_at"]
        read_only_fields = ["active", "updated_at"]
        # uniqueness and the standard are the service's (the model's full_clean): one message for page and API
        extra_kwargs = {"code": {"validators": [], "required": False, "allow_blank": True,
                                 "help_text": "Set when the category is created (empty: one is made); fixed afterwards."},
                        "name": {"validators": []}, "order": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["code"].read_only = True  # other records name a category by its code, as on the page
        return fields

    @extend_schema_field(AccidentTypeSerializer(many=True))
    def get_accident_type_names(self, obj):
        return [{"code": code, "name": ACCIDENT_NAMES.get(code, code)} for code in obj.accident_types]

    @extend_schema_field(OpenApiTypes.INT)
    def get_points_count(self, obj):
        """Points the user sees that use the category (not retired)."""
        return getattr(obj, "points_count", None) or 0


def _points_using(user):
    points = scope.visible(user, RiskPoint.objects.filter(category=OuterRef("pk"), retired_on__isnull=True))
    return Subquery(points.order_by().values("category").annotate(n=Count("pk")).values("n"))


class RiskCategoryViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The risk control dictionary: every signed-in user reads it (filters as on the page); the bureau
    adds and edits categories and takes them out of use (never deleted: points refer to them)."""

    serializer_class = RiskCategorySerializer
    filterset_class = RiskCategoryFilter
    ordering_fields = ["order", "code", "name", "updated_at"]
    ordering = ["order", "code", "id"]

    def get_queryset(self):
        user = self.request.user
        return scope.visible(user, RiskCategory.objects.select_related("domain")).annotate(
            points_count=_points_using(user))

    def _for_change(self):
        """404 for a missing category, 403 for a reader."""
        return scope.get_for(self.request.user, self.get_queryset(), caps.MANAGE_RISK_DICTIONARY,
                             _("Only the bureau edits the risk control dictionary."), pk=self.kwargs["pk"])

    def _answer(self, category, code=status.HTTP_200_OK):
        category = self.get_queryset().get(pk=category.pk)
        return Response(self.get_serializer(category).data, status=code)

    @staticmethod
    def _service_fields(data):
        data = dict(data)
        if "measures" in data:
            data["measures"] = dict(data["measures"])
        return data

    def create(self, request, *args, **kwargs):
        _require_edit(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = self._service_fields(serializer.validated_data)
        category = call_service(services.category_create, by=request.user, **data)
        return self._answer(category, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        category = self._for_change()
        serializer = self.get_serializer(category, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = self._service_fields(serializer.validated_data)
        category = call_service(services.category_update, category=category, by=request.user, **data)
        return self._answer(category)

    @extend_schema(request=None, responses=RiskCategorySerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Take the category out of use: no new point is recorded from it; points already recorded keep it."""
        category = call_service(services.category_deactivate, category=self._for_change(), by=request.user)
        return self._answer(category)

    @extend_schema(request=None, responses=RiskCategorySerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Put the category back in use."""
        category = call_service(services.category_reactivate, category=self._for_change(), by=request.user)
        return self._answer(category)


# -- scales and bands ------------------------------------------------------------------------------
class GradingFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=GradingMethod.choices)


class GradingScaleFilter(GradingFilter):
    factor = django_filters.CharFilter()

    class Meta:
        model = GradingScale
        fields = ["method", "factor"]


class GradingBandFilter(GradingFilter):
    class Meta:
        model = GradingBand
        fields = ["method"]


class GradingScaleSerializer(serializers.ModelSerializer):
    method = enum_field(GradingMethod, "GradingMethodEnum")
    factor = serializers.CharField(max_length=2, help_text="L, E or C for LEC; L or S for the risk matrix.")
    value = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, coerce_to_string=False,
                                     help_text="A positive value the factor may take.")
    meaning = serializers.CharField(max_length=100)

    class Meta:
        model = GradingScale
        fields = ["id", "method", "factor", "value", "meaning"]
        validators = []  # the method's whole scale is checked by the service


class GradingScaleViewSet(viewsets.ModelViewSet):
    """The values each factor of a method may take, with their meaning. The bureau adds, changes and
    removes values; the method's scale is checked as a whole (values positive, none twice, every
    factor keeps at least one)."""

    serializer_class = GradingScaleSerializer
    filterset_class = GradingScaleFilter
    ordering_fields = ["method", "factor", "value"]
    ordering = ["method", "factor", "-value", "id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return scope.visible(self.request.user, GradingScale.objects.all())

    def _for_change(self):
        return scope.get_for(self.request.user, self.get_queryset(), caps.MANAGE_RISK_DICTIONARY,
                             _("Only the bureau edits the risk control dictionary."), pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        _require_edit(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = call_service(services.grading_scale_save, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        row = self._for_change()
        serializer = self.get_serializer(row, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = {"method": row.method, "factor": row.factor, "value": row.value, "meaning": row.meaning,
                **serializer.validated_data}
        row = call_service(services.grading_scale_save, by=request.user, scale=row, **data)
        return Response(self.get_serializer(row).data)

    def destroy(self, request, *args, **kwargs):
        call_service(services.grading_scale_delete, scale=self._for_change(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GradingBandSerializer(serializers.ModelSerializer):
    method = enum_field(GradingMethod, "GradingMethodEnum", read_only=True)
    level = enum_field(RiskLevel, "RiskLevelEnum", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    lower = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, coerce_to_string=False,
                                     help_text="The band's lowest score; the bands fall strictly from red to blue.")
    inclusive = serializers.BooleanField(required=False, help_text="Whether a score equal to lower is in the band.")

    class Meta:
        model = GradingBand
        fields = ["id", "method", "level", "level_display", "lower", "inclusive"]


class GradingBandViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The four bands of each method (one per class): the bureau moves their lower bounds."""

    serializer_class = GradingBandSerializer
    filterset_class = GradingBandFilter
    ordering_fields = ["method", "lower"]
    ordering = ["method", "-lower", "id"]

    def get_queryset(self):
        return scope.visible(self.request.user, GradingBand.objects.all())

    def update(self, request, *args, **kwargs):
        band = scope.get_for(request.user, self.get_queryset(), caps.MANAGE_RISK_DICTIONARY,
                             _("Only the bureau edits the risk control dictionary."), pk=self.kwargs["pk"])
        serializer = self.get_serializer(band, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        band = call_service(services.grading_band_save, band=band, by=request.user,
                            lower=data.get("lower", band.lower), inclusive=data.get("inclusive"))
        return Response(self.get_serializer(band).data)


# -- the calculator --------------------------------------------------------------------------------
class RiskGradeRequestSerializer(serializers.Serializer):
    method = enum_field(GradingMethod, "GradingMethodEnum")
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False),
        help_text='The value of each factor: {"L": 3, "E": 6, "C": 7} for LEC, {"L": 3, "S": 4} for the risk '
                  "matrix; each must be one of the method's scale.")


class RiskGradeSerializer(serializers.Serializer):
    method = enum_field(GradingMethod, "GradingMethodEnum")
    score = serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=False,
                                     help_text="The product of the factors' values.")
    level = enum_field(RiskLevel, "RiskLevelEnum")
    level_display = serializers.CharField()


class RiskGradeViewSet(viewsets.GenericViewSet):
    """Grade factor values with a method's current scales and bands (what a point's grading does)."""

    serializer_class = RiskGradeRequestSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(request=RiskGradeRequestSerializer, responses={200: RiskGradeSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        method, values = serializer.validated_data["method"], serializer.validated_data["values"]
        try:
            score, level = risk_grade(method=method, values=values)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.message_dict) <= set(METHOD_FACTORS[GradingMethod(method)]):
                raise serializers.ValidationError({"values": exc.message_dict}) from exc
            raise django_errors(exc) from exc
        return Response(RiskGradeSerializer({"method": method, "score": score, "level": level,
                                             "level_display": RiskLevel(level).label}).data)
