"""Serving attachments: a file is visible exactly when its owner record is (``scope``)."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from portal.accounts import scope

from .models import Attachment


def attachment_get(user, pk):
    """The attachment if the user may see its owner record; 404 for missing *and* out of scope."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    model = attachment.content_type.model_class()
    if model is None:
        raise Http404("No such record")
    try:
        scope.get(user, model.objects.all(), pk=attachment.object_id)
    except TypeError:  # the owner model declares no Scope: nobody but the admin site shows it
        raise Http404("No such record") from None
    return attachment


@login_required
def attachment_download(request, pk):
    attachment = attachment_get(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No file") from None
    # inline: photos and PDFs open in the browser; FileResponse writes the UTF-8 filename* form
    return FileResponse(handle, as_attachment=False, filename=attachment.download_name,
                        content_type=attachment.mime_type)
