"""Messages about hazard deadlines (issue 8 §9), sent once each by the daily job.

- due soon: an open hazard whose deadline falls within the warning days of its township (threshold
  ``inspections.deadline_warning_days``, the same that the to-do lists use) goes to the enterprise's
  principal and safety manager;
- passed: an open hazard whose deadline has passed goes to them and to the township's inspectors.

Each message is keyed by the hazard's deadline: once per user, kind, hazard and deadline, so a job
run twice sends nothing twice and an extended deadline is announced again. A deadline that passed
is announced within the warning days after it passed (a missed daily run catches up); hazards overdue
for longer are in the to-do lists, not sent again and again.
Selection is a fixed number of queries whatever the number of hazards or recipients.
"""
from collections import defaultdict
import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from grid.models import Region
from portal.accounts.recipients import enterprise_writers, township_inspectors
from portal.notifications.kinds import register_kind
from portal.notifications.services import notification_build, notifications_send
from portal.rules.services import thresholds_for

from .models import Hazard, HazardStatus

WARNING_DAYS = "inspections.deadline_warning_days"

HAZARD_DUE_SOON = register_kind(
    "inspections.hazard_due_soon", gettext_lazy("Hazard deadline approaching"),
    description=gettext_lazy("An open hazard of your enterprise is due within the warning days."))
HAZARD_OVERDUE = register_kind(
    "inspections.hazard_overdue", gettext_lazy("Hazard deadline passed"),
    description=gettext_lazy("An open hazard is past its rectification deadline "
                             "(to the enterprise and the township's inspectors)."))


def _due_soon_message(user_id, hazard, day):
    left = (hazard.deadline - day).days
    body = ngettext("Rectification deadline: %(deadline)s (%(days)d day left).",
                    "Rectification deadline: %(deadline)s (%(days)d days left).", left) % {
        "deadline": hazard.deadline.isoformat(), "days": left}
    return notification_build(
        user=user_id, kind=HAZARD_DUE_SOON.name, obj=hazard, key=hazard.deadline.isoformat(),
        title=_("Hazard due on %(deadline)s: %(enterprise)s") % {
            "deadline": hazard.deadline.isoformat(), "enterprise": hazard.enterprise.name},
        body=f"{hazard.description}\n{body}", url=reverse("inspections:hazard_detail", args=[hazard.pk]))


def _overdue_message(user_id, hazard):
    return notification_build(
        user=user_id, kind=HAZARD_OVERDUE.name, obj=hazard, key=hazard.deadline.isoformat(),
        title=_("Hazard past its deadline (%(deadline)s): %(enterprise)s") % {
            "deadline": hazard.deadline.isoformat(), "enterprise": hazard.enterprise.name},
        body=f"{hazard.description}\n" + _("The rectification deadline was %(deadline)s; the hazard is still open.") % {
            "deadline": hazard.deadline.isoformat()},
        url=reverse("inspections:hazard_detail", args=[hazard.pk]))


def hazard_deadline_notices(*, day):
    """Send the deadline messages due on ``day``; how many hazards of each kind and messages offered
    (the database skips those already sent). Messages are written in the deployment's language."""
    townships = list(Region.objects.filter(level=Region.Level.TOWNSHIP).only("pk", "path"))  # 1 query
    days_by_path = thresholds_for(WARNING_DAYS, townships, on=day)  # 1 query
    days_by_township = {t.pk: int(days_by_path[t.path]) for t in townships}
    widest = max(days_by_township.values(), default=0)
    candidates = (Hazard.objects.exclude(status=HazardStatus.CLOSED)
                  .filter(deadline__gte=day - datetime.timedelta(days=widest),
                          deadline__lte=day + datetime.timedelta(days=widest))
                  .select_related("enterprise").only("pk", "deadline", "description", "enterprise__name",
                                                     "enterprise__township")
                  .order_by("deadline", "pk"))  # 1 query
    due_soon, overdue = [], []
    for hazard in candidates:
        days = days_by_township.get(hazard.enterprise.township_id)
        if days is None:
            continue
        window = datetime.timedelta(days=days)
        if day <= hazard.deadline <= day + window:
            due_soon.append(hazard)
        elif day - window <= hazard.deadline < day:
            overdue.append(hazard)
    writers, inspectors = defaultdict(list), defaultdict(list)
    for enterprise_id, user_id in enterprise_writers({h.enterprise_id for h in due_soon + overdue}):  # 1 query
        writers[enterprise_id].append(user_id)
    for township_id, user_id in township_inspectors({h.enterprise.township_id for h in overdue}):  # 1 query
        inspectors[township_id].append(user_id)
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_due_soon_message(user_id, hazard, day)
                    for hazard in due_soon for user_id in writers[hazard.enterprise_id]]
        messages += [_overdue_message(user_id, hazard) for hazard in overdue
                     for user_id in writers[hazard.enterprise_id] + inspectors[hazard.enterprise.township_id]]
    notifications_send(notifications=messages)  # 1 INSERT ... ON CONFLICT DO NOTHING
    return {"due_soon": len(due_soon), "overdue": len(overdue), "messages": len(messages)}
