"""The roster's own sections of the enterprise page."""
from django.utils.translation import gettext_lazy as _

from portal.accounts import capabilities as caps
from portal.accounts import scope

from .dossier import register_section
from .models import Enterprise


def _changes(enterprise, user):
    return {"changes": list(enterprise.changes.select_related("from_township", "to_township", "by")[:20])}


def _chemical_sites(enterprise, user):
    return {"sites": list(enterprise.chemical_sites.all())}


def _accounts(enterprise, user):
    if not scope.can(user, caps.VIEW_ENTERPRISE_ACCOUNTS):
        return None
    return {"memberships": list(enterprise.memberships.select_related("user"))}


def _tenants(enterprise, user):
    # tenants and the host are enterprises too: only those the user may see are named
    tenants = list(scope.visible(user, enterprise.tenants.only("pk", "name", "credit_code")))
    host = scope.visible(user, Enterprise.objects.filter(pk=enterprise.host_id)).first() if enterprise.host_id else None
    return {"tenants": tenants, "host": host} if tenants or host else None


register_section("chemical_sites", _("Hazardous-chemical storage sites"), "enterprises/sections/chemical_sites.html",
                 _chemical_sites, order=10)
register_section("tenants", _("Factory within a factory"), "enterprises/sections/tenants.html", _tenants, order=15)
register_section("changes", _("Roster changes"), "enterprises/sections/changes.html", _changes, order=20)
register_section("accounts", _("Enterprise accounts"), "enterprises/sections/accounts.html", _accounts, order=30)
