"""Allocating document numbers."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import DocumentNumber, format_number


def document_number_next(*, prefix, year, kind="", region=None):
    """The next number of ``prefix`` in ``year`` as ``(number, text)``, e.g. ``(89, "常应急函〔2022〕89号")``.

    The row is created on first use and locked (SELECT … FOR UPDATE) while it is incremented, so two
    concurrent callers never get the same number; a race on the first insert is resolved by the
    unique constraint inside ``get_or_create``, which then reads the winner's row.
    """
    prefix = (prefix or "").strip()
    if not prefix:
        raise ValidationError(_("A document number needs the issuing unit's prefix."))
    year = int(year)
    if not 1900 <= year <= 9999:
        raise ValidationError(_("The year of a document number must have four digits."))
    with transaction.atomic():
        row, _created = DocumentNumber.objects.select_for_update().get_or_create(
            prefix=prefix, year=year, defaults={"kind": kind, "region": region}
        )
        row.last_number += 1
        row.save(update_fields=["last_number"])
    return row.last_number, format_number(prefix, year, row.last_number)
