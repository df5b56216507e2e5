"""Document numbers (发文字号): one running sequence per issuing unit and year."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentNumber(models.Model):
    """The last number an issuing unit gave out in a year, e.g. 常应急函 2022 → 89.

    GB/T 9704-2012 §7.2.4: the number restarts each year; one row per (prefix, year) holds the
    counter, locked with SELECT … FOR UPDATE by ``document_number_next``.
    """

    prefix = models.CharField(_("issuing unit prefix"), max_length=32,
                              help_text=_("The agency abbreviation and document kind every number starts with."))
    region = models.ForeignKey("grid.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        constraints = [
            # the sequence key; also the index the locking lookup uses
            models.UniqueConstraint(fields=["prefix", "year"], name="documents_number_prefix_year_unique"),
        ]

    def __str__(self):
        return format_number(self.prefix, self.year, self.last_number)


def format_number(prefix, year, number):
    """常应急函〔2022〕89号: year in 〔〕, no 第, no leading zeros (GB/T 9704-2012 §7.2.4)."""
    return f"{prefix}〔{int(year)}〕{int(number)}号"
