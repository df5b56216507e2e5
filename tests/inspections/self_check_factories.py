"""A campaign with its self-check list, built through the services (issue 11 item 4)."""
import datetime

from inspections import services
from inspections.models import ChecklistTemplate

D = datetime.date


def general():
    return ChecklistTemplate.objects.get(code="general", region=None, status="published")


def make_campaign(world, *, targets=None, start=D(2026, 11, 1), end=D(2026, 12, 31), name="工贸行业安全生产大检查"):
    targets = [world.e_hutang, world.e_hutang2, world.e_luoyang] if targets is None else targets
    return services.campaign_create(region=world.wujin, by=world.bureau, name=name, kind="general", start=start,
                                    end=end, targets=targets)


def send(campaign, by, *, checklist=None, due_date=D(2026, 11, 30)):
    return services.self_check_send(campaign=campaign, by=by, checklist=checklist or general(), due_date=due_date)


def answers_for(self_check, failures=None, skip=()):
    """Every item passed except ``failures`` ({code: note}) and those in ``skip`` (left out)."""
    failures = failures or {}
    return [{"item": item.code, "result": "fail" if item.code in failures else "pass",
             "note": failures.get(item.code, "")}
            for item in services.self_check_items(self_check) if item.code not in skip]
