from portal import appconfig


class RulesConfig(appconfig.PortalAppConfig):
    name = "portal.rules"
    label = "rules"
    urls = {"rules/": "portal.rules.urls"}
