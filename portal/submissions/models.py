"""Idempotent submissions: a retried field submission returns the first result (STYLE: "Bad input").

A client (a page's hidden field, the mobile app's header) sends a key it made up for one attempt;
the first request with that key runs and its response is stored here; a retry with the same key and
the same payload gets the stored response back without doing the work twice."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    kind = models.CharField(_("kind"), max_length=64, help_text=_("The endpoint, e.g. inspections.submit."))
    client_key = models.CharField(_("client key"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="submissions")
    payload_hash = models.CharField(_("payload hash"), max_length=64, help_text=_("SHA-256 of the canonical JSON."))
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            # submit_once() looks a key up, and serialises concurrent first uses, by this index.
            models.UniqueConstraint(fields=["kind", "client_key"], name="submission_unique_key_per_kind"),
        ]

    def __str__(self):
        return f"{self.kind} {self.client_key}"
