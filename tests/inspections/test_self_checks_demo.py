"""The demo's campaign with its self-check list half done (issue 11 "Demo"), built on the test world:
the bureau sends, half the lists (never the demo enterprise account's) are done through the service."""
import random

import pytest
from django.utils import timezone

from inspections.demo_self_checks import self_checks_build
from inspections.models import Campaign, SelfCheckList
from portal.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_a_campaign_with_its_self_check_list_half_done(world):
    ctx = DemoContext(rng=random.Random(1), seed=1, enterprises=3, districts=1, today=timezone.localdate(),
                      log=lambda *a: None, users={"bureau": world.bureau, "qiye": world.principal})
    self_checks_build(ctx)
    campaign = Campaign.objects.get()
    assert campaign.start <= ctx.today <= campaign.end
    lists = SelfCheckList.objects.filter(campaign=campaign)
    # three producing enterprises in Wujin: three lists, 3 // 2 = 1 done, never the qiye account's
    assert lists.count() == 3 and lists.filter(state="done").count() == 1
    assert lists.get(enterprise=world.e_hutang).state == "sent"
    done = lists.get(state="done")
    assert done.answers.count() == done.checklist.items.count() and done.done_at.date() <= ctx.today
