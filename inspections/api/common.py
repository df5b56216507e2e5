"""Pieces every inspections endpoint shares: how a service's errors become a 400, who inspects,
attachments in responses, named enums for the schema, list fields a multipart form sends as JSON."""
import json
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.utils import html

from portal.accounts import scope
from portal.attachments.models import Attachment

from ..models import MajorHazardCriterion

PARSERS = [JSONParser, MultiPartParser, FormParser]
ENUM_FIELDS = {}


def enum_field(choices, name, **kwargs):
    """A choice field documented as the one enum component ``name``: the portal's choice sets share
    field names (kind, status), which drf-spectacular cannot tell apart by itself."""
    if name not in ENUM_FIELDS:
        schema = {"type": "string", "enum": list(choices.values)}
        ENUM_FIELDS[name] = extend_schema_field(schema, component_name=name)(
            type(name, (serializers.ChoiceField,), {"__module__": __name__}))
    return ENUM_FIELDS[name](choices=choices.choices, **kwargs)


def django_errors(exc):
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"detail": exc.messages})


def call_service(service, **kwargs):
    """The service's ``ValidationError`` as a 400; its ``PermissionDenied`` (who may not) stays a 403."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise django_errors(exc) from exc


def required_id(data, name):
    """The id of the record a write hangs on, read before the rest is validated: its scope decides first."""
    value = data.get(name) if hasattr(data, "get") else None
    if value in (None, ""):
        raise serializers.ValidationError({name: [serializers.Field.default_error_messages["required"]]})
    return value


def may_inspect(user):
    """Who submits inspections and reports hazards as an inspector (``inspect`` in the capability
    table): bureau staff and township inspectors (a cross-inspector through the scope grant), the superuser."""
    return scope.can(user, "inspect")


# -- attachments ---------------------------------------------------------------------------------------------------
class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "mime_type", "size", "taken_at", "url"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj):
        return reverse("attachments:download", args=[obj.pk])


def attachments_of(model, ids):
    """``{owner id: [attachment, ...]}`` for the owners ``ids`` of ``model``: one query."""
    found = defaultdict(list)
    rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids))
    for attachment in rows:
        found[attachment.object_id].append(attachment)
    return found


class PhotosMixin(serializers.Serializer):
    photos = serializers.SerializerMethodField()

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_photos(self, obj):
        return AttachmentSerializer(attachments_of(type(obj), [obj.pk])[obj.pk], many=True).data


# -- input helpers -----------------------------------------------------------------------------------------------
class JSONListField(serializers.ListField):
    """A list in a JSON body; in a multipart form, the same list as one JSON-encoded text field."""

    default_error_messages = {"invalid_json": gettext_lazy("Not valid JSON.")}

    def get_value(self, dictionary):
        if html.is_html_input(dictionary):
            return dictionary.get(self.field_name, empty)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid_json")
        return super().to_internal_value(data)


class CriterionField(serializers.CharField):
    """A major-hazard criterion by its code (``DUST-3``) or id; empty for a general hazard."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return None
        criteria = MajorHazardCriterion.objects.filter(active=True)
        criterion = criteria.filter(Q(code=value) | Q(pk=int(value) if value.isdigit() else None)).first()
        if criterion is None:
            raise serializers.ValidationError(_("Unknown major-hazard criterion."))
        return criterion


def criterion_field():
    return CriterionField(required=False, allow_null=True, allow_blank=True,
                          help_text="The major-hazard criterion met, by code (e.g. DUST-3) or id; "
                                    "naming one makes the hazard major. Empty: a general hazard.")
