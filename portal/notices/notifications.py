"""The message a published notice sends (the message centre's kind ``notices.published``): to every
user bound within the units it is addressed to who reads notices, once each."""
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts import capabilities as caps
from portal.accounts.recipients import readers_within
from portal.notifications.kinds import register_kind
from portal.notifications.services import notification_build, notifications_send

NOTICE_PUBLISHED = register_kind(
    "notices.published", gettext_lazy("Notice published"),
    description=gettext_lazy("A bureau published a notice addressed to your unit."))


def notice_published_send(*, notice):
    """Send the message to the addressed units' readers (written in the deployment's language);
    how many. A fixed number of queries: the units, the users, one INSERT."""
    units = [r.region for r in notice.recipients.select_related("region").order_by("order", "pk")]
    readers = readers_within(units, caps.READ_NOTICES)
    url = reverse("notices:detail", args=[notice.pk])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Notice %(number)s: %(title)s") % {"number": notice.number, "title": notice.title}
        body = _("%(authority)s published %(number)s, addressed to your unit. Open it to read it; the PDF and the "
                 "Word file can be downloaded there.") % {"authority": notice.authority, "number": notice.number}
    return notifications_send(notifications=[
        notification_build(user=user_id, kind=NOTICE_PUBLISHED.name, title=title, body=body, url=url, obj=notice)
        for _region_id, user_id in readers])
