"""Self-check lists (自查清单) a campaign sends to its enterprises (seed 001 (二)一: 市应急管理局共向全市
27891 家正常生产的工贸企业发送自查清单，已开展自查 25345 家，占总数的 90.87%).

A campaign sends a published checklist version (``ChecklistTemplate``) with a due date to its target
enterprises: one ``SelfCheckList`` per (campaign, enterprise), sent once — sending again adds only
the enterprises still missing. The enterprise answers every item (pass, fail, not applicable; a note,
a photo) and submits once: a failed item becomes a hazard in the ledger (source "self_check",
linked from its ``SelfCheckAnswer``), and the list is done for good. ``township`` is the
enterprise's township when the list was sent, so a later transfer does not move the figures.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region

from .checklists import ChecklistItem, ChecklistTemplate
from .hazards import Hazard
from .inspections import InspectionAnswer
from .plans import Campaign


class SelfCheckState(models.TextChoices):
    SENT = "sent", _("Waiting for the self-check")
    DONE = "done", _("Self-check done")


class SelfCheckList(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="self_check_lists")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="self_check_lists")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The enterprise's township when the list was sent."))
    checklist = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT,
                                  related_name="self_check_lists")
    state = models.CharField(_("state"), max_length=8, choices=SelfCheckState.choices, default=SelfCheckState.SENT)
    due_date = models.DateField(_("due date"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        # the enterprise fills its own list (its principal or safety manager: report_hazard, since
        # each failed item enters the hazard ledger)
        change = ("report_hazard",)
        owners = {"report_hazard": ("enterprise", "enterprise_id")}

    class Meta:
        verbose_name = _("self-check list")
        verbose_name_plural = _("self-check lists")
        ordering = ["-sent_at", "township__path", "enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="self_check_one_per_enterprise"),
            models.CheckConstraint(condition=Q(state="done", done_at__isnull=False) | Q(state="sent", done_at__isnull=True),
                                   name="self_check_done_has_time"),
        ]
        indexes = [
            # figures: lists sent per township and period
            models.Index(fields=["township", "sent_at"], name="self_check_township_sent"),
            # the enterprise's to-do: its lists waiting
            models.Index(fields=["enterprise", "state"], name="self_check_enterprise_state"),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.enterprise}"

    @property
    def is_done(self):
        return self.state == SelfCheckState.DONE


class SelfCheckAnswer(models.Model):
    """The enterprise's answer to one item of its list. ``item_code`` is copied so findings match
    across checklist versions (as an inspection's answers); a failed item names its hazard."""

    Result = InspectionAnswer.Result

    self_check = models.ForeignKey(SelfCheckList, verbose_name=_("self-check list"), on_delete=models.CASCADE,
                                   related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("check item"), on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(_("item code"), max_length=20)
    result = models.CharField(_("result"), max_length=8, choices=InspectionAnswer.Result.choices)
    note = models.TextField(_("note"), blank=True)
    hazard = models.OneToOneField(Hazard, verbose_name=_("hazard"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="self_check_answer")

    class Scope:
        region = "self_check__enterprise__township"
        enterprise = "self_check__enterprise"
        cell = "self_check__enterprise__grid_cell"

    class Meta:
        verbose_name = _("self-check answer")
        verbose_name_plural = _("self-check answers")
        ordering = ["self_check", "item__order", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["self_check", "item"], name="self_check_answer_one_per_item"),
        ]

    def __str__(self):
        return f"{self.item_code} {self.get_result_display()}"
