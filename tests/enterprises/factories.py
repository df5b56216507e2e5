"""Enterprises and their users, created through the roster service, so a test world holds only
states the portal itself can reach (a registered change for every enterprise)."""
import datetime
import itertools

from enterprises import services
from enterprises.models import EnterpriseMembership, Industry, KeyDomain
from enterprises.validators import credit_code_check_char
from tests.factories import UserFactory

_serial = itertools.count(1)


def credit_code(n=None):
    """A valid 18-character credit code (GB 32100-2015 check digit), unique per call."""
    n = next(_serial) if n is None else n
    first17 = f"91320412MA{n:07d}"
    return first17 + credit_code_check_char(first17)


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
