"""What stays inspections' own in its API: who inspects, whose plan it is, the major-hazard
criterion field. The pieces every app's API shares (the error shape, enums, parsers, photos) live
in ``portal.api_common`` and are re-exported here for the inspections endpoints."""
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty

from portal.accounts import scope
from portal.api_common import (PARSERS, AttachmentSerializer, JSONListField, PhotosMixin,  # noqa: F401
                               attachments_of, call_service, django_errors, enum_field, required_id)

from ..models import MajorHazardCriterion


def may_inspect(user):
    """Who submits inspections and reports hazards as an inspector (``inspect`` in the capability
    table): bureau staff and township inspectors (a cross-inspector through the scope grant), the superuser."""
    return scope.can(user, "inspect")


class CriterionField(serializers.CharField):
    """A major-hazard criterion by its code (``DUST-3``) or id; empty for a general hazard."""

    def run_validation(self, data=empty):
        # a CharField answers "" for "" without asking to_internal_value: empty means none here
        return super().run_validation(data) or None

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return None
        criteria = MajorHazardCriterion.objects.filter(active=True)
        as_id = int(value) if value.isdigit() and len(value) < 10 else None  # past that, no id: not a DataError
        criterion = criteria.filter(Q(code=value) | Q(pk=as_id)).first()
        if criterion is None:
            raise serializers.ValidationError(_("Unknown major-hazard criterion."))
        return criterion


def criterion_field():
    return CriterionField(required=False, allow_null=True, allow_blank=True,
                          help_text="The major-hazard criterion met, by code (e.g. DUST-3) or id; "
                                    "naming one makes the hazard major. Empty: a general hazard.")
