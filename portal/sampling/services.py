"""Drawing a recorded random sample and replaying it.

The draw is ``random.Random(seed).sample(sorted population ids, k)``: with the stored population
and seed anyone can recompute it (``sample_replay``), so a draw cannot be quietly redone until
the wanted enterprises come up."""
import math
import random
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Sample


def _draw(population_ids, k, seed):
    return random.Random(int(seed)).sample(sorted(population_ids), k)


@transaction.atomic
def sample_draw(*, queryset, title, by, n=None, percent=None, seed=None, filters=None, region=None) -> Sample:
    """Draw ``n`` records, or ``percent`` % of them rounded up, from ``queryset`` and record it.

    ``queryset`` must already be scoped by the caller (``scope.visible(user, ...)`` plus the
    filters the user chose): this service draws from whatever it is given. ``filters`` is stored
    as the description, e.g. ``{"params": {"township": "5"}, "description": "湖塘镇 · 在产"}``.
    ``region`` is the unit that drew (it scopes who may see the sample)."""
    if (n is None) == (percent is None):
        raise ValidationError(_("Give either a number or a percentage to draw, not both or neither."))
    if not (title or "").strip():
        raise ValidationError(_("Say what the sample is for."))
    population = sorted(queryset.order_by().values_list("pk", flat=True).distinct())
    size = len(population)
    if size == 0:
        raise ValidationError(_("There is nothing to draw from: the selection is empty."))
    if percent is not None:
        if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100:
            raise ValidationError(_("The percentage must be a whole number from 1 to 100."))
        k = math.ceil(size * percent / 100)  # rounded up: 20 % of 17 -> 4
    else:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValidationError(_("The number to draw must be at least 1."))
        if n > size:
            raise ValidationError(
                _("Cannot draw %(n)s from %(size)s: the selection holds only %(size)s.") % {"n": n, "size": size})
        k = n
    if seed is None:
        seed = secrets.randbits(64)
    elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 64:
        raise ValidationError(_("The seed must be a whole number from 0 to 2^64 - 1."))
    sample = Sample(
        title=title.strip(), content_type=ContentType.objects.get_for_model(queryset.model),
        filters=filters or {}, population_ids=population, population_size=size, n=n, percent=percent,
        drawn_size=k, seed=seed, drawn_ids=_draw(population, k, seed), drawn_by=by, region=region)
    sample.full_clean()
    sample.save()
    return sample


def sample_replay(sample):
    """The draw recomputed from the stored population and seed; equals ``sample.drawn_ids``."""
    return _draw(sample.population_ids, sample.drawn_size, sample.seed)
