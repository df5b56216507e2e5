"""/api/v1/enterprises/: the roster over REST, scoped and validated like the pages (same services)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import django_errors

from . import services
from .filters import EnterpriseFilter
from .forms import ENTERPRISE_SELF_FIELDS
from .models import ChemicalStorageSite, Enterprise, KeyDomain
from .validators import normalize_credit_code, normalize_phone, normalize_text


class ChemicalStorageSiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChemicalStorageSite
        fields = ["id", "kind", "name", "chemicals", "capacity"]


class EnterpriseSerializer(serializers.ModelSerializer):
    key_domains = serializers.SlugRelatedField(slug_field="code", many=True, queryset=KeyDomain.objects.all(),
                                               required=False)
    township_name = serializers.CharField(source="township.name", read_only=True)
    industry_name = serializers.CharField(source="industry.__str__", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    chemical_sites = ChemicalStorageSiteSerializer(many=True, read_only=True)
    is_key_sector = serializers.BooleanField(required=False, allow_null=True, default=None)
    effective_date = serializers.DateField(write_only=True, required=False, allow_null=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "name", "address", "township", "township_name", "village", "grid_cell",
                  "industry", "industry_name", "key_domains", "is_key_sector", "above_scale",
                  "dust_workers_per_shift", "status", "status_display", "principal_name", "principal_phone",
                  "safety_section_established", "host", "chemical_sites", "created_at", "updated_at",
                  "effective_date", "reason"]
        read_only_fields = ["created_at", "updated_at"]
        # uniqueness and the check digit are checked by the model's full_clean in the service
        extra_kwargs = {"credit_code": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            regions = scope.regions(request.user)
            self.fields["township"].queryset = scope.townships(request.user)
            self.fields["village"].queryset = regions.filter(level="village")
            self.fields["grid_cell"].queryset = scope.grid_cells(request.user)
            self.fields["host"].queryset = scope.visible(request.user, Enterprise.objects.all())

    def validate_credit_code(self, value):
        return normalize_credit_code(value)

    def validate_name(self, value):
        return normalize_text(value)

    def validate_principal_phone(self, value):
        return normalize_phone(value)


class EnterpriseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The enterprises the user may see; create and update go through the roster services."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "credit_code", "dust_workers_per_shift", "updated_at"]
    ordering = ["pk"]

    def get_queryset(self):
        return scope.visible(self.request.user, Enterprise.objects.select_related(
            "township", "industry", "industry__parent").prefetch_related("key_domains", "chemical_sites"))

    def get_object(self):
        if getattr(self, "_object", None) is None:
            self._object, self.can_change = scope.get(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])
        return self._object

    @staticmethod
    def _may_create(user):
        return scope.can(user, caps.MANAGE_ROSTER)

    def create(self, request, *args, **kwargs):
        # write access before validation: a role that may not create gets 403, not field errors
        if not self._may_create(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        # scope first (404), then write access (403), then validation (400)
        self.get_object()
        if not self.can_change:
            raise PermissionDenied
        if not self._may_create(request.user) and set(request.data) - set(ENTERPRISE_SELF_FIELDS):
            raise PermissionDenied  # an enterprise's own users change only what they file themselves
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        user = self.request.user
        if not self._may_create(user):
            raise PermissionDenied
        data = dict(serializer.validated_data)
        try:  # the service checks the actor again (403) before the data (400)
            serializer.instance = services.enterprise_create(
                by=user, key_domains=data.pop("key_domains", []), is_key_sector=data.pop("is_key_sector", None),
                effective_date=data.pop("effective_date", None), reason=data.pop("reason", ""), **data)
        except DjangoValidationError as exc:
            raise django_errors(exc) from exc

    def perform_update(self, serializer):
        user = self.request.user
        if not self.can_change:
            raise PermissionDenied
        data = dict(serializer.validated_data)
        data.pop("credit_code", None)  # the credit code identifies the enterprise: not changed here
        if not self._may_create(user) and set(data) - set(ENTERPRISE_SELF_FIELDS):
            raise PermissionDenied
        domains = data.pop("key_domains", None)
        if data.get("is_key_sector", False) is None:
            data["is_key_sector"] = services.derived_key_sector(
                domains if domains is not None else serializer.instance.key_domains.all())
        try:
            serializer.instance = services.enterprise_update(
                enterprise=serializer.instance, by=user, key_domains=domains,
                effective_date=data.pop("effective_date", None), reason=data.pop("reason", ""), **data)
        except DjangoValidationError as exc:
            raise django_errors(exc) from exc


router.register("enterprises", EnterpriseViewSet, basename="enterprise")
