"""factory_boy factories. Enterprises are created through the roster service, so a test world
holds only states the portal itself can reach (a registered change for every enterprise)."""
import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from enterprises import services
from enterprises.models import EnterpriseMembership, Industry, KeyDomain
from enterprises.validators import credit_code_check_char
from grid.models import GridCell, Region

PASSWORD = "Test-pass-2026!"
_serial = itertools.count(1)


def credit_code(n=None):
    """A valid 18-character credit code (GB 32100-2015 check digit), unique per call."""
    n = next(_serial) if n is None else n
    first17 = f"91320412MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def region(name):
    return Region.objects.get(name=name)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试村{n}")
    level = Region.Level.VILLAGE
    code = factory.Sequence(lambda n: f"T{n:06d}")
    code_is_local = True


class GridCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridCell

    name = factory.Sequence(lambda n: f"第{n}网格")
    code = factory.Sequence(lambda n: f"G{n:06d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "bureau_staff"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def cells(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.grid_cells.set(extracted)


def make_enterprise(*, township, by=None, industry="auto_parts", key_domains=(), effective_date=None, **fields):
    fields.setdefault("credit_code", credit_code())
    fields.setdefault("name", f"常州测试{fields['credit_code'][-6:]}有限公司")
    return services.enterprise_create(
        by=by, township=township, industry=Industry.objects.get(code=industry),
        key_domains=list(KeyDomain.objects.filter(code__in=key_domains)),
        effective_date=effective_date or datetime.date(2022, 1, 1), **fields)


def make_enterprise_user(enterprise, position="principal", **kwargs):
    user = UserFactory(role="enterprise", **kwargs)
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise, position=position)
    return user


def enterprise_writer(enterprise):
    """A user who takes the enterprise's own steps (rectification plan, evidence, extension request):
    its principal or safety manager, a new safety manager if it has neither."""
    member = (EnterpriseMembership.objects.filter(enterprise=enterprise, position__in=("principal", "safety_manager"))
              .select_related("user").order_by("pk").first())
    return member.user if member else make_enterprise_user(enterprise, "safety_manager")


# -- inspections -----------------------------------------------------------------------------------
OFFICERS = [("张明", "32040001"), ("李强", "32040002")]


def jpeg(name="photo.jpg", size=(64, 48), colour=(200, 40, 40)):
    """A small real JPEG upload (the attachment validator reads the bytes, not the name)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_inspection(enterprise, by, *, inspected_on=datetime.date(2022, 5, 10), kind="enforcement", checklist="general",
                    failures=None, plan_item=None, campaign=None, officers=OFFICERS, summary="", checking_level=None):
    """Submit an inspection through the service: every item compliant except ``failures``, a dict
    ``{item_code: finding}`` where a finding is ``{"description", "deadline", "major_criterion",
    "on_the_spot", ...}`` (``deadline`` defaults to 30 days after the inspection)."""
    from inspections.models import ChecklistTemplate
    from inspections.services import inspection_submit

    template = ChecklistTemplate.objects.get(code=checklist, region=None, status="published")
    failures = failures or {}
    answers = [{"item": item.pk, "result": "fail" if item.code in failures else "pass"}
               for item in template.items.all()]
    findings = []
    for code, finding in failures.items():
        finding = {"description": f"{code} 不符合要求", **finding, "item_code": code}
        finding.setdefault("deadline", inspected_on + datetime.timedelta(days=30))
        if finding.get("on_the_spot") and "photos" not in finding:
            finding["photos"] = [jpeg()]
        findings.append(finding)
    return inspection_submit(enterprise=enterprise, by=by, kind=kind, inspected_on=inspected_on, checklist=template,
                             answers=answers, findings=findings, officers=officers, summary=summary,
                             plan_item=plan_item, campaign=campaign, checking_level=checking_level)


def criterion(code="DUST-3"):
    from inspections.models import MajorHazardCriterion
    return MajorHazardCriterion.objects.get(code=code)
