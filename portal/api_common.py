"""What every app's API (/api/v1/) shares: one error shape, the schema that documents it, named
enums, the parsers and list fields a multipart form needs, and attachments (photos) in responses.

Every refusal of every endpoint answers the same JSON object::

    {"detail": "该隐患当前状态为“已上报”，不能进行此操作。", "code": "invalid", "fields": {}}
    {"detail": "以下字段有误：fine。", "code": "invalid", "fields": {"fine": ["该字段是必填项。"]}}
    {"detail": "您没有执行该操作的权限。", "code": "permission_denied", "fields": {}}

``detail`` is for a person (Chinese), ``code`` for a program, ``fields`` names each bad field by its
path (``answers.2.item`` for an item of a list) with its messages. ``exception_handler`` gives it
to DRF's exceptions and to a service's Django ``ValidationError``; ``PortalAutoSchema`` documents
it as the ``Error`` component on every operation's 400, 403 and 404 (session authentication comes
first, so DRF answers 403, never 401, to a request that is not signed in)."""
import json
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import html
from rest_framework.views import exception_handler as drf_exception_handler

from portal.attachments.models import Attachment

PARSERS = [JSONParser, MultiPartParser, FormParser]
_NON_FIELD_KEYS = {"detail", NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY}


# -- the error shape -------------------------------------------------------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer of the API (documented as the ``Error`` component)."""

    detail = serializers.CharField(help_text="What went wrong, for a person (in the user's language).")
    code = serializers.CharField(help_text="What went wrong, for a program: invalid, not_authenticated, "
                                           "permission_denied, not_found, conflict, ...")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The messages of each bad field, by its path (answers.2.item for an item of a list); "
                  "empty when the request as a whole was refused.")


def _flatten(errors, path, fields, general):
    """Walk DRF's nested errors into ``fields`` (``{path: [message]}``) and ``general`` (the
    messages about the request as a whole: DRF's non_field_errors, a service's detail)."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            inner = "" if not path and key in _NON_FIELD_KEYS else f"{path}.{key}" if path else str(key)
            _flatten(value, inner, fields, general)
    elif isinstance(errors, (list, tuple)) and any(isinstance(e, (dict, list, tuple)) for e in errors):
        for index, value in enumerate(errors):  # a list field's items: errors by position
            _flatten(value, f"{path}.{index}" if path else str(index), fields, general)
    else:
        messages = [str(e) for e in (errors if isinstance(errors, (list, tuple)) else [errors]) if e not in (None, "")]
        if messages:
            (fields.setdefault(path, []) if path else general).extend(messages)


def error_body(detail, *, code, fields=None):
    return {"detail": str(detail), "code": code, "fields": fields or {}}


def validation_body(errors):
    """The error shape for a validation error in DRF's form (dict, list or message)."""
    fields, general = {}, []
    _flatten(errors, "", fields, general)
    if general:
        detail = " ".join(general)
    elif fields:
        detail = _("Some fields are not valid: %(fields)s.") % {"fields": "、".join(fields)}
    else:
        detail = _("The request is not valid.")
    return error_body(detail, code="invalid", fields=fields)


def django_errors(exc):
    """A service's Django ``ValidationError`` as DRF's (field errors stay on their fields)."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"detail": exc.messages})


def exception_handler(exc, context):
    """DRF's handler, then every answer in the one error shape. A Django ``ValidationError`` raised
    by a service is a 400 like a serializer's; a missing or out-of-scope record a 404 that says
    nothing more (scope's rule: "no access" and "does not exist" look the same)."""
    if isinstance(exc, DjangoValidationError):
        exc = django_errors(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No such record."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)  # a service's reason for the refusal is kept
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
    else:
        detail = getattr(exc, "detail", "")
        code = detail.code if isinstance(detail, exceptions.ErrorDetail) and detail.code else "error"
        response.data = error_body(detail, code=code)
    return response


def error_response(detail, *, code, status_code):
    """For a view that answers a refusal itself rather than raising (the idempotent submit)."""
    return Response(error_body(detail, code=code), status=status_code)


def call_service(service, **kwargs):
    """``service(**kwargs)``; its ``ValidationError`` becomes the API's 400 (kept for readability:
    the exception handler would do the same)."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise django_errors(exc) from exc


def required_id(data, name):
    """The id of the record a write hangs on, read before the rest is validated: its scope decides first."""
    value = data.get(name) if hasattr(data, "get") else None
    if value in (None, ""):
        raise serializers.ValidationError({name: [serializers.Field.default_error_messages["required"]]})
    if isinstance(value, bool) or not str(value).isdigit():
        raise serializers.ValidationError({name: [serializers.IntegerField.default_error_messages["invalid"]]})
    return value


# -- the schema ----------------------------------------------------------------------------------------------------
ERROR_RESPONSES = {  # the schema's own language, like every help text
    "400": "The request was refused: see detail and fields.",
    "403": "Not signed in (or a bad token), or the user may not do this.",
    "404": "No such record, or not one the user may see.",
}
BODY_ERROR_RESPONSES = {"415": "The body is not JSON, a form or a multipart form (or a malformed one)."}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error shape on every operation's error codes (an
    operation's own ``@extend_schema(responses=...)`` for a code wins)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERROR_RESPONSES, **(BODY_ERROR_RESPONSES if self.method in ("POST", "PUT", "PATCH") else {}))
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code, direction=direction)
        return responses


# -- named enums -----------------------------------------------------------------------------------------------------
ENUM_FIELDS = {}


def enum_field(choices, name, **kwargs):
    """A choice field documented as the one enum component ``name``: the portal's choice sets share
    field names (kind, status), which drf-spectacular cannot tell apart by itself. A field that may
    be blank or null says so next to the component (``allow_blank`` / ``allow_null``)."""
    if name not in ENUM_FIELDS:
        schema = {"type": "string", "enum": list(choices.values)}
        ENUM_FIELDS[name] = extend_schema_field(schema, component_name=name)(
            type(name, (serializers.ChoiceField,), {"__module__": __name__}))
    field_class = ENUM_FIELDS[name]
    blank, null = kwargs.get("allow_blank", False), kwargs.get("allow_null", False)
    if blank or null:
        # the component stays the choices; this field is "one of them, or nothing" (a hazard's
        # first event has no from_status)
        schema = {"oneOf": [{"$ref": f"#/components/schemas/{name}"},
                            *([{"type": "string", "enum": [""]}] if blank else [])]}
        if null:
            schema["nullable"] = True
        field_class = extend_schema_field(schema)(
            type(f"{name}{'OrBlank' if blank else ''}{'OrNull' if null else ''}", (field_class,),
                 {"__module__": __name__}))
    return field_class(choices=choices.choices, **kwargs)


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


# -- attachments -------------------------------------------------------------------------------------------------
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


__all__ = ["PARSERS", "AttachmentSerializer", "ErrorSerializer", "JSONListField", "PhotosMixin", "PortalAutoSchema",
           "attachments_of", "call_service", "django_errors", "enum_field", "error_body", "error_response",
           "exception_handler", "required_id", "validation_body"]
